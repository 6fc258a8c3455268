"""Online backups of the console's database (SQLite's backup API), listing and restoring them."""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from core.storage import BUSY_TIMEOUT_MS, integrity_check

BACKUP_DIR = "backups"
KEEP = 3  # the newest backups kept; older ones are deleted after each new one
_PREFIX, _SUFFIX = "console-", ".db"
_STAMP = "%Y%m%dT%H%M%S"


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    taken_at: datetime
    size: int


def backup_dir(data_dir: Path) -> Path:
    return Path(data_dir) / BACKUP_DIR


def list_backups(data_dir: Path) -> list[Backup]:
    """The backups of a data directory, newest first."""
    found = []
    folder = backup_dir(data_dir)
    if not folder.is_dir():
        return []
    for p in folder.glob(f"{_PREFIX}*{_SUFFIX}"):
        try:
            taken = datetime.strptime(p.name[len(_PREFIX) : -len(_SUFFIX)], _STAMP)
        except ValueError:
            continue  # not one of ours
        found.append(Backup(p, taken, p.stat().st_size))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def make_backup(db: Path, data_dir: Path, now: datetime, *, keep: int = KEEP) -> Path:
    """Copy the live database into backups/ (a consistent snapshot, while it is in use),
    check the copy, keep the newest `keep`. Files 0600, the folder 0700."""
    folder = backup_dir(data_dir)
    folder.mkdir(mode=0o700, exist_ok=True)
    os.chmod(folder, 0o700)
    final = folder / f"{_PREFIX}{now.strftime(_STAMP)}{_SUFFIX}"
    tmp = folder / f".{final.name}.{uuid.uuid4().hex[:8]}.partial"  # two backups never meet
    os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    try:
        src = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)  # one step: one read snapshot, the writer goes on meanwhile (WAL)
        finally:
            dst.close()
            src.close()
        problem = integrity_check(tmp)
        if problem is not None:
            raise RuntimeError(f"the backup copy failed its check: {problem}")
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    for old in list_backups(data_dir)[keep:]:
        old.path.unlink(missing_ok=True)
    return final


def restore(db: Path, backup: Path, now: datetime) -> Path | None:
    """Put a checked backup in place of the database; the replaced file (and its WAL) is
    moved aside, never deleted. Returns where it went (None when there was no database).
    The caller makes sure no console uses the data directory meanwhile."""
    problem = integrity_check(backup)
    if problem is not None:
        raise RuntimeError(f"{backup} is damaged too: {problem}")
    aside: Path | None = None
    if db.exists():
        aside = db.with_name(f"{db.name}.replaced-{now.strftime(_STAMP)}")
        for suffix in ("", "-wal", "-shm"):
            part = Path(f"{db}{suffix}")
            if part.exists():
                os.replace(part, Path(f"{aside}{suffix}"))
    tmp = db.with_name(f".{db.name}.restoring")
    tmp.unlink(missing_ok=True)
    os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    shutil.copyfile(backup, tmp)
    os.replace(tmp, db)
    return aside
