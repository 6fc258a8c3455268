"""Console settings: data directory, broker, fund and defaults; the password in the keyring."""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit, urlunsplit

import platformdirs

from core.redaction import redact, without_password
from core.tls import TlsFiles

if TYPE_CHECKING:
    from core.settings import Settings

__all__ = ["redact", "without_password"]  # kept here for callers that know them as config's

log = logging.getLogger(__name__)

APP_NAME = "volunteer-console"
BROKER_ENV = "VOLUNTEER_CONSOLE_BROKER"
PASSWORD_ENV = "VOLUNTEER_CONSOLE_BROKER_PASSWORD"
DEFAULT_BROKER = "amqp://guest:guest@localhost:5672/"
KEYRING_SERVICE = "volunteer-console"
DB_NAME = "console.db"  # in the data directory, beside settings.json
DEFAULT_RETENTION_DAYS = 30
# The coordinator's name goes into every activity row made at the console: a name, not a text.
COORDINATOR_NAME_MAX = 80
DEFAULT_FUND_ID = "1"


def __getattr__(name: str) -> Any:
    # config.Settings as before, loaded when first asked for: the model is in core/settings.py
    # so that the commands that only read (`app list`, `status`) never import pydantic (a
    # fifth of their start); fund_id_of reads the one setting they need.
    if name == "Settings":
        from core.settings import Settings

        return Settings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def settings_path(data_dir: Path) -> Path:
    return data_dir / "settings.json"


class DataDirUnusable(Exception):
    """The data directory cannot be used as given (not a directory, cannot be created)."""


class DataDirMissing(DataDirUnusable):
    """A data directory that does not exist and was not asked for: likely a typo. The window
    may offer to create it; the command line asks for --create."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"the data directory {path} does not exist: check the spelling, or add --create"
            " to start a new, empty one there"
        )


def prepare_data_dir(path: Path, *, create: bool) -> None:
    """Check (and create, for the default location or when asked) a data directory, 0700.

    A mistyped --data-dir must not silently become a new, empty console: only the default
    location (the first run) or an explicit --create makes one."""
    if path.exists():
        if not path.is_dir():
            raise DataDirUnusable(f"the data directory {path} is not a directory")
        return
    if not (create or path == default_data_dir()):
        raise DataDirMissing(path)
    try:
        path.mkdir(parents=True, mode=0o700)
    except OSError as exc:
        raise DataDirUnusable(f"cannot create the data directory {path}: {exc.strerror}") from exc
    os.chmod(path, 0o700)  # mkdir's mode is filtered by the umask


def db_path(data_dir: Path) -> Path:
    """The console's SQLite file: the window, the service and every command open this one."""
    return data_dir / DB_NAME


def load_settings(data_dir: Path) -> Settings:
    from pydantic import ValidationError

    from core.settings import Settings

    path = settings_path(data_dir)
    if not path.exists():
        return Settings()
    try:
        return Settings.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, ValidationError) as exc:
        log.warning("ignoring unreadable settings in %s: %s", path, exc)
        return Settings()


# settings.json's keys and what a plain value of each is: what the console itself writes.
# Every key of Settings is here (tests/core/test_config.py checks), so a file whose every key
# passes is one the model accepts with the same fund id; anything else goes to the model.
_PLAIN_VALUES: dict[str, Any] = {
    "broker_url": str,
    "broker_user": str,
    "broker_password_file": str,
    "broker_ca_file": str,
    "broker_cert_file": str,
    "broker_key_file": str,
    "fund_id": re.compile(r"[A-Za-z0-9_-]{1,64}"),
    "default_policy": ("broadcast", "auto", "timed"),
    "default_offer_timeout_min": range(1, 7 * 24 * 60 + 1),
    "language": ("system", "en", "ru"),
    "retention_days": range(1, 3650 + 1),
    "coordinator_name": 80,  # a string of at most 80 characters
}


def _plain(key: str, value: Any) -> bool:
    want = _PLAIN_VALUES[key]
    if isinstance(want, range):
        return type(value) is int and value in want
    if type(value) is not str:
        return False
    try:
        value.encode("utf-8")  # a lone surrogate from JSON: the model decides
    except UnicodeEncodeError:
        return False
    if isinstance(want, re.Pattern):
        return want.fullmatch(value) is not None
    if isinstance(want, tuple):
        return value in want
    if isinstance(want, int):
        return len(value) <= want
    return True


@dataclass(frozen=True)
class StartSettings:
    """What a console reads of its settings while it starts (Settings' own defaults)."""

    broker_url: str = DEFAULT_BROKER
    broker_user: str = ""
    broker_password_file: str = ""
    language: str = "system"
    retention_days: int = DEFAULT_RETENTION_DAYS
    coordinator_name: str = ""  # trimmed, as the model trims it
    broker_ca_file: str = ""
    broker_cert_file: str = ""
    broker_key_file: str = ""


def _plain_settings(data_dir: Path) -> dict[str, Any] | None:
    """settings.json's keys when the file is plainly valid (what the console writes; {} when
    there is none), else None: the model is to decide, and warn."""
    path = settings_path(data_dir)
    if not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(raw, dict) and all(_plain(k, v) for k, v in raw.items() if k in _PLAIN_VALUES):
        return raw
    return None


def start_settings(data_dir: Path) -> StartSettings | Settings:
    """load_settings(data_dir)'s broker, language, retention, coordinator's name and TLS files,
    without pydantic when the file is plainly valid (what the console writes): the window
    paints before pydantic is loaded. Any other file goes through the model, which decides
    and warns."""
    raw = _plain_settings(data_dir)
    if raw is None:
        return load_settings(data_dir)
    given = {f.name: raw[f.name] for f in fields(StartSettings) if f.name in raw}
    if "coordinator_name" in given:
        given["coordinator_name"] = given["coordinator_name"].strip()
    return StartSettings(**given)


def fund_id_of(data_dir: Path) -> str:
    """load_settings(data_dir).fund_id without pydantic when the file is plainly valid (what
    the console writes); any other file goes through the model, which decides and warns."""
    raw = _plain_settings(data_dir)
    if raw is None:
        return load_settings(data_dir).fund_id
    return str(raw.get("fund_id", DEFAULT_FUND_ID))


def save_settings(data_dir: Path, settings: Settings) -> None:
    path = settings_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.touch(mode=0o600)
    tmp.write_text(settings.model_dump_json(indent=2), encoding="utf-8")
    os.replace(tmp, path)  # atomic: a crash never leaves half a settings file


def update_settings(data_dir: Path, changes: dict[str, object]) -> Settings:
    """Write only what changed: the file keeps every other key as it was (or absent).

    Raises ValueError (pydantic's ValidationError) for a bad value, OSError for a bad disk.
    """
    path = settings_path(data_dir)
    raw: dict[str, object] = {}
    if path.exists():
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            raw = loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError) as exc:
            log.warning("replacing unreadable settings in %s: %s", path, exc)
    raw.update(changes)
    from core.settings import Settings

    settings = Settings.model_validate(raw)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(raw, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
    return settings


def get_password(user: str) -> str | None:
    """The broker password from the system keyring; None when there is none or no keyring."""
    if not user:
        return None
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, user)
    except Exception as exc:  # no backend on a headless server: not an error, just no password
        log.debug("keyring unavailable: %s", exc)
        return None


def set_password(user: str, password: str) -> None:
    """Keep the password in the system keyring; raises RuntimeError when there is no keyring."""
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYRING_SERVICE, user, password)
    except KeyringError as exc:
        raise RuntimeError(f"no system keyring to keep the password in: {exc}") from exc


class BrokerPasswordMissing(Exception):
    """A broker user is set but no password is found: refuse rather than connect as guest."""


def read_password_file(path: Path) -> str:
    """The first line of a password file that only its owner can read (0600 or 0400)."""
    try:
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            raise BrokerPasswordMissing(
                f"the password file {path} can be read by others (mode {mode:o}): chmod 600 {path}"
            )
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise BrokerPasswordMissing(
            f"cannot read the password file {path}: {exc.strerror}"
        ) from exc
    if not lines or not lines[0]:
        raise BrokerPasswordMissing(f"the password file {path} is empty")
    return lines[0]


def broker_password(
    settings: Settings | StartSettings, password_file: Path | None = None
) -> str | None:
    """The broker user's password: a password file (--broker-password-file, else the
    setting), then $VOLUNTEER_CONSOLE_BROKER_PASSWORD, then the system keyring."""
    chosen = password_file or (
        Path(settings.broker_password_file) if settings.broker_password_file else None
    )
    if chosen is not None:
        return read_password_file(chosen)
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    return get_password(settings.broker_user)


def effective_broker_url(
    settings: Settings | StartSettings,
    override: str | None = None,
    *,
    password_file: Path | None = None,
) -> str:
    """The URL to connect with: --broker, then the environment, then settings plus the
    password (file, environment or keyring). Raises BrokerPasswordMissing when a user is set
    and no password is found: connecting as guest instead would hide the mistake.

    A --broker (or environment) URL that names a user but no password takes it from the
    password file or $VOLUNTEER_CONSOLE_BROKER_PASSWORD when one is given, so the password
    never has to be typed into a URL (visible in the process list)."""
    given = override or os.environ.get(BROKER_ENV)
    if given:
        return ",".join(_with_given_password(u, password_file) for u in _nodes(given))
    url = settings.broker_url
    if not settings.broker_user:
        return url
    password = broker_password(settings, password_file)
    if password is None:
        raise BrokerPasswordMissing(
            f"the broker user {settings.broker_user!r} is set but no password was found (no"
            " system keyring here?): put it in a file only you can read (chmod 600) and name"
            f" it with --broker-password-file or broker_password_file in settings.json, or set"
            f" ${PASSWORD_ENV}"
        )
    user = quote(settings.broker_user, safe="")
    return ",".join(_with_user(u, user, quote(password, safe="")) for u in _nodes(url))


def _nodes(url: str) -> list[str]:
    """A broker setting may name several nodes of one cluster, separated by commas; each
    gets the same user and password."""
    return [u.strip() for u in url.split(",") if u.strip()] or [url]


def _with_user(url: str, user: str, password: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    netloc = f"{user}:{password}@{host}"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _with_given_password(url: str, password_file: Path | None) -> str:
    try:
        parts = urlsplit(url)
        if not parts.username or parts.password is not None:
            return url
    except ValueError:
        return url
    if password_file is not None:
        password = read_password_file(password_file)
    elif os.environ.get(PASSWORD_ENV):
        password = os.environ[PASSWORD_ENV]
    else:
        return url
    netloc = f"{parts.username}:{quote(password, safe='')}@{parts.hostname or 'localhost'}"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def effective_tls(
    settings: Settings | StartSettings,
    *,
    ca_file: Path | None = None,
    cert_file: Path | None = None,
    key_file: Path | None = None,
) -> TlsFiles:
    """The TLS files for this run: each command-line option, else its setting."""
    return TlsFiles(
        str(ca_file) if ca_file else settings.broker_ca_file,
        str(cert_file) if cert_file else settings.broker_cert_file,
        str(key_file) if key_file else settings.broker_key_file,
    )
