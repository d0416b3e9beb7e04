"""Group the member stream into families: a subscriber (INS01=Y) and the dependents after it.

The 834 links a dependent to its subscriber only by position and by sharing the subscriber's
``REF*0F``. Both links are checked; when they disagree the file is at fault, not the member,
so the problem becomes a file-level finding and the member is still yielded, in the family
its position puts it in (position is what the sender's software used). A dependent before
any subscriber (in its transaction set) starts a family without a subscriber
(``subscriber is None``).

Lazy: one family is held at a time, so a full file streams through in constant memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .models import FileFinding, Member


@dataclass(frozen=True, slots=True)
class Family:
    """A subscriber and its dependents, in file order."""

    subscriber: Member | None
    dependents: tuple[Member, ...]

    @property
    def subscriber_id(self) -> str:
        """The family key: the subscriber's ``REF*0F`` (else the first dependent's)."""
        if self.subscriber is not None:
            return self.subscriber.subscriber_id
        return self.dependents[0].subscriber_id if self.dependents else ""

    @property
    def members(self) -> tuple[Member, ...]:
        head = (self.subscriber,) if self.subscriber is not None else ()
        return head + self.dependents

    def __repr__(self) -> str:
        return f"Family(subscriber={self.subscriber!r}, dependents={list(self.dependents)!r})"


def iter_families(members: Iterable[Member], findings: list[FileFinding]) -> Iterator[Family]:
    """Families in file order; linkage problems are appended to ``findings`` (for example
    :attr:`X12Reader.findings`) as ``orphan-dependent`` and ``dependent-subscriber-id``."""
    subscriber: Member | None = None
    dependents: list[Member] = []
    started = False
    for member in members:
        if member.subscriber_indicator == "Y":
            if started:
                yield Family(subscriber, tuple(dependents))
            subscriber = member
            dependents = []
            started = True
            continue
        if subscriber is not None and member.set_index != subscriber.set_index:
            # A new transaction set: its first dependent cannot belong to the last set's family.
            yield Family(subscriber, tuple(dependents))
            subscriber = None
            dependents = []
        if subscriber is None:
            findings.append(
                FileFinding(
                    "orphan-dependent",
                    "dependent (INS01=N) with no subscriber before it"
                    + ("" if member.subscriber_indicator == "N" else " (INS01 is not Y or N)"),
                    member.segment_number,
                )
            )
        elif member.subscriber_id != subscriber.subscriber_id:
            findings.append(
                FileFinding(
                    "dependent-subscriber-id",
                    "dependent's REF*0F differs from its subscriber's REF*0F "
                    f"(subscriber INS at segment {subscriber.segment_number})",
                    member.segment_number,
                    severity="warning",
                )
            )
        dependents.append(member)
        started = True
    if started:
        yield Family(subscriber, tuple(dependents))
