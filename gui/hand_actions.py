"""The coordinator's hand on an application: walk-ins, chosen offers, waitlist moves, copies,
draft deletion, held spots (re-offer / release), with their dialogs and context menus."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, QObject, QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.clock import local_now
from gui.display import date_text, undo_action_text
from gui.widgets import ERROR_STYLE, typed_int

MAX_VOLUNTEER_ID = 64  # characters: what the wire takes as a volunteer id
SEPARATOR = " · "  # between an id and its directory name in the walk-in field's suggestions


class _Form(QDialog):
    """A small dialog: fields, an error line under them, OK enabled only when they are valid."""

    def __init__(self, title: str, intro: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.form = QFormLayout()
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        # Enter is OK or nothing: with OK disabled at first, Qt made Cancel the default, and
        # Enter in a filled-in field closed the dialog doing nothing (seen under Xvfb)
        for button in self.buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(380)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # the buttons were made before a subclass's fields, so Qt's first focus went to a
        # button: Ctrl+U, then the id typed, went nowhere
        first = self.form.itemAt(0, QFormLayout.ItemRole.FieldRole)
        field = first.widget() if first is not None else None
        if field is not None:
            field.setFocus(Qt.FocusReason.OtherFocusReason)

    def problem(self) -> str:
        return ""

    def validate(self, *_args: Any) -> str:
        text = self.problem()
        self.error.setText(text)
        self.ok_button.setEnabled(not text)
        return text

    def accept(self) -> None:
        if not self.validate():
            super().accept()


class WalkInDialog(_Form):
    """Who to sign up by hand (a walk-in, a phone call), by id or by a name from the directory."""

    def __init__(self, name: str, free: int, names: dict[str, str], parent: QWidget | None):
        super().__init__(
            self.tr("Sign up by hand"),
            self.tr(
                "Sign up a walk-in or a phone call for «%1». They are told they are signed up;"
                " someone on the waitlist is moved up from it."
            ).replace("%1", name),
            parent,
        )
        self.free = free
        self.volunteer = QLineEdit()
        self.volunteer.setObjectName("volunteer")
        self.volunteer.setPlaceholderText(self.tr("volunteer id, or a name from the directory"))
        self.volunteer.setMaxLength(MAX_VOLUNTEER_ID + 80)  # room for " · name" of a suggestion
        if names:
            completer = QCompleter(
                sorted(f"{vid}{SEPARATOR}{n}" for vid, n in names.items() if n), self
            )
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            self.volunteer.setCompleter(completer)
        self.over = QCheckBox(self.tr("&Add a spot for them if none is free"))
        self.over.setObjectName("over_capacity")
        label = QLabel(self.tr("&Volunteer:"))
        label.setBuddy(self.volunteer)
        self.form.addRow(label, self.volunteer)
        self.form.addRow("", self.over)
        self.spots = QLabel(
            self.tr("%n spot(s) free.", "", free)
            if free > 0
            else self.tr("No spot is free: they can only be added as an extra spot.")
        )
        self.spots.setWordWrap(True)
        self.form.addRow("", self.spots)
        self.volunteer.textChanged.connect(self.validate)
        self.over.toggled.connect(self.validate)
        self.ok_button.setEnabled(False)  # a fresh dialog does not scold: no error yet

    def volunteer_id(self) -> str:
        text = self.volunteer.text().strip()
        if SEPARATOR in text:  # a suggestion: "789 · Anna"
            text = text.split(SEPARATOR, 1)[0].strip()
        return text

    def problem(self) -> str:
        vid = self.volunteer_id()
        if not vid:
            return self.tr("Type the volunteer's id")
        if len(vid) > MAX_VOLUNTEER_ID:
            return self.tr("A volunteer id is at most %1 characters").replace(
                "%1", str(MAX_VOLUNTEER_ID)
            )
        if self.free <= 0 and not self.over.isChecked():
            return self.tr("No spot is free: tick «Add a spot for them» to sign them up anyway")
        return ""


class MoveDialog(_Form):
    """Where a waitlisted volunteer goes and why (the reason is logged, nobody is told)."""

    def __init__(self, volunteer: str, position: int, length: int, parent: QWidget | None):
        super().__init__(
            self.tr("Move on the waitlist"),
            self.tr(
                "Move %1 (now number %2 of %3) on the waitlist. Nobody is told; the move and"
                " its reason are kept in the activity."
            )
            .replace("%1", volunteer)
            .replace("%2", str(position))
            .replace("%3", str(length)),
            parent,
        )
        self.position = QSpinBox()
        self.position.setObjectName("position")
        self.position.setRange(1, max(1, length))
        self.position.setValue(1 if position != 1 else min(2, length))
        self.position.selectAll()
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setMaxLength(200)
        self.reason.setPlaceholderText(self.tr("e.g. called to say they can come early"))
        pos_label = QLabel(self.tr("&Position (1 is first):"))
        pos_label.setBuddy(self.position)
        reason_label = QLabel(self.tr("&Reason:"))
        reason_label.setBuddy(self.reason)
        self.form.addRow(pos_label, self.position)
        self.form.addRow(reason_label, self.reason)
        self.reason.textChanged.connect(self.validate)
        self.position.valueChanged.connect(self.validate)
        self.ok_button.setEnabled(False)

    def value(self) -> tuple[int, str]:
        return typed_int(self.position) or 0, self.reason.text().strip()

    def problem(self) -> str:
        if typed_int(self.position) is None:
            return self.tr("A position from 1 to %1").replace("%1", str(self.position.maximum()))
        if not self.reason.text().strip():
            return self.tr("Say why: the reason is kept in the activity")
        return ""


class DuplicateDialog(_Form):
    """The date of a copy: it is saved as a draft, to check before publishing."""

    def __init__(self, name: str, day: date, today: date, parent: QWidget | None):
        super().__init__(
            self.tr("Duplicate application"),
            self.tr(
                "Copy «%1» (time, spots, policy) as a draft on another day. Nobody is told"
                " until you publish it."
            ).replace("%1", name),
            parent,
        )
        self.today = today
        suggested = day
        while suggested < today:  # the same weekday, the first one not past
            suggested += timedelta(days=7)
        if suggested == day:
            suggested = day + timedelta(days=7)
        self.day = QDateEdit(QDate(suggested.year, suggested.month, suggested.day))
        self.day.setObjectName("day")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.day.setMinimumDate(QDate(today.year, today.month, today.day))
        label = QLabel(self.tr("&Date:"))
        label.setBuddy(self.day)
        self.form.addRow(label, self.day)
        self.shown = QLabel()
        self.form.addRow("", self.shown)
        self.day.dateChanged.connect(self.validate)
        self.validate()

    def value(self) -> date:
        d = self.day.date()
        return date(d.year(), d.month(), d.day())

    def problem(self) -> str:
        self.shown.setText(date_text(self.value(), weekday=True))
        if self.value() < self.today:
            return self.tr("The date is in the past")
        return ""


class HandActions(QObject):
    """Menu items, shortcuts and context menus for the coordinator's hand on an application."""

    def __init__(self, window: Any, m_app: QMenu, m_vol: QMenu) -> None:
        super().__init__(window)
        self.window = window
        self.bridge = window.bridge
        self.dialog: QDialog | None = None  # the one open (tests fill it in)
        w = window
        self.act_signup = self._action(
            self.tr("Sign &up by hand…"),
            self.sign_up_by_hand,
            "Ctrl+U",
            self.tr("Sign up a walk-in or a phone call by volunteer id"),
        )
        self.act_offer = self._action(
            self.tr("&Offer a spot…"),
            self.offer_to,
            "Ctrl+O",
            self.tr("Offer one spot to the selected waitlisted volunteer, ahead of the line"),
        )
        self.act_move = self._action(
            self.tr("&Move on the waitlist…"),
            self.move_on_waitlist,
            "Ctrl+M",
            self.tr("Move the selected waitlisted volunteer, with a reason"),
        )
        self.act_duplicate = self._action(
            self.tr("Duplica&te…"),
            self.duplicate,
            "Ctrl+D",
            self.tr("Copy this application as a draft on another day"),
        )
        self.act_delete = self._action(
            self.tr("Delete dra&ft"),
            self.delete_draft,
            "Ctrl+Del",
            self.tr("Delete a draft nobody has been told about"),
        )
        self.act_reoffer = self._action(
            self.tr("Re-offer &held spots"),
            self.reoffer,
            None,
            self.tr("Offer the spots held unclaimed to the waitlist again"),
        )
        self.act_release = self._action(
            self.tr("Relea&se held spots"),
            self.release,
            None,
            self.tr("Give the spots held unclaimed to newcomers"),
        )
        self.act_undo = self._action(
            self.tr("&Undo"), self.undo, "Ctrl+Z", self.tr("Nothing to undo")
        )
        self.act_undo.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Undo))
        self.bridge.undo_changed.connect(self._on_bridge_undo_changed)
        self._on_bridge_undo_changed()
        m_edit = QMenu(self.tr("&Edit"), w.menuBar())
        m_edit.addAction(self.act_undo)
        m_edit.addSeparator()
        m_edit.addAction(w.act_find)
        w.menuBar().insertMenu(m_app.menuAction(), m_edit)
        self.m_edit = m_edit
        self.act_reoffer.setIconText(self.tr("Re-offer"))
        self.act_release.setIconText(self.tr("Release"))
        items = m_app.actions()
        # after Cancel application, before the paper (the first separator after it)
        anchor = next((a for a in items if a.isSeparator()), None)
        group = [self.act_duplicate, self.act_delete, self.act_reoffer, self.act_release]
        if anchor is not None:
            m_app.insertSeparator(anchor)
            m_app.insertActions(anchor, group)
        else:
            m_app.addSeparator()
            m_app.addActions(group)
        first = m_vol.actions()[0] if m_vol.actions() else None
        people = [self.act_signup, self.act_offer, self.act_move]
        if first is not None:
            m_vol.insertActions(first, people)
            m_vol.insertSeparator(first)
        else:
            m_vol.addActions(people)
        # where the round's held spots are shown, the two ways out of them are buttons
        w.detail.add_hold_actions([self.act_reoffer, self.act_release])

        for view, menu in (
            (w.apps_view, self._apps_menu),
            (w.detail.roster_view, self._roster_menu),
            (w.detail.waitlist_view, self._waitlist_menu),
        ):
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            view.customContextMenuRequested.connect(
                lambda pos, v=view, m=menu: self._on_context_menu_requested(v, pos, m)
            )
        self.last_menu: QMenu | None = None

    def _action(
        self, text: str, slot: Callable[[], Any], shortcut: str | None, tip: str
    ) -> QAction:
        a = QAction(text, self.window)
        if shortcut:
            a.setShortcut(QKeySequence(shortcut))
        a.setStatusTip(tip)
        a.setToolTip(tip)
        a.triggered.connect(lambda _checked=False: slot())
        self.window.addAction(a)
        return a

    # -- context menus -----------------------------------------------------------------------
    def _apps_menu(self) -> list[QAction | None]:
        w = self.window
        return [
            w.act_edit,
            w.act_capacity,
            self.act_duplicate,
            None,
            w.act_publish,
            w.act_close,
            w.act_reopen,
            w.act_cancel,
            self.act_delete,
            None,
            self.act_reoffer,
            self.act_release,
            None,
            self.act_signup,
        ]

    def _roster_menu(self) -> list[QAction | None]:
        w = self.window
        return [w.act_remove, w.act_history, None, self.act_signup]

    def _waitlist_menu(self) -> list[QAction | None]:
        w = self.window
        return [
            w.act_promote,
            self.act_offer,
            self.act_move,
            w.act_remove,
            w.act_history,
            None,
            self.act_signup,
        ]

    def context_menu(self, view: QTableView, row: int) -> QMenu | None:
        """The menu a right click on that row of that view opens (the row is selected first)."""
        builders = {
            self.window.apps_view: self._apps_menu,
            self.window.detail.roster_view: self._roster_menu,
            self.window.detail.waitlist_view: self._waitlist_menu,
        }
        build = builders.get(view)
        if build is None or row < 0:
            return None
        view.setFocus(Qt.FocusReason.PopupFocusReason)  # Remove and History act on this view
        view.selectRow(row)
        self.window._update_actions()
        menu = QMenu(view)
        for a in build():
            if a is None:
                menu.addSeparator()
            else:
                menu.addAction(a)
        self.last_menu = menu
        return menu

    def _on_context_menu_requested(
        self, view: QTableView, pos: QPoint, _build: Callable[[], Any]
    ) -> None:
        menu = self.context_menu(view, view.indexAt(pos).row())
        if menu is not None:
            menu.popup(view.viewport().mapToGlobal(pos))

    # -- what is possible now ----------------------------------------------------------------
    def update_actions(self, s: Any, waiting: str | None) -> None:
        status = s.status if s else None
        self.act_signup.setEnabled(status in ("open", "closed"))
        self.act_offer.setEnabled(status == "open" and waiting is not None)
        self.act_move.setEnabled(
            status in ("open", "closed") and waiting is not None and s.waiting > 1
        )
        self.act_duplicate.setEnabled(s is not None)
        self.act_delete.setEnabled(status == "draft")
        held = bool(s and s.standing and status == "open")
        self.act_reoffer.setEnabled(held)
        self.act_release.setEnabled(held)

    # -- undo of the last action (CONTRACT.md, "Undo") ------------------------------------------
    def _on_bridge_undo_changed(self) -> None:
        last = self.bridge.last_undo
        if last is None:
            self.act_undo.setText(self.tr("&Undo"))
            self.act_undo.setEnabled(False)
            tip = self.tr("Nothing to undo")
        else:
            what = undo_action_text(last.action)
            if last.name:
                what = f"{what} ({last.name})"
            self.act_undo.setText(self.tr("&Undo %1").replace("%1", what))
            self.act_undo.setEnabled(True)
            tip = self.tr("Put it back as it was, if nothing it told volunteers has been sent yet")
        self.act_undo.setStatusTip(tip)
        self.act_undo.setToolTip(tip)

    def undo(self) -> Any:
        w = self.window
        last = self.bridge.last_undo
        op = self.bridge.undo()
        if op is None or last is None:
            return None
        what = undo_action_text(last.action)

        def then() -> None:
            w.detail.clear_selection()  # whoever moved back, the selected row may be another
            if last.action == "directory":
                w.detail.reload()
                if w.paper.dialog is not None:
                    w.paper.dialog.refresh()
            app_id = op.result().value
            if app_id and w.bridge.queries.summary(app_id) is not None:
                w.select_application(app_id)

        return w._result(op, self.tr("Undone: %1").replace("%1", what), then)

    # -- the actions -------------------------------------------------------------------------
    def _open(self, dlg: QDialog, chosen: Callable[[], None]) -> QDialog:
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.accepted.connect(chosen)
        self.dialog = dlg
        dlg.open()
        return dlg

    def sign_up_by_hand(self) -> QDialog | None:
        w = self.window
        s = w.detail.summary
        if s is None or s.status not in ("open", "closed"):
            return None
        names = {vid: v.name for vid, v in self.bridge.queries.volunteers().items()}
        dlg = WalkInDialog(s.name, s.free, names, w)

        def chosen() -> None:
            vid = dlg.volunteer_id()
            w._result(
                self.bridge.sign_up_by_hand(s.id, vid, over_capacity=dlg.over.isChecked()),
                self.tr("Signed up %1 by hand").replace("%1", vid),
            )

        return self._open(dlg, chosen)

    def offer_to(self, volunteer_id: str | None = None) -> Any:
        w = self.window
        app_id = w.current_app_id()
        vid = volunteer_id or w.detail.selected_waiting_volunteer()
        if app_id is None or vid is None:
            return None
        if not w.confirm(
            self.tr("Offer a spot"),
            self.tr(
                "Offer one spot of «%1» to %2 now, ahead of the line? They are told a spot is"
                " available; unclaimed in time, it passes to the next in line."
            )
            .replace("%1", w._name())
            .replace("%2", vid),
        ):
            return None
        return w._result(
            self.bridge.offer_to(app_id, vid), self.tr("Offered a spot to %1").replace("%1", vid)
        )

    def move_on_waitlist(self) -> QDialog | None:
        w = self.window
        s = w.detail.summary
        vid = w.detail.selected_waiting_volunteer()
        if s is None or vid is None:
            return None
        position = w.detail.waitlist_model.row_of(vid) + 1
        dlg = MoveDialog(vid, position, s.waiting, w)

        def chosen() -> None:
            to, reason = dlg.value()
            w._result(
                self.bridge.move_on_waitlist(s.id, vid, to, reason),
                self.tr("Moved %1 to number %2 on the waitlist")
                .replace("%1", vid)
                .replace("%2", str(to)),
                w.detail.clear_selection,  # the row under the selection is someone else now
            )

        return self._open(dlg, chosen)

    def duplicate(self) -> QDialog | None:
        w = self.window
        s = w.detail.summary
        if s is None:
            return None
        dlg = DuplicateDialog(s.name, s.date, local_now(self.bridge.clock).date(), w)

        def chosen() -> None:
            day = dlg.value()

            def select() -> None:
                op_value = op.result().value
                if op_value:
                    w.select_application(op_value)

            op = self.bridge.duplicate_application(s.id, day)
            w._result(
                op,
                self.tr("Copied as a draft on %1: check it, then publish it").replace(
                    "%1", date_text(day, weekday=True)
                ),
                select,
            )

        return self._open(dlg, chosen)

    def delete_draft(self) -> Any:
        w = self.window
        s = w.detail.summary
        if s is None or s.status != "draft":
            return None
        if not w.confirm(
            self.tr("Delete draft"),
            self.tr("Delete the draft «%1»? Nobody was told about it.").replace("%1", s.name),
        ):
            return None
        return w._result(
            self.bridge.delete_draft(s.id), self.tr("Deleted the draft «%1»").replace("%1", s.name)
        )

    def reoffer(self) -> Any:
        w = self.window
        s = w.detail.summary
        if s is None:
            return None
        if not w.confirm(
            self.tr("Re-offer held spots"),
            self.tr(
                "Offer the %n spot(s) held unclaimed in «%1» to the waitlist again? The"
                " volunteers offered are told a spot is available.",
                "",
                s.standing,
            ).replace("%1", s.name),
        ):
            return None
        return w._result(self.bridge.reoffer(s.id), self.tr("Held spots offered again"))

    def release(self) -> Any:
        w = self.window
        s = w.detail.summary
        if s is None:
            return None
        if not w.confirm(
            self.tr("Release held spots"),
            self.tr(
                "Give the %n spot(s) held unclaimed in «%1» to newcomers? They become free"
                " spots; the waitlist keeps its places.",
                "",
                s.standing,
            ).replace("%1", s.name),
        ):
            return None
        return w._result(self.bridge.release(s.id), self.tr("Held spots released to newcomers"))
