"""The main window: applications on the left, the selected one on the right, actions, status."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QSettings,
    QSize,
    QStandardPaths,
    Qt,
    QTimer,
    Slot,
)
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
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.clock import local_now
from core.config import without_password
from gui.bridge import Op, OpResult
from gui.detail_panel import DetailPanel
from gui.display import span_text, status_text
from gui.hand_actions import HandActions
from gui.log_view import MessageLogView, RejectedView
from gui.models import ApplicationsModel, ApplicationsProxy
from gui.monitor import QueueMonitor
from gui.paper_menu import PaperMenu
from gui.shift_menu import ShiftMenu
from gui.table_model import KeyRole
from gui.tray import TrayNotifier
from gui.widgets import FillBarDelegate, SteadyTabWidget, set_label, state_style

if TYPE_CHECKING:  # the settings model loads pydantic: the first paint does without it
    from core.settings import Settings

    # the dialogs load when first opened: each module of PySide6 widgets costs its import
    # and PySide6's look at its source, and the first paint needs none of them
    from gui.app_dialog import AppDialog, CapacityDialog
    from gui.volunteer_view import VolunteerHistoryDialog

log = logging.getLogger(__name__)
# Below this a name is elided rather than shown whole; the count columns stay visible.
MIN_NAME_WIDTH = 110
SHORT_NAME_WIDTH = 70  # a very narrow list: names cut short before the counts go
MIN_DETAIL_WIDTH = 480

Confirm = Callable[[str, str], bool]
Alert = Callable[[str], None]


class _AfterFirstPaint(QObject):
    """Calls then() once the widget has painted, when the loop next runs (once)."""

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self.widget, self.then = widget, then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget and event.type() == QEvent.Type.Paint:
            self.widget.removeEventFilter(self)
            QTimer.singleShot(0, self.then)
        return False


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
        self.capacity_dialog: CapacityDialog | None = None
        self.history_dialog: VolunteerHistoryDialog | None = None
        self.setWindowTitle(self.tr("Volunteer Console — fund %1").replace("%1", bridge.fund_id))
        self.resize(self._first_size())

        # -- left: the applications list --------------------------------------------------------
        self.apps_model = ApplicationsModel(bridge.summary, self)
        self.apps_model.set_rows(bridge.summaries())
        # "past" means over on the coordinator's wall clock, as the engine and the dialog judge
        self.proxy = ApplicationsProxy(
            lambda: local_now(bridge.clock),
            self,
            with_volunteer=bridge.queries.applications_with_volunteer,
        )
        self.proxy.setSourceModel(self.apps_model)

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search: name, date, volunteer id…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search_text_changed)

        # The filters are a drop-down beside the search: a row of buttons made the list at
        # least 565 px wide in Russian and pushed the detail pane off a 1024 px screen.
        self.filter_box = QComboBox()
        self.filter_box.setObjectName("filter")
        for name, caption in (
            ("all", self.tr("All")),
            ("open", self.tr("Open")),
            ("full", self.tr("Full")),
            ("waitlist", self.tr("Has waitlist")),
            ("past", self.tr("Past")),
            ("cancelled", self.tr("Cancelled")),
        ):
            self.filter_box.addItem(caption, name)
        self.filter_box.setToolTip(self.tr("Which applications the list shows"))
        self.filter_box.currentIndexChanged.connect(self._on_filter_box_current_index_changed)
        filters = QHBoxLayout()
        filters.setSpacing(4)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.filter_box)

        self.apps_view = QTableView()
        self.apps_view.setModel(self.proxy)
        # Sorted once, by date: enabling sorting sorts by the indicator (it was sorted 3 times),
        # after the first paint (_sort_list). The rows come in date order already (summaries()),
        # and the proxy's sort is ~13,000 comparisons in Python for 2,000 applications (50 ms);
        # the indicator shows meanwhile.
        self.apps_view.horizontalHeader().setSortIndicator(
            ApplicationsModel.WHEN, Qt.SortOrder.AscendingOrder
        )
        self.apps_view.horizontalHeader().setSortIndicatorShown(True)
        self._after_paint = _AfterFirstPaint(self.apps_view.viewport(), self._sort_list)
        self.apps_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.apps_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.apps_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.apps_view.setTabKeyNavigation(False)  # Tab leaves the list for the roster
        self.apps_view.verticalHeader().setVisible(False)
        self.apps_view.verticalHeader().setDefaultSectionSize(24)
        self.apps_view.setAlternatingRowColors(True)
        self.apps_view.setItemDelegateForColumn(ApplicationsModel.FILL, FillBarDelegate(self))
        header = self.apps_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # sized once, below
        header.setResizeContentsPrecision(50)
        header.setSectionResizeMode(ApplicationsModel.NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ApplicationsModel.FILL, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(ApplicationsModel.FILL, 72)
        # Sized for their header words (the values are a few digits), not for the sort arrow
        # too; kept here because a hidden section's size reads 0.
        metrics = self.apps_view.fontMetrics()
        self._narrow_widths = {
            c: max(
                40,
                metrics.horizontalAdvance(
                    str(
                        self.apps_model.headerData(
                            c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole
                        )
                    )
                )
                + 14,
            )
            for c in ApplicationsModel.NARROW
        }
        for col, width in self._narrow_widths.items():
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(col, width)
        self._squeeze_step = -1
        self._squeeze(0)
        self.apps_view.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.apps_view.doubleClicked.connect(lambda _i: self.edit_application())

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 0, 6)
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
            ("messages", MessageLogView(bridge, lazy=True), self.tr("Message log")),
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
        bridge.replication_changed.connect(self._on_replication)
        bridge.command_settled.connect(self._on_command_settled)
        replication = bridge.replication_status()
        if replication is not None:
            self._on_replication(replication)

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
            self.tr("C&lose signups"),
            self.close_application,
            None,
            self.tr("Stop taking responses; later ones are answered «closed»"),
        )
        self.act_reopen = self._action(
            self.tr("Re&open signups"), self.reopen, None, self.tr("Take responses again")
        )
        self.act_remind = self._action(
            self.tr("Remind ever&yone unconfirmed now…"),
            self.remind_now,
            None,
            self.tr("Remind every signed-up volunteer who has not confirmed yet"),
        )
        self.act_cancel = self._action(
            self.tr("Ca&ncel application"),
            self.cancel_application,
            None,
            self.tr("Cancel: everyone signed up or waiting is told"),
        )
        self.act_history = self._action(
            self.tr("&History…"),
            self.volunteer_history,
            "Ctrl+H",
            self.tr("Every decision about a volunteer, across the fund's applications"),
        )
        self.act_export = self._action(
            self.tr("E&xport roster (CSV)…"),
            self.export_csv,
            "Ctrl+Shift+E",
            self.tr("Save the roster and waitlist as a CSV file"),
        )
        self.act_settings = self._action(
            self.tr("&Settings…"), self.open_settings, "Ctrl+,", self.tr("Broker, fund, language")
        )
        # the platform's own key too where it has one (Ctrl+, is what GNOME and macOS use)
        preferences = QKeySequence.keyBindings(QKeySequence.StandardKey.Preferences)
        self.act_settings.setShortcuts(
            [QKeySequence("Ctrl+,"), *(k for k in preferences if k != QKeySequence("Ctrl+,"))]
        )
        self.act_quit = self._action(self.tr("&Quit"), self.close, "Ctrl+Q")
        self.act_find = self._action(
            self.tr("&Find…"), self._focus_search, "Ctrl+F", self.tr("Search the applications")
        )

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
            self.act_remind,
            self.act_cancel,
        ):
            m_app.addAction(a)
        self.paper = PaperMenu(self, m_file, m_app)  # the directory, sheets, XLSX, calendar
        self.shift = ShiftMenu(self, m_app)  # check-in on the day
        m_vol = menu.addMenu(self.tr("&Volunteer"))
        m_vol.addAction(self.act_promote)
        m_vol.addAction(self.act_remove)
        m_vol.addSeparator()
        m_vol.addAction(self.act_history)
        # walk-ins, chosen offers, waitlist moves, copies, drafts, held spots; context menus
        self.hand = HandActions(self, m_app, m_vol)
        m_view = menu.addMenu(self.tr("Vie&w"))
        m_view.addAction(self.act_find)
        m_view.addSeparator()
        views = (
            self.tr("&Applications"),
            self.tr("&Message log"),
            self.tr("&Queues"),
            self.tr("&Rejected messages"),
        )
        for i, caption in enumerate(views):
            a = QAction(caption, self)
            a.setShortcut(QKeySequence(f"Alt+{i + 1}"))
            a.triggered.connect(lambda _c=False, n=i: self.tabs.setCurrentIndex(n))
            m_view.addAction(a)
        self.shift.add_numbers(m_view)  # the fund's numbers: a tab, Alt+5

        # The toolbar says each action in a word (menus keep the full text): at 1024 px in
        # Russian the full texts pushed Export behind the overflow arrow.
        for action, short in (
            (self.act_new, self.tr("New")),
            (self.act_edit, self.tr("Edit")),
            (self.act_capacity, self.tr("Spots")),
            (self.act_promote, self.tr("Promote")),
            (self.act_remove, self.tr("Remove")),
            (self.act_publish, self.tr("Publish")),
            # not a bare "Close"/"Cancel": read as closing the window or backing out of something
            (self.act_close, self.tr("Close signups")),
            (self.act_reopen, self.tr("Reopen signups")),
            (self.act_cancel, self.tr("Cancel application")),
            (self.act_export, self.tr("Export")),
        ):
            action.setIconText(short)
        tb = self.addToolBar(self.tr("Actions"))
        tb.setObjectName("actions_toolbar")
        tb.setMovable(False)
        for item in (
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
            if item is None:
                tb.addSeparator()
            else:
                tb.addAction(item)

    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.broker_label = QLabel()
        self.broker_label.setObjectName("brokerState")
        self.backlog_label = QLabel()
        self.backlog_label.setObjectName("backlog")
        self.rate_label = QLabel()
        self.rate_label.setObjectName("rate")
        self.role_label = QLabel()
        self.role_label.setObjectName("role")
        self.role_label.setVisible(False)  # shown once the fund's decision log is known
        sb.addPermanentWidget(self.role_label)
        sb.addPermanentWidget(self.broker_label)
        sb.addPermanentWidget(self.backlog_label)
        sb.addPermanentWidget(self.rate_label)
        self._on_rate(0.0)

    def _when_width(self, *, weekday: bool) -> int:
        """The date column's width for its widest possible text, not for the rows shown now."""
        widest = span_text(date(2026, 11, 28), time(10, 30), time(23, 30), weekday=weekday)
        header = self.apps_view.horizontalHeader()
        return max(
            self.apps_view.fontMetrics().horizontalAdvance(widest) + 18,
            header.sectionSizeHint(ApplicationsModel.WHEN),
        )

    def _status_width(self) -> int:
        words = [status_text(w) for w in ("draft", "open", "closed", "cancelled")]
        metrics = self.apps_view.fontMetrics()
        return max(
            max(metrics.horizontalAdvance(w) for w in words) + 18,
            self.apps_view.horizontalHeader().sectionSizeHint(ApplicationsModel.STATUS),
        )

    def _size_list_columns(self) -> None:
        header = self.apps_view.horizontalHeader()
        header.resizeSection(
            ApplicationsModel.WHEN, self._when_width(weekday=not self.apps_model.short_dates)
        )
        header.resizeSection(ApplicationsModel.STATUS, self._status_width())

    def list_width_needed(self, *, names_at_most: int | None = None, step: int = 0) -> int:
        """The left pane's width for the columns of a squeeze step (0: all of them), and the
        names in full or up to a cap. Step 1 drops Status, 2 the weekday, 4 the counts (step
        3 keeps them with names cut to SHORT_NAME_WIDTH)."""
        header = self.apps_view.horizontalHeader()
        others = header.sectionSize(ApplicationsModel.FILL) + self._when_width(weekday=step < 2)
        if step < 1:
            others += self._status_width()
        if step < 4:
            others += sum(self._narrow_widths.values())
        names = max(self.apps_view.sizeHintForColumn(ApplicationsModel.NAME), 160)
        if names_at_most is not None:
            names = min(names, names_at_most)
        frame = (
            2 * self.apps_view.frameWidth() + self.apps_view.verticalScrollBar().sizeHint().width()
        )
        return others + names + frame + 12  # + the left margin and the splitter handle

    def _squeeze(self, step: int) -> None:
        view = self.apps_view
        self.apps_model.set_compact(status_in_name=step >= 1, short_dates=step >= 2)
        self._size_list_columns()
        view.setColumnHidden(ApplicationsModel.STATUS, step >= 1)
        for col in ApplicationsModel.NARROW:
            view.setColumnHidden(col, step >= 4)
        self._squeeze_step = step

    def _first_size(self) -> QSize:
        """1360x860, or the screen's free area when it is smaller (before a size is saved)."""
        size = QSize(1360, 860)
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            size = size.boundedTo(screen.availableGeometry().size())
        return size

    def _fit_split(self) -> None:
        """Give the list what its names need, leaving the detail pane at least MIN_DETAIL_WIDTH.

        Once the coordinator has placed the divider it stays; then only the list's columns
        adapt to the width it has (see the squeeze steps below).
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
        # Free, waiting and offers are what a coordinator scans the list for, so a narrow
        # list gives up other things first: long names are elided (full name in the
        # tooltip), then the Status column goes (the name says "· closed" instead), then the
        # weekday, then names are cut shorter; only a very narrow list hides the counts.
        caps = (MIN_NAME_WIDTH, MIN_NAME_WIDTH, MIN_NAME_WIDTH, SHORT_NAME_WIDTH)
        step = next(
            (
                n
                for n, cap in enumerate(caps)
                if self.list_width_needed(names_at_most=cap, step=n) <= room
            ),
            4,
        )
        if step != self._squeeze_step:
            self._squeeze(step)
        if not self._split_auto:
            return
        left = min(self.list_width_needed(step=self._squeeze_step), room)
        if left != self.splitter.sizes()[0]:
            self.splitter.setSizes([left, total - left])

    def _on_splitter_moved(self, *_args: Any) -> None:
        self._split_auto = False
        self._fit_split()

    @Slot()
    def _sort_list(self) -> None:
        """Sort the list by its indicator, once: after the first paint, or before anything
        that changes its rows."""
        if not self.apps_view.isSortingEnabled():
            self.apps_view.setSortingEnabled(True)

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
        # no broker poll may outlive the window (its task would write into deleted labels)
        queues = self.extra_views.get("queues")
        if isinstance(queues, QueueMonitor):
            queues.stop()
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
        self._sort_list()
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
        self.filter_box.setCurrentIndex(self.filter_box.findData(name))
        self._after_filtering()

    @Slot(int)
    def _on_filter_box_current_index_changed(self, index: int) -> None:
        name = self.filter_box.itemData(index)
        if name is not None and name != self.proxy.filter_name:
            self.set_filter(name)

    def _focus_search(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    @Slot(str)
    def _on_search_text_changed(self, text: str) -> None:
        self.proxy.set_search(text)
        self._after_filtering()

    def _after_filtering(self) -> None:
        """An empty list says why; otherwise the first row is shown if nothing is."""
        if self.proxy.rowCount() == 0:
            text = self.search.text().strip()
            if text:
                self.detail.set_placeholder(
                    self.tr("No application matches «%1».").replace("%1", text)
                )
            elif self.apps_model.rowCount():
                self.detail.set_placeholder(self.tr("No application is under this filter."))
            else:
                self.detail.set_placeholder(None)
        else:
            self.detail.set_placeholder(None)
            if not self.apps_view.selectionModel().hasSelection():
                self.apps_view.selectRow(0)

    @Slot(QModelIndex, QModelIndex)
    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        app_id = current.data(KeyRole) if current.isValid() else None
        self.detail.show_application(app_id)
        self._update_actions()

    def _update_actions(self, *_args: Any) -> None:
        s = self.detail.summary
        status = s.status if s else None
        live = status in ("draft", "open", "closed")
        self.act_edit.setEnabled(live)
        self.act_capacity.setEnabled(live)
        self.act_publish.setEnabled(status == "draft")
        self.act_close.setEnabled(status == "open")
        self.act_reopen.setEnabled(status == "closed")
        self.act_cancel.setEnabled(live)
        # the roster only: the detail whole read the 50,000-long waitlist on every switch and
        # on every flush that touched the shown application (47 s per switch at 100k rows)
        unconfirmed = s is not None and any(r.confirmed_at is None for r in self.detail.roster)
        self.act_remind.setEnabled(status in ("open", "closed") and unconfirmed)
        self.act_export.setEnabled(s is not None)
        waiting = self.detail.selected_waiting_volunteer()
        roster = self.detail.selected_roster_volunteer()
        self.act_promote.setEnabled(status in ("open", "closed") and waiting is not None)
        self.act_remove.setEnabled(live and (waiting or roster) is not None)
        self.hand.update_actions(s, waiting)

    # -- bridge signals ----------------------------------------------------------------------------
    @Slot(list)
    def _on_applications_changed(self, ids: list[str]) -> None:
        self._sort_list()  # a row that comes goes to its place
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
            # read already if the detail was refreshed in this flush (applications_changed
            # comes first): a second read found nothing, at every flush of a stream
            self.detail.append_activity(unless_read_in=self.bridge.flushes)

    @Slot(object)
    def _on_broker_status(self, status: Any) -> None:
        state = getattr(status, "state", "offline")
        detail = getattr(status, "detail", "")
        text = {
            "connected": self.tr("Broker: connected"),
            "connecting": self.tr("Broker: connecting…"),
            "reconnecting": self.tr("Broker: reconnecting…"),
            "paused": self.tr(
                "Paused — the disk is full or cannot be written; responses wait on the broker"
            ),
            "offline": self.tr(
                "Offline — changes are saved and will be sent when the broker is back"
            ),
        }.get(state, state)
        node = getattr(status, "node", "")
        if state == "connected" and node and "," in (self.bridge.broker_url or ""):
            # --broker names a cluster's nodes: which one this console is on
            text = self.tr("Broker: connected to %1").replace("%1", broker_address(node))
        problem = self._broker_problem(detail)
        if state == "offline" and problem:
            # a wrong URL must not look like an outage: say which address and what happened
            text = (
                self.tr("Offline: cannot reach %1 (%2); retrying — changes are kept")
                .replace("%1", broker_address(self.bridge.broker_url))
                .replace("%2", problem)
            )
        set_label(self.broker_label, text, state_style(state), getattr(status, "detail", ""))
        self.broker_state = state
        self._on_backlog(getattr(status, "backlog", 0))

    def _broker_problem(self, detail: str) -> str:
        """Why the last connection attempt failed, in the coordinator's words ("" if none)."""
        if not detail.startswith("cannot reach"):
            return ""
        if "TLS: the broker's certificate is not trusted" in detail:
            return self.tr("the broker's certificate is not trusted: check the CA file in Settings")
        if "TLS: the broker's certificate is for another host name" in detail:
            return self.tr("the broker's certificate is for another host name")
        if "TLS: " in detail:
            return self.tr("the secure connection (TLS) failed")
        if "ACCESS_REFUSED" in detail or "AuthenticationError" in detail:
            return self.tr("user name or password refused")
        if "Connect call failed" in detail or "Connection refused" in detail:
            return self.tr("connection refused")
        if "Name or service not known" in detail or "gaierror" in detail:
            return self.tr("unknown host")
        if "Timeout" in detail or "timed out" in detail:
            return self.tr("no answer")
        inner = detail[detail.find("(") + 1 : detail.rfind(")")]
        return inner or detail

    @Slot(int)
    def _on_backlog(self, backlog: int) -> None:
        self.backlog_value = backlog
        if backlog:
            text = self.tr("%n message(s) waiting to be sent", "", backlog)
            set_label(self.backlog_label, text, "color: #b26a00;")
        else:
            set_label(self.backlog_label, self.tr("All messages sent"), "color: #555;")

    @Slot(object)
    def _on_replication(self, status: dict[str, Any]) -> None:
        """Who decides for the fund, how far behind its decision log this console is, and
        the actions waiting for the deciding console."""
        if status["role"] == "deciding":
            text = self.tr("Deciding")
            tip = self.tr("This console decides for the fund; the others follow it")
        else:
            who = status.get("holder_name") or "?"
            text = self.tr("Following %1").replace(
                "%1", who if who != "?" else self.tr("another console")
            )
            lag = float(status.get("lag_s") or 0.0)
            if not status.get("log_connected"):
                at = status.get("last_applied_at")
                when = datetime.fromtimestamp(at) if at else datetime.now()
                text += " · " + self.tr("offline, as of %1").replace("%1", when.strftime("%H:%M"))
            elif lag >= 1.0:
                text += " · " + self.tr("%1 s behind").replace("%1", f"{lag:.0f}")
            tip = self.tr("Another console decides for the fund; this one shows its decisions")
        pending = int(status.get("pending_commands") or 0)
        if pending:
            text += " · " + self.tr("%n action(s) waiting", "", pending)
        self.role_label.setText(text)
        self.role_label.setToolTip(tip)
        self.role_label.setVisible(True)

    @Slot(str, str)
    def _on_command_settled(self, _command_id: str, refusal: str) -> None:
        if refusal:
            text = self.tr("The deciding console refused it: %1").replace("%1", refusal)
            self.show_status(text, 15_000)
            self.alert(text)
        else:
            self.show_status(self.tr("Done by the deciding console"))

    @Slot(float)
    def _on_rate(self, rate: float) -> None:
        set_label(self.rate_label, self.tr("%1 responses/min").replace("%1", f"{rate:.0f}"))

    @Slot(str)
    def _on_error(self, message: str) -> None:
        self.show_status(message, 15_000)

    def show_status(self, text: str, timeout: int = 8000) -> None:
        """One message in the status bar; it replaces any older one (an old error too)."""
        self.statusBar().showMessage(text, timeout)

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

    def _result(
        self, op: Op[Any], done: str = "", then: Callable[[], None] | None = None
    ) -> Op[Any]:
        """An operation under way: once its commit is tried, a refusal is told, or what was
        done replaces whatever the status bar said (an older error no longer applies)."""

        def settled(result: OpResult[Any]) -> None:
            if result.pending:
                self.show_status(
                    self.tr("Sent to the deciding console; waiting for its decision"), 15_000
                )
                return
            if not result.ok:
                refusal = result.refusal or self.tr("Not done")
                self.show_status(refusal, 15_000)
                self.alert(refusal)
                return
            if done:
                self.show_status(done)
            else:
                self.statusBar().clearMessage()
            if then is not None:
                then()

        return op.then(settled)

    # -- coordinator actions -----------------------------------------------------------------------
    def _name(self) -> str:
        s = self.detail.summary
        return s.name if s else ""

    def new_application(self) -> AppDialog:
        """Open the create dialog (non-blocking); the new application is selected once saved."""
        from gui.app_dialog import AppDialog

        dlg = AppDialog(self.bridge, None, self, confirm=self.confirm)
        dlg.accepted.connect(lambda: self._after_save(dlg))
        self.dialog = dlg
        dlg.open()
        return dlg

    def edit_application(self) -> AppDialog | None:
        app_id = self.current_app_id()
        if app_id is None:
            return None
        from gui.app_dialog import AppDialog

        dlg = AppDialog(self.bridge, app_id, self, confirm=self.confirm)
        dlg.accepted.connect(lambda: self._after_save(dlg))
        self.dialog = dlg
        dlg.open()
        return dlg

    def _after_save(self, dlg: AppDialog) -> None:
        self.bridge.flush()
        if not dlg.saved_id:
            return
        self.select_application(dlg.saved_id)
        if dlg.app_id is not None:
            self.show_status(self.tr("Saved"))
        elif dlg.published:
            self.show_status(self.tr("Created and published"))
        else:
            self.show_status(self.tr("Saved as a draft: publish it when it is ready"))

    def change_capacity(self, capacity: int | None = None) -> Op[None] | None:
        """With a number: apply it (asking first); without: open the capacity dialog."""
        s = self.detail.summary
        if s is None:
            return None
        if capacity is None:
            from gui.app_dialog import CapacityDialog

            dlg = CapacityDialog(s.name, s.capacity, s.signed, self)
            dlg.accepted.connect(lambda: self._on_capacity_chosen(s.id, dlg.value()))
            self.capacity_dialog = dlg
            dlg.open()
            return None
        return self._set_capacity(s.id, capacity)

    def _on_capacity_chosen(self, app_id: str, capacity: int | None) -> None:
        if capacity is not None and app_id == self.current_app_id():
            self._set_capacity(app_id, capacity)

    def _set_capacity(self, app_id: str, capacity: int) -> Op[None] | None:
        s = self.detail.summary
        if s is None or s.id != app_id or capacity == s.capacity:
            return None
        if capacity < s.signed:  # the rules refuse it: say so before asking anything
            self.alert(
                self.tr(
                    "Cannot lower «%1» to %2 spots: %3 volunteers are signed up; remove some first"
                )
                .replace("%1", s.name)
                .replace("%2", str(capacity))
                .replace("%3", str(s.signed))
            )
            return None
        values = {"%1": s.name, "%2": str(s.capacity), "%3": str(capacity)}
        if capacity < s.capacity:
            title = self.tr("Lower capacity")
            text = self.tr(
                "Lower «%1» from %2 to %3 spots? Volunteers are told; "
                "volunteers holding offers may lose them."
            )
        else:
            title = self.tr("Raise capacity")
            text = self.tr(
                "Raise «%1» from %2 to %3 spots? Volunteers are told, and the new spots "
                "are offered to the waitlist."
            )
        for key, value in values.items():
            text = text.replace(key, value)
        if not self.confirm(title, text):
            return None
        return self._result(
            self.bridge.set_capacity(s.id, capacity),
            self.tr("Capacity of «%1» is now %2")
            .replace("%1", s.name)
            .replace("%2", str(capacity)),
        )

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
        return self._result(
            self.bridge.remove_volunteer(app_id, vid),
            self.tr("Removed %1").replace("%1", vid),
            self.detail.clear_selection,  # the next Del must not hit whoever moved up
        )

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
        return self._result(
            self.bridge.promote(app_id, vid),
            self.tr("Signed up %1").replace("%1", vid),
            self.detail.clear_selection,
        )

    def publish(self) -> Op[None] | None:
        app_id = self.current_app_id()
        if app_id is None or not self.confirm(
            self.tr("Publish application"),
            self.tr("Publish «%1»? Volunteers are told about it and can sign up.").replace(
                "%1", self._name()
            ),
        ):
            return None
        return self._result(self.bridge.publish(app_id), self.tr("Published"))

    def close_application(self) -> Op[None] | None:
        app_id = self.current_app_id()
        s = self.detail.summary
        if app_id is None or s is None:
            return None
        text = self.tr("Close «%1»? Volunteers who respond later are told it is closed.").replace(
            "%1", self._name()
        )
        if s.open_offers:
            text += " " + self.tr(
                "The %n open offer(s) are withdrawn: those volunteers are told they were not"
                " selected and stay on the waitlist.",
                "",
                s.open_offers,
            )
        if not self.confirm(self.tr("Close application"), text):
            return None
        return self._result(self.bridge.close(app_id), self.tr("Closed"))

    def reopen(self) -> Op[None] | None:
        app_id = self.current_app_id()
        if app_id is None or not self.confirm(
            self.tr("Reopen application"),
            self.tr(
                "Reopen «%1»? Volunteers are told it is open again, and its free spots are"
                " offered to the waitlist."
            ).replace("%1", self._name()),
        ):
            return None
        return self._result(self.bridge.reopen(app_id), self.tr("Reopened"))

    def remind_now(self) -> Op[None] | None:
        app_id = self.current_app_id()
        if app_id is None or self.detail.summary is None:
            return None
        n = sum(1 for r in self.detail.roster if r.confirmed_at is None)
        if not self.confirm(
            self.tr("Send reminder"),
            self.tr(
                "Remind the %n signed-up volunteer(s) of «%1» who have not confirmed, and ask"
                " them to confirm?",
                "",
                n,
            ).replace("%1", self._name()),
        ):
            return None
        return self._result(self.bridge.remind_now(app_id), self.tr("Reminder sent"))

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
        return self._result(self.bridge.cancel(app_id), self.tr("Application cancelled"))

    def export_csv(self, path: str | Path | None = None) -> bool:
        d = self.detail.detail
        if d is None:
            return False
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self,
                self.tr("Export roster"),
                str(self._export_dir() / export_file_name(d.summary.name, d.summary.date)),
                self.tr("CSV files (*.csv)"),
            )
            if not chosen:
                return False
            path = chosen
            self.qsettings.setValue("export/dir", str(Path(chosen).parent))
        try:
            ids = [r.volunteer_id for r in d.roster] + [w.volunteer_id for w in d.waitlist]
            from gui.export import export_roster_csv

            export_roster_csv(d, path, people=self.bridge.queries.volunteers(ids))
        except OSError as exc:
            self.alert(
                self.tr("Could not save %1: %2").replace("%1", str(path)).replace("%2", str(exc))
            )
            return False
        self.statusBar().showMessage(self.tr("Saved %1").replace("%1", str(path)), 5000)
        return True

    def running_settings(self) -> Settings:
        """What this console runs with: the saved settings, with this run's fund, broker and
        coordinator name.

        A --fund-id, --broker or --coordinator-name on the command line wins over the file;
        the dialog shows that, and the password never (it belongs in the keyring, or in the
        environment).
        """
        saved = self.bridge.settings
        url = self.bridge.broker_url or saved.broker_url
        update: dict[str, str] = {
            "fund_id": self.bridge.fund_id,
            "broker_url": without_password(url),
        }
        if self.bridge.coordinator_name_given is not None:
            update["coordinator_name"] = self.bridge.coordinator_name_given
        files = self.bridge.broker_tls
        if files is not None:
            update |= {
                "broker_ca_file": files.ca_file,
                "broker_cert_file": files.cert_file,
                "broker_key_file": files.key_file,
            }
        return saved.model_copy(update=update)

    def volunteer_history(self, volunteer_id: str | None = None) -> VolunteerHistoryDialog:
        """The history of the selected volunteer (or of one typed in the dialog)."""
        vid = volunteer_id or self._selected_volunteer() or ""
        from gui.volunteer_view import VolunteerHistoryDialog

        dlg = VolunteerHistoryDialog(self.bridge, vid, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.history_dialog = dlg
        dlg.open()
        return dlg

    def _export_dir(self) -> Path:
        """Where the last export went, else the Documents folder (never the start directory)."""
        last = self.qsettings.value("export/dir")
        if isinstance(last, str) and Path(last).is_dir():
            return Path(last)
        docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return Path(docs) if docs and Path(docs).is_dir() else Path.home()

    def open_settings(self) -> Any:
        from gui.settings_dialog import SettingsDialog

        dlg = SettingsDialog(self.running_settings(), self, secrets=self.bridge)

        def accepted() -> None:
            changes = dlg.changed_values()
            if not changes and dlg.result_password() is None:
                self.show_status(self.tr("Settings unchanged"))
                return
            try:
                self.bridge.save_settings(changes)  # nothing else is rewritten
            except (OSError, ValueError) as exc:
                self.alert(str(exc))
                return
            self.show_status(
                self.tr("Settings saved; broker and fund changes apply after a restart")
            )

        dlg.accepted.connect(accepted)
        dlg.open()
        return dlg


def broker_address(url: str | None) -> str:
    """HOST:PORT of a broker URL (5672, or 5671 for amqps, when it names none); of each node,
    comma-separated, when the URL names a cluster's nodes."""
    if not url:
        return "?"
    if "," in url:
        return ", ".join(broker_address(u.strip()) for u in url.split(",") if u.strip())
    try:
        parts = urlsplit(url)
        port = parts.port or (5671 if parts.scheme == "amqps" else 5672)
    except ValueError:
        return "?"
    return f"{parts.hostname or 'localhost'}:{port}"


def export_file_name(name: str, day: date) -> str:
    """«Park clean-up 2026-12-05.csv»: characters no file system takes become '_'."""
    safe = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", name).strip(" .") or "roster"
    return f"{safe[:80]} {day.isoformat()}.csv"
