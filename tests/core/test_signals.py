"""A stop signal that comes before the event loop runs still stops the console cleanly."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    from core.signals import StopRequest

    request = StopRequest()
    if sys.argv[1] == "installed":
        request.install()
    os.kill(os.getpid(), signal.SIGTERM)  # while the console would still be importing

    async def main() -> None:
        stop = asyncio.Event()
        request.attach(stop)
        await asyncio.wait_for(stop.wait(), 10)
        print("stopped cleanly")

    asyncio.run(main())
    """
)


def run_child(mode: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CHILD, mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_sigterm_before_the_loop_runs_is_kept_and_stops_the_loop_cleanly() -> None:
    child = run_child("installed")
    assert (child.returncode, child.stdout.strip()) == (0, "stopped cleanly"), child.stderr


def test_without_the_early_handler_the_same_sigterm_kills_the_process() -> None:
    child = run_child("not installed")  # what a service did before: died with -15
    assert (child.returncode, child.stdout) == (-15, "")
