"""broker-setup: a fund's vhost, console user and volunteer-side user with least privilege."""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import shlex
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from core import messages as m
from core.broker.topology import DEAD_LETTER_EXCHANGE
from core.replication.names import COMMANDS_EXCHANGE

# The volunteer side names its own queues volunteer_app.fund.<F>.<anything>, or lets the
# broker name them (amq.gen-..., exclusive to their connection): see "Broker users and
# permissions" in resources/CONTRACT.md.
VOLUNTEER_QUEUE_PREFIX = "volunteer_app.fund"
NOTHING = "^$"  # a regex no object or routing key matches (RabbitMQ's "no permission")
TIMEOUT = 15.0


class BrokerSetupFailed(Exception):
    """The management API refused or could not be reached; the message says which and why."""


@dataclass(frozen=True)
class TopicGrant:
    exchange: str
    write: str
    read: str


@dataclass(frozen=True)
class UserGrant:
    """One user's vhost permissions (configure, write, read regexes) and topic permissions."""

    name: str
    password_file: Path
    configure: str
    write: str
    read: str
    topics: tuple[TopicGrant, ...]


@dataclass(frozen=True)
class Plan:
    fund_id: str
    vhost: str
    create_vhost: bool
    exchanges: tuple[str, ...]
    users: tuple[UserGrant, ...] = field(default_factory=tuple)


def _alternatives(*names: str) -> str:
    return "(" + "|".join(names) + ")"


def plan(
    fund_id: str,
    *,
    vhost: str,
    create_vhost: bool,
    console_user: str,
    console_password_file: Path,
    volunteer_user: str,
    volunteer_password_file: Path,
) -> Plan:
    """What the fund's two users may do, as narrow as the contract allows.

    The console of fund F: configure only its own queues (consumed, dead letters, and the
    replication's log, lease and commands; an administrator, this command, declares the
    shared exchanges); publish to queue 1, queue 2, the dead-letter and commands exchanges
    with keys fund.F.* only, and its log through the default exchange; read its queues and
    bind them to fund.F.* keys.
    The volunteer side of fund F: publish responses only as fund.F.response.* and waitlist
    requests only as fund.F.waiting.*; bind its own queues to fund.F.* keys of queue 1 and
    queue 2; never touch the console's queues or another fund's keys."""
    f = re.escape(fund_id)
    fund_keys = rf"^fund\.{f}\."
    esc = re.escape
    # its consumed queues and dead letters, and the replication's decision log (a stream),
    # lease (an exclusive queue) and commands queue
    console_queues = (
        rf"volunteer_console\.fund\.{f}\.(responses|waiting|dead_letters|log|lease|commands)"
    )
    waiting, notification, response = (
        esc(m.WAITING_EXCHANGE),
        esc(m.NOTIFICATION_EXCHANGE),
        esc(m.RESPONSE_EXCHANGE),
    )
    dlx = esc(DEAD_LETTER_EXCHANGE)
    commands = esc(COMMANDS_EXCHANGE)
    console = UserGrant(
        console_user,
        console_password_file,
        configure=rf"^{console_queues}$",
        # amq.default: the decision log is published through the default exchange. RabbitMQ
        # checks only the exchange there, so this user could write into any queue of the
        # vhost by name: give each fund its own vhost (--create-vhost).
        write="^"
        + _alternatives(waiting, notification, dlx, commands, r"amq\.default", console_queues)
        + "$",
        read="^" + _alternatives(response, waiting, dlx, commands, console_queues) + "$",
        topics=(
            TopicGrant(COMMANDS_EXCHANGE, rf"^fund\.{f}\.command\.", rf"^fund\.{f}\.command\."),
            TopicGrant(m.WAITING_EXCHANGE, fund_keys, fund_keys),
            TopicGrant(m.NOTIFICATION_EXCHANGE, fund_keys, NOTHING),
            TopicGrant(m.RESPONSE_EXCHANGE, NOTHING, rf"^fund\.{f}\.response\."),
            TopicGrant(DEAD_LETTER_EXCHANGE, fund_keys, fund_keys),
        ),
    )
    own_queues = rf"({esc(VOLUNTEER_QUEUE_PREFIX)}\.{f}\..+|amq\.gen-.+)"
    volunteer = UserGrant(
        volunteer_user,
        volunteer_password_file,
        configure=rf"^{own_queues}$",
        write="^" + _alternatives(response, waiting, own_queues) + "$",
        read="^" + _alternatives(waiting, notification, own_queues) + "$",
        topics=(
            TopicGrant(m.RESPONSE_EXCHANGE, rf"^fund\.{f}\.response\.", NOTHING),
            TopicGrant(m.WAITING_EXCHANGE, rf"^fund\.{f}\.waiting\.", fund_keys),
            TopicGrant(m.NOTIFICATION_EXCHANGE, NOTHING, fund_keys),
        ),
    )
    return Plan(
        fund_id,
        vhost,
        create_vhost,
        exchanges=(*m.EXCHANGES, DEAD_LETTER_EXCHANGE, COMMANDS_EXCHANGE),
        users=(console, volunteer),
    )


def rabbitmqctl_lines(p: Plan) -> list[str]:
    """The same plan as rabbitmqctl commands, for an operator without the management API.
    Passwords are read from their files by the shell, never printed."""
    q = shlex.quote
    vh = q(p.vhost)
    lines = [f"# fund {p.fund_id}, vhost {p.vhost}"]
    if p.create_vhost:
        lines.append(f"rabbitmqctl add_vhost {vh}")
    for name in p.exchanges:
        # rabbitmqctl cannot declare exchanges; rabbitmqadmin (the management plugin) can
        lines.append(
            f"rabbitmqadmin --vhost={vh} declare exchange name={q(name)} type=topic durable=true"
        )
    for user in p.users:
        lines.append(f'rabbitmqctl add_user {q(user.name)} "$(cat {q(str(user.password_file))})"')
        lines.append(
            f"rabbitmqctl set_permissions -p {vh} {q(user.name)}"
            f" {q(user.configure)} {q(user.write)} {q(user.read)}"
        )
        for t in user.topics:
            lines.append(
                f"rabbitmqctl set_topic_permissions -p {vh} {q(user.name)}"
                f" {q(t.exchange)} {q(t.write)} {q(t.read)}"
            )
    return lines


# -- passwords ------------------------------------------------------------------------------


def password_for(path: Path, *, create: bool) -> tuple[str, bool]:
    """The password kept in path (0600), or a new random one written there; (password, new)."""
    from core.config import read_password_file

    if path.exists():
        return read_password_file(path), False
    password = secrets.token_urlsafe(24)
    if create:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(password + "\n")
    return password, True


# -- the management HTTP API ------------------------------------------------------------------


class ManagementApi:
    """A few PUT/GET calls of RabbitMQ's management HTTP API through urllib: six endpoints do
    not need a client library, and urllib comes with Python."""

    def __init__(
        self,
        url: str,
        user: str,
        password: str,
        timeout: float = TIMEOUT,
        *,
        ca_file: Path | None = None,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise BrokerSetupFailed(
                f"--management-url: an http:// or https:// URL, e.g. http://HOST:15672/ (got {url})"
            )
        netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
        self.base = urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))
        self.user = user
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        self._auth = f"Basic {token}"
        self.timeout = timeout
        # https: verified like amqps://, against the system's CAs or only the one given
        try:
            self._context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
        except (OSError, ssl.SSLError) as exc:
            raise BrokerSetupFailed(f"--management-ca-file: cannot load {ca_file}: {exc}") from None

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.base}/api/{path}",
            data=data,
            method=method,
            headers={"Authorization": self._auth, "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(
                request, timeout=self.timeout, context=self._context
            ) as reply:
                text = reply.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 404 and method == "GET":
                return None
            detail = exc.read().decode(errors="replace")[:300]
            if exc.code == 401:
                raise BrokerSetupFailed(
                    f"the management API refused the user {self.user!r} (wrong password, or"
                    " not tagged administrator)"
                ) from None
            raise BrokerSetupFailed(
                f"the management API refused {method} /api/{path}: HTTP {exc.code} {detail}"
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, ssl.SSLCertVerificationError):
                raise BrokerSetupFailed(
                    f"the management API's certificate at {self.base} is not accepted"
                    f" ({reason.verify_message}): give the CA that signed it with"
                    " --management-ca-file, and use a host name the certificate carries"
                ) from None
            raise BrokerSetupFailed(
                f"cannot reach the management API at {self.base} ({reason}): is the"
                " rabbitmq_management plugin enabled there?"
            ) from None
        return json.loads(text) if text else None


def _path(*parts: str) -> str:
    return "/".join(quote(p, safe="") for p in parts)


def apply(p: Plan, api: ManagementApi) -> list[str]:
    """Create or update everything in the plan; one line per thing done. Idempotent: a second
    run sets the same permissions and the passwords kept in their files."""
    done: list[str] = []
    if p.create_vhost:
        existed = api.call("GET", _path("vhosts", p.vhost)) is not None
        api.call("PUT", _path("vhosts", p.vhost), {})
        done.append(f"vhost {p.vhost}: {'already there' if existed else 'created'}")
    elif api.call("GET", _path("vhosts", p.vhost)) is None:
        raise BrokerSetupFailed(f"there is no vhost {p.vhost!r}: add --create-vhost to create it")
    # The administrator declares the shared exchanges: the console user may not configure
    # them. A vhost just created grants nobody anything, the administrator included.
    if api.call("GET", _path("permissions", p.vhost, api.user)) is None:
        api.call(
            "PUT",
            _path("permissions", p.vhost, api.user),
            {"configure": ".*", "write": ".*", "read": ".*"},
        )
        done.append(f"administrator {api.user}: full permissions on {p.vhost}")
    for name in p.exchanges:
        api.call(
            "PUT",
            _path("exchanges", p.vhost, name),
            {"type": "topic", "durable": True, "auto_delete": False, "internal": False},
        )
        done.append(f"exchange {name}: durable topic")
    for user in p.users:
        password, new = password_for(user.password_file, create=True)
        api.call("PUT", _path("users", user.name), {"password": password, "tags": ""})
        where = "new password written to" if new else "password from"
        done.append(f"user {user.name}: {where} {user.password_file}")
        api.call(
            "PUT",
            _path("permissions", p.vhost, user.name),
            {"configure": user.configure, "write": user.write, "read": user.read},
        )
        done.append(
            f"  permissions on {p.vhost}: configure {user.configure}  write {user.write}"
            f"  read {user.read}"
        )
        for t in user.topics:
            api.call(
                "PUT",
                _path("topic-permissions", p.vhost, user.name),
                {"exchange": t.exchange, "write": t.write, "read": t.read},
            )
            done.append(f"  topic {t.exchange}: write {t.write}  read {t.read}")
    return done
