"""The broker side of the console: connection, topology, consumer, relay, status, stats."""

from core.broker.connection import quiet_aiormq_logs
from core.broker.dead_letters import REJECTION_HEADER
from core.broker.stats import QueueStats
from core.broker.status import BrokerStatus, State
from core.broker.topology import (
    DEAD_LETTER_EXCHANGE,
    DELIVERY_LIMIT,
    Role,
    consumer_queue_arguments,
    queue_names,
)
from core.broker.transport import Transport

__all__ = [
    "DEAD_LETTER_EXCHANGE",
    "DELIVERY_LIMIT",
    "REJECTION_HEADER",
    "BrokerStatus",
    "QueueStats",
    "Role",
    "State",
    "Transport",
    "consumer_queue_arguments",
    "queue_names",
    "quiet_aiormq_logs",
]
