"""Settings dialog: broker, TLS files, fund, defaults, checked as typed; password to the keyring."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from PySide6.QtCore import Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core import config, tls
from core.config import PASSWORD_ENV
from gui.widgets import ERROR_STYLE

if TYPE_CHECKING:
    from core.settings import Settings

log = logging.getLogger(__name__)


def keyring_available() -> bool:
    """False when keyring has only its fail backend (a headless server, no secret service)."""
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
    except Exception:
        return False
    if isinstance(backend, fail.Keyring):
        return False
    backends = getattr(backend, "backends", None)
    return backends is None or bool(backends)  # an empty chainer keeps nothing either


class SettingsDialog(QDialog):
    """Edits a copy of the settings; result_settings() is valid only after accept."""

    FIELDS = (
        "coordinator_name",
        "broker_url",
        "broker_user",
        "password",
        "broker_ca_file",
        "broker_cert_file",
        "broker_key_file",
        "fund_id",
        "default_policy",
        "default_offer_timeout_min",
        "language",
    )

    def __init__(
        self, settings: Settings, parent: QWidget | None = None, *, secrets: Any = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.setMinimumWidth(600)
        self._initial = settings
        # where the password is kept: the bridge in the window (the dialog never reaches the
        # keyring itself); the keyring functions of core.config when shown on its own
        self.secrets = secrets if secrets is not None else config
        self._result = settings
        self._password: str | None = None
        self.keyring_ok = keyring_available()

        self.coordinator_name = QLineEdit(settings.coordinator_name, self)
        self.coordinator_name.setObjectName("coordinatorName")
        # typing stops at the limit rather than showing an error for a pasted long text
        self.coordinator_name.setMaxLength(config.COORDINATOR_NAME_MAX)
        self.coordinator_name.setPlaceholderText(self.tr("e.g. Anna Petrova"))
        self.name_note = QLabel(
            self.tr(
                "Recorded with each decision made at this console and shown in the activity;"
                " the fund's other consoles show it too. Without a name they show this"
                " computer's name. A new name applies after a restart."
            ),
            self,
        )
        self.name_note.setObjectName("nameNote")
        self.name_note.setWordWrap(True)
        self.broker_url = QLineEdit(settings.broker_url, self)
        self.broker_url.setObjectName("brokerUrl")
        self.broker_url.setPlaceholderText("amqp://host:5672/")
        self.broker_user = QLineEdit(settings.broker_user, self)
        self.broker_user.setObjectName("brokerUser")
        self.password = QLineEdit(self)
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        # amqps:// only; each a path typed or chosen (the dialog reads nothing but checks
        # that OpenSSL can load it, as the connection will)
        self.ca_file = self._path_edit(settings.broker_ca_file, "caFile")
        self.cert_file = self._path_edit(settings.broker_cert_file, "certFile")
        self.key_file = self._path_edit(settings.broker_key_file, "keyFile")
        self.tls_note = QLabel(
            self.tr(
                "For amqps:// only. Without a CA file the system's certificate authorities are"
                " trusted; the broker's certificate and host name are always checked."
            ),
            self,
        )
        self.tls_note.setObjectName("tlsNote")
        self.tls_note.setWordWrap(True)
        self.fund_id = QLineEdit(settings.fund_id, self)
        self.fund_id.setObjectName("fundId")
        self.policy = QComboBox(self)
        self.policy.setObjectName("defaultPolicy")
        for code, label in (
            ("broadcast", self.tr("Offer to everyone waiting (first to claim)")),
            ("auto", self.tr("Sign up the first in line automatically")),
            ("timed", self.tr("Offer to the first in line, then the next")),
        ):
            self.policy.addItem(label, code)
        self.policy.setCurrentIndex(max(0, self.policy.findData(settings.default_policy)))
        self.timeout = QSpinBox(self)
        self.timeout.setObjectName("offerTimeout")
        self.timeout.setRange(1, 7 * 24 * 60)
        self.timeout.setSuffix(self.tr(" min"))
        self.timeout.setValue(settings.default_offer_timeout_min)
        self.language = QComboBox(self)
        self.language.setObjectName("language")
        # each language named in itself, so a coordinator can find theirs in any UI language
        for code, label in (
            ("system", self.tr("System")),
            ("en", "English"),
            ("ru", "Русский"),
        ):
            self.language.addItem(label, code)
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))

        self.errors: dict[str, QLabel] = {}
        for name in self.FIELDS:
            error = QLabel(self)
            error.setObjectName(f"error_{name}")
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.hide()
            self.errors[name] = error

        self.password_note = QLabel(self)
        self.password_note.setObjectName("passwordNote")
        self.password_note.setWordWrap(True)
        if self.keyring_ok:
            stored = self.secrets.get_password(settings.broker_user)
            if stored is not None:
                self.password.setPlaceholderText(self.tr("(kept in the system keyring)"))
            self.password_note.setText(
                self.tr("The password is kept only in the system keyring, never in a file.")
            )
        else:
            self.password.setEnabled(False)
            self.password.setPlaceholderText(self.tr("(no system keyring)"))
            self.password_note.setText(
                self.tr(
                    "No system keyring is available on this computer, so the password cannot be"
                    " saved here. Put it in a file only you can read (chmod 600) and start the"
                    " console with --broker-password-file FILE, or set %1."
                ).replace("%1", PASSWORD_ENV)
            )
            self.password_note.setStyleSheet(ERROR_STYLE)
        self.language_note = QLabel(self.tr("A new language applies after a restart."), self)
        self.language_note.setWordWrap(True)

        # a grid, not a QFormLayout: wrapped notes under a field get their real height there
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        grid.setVerticalSpacing(4)

        def row(label: str, widget: QWidget, name: str, *extra: QWidget) -> None:
            at = grid.rowCount()
            caption = QLabel(label, self)
            caption.setBuddy(widget.focusProxy() or widget)
            grid.addWidget(caption, at, 0)
            grid.addWidget(widget, at, 1)
            for w in (self.errors[name], *extra):
                at += 1
                grid.addWidget(w, at, 1)

        row(
            self.tr("Your name (shown with your decisions):"),
            self.coordinator_name,
            "coordinator_name",
            self.name_note,
        )
        row(self.tr("Broker URL:"), self.broker_url, "broker_url")
        row(self.tr("User:"), self.broker_user, "broker_user")
        row(self.tr("Password:"), self.password, "password", self.password_note)
        row(self.tr("CA file:"), self._with_browse(self.ca_file), "broker_ca_file", self.tls_note)
        row(self.tr("Client certificate:"), self._with_browse(self.cert_file), "broker_cert_file")
        row(self.tr("Client key:"), self._with_browse(self.key_file), "broker_key_file")
        row(self.tr("Fund id:"), self.fund_id, "fund_id")
        row(self.tr("Default policy:"), self.policy, "default_policy")
        row(self.tr("Default offer timeout:"), self.timeout, "default_offer_timeout_min")
        row(self.tr("Language:"), self.language, "language", self.language_note)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        for edit in (
            self.coordinator_name,
            self.broker_url,
            self.broker_user,
            self.fund_id,
            self.password,
            self.ca_file,
            self.cert_file,
            self.key_file,
        ):
            edit.textChanged.connect(self._on_field_text_changed)
        self.timeout.valueChanged.connect(self._on_field_text_changed)
        self.validate()

    def _path_edit(self, value: str, name: str) -> QLineEdit:
        edit = QLineEdit(value, self)
        edit.setObjectName(name)
        edit.setPlaceholderText(self.tr("(none)"))
        edit.setClearButtonEnabled(True)
        return edit

    def _with_browse(self, edit: QLineEdit) -> QWidget:
        box = QWidget(self)
        layout = QHBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(edit, 1)
        browse = QPushButton(self.tr("Browse…"), box)
        browse.setObjectName(f"{edit.objectName()}Browse")
        browse.clicked.connect(lambda: self._on_browse_clicked(edit))
        layout.addWidget(browse)
        box.setFocusProxy(edit)
        return box

    def _on_browse_clicked(self, edit: QLineEdit) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose a PEM file"),
            edit.text() or "",
            self.tr("PEM files (*.pem *.crt *.cer *.key);;All files (*)"),
        )
        if chosen:
            edit.setText(chosen)

    # -- validation -------------------------------------------------------------------------
    def tls_files(self) -> tls.TlsFiles:
        return tls.TlsFiles(
            self.ca_file.text().strip(), self.cert_file.text().strip(), self.key_file.text().strip()
        )

    def values(self) -> dict[str, Any]:
        files = self.tls_files()
        return {
            "coordinator_name": self.coordinator_name.text().strip(),
            "broker_url": self.broker_url.text().strip(),
            "broker_user": self.broker_user.text().strip(),
            "broker_ca_file": files.ca_file,
            "broker_cert_file": files.cert_file,
            "broker_key_file": files.key_file,
            "fund_id": self.fund_id.text().strip(),
            "default_policy": self.policy.currentData(),
            "default_offer_timeout_min": self.timeout.value(),
            "language": self.language.currentData(),
        }

    def validate(self) -> dict[str, str]:
        """Check every field, show each problem next to its field; field -> message."""
        from pydantic import ValidationError  # with the dialog: the window starts without it

        from core.settings import Settings

        problems: dict[str, str] = {}
        values = self.values()
        try:
            Settings.model_validate(values)
        except ValidationError as exc:
            for err in exc.errors():
                name = str(err["loc"][0]) if err["loc"] else "broker_url"
                problems.setdefault(name, self._explain(name, err))
        url_problem = self._check_url(values["broker_url"])
        if url_problem:
            problems.setdefault("broker_url", url_problem)
        else:
            for problem in tls.check(values["broker_url"], self.tls_files()):
                problems.setdefault(problem.field, self._explain_tls(problem))
        if self.password.text() and not values["broker_user"]:
            problems.setdefault("broker_user", self.tr("A password needs a user name."))
        for name, label in self.errors.items():
            text = problems.get(name, "")
            label.setText(text)
            label.setVisible(bool(text))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not problems)
        self._fit()
        return problems

    def _fit(self) -> None:
        """Grow to the wrapped notes' height: layouts alone size a dialog before text wraps."""
        layout = self.layout()
        if layout is None:
            return
        if not self.isVisible():
            return  # the first show sizes the dialog from its size hint
        layout.activate()
        width = max(self.width(), self.minimumSizeHint().width())
        needed = layout.heightForWidth(width) if layout.hasHeightForWidth() else -1
        needed = max(needed, layout.minimumSize().height())
        if self.height() < needed or self.width() < width:
            self.resize(width, max(self.height(), needed))

    def _explain(self, name: str, err: Any) -> str:
        if name == "fund_id":
            if err.get("type") == "string_too_short":
                return self.tr("A fund id is required.")
            if err.get("type") == "string_too_long":
                return self.tr("At most 64 characters.")
            return self.tr("Only Latin letters, digits, '-' and '_'.")
        if name == "coordinator_name":
            return self.tr("At most %1 characters.").replace("%1", str(config.COORDINATOR_NAME_MAX))
        if name == "default_offer_timeout_min":
            return self.tr("Between 1 minute and 7 days.")
        return str(err.get("msg", ""))

    def _explain_tls(self, problem: tls.TlsProblem) -> str:
        return {
            "needs_amqps": self.tr("A CA file or client certificate needs an amqps:// URL."),
            "missing": self.tr("There is no such file."),
            "unreadable": self.tr("This file cannot be read."),
            "not_pem": self.tr("This is not a PEM certificate or key."),
            "cert_without_key": self.tr("A client certificate and its key go together."),
            "key_mismatch": self.tr("This key does not belong to the client certificate."),
        }[problem.kind]

    def _check_url(self, url: str) -> str:
        if not url:
            return self.tr("A broker URL is required.")
        if "," in url:  # a cluster's nodes: each one a URL of its own
            nodes = [u.strip() for u in url.split(",")]
            return next((p for p in map(self._check_url, nodes) if p), "")
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            return self.tr("This is not a URL.")
        if parts.scheme not in ("amqp", "amqps"):
            return self.tr("The URL starts with amqp:// or amqps://.")
        if not parts.hostname:
            return self.tr("The URL needs a host name.")
        if port == 0:
            return self.tr("The port must be between 1 and 65535.")
        # never write a new password into settings.json; one already there (the stock
        # guest:guest URL) is left alone rather than breaking a working connection
        if parts.password is not None and parts.password != self._initial_url_password():
            return self.tr("Put the password in the Password field, not in the URL.")
        return ""

    def _initial_url_password(self) -> str | None:
        try:
            return urlsplit(self._initial.broker_url).password
        except ValueError:
            return None

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit()

    @Slot()
    def _on_field_text_changed(self, *_args: Any) -> None:
        self.validate()

    # -- result -----------------------------------------------------------------------------
    def accept(self) -> None:
        if self.validate():
            return
        from core.settings import Settings

        settings = Settings.model_validate(self.values())
        password = self.password.text()
        if password and self.keyring_ok:
            try:
                self.secrets.set_password(settings.broker_user, password)
            except Exception as exc:  # a locked or broken keyring: say so, keep the dialog open
                log.warning("could not keep the password in the keyring: %s", exc)
                self.errors["password"].setText(
                    self.tr("The system keyring refused the password: %1").replace("%1", str(exc))
                )
                self.errors["password"].show()
                return
            self._password = password
        self._result = settings
        super().accept()

    def changed_values(self) -> dict[str, Any]:
        """The fields the coordinator changed from what was shown; only these are saved."""
        shown = self._initial.model_dump()
        return {k: v for k, v in self._result.model_dump().items() if v != shown.get(k)}

    def result_settings(self) -> Settings:
        """The settings as accepted (the originals if the dialog was cancelled)."""
        return self._result

    def result_password(self) -> str | None:
        """The new password if one was typed and kept in the keyring; None otherwise."""
        return self._password
