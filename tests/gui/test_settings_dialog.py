"""Settings dialog: problems shown beside their fields, the password only ever in the keyring."""

from __future__ import annotations

import json

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from core.config import KEYRING_SERVICE, Settings, get_password, save_settings
from core.service import ConsoleCore
from core.tls import TlsFiles
from gui.bridge import Bridge
from gui.main_window import MainWindow
from gui.settings_dialog import SettingsDialog
from tests.helpers.qt import run_coro
from tests.helpers.tls import TestCA


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in a dict: the machine has no secret service to test against."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


@pytest.fixture
def memory_keyring():
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(before)


@pytest.fixture
def no_keyring():
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)


def ok_button(dialog: SettingsDialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_accepted_settings_come_back_and_the_password_goes_to_the_keyring(
    qtbot, memory_keyring, tmp_path
):
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.broker_url.setText("amqps://rabbit.fund.example:5671/console")
    dialog.broker_user.setText("coordinator")
    dialog.password.setText("s3cret:/@")
    dialog.fund_id.setText("fund-42")
    dialog.policy.setCurrentIndex(dialog.policy.findData("timed"))
    dialog.timeout.setValue(45)
    dialog.language.setCurrentIndex(dialog.language.findData("ru"))

    ok_button(dialog).click()

    assert dialog.result() == QDialog.DialogCode.Accepted
    s = dialog.result_settings()
    assert (s.broker_url, s.broker_user, s.fund_id) == (
        "amqps://rabbit.fund.example:5671/console",
        "coordinator",
        "fund-42",
    )
    assert (s.default_policy, s.default_offer_timeout_min, s.language) == ("timed", 45, "ru")
    assert dialog.result_password() == "s3cret:/@"
    assert memory_keyring.secrets == {(KEYRING_SERVICE, "coordinator"): "s3cret:/@"}
    save_settings(tmp_path, s)
    assert "s3cret" not in (tmp_path / "settings.json").read_text(encoding="utf-8")
    assert json.loads((tmp_path / "settings.json").read_text())["fund_id"] == "fund-42"


def test_a_bad_fund_id_is_shown_beside_its_field_and_blocks_ok(qtbot, memory_keyring):
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.fund_id.setText("фонд 1")
    assert not dialog.errors["fund_id"].isHidden()
    assert "Latin letters" in dialog.errors["fund_id"].text()
    assert not ok_button(dialog).isEnabled()
    dialog.accept()  # even if forced, nothing is accepted
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.result_settings() == Settings()

    dialog.fund_id.setText("")
    assert dialog.errors["fund_id"].text() == "A fund id is required."
    dialog.fund_id.setText("f1")
    assert dialog.errors["fund_id"].isHidden()
    assert ok_button(dialog).isEnabled()


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("", "A broker URL is required."),
        ("http://host/", "The URL starts with amqp:// or amqps://."),
        ("amqp://", "The URL needs a host name."),
        ("amqp://host:99999/", "This is not a URL."),
        ("amqp://u:pw@host/", "Put the password in the Password field, not in the URL."),
        # a cluster's nodes: each one checked as a URL of its own
        ("amqp://rabbit1:5672,http://rabbit2/", "The URL starts with amqp:// or amqps://."),
        (
            "amqp://rabbit1/,amqp://u:pw@rabbit2/",
            "Put the password in the Password field, not in the URL.",
        ),
    ],
)
def test_a_bad_broker_url_says_what_is_wrong(qtbot, memory_keyring, url, problem):
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.broker_url.setText(url)
    assert dialog.errors["broker_url"].text() == problem
    assert not ok_button(dialog).isEnabled()


def test_a_clusters_nodes_separated_by_commas_are_a_valid_broker_setting(qtbot, memory_keyring):
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.broker_url.setText("amqp://rabbit1:5672,amqp://rabbit2:5672, amqp://rabbit3:5672")
    assert dialog.errors["broker_url"].isHidden() and ok_button(dialog).isEnabled()


def test_a_password_without_a_user_is_refused(qtbot, memory_keyring):
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.password.setText("pw")
    assert dialog.errors["broker_user"].text() == "A password needs a user name."
    dialog.broker_user.setText("u")
    assert dialog.errors["broker_user"].isHidden()


def test_a_stored_password_is_not_shown_and_kept_when_left_blank(qtbot, memory_keyring):
    memory_keyring.set_password(KEYRING_SERVICE, "u", "old")
    dialog = SettingsDialog(Settings(broker_user="u"))
    qtbot.addWidget(dialog)
    assert dialog.password.text() == ""
    assert "keyring" in dialog.password.placeholderText()
    ok_button(dialog).click()
    assert dialog.result_password() is None
    assert get_password("u") == "old"


def test_without_a_keyring_the_dialog_says_so_and_saves_no_password(qtbot, no_keyring, tmp_path):
    dialog = SettingsDialog(Settings(broker_user="u"))
    qtbot.addWidget(dialog)
    assert not dialog.password.isEnabled()
    assert "No system keyring" in dialog.password_note.text()
    assert "--broker-password-file" in dialog.password_note.text()
    assert "VOLUNTEER_CONSOLE_BROKER_PASSWORD" in dialog.password_note.text()
    dialog.password.setText("typed anyway")  # programmatically, as the field is disabled
    ok_button(dialog).click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.result_password() is None
    save_settings(tmp_path, dialog.result_settings())
    assert "typed anyway" not in (tmp_path / "settings.json").read_text(encoding="utf-8")


def test_a_keyring_that_refuses_keeps_the_dialog_open_with_the_reason(qtbot, memory_keyring):
    from keyring.errors import PasswordSetError

    def refuse(service: str, username: str, password: str) -> None:
        raise PasswordSetError("the keyring is locked")

    memory_keyring.set_password = refuse  # type: ignore[method-assign]
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.broker_user.setText("u")
    dialog.password.setText("pw")
    ok_button(dialog).click()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "the keyring is locked" in dialog.errors["password"].text()
    assert dialog.result_password() is None


def test_the_stock_guest_url_stays_valid_but_a_new_password_in_a_url_does_not(
    qtbot, memory_keyring
):
    dialog = SettingsDialog(Settings(broker_url="amqp://guest:guest@localhost:5672/"))
    qtbot.addWidget(dialog)
    assert dialog.errors["broker_url"].isHidden()
    dialog.broker_url.setText("amqp://guest:hunter2@localhost:5672/")
    assert not dialog.errors["broker_url"].isHidden()


# -- TLS: CA file, client certificate and key ----------------------------------------------------


def test_tls_files_are_checked_as_typed_and_named_beside_their_field(
    qtbot, memory_keyring, tmp_path
):
    ca = TestCA(tmp_path / "ca")
    client = ca.issue("console", client=True)
    junk = tmp_path / "junk.pem"
    junk.write_text("hello\n")
    dialog = SettingsDialog(Settings(broker_url="amqp://rabbit/"))
    qtbot.addWidget(dialog)
    dialog.ca_file.setText(str(ca.ca_file))
    assert dialog.errors["broker_url"].text() == (
        "A CA file or client certificate needs an amqps:// URL."
    )
    assert not ok_button(dialog).isEnabled()
    dialog.broker_url.setText("amqps://rabbit/")
    assert dialog.errors["broker_url"].isHidden() and ok_button(dialog).isEnabled()
    dialog.ca_file.setText(str(tmp_path / "missing.pem"))
    assert dialog.errors["broker_ca_file"].text() == "There is no such file."
    dialog.ca_file.setText(str(junk))
    assert dialog.errors["broker_ca_file"].text() == "This is not a PEM certificate or key."
    dialog.ca_file.setText(str(ca.ca_file))
    dialog.cert_file.setText(str(client.cert))
    assert dialog.errors["broker_key_file"].text() == (
        "A client certificate and its key go together."
    )
    dialog.key_file.setText(str(TestCA(tmp_path / "other", "Other").issue("x").key))
    assert dialog.errors["broker_key_file"].text() == (
        "This key does not belong to the client certificate."
    )
    dialog.key_file.setText(str(client.key))
    assert [n for n, label in dialog.errors.items() if not label.isHidden()] == []
    ok_button(dialog).click()
    assert dialog.changed_values() == {
        "broker_url": "amqps://rabbit/",
        "broker_ca_file": str(ca.ca_file),
        "broker_cert_file": str(client.cert),
        "broker_key_file": str(client.key),
    }


def test_the_window_shows_this_runs_tls_files_and_saves_a_changed_one_through_the_bridge(
    qtbot, qloop, tmp_path
):
    ca = TestCA(tmp_path / "ca")
    client = ca.issue("console", client=True)
    data = tmp_path / "data"
    # as --broker-ca-file gives it: the run's file, not the settings' (none)
    core = ConsoleCore(
        data, "77", "amqps://guest:guest@127.0.0.1:9/", tls=TlsFiles(str(ca.ca_file))
    )
    bridge = Bridge(core)
    w = MainWindow(bridge, qsettings=QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    try:
        dlg = w.open_settings()
        assert dlg.ca_file.text() == str(ca.ca_file)
        assert (dlg.cert_file.text(), dlg.key_file.text()) == ("", "")
        dlg.cert_file.setText(str(client.cert))
        dlg.key_file.setText(str(client.key))
        ok_button(dlg).click()
        assert json.loads((data / "settings.json").read_text(encoding="utf-8")) == {
            "broker_cert_file": str(client.cert),
            "broker_key_file": str(client.key),
        }
    finally:
        bridge.shutdown()
        run_coro(qtbot, core.stop())


def test_the_coordinators_name_is_trimmed_limited_and_saved_through_the_bridge(
    qtbot, qloop, tmp_path
):
    data = tmp_path / "data"
    core = ConsoleCore(data, "77", "amqp://guest:guest@127.0.0.1:9/", replicate=False)
    bridge = Bridge(core)
    w = MainWindow(bridge, qsettings=QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    try:
        dlg = w.open_settings()
        assert dlg.coordinator_name.text() == ""
        dlg.coordinator_name.setText("Anna " + "x" * 200)
        assert len(dlg.coordinator_name.text()) == 80  # typing stops at the contract's limit
        dlg.coordinator_name.setText("  Anna Petrova  ")
        ok_button(dlg).click()
        assert json.loads((data / "settings.json").read_text(encoding="utf-8")) == {
            "coordinator_name": "Anna Petrova"
        }
        assert w.open_settings().coordinator_name.text() == "Anna Petrova"
    finally:
        bridge.shutdown()
        run_coro(qtbot, core.stop())


def test_a_name_set_for_this_run_is_shown_and_goes_with_its_decisions(qtbot, qloop, tmp_path):
    data = tmp_path / "data"
    core = ConsoleCore(
        data, "77", "amqp://guest:guest@127.0.0.1:9/", replicate=False, coordinator_name=" Ivan "
    )
    bridge = Bridge(core)
    w = MainWindow(bridge, qsettings=QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    try:
        assert core.engine.actor == "coordinator Ivan"
        dlg = w.open_settings()
        assert dlg.coordinator_name.text() == "Ivan"
        ok_button(dlg).click()  # nothing changed: the run's name is not written to the file
        assert not (data / "settings.json").exists()
    finally:
        bridge.shutdown()
        run_coro(qtbot, core.stop())
