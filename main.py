"""Entry point: parses the command line and hands over to the window, the service or a command."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence

from core import cli


def main(argv: Sequence[str] | None = None) -> int:
    args = cli.parse_args(argv)
    cli.setup_logging(args.verbose, service=args.headless)
    try:
        if args.command is None and not args.headless:
            return _window(args)
        return cli.run_command(args)
    except BrokenPipeError:
        # `app list --json | head`: the reader is gone, which is not our error to report.
        # Point stdout at devnull so the interpreter's final flush does not complain either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE


def _window(args: argparse.Namespace) -> int:
    # Imported here so the command line works without Qt loaded (and on a server without it).
    try:
        from gui.app import run
    except ImportError as exc:
        print(f"error: cannot open the window: {exc}", file=sys.stderr)
        return cli.EXIT_REFUSED
    try:
        cli.prepare(args)
    except cli.START_REFUSALS as exc:
        return cli.refused_to_start(exc)
    try:
        url, tls = cli.broker_link(args)
    except cli.START_REFUSALS as exc:
        return cli.refused_to_start(exc)
    try:
        return run(
            args.data_dir,
            args.fund_id,
            url,
            demo=args.demo,
            tls=tls,
            coordinator_name=args.coordinator_name,
        )
    except cli.START_REFUSALS as exc:  # damaged, another fund's, or in use by another console
        return cli.refused_to_start(exc)
    except KeyboardInterrupt:  # Ctrl+C in the terminal that started the window
        return 130


if __name__ == "__main__":
    sys.exit(main())
