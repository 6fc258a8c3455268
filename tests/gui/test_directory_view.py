"""The volunteers directory in the window: names beside ids, editing, and the CSV import."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QSettings
from PySide6.QtWidgets import QApplication

from core import directory as d
from core.directory import Volunteer
from gui.bridge import Bridge
from gui.directory_view import DirectoryDialog, ErrorsModel, PreviewModel, VolunteersModel
from gui.i18n import install_translator, remove_translators
from gui.main_window import MainWindow
from tests.helpers.factories import a_form, response
from tests.helpers.qt import created, show_an_open_round


@pytest.fixture
def window(qtbot, qloop, local_core):
    """A window on the local core; its bridge is shut down whatever the test did."""
    bridge = Bridge(local_core)
    ini = QSettings(str(Path(local_core.data_dir) / "w.ini"), QSettings.Format.IniFormat)
    w = MainWindow(bridge, qsettings=ini)
    qtbot.addWidget(w)
    yield bridge, w
    bridge.shutdown()


def test_the_roster_waitlist_and_offers_show_names_beside_ids(qtbot, window, local_core, clock):
    _bridge, w = window
    d.save_many(local_core.store, [Volunteer("a", "Анна Петрова"), Volunteer("c", "Carl")])
    show_an_open_round(qtbot, w, local_core.engine, clock)
    p = w.detail
    roster = [p.roster_model.index(i, 0).data() for i in range(p.roster_model.rowCount())]
    waiting = [p.waitlist_model.index(i, 1).data() for i in range(p.waitlist_model.rowCount())]
    offered = {p.offers_model.index(i, 0).data() for i in range(p.offers_model.rowCount())}
    assert roster == ["b"]
    assert waiting == ["c · Carl", "d"]
    assert offered == {"c · Carl", "d"}


def test_a_volunteer_saved_in_the_dialog_is_named_in_the_open_application(
    qtbot, window, local_core, clock
):
    bridge, w = window
    app_id = created(qtbot, bridge.create_application(a_form(clock, spots=2)))
    local_core.engine.handle([response("123", app_id, "789")])
    bridge.flush()
    w.select_application(app_id)
    dialog = w.paper.open_directory()
    qtbot.addWidget(dialog)
    dialog.id_edit.setText("789")
    dialog.name_edit.setText("Anna")
    dialog.phone_edit.setText("12")  # too few digits: refused on the spot
    assert dialog.save() is False
    assert dialog.errors["phone"].text() == "2 digits; a phone number has 5 to 15"
    dialog.phone_edit.setText("+7 900 123-45-67")
    assert dialog.save() is True
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    assert dialog.status.text() == "Saved 789 · Anna"
    assert w.detail.roster_model.index(0, 0).data() == "789 · Anna"
    dialog.view.selectRow(0)
    assert dialog.id_edit.isReadOnly() and dialog.phone_edit.text() == "+7 900 123-45-67"
    assert dialog.delete() is True
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0)
    assert w.detail.roster_model.index(0, 0).data() == "789"


def test_the_import_previews_new_updated_and_refused_lines_then_imports(
    qtbot, window, local_core, tmp_path, language
):
    language("en")  # the English plural: "1 line refused", "2 lines refused"
    _bridge, w = window
    d.save_many(local_core.store, [Volunteer("1", "Old name")])
    path = tmp_path / "people.csv"
    path.write_text("id;name;phone\n1;Anna;\n2;Boris;abc\n3;Vera;+7 912 000 11 22\n", "utf-8")
    dialog = w.paper.open_directory()
    qtbot.addWidget(dialog)
    preview = dialog.import_file(path)
    assert preview is not None
    assert preview.summary.text() == "people.csv: 2 to import (1 new, 1 updated), 1 line refused"
    rows = [
        [preview.rows_model.index(r, c).data() for c in range(6)]
        for r in range(preview.rows_model.rowCount())
    ]
    assert rows == [
        ["2", "1", "Anna", "", "", "updates the entry"],
        ["4", "3", "Vera", "+7 912 000 11 22", "", "new"],
    ]
    errors = [[preview.errors_model.index(0, c).data() for c in range(3)]]
    assert errors == [["3", "Phone", "Digits, spaces and + ( ) - . / only"]]
    assert preview.import_button.isEnabled() and preview.import_button.text() == "Import 2"
    preview.accept()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2)
    assert local_core.queries.volunteers() == {
        "1": Volunteer("1", "Anna"),
        "3": Volunteer("3", "Vera", "+7 912 000 11 22"),
    }


def test_a_file_with_nothing_to_import_cannot_be_imported_and_says_why_in_russian(
    qtbot, qloop, local_core, tmp_path
):
    app = QApplication.instance()
    locale = QLocale()
    install_translator(app, "ru")
    bridge = Bridge(local_core)
    try:
        path = tmp_path / "wrong.csv"
        path.write_text("who,when\nAnna,today\n", "utf-8")
        dialog = DirectoryDialog(bridge)
        qtbot.addWidget(dialog)
        preview = dialog.import_file(path)
        assert preview is not None
        assert not preview.import_button.isEnabled()
        assert (
            preview.errors_model.index(0, 2)
            .data()
            .startswith("В первой строке должны быть названия столбцов")
        )
        assert dialog.windowTitle() == "Справочник волонтёров"
    finally:
        bridge.shutdown()
        remove_translators(app)
        QLocale.setDefault(locale)  # install_translator set the Russian one


def test_the_directory_models_pass_the_model_tester(qtmodeltester):
    people = VolunteersModel()
    people.set_rows([Volunteer("1", "Anna", "12345", "line one\nline two"), Volunteer("2", "Bo")])
    assert people.index(0, 3).data() == "line one line two"
    preview = PreviewModel({"1"})
    parsed = d.parse_csv(b"id,name\n1,Anna\n2,Bo\n,nobody\n")
    preview.set_rows(list(parsed.rows))
    errors = ErrorsModel()
    errors.set_rows(list(parsed.errors))
    for model in (people, preview, errors):
        qtmodeltester.check(model)
