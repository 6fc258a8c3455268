"""Create or edit an application; each error is shown next to its field and nothing is saved."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from core.engine import MAX_DESCRIPTION_LENGTH, MAX_NAME_LENGTH, ApplicationForm
from core.rules import MAX_CAPACITY, MAX_OFFER_TIMEOUT_MIN
from gui.bridge import Op, OpResult
from gui.display import date_text, local_today

ERROR_STYLE = "color: #c62828;"


class AppDialog(QDialog):
    """New application (app_id None) or edit one; OK saves through the bridge, or stays open."""

    FIELDS = ("name", "description", "date", "start", "end", "spots", "policy", "offer_timeout")

    def __init__(self, bridge: Any, app_id: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.bridge = bridge
        self.app_id = app_id
        self.saved_id: str | None = None
        self.pending: Op[Any] | None = None  # the save under way, if any
        self._signed = 0
        self.setWindowTitle(self.tr("New application") if app_id is None else self.tr("Edit"))
        self.setMinimumWidth(560)

        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("e.g. Park clean-up"))
        self.description = QPlainTextEdit()
        self.description.setFixedHeight(70)
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.start = QTimeEdit()
        self.start.setDisplayFormat("HH:mm")
        self.end = QTimeEdit()
        self.end.setDisplayFormat("HH:mm")
        self.spots = QSpinBox()
        self.spots.setRange(1, MAX_CAPACITY)
        self.policy = QComboBox()
        for value, label in (
            ("broadcast", self.tr("Offer to the whole waitlist (first to claim)")),
            ("auto", self.tr("Promote the first in line automatically")),
            ("timed", self.tr("Offer in turn, one volunteer at a time")),
        ):
            self.policy.addItem(label, value)
        self.offer_timeout = QSpinBox()
        self.offer_timeout.setRange(1, MAX_OFFER_TIMEOUT_MIN)
        self.offer_timeout.setSuffix(self.tr(" min"))

        self.errors: dict[str, QLabel] = {}
        grid = QGridLayout()
        rows: tuple[tuple[str, str, QWidget], ...] = (
            ("name", self.tr("Name"), self.name),
            ("description", self.tr("Description"), self.description),
            ("date", self.tr("Date"), self.date),
            ("start", self.tr("Starts at"), self.start),
            ("end", self.tr("Ends at"), self.end),
            ("spots", self.tr("Spots"), self.spots),
            ("policy", self.tr("When a spot frees"), self.policy),
            ("offer_timeout", self.tr("Offer lasts"), self.offer_timeout),
        )
        for i, (key, caption, widget) in enumerate(rows):
            label = QLabel(caption)
            label.setBuddy(widget)
            grid.addWidget(label, i, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(widget, i, 1)
            err = QLabel()
            err.setObjectName(f"error_{key}")
            err.setStyleSheet(ERROR_STYLE)
            err.setWordWrap(True)
            err.setMinimumWidth(190)
            grid.addWidget(err, i, 2, Qt.AlignmentFlag.AlignTop)
            self.errors[key] = err
        grid.setColumnStretch(1, 1)

        self.general_error = QLabel()
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Create") if app_id is None else self.tr("Save"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)

        self._load()
        for signal in (
            self.name.textChanged,
            self.description.textChanged,
            self.date.dateChanged,
            self.start.timeChanged,
            self.end.timeChanged,
            self.spots.valueChanged,
            self.policy.currentIndexChanged,
            self.offer_timeout.valueChanged,
        ):
            signal.connect(self.validate)
        self.validate()

    def _today(self) -> date:
        return local_today(self.bridge.clock.now())  # the date on the coordinator's wall

    def _load(self) -> None:
        if self.app_id is None:
            settings = self.bridge.settings
            self.date.setDate(_qdate(self._today() + timedelta(days=1)))
            self.start.setTime(QTime(10, 0))
            self.end.setTime(QTime(13, 0))
            self.spots.setValue(5)
            self.policy.setCurrentIndex(max(0, self.policy.findData(settings.default_policy)))
            self.offer_timeout.setValue(settings.default_offer_timeout_min)
            return
        s = self.bridge.queries.summary(self.app_id)
        if s is None:
            return
        self._signed = s.signed
        self.name.setText(s.name)
        self.description.setPlainText(s.description)
        self.date.setDate(_qdate(s.date))
        self.start.setTime(QTime(s.start.hour, s.start.minute))
        self.end.setTime(QTime(s.end.hour, s.end.minute))
        self.spots.setValue(s.capacity)
        self.policy.setCurrentIndex(max(0, self.policy.findData(s.policy)))
        self.offer_timeout.setValue(max(1, s.offer_timeout_min))

    def form(self) -> ApplicationForm:
        d, st, en = self.date.date(), self.start.time(), self.end.time()
        return ApplicationForm(
            name=self.name.text(),
            day=date(d.year(), d.month(), d.day()),
            start=time(st.hour(), st.minute()),
            end=time(en.hour(), en.minute()),
            spots=self.spots.value(),
            description=self.description.toPlainText(),
            policy=self.policy.currentData(),
            offer_timeout_min=self.offer_timeout.value(),
        )

    def validate(self) -> dict[str, str]:
        """Show each error beside its field; OK is enabled only when there are none."""
        form = self.form()
        found = form.errors(today=self._today(), signed_up=self._signed)
        for key, label in self.errors.items():
            label.setText(self._message(key, form) if key in found else "")
        self.ok_button.setEnabled(not found)
        self.general_error.setText("")
        return found

    def _message(self, key: str, form: ApplicationForm) -> str:
        if key == "name":
            if not form.name.strip():
                return self.tr("A name is required")
            return self.tr("At most %1 characters").replace("%1", str(MAX_NAME_LENGTH))
        if key == "description":
            return self.tr("At most %1 characters").replace("%1", str(MAX_DESCRIPTION_LENGTH))
        if key == "date":
            return self.tr("The date is in the past (today is %1)").replace(
                "%1", date_text(self._today(), year=True)
            )
        if key == "end":
            return self.tr("The end must be after the start")
        if key == "spots":
            if form.spots < self._signed:
                return self.tr("%1 volunteers are signed up; remove some first").replace(
                    "%1", str(self._signed)
                )
            return self.tr("Between 1 and %1").replace("%1", str(MAX_CAPACITY))
        if key == "offer_timeout":
            return self.tr("Between 1 and %1 minutes").replace("%1", str(MAX_OFFER_TIMEOUT_MIN))
        return self.tr("Choose one of the listed options")

    def accept(self) -> None:
        """Save through the bridge; the dialog closes once the commit is done, or shows why not."""
        if self.validate():
            return  # refused: errors are on screen, nothing saved
        if self.pending is not None:
            return  # a save is under way (a double click)
        self.ok_button.setEnabled(False)
        if self.app_id is None:
            op: Op[Any] = self.bridge.create_application(self.form())
        else:
            op = self.bridge.edit_application(self.app_id, self.form())
        self.pending = op
        op.then(self._on_saved)

    def _on_saved(self, result: OpResult[Any]) -> None:
        self.pending = None
        if not result.ok:
            self.general_error.setText(
                result.refusal or self.tr("The application could not be saved")
            )
            self.ok_button.setEnabled(True)
            return
        self.saved_id = self.app_id if self.app_id is not None else result.value
        super().accept()


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)
