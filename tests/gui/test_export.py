"""Roster export: roster then waitlist, with offer states, as CSV that Excel reads as UTF-8."""

from __future__ import annotations

import csv
from datetime import time

from core.directory import Volunteer
from core.queries import Queries
from gui.display import span_text
from gui.export import export_roster_csv
from gui.log_models import local_time
from tests.helpers.factories import a_form, response


def test_roster_and_waitlist_are_written_with_a_bom_and_read_back(engine, clock, tmp_path):
    app_id = engine.create_application(a_form(clock, name="Уборка парка", spots=2))
    engine.handle([response("123", app_id, v) for v in ("Анна", "42", "Борис", "77")])
    clock.advance(60)
    engine.handle([response("123", app_id, "42", "declined")])  # frees a spot: a round opens
    detail = Queries(engine).detail(app_id)
    assert detail is not None and detail.round is not None

    path = tmp_path / "roster.csv"
    export_roster_csv(
        detail, path, delimiter=",", people={"77": Volunteer("77", "Vera", "+7 912 000 11 22")}
    )

    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    about = ["Уборка парка", span_text(detail.summary.date, time(10), time(13), year=True)]
    assert rows[0] == [
        "Application",
        "Date and time",
        "List",
        "Position",
        "Volunteer id",
        "Name",
        "Phone",
        "Since",
        "Offer state",
    ]
    assert rows[1] == [
        *about,
        "roster",
        "1",
        "Анна",
        "",
        "",
        local_time(detail.roster[0].since),
        "",
    ]
    assert rows[2:] == [
        [
            *about,
            "waitlist",
            "1",
            "Борис",
            "",
            "",
            local_time(detail.waitlist[0].since),
            "offered, waiting for an answer",
        ],
        [
            *about,
            "waitlist",
            "2",
            "77",
            "Vera",
            "+7 912 000 11 22",
            local_time(detail.waitlist[1].since),
            "offered, waiting for an answer",
        ],
    ]
    assert not list(tmp_path.glob("*.tmp"))


def test_the_delimiter_follows_the_locale_excel_uses(engine, clock, tmp_path, qapp):
    from PySide6.QtCore import QLocale

    app_id = engine.create_application(a_form(clock, spots=1))
    engine.handle([response("123", app_id, "1")])
    detail = Queries(engine).detail(app_id)
    before = QLocale()
    try:
        QLocale.setDefault(QLocale("ru_RU"))
        export_roster_csv(detail, tmp_path / "ru.csv")
        QLocale.setDefault(QLocale("en_US"))
        export_roster_csv(detail, tmp_path / "en.csv")
    finally:
        QLocale.setDefault(before)
    for name, delimiter in (("ru.csv", ";"), ("en.csv", ",")):
        with (tmp_path / name).open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f, delimiter=delimiter))
        assert [len(r) for r in rows] == [9, 9], name
        assert rows[1][2:5] == ["roster", "1", "1"]
