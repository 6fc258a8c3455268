"""Settings file, the keyring password and which broker URL wins."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordSetError

from core import config
from core.config import Settings, effective_broker_url, load_settings, redact, save_settings

ROOT = Path(__file__).resolve().parents[2]


class MemoryKeyring(KeyringBackend):
    """A keyring kept in a dict: the system keyring service does not exist on a test machine."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


class LockedKeyring(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise PasswordSetError("keyring is locked")


@pytest.fixture
def ring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    monkeypatch.delenv(config.BROKER_ENV, raising=False)
    yield backend
    keyring.set_keyring(previous)


def test_settings_round_trip(tmp_path: Path) -> None:
    s = Settings(
        broker_url="amqp://rabbit.fund.example:5673/vh",
        broker_user="console",
        fund_id="fund-7",
        default_policy="timed",
        default_offer_timeout_min=45,
        language="ru",
    )
    save_settings(tmp_path / "data", s)
    assert load_settings(tmp_path / "data") == s
    assert not (tmp_path / "data" / "settings.tmp").exists()


def test_missing_settings_file_gives_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path) == Settings()


@pytest.mark.parametrize(
    "text",
    ["{not json", "[1, 2]", '{"fund_id": "has space"}', '{"default_offer_timeout_min": 0}', "\xff"],
)
def test_bad_settings_file_is_ignored(tmp_path: Path, text: str) -> None:
    config.settings_path(tmp_path).write_text(text, encoding="latin-1")
    assert load_settings(tmp_path) == Settings()


def test_unknown_keys_in_the_settings_file_are_ignored(tmp_path: Path) -> None:
    config.settings_path(tmp_path).write_text('{"fund_id": "9", "theme": "dark"}')
    assert load_settings(tmp_path) == Settings(fund_id="9")


# settings files for fund_id_of: plain ones it reads itself, and every kind it hands to the model
SETTINGS_FILES = [
    '{"fund_id": "fund-7", "coordinator_name": "Анна", "retention_days": 90}',
    '{"fund_id": "9", "theme": "dark", "language": "ru", "default_policy": "timed"}',
    '{"broker_url": "amqp://h/", "default_offer_timeout_min": 10080}',
    "{}",
    "{not json",
    "[1, 2]",
    "\xff",
    '{"fund_id": "has space"}',
    '{"fund_id": "x\\n"}',
    '{"fund_id": ""}',
    '{"fund_id": 7}',
    '{"fund_id": "' + "a" * 65 + '"}',
    '{"fund_id": "5", "default_offer_timeout_min": 0}',
    '{"fund_id": "5", "default_offer_timeout_min": "30"}',
    '{"fund_id": "5", "default_offer_timeout_min": 30.0}',
    '{"fund_id": "5", "retention_days": true}',
    '{"fund_id": "5", "language": "de"}',
    '{"fund_id": "5", "coordinator_name": "' + "b" * 81 + '"}',
    '{"fund_id": "5", "broker_user": null}',
    '{"fund_id": "5", "broker_user": "\\ud800"}',
]


@pytest.mark.parametrize("text", SETTINGS_FILES)
def test_the_fund_id_read_without_the_model_is_the_models(tmp_path: Path, text: str) -> None:
    config.settings_path(tmp_path).write_text(
        text, encoding="latin-1" if "\xff" in text else "utf-8"
    )
    assert config.fund_id_of(tmp_path) == load_settings(tmp_path).fund_id


def test_the_plain_reading_knows_every_setting() -> None:
    # a setting added to the model but not to the plain reading would let a file the model
    # refuses (and so reads as the defaults) give its fund id
    assert set(config._PLAIN_VALUES) == set(Settings.model_fields)


def test_redact_hides_only_the_password() -> None:
    assert redact("amqp://bob:s3cret@host:5672/vh") == "amqp://bob:***@host:5672/vh"
    assert redact("amqp://bob:s3cret@host/") == "amqp://bob:***@host/"
    assert redact("amqp://host:5672/") == "amqp://host:5672/"


def test_override_beats_environment_and_settings(
    ring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(config.BROKER_ENV, "amqp://env@envhost/")
    assert effective_broker_url(Settings(), "amqp://cli@clihost/") == "amqp://cli@clihost/"


def test_environment_beats_settings_and_keyring(
    ring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    ring.set_password(config.KEYRING_SERVICE, "console", "pw")
    monkeypatch.setenv(config.BROKER_ENV, "amqp://env@envhost/")
    s = Settings(broker_url="amqp://host/", broker_user="console")
    assert effective_broker_url(s) == "amqp://env@envhost/"


def test_settings_url_gets_the_keyring_password(ring: MemoryKeyring) -> None:
    config.set_password("con sole", "p@ss:/word")
    s = Settings(broker_url="amqp://rabbit:5673/vh", broker_user="con sole")
    url = effective_broker_url(s)
    assert url == "amqp://con%20sole:p%40ss%3A%2Fword@rabbit:5673/vh"
    assert redact(url) == "amqp://con%20sole:***@rabbit:5673/vh"


def test_a_broker_user_without_any_password_is_refused_not_connected_as_guest(
    ring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(config.PASSWORD_ENV, raising=False)
    s = Settings(broker_url="amqp://guest:guest@localhost:5672/", broker_user="nobody")
    with pytest.raises(config.BrokerPasswordMissing) as info:
        effective_broker_url(s)
    assert str(info.value).startswith(
        "the broker user 'nobody' is set but no password was found (no system keyring here?)"
    )
    assert effective_broker_url(Settings()) == config.DEFAULT_BROKER  # no user: as it is


def test_a_server_reads_the_password_from_a_private_file_or_the_environment(
    ring: MemoryKeyring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(config.PASSWORD_ENV, raising=False)
    secret = tmp_path / "broker.pw"
    secret.write_text("s3cr/t\n", encoding="utf-8")
    secret.chmod(0o600)
    s = Settings(broker_url="amqps://rabbit.example:5671/", broker_user="console")
    assert effective_broker_url(s, password_file=secret) == (
        "amqps://console:s3cr%2Ft@rabbit.example:5671/"
    )
    in_settings = s.model_copy(update={"broker_password_file": str(secret)})
    assert effective_broker_url(in_settings) == "amqps://console:s3cr%2Ft@rabbit.example:5671/"
    secret.chmod(0o644)
    with pytest.raises(config.BrokerPasswordMissing) as info:
        effective_broker_url(s, password_file=secret)
    assert str(info.value) == (
        f"the password file {secret} can be read by others (mode 644): chmod 600 {secret}"
    )
    monkeypatch.setenv(config.PASSWORD_ENV, "from-env")
    assert effective_broker_url(s) == "amqps://console:from-env@rabbit.example:5671/"


def test_the_command_line_refuses_a_missing_password_in_one_line_and_warns_of_one_in_the_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import subprocess
    import sys

    from core import cli

    save_settings(tmp_path, Settings(broker_user="console"))
    env = {k: v for k, v in __import__("os").environ.items() if k != config.PASSWORD_ENV}
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "main.py", "--headless", "--data-dir", str(tmp_path)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("error: the broker user 'console' is set but no password")
    assert len(done.stderr.splitlines()) == 1
    args = cli.parse_args(["--data-dir", str(tmp_path), "--broker", "amqp://u:pw@h/"])
    with caplog.at_level("WARNING"):
        assert cli.broker_url(args) == "amqp://u:pw@h/"
    assert "visible to other users in the process list" in caplog.text


def test_locked_keyring_refuses_to_keep_a_password_with_a_reason(ring: MemoryKeyring) -> None:
    keyring.set_keyring(LockedKeyring())
    with pytest.raises(RuntimeError, match=r"^no system keyring to keep the password in: keyring"):
        config.set_password("console", "pw")
    assert config.get_password("console") is None
    assert config.get_password("") is None


def test_invalid_settings_are_refused_on_assignment() -> None:
    s = Settings()
    with pytest.raises(ValueError, match="fund_id"):
        s.fund_id = "a.b"


def test_a_broker_url_with_a_user_takes_the_password_from_the_file_not_the_command_line(
    ring: MemoryKeyring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "console.pw"
    secret.write_text("p@ss/1\n")
    secret.chmod(0o600)
    given = "amqps://volunteer-console-42@rabbit:5671/fund-42"
    assert effective_broker_url(Settings(), given, password_file=secret) == (
        "amqps://volunteer-console-42:p%40ss%2F1@rabbit:5671/fund-42"
    )
    monkeypatch.setenv(config.PASSWORD_ENV, "from-env")
    assert effective_broker_url(Settings(), given) == (
        "amqps://volunteer-console-42:from-env@rabbit:5671/fund-42"
    )
    # a password written in the URL is used as written; no user, nothing to add
    assert effective_broker_url(Settings(), "amqp://u:pw@h/", password_file=secret) == (
        "amqp://u:pw@h/"
    )
    assert effective_broker_url(Settings(), "amqp://h/", password_file=secret) == "amqp://h/"


def test_a_clusters_nodes_each_get_the_settings_user_and_password_and_every_password_is_hidden(
    ring: MemoryKeyring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(config.PASSWORD_ENV, raising=False)
    config.set_password("console", "pw/1")
    s = Settings(broker_url="amqp://rabbit1/fund, amqp://rabbit2:5673/fund", broker_user="console")
    url = effective_broker_url(s)
    assert url == "amqp://console:pw%2F1@rabbit1/fund,amqp://console:pw%2F1@rabbit2:5673/fund"
    assert redact(url) == "amqp://console:***@rabbit1/fund,amqp://console:***@rabbit2:5673/fund"
    # --broker naming users only: the password file fills in each node's.
    secret = tmp_path / "broker.pw"
    secret.write_text("s3cr/t\n", encoding="utf-8")
    secret.chmod(0o600)
    given = "amqp://c@rabbit1/,amqp://c@rabbit2/"
    assert effective_broker_url(Settings(), given, password_file=secret) == (
        "amqp://c:s3cr%2Ft@rabbit1/,amqp://c:s3cr%2Ft@rabbit2/"
    )


START_FILES = [
    *SETTINGS_FILES,
    '{"language": "ru", "retention_days": 60, "coordinator_name": "  Anna  "}',
    '{"broker_url": "amqps://rabbit:5671/", "broker_user": "u", "broker_password_file": "p.pw"}',
    '{"broker_ca_file": "ca.pem", "broker_cert_file": "c.pem", "broker_key_file": "k.pem"}',
    '{"language": "en", "coordinator_name": 5}',
]


@pytest.mark.parametrize("text", START_FILES)
def test_the_settings_read_at_start_without_the_model_are_the_models(
    tmp_path: Path, text: str
) -> None:
    config.settings_path(tmp_path).write_text(
        text, encoding="latin-1" if "\xff" in text else "utf-8"
    )
    early, model = config.start_settings(tmp_path), load_settings(tmp_path)
    for f in fields(config.StartSettings):
        assert getattr(early, f.name) == getattr(model, f.name), f.name


def test_the_settings_read_at_start_have_the_models_defaults(tmp_path: Path) -> None:
    assert isinstance(config.start_settings(tmp_path), config.StartSettings)  # no file
    for f in fields(config.StartSettings):
        assert getattr(config.StartSettings(), f.name) == getattr(Settings(), f.name), f.name


def test_reading_plain_settings_at_start_loads_no_pydantic(tmp_path: Path) -> None:
    save_settings(tmp_path, Settings(language="ru", retention_days=90))
    code = (
        "import sys; from pathlib import Path; from core import config\n"
        f"s = config.start_settings(Path({str(tmp_path)!r}))\n"
        "print(type(s).__name__, s.language, s.retention_days, 'pydantic' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["StartSettings", "ru", "90", "False"]
