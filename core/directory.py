"""The volunteers directory: name, phone and notes by volunteer id, kept in this console only.

Names and phones never leave the console: broker messages carry the volunteer id alone, as
the contract says. The directory is imported from a CSV file and edited in the window; every
write runs where the console's other writes run (the core's writer thread in the window).
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from core.clock import utcnow
from core.storage import Store

MAX_ID_LENGTH = 64  # the contract's longest string id
MAX_NAME_LENGTH = 200
MAX_PHONE_LENGTH = 40
MAX_NOTES_LENGTH = 2000
PHONE_DIGITS = (5, 15)  # a short local number up to E.164's longest
_PHONE_CHARS = re.compile(r"^\+?[0-9 ()\-./]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

# Column titles a coordinator's spreadsheet may use, in English or Russian, compared lowercased.
COLUMNS: dict[str, tuple[str, ...]] = {
    "volunteer_id": ("id", "volunteer_id", "volunteer id", "user_id", "ид", "id волонтёра"),
    "name": ("name", "full name", "volunteer", "имя", "фио", "волонтёр", "имя и фамилия"),
    "phone": ("phone", "telephone", "mobile", "phone number", "телефон", "тел."),
    "notes": ("notes", "note", "comment", "comments", "заметки", "примечание", "комментарий"),
}
REQUIRED = ("volunteer_id", "name")
FIELDS = ("volunteer_id", "name", "phone", "notes")

# What can be wrong, each with its English text for the command line; the window says each
# in its own language (gui/directory_view.py). "{}" takes the error's argument.
PROBLEMS = {
    "required": "required",
    "too_long": "at most {} characters",
    "spaces": "no spaces at the ends and no control characters",
    "phone_chars": "digits, spaces and + ( ) - . / only",
    "phone_digits": "{} digits; a phone number has 5 to 15",
    "duplicate": "the same id is on line {}",
    "columns": "the first line must name the columns id and name (phone, notes optional); found {}",
    "empty": "the file is empty",
    "unreadable": "unreadable CSV: {}",
}


@dataclass(frozen=True, slots=True)
class Volunteer:
    volunteer_id: str
    name: str
    phone: str = ""
    notes: str = ""


@dataclass(frozen=True, slots=True)
class Problem:
    field: str  # one of FIELDS, or "" for the whole row or file
    code: str  # a key of PROBLEMS
    arg: str = ""

    def english(self) -> str:
        return PROBLEMS[self.code].format(self.arg)


@dataclass(frozen=True, slots=True)
class RowError:
    line: int  # 1-based line of the file, as a spreadsheet numbers it
    problem: Problem


@dataclass(frozen=True, slots=True)
class ImportPreview:
    """What an import would do: the rows it would write and the rows it refuses, with why."""

    rows: tuple[tuple[int, Volunteer], ...]  # (line, volunteer) for every acceptable row
    errors: tuple[RowError, ...]

    @property
    def volunteers(self) -> list[Volunteer]:
        return [v for _line, v in self.rows]

    @property
    def refused_lines(self) -> int:
        return len({e.line for e in self.errors})


def _length(field: str, text: str, limit: int) -> Problem | None:
    return Problem(field, "too_long", str(limit)) if len(text) > limit else None


def problems(v: Volunteer) -> list[Problem]:
    """What is wrong with an entry, field by field; empty when it may be saved."""
    found: list[Problem | None] = []
    if not v.volunteer_id:
        found.append(Problem("volunteer_id", "required"))
    elif _CONTROL.search(v.volunteer_id) or v.volunteer_id != v.volunteer_id.strip():
        found.append(Problem("volunteer_id", "spaces"))
    else:
        found.append(_length("volunteer_id", v.volunteer_id, MAX_ID_LENGTH))
    if not v.name.strip():
        found.append(Problem("name", "required"))
    else:
        found.append(_length("name", v.name, MAX_NAME_LENGTH))
    if v.phone:
        digits = sum(c.isdigit() for c in v.phone)
        if len(v.phone) > MAX_PHONE_LENGTH or not _PHONE_CHARS.match(v.phone):
            found.append(Problem("phone", "phone_chars"))
        elif not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
            found.append(Problem("phone", "phone_digits", str(digits)))
    found.append(_length("notes", v.notes, MAX_NOTES_LENGTH))
    return [p for p in found if p is not None]


def decode(data: bytes) -> str:
    """UTF-8 (with or without Excel's BOM), else Windows-1251, Russian Excel's own CSV."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace")


def _delimiter(first_line: str) -> str:
    # Excel writes ';' where ',' is the decimal point; tab-separated text is pasted too
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def parse_csv(data: bytes) -> ImportPreview:
    """Read a directory CSV: a header row naming the columns, then one volunteer a line."""
    text = decode(data)
    if not text.strip():
        return ImportPreview((), (RowError(1, Problem("", "empty")),))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text.splitlines()[0]))
    header = next(reader)
    titles = [h.strip().lower() for h in header]
    where: dict[str, int] = {}
    for field, names in COLUMNS.items():
        hits = [i for i, title in enumerate(titles) if title in names]
        if hits:
            where[field] = hits[0]
    if any(f not in where for f in REQUIRED):
        found = ", ".join(repr(h.strip()) for h in header if h.strip()) or "nothing"
        return ImportPreview((), (RowError(1, Problem("", "columns", found)),))
    rows: list[tuple[int, Volunteer]] = []
    errors: list[RowError] = []
    first_line_of: dict[str, int] = {}
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(RowError(line, Problem("", "unreadable", str(exc))))
            break
        if not any(c.strip() for c in cells):
            continue  # blank lines between blocks are common in hand-made sheets
        values = {f: cells[i].strip() if i < len(cells) else "" for f, i in where.items()}
        v = Volunteer(
            values["volunteer_id"], values["name"], values.get("phone", ""), values.get("notes", "")
        )
        wrong = problems(v)
        if not wrong and v.volunteer_id in first_line_of:
            wrong = [Problem("volunteer_id", "duplicate", str(first_line_of[v.volunteer_id]))]
        if wrong:
            errors += [RowError(line, p) for p in wrong]
            continue
        first_line_of[v.volunteer_id] = line
        rows.append((line, v))
    return ImportPreview(tuple(rows), tuple(errors))


# ---- reading (any connection: the store's, or the window's read-only one) ------------------


def read_all(conn: sqlite3.Connection) -> list[Volunteer]:
    rows = conn.execute(
        "SELECT volunteer_id, name, phone, notes FROM volunteer ORDER BY name, volunteer_id"
    ).fetchall()
    return [Volunteer(*r) for r in rows]


def read_many(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, Volunteer]:
    wanted = sorted(set(ids))
    found: dict[str, Volunteer] = {}
    for i in range(0, len(wanted), 500):  # within SQLite's host-parameter limit
        chunk = wanted[i : i + 500]
        for r in conn.execute(
            "SELECT volunteer_id, name, phone, notes FROM volunteer"
            f" WHERE volunteer_id IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            found[r[0]] = Volunteer(*r)
    return found


# ---- writing (one transaction each) -------------------------------------------------------


def save_many(store: Store, volunteers: list[Volunteer]) -> tuple[int, int]:
    """Add or replace entries in one transaction; returns (added, updated).

    ValueError (nothing written) when an entry is not valid: callers check problems() first.
    """
    for v in volunteers:
        wrong = problems(v)
        if wrong:
            raise ValueError(
                f"{v.volunteer_id!r}: " + "; ".join(f"{p.field}: {p.english()}" for p in wrong)
            )
    now = utcnow().isoformat(timespec="seconds")
    ids = {v.volunteer_id for v in volunteers}
    with store.transaction() as c:
        known = len(read_many(c, ids))
        c.executemany(
            "INSERT INTO volunteer (volunteer_id, name, phone, notes, updated_at)"
            " VALUES (?,?,?,?,?) ON CONFLICT (volunteer_id) DO UPDATE SET"
            " name = excluded.name, phone = excluded.phone, notes = excluded.notes,"
            " updated_at = excluded.updated_at",
            [(v.volunteer_id, v.name.strip(), v.phone, v.notes, now) for v in volunteers],
        )
    return len(ids) - known, known


def delete(store: Store, volunteer_id: str) -> bool:
    with store.transaction() as c:
        gone = c.execute("DELETE FROM volunteer WHERE volunteer_id = ?", (volunteer_id,))
        return gone.rowcount > 0
