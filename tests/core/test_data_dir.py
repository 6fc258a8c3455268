"""A data directory belongs to one fund and one running console: a mismatched --fund-id and a
second console are refused with one clear line; read-only commands still work beside one."""

from __future__ import annotations

import asyncio
import os
import signal
import stat
import subprocess
import sys
from datetime import date, time, timedelta
from pathlib import Path

import pytest

from core.config import db_path
from core.engine import ApplicationForm, Engine
from core.lock import DataDirBusy, DataDirLock
from core.service import ConsoleCore
from core.storage import FundMismatch, Store

ROOT = Path(__file__).resolve().parents[2]
UNREACHABLE = "amqp://guest:guest@127.0.0.1:1/"
FORM = ApplicationForm("Уборка", date.today() + timedelta(days=5), time(14), time(18), spots=3)


def main_py(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_a_data_dir_records_its_fund_and_refuses_another(tmp_path: Path) -> None:
    asyncio.run(ConsoleCore(tmp_path, "42", UNREACHABLE).stop())  # the first console claims it
    with pytest.raises(FundMismatch) as info:
        ConsoleCore(tmp_path, "43", UNREACHABLE)
    assert str(info.value) == (
        f"{tmp_path} belongs to fund 42, not 43: use --fund-id 42, or give fund 43 a data"
        " directory of its own (--data-dir)"
    )
    DataDirLock(tmp_path).acquire().release()  # the refused console let the lock go
    for args in (("app", "list"), ("app", "close", "1"), ("--headless", "--broker", UNREACHABLE)):
        done = main_py(*args, "--data-dir", str(tmp_path), "--fund-id", "43")
        assert done.returncode == 1, done
        assert done.stderr.strip() == f"error: {info.value}"


def test_reading_a_data_dir_does_not_claim_it_but_a_change_does(tmp_path: Path) -> None:
    assert main_py("app", "list", "--data-dir", str(tmp_path), "--fund-id", "7").returncode == 0
    store = Store(db_path(tmp_path))
    assert store.recorded_fund() is None
    Engine(store, "7").create_application(FORM)
    store.check_fund("7", claim=True)
    assert store.recorded_fund() == "7"
    store.close()


def test_an_upgraded_data_dir_takes_its_fund_from_its_applications(tmp_path: Path) -> None:
    old = Store(db_path(tmp_path), upto_version=7)
    with old.transaction() as c:  # as a v7 console wrote it (today's engine adds columns)
        c.execute(
            "INSERT INTO application (id, fund_id, name, description, date, start, end, capacity,"
            " status, policy, offer_timeout_s, created_at, updated_at, next_seq) VALUES"
            " ('456', '9', 'Уборка', '', '2026-03-10', '14:00:00', '18:00:00', 3, 'open',"
            " 'broadcast', 1800, '2026-03-02T09:00:00', '2026-03-02T09:00:00', 1)"
        )
    old.close()
    store = Store(db_path(tmp_path))
    assert store.recorded_fund() == "9"
    store.close()


def test_a_second_console_on_one_data_dir_is_refused_naming_the_first(tmp_path: Path) -> None:
    async def scenario() -> None:
        first = ConsoleCore(tmp_path, "5", UNREACHABLE)
        try:
            with pytest.raises(DataDirBusy) as info:
                ConsoleCore(tmp_path, "5", UNREACHABLE)
            assert str(info.value) == (
                f"another console (pid {os.getpid()}) is using {tmp_path}; stop it first,"
                " or use another --data-dir"
            )
            # Reading beside it works; a second service does not.
            done = main_py("app", "list", "--data-dir", str(tmp_path), "--fund-id", "5")
            assert done.returncode == 0, done.stderr
            for window_or_service in (("--headless",), ()):  # the window: offscreen
                done = main_py(*window_or_service, "--data-dir", str(tmp_path), "--fund-id", "5")
                assert done.returncode == 1
                assert done.stderr.strip().endswith(f"error: {info.value}")
                assert "Traceback" not in done.stderr
        finally:
            await first.stop()
        second = ConsoleCore(tmp_path, "5", UNREACHABLE)  # free again after a clean stop
        await second.stop()

    asyncio.run(scenario())


def test_a_killed_console_leaves_no_lock_behind(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from core.lock import DataDirLock;"
            f" DataDirLock(__import__('pathlib').Path({str(tmp_path)!r})).acquire();"
            " print('held', flush=True); time.sleep(60)",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with pytest.raises(DataDirBusy) as info:
            DataDirLock(tmp_path).acquire()
        assert info.value.pid == holder.pid
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        lock = DataDirLock(tmp_path).acquire()
        assert lock.held
        lock.release()
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()


def test_restore_is_refused_while_a_console_runs(tmp_path: Path) -> None:
    async def scenario() -> None:
        core = ConsoleCore(tmp_path, "5", UNREACHABLE)
        try:
            backup = await core.backup()
            done = main_py("restore", backup.name, "--data-dir", str(tmp_path))
            assert done.returncode == 1
            assert f"another console (pid {os.getpid()}) is using" in done.stderr
        finally:
            await core.stop()

    asyncio.run(scenario())


# ---- a bad --data-dir, broken files, a closed pipe ----------------------------------------


def test_a_data_dir_that_is_a_file_is_refused_in_one_line_by_commands_and_the_window(
    tmp_path: Path,
) -> None:
    a_file = tmp_path / "passwd"
    a_file.write_text("root:x:0:0\n")
    for args in (("app", "list"), ("--headless",), ()):
        done = main_py(*args, "--data-dir", str(a_file))
        assert (done.returncode, done.stderr) == (
            2,
            f"error: the data directory {a_file} is not a directory\n",
        )


def test_a_mistyped_data_dir_is_not_created_unless_asked(tmp_path: Path) -> None:
    typo = tmp_path / "fnud-data"
    for args in (("app", "list"), ("--headless",), ()):
        done = main_py(*args, "--data-dir", str(typo))
        assert done.returncode == 2
        assert done.stderr == (
            f"error: the data directory {typo} does not exist: check the spelling, or add"
            " --create to start a new, empty one there\n"
        )
    assert not typo.exists()
    done = main_py("app", "list", "--data-dir", str(typo), "--create")
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(typo.stat().st_mode) == 0o700
    assert stat.S_IMODE(db_path(typo).stat().st_mode) == 0o600


def test_a_database_that_cannot_be_opened_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    db_path(tmp_path).mkdir()  # console.db is a directory: SQLite cannot open it
    done = main_py("app", "list", "--data-dir", str(tmp_path))
    assert (done.returncode, done.stderr) == (
        1,
        f"error: cannot use the database {db_path(tmp_path)}: unable to open database file\n",
    )
    junk = tmp_path / "junk"
    junk.mkdir()
    db_path(junk).write_bytes(os.urandom(50_000))
    done = main_py("app", "list", "--data-dir", str(junk))
    assert done.returncode == 3
    assert done.stderr.startswith(f"error: the database {db_path(junk)} is damaged (")
    assert "Traceback" not in done.stderr


def test_a_reader_that_closes_the_pipe_early_ends_the_listing_quietly(tmp_path: Path) -> None:
    store = Store(db_path(tmp_path))
    engine = Engine(store, "1")
    for _ in range(300):
        engine.create_application(FORM)
    store.close()
    lister = subprocess.Popen(
        [sys.executable, "main.py", "app", "list", "--json", "--data-dir", str(tmp_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert lister.stdout is not None and lister.stderr is not None
    assert lister.stdout.read(8) == b'[{"id":"'
    lister.stdout.close()  # as `| head -c 10` does
    err = lister.stderr.read().decode()
    assert lister.wait(30) == 128 + signal.SIGPIPE
    assert err == ""
