"""The main window: applications on the left, the selected one on the right, actions, status."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QItemSelectionModel, QModelIndex, QSettings, QSize, Qt, Slot
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QGuiApplication,
    QKeySequence,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.config import save_settings
from gui.app_dialog import AppDialog
from gui.bridge import Op, OpResult
from gui.detail_panel import DetailPanel
from gui.display import local_today, span_text, status_text
from gui.export import export_roster_csv
from gui.message_log import MessageLogView
from gui.models import ApplicationsModel, ApplicationsProxy, KeyRole
from gui.monitor import QueueMonitor
from gui.rejected_view import RejectedView
from gui.settings_dialog import SettingsDialog
from gui.tray import TrayNotifier
from gui.widgets import FillBarDelegate, SteadyTabWidget, state_style

log = logging.getLogger(__name__)
# Below this a name is elided rather than shown whole; the count columns stay visible.
MIN_NAME_WIDTH = 120
MIN_DETAIL_WIDTH = 570

Confirm = Callable[[str, str], bool]
Alert = Callable[[str], None]


class MainWindow(QMainWindow):
    """The coordinator's window over one Bridge."""

    def __init__(
        self,
        bridge: Any,
        *,
        confirm: Confirm | None = None,
        alert: Alert | None = None,
        qsettings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.confirm: Confirm = confirm or self._ask
        self.alert: Alert = alert or self._warn
        self.qsettings = qsettings or QSettings("volunteer-console", "console")
        self.dialog: AppDialog | None = None
        self.setWindowTitle(self.tr("Volunteer Console — fund %1").replace("%1", bridge.fund_id))
        self.resize(self._first_size())

        # -- left: the applications list --------------------------------------------------------
        self.apps_model = ApplicationsModel(bridge.queries.summary, self)
        self.apps_model.set_rows(bridge.queries.summaries())
        # "past" means before the coordinator's today, not before the UTC date
        self.proxy = ApplicationsProxy(lambda: local_today(bridge.clock.now()), self)
        self.proxy.setSourceModel(self.apps_model)
        self.proxy.sort(ApplicationsModel.WHEN, Qt.SortOrder.AscendingOrder)

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search applications…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_search)

        self.filter_group = QButtonGroup(self)
        self.filter_group.setExclusive(True)
        filters = QHBoxLayout()
        filters.setSpacing(2)
        self.filter_buttons: dict[str, QToolButton] = {}
        for name, caption in (
            ("all", self.tr("All")),
            ("open", self.tr("Open")),
            ("full", self.tr("Full")),
            ("waitlist", self.tr("Has waitlist")),
            ("past", self.tr("Past")),
        ):
            b = QToolButton()
            b.setText(caption)
            b.setCheckable(True)
            b.setChecked(name == "all")
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            b.clicked.connect(lambda _=False, n=name: self.set_filter(n))
            self.filter_group.addButton(b)
            filters.addWidget(b)
            self.filter_buttons[name] = b
        filters.addStretch(1)

        self.apps_view = QTableView()
        self.apps_view.setModel(self.proxy)
        self.apps_view.setSortingEnabled(True)
        self.apps_view.sortByColumn(ApplicationsModel.WHEN, Qt.SortOrder.AscendingOrder)
        self.apps_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.apps_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.apps_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.apps_view.verticalHeader().setVisible(False)
        self.apps_view.verticalHeader().setDefaultSectionSize(24)
        self.apps_view.setAlternatingRowColors(True)
        self.apps_view.setItemDelegateForColumn(ApplicationsModel.FILL, FillBarDelegate(self))
        header = self.apps_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # sized once, below
        header.setResizeContentsPrecision(50)
        header.setSectionResizeMode(ApplicationsModel.NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ApplicationsModel.FILL, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(ApplicationsModel.FILL, 84)
        for col in ApplicationsModel.NARROW:
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(col, max(50, header.sectionSizeHint(col)))
        self._size_list_columns()
        self.apps_view.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.apps_view.doubleClicked.connect(lambda _i: self.edit_application())

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 0, 6)
        left_layout.addWidget(self.search)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.apps_view, 1)

        # -- right: the selected application ----------------------------------------------------
        self.detail = DetailPanel(bridge)
        self.detail.roster_view.selectionModel().selectionChanged.connect(self._update_actions)
        self.detail.waitlist_view.selectionModel().selectionChanged.connect(self._update_actions)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([560, 800])  # until the first show measures the list (_fit_split)
        self.splitter.setChildrenCollapsible(False)
        # fitted to the names until the coordinator drags the handle (or restored their choice)
        self._split_auto = True
        self.splitter.splitterMoved.connect(self._on_splitter_moved)

        self.tabs = SteadyTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.splitter, self.tr("Applications"))
        self.extra_views: dict[str, QWidget] = {}
        for key, view, caption in (
            ("messages", MessageLogView(bridge), self.tr("Message log")),
            ("queues", QueueMonitor(bridge), self.tr("Queues")),
            ("rejected", RejectedView(bridge), self.tr("Rejected messages")),
        ):
            self.extra_views[key] = view
            self.tabs.addTab(view, caption)
        self.setCentralWidget(self.tabs)

        self._build_actions()
        self._build_status_bar()

        self.tray = TrayNotifier(self)
        self.tray.connect_bridge(bridge)
        self.tray.message_clicked.connect(self._raise)

        bridge.applications_changed.connect(self._on_applications_changed)
        bridge.activity_added.connect(self._on_activity_added)
        bridge.broker_status_changed.connect(self._on_broker_status)
        bridge.backlog_changed.connect(self._on_backlog)
        bridge.rate_changed.connect(self._on_rate)
        bridge.error_raised.connect(self._on_error)

        self._restore()
        status = bridge.status()
        if status is not None:
            self._on_broker_status(status)
        else:
            self._on_backlog(bridge.backlog())
        if self.proxy.rowCount():
            self.apps_view.selectRow(0)
        self._update_actions()

    # -- building ----------------------------------------------------------------------------------
    def _action(
        self, text: str, slot: Callable[[], Any], shortcut: Any = None, tip: str = ""
    ) -> QAction:
        a = QAction(text, self)
        if shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
        if tip:
            a.setStatusTip(tip)
            a.setToolTip(tip)
        a.triggered.connect(lambda _checked=False: slot())
        self.addAction(a)
        return a

    def _build_actions(self) -> None:
        self.act_new = self._action(
            self.tr("&New application…"),
            self.new_application,
            "Ctrl+N",
            self.tr("Create and publish a new application"),
        )
        self.act_edit = self._action(
            self.tr("&Edit…"),
            self.edit_application,
            "Ctrl+E",
            self.tr("Change name, time, spots or policy"),
        )
        self.act_capacity = self._action(
            self.tr("Change &capacity…"),
            self.change_capacity,
            "Ctrl+K",
            self.tr("Raise or lower the number of spots"),
        )
        self.act_remove = self._action(
            self.tr("&Remove volunteer"),
            self.remove_volunteer,
            Qt.Key.Key_Delete,
            self.tr("Remove the selected volunteer from the roster or the waitlist"),
        )
        self.act_promote = self._action(
            self.tr("&Promote"),
            self.promote,
            "Ctrl+P",
            self.tr("Sign up the selected waitlisted volunteer"),
        )
        self.act_publish = self._action(
            self.tr("P&ublish"), self.publish, None, self.tr("Announce a draft to volunteers")
        )
        self.act_close = self._action(
            self.tr("C&lose"),
            self.close_application,
            None,
            self.tr("Stop taking responses; later ones are answered «closed»"),
        )
        self.act_reopen = self._action(
            self.tr("Re&open"), self.reopen, None, self.tr("Take responses again")
        )
        self.act_cancel = self._action(
            self.tr("Cance&l application"),
            self.cancel_application,
            None,
            self.tr("Cancel: everyone signed up or waiting is told"),
        )
        self.act_export = self._action(
            self.tr("E&xport roster (CSV)…"),
            self.export_csv,
            "Ctrl+Shift+E",
            self.tr("Save the roster and waitlist as a CSV file"),
        )
        self.act_settings = self._action(
            self.tr("&Settings…"),
            self.open_settings,
            QKeySequence.StandardKey.Preferences,
            self.tr("Broker, fund, language"),
        )
        self.act_quit = self._action(self.tr("&Quit"), self.close, "Ctrl+Q")

        menu = self.menuBar()
        m_file = menu.addMenu(self.tr("&File"))
        m_file.addAction(self.act_new)
        m_file.addAction(self.act_export)
        m_file.addSeparator()
        m_file.addAction(self.act_settings)
        m_file.addSeparator()
        m_file.addAction(self.act_quit)
        m_app = menu.addMenu(self.tr("&Application"))
        for a in (
            self.act_edit,
            self.act_capacity,
            self.act_publish,
            self.act_close,
            self.act_reopen,
            self.act_cancel,
        ):
            m_app.addAction(a)
        m_vol = menu.addMenu(self.tr("&Volunteer"))
        m_vol.addAction(self.act_promote)
        m_vol.addAction(self.act_remove)
        m_view = menu.addMenu(self.tr("Vie&w"))
        for i in range(self.tabs.count()):
            a = QAction(self.tabs.tabText(i), self)
            a.setShortcut(QKeySequence(f"Alt+{i + 1}"))
            a.triggered.connect(lambda _c=False, n=i: self.tabs.setCurrentIndex(n))
            m_view.addAction(a)

        tb = self.addToolBar(self.tr("Actions"))
        tb.setObjectName("actions_toolbar")
        tb.setMovable(False)
        for a in (
            self.act_new,
            self.act_edit,
            self.act_capacity,
            None,
            self.act_promote,
            self.act_remove,
            None,
            self.act_publish,
            self.act_close,
            self.act_reopen,
            self.act_cancel,
            None,
            self.act_export,
        ):
            if a is None:
                tb.addSeparator()
            else:
                tb.addAction(a)

    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.broker_label = QLabel()
        self.broker_label.setObjectName("brokerState")
        self.backlog_label = QLabel()
        self.backlog_label.setObjectName("backlog")
        self.rate_label = QLabel()
        self.rate_label.setObjectName("rate")
        sb.addPermanentWidget(self.broker_label)
        sb.addPermanentWidget(self.backlog_label)
        sb.addPermanentWidget(self.rate_label)
        self._on_rate(0.0)

    def _size_list_columns(self) -> None:
        """Date and status sized for their widest possible text, not for the rows shown now."""
        header = self.apps_view.horizontalHeader()
        metrics = self.apps_view.fontMetrics()
        pad = 18
        widest_when = span_text(date(2026, 11, 28), time(10, 30), time(23, 30))
        header.resizeSection(
            ApplicationsModel.WHEN,
            max(metrics.horizontalAdvance(widest_when) + pad, header.sectionSizeHint(1)),
        )
        words = [status_text(w) for w in ("draft", "open", "closed", "cancelled")]
        header.resizeSection(
            ApplicationsModel.STATUS,
            max(
                max(metrics.horizontalAdvance(w) for w in words) + pad,
                header.sectionSizeHint(ApplicationsModel.STATUS),
            ),
        )

    def list_width_needed(self, *, names_at_most: int | None = None) -> int:
        """The left pane's width that shows every column, and the names in full or up to a cap."""
        header = self.apps_view.horizontalHeader()
        others = sum(
            header.sectionSize(c)
            for c in range(header.count())
            if c != ApplicationsModel.NAME and not header.isSectionHidden(c)
        )
        names = max(self.apps_view.sizeHintForColumn(ApplicationsModel.NAME), 160)
        if names_at_most is not None:
            names = min(names, names_at_most)
        frame = (
            2 * self.apps_view.frameWidth() + self.apps_view.verticalScrollBar().sizeHint().width()
        )
        return others + names + frame + 12  # + the left margin and the splitter handle

    def _first_size(self) -> QSize:
        """1360x860, or the screen's free area when it is smaller (before a size is saved)."""
        size = QSize(1360, 860)
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            size = size.boundedTo(screen.availableGeometry().size())
        return size

    def _fit_split(self) -> None:
        """Give the list what its names need, leaving the detail pane at least MIN_DETAIL_WIDTH.

        Once the coordinator has placed the divider it stays; then only the count columns
        adapt: they hide when the list is too narrow to show them beside a readable name.
        """
        if not self.isVisible():
            return
        total = sum(self.splitter.sizes())
        if total <= 0:
            return
        if self._split_auto:
            # the detail pane keeps room for roster and waitlist side by side
            # and the list at most 55%: on a wide screen the detail is what grows
            room = max(min(total - MIN_DETAIL_WIDTH, total * 55 // 100), min(420, total // 2))
        else:
            room = self.splitter.sizes()[0]
        narrow = ApplicationsModel.NARROW
        for col in narrow:
            self.apps_view.setColumnHidden(col, False)
        # Free, waiting and offers are what a coordinator scans the list for: long names are
        # elided first (full name in the tooltip); only a very narrow list hides the counts.
        squeeze = self.list_width_needed(names_at_most=MIN_NAME_WIDTH) > room
        for col in narrow:
            self.apps_view.setColumnHidden(col, squeeze)
        if not self._split_auto:
            return
        left = min(self.list_width_needed(), room)
        if left != self.splitter.sizes()[0]:
            self.splitter.setSizes([left, total - left])

    def _on_splitter_moved(self, *_args: Any) -> None:
        self._split_auto = False
        self._fit_split()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_split()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_split()

    # -- window state ------------------------------------------------------------------------------
    def _restore(self) -> None:
        geometry = self.qsettings.value("main/geometry")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(geometry)
        state = self.qsettings.value("main/state")
        if isinstance(state, QByteArray | bytes):
            self.restoreState(state)
        split = self.qsettings.value("main/splitter")
        if isinstance(split, QByteArray | bytes):
            self.splitter.restoreState(split)
            self._split_auto = False  # the coordinator's own choice wins

    def save_window_state(self) -> None:
        self.qsettings.setValue("main/geometry", self.saveGeometry())
        self.qsettings.setValue("main/state", self.saveState())
        self.qsettings.setValue("main/splitter", self.splitter.saveState())
        self.qsettings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_window_state()
        super().closeEvent(event)

    @Slot()
    def _raise(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    # -- selection ---------------------------------------------------------------------------------
    def current_app_id(self) -> str | None:
        return self.detail.app_id

    def select_application(self, app_id: str) -> bool:
        row = self.apps_model.row_of(app_id)
        if row < 0:  # created a moment ago: the bridge has not flushed it yet
            self.apps_model.update_ids([app_id])
            row = self.apps_model.row_of(app_id)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.apps_model.index(row, 0))
        if not index.isValid():  # filtered out: show everything so it can be selected
            self.search.clear()
            self.set_filter("all")
            index = self.proxy.mapFromSource(self.apps_model.index(row, 0))
        self.apps_view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.apps_view.scrollTo(index)
        return True

    def set_filter(self, name: str) -> None:
        self.proxy.set_filter(name)
        self.filter_buttons[name].setChecked(True)

    @Slot(QModelIndex, QModelIndex)
    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        app_id = current.data(KeyRole) if current.isValid() else None
        self.detail.show_application(app_id)
        self._update_actions()

    def _update_actions(self, *_args: Any) -> None:
        s = self.detail.detail.summary if self.detail.detail else None
        status = s.status if s else None
        live = status in ("draft", "open", "closed")
        self.act_edit.setEnabled(live)
        self.act_capacity.setEnabled(live)
        self.act_publish.setEnabled(status == "draft")
        self.act_close.setEnabled(status == "open")
        self.act_reopen.setEnabled(status == "closed")
        self.act_cancel.setEnabled(live)
        self.act_export.setEnabled(s is not None)
        waiting = self.detail.selected_waiting_volunteer()
        roster = self.detail.selected_roster_volunteer()
        self.act_promote.setEnabled(status in ("open", "closed") and waiting is not None)
        self.act_remove.setEnabled(live and (waiting or roster) is not None)

    # -- bridge signals ----------------------------------------------------------------------------
    @Slot(list)
    def _on_applications_changed(self, ids: list[str]) -> None:
        # measuring the names walks every row: only when a name came, went or changed
        if self.apps_model.update_ids(ids):
            self._fit_split()
        if self.detail.app_id in ids:
            self.detail.refresh()
            self._update_actions()
        elif self.detail.app_id is None and self.proxy.rowCount() == 1:
            self.apps_view.selectRow(0)

    @Slot(list)
    def _on_activity_added(self, activity: list[Any]) -> None:
        app_id = self.detail.app_id
        if app_id is not None and any(a.application_id == app_id for a in activity):
            self.detail.append_activity()

    @Slot(object)
    def _on_broker_status(self, status: Any) -> None:
        state = getattr(status, "state", "offline")
        text = {
            "connected": self.tr("Broker: connected"),
            "connecting": self.tr("Broker: connecting…"),
            "reconnecting": self.tr("Broker: reconnecting…"),
            "offline": self.tr(
                "Offline — changes are saved and will be sent when the broker is back"
            ),
        }.get(state, state)
        self.broker_label.setText(text)
        self.broker_label.setStyleSheet(state_style(state))
        self.broker_label.setToolTip(getattr(status, "detail", ""))
        self.broker_state = state
        self._on_backlog(getattr(status, "backlog", 0))

    @Slot(int)
    def _on_backlog(self, backlog: int) -> None:
        self.backlog_value = backlog
        if backlog:
            self.backlog_label.setText(
                self.tr("%1 message(s) waiting to be sent").replace("%1", str(backlog))
            )
            self.backlog_label.setStyleSheet("color: #b26a00;")
        else:
            self.backlog_label.setText(self.tr("All messages sent"))
            self.backlog_label.setStyleSheet("color: #555;")

    @Slot(float)
    def _on_rate(self, rate: float) -> None:
        self.rate_label.setText(self.tr("%1 responses/min").replace("%1", f"{rate:.0f}"))

    @Slot(str)
    def _on_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 15_000)

    # -- dialogs that tests replace ----------------------------------------------------------------
    def _ask(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(
            self,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _warn(self, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Not done"), text, parent=self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def _result(self, op: Op[Any]) -> Op[Any]:
        """An operation under way: a refusal is told once its commit has been tried."""
        return op.then(self._on_op_result)

    def _on_op_result(self, result: OpResult[Any]) -> None:
        if not result.ok:
            self.alert(result.refusal or self.tr("Not done"))

    # -- coordinator actions -----------------------------------------------------------------------
    def _name(self) -> str:
        d = self.detail.detail
        return d.summary.name if d else ""

    def new_application(self) -> AppDialog:
        """Open the create dialog (non-blocking); the new application is selected once saved."""
        dlg = AppDialog(self.bridge, None, self)
        dlg.accepted.connect(lambda: self._after_save(dlg))
        self.dialog = dlg
        dlg.open()
        return dlg

    def edit_application(self) -> AppDialog | None:
        app_id = self.current_app_id()
        if app_id is None:
            return None
        dlg = AppDialog(self.bridge, app_id, self)
        dlg.accepted.connect(lambda: self._after_save(dlg))
        self.dialog = dlg
        dlg.open()
        return dlg

    def _after_save(self, dlg: AppDialog) -> None:
        self.bridge.flush()
        if dlg.saved_id:
            self.select_application(dlg.saved_id)
            self.statusBar().showMessage(self.tr("Saved"), 5000)

    def change_capacity(self, capacity: int | None = None) -> Op[None] | None:
        d = self.detail.detail
        if d is None:
            return None
        s = d.summary
        if capacity is None:
            value, ok = QInputDialog.getInt(
                self,
                self.tr("Capacity"),
                self.tr("Spots for «%1» (%2 signed up):")
                .replace("%1", s.name)
                .replace("%2", str(s.signed)),
                s.capacity,
                1,
                10_000,
            )
            if not ok:
                return None
            capacity = value
        if capacity < s.capacity and not self.confirm(
            self.tr("Lower capacity"),
            self.tr("Lower «%1» from %2 to %3 spots? Volunteers holding offers may lose them.")
            .replace("%1", s.name)
            .replace("%2", str(s.capacity))
            .replace("%3", str(capacity)),
        ):
            return None
        return self._result(self.bridge.set_capacity(s.id, capacity))

    def _selected_volunteer(self) -> str | None:
        focus = self.focusWidget()
        waiting = self.detail.selected_waiting_volunteer()
        roster = self.detail.selected_roster_volunteer()
        if focus is self.detail.waitlist_view and waiting:
            return waiting
        return roster or waiting

    def remove_volunteer(self, volunteer_id: str | None = None) -> Op[None] | None:
        app_id = self.current_app_id()
        vid = volunteer_id or self._selected_volunteer()
        if app_id is None or vid is None:
            return None
        if not self.confirm(
            self.tr("Remove volunteer"),
            self.tr("Remove %1 from «%2»? They will be told they were removed.")
            .replace("%1", vid)
            .replace("%2", self._name()),
        ):
            return None
        return self._result(self.bridge.remove_volunteer(app_id, vid))

    def promote(self, volunteer_id: str | None = None) -> Op[None] | None:
        app_id = self.current_app_id()
        vid = volunteer_id or self.detail.selected_waiting_volunteer()
        if app_id is None or vid is None:
            return None
        if not self.confirm(
            self.tr("Promote volunteer"),
            self.tr("Sign up %1 for «%2» now? They will be told they are signed up.")
            .replace("%1", vid)
            .replace("%2", self._name()),
        ):
            return None
        return self._result(self.bridge.promote(app_id, vid))

    def publish(self) -> Op[None] | None:
        app_id = self.current_app_id()
        return None if app_id is None else self._result(self.bridge.publish(app_id))

    def close_application(self) -> Op[None] | None:
        app_id = self.current_app_id()
        if app_id is None or not self.confirm(
            self.tr("Close application"),
            self.tr("Close «%1»? Volunteers who respond later are told it is closed.").replace(
                "%1", self._name()
            ),
        ):
            return None
        return self._result(self.bridge.close(app_id))

    def reopen(self) -> Op[None] | None:
        app_id = self.current_app_id()
        return None if app_id is None else self._result(self.bridge.reopen(app_id))

    def cancel_application(self) -> Op[None] | None:
        app_id = self.current_app_id()
        if app_id is None or not self.confirm(
            self.tr("Cancel application"),
            self.tr(
                "Cancel «%1»? Everyone signed up or waiting is told it is cancelled. "
                "This cannot be undone."
            ).replace("%1", self._name()),
        ):
            return None
        return self._result(self.bridge.cancel(app_id))

    def export_csv(self, path: str | Path | None = None) -> bool:
        d = self.detail.detail
        if d is None:
            return False
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self,
                self.tr("Export roster"),
                f"{d.summary.name}.csv",
                self.tr("CSV files (*.csv)"),
            )
            if not chosen:
                return False
            path = chosen
        try:
            export_roster_csv(d, path)
        except OSError as exc:
            self.alert(
                self.tr("Could not save %1: %2").replace("%1", str(path)).replace("%2", str(exc))
            )
            return False
        self.statusBar().showMessage(self.tr("Saved %1").replace("%1", str(path)), 5000)
        return True

    def open_settings(self) -> Any:
        dlg = SettingsDialog(self.bridge.settings, self)

        def accepted() -> None:
            try:
                save_settings(self.bridge.data_dir, dlg.result_settings())
            except OSError as exc:
                self.alert(str(exc))
                return
            self.statusBar().showMessage(
                self.tr("Settings saved; broker and fund changes apply after a restart"), 8000
            )

        dlg.accepted.connect(accepted)
        dlg.open()
        return dlg
