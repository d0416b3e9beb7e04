"""The per-run metrics folder of ``eligibility serve`` and the files of dead workers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from eligibility_service import metrics_dir
from eligibility_service.metrics import forget_dead_workers


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_prepare_empties_its_folder_and_removes_dead_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(metrics_dir.ENV, raising=False)
    parent = tmp_path / "metrics"
    dead, live = parent / str(_dead_pid()), parent / str(os.getppid())
    not_a_pid = parent / "123456789012345678901"
    for folder in (dead, live, not_a_pid):
        folder.mkdir(parents=True)
        (folder / "counter_1.db").write_bytes(b"x")
    mine = parent / str(os.getpid())
    mine.mkdir()
    (mine / "counter_999.db").write_bytes(b"stale")

    folder = metrics_dir.prepare(tmp_path)

    assert folder == mine and list(folder.iterdir()) == []
    assert os.environ[metrics_dir.ENV] == str(folder)
    assert not dead.exists() and not not_a_pid.exists()  # their processes are gone
    assert (live / "counter_1.db").exists()  # another service still running
    metrics_dir.remove(folder)
    assert not folder.exists()


def test_dead_workers_live_gauges_are_forgotten_counters_kept(tmp_path: Path) -> None:
    dead, live = _dead_pid(), os.getpid()
    names = [
        f"gauge_livesum_{dead}.db",
        f"gauge_livesum_{live}.db",
        f"counter_{dead}.db",
        f"histogram_{dead}.db",
    ]
    for name in names:
        (tmp_path / name).write_bytes(b"")
    forget_dead_workers(str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[1:])


def test_the_command_line_does_not_import_prometheus_client() -> None:
    """``serve`` names the metrics folder before prometheus_client is imported; importing
    the command and its server module must not import it first (it would then keep values
    in memory)."""
    code = (
        "import sys, eligibility_service.cli, eligibility_service.api.server; "
        "print('prometheus_client' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
