"""The command line as a user meets it: help, option positions, app commands, the service."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from uuid import uuid4

import pytest

import main
from core import cli
from core.config import DB_NAME
from core.engine import Delivery, Engine
from core.storage import Store

ROOT = Path(__file__).resolve().parents[1]
BROKER = "amqp://guest:guest@127.0.0.1:5672/"
SECRET = "Secr3t-Pw-7q"
TOMORROW = (date.today() + timedelta(days=2)).isoformat()


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """main.py in a child process, as a user runs it; the environment's broker only if given."""
    full_env = {k: v for k, v in os.environ.items() if k != "VOLUNTEER_CONSOLE_BROKER"}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "main.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=full_env,
    )


def _parsers() -> dict[str, argparse.ArgumentParser]:
    """Every parser of the command line by its command path."""
    found: dict[str, argparse.ArgumentParser] = {}

    def walk(path: str, parser: argparse.ArgumentParser) -> None:
        found[path] = parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(f"{path} {name}".strip(), sub)

    walk("", cli.build_parser())
    return found


@pytest.mark.parametrize("path", sorted(_parsers()))
def test_help_of_every_command_mentions_every_option(path, capsys):
    parser = _parsers()[path]
    with pytest.raises(SystemExit) as exit_:
        main.main([*path.split(), "--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    for action in parser._actions:
        for option in action.option_strings:
            assert option in text, f"{path or 'root'} help does not mention {option}"
        if not action.option_strings and not isinstance(action, argparse._SubParsersAction):
            assert action.metavar in text
        if action.option_strings and action.help is not argparse.SUPPRESS:
            assert action.help, f"{action.option_strings} has no help text"
    for common in ("--data-dir", "--broker", "--fund-id", "--verbose"):
        assert common in text


def test_root_and_group_help_show_examples(capsys):
    for path in ([], ["app"], ["simulate"], ["app", "create"]):
        with pytest.raises(SystemExit):
            main.main([*path, "--help"])
        text = capsys.readouterr().out
        assert "example" in text and "volunteer-console" in text.split("example", 1)[1]


@pytest.mark.parametrize(
    "argv",
    [
        ["--data-dir", "D", "--fund-id", "f7", "--broker", "amqp://u@h/", "-v", "app", "list"],
        ["app", "list", "--data-dir", "D", "--fund-id", "f7", "--broker", "amqp://u@h/", "-v"],
        ["app", "--data-dir", "D", "list", "--fund-id", "f7", "-v", "--broker", "amqp://u@h/"],
        ["--data-dir", "D", "app", "list", "--fund-id", "f7", "--broker", "amqp://u@h/", "-v"],
    ],
    ids=["before", "after", "middle", "mixed"],
)
def test_common_options_work_before_and_after_the_subcommand(argv):
    args = cli.parse_args(argv)
    assert (args.command, args.app_command) == ("app", "list")
    assert args.data_dir == Path("D")
    assert args.fund_id == "f7"
    assert args.broker == "amqp://u@h/"
    assert args.verbose == 1


def test_common_options_default_to_settings_environment_and_platform_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("VOLUNTEER_CONSOLE_BROKER", "amqp://env-user@envhost/")
    (tmp_path / "settings.json").write_text(json.dumps({"fund_id": "from-settings"}))
    args = cli.parse_args(["app", "list", "--data-dir", str(tmp_path)])
    assert args.fund_id == "from-settings"
    assert cli.broker_url(args) == "amqp://env-user@envhost/"
    assert cli.parse_args(["app", "list"]).data_dir == cli.config.default_data_dir()
    monkeypatch.delenv("VOLUNTEER_CONSOLE_BROKER")
    assert cli.broker_url(cli.parse_args(["--data-dir", str(tmp_path / "none")])) == (
        "amqp://guest:guest@localhost:5672/"
    )


def test_headless_with_a_subcommand_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.parse_args(["--headless", "app", "list"])
    assert exit_.value.code == 2
    assert "--headless" in capsys.readouterr().err


def test_a_bad_fund_id_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.parse_args(["app", "list", "--fund-id", "a.b"])
    assert exit_.value.code == 2
    assert "--fund-id" in capsys.readouterr().err


def test_app_create_list_show_round_trip(tmp_path):
    d = str(tmp_path)
    made = run(
        "app", "create", "--data-dir", d, "--name", "Park clean-up", "--spots", "5",
        "--date", TOMORROW, "--start", "14:00", "--end", "18:00", "--description", "rakes",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    app_id = made.stdout.strip()
    assert app_id.isdigit()

    table = run("app", "list", "--data-dir", d)
    assert table.returncode == 0
    header, row = table.stdout.splitlines()
    assert header.split()[:4] == ["ID", "NAME", "DATE", "TIME"]
    assert app_id in row and "Park clean-up" in row and "0/5" in row and "open" in row

    listed = json.loads(run("app", "list", "--json", "--data-dir", d).stdout)
    assert [(a["id"], a["name"], a["capacity"], a["status"]) for a in listed] == [
        (app_id, "Park clean-up", 5, "open")
    ]
    assert listed[0]["date"] == TOMORROW and listed[0]["start"] == "14:00:00"

    shown = json.loads(run("app", "show", app_id, "--json", "--data-dir", d).stdout)
    assert shown["summary"]["id"] == app_id
    assert shown["summary"]["description"] == "rakes"
    assert shown["roster"] == [] and shown["waitlist"] == [] and shown["round"] is None

    text = run("app", "show", app_id, "--data-dir", d).stdout
    assert "Park clean-up" in text and "Roster (0)" in text and "Waitlist (0)" in text


def test_app_create_draft_then_publish_close_reopen_cancel(tmp_path):
    d = str(tmp_path)
    app_id = run(
        "app", "create", "--data-dir", d, "--name", "Food bank", "--spots", "2",
        "--date", TOMORROW, "--start", "9:00", "--end", "13:00", "--draft",
        "--policy", "timed", "--offer-timeout", "5",
    ).stdout.strip()  # fmt: skip
    shown = json.loads(run("app", "show", app_id, "--json", "--data-dir", d).stdout)["summary"]
    assert (shown["status"], shown["policy"], shown["offer_timeout_min"]) == ("draft", "timed", 5)
    for action, status in (
        ("publish", "open"),
        ("close", "closed"),
        ("reopen", "open"),
        ("cancel", "cancelled"),
    ):
        done = run("app", action, app_id, "--data-dir", d)
        assert done.returncode == 0, done.stderr
        assert app_id in done.stdout
        now = json.loads(run("app", "show", app_id, "--json", "--data-dir", d).stdout)
        assert now["summary"]["status"] == status
    refused = run("app", "close", app_id, "--data-dir", d)
    assert refused.returncode == 1
    assert "refused:" in refused.stderr and "cancelled" in refused.stderr


def test_app_create_reports_every_bad_field_with_exit_code_2(tmp_path):
    bad = run(
        "app", "create", "--data-dir", str(tmp_path), "--name", " ", "--spots", "0",
        "--date", "2020-01-01", "--start", "14:00", "--end", "14:00",
        "--policy", "lottery", "--offer-timeout", "soon",
    )  # fmt: skip
    assert bad.returncode == 2
    lines = bad.stderr.splitlines()
    for option in ("--name", "--spots", "--date", "--end", "--policy", "--offer-timeout"):
        assert any(line.startswith(f"error: {option}:") for line in lines), (option, lines)
    assert bad.stdout == ""
    assert json.loads(run("app", "list", "--json", "--data-dir", str(tmp_path)).stdout) == []


def test_app_create_reports_unparseable_date_and_time(tmp_path):
    bad = run(
        "app", "create", "--data-dir", str(tmp_path), "--name", "x", "--spots", "many",
        "--date", "5 Dec", "--start", "2pm", "--end", "18:00",
    )  # fmt: skip
    assert bad.returncode == 2
    assert "error: --date: expected YYYY-MM-DD, got '5 Dec'" in bad.stderr
    assert "error: --start: expected HH:MM, got '2pm'" in bad.stderr
    assert "error: --spots: expected a whole number, got 'many'" in bad.stderr


def _with_signed_volunteers(data_dir: Path, fund: str, n: int) -> str:
    app_id = run(
        "app", "create", "--data-dir", str(data_dir), "--fund-id", fund, "--name", "Shelter",
        "--spots", "3", "--date", TOMORROW, "--start", "10:00", "--end", "12:00",
    ).stdout.strip()  # fmt: skip
    store = Store(data_dir / DB_NAME)
    try:
        engine = Engine(store, fund)
        bodies = [
            json.dumps(
                {
                    "action": "volunteer_response",
                    "data": {
                        "volunteer_id": f"vol{i}",
                        "volunteer_application_id": int(app_id),
                        "status": "accepted",
                    },
                }
            ).encode()
            for i in range(n)
        ]
        results = engine.handle([Delivery(b, message_id=f"m{i}") for i, b in enumerate(bodies)])
        assert [r.outcome for r in results] == ["applied"] * n
    finally:
        store.close()
    return app_id


def test_app_capacity_below_the_roster_is_refused_with_exit_code_1(tmp_path):
    app_id = _with_signed_volunteers(tmp_path, "1", 2)
    refused = run("app", "capacity", app_id, "1", "--data-dir", str(tmp_path))
    assert refused.returncode == 1
    assert "refused: cannot lower capacity to 1: 2 volunteers are signed up" in refused.stderr
    shown = json.loads(run("app", "show", app_id, "--json", "--data-dir", str(tmp_path)).stdout)
    assert shown["summary"]["capacity"] == 3

    ok = run("app", "capacity", app_id, "2", "--data-dir", str(tmp_path))
    assert ok.returncode == 0
    assert "capacity of" in ok.stdout and "2/2 signed up" in ok.stdout


def test_app_remove_and_promote_print_the_outcome_or_the_refusal(tmp_path):
    app_id = _with_signed_volunteers(tmp_path, "1", 3)
    d = str(tmp_path)
    removed = run("app", "remove", app_id, "vol1", "--data-dir", d)
    assert removed.returncode == 0, removed.stderr
    assert "removed vol1" in removed.stdout and "2/3 signed up" in removed.stdout
    again = run("app", "remove", app_id, "vol1", "--data-dir", d)
    assert again.returncode == 1 and "neither signed up nor waiting" in again.stderr
    promote = run("app", "promote", app_id, "vol0", "--data-dir", d)
    assert promote.returncode == 1 and "not on the waitlist" in promote.stderr
    missing = run("app", "show", "999", "--data-dir", d)
    assert missing.returncode == 1 and "no application 999" in missing.stderr


def test_an_application_made_on_the_command_line_is_in_the_console_of_that_data_dir(tmp_path):
    from core.service import ConsoleCore

    made = run(
        "app", "create", "--data-dir", str(tmp_path), "--name", "Shelter", "--spots", "2",
        "--date", TOMORROW, "--start", "9:00", "--end", "12:00",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    core = ConsoleCore(tmp_path, "1", BROKER)
    try:
        assert [(s.id, s.name) for s in core.queries.summaries()] == [
            (made.stdout.strip(), "Shelter")
        ]
    finally:
        asyncio.run(core.stop())


@pytest.mark.broker
@pytest.mark.parametrize("verbosity", ["-v", "-vv"])
def test_the_broker_password_is_never_printed(tmp_path, verbosity):
    url = f"amqp://guest:{SECRET}@127.0.0.1:5672/"
    sim = run(
        "simulate", verbosity, "--broker", url, "--data-dir", str(tmp_path),
        "--application", "1", "--volunteers", "1",
    )  # fmt: skip
    assert sim.returncode == 1
    assert "cannot reach the broker at amqp://guest:***@127.0.0.1:5672/" in sim.stderr
    assert "ACCESS_REFUSED" in sim.stderr
    assert SECRET not in sim.stdout + sim.stderr

    env_run = run(
        "simulate", verbosity, "--data-dir", str(tmp_path), "--application", "1",
        env={"VOLUNTEER_CONSOLE_BROKER": url},
    )  # fmt: skip
    assert env_run.returncode == 1
    assert SECRET not in env_run.stdout + env_run.stderr

    # The service keeps retrying a refused login: read its log, then stop it.
    fund = f"t{uuid4().hex[:8]}"  # never connects, so it declares no queue to clean up
    service = _Service(verbosity, "--broker", url, "--data-dir", str(tmp_path), "--fund-id", fund)
    try:
        service.wait_for("broker offline")
    finally:
        code = service.terminate()
    assert code == 0
    assert SECRET not in service.log
    assert "amqp://guest:***@127.0.0.1:5672/" in service.log


class _Service:
    """`main.py --headless ...` as a child process whose stderr is collected as it comes."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "main.py", "--headless", *args],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)

    @property
    def log(self) -> str:
        return "".join(self.lines)

    def wait_for(self, needle: str, timeout: float = 30) -> None:
        end = time.monotonic() + timeout
        while needle not in self.log:
            if self.proc.poll() is not None or time.monotonic() > end:
                raise AssertionError(f"never logged {needle!r}; got:\n{self.log}")
            time.sleep(0.05)

    def terminate(self) -> int:
        """SIGTERM, then the exit code once the process and its log have ended."""
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=30)
        self._reader.join(timeout=10)
        return code


@pytest.mark.broker
def test_headless_service_stops_cleanly_on_sigterm(tmp_path):
    fund = f"t{uuid4().hex[:8]}"
    service = _Service("--data-dir", str(tmp_path), "--fund-id", fund, "--broker", BROKER)
    try:
        service.wait_for("broker connected")
    finally:
        code = service.terminate()
    try:
        assert code == 0, service.log
        assert "Traceback" not in service.log
        assert "headless console stopped cleanly" in service.log
        assert (tmp_path / DB_NAME).exists()
    finally:
        import asyncio

        from tests.helpers.broker import delete_fund_queues

        asyncio.run(delete_fund_queues(fund))


def test_the_command_line_loads_no_qt(tmp_path):
    script = (
        "import sys, main\n"
        f"code = main.main(['app', 'list', '--data-dir', {str(tmp_path)!r}])\n"
        "print(code, sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'qasync')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.splitlines()[-1] == "0 []"


def heavy_loaded(heavy: tuple[str, ...], data: Path, command: list[str]) -> tuple[str, str]:
    """A command run on data in a child process: its stdout, and "<exit code> [<the modules of
    heavy it loaded>]" ("0 []": it succeeded and loaded none of them)."""
    script = (
        "import sys, main\n"
        "code = main.main(sys.argv[1:])\n"
        f"heavy = {heavy!r}\n"
        "print(code, [m for m in heavy if m in sys.modules], file=sys.stderr)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, "--data-dir", str(data), *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return out.stdout, out.stderr.splitlines()[-1]


# what the read-only commands never load: the engine and the wire messages with pydantic (half
# of `app list`'s start before they were deferred), the broker client and its event loop
NOT_ON_THE_READ_PATH = ("pydantic", "aio_pika", "aiormq", "asyncio", "core.engine", "core.messages")


def test_the_read_only_commands_load_no_engine_pydantic_or_broker(tmp_path):
    data = tmp_path / "data"
    made = run(
        *("--data-dir", str(data), "--create", "app", "create", "--name", "Park"),
        *("--spots", "2", "--date", TOMORROW, "--start", "10:00", "--end", "12:00"),
    )
    assert made.returncode == 0, made.stderr
    app_id = made.stdout.split()[-1]
    # a settings file as the console writes it: its fund id is read without the model
    (data / "settings.json").write_text('{"fund_id": "1", "language": "en"}', encoding="utf-8")
    commands = [
        ["app", "list"],
        ["app", "list", "--json"],
        ["app", "show", app_id],
        ["app", "show", app_id, "--json"],
        ["volunteers", "list"],
        ["volunteers", "list", "--json"],
        ["volunteers", "show", "42"],
        ["report"],
        ["report", "--json"],
        ["status"],
        ["status", "--json"],
    ]
    loaded = {}
    for command in commands:
        _out, loaded[" ".join(command)] = heavy_loaded(NOT_ON_THE_READ_PATH, data, command)
    assert loaded == {c: "0 []" for c in loaded}


# what `app list` and `app show` never load on a file at the current schema: the store's
# peewee, and the modules of the other commands (a quarter of their start together)
NOT_ON_THE_LIST_PATH = ("peewee", "core.attendance", "core.report", "core.profile")


def test_app_list_and_show_read_a_current_file_with_sqlite_alone(tmp_path):
    data = tmp_path / "data"
    made = run(
        *("--data-dir", str(data), "--create", "app", "create", "--name", "Park"),
        *("--spots", "2", "--date", TOMORROW, "--start", "10:00", "--end", "12:00"),
    )
    assert made.returncode == 0, made.stderr
    app_id = made.stdout.split()[-1]
    loaded = {}
    for command in (["app", "list", "--json"], ["app", "show", app_id, "--json"]):
        out, loaded[" ".join(command[:2])] = heavy_loaded(NOT_ON_THE_LIST_PATH, data, command)
        assert app_id in out
    assert loaded == {"app list": "0 []", "app show": "0 []"}
