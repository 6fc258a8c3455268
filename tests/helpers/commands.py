"""The command line run in-process against one data directory, and the engine it opens."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from core import cli
from core.clock import Clock
from core.engine import Engine

RUNNERS: dict[str, Callable[[Any, Any], int]] = {
    "app": cli.run_app_command,
    "checkin": cli.run_checkin,
    "volunteers": cli.run_volunteers,
    "report": cli.run_report,
}


class Commands:
    """`volunteer-console COMMAND ...` run in-process on one data directory of one fund."""

    def __init__(self, data_dir: Path, command: str = "app", fund: str = "f1") -> None:
        self.command = command
        self.common = ["--data-dir", str(data_dir), "--fund-id", fund]

    def __call__(self, *argv: str) -> tuple[int, str]:
        """The exit code and what the command printed."""
        out = io.StringIO()
        args = cli.parse_args([self.command, *argv, *self.common])
        code = RUNNERS[self.command](args, out)
        return code, out.getvalue()

    @contextmanager
    def engine(self, clock: Clock | None = None, *, claim: bool = False) -> Iterator[Engine]:
        """The engine the commands open, to arrange what they then act on."""
        engine = cli.open_engine(cli.parse_args(["app", "list", *self.common]), clock, claim=claim)
        try:
            yield engine
        finally:
            engine.store.close()
