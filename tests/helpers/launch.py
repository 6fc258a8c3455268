"""The console as a user starts it: its own process, left to open, closed by a signal."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path


def close_by_signal(
    proc: subprocess.Popen[str],
    database: Path,
    *,
    sig: int = signal.SIGTERM,
    opens_within: float = 30,
    settle: float = 1.0,
) -> str:
    """Wait for proc to open database, let it settle, send sig; its stderr once it exited 0.

    proc was started with stderr=PIPE; whatever fails, it is not left running.
    """
    try:
        deadline = time.monotonic() + opens_within
        while not database.exists():
            assert proc.poll() is None, proc.communicate()[1]
            assert time.monotonic() < deadline, "the console never opened its database"
            time.sleep(0.1)
        time.sleep(settle)  # the window is up (and the broker has been tried)
        assert proc.poll() is None
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    return err
