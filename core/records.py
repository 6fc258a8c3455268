"""The core's logged records, one type per concept: the writer, the read side and gui share them.

The engine makes them as it commits (an Activity without its row id yet, a LoggedMessage
without its log key), core.queries reads the same types back from SQL, and gui/ shows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from core.kinds import Params, activity_english


@dataclass(frozen=True, slots=True)
class Activity:
    """One decision about an application, with its cause: a kind plus parameters."""

    application_id: str
    at: datetime
    actor: str
    kind: str  # an ActivityKind value
    volunteer_id: str | None
    params: Params
    cause: str | None
    id: int = 0  # the activity row's id once stored (0 while being committed)

    def english(self) -> str:
        return activity_english(self.kind, self.params)


@dataclass(frozen=True, slots=True)
class LoggedMessage:
    """A row of the message log: one message in or out."""

    direction: Literal["in", "out"]
    at: datetime
    exchange: str
    routing_key: str
    action: str
    application_id: str | None
    volunteer_id: str | None
    body: str
    outcome: str = ""  # inbound: applied/rejected/ignored[: why]; outbound: sent, pending, failed
    key: str = ""  # read back: "in:<rowid>" or "out:<seq>", unique and stable, for models

    def row(self) -> tuple[str, str, str, str | None, str | None, str]:
        """The columns the inbox and the outbox both keep, in their shared order."""
        return (
            self.exchange,
            self.routing_key,
            self.action,
            self.application_id,
            self.volunteer_id,
            self.body,
        )
