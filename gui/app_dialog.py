"""Create or edit an application; each error is shown next to its field and nothing is saved."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTime
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from core.clock import local_now
from core.engine import MAX_DESCRIPTION_LENGTH, MAX_NAME_LENGTH, ApplicationForm
from core.rules import MAX_CAPACITY, MAX_OFFER_TIMEOUT_MIN, MAX_REMINDER_LEAD_S, MAX_REMINDERS
from gui.bridge import Op, OpResult
from gui.display import date_text, time_text
from gui.widgets import ERROR_STYLE, NOTE_STYLE, typed_int

# The number fields hold more digits than the rules allow, so that whatever is typed is what
# the form checks: a range of 1..10,000 made Qt keep the old value when "0" was typed.
NUMBER_FIELD_MAX = 99_999
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)

Confirm = Callable[[str, str], bool]


def _tab_leaves(widget: QAbstractSpinBox, event: QEvent) -> bool:
    """True if event was Tab/Shift+Tab and moved the focus to the next/previous field."""
    if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
        return False
    if event.key() not in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
        return False
    if event.modifiers() & ~(
        Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
    ):
        return False
    forward = event.key() == Qt.Key.Key_Tab and not (
        event.modifiers() & Qt.KeyboardModifier.ShiftModifier
    )
    # QWidget's own focus chain, not QDateTimeEdit's override that walks day, month, year
    QWidget.focusNextPrevChild(widget, forward)
    return True


class _TypedParts:
    """Typing a date or time as written: "2026-12-05", "14:00".

    Qt moves to the next part when one is full, and again on a typed separator, so "2026-12"
    put 12 in the day. A separator right after such a move is taken as already done.
    """

    SEPARATORS = frozenset("-./:, ")
    _advanced = False

    def _typed(self, edit: QAbstractSpinBox, event: QKeyEvent, press: Callable[[], None]) -> None:
        text = event.text()
        if text and text in self.SEPARATORS and self._advanced:
            self._advanced = False
            return
        before = edit.currentSectionIndex()  # type: ignore[attr-defined]
        press()
        after = edit.currentSectionIndex()  # type: ignore[attr-defined]
        self._advanced = bool(text) and text.isdigit() and after != before


class FieldDateEdit(QDateEdit, _TypedParts):
    """A date field that Tab leaves (Qt's own moves between day, month and year instead)."""

    def event(self, event: QEvent) -> bool:
        return _tab_leaves(self, event) or super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self._typed(self, event, lambda: QDateEdit.keyPressEvent(self, event))


class FieldTimeEdit(QTimeEdit, _TypedParts):
    """A time field that Tab leaves and "14:00" types into, as FieldDateEdit."""

    def event(self, event: QEvent) -> bool:
        return _tab_leaves(self, event) or super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self._typed(self, event, lambda: QTimeEdit.keyPressEvent(self, event))


class AppDialog(QDialog):
    """New application (app_id None) or edit one; the buttons save through the bridge.

    A new one is created and published, or saved as a draft (published later from the
    window). Saving an edit that volunteers will be told about asks first. An error is shown
    once its field has been edited or a save was tried: a fresh form does not scold.
    """

    FIELDS = (
        "name",
        "description",
        "date",
        "start",
        "end",
        "spots",
        "policy",
        "offer_timeout",
        "reminders",
        "confirm_by",
        "unconfirmed",
    )
    ANNOUNCED = ("name", "description", "day", "start", "end", "spots")

    def __init__(
        self,
        bridge: Any,
        app_id: str | None = None,
        parent: QWidget | None = None,
        *,
        confirm: Confirm | None = None,
    ):
        super().__init__(parent)
        self.bridge = bridge
        self.app_id = app_id
        self.confirm = confirm
        self.saved_id: str | None = None
        self.pending: Op[Any] | None = None  # the save under way, if any
        self.published = False
        self._signed = 0
        self._status = "draft"
        self._loaded: ApplicationForm | None = None
        self._touched: set[str] = set()
        self.setWindowTitle(self.tr("New application") if app_id is None else self.tr("Edit"))
        self.setMinimumWidth(560)

        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("e.g. Park clean-up"))
        self.description = QPlainTextEdit()
        self.description.setFixedHeight(70)
        self.description.setTabChangesFocus(True)  # Tab goes to the next field, as elsewhere
        self.date = FieldDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.start = FieldTimeEdit()
        self.start.setDisplayFormat("HH:mm")
        self.end = FieldTimeEdit()
        self.end.setDisplayFormat("HH:mm")
        for edit in (self.date, self.start, self.end):
            edit.setCurrentSectionIndex(0)
        self.spots = QSpinBox()
        self.spots.setRange(0, NUMBER_FIELD_MAX)
        self.policy = QComboBox()
        for value, label in (
            ("broadcast", self.tr("Offer to the whole waitlist (first to claim)")),
            ("auto", self.tr("Promote the first in line automatically")),
            ("timed", self.tr("Offer in turn, one volunteer at a time")),
        ):
            self.policy.addItem(label, value)
        self.offer_timeout = QSpinBox()
        self.offer_timeout.setRange(0, NUMBER_FIELD_MAX)
        self.offer_timeout.setSuffix(self.tr(" min"))
        # Reminders before the shift: hours, as a coordinator says them ("48, 2").
        self.reminders = QLineEdit()
        self.reminders.setPlaceholderText(self.tr("none"))
        self.reminders.setToolTip(
            self.tr(
                "Hours before the start at which every signed-up volunteer is reminded and"
                " asked to confirm, separated by commas (e.g. 48, 2); empty: no reminders"
            )
        )
        self.confirm_by = QSpinBox()
        self.confirm_by.setRange(0, NUMBER_FIELD_MAX)
        self.confirm_by.setSuffix(self.tr(" h before the start"))
        self.unconfirmed = QComboBox()
        self.unconfirmed.addItem(self.tr("Keep them, marked «not confirmed»"), False)
        self.unconfirmed.addItem(self.tr("Release the spot to the waitlist"), True)
        self.widgets: dict[str, QWidget] = {
            "name": self.name,
            "description": self.description,
            "date": self.date,
            "start": self.start,
            "end": self.end,
            "spots": self.spots,
            "policy": self.policy,
            "offer_timeout": self.offer_timeout,
            "reminders": self.reminders,
            "confirm_by": self.confirm_by,
            "unconfirmed": self.unconfirmed,
        }

        self.errors: dict[str, QLabel] = {}
        self.end_note = QLabel()
        self.end_note.setObjectName("note_end")
        self.end_note.setStyleSheet(NOTE_STYLE)
        self.end_note.setVisible(False)
        grid = QGridLayout()
        rows: tuple[tuple[str, str], ...] = (
            ("name", self.tr("&Name")),
            ("description", self.tr("Descr&iption")),
            ("date", self.tr("D&ate")),
            ("start", self.tr("&Starts at")),
            ("end", self.tr("&Ends at")),
            ("spots", self.tr("Spo&ts")),
            ("policy", self.tr("&When a spot frees")),
            ("offer_timeout", self.tr("&Offer lasts")),
            ("reminders", self.tr("&Reminders, h before")),
            ("confirm_by", self.tr("Confirm &by")),
            ("unconfirmed", self.tr("If not confir&med")),
        )
        for i, (key, caption) in enumerate(rows):
            widget = self.widgets[key]
            buddy = QLabel(caption)
            buddy.setBuddy(widget)
            grid.addWidget(buddy, i, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(widget, i, 1)
            err = QLabel()
            err.setObjectName(f"error_{key}")
            err.setStyleSheet(ERROR_STYLE)
            err.setWordWrap(True)
            err.setMinimumWidth(190)
            if key == "end":
                # an end before the start is legal (an overnight shift): said, not scolded
                beside = QVBoxLayout()
                beside.setContentsMargins(0, 0, 0, 0)
                beside.setSpacing(0)
                beside.addWidget(err)
                beside.addWidget(self.end_note)
                grid.addLayout(beside, i, 2, Qt.AlignmentFlag.AlignTop)
            else:
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
        self.draft_button: QPushButton | None = None
        if app_id is None:
            self.ok_button.setText(self.tr("Create and &publish"))
            self.draft_button = self.buttons.addButton(
                self.tr("Save as &draft"), QDialogButtonBox.ButtonRole.ActionRole
            )
            self.draft_button.clicked.connect(self.save_draft)
        else:
            self.ok_button.setText(self.tr("Save"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        # the fields' own minimum wins over setMinimumWidth's 560, which alone let Qt squeeze
        # the dialog into 2/3 of a 1024 px screen and cut the Russian "When a spot frees"
        # choice to "Предложить всему листу ожидания (кт"
        layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetMinimumSize)
        layout.addLayout(grid)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.ok_button.setDefault(True)  # Enter anywhere creates; set once the dialog owns it

        self._load()
        changes = (
            ("name", self.name.textChanged),
            ("description", self.description.textChanged),
            ("date", self.date.dateChanged),
            ("start", self.start.timeChanged),
            ("end", self.end.timeChanged),
            ("spots", self.spots.valueChanged),
            ("spots", self.spots.lineEdit().textChanged),  # an emptied field changes no value
            ("policy", self.policy.currentIndexChanged),
            ("offer_timeout", self.offer_timeout.valueChanged),
            ("offer_timeout", self.offer_timeout.lineEdit().textChanged),
            ("reminders", self.reminders.textChanged),
            ("confirm_by", self.confirm_by.valueChanged),
            ("confirm_by", self.confirm_by.lineEdit().textChanged),
            ("confirm_by", self.unconfirmed.currentIndexChanged),
        )
        for key, signal in changes:
            signal.connect(lambda *_a, k=key: self._on_field_edited(k))
        for spin in (self.spots, self.offer_timeout, self.confirm_by):
            spin.installEventFilter(self)
        self.validate()

    def _now(self) -> datetime:
        return local_now(self.bridge.clock)  # the coordinator's wall, as the engine sees it

    def _load(self) -> None:
        if self.app_id is None:
            settings = self.bridge.settings
            self.date.setDate(_qdate(self._now().date() + timedelta(days=1)))
            self.start.setTime(QTime(10, 0))
            self.end.setTime(QTime(13, 0))
            self.spots.setValue(5)
            self.policy.setCurrentIndex(max(0, self.policy.findData(settings.default_policy)))
            self.offer_timeout.setValue(settings.default_offer_timeout_min)
            defaults = ApplicationForm(name="", day=date.today(), start=time(), end=time(), spots=1)
            self.reminders.setText(hours_list_text(defaults.reminder_hours))
            self.confirm_by.setValue(defaults.confirm_hours)
            return
        s = self.bridge.queries.summary(self.app_id)
        if s is None:
            return
        self._signed = s.signed
        self._status = s.status
        self.name.setText(s.name)
        self.description.setPlainText(s.description)
        self.date.setDate(_qdate(s.date))
        self.start.setTime(QTime(s.start.hour, s.start.minute))
        self.end.setTime(QTime(s.end.hour, s.end.minute))
        self.spots.setValue(s.capacity)
        self.policy.setCurrentIndex(max(0, self.policy.findData(s.policy)))
        self.offer_timeout.setValue(max(1, s.offer_timeout_min))
        self.reminders.setText(hours_list_text(s.reminder_hours))
        self.confirm_by.setValue(s.confirm_hours)
        self.unconfirmed.setCurrentIndex(1 if s.release_unconfirmed else 0)
        self._loaded = self.form()

    def form(self) -> ApplicationForm:
        d, st, en = self.date.date(), self.start.time(), self.end.time()
        spots, timeout = typed_int(self.spots), typed_int(self.offer_timeout)
        confirm = typed_int(self.confirm_by)
        return ApplicationForm(
            name=self.name.text(),
            day=date(d.year(), d.month(), d.day()),
            start=time(st.hour(), st.minute()),
            end=time(en.hour(), en.minute()),
            spots=-1 if spots is None else spots,
            description=self.description.toPlainText(),
            policy=self.policy.currentData(),
            offer_timeout_min=-1 if timeout is None else timeout,
            reminder_hours=parse_hours(self.reminders.text()),
            confirm_hours=-1 if confirm is None else confirm,
            release_unconfirmed=bool(self.unconfirmed.currentData()),
        )

    def _on_field_edited(self, key: str) -> None:
        self._touched.add(key)
        self.validate()

    def validate(self, *, reveal: bool = False) -> dict[str, str]:
        """Show each error beside its field; the save buttons are enabled only when none."""
        if reveal:
            self._touched.update(self.FIELDS)
        form = self.form()
        found = form.errors(now=self._now(), signed_up=self._signed)
        for key, label in self.errors.items():
            shown = key in found and key in self._touched
            label.setText(self._message(key, form) if shown else "")
        overnight = "end" not in found and form.end < form.start
        self.end_note.setText(self.tr("Ends the next day") if overnight else "")
        # one of the two at a time (an overnight end is no error), so the row keeps its height
        self.end_note.setVisible(overnight)
        self.errors["end"].setVisible(not overnight)
        for button in (self.ok_button, self.draft_button):
            if button is not None:
                button.setEnabled(not found)
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
                "%1", date_text(self._now().date(), year=True)
            )
        if key == "end":
            if form.end != form.start:
                return self.tr("This shift is already over (it is %1 now)").replace(
                    "%1", time_text(self._now().time())
                )
            return self.tr("The end must differ from the start (an earlier end is the next day)")
        if key == "spots":
            if 0 <= form.spots < self._signed:
                return self.tr("%1 volunteers are signed up; remove some first").replace(
                    "%1", str(self._signed)
                )
            return self.tr("A whole number from 1 to %1").replace("%1", str(MAX_CAPACITY))
        if key == "offer_timeout":
            return self.tr("A whole number of minutes from 1 to %1").replace(
                "%1", str(MAX_OFFER_TIMEOUT_MIN)
            )
        if key == "reminders":
            return (
                self.tr("Up to %1 whole numbers of hours from 1 to %2, separated by commas")
                .replace("%1", str(MAX_REMINDERS))
                .replace("%2", str(MAX_REMINDER_LEAD_S // 3600))
            )
        if key == "confirm_by":
            if 0 <= form.confirm_hours <= MAX_REMINDER_LEAD_S // 3600:
                return self.tr(
                    "To release those who do not confirm, confirm-by must come after the first"
                    " reminder"
                )
            return self.tr("A whole number of hours from 0 to %1").replace(
                "%1", str(MAX_REMINDER_LEAD_S // 3600)
            )
        return self.tr("Choose one of the listed options")

    def _refuse(self) -> bool:
        """Reveal every error and put the cursor on the first wrong field; True if refused."""
        found = self.validate(reveal=True)
        for key in self.FIELDS:
            if key in found:
                self.widgets[key].setFocus(Qt.FocusReason.OtherFocusReason)
                break
        return bool(found)

    # -- keys ----------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Enter in a number field that shows no number: Qt would put the old value back and
        # the dialog would save it. Refuse instead, with the error beside the field.
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in ENTER_KEYS
            and isinstance(watched, QSpinBox)
            and not watched.hasAcceptableInput()
        ):
            self._refuse()
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in ENTER_KEYS and self._refuse():
            return  # Enter with errors says what is wrong instead of doing nothing
        super().keyPressEvent(event)

    # -- saving --------------------------------------------------------------------------------
    def _announced_change(self, form: ApplicationForm) -> bool:
        old = self._loaded
        if old is None or self._status not in ("open", "closed"):
            return False
        return any(getattr(form, f) != getattr(old, f) for f in self.ANNOUNCED)

    def _save(self, *, publish: bool) -> None:
        """Save through the bridge; the dialog closes once the commit is done, or says why not."""
        if self.pending is not None:
            return  # a save is under way (a double click, Enter twice)
        if self._refuse():
            return  # refused: errors are on screen, nothing saved
        form = self.form()
        if (
            self.app_id is not None
            and self.confirm is not None
            and self._announced_change(form)
            and not self.confirm(
                self.tr("Save changes"),
                self.tr(
                    "Save the changes to «%1»? Volunteers are told the new details"
                    " (and any freed spot is offered to the waitlist)."
                ).replace("%1", form.name.strip()),
            )
        ):
            return
        for button in (self.ok_button, self.draft_button):
            if button is not None:
                button.setEnabled(False)
        if self.app_id is None:
            op: Op[Any] = self.bridge.create_application(form, publish=publish)
        else:
            op = self.bridge.edit_application(self.app_id, form)
        self.pending = op
        op.then(lambda result: self._on_saved(result, publish))

    def _on_saved(self, result: OpResult[Any], publish: bool) -> None:
        self.pending = None
        if not result.ok:
            self.validate()  # the buttons come back
            self.general_error.setText(
                result.refusal or self.tr("The application could not be saved")
            )
            return
        self.saved_id = self.app_id if self.app_id is not None else result.value
        self.published = self.app_id is None and publish
        super().accept()

    def accept(self) -> None:
        self._save(publish=True)

    def save_draft(self) -> None:
        self._save(publish=False)


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def hours_list_text(hours: tuple[int, ...]) -> str:
    return ", ".join(str(h) for h in hours)


def parse_hours(text: str) -> tuple[int, ...]:
    """'48, 2' -> (48, 2); a part that is not a whole number becomes 0, which the form refuses."""
    parts = [p.strip() for p in text.replace(";", ",").replace(" ", ",").split(",")]
    return tuple(int(p) if p.isdigit() else 0 for p in parts if p)


class CapacityDialog(QDialog):
    """The number of spots of one application; below the signed-up count is refused here.

    Lowering below S is refused by the rules too; saying so only after a confirmation
    ("Lower from 5 to 2?") wasted the coordinator's answer.
    """

    def __init__(self, name: str, capacity: int, signed: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.signed = signed
        self.setWindowTitle(self.tr("Capacity"))
        self.spots = QSpinBox()
        self.spots.setRange(0, NUMBER_FIELD_MAX)
        self.spots.setValue(capacity)
        self.spots.selectAll()
        caption = QLabel(
            self.tr("Spots for «%1» (%2 signed up):").replace("%1", name).replace("%2", str(signed))
        )
        caption.setBuddy(self.spots)
        caption.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("error_spots")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(caption)
        layout.addWidget(self.spots)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.ok_button.setDefault(True)
        self.spots.lineEdit().textChanged.connect(self._on_spots_text_changed)
        self.spots.valueChanged.connect(self._on_spots_text_changed)
        self.spots.installEventFilter(self)
        self.validate()

    def value(self) -> int | None:
        return typed_int(self.spots)

    def validate(self) -> str:
        value = self.value()
        if value is not None and 0 <= value < self.signed:
            text = self.tr(
                "%1 volunteers are signed up: remove some first, or keep at least %1 spots"
            ).replace("%1", str(self.signed))
        elif value is None or not 1 <= value <= MAX_CAPACITY:
            text = self.tr("A whole number from 1 to %1").replace("%1", str(MAX_CAPACITY))
        else:
            text = ""
        self.error.setText(text)
        self.ok_button.setEnabled(not text)
        return text

    def _on_spots_text_changed(self, *_args: Any) -> None:
        self.validate()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in ENTER_KEYS
            and watched is self.spots
            and self.validate()
        ):
            return True  # refused where it was typed; the error is beside the field
        return super().eventFilter(watched, event)

    def accept(self) -> None:
        if self.validate():
            return
        super().accept()
