"""Change capture in SQLite itself: every row a transaction writes, with its before-image.

Triggers in the main schema (so the command line's writes are caught as well as the console's)
copy each inserted, updated or deleted row of every replicated table into replication_change,
inside the writing transaction: the new row for the decision log, and the old one so that a
console that lost the lease can undo its decisions that never reached the log. They fire only
while replication_capture says so: a data directory that never joined a decision log pays
nothing, and a replica switches them off inside the transaction that applies the log.

The triggers are built from the tables' current columns, so a migration that adds a table or
a column is followed without code: storage drops them before migrating and installs them again
after (a trigger naming a column would stop DROP COLUMN).

The new row is captured as a JSON array, [rowid, the values in the table's column order] (a
`changes` record names each table's columns once, not in every row: half the bytes, a third
less of the replica's decoding); the before-image as an object naming its columns (the undo
reads it, rarely). Rows captured before a migration are turned into objects first
(name_pending_columns), so a migration that changes the columns never meets an array of the
old ones; rows of an older console, captured as objects, stay readable (the publisher turns
them into arrays).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

CHANGE_TABLE = "replication_change"
CAPTURE_TABLE = "replication_capture"
TRIGGER_PREFIX = "rc_"
# Local to each console: its own place in the log, the capture's own rows, its data
# directory's own facts (meta: the fund the directory belongs to), and the volunteers
# directory (names and phones never leave the console, not even through the decision log).
# The backlog counter (outbox_backlog) is each file's own too: a replica recounts it from the
# outbox rows it applied (INSERT OR REPLACE fires no delete trigger to keep it). So are the
# inbox's hash tiers (storage.INBOX_KEY_SQL), which triggers keep from each file's inbox rows.
# Every table
# whose name starts with replication_ is local as well.
NOT_REPLICATED = frozenset(
    {
        CHANGE_TABLE,
        "replication_position",
        "replication_command",
        "meta",
        "volunteer",
        "outbox_backlog",
        # the duplicate check's hash tiers: kept from the inbox rows by triggers on each side
        "inbox_key_recent",
        "inbox_key_older",
    }
)


def replicated_tables(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """Every table of the main database that replicates, with its columns."""
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM main.sqlite_master WHERE type = 'table'"
            " AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {
        name: [c[1] for c in conn.execute(f'PRAGMA main.table_info("{name}")')]
        for name in names
        if name not in NOT_REPLICATED and not name.startswith("replication_")
    }


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _value_sql(ref: str) -> str:
    # JSON has no bytes: a BLOB goes as {"$hex": "..."}
    return f"CASE typeof({ref}) WHEN 'blob' THEN json_object('$hex', hex({ref})) ELSE {ref} END"


def _row_json(prefix: str, columns: list[str]) -> str:
    """The before-image: an object naming its columns."""
    parts = []
    for c in columns:
        key = c.replace("'", "''")
        parts.append(f"'{key}', {_value_sql(f'{prefix}.{quoted(c)}')}")
    return "json_object(" + ", ".join(parts) + ")"


def _row_array(prefix: str, columns: list[str]) -> str:
    """The new row: [rowid, the values in the columns' order]."""
    parts = [f"{prefix}.rowid", *(_value_sql(f"{prefix}.{quoted(c)}") for c in columns)]
    return "json_array(" + ", ".join(parts) + ")"


def capture_on(conn: sqlite3.Connection) -> bool:
    try:
        row = conn.execute(f'SELECT "on" FROM {CAPTURE_TABLE} WHERE id = 1').fetchone()
    except sqlite3.OperationalError:
        return False  # a file older than the capture switch
    return bool(row and row[0])


def set_capture(conn: sqlite3.Connection, on: bool) -> None:
    """Switch the triggers on or off, inside the caller's transaction."""
    conn.execute(
        f'INSERT INTO {CAPTURE_TABLE} (id, "on") VALUES (1, ?)'
        ' ON CONFLICT (id) DO UPDATE SET "on" = excluded."on"',
        (int(on),),
    )


def drop_capture(conn: sqlite3.Connection) -> None:
    """Remove every capture trigger (before a migration changes the tables)."""
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM main.sqlite_master WHERE type = 'trigger' AND name LIKE ?",
            (TRIGGER_PREFIX + "%",),
        )
    ]
    for name in names:
        conn.execute(f"DROP TRIGGER IF EXISTS main.{quoted(name)}")


def install_capture(conn: sqlite3.Connection, *, switch_on: bool = True) -> list[str]:
    """Create the triggers from the current tables (and switch them on); the tables captured."""
    drop_capture(conn)
    tables = replicated_tables(conn)
    when = f'(SELECT "on" FROM {CAPTURE_TABLE} WHERE id = 1) = 1'
    for name, columns in tables.items():
        q = quoted(name)
        lit = name.replace("'", "''")
        new_row, old_row = _row_array("NEW", columns), _row_json("OLD", columns)
        for statement in (
            f"""CREATE TRIGGER main.{quoted(TRIGGER_PREFIX + "ins_" + name)} AFTER INSERT ON {q}
            WHEN {when} BEGIN
                INSERT INTO {CHANGE_TABLE} (tbl, op, row_id, row, old)
                VALUES ('{lit}', 'put', NEW.rowid, {new_row}, NULL);
            END""",
            f"""CREATE TRIGGER main.{quoted(TRIGGER_PREFIX + "upd_" + name)} AFTER UPDATE ON {q}
            WHEN {when} BEGIN
                INSERT INTO {CHANGE_TABLE} (tbl, op, row_id, row, old)
                SELECT '{lit}', 'del', OLD.rowid, NULL, {old_row} WHERE OLD.rowid <> NEW.rowid;
                INSERT INTO {CHANGE_TABLE} (tbl, op, row_id, row, old)
                VALUES ('{lit}', 'put', NEW.rowid, {new_row},
                        CASE WHEN OLD.rowid = NEW.rowid THEN {old_row} END);
            END""",
            f"""CREATE TRIGGER main.{quoted(TRIGGER_PREFIX + "del_" + name)} AFTER DELETE ON {q}
            WHEN {when} BEGIN
                INSERT INTO {CHANGE_TABLE} (tbl, op, row_id, row, old)
                VALUES ('{lit}', 'del', OLD.rowid, NULL, {old_row});
            END""",
        ):
            conn.execute(statement)
    if switch_on:
        set_capture(conn, True)
    return sorted(tables)


def name_pending_columns(conn: sqlite3.Connection) -> int:
    """Turn the captured rows still waiting for the log into objects naming their columns
    (before a migration changes the columns an array's values are in); how many."""
    try:
        rows = conn.execute(
            f"SELECT id, tbl, row FROM {CHANGE_TABLE} WHERE row LIKE '[%'"
        ).fetchall()
    except sqlite3.OperationalError:
        return 0  # a file older than the capture
    if not rows:
        return 0
    tables = replicated_tables(conn)
    named = []
    for change_id, tbl, row in rows:
        values = json.loads(row)
        named.append((json.dumps(dict(zip(tables[tbl], values[1:], strict=True))), change_id))
    conn.executemany(f"UPDATE {CHANGE_TABLE} SET row = ? WHERE id = ?", named)
    return len(named)


def value(v: Any) -> Any:
    if isinstance(v, dict) and set(v) == {"$hex"}:
        return bytes.fromhex(v["$hex"])
    return v


def put_row(conn: sqlite3.Connection, tbl: str, row_id: int, row: dict[str, Any]) -> None:
    columns = list(row)
    names = ", ".join(["rowid", *(quoted(c) for c in columns)])
    marks = ", ".join("?" * (len(columns) + 1))
    conn.execute(
        f"INSERT OR REPLACE INTO main.{quoted(tbl)} ({names}) VALUES ({marks})",
        (row_id, *(value(row[c]) for c in columns)),
    )


def undo_pending(conn: sqlite3.Connection) -> int:
    """Put back every row the captured, unpublished changes wrote (newest first) and forget
    them, inside the caller's transaction with the capture off; how many changes."""
    rows = conn.execute(
        f"SELECT id, tbl, op, row_id, old FROM {CHANGE_TABLE} ORDER BY id DESC"
    ).fetchall()
    was = capture_on(conn)
    set_capture(conn, False)
    try:
        for _id, tbl, op, row_id, old in rows:
            if op == "put" and old is None:
                conn.execute(f"DELETE FROM main.{quoted(tbl)} WHERE rowid = ?", (row_id,))
            elif old is not None:
                put_row(conn, tbl, row_id, json.loads(old))
        conn.execute(f"DELETE FROM {CHANGE_TABLE}")
    finally:
        set_capture(conn, was)
    return len(rows)
