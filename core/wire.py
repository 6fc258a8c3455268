"""The wire's fixed words: exchange names and the notification statuses of the contract.

Apart from core/messages.py (which re-exports them) so the engine can name them without
loading pydantic, which the window's first paint does not need (core/messages.py is loaded
with the first message in or out).
"""

from __future__ import annotations

WAITING_EXCHANGE = "volunteer_waiting_queue_exchange"
NOTIFICATION_EXCHANGE = "volunteer_notification_exchange"
RESPONSE_EXCHANGE = "volunteer_response_exchange"
EXCHANGES = (WAITING_EXCHANGE, NOTIFICATION_EXCHANGE, RESPONSE_EXCHANGE)

# The seed's two status words are kept exactly; the others follow the same style.
STATUS_SPOT_AVAILABLE = "место доступно"
STATUS_NOT_SELECTED = "не выбрал"
STATUS_SIGNED_UP = "записан"
STATUS_REMOVED = "исключён"
STATUS_CANCELLED = "заявка отменена"
STATUS_CLOSED = "заявка закрыта"
# Reminders and attendance: the shared contract's three words.
STATUS_REMINDER = "напоминание"
STATUS_CONFIRMED = "подтверждено"
STATUS_NOT_CONFIRMED = "не подтвердил"
NOTIFICATION_STATUSES = (
    STATUS_SPOT_AVAILABLE,
    STATUS_NOT_SELECTED,
    STATUS_SIGNED_UP,
    STATUS_REMOVED,
    STATUS_CANCELLED,
    STATUS_CLOSED,
    STATUS_REMINDER,
    STATUS_CONFIRMED,
    STATUS_NOT_CONFIRMED,
)
