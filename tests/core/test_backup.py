"""A damaged database is never decided on (refused at start, at a commit, by the background
check), and the console keeps online backups that `volunteer-console restore` brings back."""

from __future__ import annotations

import asyncio
import json
import stat
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from core.backup import list_backups, make_backup, restore
from core.clock import ManualClock
from core.config import db_path
from core.engine import ApplicationForm, Delivery, Engine
from core.service import ConsoleCore, run_headless
from core.storage import Store, StoreDamaged

ROOT = Path(__file__).resolve().parents[2]
UNREACHABLE = "amqp://guest:guest@127.0.0.1:1/"
FORM = ApplicationForm("Уборка", date.today() + timedelta(days=5), time(14), time(18), spots=3)


def console_db(data_dir: Path, clock: ManualClock, apps: int = 3) -> list[str]:
    """A cleanly closed console.db with a few applications and a signed-up volunteer."""
    store = Store(db_path(data_dir))
    engine = Engine(store, "7", clock)
    ids = [engine.create_application(FORM) for _ in range(apps)]
    body = {
        "action": "volunteer_response",
        "data": {"volunteer_id": 5, "volunteer_application_id": int(ids[0]), "status": "accepted"},
    }
    engine.handle([Delivery(json.dumps(body).encode(), message_id="m1")])
    store.close()
    return ids


def damage(path: Path, start: int = 8192, end: int = 20480) -> None:
    with path.open("r+b") as f:
        f.seek(start)
        f.write(b"\xa5" * (end - start))


def main_py(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


# ---- a damaged store -----------------------------------------------------------------------


def test_a_damaged_database_is_refused_when_it_is_opened(tmp_path: Path, clock) -> None:
    console_db(tmp_path, clock)
    damage(db_path(tmp_path))
    with pytest.raises(StoreDamaged) as info:
        Store(db_path(tmp_path))
    assert str(info.value).startswith(f"the database {db_path(tmp_path)} is damaged (")
    assert str(info.value).endswith(
        "the console decides nothing on it. Restore a backup: volunteer-console restore"
    )


def test_the_command_line_and_the_service_exit_3_with_one_line_on_a_damaged_database(
    tmp_path: Path, clock
) -> None:
    console_db(tmp_path, clock)
    damage(db_path(tmp_path))
    common = ("--data-dir", str(tmp_path), "--fund-id", "7")
    for args in (
        ("app", "list", *common),
        ("--headless", *common, "--broker", UNREACHABLE),
        (*common, "--broker", UNREACHABLE),  # the window (its start check runs aside)
    ):
        done = main_py(*args)
        assert done.returncode == 3, done
        lines = [line for line in done.stderr.splitlines() if "damaged" in line]
        assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
        assert "volunteer-console restore" in lines[0]


def test_a_start_check_run_aside_refuses_the_start_and_nothing_is_decided(
    tmp_path: Path, clock
) -> None:
    console_db(tmp_path, clock)
    damage(db_path(tmp_path))

    async def scenario() -> None:
        core = ConsoleCore(tmp_path, "7", UNREACHABLE, clock, check_aside=True)  # opens
        with pytest.raises(StoreDamaged) as info:
            await core.start()
        assert str(info.value).startswith(f"the database {db_path(tmp_path)} is damaged (")
        assert core.store.damaged is not None  # every transaction refuses from now on
        assert core.transport.status.state != "connected"
        await core.stop()

    asyncio.run(scenario())
    assert list_backups(tmp_path) == []
    ConsoleCore(tmp_path, "7", UNREACHABLE, clock, check_budget=0).lock.release()  # freed


def test_a_start_check_run_aside_on_a_sound_database_lets_the_console_start(
    tmp_path: Path, clock
) -> None:
    console_db(tmp_path, clock)

    async def scenario() -> None:
        core = ConsoleCore(tmp_path, "7", UNREACHABLE, clock, check_aside=True)
        await core.start()
        assert not core.store.checking and core.store.fully_checked
        await core.stop()

    asyncio.run(scenario())


def test_damage_found_at_a_commit_refuses_no_message_and_stops_every_later_decision(
    tmp_path: Path, clock
) -> None:
    ids = console_db(tmp_path, clock)
    damage(db_path(tmp_path))
    store = Store(db_path(tmp_path), check_budget=0)  # opened unchecked, as a check may miss it
    told: list[StoreDamaged] = []
    store.on_damaged.append(told.append)
    engine = Engine(store, "7", clock)
    body = {
        "action": "volunteer_response",
        "data": {"volunteer_id": 6, "volunteer_application_id": int(ids[1]), "status": "accepted"},
    }
    with pytest.raises(StoreDamaged):
        engine.handle([Delivery(json.dumps(body).encode(), message_id="m2")])
    assert len(told) == 1 and store.damaged is told[0]
    with pytest.raises(StoreDamaged):  # and the next one is refused before reading anything
        engine.set_capacity(ids[2], 5)
    store.close()


def test_the_background_check_finds_what_the_start_check_did_not_read_and_stops_the_service(
    tmp_path: Path, clock
) -> None:
    console_db(tmp_path, clock)
    damage(db_path(tmp_path))

    async def scenario() -> None:
        core = ConsoleCore(tmp_path, "7", UNREACHABLE, clock, check_budget=0)
        seen: list[StoreDamaged] = []
        core.subscribe_damage(seen.append)
        with pytest.raises(StoreDamaged):
            await asyncio.wait_for(run_headless(core, asyncio.Event()), 30)
        assert seen and seen[0] is core.damage
        assert list_backups(tmp_path) == []  # a damaged store is never backed up

    asyncio.run(scenario())


# ---- backups -------------------------------------------------------------------------------


def test_backups_are_consistent_private_and_only_the_newest_three_are_kept(
    tmp_path: Path, clock
) -> None:
    console_db(tmp_path, clock)
    taken = [
        make_backup(db_path(tmp_path), tmp_path, datetime(2026, 3, 2, h, 0, 0)) for h in range(5)
    ]
    assert [b.path for b in list_backups(tmp_path)] == taken[:1:-1]  # newest first, three
    assert stat.S_IMODE((tmp_path / "backups").stat().st_mode) == 0o700
    for b in list_backups(tmp_path):
        assert stat.S_IMODE(b.path.stat().st_mode) == 0o600
        copy = Store(b.path)
        assert copy.conn.execute("SELECT COUNT(*) FROM application").fetchone()[0] == 3
        copy.close()


def test_a_clean_stop_leaves_a_backup(tmp_path: Path, clock) -> None:
    async def scenario() -> None:
        core = ConsoleCore(tmp_path, "7", UNREACHABLE, clock)
        await core.start()
        core.engine.create_application(FORM)
        await core.stop()

    asyncio.run(scenario())
    [b] = list_backups(tmp_path)
    copy = Store(b.path)
    assert copy.conn.execute("SELECT COUNT(*) FROM application").fetchone()[0] == 1
    copy.close()


def test_restore_puts_a_backup_back_and_keeps_the_damaged_file_aside(tmp_path: Path, clock) -> None:
    console_db(tmp_path, clock)
    backup = make_backup(db_path(tmp_path), tmp_path, datetime(2026, 3, 2, 9))
    damage(db_path(tmp_path))
    listing = main_py("restore", "--data-dir", str(tmp_path))
    assert listing.returncode == 0
    assert f"  {backup.name}  2026-03-02 09:00:00" in listing.stdout
    done = main_py("restore", backup.name, "--data-dir", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == f"restored {backup.name} as {db_path(tmp_path)}"
    aside = min(tmp_path.glob("console.db.replaced-*"))  # not its -wal or -shm
    assert done.stdout.splitlines()[1] == f"the replaced database was kept as {aside}"
    store = Store(db_path(tmp_path))  # sound again, with its data
    assert store.conn.execute("SELECT COUNT(*) FROM application").fetchone()[0] == 3
    store.close()
    assert stat.S_IMODE(db_path(tmp_path).stat().st_mode) == 0o600
    with pytest.raises(StoreDamaged):
        Store(aside)


def test_a_damaged_backup_is_not_restored(tmp_path: Path, clock) -> None:
    console_db(tmp_path, clock)
    backup = make_backup(db_path(tmp_path), tmp_path, datetime(2026, 3, 2, 9))
    damage(backup)
    before = db_path(tmp_path).read_bytes()
    with pytest.raises(RuntimeError, match="is damaged too"):
        restore(db_path(tmp_path), backup, datetime(2026, 3, 2, 10))
    assert db_path(tmp_path).read_bytes() == before
    done = main_py("restore", "nope.db", "--data-dir", str(tmp_path))
    assert (done.returncode, done.stderr.strip()) == (
        2,
        "error: no backup nope.db (volunteer-console restore lists them)",
    )
