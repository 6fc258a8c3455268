"""The selected application: header, counts, roster, waitlist, the open offer round, activity."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QFont, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.queries import AppDetail, AppSummary, RosterRow, RoundView
from gui.display import actor_text, moment_text, policy_text, short_id, span_text, status_text
from gui.models import ActivityModel, OffersModel, RosterModel, WaitlistModel
from gui.widgets import CountedBox

NARROW_DETAIL = 640  # px: below this the activity feed drops its cause column
FIRST_ACTIVITY = 200  # activity rows read when an application is shown; more come live
# Roster rows whose texts are measured when it is sized: the first screenfuls, as the sizing
# itself samples (setResizeContentsPrecision). All of them were 240 ms of the window's start
# at 1M rows, where the first application has 10,000 signed up.
FIT_SAMPLE = 200


def _table(model: Any, stretch: int = 0) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)  # Tab goes to the next table, not the next cell
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(22)
    view.setAlternatingRowColors(True)
    header = view.horizontalHeader()
    # Sized once per application shown (fit_columns), never per change: ResizeToContents
    # re-measures rows on every update and froze the window under a burst of responses.
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    # from a sample of rows about a view's height (each sampled row asks every role of
    # every cell): the sizing was most of a switch to a 50,000-long waitlist
    header.setResizeContentsPrecision(20)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view


class DetailPanel(QWidget):
    """Everything about one application, refreshed when the bridge says it changed."""

    def __init__(self, bridge: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.app_id: str | None = None
        self.summary: AppSummary | None = None
        self.round: RoundView | None = None
        self._roster_stale = True  # the roster is read again only when someone joined or left it
        # the roster's font and each column's widest text when it was last sized (fit_columns)
        self._roster_fitted: tuple[QFont, list[int]] | None = None
        self._fitting_later = False  # show_application sizes the tables itself
        self._read_in = -1  # the bridge's flush in which the activity was last read

        self.title = QLabel()
        self.title.setObjectName("detailTitle")
        self.title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.title.setWordWrap(True)
        self.subtitle = QLabel()
        self.subtitle.setWordWrap(True)
        self.subtitle.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # one line, elided to the pane (the tooltip has it all): wrapped, a long description
        # took the activity feed's rows on a 700 px screen
        self.description = QLabel()
        self.description.setObjectName("description")
        self.description.setStyleSheet("color: #444;")
        self._description = ""

        counts = QWidget()
        grid = QGridLayout(counts)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(0)
        self.count_labels: dict[str, QLabel] = {}
        captions = (
            ("signed", self.tr("Signed up")),
            ("free", self.tr("Free")),
            ("waiting", self.tr("Waitlist")),
            ("held", self.tr("Held for offers")),
        )
        for col, (key, caption) in enumerate(captions):
            value = QLabel("–")
            value.setStyleSheet("font-size: 12pt; font-weight: bold;")
            value.setAlignment(Qt.AlignmentFlag.AlignCenter)
            cap = QLabel(caption)
            cap.setAlignment(Qt.AlignmentFlag.AlignCenter)
            cap.setStyleSheet("color: #555;")
            grid.addWidget(value, 0, col)
            grid.addWidget(cap, 1, col)
            self.count_labels[key] = value

        self.roster_model = RosterModel(self)
        self.waitlist_model = WaitlistModel(bridge.queries, self)
        self.offers_model = OffersModel(self)
        self.activity_model = ActivityModel(self)
        # The last column takes the spare width: a volunteer id sized to its contents is never
        # elided ("63..." when the id column was the one to stretch and shrink).
        self.roster_view = _table(self.roster_model, 2)
        self.waitlist_view = _table(self.waitlist_model, 3)
        self.offers_view = _table(self.offers_model, 3)
        self.activity_view = _table(self.activity_model, ActivityModel.WHAT)
        self.activity_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.activity_view.setWordWrap(False)

        self.roster_box = CountedBox(self.tr("Roster"))
        QVBoxLayout(self.roster_box).addWidget(self.roster_view)
        self.waitlist_box = CountedBox(self.tr("Waitlist"))
        QVBoxLayout(self.waitlist_box).addWidget(self.waitlist_view)

        self.round_box = QGroupBox(self.tr("Offer round"))
        round_layout = QHBoxLayout(self.round_box)
        round_text = QVBoxLayout()
        self.round_label = QLabel()
        self.round_label.setWordWrap(True)
        self.countdown = QLabel()
        self.countdown.setObjectName("countdown")
        self.countdown.setWordWrap(True)  # «Closes in» over the time when the pane is narrow
        self.countdown.setStyleSheet("font-size: 12pt; font-weight: bold; color: #b26a00;")
        round_text.addWidget(self.round_label)
        round_text.addWidget(self.countdown)
        # Re-offer / Release, shown while spots are held unclaimed (add_hold_actions)
        self.hold_buttons = QHBoxLayout()
        self.hold_buttons.setContentsMargins(0, 0, 0, 0)
        self.hold_row = QWidget()
        self.hold_row.setLayout(self.hold_buttons)
        self.hold_row.hide()
        round_text.addWidget(self.hold_row)
        round_text.addStretch(1)
        round_layout.addLayout(round_text, 2)
        round_layout.addWidget(self.offers_view, 5)
        self.offers_view.setMaximumHeight(120)

        self.activity_box = QGroupBox(self.tr("Activity: every decision and its cause"))
        QVBoxLayout(self.activity_box).addWidget(self.activity_view)

        people = QSplitter(Qt.Orientation.Horizontal)
        people.addWidget(self.roster_box)
        people.addWidget(self.waitlist_box)
        people.setChildrenCollapsible(False)
        # as wide as each other: the roster says who has confirmed, the waitlist who is offered
        people.setStretchFactor(0, 1)
        people.setStretchFactor(1, 1)
        people.setSizes([275, 275])
        self.people_splitter = people
        # the roster gets what its two columns need and the waitlist the rest, until the
        # coordinator drags the handle: split 2:3, the waitlist's offer state was cut at 1024 px
        self._people_auto = True
        people.splitterMoved.connect(self._on_people_splitter_moved)

        vertical = QSplitter(Qt.Orientation.Vertical)
        vertical.addWidget(people)
        vertical.addWidget(self.activity_box)
        vertical.setChildrenCollapsible(False)
        vertical.setSizes([320, 320])  # the feed keeps rows to read on a 700 px screen
        self.vertical_splitter = vertical

        self.placeholder = QLabel()
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("color: #777; font-size: 12pt;")

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.description)
        layout.addWidget(counts)
        layout.addWidget(self.round_box)
        layout.addWidget(vertical, 1)
        layout.addWidget(self.placeholder, 1)
        self._content = (
            self.title,
            self.subtitle,
            self.description,
            counts,
            self.round_box,
            vertical,
        )

        self.timer = QTimer(self)  # the live countdown of the offer round
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self._update_countdown)
        bridge.participation_changed.connect(self._on_bridge_participation_changed)
        bridge.participation_reloaded.connect(self._on_bridge_participation_reloaded)
        self.set_placeholder(None)
        self.show_application(None)

    def _elide_description(self) -> None:
        first = self._description.splitlines()[0] if self._description else ""
        if first != self._description:
            first += " …"
        width = max(40, self.width() - 24)
        self.description.setText(
            self.description.fontMetrics().elidedText(first, Qt.TextElideMode.ElideRight, width)
        )
        self.description.setVisible(bool(first) and self.app_id is not None)

    def _on_people_splitter_moved(self, *_args: Any) -> None:
        self._people_auto = False

    def _fit_people(self) -> None:
        if not self._people_auto:
            return
        total = sum(self.people_splitter.sizes())
        if total <= 0:
            return
        view = self.roster_view
        header = view.horizontalHeader()
        columns = sum(
            max(header.sectionSizeHint(c), view.sizeHintForColumn(c))
            for c in range(header.count())
            if not header.isSectionHidden(c)  # a narrow pane hides "since"
        )
        frame = 2 * view.frameWidth() + view.verticalScrollBar().sizeHint().width()
        margins = self.roster_box.contentsMargins()
        layout = self.roster_box.layout()
        inner = layout.contentsMargins() if layout is not None else margins
        need = columns + frame + margins.left() + margins.right() + inner.left() + inner.right()
        # at most half: the roster's answers to the reminders matter as much as the waitlist
        roster = max(min(need, total // 2), min(160, total // 2))
        self.people_splitter.blockSignals(True)  # not the coordinator's move
        self.people_splitter.setSizes([roster, total - roster])
        self.people_splitter.blockSignals(False)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide_description()
        # the message id behind each decision is what a narrow pane gives up first (the
        # message log still has it)
        narrow = self.width() < NARROW_DETAIL
        self.activity_view.setColumnHidden(ActivityModel.CAUSE, narrow)
        # and the round's "offered at" (column 1), mostly one moment for all and in the feed
        self.offers_view.setColumnHidden(1, narrow)
        # and when each volunteer signed up or began to wait (the feed has it): who has
        # confirmed and who is offered matter more
        self.roster_view.setColumnHidden(1, narrow)
        self.waitlist_view.setColumnHidden(2, narrow)
        self._fit_people()  # with the columns a narrow pane shows

    def add_hold_actions(self, actions: Iterable[QAction]) -> None:
        """Buttons for the window's actions on spots held unclaimed (re-offer, release)."""
        for action in actions:
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            self.hold_buttons.addWidget(button)
        self.hold_buttons.addStretch(1)

    @property
    def roster(self) -> tuple[RosterRow, ...]:
        """The shown roster (what the actions ask about: who has not confirmed)."""
        return tuple(self.roster_model.rows())

    @property
    def detail(self) -> AppDetail | None:
        """The shown application whole (reads the whole waitlist: for exports and tests)."""
        if self.summary is None:
            return None
        return AppDetail(
            self.summary,
            tuple(self.roster_model.rows()),
            tuple(self.waitlist_model.rows()),
            self.round,
        )

    # -- what is shown --------------------------------------------------------------------
    def set_placeholder(self, text: str | None) -> None:
        """What the empty pane says; None: the usual invitation."""
        self.placeholder.setText(
            text or self.tr("Select an application on the left, or create one (Ctrl+N).")
        )

    def show_application(self, app_id: str | None) -> None:
        changed = app_id != self.app_id
        if changed:
            self.app_id = app_id
            self.roster_model.clear()
            self.waitlist_model.clear()
            self.offers_model.clear()
            self.activity_model.clear()
            self.round = None
            self._roster_stale = True
            self._roster_fitted = None  # sized for another roster: every row of this one is new
        for w in self._content:
            w.setVisible(app_id is not None)
        self.placeholder.setVisible(app_id is None)
        # another application: refresh sizes nothing, the tables are sized once below (they
        # were sized twice, and the sizing was most of a switch)
        self._fitting_later = changed
        try:
            self.refresh()
        finally:
            self._fitting_later = False
        if changed:
            self.fit_columns()

    def _on_bridge_participation_reloaded(self, app_ids: list[str]) -> None:
        if self.app_id in app_ids:  # another process changed it: read the lists again
            self.waitlist_model.load(self.app_id, self.round.id if self.round else None)
            self._roster_stale = True

    def _on_bridge_participation_changed(self, changes: list[Any]) -> None:
        app_id = self.app_id
        if app_id is None:
            return
        mine = [c for c in changes if c.application_id == app_id]
        if not mine:
            return
        self.waitlist_model.apply(mine)
        roster = self.roster_model
        if any(c.state == "signed" or roster.row_of(c.volunteer_id) >= 0 for c in mine):
            self._roster_stale = True

    def fit_columns(self, views: Iterable[QTableView] | None = None) -> None:
        """Size columns to what is shown now (once; a stretch column absorbs the rest)."""
        if views is None:
            views = (self.roster_view, self.waitlist_view, self.offers_view, self.activity_view)
        for view in views:
            header = view.horizontalHeader()
            for col in range(header.count()):
                if header.sectionResizeMode(col) != QHeaderView.ResizeMode.Stretch:
                    view.resizeColumnToContents(col)
            if view is self.activity_view:
                self._widen_activity()
            elif view is self.roster_view:
                model = self.roster_model
                shown = (model.row_at(i) for i in range(min(model.rowCount(), FIT_SAMPLE)))
                self._roster_fitted = (QFont(view.font()), self._roster_widths(shown))
        self._fit_people()

    def _roster_widths(self, rows: Iterable[RosterRow] | None = None) -> list[int]:
        """The widest text of each roster column, in pixels, of rows (default: all shown)."""
        model = self.roster_model
        metrics = self.roster_view.fontMetrics()
        widths = [0] * model.columnCount()
        for row in model.rows() if rows is None else rows:
            for col, text in enumerate(model.texts(row)):
                widths[col] = max(widths[col], metrics.horizontalAdvance(text))
        return widths

    def _roster_widens(self, roster: Sequence[RosterRow]) -> bool:
        """Whether a row new or changed since the roster was sized has a text wider than any
        it was sized for. Sizing it at every re-read (in a stream, each signed-up volunteer
        who withdraws) was half of a flush's CPU on the GUI thread."""
        fitted = self._roster_fitted
        if fitted is None or fitted[0] != self.roster_view.font():
            return True
        model = self.roster_model
        fresh = []
        for row in roster:
            i = model.row_of(row.volunteer_id)
            if i < 0 or model.row_at(i) != row:
                fresh.append(row)
        return any(w > was for w, was in zip(self._roster_widths(fresh), fitted[1], strict=True))

    def _widen_activity(self) -> None:
        """Who and Cause sized for any row, not only the first ones: a feed that started with
        'coordinator' cut a later 'volunteer 62260008' to 'volunte…' and a cause to 'abf…'."""
        if self.width() < NARROW_DETAIL:
            return  # a narrow pane keeps its room for what happened (the cause is hidden)
        view = self.activity_view
        metrics = view.fontMetrics()
        pad = 18
        who = max(
            metrics.horizontalAdvance(t)
            for t in (
                actor_text("coordinator"),
                actor_text("clock"),
                actor_text("volunteer 88888888", None),
            )
        )
        cause = metrics.horizontalAdvance(short_id("8888888888888"))
        for col, width in ((ActivityModel.WHO, who), (ActivityModel.CAUSE, cause)):
            if view.columnWidth(col) < width + pad:
                view.setColumnWidth(col, width + pad)

    def reload(self) -> None:
        """Read the roster and the waitlist again: the volunteers directory (names) changed."""
        self._roster_stale = True
        self.waitlist_model.clear()
        self.refresh()

    def refresh(self) -> None:
        """Re-read what the bridge said changed: the counts, the round, the roster if it moved.

        The waitlist is not re-read: it was loaded once and moves by single rows
        (_on_bridge_participation_changed), so a flush costs what changed, not 50,000 rows.
        """
        q = self.bridge.queries
        summary = self.bridge.summary(self.app_id) if self.app_id else None
        self.summary = summary
        if summary is None:
            if self.app_id is not None:
                self.app_id = None
                self.show_application(None)
            self.timer.stop()
            return
        r = q.round(summary.id)
        round_changed = r != self.round
        self.round = r
        first_rows = []
        if self.waitlist_model.app_id != summary.id:
            self.waitlist_model.load(summary.id, r.id if r else None, summary.waiting)
            if self.waitlist_model.rowCount():
                first_rows.append(self.waitlist_view)
        elif round_changed:
            self.waitlist_model.set_round(r.id if r else None)
        if self._roster_stale:
            roster = q.roster(summary.id)
            # sized again when a re-read brings a wider text, not only for the first rows:
            # "reminded 2:05 PM" comes after the rows and was cut to "reminded …" at 1024x700
            if roster and self._roster_widens(roster):
                first_rows.append(self.roster_view)
            self.roster_model.set_rows(roster)
            self._roster_stale = False
        if r is not None and r.offers and self.offers_model.rowCount() == 0:
            first_rows.append(self.offers_view)
        s = summary
        self.title.setText(s.name)
        self.subtitle.setText(
            self.tr("%1 · %2 · %3 · offers last %4 min · id %5")
            .replace("%1", span_text(s.date, s.start, s.end, year=True))
            .replace("%2", status_text(s.status))
            .replace("%3", policy_text(s.policy))
            .replace("%4", str(s.offer_timeout_min))
            .replace("%5", s.id)
        )
        self._description = s.description.strip()
        self.description.setToolTip(s.description)
        self._elide_description()
        self.count_labels["signed"].setText(f"{s.signed}/{s.capacity}")
        self.count_labels["free"].setText("–" if s.status == "cancelled" else str(s.free))
        self.count_labels["waiting"].setText(str(s.waiting))
        self.count_labels["held"].setText(str(s.held))
        # A table shown empty was sized to its headers (first_rows): size it for its first rows.
        # Alt+R / Alt+L put the keyboard in the roster / the waitlist (then Del, Ctrl+P)
        self.roster_box.set_count_title(self.tr("&Roster (%1)").replace("%1", str(s.signed)))
        self.waitlist_box.set_count_title(self.tr("Wait&list (%1)").replace("%1", str(s.waiting)))
        hold = self.standing_text(s)
        self.hold_row.setVisible(bool(hold) and s.status == "open")
        # the box takes room only while a round is open or spots are held for the waitlist
        self.round_box.setVisible(r is not None or bool(hold))
        if r is None:
            self.offers_model.clear()
            self.offers_view.hide()
            self.round_label.setText(hold or self.tr("No offer round is open."))
            self.countdown.setText("")
            self.timer.stop()
        else:
            self.offers_model.set_rows(r.offers)
            self.offers_view.show()
            open_offers = sum(1 for o in r.offers if o.state == "open")
            self.round_label.setText(
                self.tr("%n spot(s) held since %1;", "", r.held).replace(
                    "%1", moment_text(r.opened_at, seconds=True, day=False)
                )
                + " "
                + self.tr("%n volunteer(s) offered, %1 still open.", "", len(r.offers)).replace(
                    "%1", str(open_offers)
                )
                + (" " + hold if hold else "")
            )
            self._update_countdown()
            if not self.timer.isActive():
                self.timer.start()
        if first_rows and not self._fitting_later:
            self.fit_columns(first_rows)
        self.append_activity()

    def standing_text(self, s: AppSummary) -> str:
        """Spots an ended round left unclaimed, held for the waitlist (no queue-skipping)."""
        if not s.standing:
            return ""
        since = moment_text(s.standing_since, day=False) if s.standing_since else ""
        return self.tr(
            "%n spot(s) held for the waitlist, unclaimed since %1: the next accepted response"
            " from the waitlist takes one.",
            "",
            s.standing,
        ).replace("%1", since)

    def append_activity(self, *, unless_read_in: int | None = None) -> None:
        """Show the application's decisions newer than the feed's; unless_read_in: a flush
        number (Bridge.flushes) in which they were read already (nothing newer can be in)."""
        if self.app_id is None or (unless_read_in is not None and unless_read_in == self._read_in):
            return
        self._read_in = self.bridge.flushes
        # a newly shown application starts with its newest screenfuls, not all 2,000 rows:
        # each is parsed from JSON, and switching should cost what is shown
        first = self.activity_model.rowCount() == 0
        rows = self.bridge.queries.activity(
            self.app_id,
            after_id=self.activity_model.last_id,
            limit=FIRST_ACTIVITY if first else ActivityModel.LIMIT,
        )
        if rows:
            # newest on top: a view scrolled to the top shows each new decision as it comes
            self.activity_model.append(rows)

    def _update_countdown(self) -> None:
        r = self.round
        if r is None:
            self.countdown.setText("")
            return
        left = int((r.deadline - self.bridge.clock.now()).total_seconds())
        if left <= 0:
            self.countdown.setText(self.tr("Closing…"))
            return
        h, rest = divmod(left, 3600)
        m, sec = divmod(rest, 60)
        shown = f"{h}:{m:02d}:{sec:02d}" if h else f"{m:02d}:{sec:02d}"
        self.countdown.setText(self.tr("Closes in %1").replace("%1", shown))

    # -- selections -------------------------------------------------------------------------
    def clear_selection(self) -> None:
        """No volunteer selected (after a remove or promote: the next Del must be a choice)."""
        for view in (self.roster_view, self.waitlist_view):
            view.selectionModel().clear()

    def selected_roster_volunteer(self) -> str | None:
        return _selected(self.roster_view, self.roster_model)

    def selected_waiting_volunteer(self) -> str | None:
        return _selected(self.waitlist_view, self.waitlist_model)


def _selected(view: QTableView, model: Any) -> str | None:
    rows = view.selectionModel().selectedRows()
    if not rows:
        return None
    return model.row_at(rows[0].row()).volunteer_id
