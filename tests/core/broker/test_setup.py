"""broker-setup on a private node: least-privilege users of one fund, refused on another's."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import stat
import subprocess
import sys
from datetime import date, time, timedelta
from pathlib import Path

import aio_pika
import aiormq

from core import cli
from core.broker import setup
from core.engine import ApplicationForm
from core.service import ConsoleCore
from tests.helpers.broker import RESPONSE_EXCHANGE, WAITING_EXCHANGE, VolunteerClient, wait_until
from tests.helpers.rabbit_node import private_node
from tests.helpers.tls import TestCA, TlsProxy

ROOT = Path(__file__).resolve().parents[3]


def form() -> ApplicationForm:
    day = date.today() + timedelta(days=2)
    return ApplicationForm(name="Setup shift", day=day, start=time(9), end=time(11), spots=2)


def run_setup(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    args = cli.parse_args(["broker-setup", *argv])
    code = cli.run_broker_setup(args, out)
    return code, out.getvalue()


def test_print_shows_the_plan_as_rabbitmqctl_commands_and_writes_nothing(tmp_path: Path) -> None:
    files = ["--console-password-file", str(tmp_path / "c.pw")]
    files += ["--volunteer-password-file", str(tmp_path / "v.pw")]
    code, out = run_setup(
        ["--fund-id", "A", "--vhost", "fund-a", "--create-vhost", "--print", *files]
    )
    assert code == 0
    assert list(tmp_path.iterdir()) == []
    lines = out.splitlines()
    assert "rabbitmqctl add_vhost fund-a" in lines
    assert (
        "rabbitmqctl set_topic_permissions -p fund-a volunteer-app-A volunteer_response_exchange"
        " '^fund\\.A\\.response\\.' '^$'"
    ) in lines
    assert f'rabbitmqctl add_user volunteer-console-A "$(cat {tmp_path / "c.pw"})"' in lines


def test_the_regexes_name_one_funds_objects_and_keys_only() -> None:
    import re

    p = setup.plan(
        "A",
        vhost="/",
        create_vhost=False,
        console_user="c",
        console_password_file=Path("c"),
        volunteer_user="v",
        volunteer_password_file=Path("v"),
    )
    console, volunteer = p.users
    ok = re.compile(console.configure).match
    assert ok("volunteer_console.fund.A.responses") and not ok("volunteer_console.fund.AB.waiting")
    assert not ok("volunteer_waiting_queue_exchange")
    vol_write = {t.exchange: re.compile(t.write) for t in volunteer.topics}
    assert vol_write[RESPONSE_EXCHANGE].match("fund.A.response.17")
    assert not vol_write[RESPONSE_EXCHANGE].match("fund.B.response.17")
    assert not vol_write[RESPONSE_EXCHANGE].match("fund.AB.response.17")
    assert not re.compile(volunteer.read).match("volunteer_console.fund.A.responses")


def test_fund_a_volunteer_user_is_refused_on_fund_b_and_fund_a_console_user_works(
    tmp_path: Path,
) -> None:
    with private_node(management=True) as node:
        admin_pw = tmp_path / "admin.pw"
        admin_pw.write_text("guest\n")
        admin_pw.chmod(0o600)
        console_pw, volunteer_pw = tmp_path / "console.pw", tmp_path / "volunteer.pw"
        argv = ["--fund-id", "A", "--vhost", "fund-a", "--create-vhost"]
        argv += ["--management-url", node.management_url, "--admin-user", "guest"]
        argv += ["--admin-password-file", str(admin_pw)]
        argv += ["--console-password-file", str(console_pw)]
        argv += ["--volunteer-password-file", str(volunteer_pw)]
        code, out = run_setup(argv)
        assert code == 0, out
        assert out.splitlines()[0] == "vhost fund-a: created"
        for pw in (console_pw, volunteer_pw):
            assert stat.S_IMODE(pw.stat().st_mode) == 0o600
        secrets = [console_pw.read_text().strip(), volunteer_pw.read_text().strip()]
        assert all(s and s not in out for s in secrets)
        # a second run changes nothing and keeps the passwords
        code, again = run_setup(argv)
        assert code == 0 and "vhost fund-a: already there" in again
        assert [console_pw.read_text().strip(), volunteer_pw.read_text().strip()] == secrets

        host = f"127.0.0.1:{node.port}"
        console_url = f"amqp://volunteer-console-A:{secrets[0]}@{host}/fund-a"
        volunteer_url = f"amqp://volunteer-app-A:{secrets[1]}@{host}/fund-a"

        async def scenario() -> dict[str, str]:
            refusals: dict[str, str] = {}
            core = ConsoleCore(tmp_path / "data", "A", console_url)
            await core.start()
            try:
                await wait_until(lambda: core.transport.status.state == "connected", 30)
                async with VolunteerClient("A", volunteer_url, passive=True) as vol:
                    app = await core.writer.call(core.engine.create_application, form())
                    await wait_until(lambda: len(vol.announcements) == 1, what="announced")
                    await vol.respond(int(app), 7, "accepted")
                    await wait_until(lambda: vol.to(7) == ["записан"], what="signed up")
                    # the same user speaking for fund B: refused by the broker
                    try:
                        await vol.publish(RESPONSE_EXCHANGE, "fund.B.response.1", {"x": 1})
                    except aiormq.exceptions.ChannelClosed as exc:
                        refusals["publish to fund B"] = str(exc)
                conn = await aio_pika.connect(volunteer_url)
                try:
                    for what, attempt in (
                        ("bind to fund B", _bind(conn, WAITING_EXCHANGE, "fund.B.#")),
                        ("read the console's queue", _consume(conn)),
                        ("declare an exchange", _declare_exchange(conn)),
                    ):
                        try:
                            await attempt
                        except aiormq.exceptions.ChannelClosed as exc:
                            refusals[what] = str(exc)
                finally:
                    await conn.close()
                assert core.transport.status.state == "connected"
            finally:
                await core.stop()
            return refusals

        refusals = asyncio.run(asyncio.wait_for(scenario(), 120))

        # the management API behind https with the fund's own CA
        ca = TestCA(tmp_path / "ca")
        other = TestCA(tmp_path / "other", "Other CA")

        async def over_https() -> tuple[list[tuple[int, str, str]], int]:
            proxy = TlsProxy(
                ca.issue("mgmt", dns=("localhost",)), target=("127.0.0.1", node.mgmt_port)
            )
            await proxy.open()
            try:
                url = f"https://localhost:{proxy.port}/"
                runs = []
                for ca_file in (ca.ca_file, other.ca_file):
                    https = [*argv, "--management-url", url, "--management-ca-file", str(ca_file)]
                    err = io.StringIO()
                    with contextlib.redirect_stderr(err):
                        code, text = await asyncio.to_thread(run_setup, https)
                    runs.append((code, text, err.getvalue()))
                return runs, proxy.port
            finally:
                await proxy.close()

        [(trusted, t_out, _), (untrusted, _, u_err)], port = asyncio.run(over_https())
        assert trusted == 0 and "vhost fund-a: already there" in t_out
        assert untrusted == cli.EXIT_REFUSED
        assert u_err == (
            f"error: the management API's certificate at https://localhost:{port}"
            " is not accepted (unable to get local issuer certificate): give the CA that"
            " signed it with --management-ca-file, and use a host name the certificate"
            " carries\n"
        )
    assert sorted(refusals) == [
        "bind to fund B",
        "declare an exchange",
        "publish to fund B",
        "read the console's queue",
    ]
    assert all("ACCESS_REFUSED" in text for text in refusals.values()), refusals
    assert "fund.B.response.1" in refusals["publish to fund B"]


async def _bind(conn: aio_pika.abc.AbstractConnection, exchange: str, key: str) -> None:
    ch = await conn.channel()
    q = await ch.declare_queue("", exclusive=True)
    await q.bind(exchange, key)


async def _consume(conn: aio_pika.abc.AbstractConnection) -> None:
    ch = await conn.channel()
    q = await ch.get_queue("volunteer_console.fund.A.responses", ensure=False)

    async def ignore(_msg: aio_pika.abc.AbstractIncomingMessage) -> None:
        return None

    await q.consume(ignore)


async def _declare_exchange(conn: aio_pika.abc.AbstractConnection) -> None:
    ch = await conn.channel()
    await ch.declare_exchange("fund_b_takeover", aio_pika.ExchangeType.TOPIC)


def test_an_unreachable_management_api_is_one_line_and_no_traceback(tmp_path: Path) -> None:
    admin_pw = tmp_path / "admin.pw"
    admin_pw.write_text("s3cret\n")
    admin_pw.chmod(0o600)
    argv = [sys.executable, "main.py", "broker-setup", "--fund-id", "A"]
    argv += ["--management-url", "http://127.0.0.1:9/", "--admin-password-file", str(admin_pw)]
    argv += ["--console-password-file", str(tmp_path / "c.pw")]
    argv += ["--volunteer-password-file", str(tmp_path / "v.pw")]
    proc = subprocess.run(
        argv,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == cli.EXIT_REFUSED
    assert proc.stderr.startswith("error: cannot reach the management API at http://127.0.0.1:9")
    assert len(proc.stderr.strip().splitlines()) == 1 and "s3cret" not in proc.stderr
    assert json.dumps(sorted(p.name for p in tmp_path.iterdir())) == '["admin.pw"]'
