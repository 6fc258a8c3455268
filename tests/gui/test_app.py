"""The window as a user starts it: main.py in its own process, offscreen, closed by a signal."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.launch import close_by_signal

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_the_window_starts_offline_and_a_signal_closes_it_cleanly(tmp_path, sig):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    # Port 1 answers nothing: the console must open anyway, offline.
    args = [sys.executable, "main.py", "--data-dir", str(tmp_path / "data"), "--create"]
    args += ["--fund-id", "t1"]
    proc = subprocess.Popen(
        [*args, "--broker", "amqp://guest:guest@127.0.0.1:1/", "-v"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    err = close_by_signal(proc, tmp_path / "data" / "console.db", sig=sig, settle=1.5)
    assert "closing the window" in err
    assert "guest:guest" not in err
