"""One password scrubber: logs, the broker status, command-line errors and the settings field."""

from __future__ import annotations

import ast
import io
import logging
from pathlib import Path

import pytest

from core import cli
from core.broker.status import StatusBoard
from core.redaction import MASK, redact, scrub, url_secrets, without_password
from tests.helpers.source import parse_file

ROOT = Path(__file__).resolve().parents[2]
# user "con sole", password "p@ss/wörd:1" as effective_broker_url writes it
URL = "amqp://con%20sole:p%40ss%2Fw%C3%B6rd%3A1@rabbit:5671/fund"
DECODED = "p@ss/wörd:1"


def test_scrub_hides_the_password_as_written_decoded_and_re_encoded() -> None:
    text = (
        f"login {DECODED} refused; url {URL}; encoded p%40ss%2Fw%C3%B6rd%3A1;"
        " slash kept p%40ss/w%C3%B6rd%3A1"
    )
    shown = scrub(text, URL)
    assert DECODED not in shown
    assert "w%C3%B6rd" not in shown
    assert shown == (
        "login *** refused; url amqp://con%20sole:***@rabbit:5671/fund; encoded ***; slash kept ***"
    )


def test_scrub_without_a_password_or_url_changes_nothing() -> None:
    assert scrub("amqp://host/ is down", "amqp://host/", None, "not a url [") == (
        "amqp://host/ is down"
    )
    assert url_secrets("amqp://user@host/") == ()


def test_redact_and_the_settings_field_keep_the_user_and_host() -> None:
    assert redact(URL) == "amqp://con%20sole:***@rabbit:5671/fund"
    assert without_password(URL) == "amqp://con%20sole@rabbit:5671/fund"
    assert without_password("amqps://u:pw@[::1]:5671/") == "amqps://u@[::1]:5671/"
    assert redact("amqps://u:pw@[::1]/") == "amqps://u:***@[::1]/"


def test_the_broker_status_hides_a_decoded_password_from_the_broker_or_a_library() -> None:
    board = StatusBoard(URL, lambda: 0)
    detail = board.describe(ConnectionError(f"refused for user con sole with {DECODED}"))
    assert detail == "ConnectionError: refused for user con sole with ***"
    assert board.shown_url() == "amqp://con%20sole:***@rabbit:5671/fund"


def test_log_lines_and_command_line_errors_hide_a_remembered_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "_known_urls", [])
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        cli.setup_logging(0)
        cli.remember_secret(URL)
        logging.getLogger("core.test").warning("cannot log in to %s as %s", URL, DECODED)
        cli._err(f"error: the broker said {DECODED!r}")
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
    err = capsys.readouterr().err
    assert DECODED not in err and "p%40ss" not in err
    assert "cannot log in to amqp://con%20sole:***@rabbit:5671/fund as ***" in err
    assert "error: the broker said '***'" in err


def test_no_other_module_masks_passwords_by_hand() -> None:
    """A second scrubber drifts (the status board's knew one spelling of three): the mask
    string is written in core/redaction.py only, every other module calls it."""
    offenders = []
    for path in [*(ROOT / "core").rglob("*.py"), *(ROOT / "gui").rglob("*.py")]:
        if path.name == "redaction.py":
            continue
        tree = parse_file(path)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value == MASK:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_a_log_record_with_a_password_in_its_arguments_is_hidden_too() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(cli._RedactingFormatter("%(message)s", lambda: [URL]))
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s", (DECODED,), None)
    handler.emit(record)
    assert stream.getvalue() == "***\n"


def test_every_nodes_password_is_hidden_when_the_url_names_a_cluster() -> None:
    nodes = "amqp://a:first-secret@rabbit1/,amqp://b:second-secret@rabbit2/"
    shown = scrub(f"cannot reach {nodes}: second-secret refused", nodes)
    assert "first-secret" not in shown and "second-secret" not in shown
    assert redact(nodes) == "amqp://a:***@rabbit1/,amqp://b:***@rabbit2/"
    assert without_password(nodes) == "amqp://a@rabbit1/,amqp://b@rabbit2/"
    board = StatusBoard(nodes, lambda: 0)
    board.node = "amqp://b:second-secret@rabbit2/"
    assert board.shown_node() == "amqp://b:***@rabbit2/"
