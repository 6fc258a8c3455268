"""What the rules decided to tell the world, as domain facts; the engine makes wire messages.

The rules (core/rules.py) never build a wire message: they append these small frozen values
to their Effects, in the order things are to be said, and the engine turns each into the
message of core/messages.py that the contract names for it (one builder per outcome).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from typing import Literal


class News(StrEnum):
    """What one volunteer is told about one application."""

    SIGNED_UP = "signed_up"  # записан
    SPOT_OFFERED = "spot_offered"  # место доступно
    NOT_SELECTED = "not_selected"  # не выбрал
    REMOVED = "removed"  # исключён
    APP_CANCELLED = "app_cancelled"  # заявка отменена
    APP_CLOSED = "app_closed"  # заявка закрыта
    CONFIRMED = "confirmed"  # подтверждено
    NOT_CONFIRMED = "not_confirmed"  # не подтвердил (released at confirm-by)


@dataclass(frozen=True, slots=True)
class Told:
    """A volunteer is told one piece of news (a volunteer_notification)."""

    volunteer_id: str
    news: News


@dataclass(frozen=True, slots=True)
class Reminded:
    """A signed-up volunteer is reminded of the shift and asked to confirm by then (напоминание).

    key names the reminder ('lead:<seconds>' or 'now:<n>'): one key, one message, ever."""

    volunteer_id: str
    confirm_by: datetime  # UTC
    key: str


@dataclass(frozen=True, slots=True)
class Waitlisted:
    """A volunteer joined the waitlist at this 1-based position (volunteer_waiting)."""

    volunteer_id: str
    position: int


@dataclass(frozen=True, slots=True)
class SpotsAnnounced:
    """An offer round offers `spots` spots to these volunteers, in order (notify_free_spot)."""

    spots: int
    volunteers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Listing:
    """An application as announced: its fields at the moment of the announcement."""

    name: str
    description: str
    date: date
    start: time
    end: time
    capacity: int


class Listed:
    """An application's record that holds its Listing and reads the six fields through it:
    the working state (rules.AppState) and the read side's summary (queries.AppSummary)."""

    __slots__ = ()
    listing: Listing

    @property
    def name(self) -> str:
        return self.listing.name

    @property
    def description(self) -> str:
        return self.listing.description

    @property
    def date(self) -> date:
        return self.listing.date

    @property
    def start(self) -> time:
        return self.listing.start

    @property
    def end(self) -> time:
        return self.listing.end

    @property
    def capacity(self) -> int:
        return self.listing.capacity


@dataclass(frozen=True, slots=True)
class Published:
    """The application is open to volunteers (create_volunteer_application)."""

    listing: Listing


@dataclass(frozen=True, slots=True)
class Updated:
    """Its fields, capacity or status changed (update_volunteer_application)."""

    listing: Listing
    status: Literal["open", "closed"]


@dataclass(frozen=True, slots=True)
class Withdrawn:
    """The fund cancelled a published application (cancel_volunteer_application)."""


Outcome = Told | Reminded | Waitlisted | SpotsAnnounced | Published | Updated | Withdrawn
