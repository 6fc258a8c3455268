"""What replication must carry over: every replicated table of a database file, as rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from core.replication.changes import replicated_tables


def table_rows(path: Path) -> dict[str, list[tuple]]:
    """Every replicated table's rows, rowid first, in rowid order."""
    conn = sqlite3.connect(path)
    try:
        return {
            name: conn.execute(f'SELECT rowid, * FROM "{name}" ORDER BY rowid').fetchall()
            for name in replicated_tables(conn)
        }
    finally:
        conn.close()
