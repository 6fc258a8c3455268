"""Clocks passed into the rules so that time is an input, never a hidden global."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Protocol


def utcnow() -> datetime:
    """Naive UTC now, truncated to the second as the contract's timestamps are."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


class Clock(Protocol):
    # The coordinator's time zone; None is the machine's own (what the CLI and window use).
    tz: tzinfo | None

    def now(self) -> datetime: ...


class SystemClock:
    tz: tzinfo | None = None

    def now(self) -> datetime:
        return utcnow()


class ManualClock:
    """A clock that only moves when told to: for tests and replays (tz: the wall it hangs on)."""

    def __init__(self, start: datetime | None = None, tz: tzinfo | None = UTC) -> None:
        self._now = start or datetime(2026, 1, 1, 9, 0, 0)
        self.tz = tz

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float = 0, *, minutes: float = 0) -> datetime:
        self._now += timedelta(seconds=seconds, minutes=minutes)
        return self._now

    def set(self, when: datetime) -> None:
        self._now = when


def format_ts(when: datetime) -> str:
    """The contract's timestamp form: YYYY-MM-DDTHH:MM:SS, UTC, no offset."""
    if when.year < 1000:  # strftime's %Y does not pad them
        return when.strftime("%Y-%m-%dT%H:%M:%S")
    # the same text at a third of strftime's cost (one for every outgoing message)
    return when.replace(tzinfo=None, microsecond=0).isoformat()


# -- the coordinator's wall clock ---------------------------------------------------------------
# An application's date and hours are what the coordinator typed: local wall-clock time, kept
# without a zone. So "today" and "already over" are decided on that wall, never on UTC: the
# engine, the dialog, the CLI and the Past filter all ask these two functions.


def local_now(clock: Clock) -> datetime:
    """The clock's now on the coordinator's wall (naive local time)."""
    return clock.now().replace(tzinfo=UTC).astimezone(clock.tz).replace(tzinfo=None)


def shift_over(day: date, end: time, now_local: datetime, *, start: time | None = None) -> bool:
    """True once a shift's end has passed on the coordinator's wall (the Past filter).

    Given its start, an end before it is the next day (an overnight shift, 22:00-02:00).
    """
    ends = datetime.combine(day, end)
    if start is not None and end < start:
        ends += timedelta(days=1)
    return ends <= now_local
