"""The reload thread of a worker, with a stand-in reloader (no rule sets loaded), and how a
signing-key rotation by another process reaches a verifier."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from eligibility_service.rules.errors import Problem
from eligibility_service.runtime.announcements import ReloadAnnouncements, ReloadWatcher
from eligibility_service.runtime.rule_reload import ReloadRefused, RuleSetReloader
from eligibility_service.security.key_sources import LocalKeys
from eligibility_service.security.local_issuer import LocalIssuer


class StandIn:
    """Records each reload asked for; refuses when told to."""

    def __init__(self) -> None:
        self.triggers: list[str] = []
        self.refuse = False
        self.done = threading.Event()

    def reload(self, trigger: str) -> Any:
        self.triggers.append(trigger)
        self.done.set()
        if self.refuse:
            raise ReloadRefused([Problem("rule_sets/x.yaml", 3, "broken")])


def _until(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[tuple[ReloadWatcher, StandIn, ReloadAnnouncements]]:
    stand_in = StandIn()
    announcements = ReloadAnnouncements(tmp_path)
    watcher = ReloadWatcher(
        cast(RuleSetReloader, stand_in), announcements, announcements.current(), interval=0.05
    )
    watcher.start()
    yield watcher, stand_in, ReloadAnnouncements(tmp_path)  # the last: another process's view
    watcher.stop()


def test_another_process_announcement_reloads_once(watched: Any) -> None:
    _watcher, stand_in, other = watched
    time.sleep(0.2)
    assert stand_in.triggers == []  # nothing announced: nothing done
    other.announce()
    assert _until(lambda: stand_in.triggers == ["announced reload"])
    time.sleep(0.3)
    assert stand_in.triggers == ["announced reload"]  # once per announcement


def test_its_own_announcement_does_not_reload_it_again(watched: Any) -> None:
    watcher, stand_in, other = watched
    token = watcher.announce()
    assert other.current() == token
    time.sleep(0.3)
    assert stand_in.triggers == []


def test_sighup_reloads_and_a_refusal_does_not_stop_the_thread(watched: Any) -> None:
    watcher, stand_in, other = watched
    stand_in.refuse = True
    watcher.request()
    assert _until(lambda: stand_in.triggers == ["SIGHUP"])
    stand_in.refuse = False
    other.announce()
    assert _until(lambda: stand_in.triggers == ["SIGHUP", "announced reload"])


def test_an_announcement_made_while_starting_is_not_missed(tmp_path: Path) -> None:
    announcements = ReloadAnnouncements(tmp_path)
    seen_before_loading = announcements.current()
    announcements.announce()  # another worker reloads while this one is loading
    stand_in = StandIn()
    watcher = ReloadWatcher(
        cast(RuleSetReloader, stand_in), announcements, seen_before_loading, interval=0.05
    )
    watcher.start()
    try:
        assert _until(lambda: stand_in.triggers == ["announced reload"])
    finally:
        watcher.stop()


def test_a_rotation_by_another_process_is_seen_at_once(tmp_path: Path) -> None:
    keys = LocalKeys(LocalIssuer(tmp_path))
    old = LocalIssuer(tmp_path).current()
    assert keys.key_for(old.kid) is not None  # keys read just now
    new = LocalIssuer(tmp_path).rotate()  # another process rotates
    assert keys.key_for(new.kid) is not None  # not refused until the next periodic read
    assert keys.key_for(old.kid) is not None  # the retired key still verifies its tokens
