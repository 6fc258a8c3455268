"""The fund's numbers in the window: fill rates as bars a coordinator reads at a glance, hours
served month by month, and every figure in a table (the same as `volunteer-console report`).

The bars are drawn with QPainter: two bar charts need no chart library (QtCharts comes with
PySide6-Addons, about 160 MB; pyqtgraph brings numpy), and painted bars use the window's own
font, language and colours.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLocale, QRectF, Qt, QTimer
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QFontMetricsF,
    QPainter,
    QPaintEvent,
    QPen,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.report import CRITICAL, UNDERSTAFFED, AppFigures, Figures, MonthFigures, Report
from gui.display import PluralContext, hours_text, span_text
from gui.table_model import KeyedTableModel

translate = QCoreApplication.translate

COLORS = {
    "ok": QColor("#3c9a5f"),
    "understaffed": QColor("#e0a030"),
    "critical": QColor("#c0392b"),
    "": QColor("#9aa5b1"),
}
TINTS = {"understaffed": QColor("#fbeccb"), "critical": QColor("#f5d5d5")}
REFRESH_MS = 1000  # a burst of commits becomes one re-read while the tab is shown


def month_text(month: str) -> str:
    """2026-03 as «March 2026» / «март 2026» in the interface language."""
    y, m = (int(x) for x in month.split("-"))
    return f"{QLocale().standaloneMonthName(m, QLocale.FormatType.LongFormat)} {y}"


def pct_text(rate: float | None) -> str:
    return "–" if rate is None else f"{round(100 * rate)} %"


def duration_text(seconds: int | None) -> str:
    """A refill time: 45 s, 12 min, 3 h 05 min, 2 d 4 h, in the interface language."""
    if seconds is None:
        return "–"
    if seconds < 60:
        return translate("Numbers", "%1 s").replace("%1", str(seconds))
    minutes = seconds // 60
    if minutes < 60:
        return translate("Numbers", "%1 min").replace("%1", str(minutes))
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return (
            translate("Numbers", "%1 h %2 min")
            .replace("%1", str(hours))
            .replace("%2", f"{rest:02d}")
        )
    return (
        translate("Numbers", "%1 d %2 h")
        .replace("%1", str(hours // 24))
        .replace("%2", str(hours % 24))
    )


def flag_text(flag: str) -> str:
    return {
        "understaffed": translate("Numbers", "understaffed"),
        "critical": translate("Numbers", "critical"),
    }.get(flag, "")


class Numbers(PluralContext):
    """The Numbers tab's sentences that count."""


def figures_text(f: Figures) -> str:
    """One scope's figures as a sentence for the line above the charts."""
    parts = [
        translate("Numbers", "filled %1 (%2 of %3 spots)")
        .replace("%1", pct_text(f.fill_rate))
        .replace("%2", str(f.signed))
        .replace("%3", str(f.spots)),
    ]
    if not f.freed:
        parts.append(translate("Numbers", "no spot freed"))
    elif not f.refilled:
        parts.append(Numbers.tr("%n freed spot(s), none refilled", "", f.freed))
    else:
        parts.append(
            translate("Numbers", "freed spots refilled in %1 (p50), %2 (p90)")
            .replace("%1", duration_text(f.refill_p50_s))
            .replace("%2", duration_text(f.refill_p90_s))
        )
    if f.offers:
        parts.append(
            translate("Numbers", "offers accepted %1").replace("%1", pct_text(f.acceptance_rate))
        )
    if f.reminded is not None:
        parts.append(
            translate("Numbers", "confirmed %1").replace("%1", pct_text(f.confirmation_rate))
        )
    if f.marked:
        parts.append(translate("Numbers", "no-show %1").replace("%1", pct_text(f.no_show_rate)))
    parts.append(translate("Numbers", "%1 h served").replace("%1", hours_text(f.minutes)))
    return " · ".join(parts)


# ---- the charts -------------------------------------------------------------------------------


def chart_apps(apps: list[AppFigures], rows: int = 12) -> list[AppFigures]:
    """The applications a month's chart has room for: all in date order when they fit, else
    the least filled ones (those that need the coordinator), in date order."""
    if len(apps) <= rows:
        return apps
    worst = sorted(apps, key=lambda a: (a.figures.fill_rate or 0.0, a.date, a.start))[:rows]
    keep = {a.application_id for a in worst}
    return [a for a in apps if a.application_id in keep]


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float  # 0..scale
    text: str  # what is written at the bar's end
    color: QColor
    strong: bool = False  # the chosen one: its label in bold


class BarChart(QWidget):
    """Horizontal bars: a label, a bar in its own colour, the value written at its end; and
    dashed lines at given marks (the 50 % and 75 % thresholds of a fill-rate chart)."""

    ROW = 22
    MAX_ROWS = 12  # the rest are in the table below

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = ""
        self.bars: list[Bar] = []
        self.scale = 1.0
        self.marks: list[tuple[float, str]] = []
        self.empty = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(260)

    def set_bars(
        self,
        title: str,
        bars: list[Bar],
        *,
        scale: float = 1.0,
        marks: list[tuple[float, str]] | None = None,
        empty: str = "",
    ) -> None:
        self.title = title
        self.bars = bars[: self.MAX_ROWS]
        self.scale = scale if scale > 0 else 1.0
        self.marks = marks or []
        self.empty = empty
        self.setFixedHeight(self._height())
        self.update()

    def _height(self) -> int:
        fm = QFontMetrics(self.font())
        rows = max(1, len(self.bars))
        return fm.height() + 8 + rows * self.ROW + (fm.height() + 4 if self.marks else 0) + 4

    def labels(self) -> tuple[int, list[str]]:
        """The label column's width and each bar's label as drawn (elided only if no room)."""
        bold = self.font()
        bold.setBold(True)

        def font(b: Bar) -> QFont:
            return bold if b.strong else self.font()

        # rounded up: a whole-pixel advance (96 for 96.48) elided "December 2026" to "December 20…"
        need = max(math.ceil(QFontMetricsF(font(b)).horizontalAdvance(b.label)) for b in self.bars)
        label_w = min(need + 8, self.width() // 3)
        return label_w, [
            QFontMetrics(font(b)).elidedText(b.label, Qt.TextElideMode.ElideRight, label_w - 8)
            for b in self.bars
        ]

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = QFontMetrics(self.font())
        w = self.width()
        bold = self.font()
        bold.setBold(True)
        p.setFont(bold)
        p.drawText(0, fm.ascent(), self.title)
        p.setFont(self.font())
        top = fm.height() + 8
        if not self.bars:
            p.setPen(self.palette().placeholderText().color())
            p.drawText(0, top + fm.ascent(), self.empty)
            return
        label_w, labels = self.labels()
        value_w = max(fm.horizontalAdvance(b.text) for b in self.bars) + 8
        left, right = label_w, max(label_w + 40, w - value_w)
        span = right - left
        track = QColor("#e8e8e8")
        for i, bar in enumerate(self.bars):
            y = top + i * self.ROW
            font = bold if bar.strong else self.font()
            p.setFont(font)
            p.setPen(self.palette().text().color())
            p.drawText(0, y + (self.ROW + fm.ascent() - fm.descent()) // 2, labels[i])
            p.fillRect(QRectF(left, y + 4, span, self.ROW - 8), track)
            length = span * max(0.0, min(bar.value / self.scale, 1.0))
            p.fillRect(QRectF(left, y + 4, length, self.ROW - 8), bar.color)
            p.setFont(self.font())
            p.drawText(
                int(left + length) + 4, y + (self.ROW + fm.ascent() - fm.descent()) // 2, bar.text
            )
        bottom = top + len(self.bars) * self.ROW
        for at, caption in self.marks:
            x = left + span * at / self.scale
            pen = QPen(QColor("#555555"))
            pen.setStyle(Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawLine(int(x), top, int(x), bottom)
            p.setPen(self.palette().text().color())
            p.drawText(
                int(x - fm.horizontalAdvance(caption) / 2), bottom + fm.ascent() + 2, caption
            )


# ---- the tables -------------------------------------------------------------------------------


class _FiguresColumns(KeyedTableModel):
    """The figure columns shared by the application and the month tables."""

    FIGURES = (
        QT_TRANSLATE_NOOP("models", "Filled"),
        QT_TRANSLATE_NOOP("models", "Refill p50"),
        QT_TRANSLATE_NOOP("models", "Refill p90"),
        QT_TRANSLATE_NOOP("models", "Offers accepted"),
        QT_TRANSLATE_NOOP("models", "Confirmed"),
        QT_TRANSLATE_NOOP("models", "No-show"),
        QT_TRANSLATE_NOOP("models", "Hours"),
    )
    LEAD = 0  # columns before the figures
    extra_roles = frozenset(
        {int(Qt.ItemDataRole.BackgroundRole), int(Qt.ItemDataRole.TextAlignmentRole)}
    )

    def figures_of(self, row: Any) -> Figures:
        raise NotImplementedError

    def figure_text(self, f: Figures, i: int) -> str:
        if i == 0:
            return f"{f.signed}/{f.spots} · {pct_text(f.fill_rate)}"
        if i == 1:
            return duration_text(f.refill_p50_s)
        if i == 2:
            return duration_text(f.refill_p90_s)
        if i == 3:
            return f"{f.offers_claimed}/{f.offers} · {pct_text(f.acceptance_rate)}"
        if i == 4:
            if f.reminded is None:
                return "–"
            return f"{f.confirmed}/{f.reminded} · {pct_text(f.confirmation_rate)}"
        if i == 5:
            return f"{f.no_shows}/{f.marked} · {pct_text(f.no_show_rate)}"
        return hours_text(f.minutes)

    def extra(self, row: Any, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and column == self.LEAD:
            return TINTS.get(self.figures_of(row).flag)
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= self.LEAD:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class ApplicationNumbersModel(_FiguresColumns):
    """A month's applications (or all of them) with their figures."""

    NAME, SHIFT = 0, 1
    LEAD = 2
    key_attr = "application_id"
    headers = (
        QT_TRANSLATE_NOOP("models", "Application"),
        QT_TRANSLATE_NOOP("models", "Shift"),
        *_FiguresColumns.FIGURES,
    )

    def key(self, row: AppFigures) -> Hashable:
        return row.application_id

    def figures_of(self, row: AppFigures) -> Figures:
        return row.figures

    def display(self, row: AppFigures, column: int) -> str:
        if column == self.NAME:
            return row.name
        if column == self.SHIFT:
            return span_text(row.date, row.start, row.end)
        return self.figure_text(row.figures, column - self.LEAD)


class MonthNumbersModel(_FiguresColumns):
    """One row per month of the shifts, with its counts of understaffed and critical ones."""

    MONTH, APPLICATIONS, UNDERSTAFFED, CRITICAL = range(4)
    LEAD = 4
    key_attr = "month"
    headers = (
        QT_TRANSLATE_NOOP("models", "Month"),
        QT_TRANSLATE_NOOP("models", "Applications"),
        QT_TRANSLATE_NOOP("models", "Understaffed"),
        QT_TRANSLATE_NOOP("models", "Critical"),
        *_FiguresColumns.FIGURES,
    )

    def key(self, row: MonthFigures) -> Hashable:
        return row.month

    def figures_of(self, row: MonthFigures) -> Figures:
        return row.figures

    def display(self, row: MonthFigures, column: int) -> str:
        if column == self.MONTH:
            return month_text(row.month)
        if column == self.APPLICATIONS:
            return str(row.applications)
        if column == self.UNDERSTAFFED:
            return str(row.understaffed)
        if column == self.CRITICAL:
            return str(row.critical)
        return self.figure_text(row.figures, column - self.LEAD)


# ---- the tab ------------------------------------------------------------------------------------


class NumbersView(QWidget):
    """All months, or one month's applications: a sentence, two charts, the table."""

    def __init__(self, bridge: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.report: Report | None = None
        self.month = QComboBox()
        self.month.setObjectName("numbersMonth")
        # sized by its items as they come: first shown empty, it cut "All months" to "All montl"
        self.month.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.month.currentIndexChanged.connect(self._on_month_current_index_changed)
        caption = QLabel(self.tr("&Shifts of:"))
        caption.setBuddy(self.month)
        self.summary = QLabel()
        self.summary.setObjectName("numbersSummary")
        self.summary.setWordWrap(True)
        self.fill_chart = BarChart()
        self.fill_chart.setObjectName("fillChart")
        self.hours_chart = BarChart()
        self.hours_chart.setObjectName("hoursChart")
        self.apps_model = ApplicationNumbersModel(self)
        self.months_model = MonthNumbersModel(self)
        self.table = QTableView()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setModel(self.months_model)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.legend = QLabel(
            self.tr(
                "Understaffed: below 75 % of the spots filled; critical: below 50 %. Refill: "
                "from a freed spot to the next signup. No-show: of those marked at check-in."
            )
        )
        self.legend.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(caption)
        top.addWidget(self.month)
        top.addStretch(1)
        charts = QHBoxLayout()
        charts.addWidget(self.fill_chart, 3, Qt.AlignmentFlag.AlignTop)
        charts.addSpacing(16)
        charts.addWidget(self.hours_chart, 2, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addLayout(charts)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.legend)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._stale = True
        self._reading: Any = None  # the read in flight (an asyncio task)
        self.reads = 0  # reports shown so far (tests wait on it)
        bridge.applications_changed.connect(self._on_bridge_applications_changed)

    # -- reading ---------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _on_bridge_applications_changed(self, _ids: list[str]) -> None:
        self._stale = True
        if self.isVisible():
            self._timer.start()

    def refresh(self) -> None:
        """Read the numbers again, off the GUI thread: at 2,000 applications the whole report
        costs ~130 ms of CPU (tests/bench/shift_numbers.py), a stutter every re-read."""
        self._stale = False
        if self._reading is not None and not self._reading.done():
            self._stale = True  # read again once this one is in
            return
        self._reading = self.bridge.run(self._read(), "the fund's numbers")

    async def _read(self) -> None:
        rep = await self.bridge.report()
        self.show_report(rep)
        if self._stale and self.isVisible():
            self._timer.start()

    def show_report(self, rep: Report) -> None:
        """Show these numbers, keeping the chosen month if it is still there."""
        self.report = rep
        self.reads += 1
        chosen = self.month.currentData()
        self.month.blockSignals(True)
        self.month.clear()
        self.month.addItem(self.tr("All months"), "")
        for m in reversed(rep.months):
            self.month.addItem(month_text(m.month), m.month)
        index = self.month.findData(chosen) if chosen else 0
        self.month.setCurrentIndex(max(0, index))
        self.month.blockSignals(False)
        self._show()

    def _on_month_current_index_changed(self, _index: int) -> None:
        self._show()

    def chosen_month(self) -> str:
        return str(self.month.currentData() or "")

    def _show(self) -> None:
        rep = self.report
        if rep is None:
            return
        month = self.chosen_month()
        if month:
            apps = [a for a in rep.applications if a.month == month]
            scope = next(m.figures for m in rep.months if m.month == month)
            self.apps_model.set_rows(apps)
            self.table.setModel(self.apps_model)
            shown = chart_apps(apps)
            bars = [
                Bar(
                    a.name,
                    a.figures.fill_rate or 0.0,
                    pct_text(a.figures.fill_rate),
                    COLORS[a.figures.flag],
                )
                for a in shown
            ]
            title = self.tr("Filled, %1").replace("%1", month_text(month))
            if len(shown) < len(apps):
                title = (
                    self.tr("Filled, %1: the %2 least filled of %3")
                    .replace("%1", month_text(month))
                    .replace("%2", str(len(shown)))
                    .replace("%3", str(len(apps)))
                )
        else:
            scope = rep.total
            self.months_model.set_rows(list(rep.months))
            self.table.setModel(self.months_model)
            bars = [
                Bar(
                    month_text(m.month),
                    m.figures.fill_rate or 0.0,
                    pct_text(m.figures.fill_rate),
                    COLORS[m.figures.flag],
                )
                for m in reversed(rep.months)
            ]
            title = self.tr("Filled, by month")
        self.summary.setText(figures_text(scope) if rep.applications else "")
        self.fill_chart.set_bars(
            title,
            bars,
            scale=max([1.0, *(b.value for b in bars)]),
            marks=[(CRITICAL, "50 %"), (UNDERSTAFFED, "75 %")],
            empty=self.tr("No published applications yet."),
        )
        recent = list(reversed(rep.months))
        most = max([m.figures.minutes for m in recent] or [0])
        self.hours_chart.set_bars(
            self.tr("Hours served, by month"),
            [
                Bar(
                    month_text(m.month),
                    float(m.figures.minutes),
                    hours_text(m.figures.minutes),
                    QColor("#4a7fb5"),
                    strong=m.month == month,
                )
                for m in recent
            ],
            scale=float(most or 1),
            empty=self.tr("No hours recorded yet."),
        )
        self.table.resizeColumnsToContents()
