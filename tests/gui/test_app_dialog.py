"""The create/edit dialog: each bad field shows its error beside it, and nothing is saved."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from PySide6.QtCore import QDate, Qt, QTime

from gui.app_dialog import AppDialog
from gui.bridge import Bridge
from gui.display import date_text
from tests.helpers.factories import a_form, response
from tests.helpers.qt import created


def _dialog(qtbot, bridge, app_id=None) -> AppDialog:
    dlg = AppDialog(bridge, app_id)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def shown_errors(dlg: AppDialog) -> dict[str, str]:
    return {key: label.text() for key, label in dlg.errors.items() if label.text()}


def test_each_bad_field_shows_its_error_next_to_it_and_nothing_is_saved(
    qtbot, qloop, local_core, clock
):
    bridge = Bridge(local_core)
    dlg = _dialog(qtbot, bridge)
    assert shown_errors(dlg) == {}  # a fresh form does not scold before anything was typed
    assert not dlg.ok_button.isEnabled()  # but cannot be saved nameless
    dlg.name.setText("x")
    dlg.name.clear()
    assert shown_errors(dlg) == {"name": "A name is required"}
    dlg.name.setText("Park clean-up")
    assert shown_errors(dlg) == {}
    assert dlg.ok_button.isEnabled()

    dlg.name.setText("Park clean-up")
    dlg.date.setDate(QDate(2026, 3, 1))  # the clock says 2026-03-02
    today = date_text(date(2026, 3, 2), year=True)
    assert shown_errors(dlg) == {"date": f"The date is in the past (today is {today})"}

    dlg.date.setDate(QDate(2026, 3, 5))
    dlg.start.setTime(QTime(22, 0))
    dlg.end.setTime(QTime(2, 0))  # an overnight shift: it ends the next day
    assert shown_errors(dlg) == {}
    assert dlg.end_note.text() == "Ends the next day"
    assert dlg.end_note.isVisible()
    assert dlg.ok_button.isEnabled()
    dlg.end.setTime(QTime(22, 0))
    assert shown_errors(dlg) == {
        "end": "The end must differ from the start (an earlier end is the next day)"
    }
    assert dlg.end_note.text() == ""  # an error, not also a remark
    dlg.end.setTime(QTime(23, 0))
    assert dlg.end_note.text() == ""  # the same day
    assert not dlg.end_note.isVisible()
    dlg.end.setTime(QTime(22, 0))

    dlg.name.setText("x" * 201)
    assert set(shown_errors(dlg)) == {"name", "end"}
    # The label sits in the same grid row as its field, in the column beside it.
    grid = dlg.layout().itemAt(0).layout()
    name_row = grid.getItemPosition(grid.indexOf(dlg.name))
    error_row = grid.getItemPosition(grid.indexOf(dlg.errors["name"]))
    assert (error_row[0], error_row[1]) == (name_row[0], name_row[1] + 1)

    dlg.accept()  # refused while errors exist, even if called directly
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    assert dlg.isVisible()
    assert dlg.result() == 0
    assert local_core.queries.summaries() == []
    bridge.shutdown()


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("0", "A whole number from 1 to 10000"),
        ("20000", "A whole number from 1 to 10000"),
        ("", "A whole number from 1 to 10000"),
    ],
)
def test_spots_the_rules_cannot_hold_show_an_error_on_enter_and_nothing_is_created(
    qtbot, qloop, local_core, typed, error
):
    """Typed with the keyboard as a coordinator would: "0" and Enter once created 5 spots."""
    bridge = Bridge(local_core)
    dlg = _dialog(qtbot, bridge)
    qtbot.keyClicks(dlg.name, "Park clean-up")
    dlg.spots.setFocus()
    dlg.spots.selectAll()
    qtbot.keyClick(dlg.spots, Qt.Key.Key_Delete)
    qtbot.keyClicks(dlg.spots, typed)
    qtbot.keyClick(dlg.spots, Qt.Key.Key_Return)
    assert shown_errors(dlg) == {"spots": error}
    assert dlg.spots.text() == typed  # what was typed stays, not the old value
    assert dlg.isVisible() and dlg.result() == 0
    assert local_core.queries.summaries() == []
    qtbot.keyClick(dlg, Qt.Key.Key_Return)  # Enter on the dialog itself: refused the same way
    assert local_core.queries.summaries() == []
    dlg.spots.selectAll()
    qtbot.keyClicks(dlg.spots, "12")
    assert shown_errors(dlg) == {}
    qtbot.keyClick(dlg.spots, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dlg.result() == 1)
    [s] = local_core.queries.summaries()
    assert (s.name, s.capacity, s.status) == ("Park clean-up", 12, "open")
    bridge.shutdown()


def test_a_new_application_can_be_saved_as_a_draft(qtbot, qloop, local_core):
    bridge = Bridge(local_core)
    dlg = _dialog(qtbot, bridge)
    qtbot.keyClicks(dlg.name, "Food bank")
    assert dlg.draft_button is not None
    qtbot.mouseClick(dlg.draft_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.result() == 1)
    assert not dlg.published
    assert local_core.queries.summary(dlg.saved_id).status == "draft"
    assert local_core.queries.backlog() == 0  # nothing announced
    bridge.shutdown()


def test_tab_leaves_the_description_and_the_date_instead_of_editing_them(qtbot, qloop, local_core):
    bridge = Bridge(local_core)
    dlg = _dialog(qtbot, bridge)
    dlg.activateWindow()
    qtbot.waitUntil(dlg.isActiveWindow)
    dlg.description.setFocus()
    qtbot.keyClicks(dlg.description, "Gloves provided")
    qtbot.keyClick(dlg.description, Qt.Key.Key_Tab)
    assert dlg.description.toPlainText() == "Gloves provided"
    assert dlg.focusWidget() is dlg.date
    qtbot.keyClick(dlg.date, Qt.Key.Key_Tab)
    assert dlg.focusWidget() is dlg.start
    bridge.shutdown()


def test_a_valid_form_creates_and_publishes_the_application(qtbot, qloop, local_core):
    bridge = Bridge(local_core)
    dlg = _dialog(qtbot, bridge)
    dlg.name.setText("Food bank")
    dlg.spots.setValue(7)
    dlg.policy.setCurrentIndex(dlg.policy.findData("timed"))
    dlg.offer_timeout.setValue(15)
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.result() == 1)
    assert dlg.saved_id
    s = local_core.queries.summary(dlg.saved_id)
    assert (s.name, s.capacity, s.status, s.policy, s.offer_timeout_min) == (
        "Food bank",
        7,
        "open",
        "timed",
        15,
    )
    bridge.shutdown()


def test_editing_cannot_lower_spots_below_the_signed_up_and_saves_valid_changes(
    qtbot, qloop, local_core, clock
):
    bridge = Bridge(local_core)
    app_id = created(qtbot, bridge.create_application(a_form(clock, spots=4)))
    for v in ("a", "b", "c"):
        local_core.engine.handle([response("123", app_id, v)])
    dlg = _dialog(qtbot, bridge, app_id)
    assert dlg.name.text() == "Park clean-up" and dlg.spots.value() == 4
    dlg.spots.setValue(2)
    assert shown_errors(dlg) == {"spots": "3 volunteers are signed up; remove some first"}
    assert not dlg.ok_button.isEnabled()
    dlg.spots.setValue(6)
    dlg.name.setText("Park clean-up (north)")
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.result() == 1)
    s = local_core.queries.summary(app_id)
    assert (s.name, s.capacity) == ("Park clean-up (north)", 6)
    bridge.shutdown()


def test_the_dialog_and_the_engine_agree_on_today_west_of_utc(qtbot, qloop, local_core, clock):
    """21:00 in New York is tomorrow in UTC: the dialog said fine, the engine said past."""
    clock.tz = timezone(timedelta(hours=-5))
    clock.set(datetime(2026, 3, 3, 2, 0))  # 2026-03-02 21:00 on the coordinator's wall
    bridge = Bridge(local_core)
    dlg = _dialog(qtbot, bridge)
    qtbot.keyClicks(dlg.name, "Late soup run")
    dlg.date.setDate(QDate(2026, 3, 2))
    dlg.start.setTime(QTime(20, 0))
    dlg.end.setTime(QTime(21, 0))  # over at 21:00
    assert shown_errors(dlg) == {"end": "This shift is already over (it is 21:00 now)"}
    dlg.start.setTime(QTime(21, 30))
    dlg.end.setTime(QTime(23, 0))
    assert shown_errors(dlg) == {}
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.result() == 1 or bool(dlg.general_error.text()))
    assert dlg.result() == 1, dlg.general_error.text()
    assert local_core.queries.summary(dlg.saved_id).date == date(2026, 3, 2)
    bridge.shutdown()


def test_reminders_are_set_in_the_form_and_a_setting_that_cannot_work_is_refused(
    qtbot, qloop, local_core, clock
):
    bridge = Bridge(local_core)
    dlg = _dialog(qtbot, bridge)
    assert (dlg.reminders.text(), dlg.confirm_by.value()) == ("48, 2", 24)
    assert dlg.unconfirmed.currentData() is False  # keep, as the contract's default
    dlg.name.setText("Food bank")
    dlg.reminders.setText("48, soon")
    assert shown_errors(dlg) == {
        "reminders": "Up to 4 whole numbers of hours from 1 to 336, separated by commas"
    }
    dlg.reminders.setText("12")
    dlg.unconfirmed.setCurrentIndex(1)  # release, but confirm-by (24 h) comes before 12 h
    assert shown_errors(dlg) == {
        "confirm_by": "To release those who do not confirm, confirm-by must come after the first"
        " reminder"
    }
    assert not dlg.ok_button.isEnabled()
    dlg.reminders.setText("72, 3")
    dlg.confirm_by.setValue(12)
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.result() == 1)
    s = local_core.queries.summary(dlg.saved_id)
    assert (s.reminder_hours, s.confirm_hours, s.release_unconfirmed) == ((72, 3), 12, True)

    edit = _dialog(qtbot, bridge, dlg.saved_id)
    assert (edit.reminders.text(), edit.confirm_by.value()) == ("72, 3", 12)
    assert edit.unconfirmed.currentData() is True
    edit.reminders.setText("")  # no reminders at all
    edit.unconfirmed.setCurrentIndex(0)
    qtbot.mouseClick(edit.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: edit.result() == 1)
    s = local_core.queries.summary(dlg.saved_id)
    assert (s.reminder_hours, s.release_unconfirmed) == ((), False)
    bridge.shutdown()


@pytest.mark.parametrize("code", ["en", "ru"])
def test_the_choices_show_whole_in_either_language(qtbot, qloop, local_core, qapp, code):
    from gui import i18n

    i18n.install_translator(qapp, code)
    try:
        bridge = Bridge(local_core)
        dlg = _dialog(qtbot, bridge)
        qtbot.waitExposed(dlg)
        for combo in (dlg.policy, dlg.unconfirmed):
            widest = max(
                combo.fontMetrics().horizontalAdvance(combo.itemText(i))
                for i in range(combo.count())
            )
            assert combo.width() >= max(combo.sizeHint().width(), widest), combo.currentText()
        bridge.shutdown()
    finally:
        i18n.remove_translators(qapp)
