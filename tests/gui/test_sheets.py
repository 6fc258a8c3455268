"""An application's paper and files: the sign-in sheet PDF, the XLSX roster, the .ics event."""

from __future__ import annotations

import re
import shutil
import subprocess
from contextlib import closing
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from core import directory as d
from core.directory import Volunteer
from core.queries import AppDetail, Queries
from gui.log_models import local_time
from gui.sheets import application_ics, ics_escape, ics_fold, save_ics, save_sheet_pdf, save_xlsx
from tests.helpers.factories import a_form, detail_of, response

PEOPLE = [
    Volunteer("1", "Анна Петрова", "+7 900 123-45-67"),
    Volunteer("2", "Борис Иванов"),
    Volunteer("4", "Georg Müller", "+49 30 1234567"),
]


def _detail(engine, clock, **form) -> tuple[AppDetail, dict[str, Volunteer]]:
    d.save_many(engine.store, PEOPLE)
    app_id = engine.create_application(a_form(clock, spots=2, **form))
    engine.handle([response("123", app_id, v) for v in ("1", "2", "3", "4")])
    with closing(Queries(engine.store)) as queries:
        people = queries.volunteers()
    return detail_of(engine.store, app_id), people


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_the_sign_in_sheet_is_an_a4_pdf_with_the_roster_then_the_waitlist(
    qapp, engine, clock, tmp_path
):
    detail, people = _detail(engine, clock, name="Уборка парка")
    path = tmp_path / "sheet.pdf"
    save_sheet_pdf(detail, people, path)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert re.search(r"Pages:\s+1\b", info) and "595 x 842 pts (A4)" in info
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for words in ("Уборка парка", "Signed up", "Signature", "Time", "Waitlist (in order)"):
        assert words in text
    lines = text.splitlines()
    at = {
        who: next(i for i, x in enumerate(lines) if who in x) for who in ("Анна", "Борис", "Georg")
    }
    waitlist_title = next(i for i, x in enumerate(lines) if "Waitlist" in x)
    assert at["Анна"] < at["Борис"] < waitlist_title < at["Georg"]
    assert "+7 900 123-45-67" in lines[at["Анна"]]
    assert not list(tmp_path.glob("*.tmp"))


def test_a_long_roster_runs_over_several_pages(qapp, engine, clock, tmp_path):
    app_id = engine.create_application(a_form(clock, spots=80))
    engine.handle([response("123", app_id, f"v{i}") for i in range(80)])
    detail = detail_of(engine.store, app_id)
    path = tmp_path / "long.pdf"
    save_sheet_pdf(detail, {}, path)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", path.read_bytes()))
    assert pages >= 3  # 80 volunteers and 5 blank lines, with room to sign on each
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
        assert text.count("Signature") == pages  # the header row is on every page
        assert "v79" in text


def test_the_xlsx_has_the_roster_and_the_waitlist_with_names_and_phones(
    qapp, engine, clock, tmp_path
):
    detail, people = _detail(engine, clock)
    path = tmp_path / "r.xlsx"
    save_xlsx(detail, people, path)
    book = load_workbook(path)
    assert book.sheetnames == ["Roster", "Waitlist"]
    roster = [[c.value for c in row] for row in book["Roster"].iter_rows()]
    waiting = [[c.value for c in row] for row in book["Waitlist"].iter_rows()]
    assert roster[0] == [
        "Position",
        "Volunteer id",
        "Name",
        "Phone",
        "Since",
        "Reminded",
        "Confirm by",
        "Confirmed",
    ]
    assert [r[:4] for r in roster[1:]] == [
        [1, "1", "Анна Петрова", "+7 900 123-45-67"],
        [2, "2", "Борис Иванов", None],
    ]
    assert [r[5:] for r in roster[1:]] == [[None, None, None]] * 2  # nobody reminded yet
    assert [r[:4] for r in waiting[1:]] == [
        [1, "3", None, None],
        [2, "4", "Georg Müller", "+49 30 1234567"],
    ]
    assert waiting[0][-1] == "Offer state"


def test_the_xlsx_roster_says_who_was_reminded_and_who_confirmed(qapp, engine, clock, tmp_path):
    detail, people = _detail(engine, clock)
    reminded = clock.now()
    engine.remind_now(detail.summary.id)
    confirmed = clock.advance(minutes=5)
    engine.handle([response("123", detail.summary.id, "1", "confirmed")])
    detail = detail_of(engine.store, detail.summary.id)
    path = tmp_path / "r.xlsx"
    save_xlsx(detail, people, path)
    roster = [[c.value for c in row] for row in load_workbook(path)["Roster"].iter_rows()]
    anna, boris = roster[1], roster[2]
    assert anna[5] == boris[5] == local_time(reminded)
    assert anna[6] and anna[6] == boris[6]  # the application's confirm-by
    assert (anna[7], boris[7]) == (local_time(confirmed), None)


def test_the_xlsx_has_a_timesheet_once_attendance_is_recorded(qapp, engine, clock, tmp_path):
    detail, people = _detail(engine, clock)
    app_id = detail.summary.id
    engine.record_attendance(app_id, "1", "late", arrived_at="10:30")
    engine.record_attendance(app_id, "2", "no_show")
    with closing(Queries(engine.store)) as queries:
        marks = queries.checkin(app_id)
    path = tmp_path / "r.xlsx"
    save_xlsx(detail, people, path, marks)
    book = load_workbook(path)
    assert book.sheetnames == ["Roster", "Waitlist", "Attendance"]
    assert [[c.value for c in row] for row in book["Attendance"].iter_rows()] == [
        ["Volunteer id", "Name", "Phone", "Attendance", "Arrived", "Hours"],
        ["1", "Анна Петрова", "+7 900 123-45-67", "late", "10:30", 2.5],
        ["2", "Борис Иванов", None, "no-show", None, 0],
    ]


def test_ics_text_is_escaped_and_long_lines_fold_at_75_octets_without_splitting_letters():
    assert ics_escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "SUMMARY:" + "Уборка парка, " * 12 + "\\n end"
    folded = ics_fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line
    assert not any(p.endswith("\\") for p in parts[:-1])  # never splits an escape


def _unfold(text: str) -> dict[str, str]:
    assert "\n" not in text.replace("\r\n", "")  # CRLF only
    lines = text.replace("\r\n ", "").split("\r\n")
    return dict(line.split(":", 1) for line in lines if line)


def test_the_ics_event_is_the_shift_in_floating_local_time_and_keeps_its_uid(
    qapp, engine, clock, tmp_path
):
    detail, _people = _detail(
        engine, clock, name="Food bank, shift; 2", description="Bring gloves\nand water"
    )
    now = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    text = application_ics(detail, "123", now)
    fields = _unfold(text)
    s = detail.summary
    lines = text.replace("\r\n ", "").split("\r\n")
    assert [x for x in lines if x.startswith(("BEGIN", "END"))] == [
        "BEGIN:VCALENDAR",
        "BEGIN:VEVENT",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    assert fields["VERSION"] == "2.0"
    assert fields["UID"] == f"application-{s.id}@fund-123.volunteer-console"
    assert fields["DTSTAMP"] == "20260301T083000Z"
    assert fields["DTSTART"] == f"{s.date:%Y%m%d}T100000"  # floating: no Z, no TZID
    assert fields["DTEND"] == f"{s.date:%Y%m%d}T130000"
    assert fields["SUMMARY"] == "Food bank\\, shift\\; 2"
    assert (
        fields["DESCRIPTION"] == "Bring gloves\\nand water\\n\\n2 of 2 spots signed up\\, 2 waiting"
    )
    assert fields["STATUS"] == "CONFIRMED"
    assert application_ics(detail, "123", now) == text  # the same event every time
    path = tmp_path / "a.ics"
    save_ics(detail, "123", path)
    assert path.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
