"""The command line: options, the app subcommands, the headless service and the simulator."""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import logging
import os
import re
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

if TYPE_CHECKING:
    from core.engine import ApplicationForm, Engine

from core import cli_shift, config, tls
from core.clock import Clock, SystemClock, local_now
from core.kinds import RefusalKind, refuse
from core.lock import DataDirBusy, DataDirLock
from core.queries import AppDetail, AppSummary, Queries, RosterRow
from core.records import Activity
from core.redaction import scrub, url_secrets
from core.rules import MAX_CAPACITY, MAX_OFFER_TIMEOUT_MIN, POLICIES
from core.storage import (
    SCHEMA_VERSION,
    FundMismatch,
    Store,
    StoreDamaged,
    StoreUnusable,
    damage_of,
)

log = logging.getLogger(__name__)

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_DAMAGED = 0, 1, 2, 3
_FUND_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

ROOT_DESCRIPTION = """\
Volunteer Console: fill a charity fund's volunteer shifts. Volunteers answer over RabbitMQ;
the console applies the spot and waitlist rules and keeps everything in a local SQLite file.

Without a subcommand it opens the window. --headless runs the same rules as a service with
no window (for a fund's server). The subcommands below work on the same data directory
while a window or service runs: it picks up their changes and sends the messages."""

ROOT_EPILOG = """\
examples:
  volunteer-console                         open the window
  volunteer-console --demo                  the window plus simulated volunteers
  volunteer-console --headless              run as a service; Ctrl+C or SIGTERM stops it
  volunteer-console app create --name "Park clean-up" --spots 5 \\
      --date 2026-12-05 --start 14:00 --end 18:00
  volunteer-console app list                all applications as a table (--json for scripts)
  volunteer-console app show 123456789      roster, waitlist and offer round of one application
  volunteer-console simulate --volunteers 20 --rate 5 --seed 1
  volunteer-console --data-dir /srv/fund app list --fund-id 42
  volunteer-console install-desktop-entry   add the console to the desktop's menu

common options (--data-dir, --broker, --fund-id, -v) go before or after the subcommand.
The broker URL comes from --broker, else $VOLUNTEER_CONSOLE_BROKER, else settings.json plus
the password kept in the system keyring, else amqp://guest:guest@localhost:5672/.
Passwords are never printed.

exit codes: 0 done, 1 refused or failed (the reason is printed), 2 bad usage or input,
3 the database is damaged (nothing was decided on it; see `volunteer-console restore`)."""

APP_EPILOG = """\
examples:
  volunteer-console app create --name "Food bank" --spots 3 --date 2026-12-01 \\
      --start 09:00 --end 13:00 --policy auto
  volunteer-console app list --json
  volunteer-console app capacity 123456789 8
  volunteer-console app remove 123456789 volunteer42
  volunteer-console app close 123456789

Changes are written to the local database. A window or headless service of the same data
directory sends the resulting messages to volunteers; with none running they wait in the
outbox and go out when one starts."""

VOLUNTEERS_EPILOG = """\
examples:
  volunteer-console volunteers import volunteers.csv --dry-run
  volunteer-console volunteers import volunteers.csv
  volunteer-console volunteers list --json

volunteers.csv:
  id;name;phone;notes
  789;Anna Petrova;+7 900 123-45-67;has a car"""

SIMULATE_EPILOG = """\
examples:
  volunteer-console simulate                       20 volunteers answer the newest open application
  volunteer-console simulate --volunteers 12 --rate 10 --seed 7 --application 123456789
  volunteer-console simulate --withdraw-ratio 0 --duration 30

A console or headless service of the same fund must be running: it answers the simulated
volunteers. The simulator prints what each volunteer is told and a summary at the end."""


# ---- parsing --------------------------------------------------------------------------------


def _common_parser() -> argparse.ArgumentParser:
    # SUPPRESS defaults: an option given after the subcommand does not get overwritten by the
    # subparser's default, so the options work in either position. Defaults are filled later.
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_argument_group("common options (before or after the subcommand)")
    g.add_argument(
        "--data-dir",
        type=Path,
        default=argparse.SUPPRESS,
        metavar="DIR",
        help=f"where the database and settings live (default: {config.default_data_dir()})",
    )
    g.add_argument(
        "--create",
        action="store_true",
        default=argparse.SUPPRESS,
        help="create --data-dir when it does not exist (only the default one is created "
        "without asking, so a mistyped path never becomes a new, empty console)",
    )
    g.add_argument(
        "--broker",
        action="append",
        default=argparse.SUPPRESS,
        metavar="URL",
        help="RabbitMQ URL, e.g. amqp://user:password@host:5672/ (default: "
        f"${config.BROKER_ENV}, else settings and keyring, else {config.DEFAULT_BROKER}); "
        "a cluster's nodes: repeat the option or separate the URLs with commas, the console "
        "fails over between them",
    )
    g.add_argument(
        "--broker-password-file",
        type=Path,
        default=argparse.SUPPRESS,
        metavar="FILE",
        help="read the broker user's password from FILE (readable only by you: chmod 600); "
        f"for a server without a keyring (also: ${config.PASSWORD_ENV})",
    )
    for option, what in (
        (
            "--broker-ca-file",
            "the CA certificate (PEM) that signed the broker's, trusted instead"
            " of the system's CAs",
        ),
        ("--broker-cert-file", "a client certificate (PEM) for a broker that asks for one"),
        ("--broker-key-file", "the client certificate's private key (PEM)"),
    ):
        g.add_argument(
            option,
            type=Path,
            default=argparse.SUPPRESS,
            metavar="FILE",
            help=f"amqps:// only: {what} (default: settings.json)",
        )
    g.add_argument(
        "--fund-id",
        default=argparse.SUPPRESS,
        metavar="ID",
        help='the fund this console serves (default: settings.json, else "1")',
    )
    g.add_argument(
        "--coordinator-name",
        default=argparse.SUPPRESS,
        metavar="NAME",
        help="your name, recorded with every decision made in this run and shown to the "
        "fund's other consoles (default: settings.json's coordinator_name; not saved)",
    )
    g.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=argparse.SUPPRESS,
        help="log more to stderr (-vv: also the AMQP library's debug log)",
    )
    return p


def build_parser() -> argparse.ArgumentParser:
    common = _common_parser()
    fmt = argparse.RawDescriptionHelpFormatter
    root = argparse.ArgumentParser(
        prog="volunteer-console",
        description=ROOT_DESCRIPTION,
        epilog=ROOT_EPILOG,
        formatter_class=fmt,
        parents=[common],
    )
    mode = root.add_mutually_exclusive_group()
    mode.add_argument(
        "--headless",
        action="store_true",
        help="run the console as a service with no window; logs to stderr, stops cleanly "
        "on Ctrl+C or SIGTERM after finishing the work in flight",
    )
    root.add_argument(
        "--retention-days",
        type=int,
        default=None,
        metavar="DAYS",
        help="with --headless: how long inbox ids, rejected messages and the message log are "
        f"kept (default: settings.json, else {config.DEFAULT_RETENTION_DAYS})",
    )
    mode.add_argument(
        "--demo",
        action="store_true",
        help="open the window with simulated volunteers attached, to try the console out",
    )
    sub = root.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    app = sub.add_parser(
        "app",
        parents=[common],
        formatter_class=fmt,
        help="create, list, show and change applications (volunteer shifts)",
        description="Create, list, show and change applications (volunteer shifts).",
        epilog=APP_EPILOG,
    )
    app_sub = app.add_subparsers(dest="app_command", metavar="ACTION", title="actions")

    on_one = functools.partial(cli_shift.on_one, app_sub, common)

    create = app_sub.add_parser(
        "create",
        parents=[common],
        formatter_class=fmt,
        help="create and publish an application; prints its id",
        description="Create an application and publish it to volunteers (unless --draft). "
        "Prints the new id on stdout. Bad fields are listed one per line (exit code 2).",
        epilog='example:\n  volunteer-console app create --name "Park clean-up" --spots 5 '
        "--date 2026-12-05 --start 14:00 --end 18:00",
    )
    create.add_argument("--name", required=True, help="short title volunteers see")
    create.add_argument("--spots", required=True, metavar="N", help=f"capacity, 1..{MAX_CAPACITY}")
    create.add_argument(
        "--date",
        required=True,
        metavar="YYYY-MM-DD",
        help='the day of the shift (local; also "today" or "tomorrow")',
    )
    create.add_argument("--start", required=True, metavar="HH:MM", help="start time (local)")
    create.add_argument(
        "--end",
        required=True,
        metavar="HH:MM",
        help="end time; one before --start is the next day (an overnight shift)",
    )
    create.add_argument("--description", default="", help="what volunteers will do")
    create.add_argument(
        "--policy",
        default=None,
        metavar="|".join(POLICIES),
        help="how a freed spot goes to the waitlist: broadcast (offer to all, first claim "
        "wins), auto (first in line is signed up), timed (offer to one at a time) "
        "(default: from settings, else broadcast)",
    )
    create.add_argument(
        "--offer-timeout",
        default=None,
        metavar="MINUTES",
        help=f"how long an offered spot waits for a claim, 1..{MAX_OFFER_TIMEOUT_MIN} "
        "(default: from settings, else 30)",
    )
    create.add_argument(
        "--remind",
        default=None,
        metavar="HOURS",
        help="reminders before the start, hours separated by commas (default 48,2; "
        "'' for none); each asks signed-up volunteers to confirm",
    )
    create.add_argument(
        "--confirm-by",
        default=None,
        metavar="HOURS",
        help="confirm-by, hours before the start (default 24)",
    )
    create.add_argument(
        "--release-unconfirmed",
        action="store_true",
        help="at confirm-by, release whoever has not confirmed (told «не подтвердил»); "
        "the default keeps them, marked not confirmed",
    )
    create.add_argument(
        "--draft", action="store_true", help="save without publishing; publish later"
    )

    for name, what in (("list", "all applications as a table"),):
        p = app_sub.add_parser(name, parents=[common], help=what, description=what.capitalize())
        p.add_argument("--json", action="store_true", help="print JSON for scripts")
    show = on_one(
        "show",
        "one application: counts, roster, waitlist, offer round",
        "One application: counts, roster, waitlist and the open offer round.",
    )
    show.add_argument("--json", action="store_true", help="print JSON for scripts")

    for name, what in (
        ("publish", "publish a draft: volunteers are told about it"),
        ("close", "close: later responses are answered «заявка закрыта»"),
        ("reopen", "reopen a closed application"),
        ("cancel", "cancel: everyone signed up or waiting is told «заявка отменена»"),
        ("reoffer", "offer spots held unclaimed for the waitlist again (a new offer round)"),
        ("release", "give spots held unclaimed for the waitlist to newcomers (they become free)"),
    ):
        on_one(name, what)
    cap = on_one(
        "capacity",
        "set the number of spots (never below the signed-up count)",
        "Set the number of spots. Raising it offers the new spots to the "
        "waitlist; lowering it below the signed-up count is refused.",
    )
    cap.add_argument("spots", metavar="N", type=int, help="the new capacity")
    hand = on_one(
        "signup",
        "sign up a walk-in or a phone call by hand (told «записан»)",
        "Sign up a volunteer by hand into a free spot. Someone on the waitlist "
        "is promoted. With no free spot it is refused unless --over-capacity is given: then "
        "the capacity grows by one for them (logged, and announced as a capacity change).",
        volunteer="volunteer id (any text)",
    )
    hand.add_argument(
        "--over-capacity", action="store_true", help="add a spot for them if none is free"
    )
    on_one(
        "offer",
        "offer one spot (held or free) to a chosen waitlisted volunteer",
        "Offer one spot to a chosen waitlisted volunteer (told «место доступно») "
        "for the offer timeout. Unclaimed, it passes down the line like a timed round.",
        volunteer="volunteer id",
    )
    move = on_one(
        "move",
        "move a waitlisted volunteer to a position (the reason is logged)",
        "Move a waitlisted volunteer to a 1-based position on the waitlist; the "
        "others keep their order. Nobody is told.",
        volunteer="volunteer id",
    )
    move.add_argument("position", metavar="POSITION", type=int, help="1 is the front")
    move.add_argument("--reason", required=True, help="why, for the activity log")
    dup = on_one(
        "duplicate",
        "copy an application into a new draft; prints its id",
        "Copy an application's fields, policy and offer timeout into a new draft "
        "(publish it with `app publish`). --date gives the copy another day.",
    )
    dup.add_argument("--date", metavar="YYYY-MM-DD", help="the copy's day (default: the same)")
    on_one(
        "delete",
        "delete a draft (a published application is cancelled instead)",
        "Delete a draft application and its log. Published ones are refused: "
        "cancel them, so volunteers are told.",
    )
    rel = on_one(
        "release-after",
        "release unclaimed held spots by themselves after N minutes (0: never, the default)",
        "When an offer round ends unclaimed its spots stay held for the waitlist. "
        "With N > 0 they are released to newcomers by themselves N minutes later.",
    )
    rel.add_argument("minutes", metavar="N", type=int, help="minutes; 0 turns it off")
    rem = on_one(
        "reminders",
        "set the reminders: lead times, confirm-by, keep or release the unconfirmed",
        "Set when signed-up volunteers are reminded («напоминание», asking them to "
        "confirm), by when they must confirm, and what happens to those who do not: kept "
        "(marked not confirmed) or released (told «не подтвердил»; the spot goes to the "
        "waitlist by the policy). Options left out keep their value.",
    )
    rem.add_argument(
        "--at", metavar="HOURS", help="hours before the start, e.g. 48,2 ('' for none)"
    )
    rem.add_argument("--confirm-by", metavar="HOURS", type=int, help="hours before the start")
    keep = rem.add_mutually_exclusive_group()
    keep.add_argument("--release", action="store_true", help="release the unconfirmed")
    keep.add_argument("--keep", action="store_true", help="keep the unconfirmed (the default)")
    on_one(
        "remind",
        "send a reminder now to every signed-up volunteer who has not confirmed",
        "Send «напоминание» now to every signed-up volunteer who has not "
        "confirmed, asking them to confirm by the application's confirm-by (or the start).",
    )
    for name, what in (
        ("remove", "remove a volunteer (told «исключён»; a signed-up spot frees)"),
        ("promote", "sign up a waitlisted volunteer into a free or held spot"),
    ):
        on_one(name, what, volunteer="volunteer id")

    sim = sub.add_parser(
        "simulate",
        parents=[common],
        formatter_class=fmt,
        help="play the volunteer side over the broker, for demos and tests",
        description="Play the volunteer side over the real broker: volunteers respond, some "
        "withdraw, waitlisted ones claim offered spots. Prints what each is told.",
        epilog=SIMULATE_EPILOG,
    )
    sim.add_argument("--volunteers", type=int, default=20, metavar="N", help="(default: 20)")
    sim.add_argument(
        "--rate", type=float, default=5.0, metavar="R", help="responses per second (default: 5)"
    )
    sim.add_argument("--seed", type=int, default=None, metavar="S", help="for a repeatable run")
    sim.add_argument(
        "--application",
        default=None,
        metavar="ID",
        help="application to answer (default: the newest open one in the local database, "
        "else the next one the fund announces)",
    )
    sim.add_argument(
        "--withdraw-ratio",
        type=float,
        default=0.2,
        metavar="X",
        help="share of volunteers who withdraw after an answer, 0..1 (default: 0.2)",
    )
    sim.add_argument(
        "--claim-probability",
        type=float,
        default=0.8,
        metavar="P",
        help="chance a waitlisted volunteer claims an offered spot, 0..1 (default: 0.8)",
    )
    sim.add_argument(
        "--confirm-probability",
        type=float,
        default=0.85,
        metavar="P",
        help="chance a signed-up volunteer confirms a reminder, 0..1 (default: 0.85)",
    )
    sim.add_argument(
        "--duration",
        type=float,
        default=None,
        metavar="SECONDS",
        help="stop after this long (default: when every volunteer is answered and all is quiet)",
    )
    sim.add_argument("-q", "--quiet", action="store_true", help="print only the summary")

    rest = sub.add_parser(
        "restore",
        parents=[common],
        formatter_class=fmt,
        help="list the database's backups, or put one back in place of the database",
        description="Without BACKUP: list the backups the console keeps (every 6 hours and at "
        "each clean stop, the newest 3) in DATA_DIR/backups. With BACKUP (a listed name or a "
        "path): check it, move the current database aside (kept, never deleted) and put the "
        "backup in its place. Stop the console of this data directory first.",
    )
    rest.add_argument("backup", nargs="?", default=None, metavar="BACKUP")

    vols = sub.add_parser(
        "volunteers",
        parents=[common],
        formatter_class=fmt,
        help="the local volunteers directory: names, phones and notes by volunteer id",
        description="The volunteers directory of this console: a name, phone and notes per "
        "volunteer id, shown beside the ids in the window and on printed sheets. It stays on "
        "this computer: messages to volunteers carry the id only.",
        epilog=VOLUNTEERS_EPILOG,
    )
    vols_sub = vols.add_subparsers(dest="volunteers_command", metavar="ACTION", title="actions")
    imp = vols_sub.add_parser(
        "import",
        parents=[common],
        formatter_class=fmt,
        help="add or update entries from a CSV file",
        description="Add or update directory entries from a CSV file whose first line names "
        "the columns: id and name, optionally phone and notes (English or Russian titles; "
        "comma, semicolon or tab separated; UTF-8 or Windows-1251). Rows with a problem are "
        "listed with their line number and skipped; the others are imported.",
    )
    imp.add_argument("file", metavar="FILE", type=Path, help="the CSV file")
    imp.add_argument(
        "--dry-run", action="store_true", help="only show what would be imported and why not"
    )
    vlist = vols_sub.add_parser(
        "list", parents=[common], help="every entry", description="Every directory entry."
    )
    vlist.add_argument("--json", action="store_true", help="print JSON for scripts")
    cli_shift.add_volunteer_show(vols_sub, common)

    cli_shift.add_parser(sub, common)
    cli_shift.add_report_parser(sub, common)
    bs = sub.add_parser(
        "broker-setup",
        parents=[common],
        formatter_class=fmt,
        help="create the fund's broker users with least privilege (run once, as an administrator)",
        description="Through RabbitMQ's management HTTP API, as an administrator: create the "
        "vhost (with --create-vhost), declare the shared exchanges, and create or update two "
        "users of --fund-id with the narrowest permissions the contract allows: the console "
        "(its own three queues; publishes only fund.F.* keys) and the volunteer side "
        "(publishes responses only as fund.F.response.*, waitlist requests as fund.F.waiting.*, "
        "reads only its own queues volunteer_app.fund.F.* or broker-named ones, bound to "
        "fund.F.* keys). Each user's password is read from its file, or a new random one is "
        "written there (mode 0600); passwords are never printed. --print shows the same as "
        "rabbitmqctl commands and changes nothing.",
        epilog=BROKER_SETUP_EPILOG,
    )
    bs.add_argument(
        "--management-url",
        default="http://localhost:15672/",
        metavar="URL",
        help="the management API (default: http://localhost:15672/)",
    )
    bs.add_argument(
        "--management-ca-file",
        type=Path,
        default=None,
        metavar="FILE",
        help="https:// only: the CA (PEM) that signed the management API's certificate",
    )
    bs.add_argument(
        "--admin-user", default="admin", metavar="NAME", help="an administrator (default: admin)"
    )
    bs.add_argument(
        "--admin-password-file",
        type=Path,
        default=None,
        metavar="FILE",
        help=f"the administrator's password, mode 0600 (or ${ADMIN_PASSWORD_ENV})",
    )
    bs.add_argument("--vhost", default="/", help="the fund's vhost (default: /)")
    bs.add_argument("--create-vhost", action="store_true", help="create the vhost if missing")
    bs.add_argument(
        "--console-user", default=None, metavar="NAME", help="(default: volunteer-console-F)"
    )
    bs.add_argument(
        "--console-password-file",
        type=Path,
        required=True,
        metavar="FILE",
        help="the console user's password: read if the file exists, else a new one written",
    )
    bs.add_argument(
        "--volunteer-user", default=None, metavar="NAME", help="(default: volunteer-app-F)"
    )
    bs.add_argument(
        "--volunteer-password-file",
        type=Path,
        required=True,
        metavar="FILE",
        help="the volunteer-side user's password: read, or a new one written (0600)",
    )
    bs.add_argument(
        "--print",
        action="store_true",
        dest="print_only",
        help="print the plan as rabbitmqctl commands; change nothing",
    )

    stat = sub.add_parser(
        "status",
        parents=[common],
        formatter_class=fmt,
        help="this console's part in the fund: deciding or following, the decision log",
        description="Whether this console decides for the fund or follows another console, "
        "the decision log's epoch, offset and lag, and the commands waiting for the deciding "
        "console. A running console writes it every second; without one, what the data "
        "directory recorded.",
    )
    stat.add_argument("--json", action="store_true", help="print JSON for scripts")

    desk = sub.add_parser(
        "install-desktop-entry",
        parents=[common],
        formatter_class=fmt,
        help="add the console to the desktop's application menu (this user)",
        description="Write volunteer-console.desktop and its icon under $XDG_DATA_HOME "
        "(default ~/.local/share): applications/ and icons/hicolor/. The entry starts this "
        "installation of the console. Run it again after moving the installation.",
    )
    desk.add_argument(
        "--remove", action="store_true", help="take the entry and its icon out of the menu again"
    )
    return root


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse and fill the common options' defaults; exits 2 with a message on bad usage."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is not None and (args.headless or args.demo):
        flag = "--headless" if args.headless else "--demo"
        parser.error(f"{flag} starts the console; it takes no subcommand ({args.command})")
    if args.command == "app" and args.app_command is None:
        parser.parse_args(["app", "--help"])
    if args.command == "volunteers" and args.volunteers_command is None:
        parser.parse_args(["volunteers", "--help"])
    if args.command == "checkin" and args.checkin_command is None:
        parser.parse_args(["checkin", "--help"])
    args.data_dir = Path(getattr(args, "data_dir", None) or config.default_data_dir())
    args.verbose = getattr(args, "verbose", 0) or 0
    args.create = getattr(args, "create", False)
    # Repeated (a cluster's nodes) or comma-separated: one comma-separated string onwards.
    brokers = getattr(args, "broker", None)
    args.broker = ",".join(brokers) if isinstance(brokers, list) else brokers
    fund = getattr(args, "fund_id", None)
    if fund is None:
        fund = config.fund_id_of(args.data_dir)
    if not _FUND_RE.match(fund):
        parser.error(f"--fund-id: letters, digits, _ and - only, 1 to 64 of them (got {fund!r})")
    args.fund_id = fund
    # None: the saved name (read where it is used, so the window shows the file's)
    name = getattr(args, "coordinator_name", None)
    if name is not None:
        name = name.strip()
        if len(name) > config.COORDINATOR_NAME_MAX:
            parser.error(
                f"--coordinator-name: at most {config.COORDINATOR_NAME_MAX} characters"
                f" (got {len(name)})"
            )
    args.coordinator_name = name
    if args.retention_days is not None and not 1 <= args.retention_days <= 3650:
        parser.error(f"--retention-days: 1 to 3650 days (got {args.retention_days})")
    return args


def broker_url(args: argparse.Namespace) -> str:
    """The broker URL for this run; may consult the keyring, so only asked for when needed.
    Raises BrokerPasswordMissing when a user is set and no password is found."""
    # guest:guest is RabbitMQ's public default (loopback only), not a secret to hide.
    if args.broker and url_secrets(args.broker) not in ((), ("guest",)):
        log.warning(
            "the password given inside --broker is visible to other users in the process list;"
            " use --broker-password-file or $%s instead",
            config.PASSWORD_ENV,
        )
    return config.effective_broker_url(
        config.start_settings(args.data_dir),  # no pydantic: the window paints before it
        args.broker,
        password_file=getattr(args, "broker_password_file", None),
    )


def broker_tls(args: argparse.Namespace, url: str) -> tls.TlsFiles:
    """The TLS files for this run (options over settings), checked before any connection.
    Raises TlsSettingsInvalid naming the option and the file."""
    files = tls.merged(
        config.effective_tls(
            config.start_settings(args.data_dir),
            ca_file=getattr(args, "broker_ca_file", None),
            cert_file=getattr(args, "broker_cert_file", None),
            key_file=getattr(args, "broker_key_file", None),
        ),
        url,
    )
    problems = tls.check(url, files)
    if problems:
        raise tls.TlsSettingsInvalid(problems)
    return files


# ---- logging that never shows a password ------------------------------------------------------


class _RedactingFormatter(logging.Formatter):
    def __init__(self, fmt: str, urls: Callable[[], list[str]]) -> None:
        super().__init__(fmt)
        self._urls = urls

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record), *self._urls())


# the URLs this process connects with: every line it prints or logs hides their passwords
_known_urls: list[str] = []


def setup_logging(verbose: int, *, service: bool = False) -> None:
    """Log to stderr: warnings by default, info for the service, debug with -v."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        _RedactingFormatter(
            "%(asctime)s %(levelname)-7s %(name)s: %(message)s", lambda: _known_urls
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    base = logging.INFO if (service or verbose) else logging.WARNING
    root.setLevel(logging.DEBUG if verbose >= 2 else base)
    if verbose >= 1:
        for name in ("core", "gui", "main"):
            logging.getLogger(name).setLevel(logging.DEBUG)
    # The broker's supervisor quiets them when it starts; imported here only when loaded
    # already: aio_pika's import was a fifth of `app list`, which uses no broker.
    if "core.broker.connection" in sys.modules:
        from core.broker.connection import quiet_aiormq_logs

        quiet_aiormq_logs()


def broker_link(args: argparse.Namespace) -> tuple[str, tls.TlsFiles]:
    """The broker URL (its password hidden from every later line printed) and TLS files.
    Raises what broker_url and broker_tls raise."""
    url = broker_url(args)
    remember_secret(url)
    return url, broker_tls(args, url)


def remember_secret(url: str) -> None:
    """Everything printed or logged from here on hides this URL's password."""
    if url not in _known_urls:
        _known_urls.append(url)


def _err(text: str) -> None:
    print(scrub(text, *_known_urls), file=sys.stderr)


# ---- app commands ---------------------------------------------------------------------------


def open_engine(
    args: argparse.Namespace,
    clock: Clock | None = None,
    *,
    claim: bool = False,
    reading: bool = False,
) -> Engine:
    """The data directory's engine for --fund-id; a change (claim) records the fund when the
    directory has none yet. Raises FundMismatch for another fund's directory.

    A command that only reads (reading) skips the start check on a file at the current
    schema: the check reads the whole file (its 1 s budget was twice `app list`'s target at
    a million rows) while the listing reads a few pages, and SQLite reports a damaged page
    it does read (see _read_damage)."""
    # Here, not at the top: the engine brings the wire messages and pydantic (half of `app
    # list`'s start), which the commands that only read never need (see open_store).
    from core.engine import Engine
    from core.replication.actions import forward_when_following

    store = open_store(args, claim=claim, reading=reading)
    engine = Engine(store, args.fund_id, clock)
    if not reading:
        name = getattr(args, "coordinator_name", None)
        if name is None:
            name = config.load_settings(args.data_dir).coordinator_name
        if name:
            engine.actor = f"coordinator {name}"
        forward_when_following(engine)
    return engine


def open_store(args: argparse.Namespace, *, claim: bool = False, reading: bool = False) -> Store:
    """The data directory's store for --fund-id, without an engine: what the read-only
    commands need (Queries reads through a connection of its own). Raises FundMismatch."""
    store = Store(config.db_path(args.data_dir), check_current=not reading)
    try:
        store.check_fund(args.fund_id, claim=claim)
    except BaseException:
        store.close()
        raise
    return store


def _parse_fields(
    args: argparse.Namespace, clock: Clock
) -> tuple[ApplicationForm | None, dict[str, str]]:
    from core.engine import ApplicationForm

    settings = config.load_settings(args.data_dir)
    errors: dict[str, str] = {}
    now = local_now(clock)  # the coordinator's wall, as the window and the engine see it
    day, start, end, spots, timeout = now.date(), time(0), time(0), 1, 30

    def parsed(key: str, text: str, fn: Callable[[str], Any], fmt: str, fallback: Any) -> Any:
        # A placeholder stands in for a bad value so the form still checks the other fields.
        try:
            return fn(text)
        except ValueError:
            errors[key] = f"expected {fmt}, got {text!r}"
            return fallback

    day = parsed("date", args.date, lambda t: _parse_date(t, now.date()), "YYYY-MM-DD", day)
    start = parsed("start", args.start, _parse_time, "HH:MM", start)
    end = parsed("end", args.end, _parse_time, "HH:MM", end)
    spots = parsed("spots", args.spots, int, "a whole number", spots)
    if args.offer_timeout is None:
        timeout = settings.default_offer_timeout_min
    else:
        timeout = parsed("offer_timeout", args.offer_timeout, int, "whole minutes", timeout)
    policy = args.policy or settings.default_policy
    defaults = ApplicationForm(name="", day=day, start=start, end=end, spots=1)
    hours = defaults.reminder_hours
    if args.remind is not None:
        hours = parsed("reminders", args.remind, parse_hours, "hours like 48,2", hours)
    confirm = defaults.confirm_hours
    if args.confirm_by is not None:
        confirm = parsed("confirm_by", args.confirm_by, int, "whole hours", confirm)
    form = ApplicationForm(
        name=args.name,
        day=day,
        start=start,
        end=end,
        spots=spots,
        description=args.description,
        policy=policy,
        offer_timeout_min=timeout,
        reminder_hours=hours,
        confirm_hours=confirm,
        release_unconfirmed=args.release_unconfirmed,
    )
    for key, msg in form.errors(now=now).items():
        errors.setdefault(key, msg)
    return (None if errors else form), errors


def parse_hours(text: str) -> tuple[int, ...]:
    """'48,2' -> (48, 2); '' -> no reminders. Raises ValueError on anything else."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not all(p.isdigit() for p in parts):
        raise ValueError(text)
    return tuple(int(p) for p in parts)


def _reminders_op(e: Engine, a: argparse.Namespace) -> None:
    from core.engine import ActionRefused

    s = Queries(e).summary(a.id)
    if s is None:
        raise ActionRefused(refuse(RefusalKind.NO_APPLICATION, application=a.id))
    try:
        hours = s.reminder_hours if a.at is None else parse_hours(a.at)
    except ValueError:
        raise ActionRefused(
            refuse(
                RefusalKind.INVALID_FORM, errors={"--at": f"expected hours like 48,2, got {a.at!r}"}
            )
        ) from None
    confirm = s.confirm_hours if a.confirm_by is None else a.confirm_by
    release = True if a.release else False if a.keep else s.release_unconfirmed
    e.set_reminders(a.id, hours, confirm, release)


def _reminders_said(s: AppSummary, a: argparse.Namespace) -> str:
    at = ", ".join(f"{h} h" for h in s.reminder_hours) or "no reminders"
    then = "released" if s.release_unconfirmed else "kept, marked not confirmed"
    return (
        f"reminders of {s.id}: {at} before the start; confirm by {s.confirm_hours} h before;"
        f" the unconfirmed are {then}"
    )


def _parse_date(text: str, today: date) -> date:
    """YYYY-MM-DD, or "today" / "tomorrow" on the coordinator's wall."""
    word = text.strip().lower()
    if word == "today":
        return today
    if word == "tomorrow":
        return today + timedelta(days=1)
    return date.fromisoformat(text)


def _parse_time(text: str) -> time:
    if not re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", text):
        raise ValueError(text)
    return time.fromisoformat(text if len(text.split(":")[0]) == 2 else "0" + text)


_OPTION_OF = {
    "name": "--name",
    "description": "--description",
    "date": "--date",
    "start": "--start",
    "end": "--end",
    "spots": "--spots",
    "policy": "--policy",
    "offer_timeout": "--offer-timeout",
    "reminders": "--remind",
    "confirm_by": "--confirm-by",
}


def cmd_create(args: argparse.Namespace, out: TextIO, clock: Clock | None = None) -> int:
    clock = clock or SystemClock()
    form, errors = _parse_fields(args, clock)
    if form is None:
        for key in _OPTION_OF:
            if key in errors:
                _err(f"error: {_OPTION_OF[key]}: {errors[key]}")
        for key, msg in errors.items():
            if key not in _OPTION_OF:
                _err(f"error: {key}: {msg}")
        return EXIT_USAGE
    return _change(
        open_engine(args, clock, claim=True),
        out,
        lambda e: e.create_application(form, publish=not args.draft),
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _compact(value: Any) -> str:
    return json.dumps(value, default=_jsonable, ensure_ascii=False, separators=(",", ":"))


@contextmanager
def _read_damage(path: Path) -> Iterator[None]:
    """A damaged page met while reading is the damaged-store refusal (exit 3), as at start."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        detail = damage_of(exc)
        if detail is None:
            raise
        raise StoreDamaged(path, detail) from exc


def open_queries(args: argparse.Namespace) -> Queries:
    """The read side of the data directory for a command that only reads.

    A file at the current schema that is this fund's (or no fund's yet) is read as it is,
    through sqlite3 alone: opening it as a Store loaded peewee and took the write lock for
    the migration check, a third of `app list`'s start. Anything else (no file yet, an older
    schema, another fund's, a file SQLite cannot read) goes through open_store first, which
    creates, migrates or refuses exactly as every other command does."""
    path = config.db_path(args.data_dir)
    if path.is_file():
        try:
            queries = Queries(path)
        except sqlite3.Error:
            queries = None  # the store's open says what it is (damaged, unusable)
        if queries is not None:
            try:
                (version,) = queries.conn.execute("PRAGMA user_version").fetchone()
                fund = queries.conn.execute(
                    "SELECT value FROM meta WHERE key = 'fund_id'"
                ).fetchone()
                if version == SCHEMA_VERSION and (fund is None or fund[0] == args.fund_id):
                    return queries
            except sqlite3.Error:
                pass  # likewise
            queries.close()
    open_store(args, reading=True).close()
    return Queries(path)


def cmd_list(args: argparse.Namespace, out: TextIO) -> int:
    queries = open_queries(args)
    try:
        with _read_damage(queries.path):
            if args.json:  # built by SQLite, written at once (small writes cost seconds)
                out.write(queries.summaries_json())
                # On its own: an unbuffered stdout (PYTHONUNBUFFERED) drops the rest of a write
                # the pipe took in part, and this one then says the reader is gone.
                out.write("\n")
                return EXIT_OK
            rows = queries.summaries()
    finally:
        queries.close()
    if not rows:
        print(f"no applications yet in {args.data_dir}", file=out)
        return EXIT_OK
    header = ("ID", "NAME", "DATE", "TIME", "SIGNED", "HELD", "FREE", "WAITING", "STATUS", "POLICY")
    table = [header] + [
        (
            s.id,
            _clip(s.name, 32),
            s.date.isoformat(),
            f"{_hours(s)}",
            f"{s.signed}/{s.capacity}",
            str(s.held),
            str(s.free),
            str(s.waiting),
            s.status,
            s.policy,
        )
        for s in rows
    ]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for r in table:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip(), file=out)
    return EXIT_OK


def _hours(s: AppSummary) -> str:
    """22:00-02:00+1 for an overnight shift (an end before the start is the next day)."""
    return f"{s.start:%H:%M}-{s.end:%H:%M}" + ("+1" if s.end < s.start else "")


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def cmd_show(args: argparse.Namespace, out: TextIO) -> int:
    queries = open_queries(args)
    try:
        with _read_damage(queries.path):
            shown = queries.detail_json(args.id) if args.json else None
            detail = None if args.json else queries.detail(args.id)
            activity = queries.activity(args.id, limit=SHOWN_ACTIVITY)
    finally:
        queries.close()
    if detail is None and shown is None:
        _err(f"no application {args.id} in {args.data_dir}")
        return EXIT_REFUSED
    if shown is not None:
        shown["activity"] = [
            {**asdict(a), "params": dict(a.params), "text": a.english()} for a in activity
        ]
        # The waitlist comes as JSON text from SQLite (compact, as the rest is here); the
        # keys go in the dataclass order: summary, roster, waitlist, round, then activity.
        waitlist = shown.pop("waitlist_json")
        parts = [
            f"{json.dumps(key)}:{waitlist if key == 'waitlist' else _compact(shown[key])}"
            for key in ("summary", "roster", "waitlist", "round", "activity")
        ]
        out.write("{" + ",".join(parts) + "}")  # one write: small ones cost seconds
        out.write("\n")  # apart, as in cmd_list
        return EXIT_OK
    assert detail is not None
    print(format_detail(detail), file=out)
    print(format_activity(activity), file=out)
    return EXIT_OK


SHOWN_ACTIVITY = 20  # `app show`: the latest decisions, oldest first


def format_activity(rows: Sequence[Activity]) -> str:
    """The latest activity entries in English, from their kinds and parameters."""
    lines = [f"Activity (latest {len(rows)}):" if rows else "Activity: none yet"]
    for a in rows:
        who = a.actor if a.volunteer_id is None else f"{a.actor}, {a.volunteer_id}"
        lines.append(f"  {_ts(a.at)}  [{who}] {a.english()}")
    return "\n".join(lines)


def _ts(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M:%S")


def format_detail(d: AppDetail) -> str:
    s = d.summary
    lines = [
        f"Application {s.id}: {s.name}",
        f"  status       {s.status}",
        f"  when         {s.date.isoformat()} {_hours(s)}",
        f"  spots        {s.capacity}: {s.signed} signed up, {s.held} held for an offer,"
        f" {s.free} free; {s.waiting} waiting",
        f"  freed spots  {s.policy}, offer timeout {s.offer_timeout_min} min",
        "  reminders    "
        + (
            ", ".join(f"{h} h" for h in s.reminder_hours) + " before"
            if s.reminder_hours
            else "none"
        )
        + f"; confirm by {s.confirm_hours} h before; unconfirmed are "
        + ("released" if s.release_unconfirmed else "kept"),
    ]
    if s.description:
        lines.append(f"  description  {_clip(s.description, 200)}")
    lines.append(f"Roster ({len(d.roster)}):")
    lines += [
        f"  {i:>3}. {r.volunteer_id}  since {_ts(r.since)}{_confirmation(r)}"
        for i, r in enumerate(d.roster, 1)
    ]
    lines.append(f"Waitlist ({len(d.waitlist)}):")
    for w in d.waitlist:
        offer = f"  offer: {w.offer}" if w.offer else ""
        lines.append(f"  {w.position:>3}. {w.volunteer_id}  responded {_ts(w.responded_at)}{offer}")
    if s.standing:
        lines.append(
            f"Held for the waitlist: {s.standing} spot(s), unclaimed since"
            f" {_ts(s.standing_since) if s.standing_since else '?'} UTC"
            " (the next accepted response from the waitlist takes one; app reoffer / release)"
        )
    if d.round is not None:
        r = d.round
        open_offers = sum(1 for o in r.offers if o.state == "open")
        lines.append(
            f"Offer round ({r.policy}): {r.held} spot(s) held until {_ts(r.deadline)} UTC,"
            f" {open_offers} open offer(s)"
        )
    else:
        lines.append("Offer round: none open")
    return "\n".join(lines)


def _confirmation(r: RosterRow) -> str:
    if r.confirmed_at is not None:
        return f"  confirmed {_ts(r.confirmed_at)}"
    if r.unconfirmed_at is not None:
        return "  NOT CONFIRMED"
    if r.reminded_at is not None and r.confirm_by is not None:
        return f"  reminded {_ts(r.reminded_at)}, confirm by {_ts(r.confirm_by)}"
    return ""


_Op = Callable[["Engine", argparse.Namespace], None]
_Said = Callable[[AppSummary, argparse.Namespace], str]


def _change(engine: Engine, out: TextIO, change: Callable[[Engine], str]) -> int:
    """Make one change and print what it says, or say the refusal (exit 4); then close."""
    from core.engine import ActionRefused
    from core.replication.actions import CommandQueued

    try:
        said = change(engine)
    except CommandQueued as exc:
        holder = engine.follows() if engine.follows is not None else "?"
        said = (
            f"sent to the deciding console ({holder}) as command {exc.command_id}: it decides"
            " it (see `volunteer-console status`)"
        )
    except ActionRefused as exc:
        _err(f"refused: {exc}")
        return EXIT_REFUSED
    finally:
        engine.store.close()
    print(said, file=out)
    return EXIT_OK


def _action(args: argparse.Namespace, out: TextIO, op: _Op, said: _Said) -> int:
    def change(engine: Engine) -> str:
        op(engine, args)
        after = Queries(engine).summary(args.id)
        assert after is not None
        return said(after, args)

    return _change(open_engine(args, claim=True), out, change)


def _counts(s: AppSummary) -> str:
    return f"{s.signed}/{s.capacity} signed up, {s.held} held, {s.free} free, {s.waiting} waiting"


# `app` commands that change one application: what each does, and what it says afterwards.
_ACTIONS: dict[str, tuple[_Op, _Said]] = {
    "publish": (lambda e, a: e.publish(a.id), lambda s, a: f"published {s.id}"),
    "close": (
        lambda e, a: e.close(a.id),
        lambda s, a: f"closed {s.id}: later responses are answered «заявка закрыта»",
    ),
    "reopen": (lambda e, a: e.reopen(a.id), lambda s, a: f"reopened {s.id}: {_counts(s)}"),
    "cancel": (
        lambda e, a: e.cancel(a.id),
        lambda s, a: f"cancelled {s.id}: everyone signed up or waiting is told «заявка отменена»",
    ),
    "capacity": (
        lambda e, a: e.set_capacity(a.id, a.spots),
        lambda s, a: f"capacity of {s.id} is now {s.capacity}: {_counts(s)}",
    ),
    "remove": (
        lambda e, a: e.remove_volunteer(a.id, a.volunteer),
        lambda s, a: f"removed {a.volunteer} from {s.id} (told «исключён»): {_counts(s)}",
    ),
    "promote": (
        lambda e, a: e.promote(a.id, a.volunteer),
        lambda s, a: f"promoted {a.volunteer} in {s.id} (told «записан»): {_counts(s)}",
    ),
    "signup": (
        lambda e, a: e.sign_up_by_hand(a.id, a.volunteer, over_capacity=a.over_capacity),
        lambda s, a: f"signed up {a.volunteer} in {s.id} (told «записан»): {_counts(s)}",
    ),
    "offer": (
        lambda e, a: e.offer_to(a.id, a.volunteer),
        lambda s, a: (
            f"offered a spot of {s.id} to {a.volunteer} (told «место доступно»): {_counts(s)}"
        ),
    ),
    "move": (
        lambda e, a: e.move_on_waitlist(a.id, a.volunteer, a.position, a.reason),
        lambda s, a: f"moved {a.volunteer} to position {a.position} on the waitlist of {s.id}",
    ),
    "reoffer": (
        lambda e, a: e.reoffer(a.id),
        lambda s, a: f"offered the held spots of {s.id} to the waitlist again: {_counts(s)}",
    ),
    "release": (
        lambda e, a: e.release(a.id),
        lambda s, a: f"released the held spots of {s.id} to newcomers: {_counts(s)}",
    ),
    "reminders": (_reminders_op, _reminders_said),
    "remind": (
        lambda e, a: e.remind_now(a.id),
        lambda s, a: f"reminded the unconfirmed volunteers of {s.id} (told «напоминание»)",
    ),
    "release-after": (
        lambda e, a: e.set_release_after(a.id, a.minutes),
        lambda s, a: (
            f"held spots of {s.id} are released after {a.minutes} min"
            if a.minutes
            else f"held spots of {s.id} stay held until you re-offer or release them"
        ),
    ),
}


def cmd_duplicate(args: argparse.Namespace, out: TextIO, clock: Clock | None) -> int:
    day = None
    if args.date is not None:
        try:
            day = date.fromisoformat(args.date)
        except ValueError:
            _err(f"error: --date: expected YYYY-MM-DD, got {args.date!r}")
            return EXIT_USAGE
    return _change(
        open_engine(args, clock), out, lambda e: e.duplicate_application(args.id, day=day)
    )


def cmd_delete(args: argparse.Namespace, out: TextIO) -> int:
    def delete(engine: Engine) -> str:
        engine.delete_draft(args.id)
        return f"deleted the draft {args.id}"

    return _change(open_engine(args), out, delete)


def run_app_command(
    args: argparse.Namespace, out: TextIO | None = None, *, clock: Clock | None = None
) -> int:
    out = out or sys.stdout
    cmd = args.app_command
    if cmd == "create":
        return cmd_create(args, out, clock)
    if cmd == "list":
        return cmd_list(args, out)
    if cmd == "show":
        return cmd_show(args, out)
    if cmd in _ACTIONS:
        return _action(args, out, *_ACTIONS[cmd])
    if cmd == "duplicate":
        return cmd_duplicate(args, out, clock)
    if cmd == "delete":
        return cmd_delete(args, out)
    raise AssertionError(f"unhandled app command {cmd}")


# ---- service and simulator ------------------------------------------------------------------


def run_headless(args: argparse.Namespace) -> int:
    """Run the console with no window until SIGINT or SIGTERM; 0 after a clean stop."""
    from core.signals import StopRequest

    stop_request = StopRequest()
    stop_request.install()  # before the slow imports below
    import asyncio

    from core.service import ConsoleCore
    from core.service import run_headless as serve

    url, tls_files = broker_link(args)

    async def go() -> None:
        stop = asyncio.Event()
        stop_request.attach(stop)
        core = ConsoleCore(
            args.data_dir,
            args.fund_id,
            url,
            retention_days=args.retention_days,
            tls=tls_files,
            coordinator_name=args.coordinator_name,
        )
        log.info(
            "headless console: fund %s, data %s, broker %s",
            args.fund_id,
            args.data_dir,
            config.redact(url),
        )
        await serve(core, stop)

    try:
        asyncio.run(go())
    except START_REFUSALS:
        raise  # run_command says it in one line
    except Exception as exc:
        log.debug("headless console failed", exc_info=True)
        _err(f"error: the headless console stopped: {type(exc).__name__}: {exc}")
        return EXIT_REFUSED
    log.info("headless console stopped cleanly")
    return EXIT_OK


ADMIN_PASSWORD_ENV = "VOLUNTEER_CONSOLE_ADMIN_PASSWORD"

BROKER_SETUP_EPILOG = """\
example (fund 42 on its own vhost):
  volunteer-console broker-setup --fund-id 42 --vhost fund-42 --create-vhost \\
      --management-url http://rabbit.example:15672/ --admin-user admin \\
      --admin-password-file admin.pw \\
      --console-password-file console.pw --volunteer-password-file volunteer-app.pw
then run the console as that user:
  volunteer-console --headless --fund-id 42 \\
      --broker amqp://volunteer-console-42@rabbit.example:5672/fund-42 \\
      --broker-password-file console.pw"""


def run_broker_setup(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """broker-setup: apply (or --print) the fund's least-privilege users."""
    from core.broker import setup

    out = out or sys.stdout
    fund = args.fund_id
    p = setup.plan(
        fund,
        vhost=args.vhost,
        create_vhost=args.create_vhost,
        console_user=args.console_user or f"volunteer-console-{fund}",
        console_password_file=args.console_password_file,
        volunteer_user=args.volunteer_user or f"volunteer-app-{fund}",
        volunteer_password_file=args.volunteer_password_file,
    )
    if args.print_only:
        for line in setup.rabbitmqctl_lines(p):
            print(line, file=out)
        return EXIT_OK
    try:
        if args.admin_password_file is not None:
            admin_password = config.read_password_file(args.admin_password_file)
        elif os.environ.get(ADMIN_PASSWORD_ENV):
            admin_password = os.environ[ADMIN_PASSWORD_ENV]
        else:
            _err(
                "error: the administrator's password: --admin-password-file FILE (mode 0600)"
                f" or ${ADMIN_PASSWORD_ENV}"
            )
            return EXIT_USAGE
        api = setup.ManagementApi(
            args.management_url, args.admin_user, admin_password, ca_file=args.management_ca_file
        )
        remember_secret(f"http://{args.admin_user}:{quote(admin_password, safe='')}@x/")
        for line in setup.apply(p, api):
            print(line, file=out)
    except (setup.BrokerSetupFailed, config.BrokerPasswordMissing) as exc:
        _err(f"error: {exc}")
        return EXIT_REFUSED
    return EXIT_OK


def newest_open_application(args: argparse.Namespace) -> str | None:
    """The newest open application of this fund in the local database, if there is one."""
    path = config.db_path(args.data_dir)
    if not path.exists():
        return None
    engine = open_engine(args)
    try:
        newest: tuple[datetime, str] | None = None
        for app_id in engine.application_ids():
            st = engine.state(app_id)
            if st is None or st.status != "open" or st.fund_id != args.fund_id:
                continue
            key = (st.created_at, st.id)
            if newest is None or key > newest:
                newest = key
        return newest[1] if newest else None
    finally:
        engine.store.close()


def run_simulate(args: argparse.Namespace, out: TextIO | None = None) -> int:
    import asyncio  # here, like the simulator: the app commands never need an event loop

    from core.signals import StopRequest
    from core.simulator import simulate

    out = out or sys.stdout
    problems = []
    if args.volunteers < 1:
        problems.append("--volunteers: at least 1")
    if args.rate <= 0:
        problems.append("--rate: above 0")
    if not 0 <= args.withdraw_ratio <= 1:
        problems.append("--withdraw-ratio: between 0 and 1")
    if not 0 <= args.claim_probability <= 1:
        problems.append("--claim-probability: between 0 and 1")
    if not 0 <= args.confirm_probability <= 1:
        problems.append("--confirm-probability: between 0 and 1")
    if args.duration is not None and args.duration <= 0:
        problems.append("--duration: above 0")
    for p in problems:
        _err(f"error: {p}")
    if problems:
        return EXIT_USAGE
    url, tls_files = broker_link(args)
    app_id = args.application or newest_open_application(args)

    def event(text: str) -> None:
        if not args.quiet:
            print(text, file=out, flush=True)

    async def go() -> Any:
        stop = asyncio.Event()
        StopRequest().attach(stop)
        return await simulate(
            url,
            args.fund_id,
            application_id=app_id,
            volunteers=args.volunteers,
            rate=args.rate,
            seed=args.seed,
            withdraw_ratio=args.withdraw_ratio,
            claim_probability=args.claim_probability,
            confirm_probability=args.confirm_probability,
            stop=stop,
            on_event=event,
            duration=args.duration,
            tls_files=tls_files,
        )

    report = asyncio.run(go())
    if report.error and not report.responses_sent:
        _err(f"error: {report.error}")
        return EXIT_REFUSED
    for line in report.lines():
        print(line, file=out)
    if report.error:
        _err(f"error: {report.error}")
        return EXIT_REFUSED
    print(report.summary(), file=out)
    return EXIT_OK


def run_volunteers(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from core import directory

    out = out or sys.stdout
    if args.volunteers_command == "show":
        if not config.db_path(args.data_dir).exists():  # looking creates no database
            _err(f"no volunteer {args.volunteer}: no database yet in {args.data_dir}")
            return EXIT_REFUSED
        Store(config.db_path(args.data_dir)).close()  # an older file: migrated first
        queries = Queries(config.db_path(args.data_dir))
        try:
            return cli_shift.show_volunteer(args, queries, out)
        finally:
            queries.close()
    if args.volunteers_command == "import":
        try:
            data = args.file.read_bytes()
        except OSError as exc:
            _err(f"error: cannot read {args.file}: {exc.strerror or exc}")
            return EXIT_USAGE
        preview = directory.parse_csv(data)
        for e in preview.errors:
            where = f" {e.problem.field}:" if e.problem.field else ""
            _err(f"{args.file}:{e.line}:{where} {e.problem.english()}")
        refused = preview.refused_lines
        if args.dry_run:
            print(f"would import {len(preview.rows)}; {refused} line(s) refused", file=out)
            return EXIT_OK if not preview.errors else EXIT_REFUSED
        store = Store(config.db_path(args.data_dir))
        try:
            added, updated = directory.save_many(store, preview.volunteers)
        finally:
            store.close()
        print(f"imported {added} new, {updated} updated; {refused} line(s) refused", file=out)
        return EXIT_OK if not preview.errors else EXIT_REFUSED
    entries = []
    if config.db_path(args.data_dir).exists():  # looking creates no database
        store = Store(config.db_path(args.data_dir))
        try:
            entries = directory.read_all(store.conn)
        finally:
            store.close()
    if args.json:
        json.dump([asdict(v) for v in entries], out, ensure_ascii=False)
        out.write("\n")
        return EXIT_OK
    if not entries:
        print(f"no volunteers in the directory of {args.data_dir}", file=out)
        return EXIT_OK
    table = [("ID", "NAME", "PHONE", "NOTES")] + [
        (v.volunteer_id, _clip(v.name, 40), v.phone, _clip(v.notes, 40)) for v in entries
    ]
    widths = [max(len(r[i]) for r in table) for i in range(4)]
    for r in table:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip(), file=out)
    return EXIT_OK


def run_checkin(
    args: argparse.Namespace, out: TextIO | None = None, *, clock: Clock | None = None
) -> int:
    engine = open_engine(args, clock, claim=args.checkin_command != "list")
    try:
        return cli_shift.run(args, engine, out or sys.stdout, _err)
    finally:
        engine.store.close()


def run_report(args: argparse.Namespace, out: TextIO | None = None) -> int:
    store = open_store(args)  # an older file is migrated first
    queries = Queries(store)
    try:
        return cli_shift.show_report(args, queries, out or sys.stdout)
    finally:
        queries.close()
        store.close()


def run_desktop_entry(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from core import desktop

    out = out or sys.stdout
    try:
        done = desktop.remove() if args.remove else desktop.install()
    except (OSError, RuntimeError) as exc:
        _err(f"error: {exc}")
        return EXIT_REFUSED
    verb = "removed" if args.remove else "wrote"
    for path in done:
        print(f"{verb} {path}", file=out)
    if not done:
        print("no desktop entry was installed", file=out)
    return EXIT_OK


def console_status(data_dir: Path, fund_id: str) -> dict[str, Any]:
    """What `status` prints: the running console's status file, or the recorded facts."""
    from core.replication import STATUS_FILE

    lock = DataDirLock(data_dir)
    try:
        lock.acquire()
        running = False
        lock.release()
    except DataDirBusy:
        running = True
    status: dict[str, Any] = {}
    path = data_dir / STATUS_FILE
    if running and path.is_file():
        with contextlib.suppress(OSError, ValueError):
            status = json.loads(path.read_text(encoding="utf-8"))
    store = Store(config.db_path(data_dir))
    try:
        c = store.conn
        meta = dict(c.execute("SELECT key, value FROM meta").fetchall())
        row = c.execute(
            "SELECT next_offset, epoch, seq FROM replication_position WHERE fund_id = ?",
            (fund_id,),
        ).fetchone()
        pending = c.execute(
            "SELECT COUNT(*) FROM replication_outgoing WHERE status = 'pending'"
        ).fetchone()[0]
    finally:
        store.close()
    console = meta.get("console_id", "")
    holder = meta.get("log_holder", "")
    recorded = {
        "running": running,
        "fund_id": fund_id,
        "console": console,
        "role": "deciding" if holder in ("", console) else "following",
        "holder": holder,
        "holder_name": meta.get("log_holder_name", ""),
        "epoch": row[1] if row else -1,
        "log_offset": row[0] if row else 0,
        "lag_s": None,
        "pending_commands": int(pending),
    }
    if not running:
        recorded["role"] = "offline"
    return {**recorded, **status, "running": running, "fund_id": fund_id}


def run_status(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    status = console_status(args.data_dir, args.fund_id)
    if args.json:
        print(json.dumps(status, ensure_ascii=False, indent=2), file=out)
        return EXIT_OK
    who = status.get("holder_name") or status.get("holder") or "?"
    role = {"deciding": "deciding", "following": f"following {who}"}.get(
        status["role"], "no console running on this data directory"
    )
    print(f"fund {status['fund_id']}: {role}", file=out)
    print(f"decision log: epoch {status['epoch']}, offset {status['log_offset']}", end="", file=out)
    lag = status.get("lag_s")
    print("" if lag is None else f", lag {lag:.3f} s", file=out)
    print(f"commands waiting for the deciding console: {status['pending_commands']}", file=out)
    if status.get("broker_node"):  # the running console's; no password (member.status)
        print(f"broker node: {status['broker_node']}", file=out)
    if status.get("as_of"):
        print(f"as of {status['as_of']} UTC", file=out)
    return EXIT_OK


def run_restore(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """List the backups, or put one in place of the database."""
    from core.backup import list_backups, restore

    out = out or sys.stdout
    backups = list_backups(args.data_dir)
    if args.backup is None:
        if not backups:
            print(f"no backups yet in {args.data_dir / 'backups'}", file=out)
            return EXIT_OK
        print(f"backups in {args.data_dir / 'backups'}, newest first:", file=out)
        for b in backups:
            print(f"  {b.path.name}  {b.taken_at:%Y-%m-%d %H:%M:%S}  {b.size:,} bytes", file=out)
        print("restore one with: volunteer-console restore NAME", file=out)
        return EXIT_OK
    chosen = next((b.path for b in backups if b.path.name == args.backup), Path(args.backup))
    if not chosen.is_file():
        _err(f"error: no backup {args.backup} (volunteer-console restore lists them)")
        return EXIT_USAGE
    lock = DataDirLock(args.data_dir).acquire()  # never under a running console's feet
    try:
        aside = restore(config.db_path(args.data_dir), chosen, datetime.now())
    except (OSError, RuntimeError, sqlite3.Error) as exc:
        _err(f"error: not restored: {exc}")
        return EXIT_REFUSED
    finally:
        lock.release()
    print(f"restored {chosen.name} as {config.db_path(args.data_dir)}", file=out)
    if aside is not None:
        print(f"the replaced database was kept as {aside}", file=out)
    return EXIT_OK


def run_command(args: argparse.Namespace) -> int:
    """Run a parsed command other than the window."""
    try:
        # the only commands that never open the data directory
        if args.command not in ("install-desktop-entry", "broker-setup"):
            prepare(args)
        return _run_command(args)
    except START_REFUSALS as exc:
        return refused_to_start(exc)


# Why a console or a command cannot use a data directory: each says so in one line. The
# window catches the same types (it may show them in a dialog instead).
START_REFUSALS = (
    StoreDamaged,
    FundMismatch,
    DataDirBusy,
    config.DataDirUnusable,
    StoreUnusable,
    config.BrokerPasswordMissing,
    tls.TlsSettingsInvalid,
)


def refused_to_start(exc: BaseException) -> int:
    """Print the one line and return the exit code: 3 for a damaged database, 2 for a data
    directory given wrong, else 1."""
    _err(f"error: {exc}")
    if isinstance(exc, StoreDamaged):
        return EXIT_DAMAGED
    usage = (config.DataDirUnusable, tls.TlsSettingsInvalid)
    return EXIT_USAGE if isinstance(exc, usage) else EXIT_REFUSED


def prepare(args: argparse.Namespace) -> None:
    """The data directory checked (and created where that is wanted) before anything opens it."""
    config.prepare_data_dir(args.data_dir, create=args.create)


def _run_command(args: argparse.Namespace) -> int:
    if args.command == "restore":
        return run_restore(args)
    if args.headless:
        return run_headless(args)
    if args.command == "app":
        return run_app_command(args)
    if args.command == "simulate":
        return run_simulate(args)
    if args.command == "install-desktop-entry":
        return run_desktop_entry(args)
    if args.command == "broker-setup":
        return run_broker_setup(args)
    if args.command == "volunteers":
        return run_volunteers(args)
    if args.command == "checkin":
        return run_checkin(args)
    if args.command == "report":
        return run_report(args)
    if args.command == "status":
        return run_status(args)
    raise AssertionError(f"unhandled command {args.command}")
