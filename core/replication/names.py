"""Broker names of a fund's replication: the decision log, the lease and the commands queue."""

from __future__ import annotations

from typing import Any

COMMANDS_EXCHANGE = "volunteer_console.commands"

# A replica that was away longer than this catches up from a snapshot, not from the log.
LOG_MAX_AGE = "7D"


def log_stream(fund_id: str) -> str:
    return f"volunteer_console.fund.{fund_id}.log"


def lease_queue(fund_id: str) -> str:
    return f"volunteer_console.fund.{fund_id}.lease"


def commands_queue(fund_id: str) -> str:
    return f"volunteer_console.fund.{fund_id}.commands"


def command_key(fund_id: str, action: str) -> str:
    return f"fund.{fund_id}.command.{action}"


def log_arguments(max_age: str = LOG_MAX_AGE) -> dict[str, Any]:
    return {"x-queue-type": "stream", "x-max-age": max_age}


def commands_arguments() -> dict[str, Any]:
    # Quorum: a command a replica sent must survive the loss of a broker node. Single active
    # consumer is a second guard: only the lease holder consumes, and only one of them at once.
    return {
        "x-queue-type": "quorum",
        "x-single-active-consumer": True,
    }
