"""The window as a user starts it: main.py in its own process, offscreen, closed by a signal."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

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
    try:
        deadline = time.monotonic() + 30
        while not (tmp_path / "data" / "console.db").exists():
            assert proc.poll() is None, proc.communicate()[1]
            assert time.monotonic() < deadline, "the console never opened its database"
            time.sleep(0.1)
        time.sleep(1.5)  # the window is up and the broker has been tried
        assert proc.poll() is None
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert "closing the window" in err
    assert "guest:guest" not in err
