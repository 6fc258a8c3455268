"""The coordinator's hand through the real window: walk-ins, chosen offers, waitlist moves,
copies, draft deletion and held spots, by shortcut, menu and context menu."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QLocale, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QToolButton

from gui import i18n
from gui.display import refusal_text
from gui.hand_actions import DuplicateDialog, MoveDialog, WalkInDialog
from tests.helpers.desk import Desk
from tests.helpers.factories import response


def roster(desk: Desk) -> list[str]:
    return [r.volunteer_id for r in desk.window.detail.roster_model.rows()]


def waitlist(desk: Desk) -> list[str]:
    return [w.volunteer_id for w in desk.window.detail.waitlist_model.rows()]


def pick_waiting(desk: Desk, vid: str) -> None:
    view = desk.window.detail.waitlist_view
    view.setFocus()
    view.selectRow(desk.window.detail.waitlist_model.row_of(vid))


def latest_activity(desk: Desk) -> str:
    """The newest activity row, every column."""
    model = desk.window.detail.activity_model
    return " | ".join(str(model.index(0, c).data()) for c in range(model.columnCount()))


def wait_settled(desk: Desk, before: int) -> None:
    """The action's Op came back: a status line or an alert followed it."""
    desk.qtbot.waitUntil(
        lambda: len(desk.alerts) > before or bool(desk.window.statusBar().currentMessage())
    )


def test_a_walk_in_is_signed_up_by_id_and_over_capacity_only_when_ticked(desk):
    app_id = desk.app(spots=2, volunteers="v1")
    desk.chord("Ctrl+U")
    dlg = desk.window.hand.dialog
    assert isinstance(dlg, WalkInDialog) and dlg.isVisible()
    assert not dlg.ok_button.isEnabled() and dlg.error.text() == ""  # a fresh dialog: no scold
    QTest.keyClicks(dlg.volunteer, "walkin7")
    # Enter is OK: Cancel must not have become the default while OK was disabled
    cancel = dlg.buttons.button(dlg.buttons.StandardButton.Cancel)
    dlg.activateWindow()
    desk.qtbot.waitUntil(dlg.isActiveWindow)
    cancel.setFocus()  # a click or Tab through the buttons on the way
    dlg.volunteer.setFocus()
    assert dlg.ok_button.isDefault() and not cancel.isDefault()
    QTest.keyClick(dlg.volunteer, Qt.Key.Key_Return)
    desk.status_says("Signed up walkin7 by hand")
    assert "walkin7" in roster(desk)
    assert "walkin7" in latest_activity(desk)

    # now full: without the tick the dialog says why and keeps OK off; ticked, a spot is added
    desk.chord("Ctrl+U")
    dlg = desk.window.hand.dialog
    assert isinstance(dlg, WalkInDialog)
    QTest.keyClicks(dlg.volunteer, "phone9")
    assert not dlg.ok_button.isEnabled()
    assert "Add a spot for them" in dlg.error.text()
    QTest.keyClick(dlg.over, Qt.Key.Key_Space)
    QTest.keyClick(dlg.volunteer, Qt.Key.Key_Return)
    desk.qtbot.waitUntil(lambda: "phone9" in roster(desk))
    s = desk.core.queries.summary(app_id)
    assert (s.signed, s.capacity) == (3, 3)


def test_signing_up_someone_already_signed_up_is_refused_in_russian(desk, qapp):
    desk.app(spots=3, volunteers="v1")
    locale = QLocale()
    i18n.install_translator(qapp, "ru")
    try:
        desk.chord("Ctrl+U")
        dlg = desk.window.hand.dialog
        assert isinstance(dlg, WalkInDialog)
        assert dlg.windowTitle() == "Записать вручную"
        QTest.keyClicks(dlg.volunteer, "v1")
        QTest.keyClick(dlg.volunteer, Qt.Key.Key_Return)
        desk.qtbot.waitUntil(lambda: bool(desk.alerts))
        expected = refusal_text("already_signed_up", {"volunteer": "v1"})
        assert desk.alerts == [expected]
        assert "v1" in expected and "записан" in expected.lower()
    finally:
        i18n.remove_translators(qapp)
        QLocale.setDefault(locale)


def test_a_walk_in_is_found_by_their_name_in_the_directory(desk):
    from core import directory

    desk.core.writer.run(
        lambda: directory.save_many(desk.core.store, [directory.Volunteer("789", "Anna Petrova")])
    )
    desk.app(spots=2)
    desk.chord("Ctrl+U")
    dlg = desk.window.hand.dialog
    assert isinstance(dlg, WalkInDialog)
    completer = dlg.volunteer.completer()
    completer.setCompletionPrefix("anna")
    assert completer.currentCompletion() == "789 · Anna Petrova"
    dlg.volunteer.setText(completer.currentCompletion())
    assert dlg.volunteer_id() == "789"
    QTest.keyClick(dlg.volunteer, Qt.Key.Key_Return)
    desk.qtbot.waitUntil(lambda: "789" in roster(desk))


def test_a_spot_held_unclaimed_is_offered_to_one_chosen_person_from_the_context_menu(desk, clock):
    app_id = desk.app(spots=1, volunteers="v1 w1 w2 w3")
    desk.core.writer.run(lambda: desk.core.engine.remove_volunteer(app_id, "v1"))
    clock.advance(minutes=3)
    desk.core.writer.run(desk.core.engine.tick)  # the round ends unclaimed: one spot held
    desk.bridge.flush()
    desk.qtbot.waitUntil(lambda: desk.window.detail.summary.standing == 1)
    hand = desk.window.hand
    view = desk.window.detail.waitlist_view
    row = desk.window.detail.waitlist_model.row_of("w3")
    menu = hand.context_menu(view, row)
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts[:4] == [
        "&Promote",
        "&Offer a spot…",
        "&Move on the waitlist…",
        "&Remove volunteer",
    ]
    assert desk.window.detail.selected_waiting_volunteer() == "w3"
    hand.act_offer.trigger()
    assert "to w3 now, ahead of the line" in desk.asked[-1][1]
    desk.status_says("Offered a spot to w3")
    offers = desk.window.detail.round.offers
    assert [(o.volunteer_id, o.state) for o in offers] == [("w3", "open")]


def test_offering_while_a_round_is_open_is_refused_in_the_window(desk):
    app_id = desk.app(spots=1, volunteers="v1 w1 w2")
    desk.core.writer.run(lambda: desk.core.engine.remove_volunteer(app_id, "v1"))
    desk.bridge.flush()
    desk.qtbot.waitUntil(lambda: desk.window.detail.round is not None)
    pick_waiting(desk, "w2")
    desk.chord("Ctrl+O")
    desk.qtbot.waitUntil(lambda: bool(desk.alerts))
    assert desk.alerts == [refusal_text("round_open", {})]


def test_a_waitlisted_volunteer_is_moved_with_a_reason_and_nobody_is_told(desk):
    app_id = desk.app(spots=1, volunteers="v1 w1 w2 w3")
    pick_waiting(desk, "w3")
    outbox_before = desk.core.queries.backlog()
    desk.chord("Ctrl+M")
    dlg = desk.window.hand.dialog
    assert isinstance(dlg, MoveDialog)
    assert "now number 3 of 3" in dlg.intro.text()
    assert dlg.position.value() == 1
    QTest.keyClick(dlg.position, Qt.Key.Key_Tab)
    assert not dlg.ok_button.isEnabled()  # no reason yet
    QTest.keyClicks(dlg.reason, "called, can come early")
    QTest.keyClick(dlg.reason, Qt.Key.Key_Return)
    desk.qtbot.waitUntil(lambda: waitlist(desk) == ["w3", "w1", "w2"])
    desk.status_says("Moved w3 to number 1 on the waitlist")
    assert desk.window.detail.selected_waiting_volunteer() is None  # not w2, now in its row
    assert desk.core.queries.waitlist_ids(app_id) == ["w3", "w1", "w2"]
    assert desk.core.queries.backlog() == outbox_before
    assert "called, can come early" in latest_activity(desk)


def test_a_copy_is_a_draft_a_week_later_and_a_draft_is_deleted(desk):
    app_id = desk.app(spots=4, name="Food bank")
    day = desk.core.queries.summary(app_id).date
    desk.chord("Ctrl+D")
    dlg = desk.window.hand.dialog
    assert isinstance(dlg, DuplicateDialog)
    assert dlg.value() == day + timedelta(days=7)
    QTest.keyClick(dlg.day, Qt.Key.Key_Return)
    desk.qtbot.waitUntil(lambda: desk.window.current_app_id() not in (None, app_id))
    copy = desk.window.detail.summary
    assert (copy.name, copy.status, copy.capacity, copy.date) == (
        "Food bank",
        "draft",
        4,
        day + timedelta(days=7),
    )
    assert desk.window.hand.act_delete.isEnabled()
    desk.chord("Ctrl+Del")
    assert desk.asked[-1][0] == "Delete draft"
    desk.status_says("Deleted the draft «Food bank»")
    assert desk.core.queries.summary(copy.id) is None
    assert desk.listed() == ["Food bank"]


def test_deleting_a_draft_someone_else_published_meanwhile_is_refused(desk):
    from tests.helpers.factories import a_form

    form = a_form(desk.core.engine.clock)
    app_id = desk.core.writer.run(lambda: desk.core.engine.create_application(form, publish=False))
    desk.bridge.flush()
    desk.window.select_application(app_id)
    assert desk.window.hand.act_delete.isEnabled()
    # the CLI publishes it; the window has not looked yet
    desk.core.writer.run(lambda: desk.core.engine.publish(app_id))
    desk.window.hand.act_delete.trigger()
    desk.qtbot.waitUntil(lambda: bool(desk.alerts))
    assert desk.alerts == [refusal_text("not_draft", {"status": "open"})]
    assert desk.core.queries.summary(app_id) is not None


def test_held_spots_are_re_offered_or_released_with_the_buttons_beside_them(desk, clock):
    app_id = desk.app(spots=2, volunteers="v1 v2 w1 w2")
    for v in ("v1", "v2"):
        desk.core.writer.run(lambda v=v: desk.core.engine.remove_volunteer(app_id, v))
    clock.advance(minutes=3)
    desk.core.writer.run(desk.core.engine.tick)
    desk.bridge.flush()
    detail = desk.window.detail
    desk.qtbot.waitUntil(lambda: detail.summary.standing == 2)
    buttons = {b.defaultAction().text(): b for b in detail.hold_row.findChildren(QToolButton)}
    assert detail.hold_row.isVisibleTo(desk.window)
    assert set(buttons) == {"Re-offer &held spots", "Relea&se held spots"}
    QTest.mouseClick(buttons["Re-offer &held spots"], Qt.MouseButton.LeftButton)
    desk.qtbot.waitUntil(lambda: detail.round is not None)
    assert {o.volunteer_id for o in detail.round.offers} == {"w1", "w2"}
    assert not detail.hold_row.isVisibleTo(desk.window)

    clock.advance(minutes=3)
    desk.core.writer.run(desk.core.engine.tick)
    desk.bridge.flush()
    desk.qtbot.waitUntil(lambda: detail.summary.standing == 2 and detail.round is None)
    QTest.mouseClick(buttons["Relea&se held spots"], Qt.MouseButton.LeftButton)
    desk.status_says("Held spots released to newcomers")
    assert (detail.summary.free, detail.summary.standing) == (2, 0)
    desk.core.engine.handle([response("123", app_id, "newcomer")])
    assert desk.core.queries.summary(app_id).signed == 1


def test_a_right_click_on_an_application_row_opens_its_menu(desk):
    desk.app(spots=2, name="Food bank")
    view = desk.window.apps_view
    rect = view.visualRect(view.model().index(0, 0))
    view.customContextMenuRequested.emit(QPoint(rect.center()))
    menu = desk.window.hand.last_menu
    assert menu is not None
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert "Duplica&te…" in texts and "Delete dra&ft" in texts and "&Edit…" in texts
    menu.close()


def test_each_small_dialog_opens_with_the_keyboard_in_its_first_field(desk):
    """Ctrl+U and then the id typed: the buttons were made before the fields, so Qt's first
    focus went to a button and the id went nowhere."""
    from PySide6.QtWidgets import QApplication

    desk.app(spots=1, volunteers="v1 w1 w2")
    for chord, field in (("Ctrl+U", "volunteer"), ("Ctrl+D", "day")):
        desk.chord(chord)
        dlg = desk.window.hand.dialog
        desk.qtbot.waitUntil(dlg.isActiveWindow)
        assert QApplication.focusWidget() is getattr(dlg, field), chord
        dlg.reject()
    pick_waiting(desk, "w2")
    desk.chord("Ctrl+M")
    dlg = desk.window.hand.dialog
    desk.qtbot.waitUntil(dlg.isActiveWindow)
    assert QApplication.focusWidget() is dlg.position
    dlg.reject()
