"""The window's parts for the shift's whole life: the check-in view of the chosen application,
a roster row that opens its volunteer (double-click; Ctrl+H is the window's own), and the
fund's numbers as a tab (View > Numbers)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from gui.numbers_view import NumbersView
from gui.table_model import KeyRole

if TYPE_CHECKING:  # the check-in window loads when first opened, not for the first paint
    from gui.checkin_view import CheckinDialog


class ShiftMenu(QObject):
    """Application: Check-in… (Ctrl+I), for an open or closed application."""

    def __init__(self, window: Any, m_app: QMenu) -> None:
        super().__init__(window)
        self.window = window
        self.checkins: dict[str, CheckinDialog] = {}
        self.act_checkin = QAction(self.tr("Check-&in…"), window)
        self.act_checkin.setShortcut(QKeySequence("Ctrl+I"))
        self.act_checkin.setStatusTip(
            self.tr("On the day: mark who arrived, who is late, who did not come; hours served")
        )
        self.act_checkin.triggered.connect(lambda _c=False: self.open_checkin())
        window.addAction(self.act_checkin)
        items = m_app.actions()
        if items:  # first: on the day it is what the coordinator opens the menu for
            m_app.insertActions(items[0], [self.act_checkin])
            m_app.insertSeparator(items[0])
        else:
            m_app.addAction(self.act_checkin)
        m_app.aboutToShow.connect(self._update_actions)
        # after the window's own slots: the detail panel already shows the new choice
        window.apps_view.selectionModel().currentRowChanged.connect(self._update_actions)
        window.bridge.applications_changed.connect(self._update_actions)
        # a roster row opens that volunteer: shifts, attendance rate, hours, decisions
        window.detail.roster_view.doubleClicked.connect(
            lambda index: window.volunteer_history(index.data(KeyRole))
        )
        self._update_actions()

    @Slot()
    def _update_actions(self, *_args: Any) -> None:
        # the summary, not .detail: that reads the whole waitlist (50,000 rows at every flush)
        s = self.window.detail.summary
        self.act_checkin.setEnabled(s is not None and s.status in ("open", "closed"))

    def add_numbers(self, m_view: QMenu) -> NumbersView:
        """The fund's numbers as the window's next tab, with its View menu item."""
        view = NumbersView(self.window.bridge)
        view.setObjectName("numbers")
        tabs = self.window.tabs
        index = tabs.addTab(view, self.tr("Numbers"))
        self.window.extra_views["numbers"] = view
        act = QAction(self.tr("&Numbers"), self.window)
        act.setShortcut(QKeySequence(f"Alt+{index + 1}"))
        act.triggered.connect(lambda _c=False: tabs.setCurrentWidget(view))
        m_view.addAction(act)
        self.act_numbers = act
        self.numbers = view
        return view

    def open_checkin(self, app_id: str | None = None) -> CheckinDialog | None:
        """The check-in window of the chosen application (one per application, reused)."""
        target = app_id or self.window.current_app_id()
        if target is None:
            return None
        dlg = self.checkins.get(target)
        if dlg is None:
            # owned by the window: closing the window ends the console, this one too
            from gui.checkin_view import CheckinDialog

            dlg = CheckinDialog(
                self.window.bridge, target, confirm=self.window.confirm, parent=self.window
            )
            self.checkins[target] = dlg
        dlg.refresh()
        dlg.show()
        dlg.raise_()
        dlg.activateWindow()
        dlg.typed.setFocus()
        return dlg
