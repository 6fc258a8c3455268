"""Certificates made by the test (a private CA, a server and a client certificate) and a
TLS-terminating proxy in front of the shared broker."""

from __future__ import annotations

import datetime as dt
import ssl
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests.helpers.broker import TcpProxy


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _write_key(key: ec.EllipticCurvePrivateKey, path: Path) -> None:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)


@dataclass
class Issued:
    cert: Path
    key: Path


class TestCA:
    """A self-signed CA in a directory; issues server and client certificates."""

    __test__ = False  # not a test class, whatever its name

    def __init__(self, folder: Path, name: str = "Test Fund CA") -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(_name(name))
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), critical=False
            )
            .sign(self.key, hashes.SHA256())
        )
        self.ca_file = folder / f"{name.replace(' ', '_')}.pem"
        self.ca_file.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))

    def issue(self, common: str, *, dns: tuple[str, ...] = (), client: bool = False) -> Issued:
        key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        names: list[x509.GeneralName] = [x509.DNSName(d) for d in dns]
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(common))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.ExtendedKeyUsage(
                    [ExtendedKeyUsageOID.CLIENT_AUTH if client else ExtendedKeyUsageOID.SERVER_AUTH]
                ),
                critical=False,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False,
            )
        )
        if names:
            builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
        cert = builder.sign(self.key, hashes.SHA256())
        stem = common.replace(" ", "_")
        issued = Issued(self.folder / f"{stem}.crt", self.folder / f"{stem}.key")
        issued.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        _write_key(key, issued.key)
        return issued


class TlsProxy(TcpProxy):
    """A TLS-terminating proxy on 127.0.0.1 in front of the shared broker's plain port: the
    console speaks amqps:// to it, it speaks amqp:// to the broker. With client_ca set, it
    asks for a client certificate signed by that CA and refuses a handshake without one."""

    def __init__(
        self,
        server: Issued,
        *,
        client_ca: Path | None = None,
        target: tuple[str, int] | None = None,
    ) -> None:
        super().__init__(*(target or ()))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(server.cert, server.key)
        if client_ca is not None:
            context.load_verify_locations(client_ca)
            context.verify_mode = ssl.CERT_REQUIRED
        self.context = context
        self.handshake_errors: list[str] = []
        self._restore: tuple[object, object] | None = None

    def url_for(self, host: str = "localhost") -> str:
        return f"amqps://guest:guest@{host}:{self.port}/"

    async def open(self) -> None:
        import asyncio

        if self._server is not None:
            return
        loop = asyncio.get_running_loop()
        previous = loop.get_exception_handler()

        def quiet(lp: asyncio.AbstractEventLoop, context: dict[str, object]) -> None:
            # a refused handshake is what these tests provoke: recorded, not printed
            exc = context.get("exception")
            if isinstance(exc, ssl.SSLError | ConnectionResetError):
                self.handshake_errors.append(str(exc))
                return
            if previous is not None:
                previous(lp, context)
            else:
                lp.default_exception_handler(context)

        self._restore = (loop, previous)
        loop.set_exception_handler(quiet)
        self._server = await asyncio.start_server(
            self._serve, "127.0.0.1", self.port, ssl=self.context
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        await super().close()
        if self._restore is not None:
            loop, previous = self._restore
            loop.set_exception_handler(previous)  # type: ignore[attr-defined]
            self._restore = None
