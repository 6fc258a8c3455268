"""The broker side of the console: connection, topology, consumer, relay, status, stats.

The names below are loaded when first asked for (PEP 562), so importing one light module of
the package (status, stats' dataclass) does not load aio-pika: the window starts before it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_WHERE = {
    "quiet_aiormq_logs": "connection",
    "REJECTION_HEADER": "dead_letters",
    "QueueStats": "stats",
    "BrokerStatus": "status",
    "State": "status",
    "DEAD_LETTER_EXCHANGE": "topology",
    "DELIVERY_LIMIT": "topology",
    "Role": "topology",
    "consumer_queue_arguments": "topology",
    "queue_names": "topology",
    "Transport": "transport",
}

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


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"core.broker.{module}"), name)
    globals()[name] = value
    return value
