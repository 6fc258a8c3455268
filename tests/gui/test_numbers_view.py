"""The Numbers tab over the hand-computed season: months, one month's applications, the bars."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest

from core.report import Figures
from gui.bridge import Bridge
from gui.main_window import MainWindow
from gui.numbers_view import COLORS, NumbersView, chart_apps, figures_text
from tests.helpers.season import make_scenario


def cells(model) -> list[list[str]]:
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def test_the_numbers_tab_shows_the_seasons_figures_and_bars(
    qtbot, qloop, local_core, clock, tmp_path, qtmodeltester
):
    engine = local_core.engine
    local_core.writer.run(lambda: make_scenario(engine, clock))
    bridge = Bridge(local_core)
    w = MainWindow(bridge, qsettings=QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    QTest.keySequence(w, QKeySequence("Alt+5"))
    view = w.tabs.currentWidget()
    assert isinstance(view, NumbersView)
    qtbot.waitUntil(lambda: view.reads >= 1)  # read on a worker thread, shown on this one
    has_reminders = view.report is not None and view.report.total.reminded is not None
    confirmed = ["0/0 · –"] if has_reminders else ["–"]
    assert [view.month.itemText(i) for i in range(view.month.count())] == [
        "All months",
        "April 2026",
        "March 2026",
    ]
    # the chooser shows "All months" whole, not "All montl" (it was sized while empty)
    assert view.month.width() >= view.month.fontMetrics().horizontalAdvance("All months") + 24
    qtmodeltester.check(view.months_model)
    assert cells(view.months_model) == [
        ["March 2026", "2", "1", "0", "4/6 · 67 %", "12 min", "20 min", "2/3 · 67 %",
         *confirmed, "1/4 · 25 %", "8:30"],
        ["April 2026", "1", "1", "1", "1/4 · 25 %", "–", "–", "0/0 · –", *confirmed,
         "0/0 · –", "0:00"],
    ]  # fmt: skip
    summary = view.summary.text()
    assert summary.startswith(
        "filled 50 % (5 of 10 spots) · freed spots refilled in 12 min (p50), 20 min (p90)"
        " · offers accepted 67 %"
    )
    assert summary.endswith("no-show 25 % · 8:30 h served")
    assert [(b.label, b.text, b.color) for b in view.fill_chart.bars] == [
        ("April 2026", "25 %", COLORS["critical"]),
        ("March 2026", "67 %", COLORS["understaffed"]),
    ]
    assert [(b.label, b.text) for b in view.hours_chart.bars] == [
        ("April 2026", "0:00"),
        ("March 2026", "8:30"),
    ]

    view.month.setCurrentIndex(2)  # March: its applications
    assert view.table.model() is view.apps_model
    qtmodeltester.check(view.apps_model)
    rows = cells(view.apps_model)
    assert [r[0] for r in rows] == ["Park", "Food bank"]
    assert [r[2:] for r in rows] == [
        ["3/4 · 75 %", "12 min", "20 min", "2/3 · 67 %", *confirmed, "1/3 · 33 %", "5:30"],
        ["1/2 · 50 %", "–", "–", "0/0 · –", *confirmed, "0/1 · 0 %", "3:00"],
    ]
    assert [(b.label, b.text, b.color) for b in view.fill_chart.bars] == [
        ("Park", "75 %", COLORS["ok"]),
        ("Food bank", "50 %", COLORS["understaffed"]),
    ]
    assert [b.strong for b in view.hours_chart.bars] == [False, True]
    assert view.fill_chart.title == "Filled, March 2026"

    # a new decision shows once the tab re-reads (a burst of commits is one re-read)
    reads = view.reads
    park = view.report.applications[0].application_id
    local_core.writer.run(lambda: engine.record_attendance(park, "5", "arrived", minutes=60))
    bridge.flush()
    qtbot.waitUntil(lambda: cells(view.apps_model)[0][-1] == "6:30", timeout=5000)
    assert view.chosen_month() == "2026-03" and view.reads > reads
    bridge.shutdown()


def test_a_months_chart_with_no_room_for_all_shows_the_least_filled_in_date_order():
    from datetime import date, time

    from core.report import AppFigures, Figures

    def app(i: int, signed: int) -> AppFigures:
        f = Figures(10, signed, 0, 0, None, None, 0, 0, None, None, 0, 0, 0)
        return AppFigures(str(i), f"S{i}", date(2026, 3, 1 + i), time(10), time(13), "open", f, ())

    apps = [app(i, signed) for i, signed in enumerate([9, 2, 10, 5, 7, 1])]
    assert [a.name for a in chart_apps(apps, rows=3)] == ["S1", "S3", "S5"]
    assert chart_apps(apps, rows=6) == apps


def test_a_months_label_is_drawn_whole_when_its_advance_is_a_fraction_of_a_pixel(qtbot):
    from PySide6.QtGui import QColor

    from gui.numbers_view import Bar, BarChart

    chart = BarChart()
    qtbot.addWidget(chart)
    chart.resize(400, 80)
    labels = ["December 2026", "November 2026", "декабрь 2026"]
    for strong in (False, True):  # bold is the chosen month's
        bars = [Bar(label, 0.5, "50 %", QColor("green"), strong) for label in labels]
        chart.set_bars("Filled, by month", bars)
        assert chart.labels()[1] == labels


@pytest.mark.parametrize(
    ("code", "freed", "said"),
    [
        ("en", 1, "1 freed spot, not refilled"),
        ("en", 3, "3 freed spots, none refilled"),
        ("ru", 1, "освободилось 1 место, не занято снова"),
        ("ru", 3, "освободилось 3 места, ни одно не занято снова"),
        ("ru", 5, "освободилось 5 мест, ни одно не занято снова"),
    ],
)
def test_freed_spots_never_refilled_are_counted_in_words(language, code, freed, said):
    language(code)
    f = Figures(10, 8, freed, 0, None, None, 0, 0, None, None, 0, 0, 0)
    assert said in figures_text(f)
