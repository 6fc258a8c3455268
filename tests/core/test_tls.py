"""TLS to the broker: CA file, client certificate and key as settings, through a TLS proxy."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time as monotonic
from datetime import date, time, timedelta
from pathlib import Path
from uuid import uuid4

import pytest

from core import cli, config, tls
from core.engine import ApplicationForm
from core.service import ConsoleCore
from core.tls import TlsFiles, TlsProblem
from tests.helpers.broker import VolunteerClient, broker_available, delete_fund_queues, wait_until
from tests.helpers.tls import TestCA, TlsProxy

ROOT = Path(__file__).resolve().parents[2]
needs_broker = pytest.mark.skipif(not broker_available(), reason="needs RabbitMQ on 5672")


def form() -> ApplicationForm:
    return ApplicationForm(
        name="TLS shift",
        day=date.today() + timedelta(days=2),
        start=time(9, 0),
        end=time(11, 0),
        spots=2,
    )


@pytest.fixture
def pki(tmp_path: Path) -> dict[str, object]:
    ca = TestCA(tmp_path / "fund-ca")
    other = TestCA(tmp_path / "other-ca", "Someone Else CA")
    return {
        "ca": ca,
        "other": other,
        "server": ca.issue("broker", dns=("localhost",)),
        "client": ca.issue("console", client=True),
        "foreign_client": other.issue("intruder", client=True),
    }


# -- the settings checked before any connection ----------------------------------------------


def test_every_unusable_tls_setting_is_named_before_a_connection_is_tried(
    tmp_path: Path, pki: dict[str, object]
) -> None:
    ca, client = pki["ca"], pki["client"]
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n")
    amqps = "amqps://localhost/"
    assert tls.check(amqps, TlsFiles(str(ca.ca_file), str(client.cert), str(client.key))) == []
    assert tls.check("amqp://localhost/", TlsFiles(str(ca.ca_file))) == [
        TlsProblem("broker_url", "needs_amqps")
    ]
    assert tls.check(amqps, TlsFiles(str(tmp_path / "nope.pem"))) == [
        TlsProblem("broker_ca_file", "missing", str(tmp_path / "nope.pem"))
    ]
    assert tls.check(amqps, TlsFiles(str(junk))) == [
        TlsProblem("broker_ca_file", "not_pem", str(junk))
    ]
    assert tls.check(amqps, TlsFiles("", str(client.cert))) == [
        TlsProblem("broker_key_file", "cert_without_key")
    ]
    other_key = pki["foreign_client"].key
    assert tls.check(amqps, TlsFiles("", str(client.cert), str(other_key))) == [
        TlsProblem("broker_key_file", "key_mismatch", str(other_key))
    ]
    assert TlsProblem("broker_key_file", "key_mismatch", "/k.pem").english() == (
        "--broker-key-file: the key /k.pem does not belong to the client certificate"
    )


def test_options_win_over_settings_and_the_url_query_is_a_fallback(tmp_path: Path) -> None:
    config.update_settings(
        tmp_path, {"broker_ca_file": "/etc/fund/ca.pem", "broker_cert_file": "/etc/c.pem"}
    )
    settings = config.load_settings(tmp_path)
    chosen = config.effective_tls(settings, cert_file=Path("/opt/mine.pem"))
    assert chosen == TlsFiles("/etc/fund/ca.pem", "/opt/mine.pem", "")
    from_url = tls.merged(TlsFiles(), "amqps://h/?cafile=/q/ca.pem&keyfile=/q/k.pem")
    assert from_url == TlsFiles("/q/ca.pem", "", "/q/k.pem")


def test_the_command_line_refuses_a_missing_ca_file_in_one_line(tmp_path: Path) -> None:
    argv = ["--headless", "--data-dir", str(tmp_path), "--broker", "amqps://localhost:1/"]
    proc = subprocess.run(
        [sys.executable, "main.py", *argv, "--broker-ca-file", str(tmp_path / "ca.pem")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == cli.EXIT_USAGE
    assert proc.stderr.strip() == f"error: --broker-ca-file: {tmp_path / 'ca.pem'} does not exist"


# -- through a TLS-terminating proxy in front of the shared broker ------------------------------


@pytest.mark.broker
@needs_broker
def test_a_trusted_ca_with_a_client_certificate_serves_volunteers_end_to_end(
    tmp_path: Path, pki: dict[str, object]
) -> None:
    """The proxy wants a client certificate of the fund's CA: the console brings one."""
    fund = f"tls{uuid4().hex[:8]}"
    ca, client = pki["ca"], pki["client"]

    async def scenario() -> None:
        proxy = TlsProxy(pki["server"], client_ca=ca.ca_file)
        await proxy.open()
        files = TlsFiles(str(ca.ca_file), str(client.cert), str(client.key))
        core = ConsoleCore(tmp_path / "data", fund, proxy.url_for("localhost"), tls=files)
        try:
            async with VolunteerClient(fund) as vol:
                await core.start()
                await wait_until(lambda: core.transport.status.state == "connected", 30)
                app = await core.writer.call(core.engine.create_application, form())
                await wait_until(lambda: len(vol.announcements) == 1, what="announcement")
                await vol.respond(int(app), 41, "accepted")
                await wait_until(lambda: vol.to(41) == ["записан"], what="signed up over TLS")
            assert proxy.handshake_errors == []
        finally:
            await core.stop()
            await proxy.close()
            await delete_fund_queues(fund)

    asyncio.run(scenario())


@pytest.mark.broker
@needs_broker
def test_an_untrusted_ca_or_a_wrong_host_name_is_refused_and_the_outbox_waits(
    tmp_path: Path, pki: dict[str, object]
) -> None:
    fund = f"tls{uuid4().hex[:8]}"
    ca, other = pki["ca"], pki["other"]
    data = tmp_path / "data"

    async def scenario() -> None:
        proxy = TlsProxy(pki["server"])
        await proxy.open()
        try:
            async with VolunteerClient(fund) as vol:
                # the broker's certificate is signed by the fund's CA, not by this one
                core = ConsoleCore(
                    data, fund, proxy.url_for("localhost"), tls=TlsFiles(str(other.ca_file))
                )
                await core.start()
                await wait_until(lambda: "TLS" in core.transport.status.detail, 30)
                untrusted = core.transport.status
                app = await core.writer.call(core.engine.create_application, form())
                await asyncio.sleep(1.0)  # a few more refused attempts
                assert core.store.backlog() == 1 and vol.announcements == []
                await core.stop()

                # the right CA, but a host name the certificate does not carry
                core = ConsoleCore(
                    data, fund, proxy.url_for("127.0.0.1"), tls=TlsFiles(str(ca.ca_file))
                )
                await core.start()
                await wait_until(lambda: "TLS" in core.transport.status.detail, 30)
                wrong_name = core.transport.status
                assert core.store.backlog() == 1 and vol.announcements == []
                await core.stop()

                # trusted at last: what waited goes out
                core = ConsoleCore(
                    data, fund, proxy.url_for("localhost"), tls=TlsFiles(str(ca.ca_file))
                )
                await core.start()
                try:
                    await wait_until(lambda: len(vol.announcements) == 1, what="the backlog")
                    assert vol.announcements[0]["data"]["volunteer_application_id"] == int(app)
                finally:
                    await core.stop()
        finally:
            await proxy.close()
            await delete_fund_queues(fund)
        port = proxy.port
        assert untrusted.state == "offline"
        assert untrusted.detail.startswith(
            f"cannot reach amqps://guest:***@localhost:{port}/ (TLS: the broker's certificate"
            " is not trusted (unable to get local issuer certificate); give the CA that signed"
            " it as the CA file (--broker-ca-file, or Settings)); retrying in"
        )
        assert wrong_name.state == "offline"
        assert wrong_name.detail.startswith(
            f"cannot reach amqps://guest:***@127.0.0.1:{port}/ (TLS: the broker's certificate is"
            " for another host name (IP address mismatch, certificate is not valid for"
            " '127.0.0.1'.); connect by a name the certificate carries); retrying in"
        )

    asyncio.run(scenario())


@pytest.mark.broker
@needs_broker
def test_the_headless_service_says_why_in_one_warning_line_and_no_traceback(
    tmp_path: Path, pki: dict[str, object]
) -> None:
    async def scenario() -> tuple[int, str]:
        proxy = TlsProxy(pki["server"])
        await proxy.open()
        log_file = tmp_path / "stderr.log"
        argv = [sys.executable, "main.py", "--headless", "--data-dir", str(tmp_path / "d")]
        argv += ["--create", "--fund-id", f"tls{uuid4().hex[:8]}"]
        argv += ["--broker", proxy.url_for("localhost")]
        argv += ["--broker-ca-file", str(pki["other"].ca_file)]
        try:
            with log_file.open("wb") as err:
                proc = subprocess.Popen(argv, cwd=ROOT, stderr=err, stdout=subprocess.DEVNULL)
                try:
                    deadline = monotonic.monotonic() + 60
                    while "not trusted" not in log_file.read_text(errors="replace"):
                        assert proc.poll() is None, log_file.read_text()
                        assert monotonic.monotonic() < deadline, log_file.read_text()
                        await asyncio.sleep(0.2)
                finally:
                    proc.send_signal(signal.SIGTERM)
                    code = await asyncio.to_thread(proc.wait, 30)
        finally:
            await proxy.close()
        return code, log_file.read_text()

    code, text = asyncio.run(scenario())
    assert code == 0
    assert "Traceback" not in text
    warnings = [line for line in text.splitlines() if "WARNING" in line and "TLS" in line]
    assert warnings, text
    assert "the broker's certificate is not trusted" in warnings[0]


def test_settings_json_carries_the_three_files(tmp_path: Path) -> None:
    config.update_settings(
        tmp_path,
        {"broker_ca_file": "/a/ca.pem", "broker_cert_file": "/a/c.pem", "broker_key_file": "/k"},
    )
    raw = json.loads(config.settings_path(tmp_path).read_text())
    assert raw == {
        "broker_ca_file": "/a/ca.pem",
        "broker_cert_file": "/a/c.pem",
        "broker_key_file": "/k",
    }
    assert os.path.exists(config.settings_path(tmp_path))
