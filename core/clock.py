"""Clocks passed into the rules so that time is an input, never a hidden global."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


def utcnow() -> datetime:
    """Naive UTC now, truncated to the second as the contract's timestamps are."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return utcnow()


class ManualClock:
    """A clock that only moves when told to: for tests and replays."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 1, 9, 0, 0)

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float = 0, *, minutes: float = 0) -> datetime:
        self._now += timedelta(seconds=seconds, minutes=minutes)
        return self._now

    def set(self, when: datetime) -> None:
        self._now = when


def format_ts(when: datetime) -> str:
    """The contract's timestamp form: YYYY-MM-DDTHH:MM:SS, UTC, no offset."""
    return when.strftime("%Y-%m-%dT%H:%M:%S")
