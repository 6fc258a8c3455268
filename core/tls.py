"""TLS to the broker: CA file, client certificate and key as settings; failures in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    import ssl

# One problem with the TLS settings, named by the setting and a kind the window translates.
Field = Literal["broker_ca_file", "broker_cert_file", "broker_key_file", "broker_url"]
ProblemKind = Literal[
    "needs_amqps",  # a CA or client certificate given for a plain amqp:// URL
    "missing",  # the file does not exist
    "unreadable",  # it exists but cannot be read (permissions, a directory)
    "not_pem",  # not a certificate (or key) that OpenSSL can load
    "cert_without_key",  # a client certificate needs its key, and a key its certificate
    "key_mismatch",  # the key does not belong to the certificate
]

_ENGLISH: dict[ProblemKind, str] = {
    "needs_amqps": "a CA file or client certificate needs an amqps:// broker URL",
    "missing": "{path} does not exist",
    "unreadable": "cannot read {path}",
    "not_pem": "{path} is not a PEM certificate or key that can be loaded",
    "cert_without_key": "a client certificate and its key go together: give both",
    "key_mismatch": "the key {path} does not belong to the client certificate",
}
_OPTION = {
    "broker_ca_file": "--broker-ca-file",
    "broker_cert_file": "--broker-cert-file",
    "broker_key_file": "--broker-key-file",
    "broker_url": "--broker",
}


@dataclass(frozen=True)
class TlsFiles:
    """PEM files for amqps://: the CA to trust instead of the system's, and a client
    certificate with its key for brokers that ask for one. Empty means not set."""

    ca_file: str = ""
    cert_file: str = ""
    key_file: str = ""

    def any(self) -> bool:
        return bool(self.ca_file or self.cert_file or self.key_file)


@dataclass(frozen=True)
class TlsProblem:
    field: Field
    kind: ProblemKind
    path: str = ""

    def english(self) -> str:
        """For the command line and the log (the window renders the kind itself)."""
        return f"{_OPTION[self.field]}: " + _ENGLISH[self.kind].format(path=self.path)


class TlsSettingsInvalid(ValueError):
    """The TLS settings cannot make a connection; raised before any attempt is made."""

    def __init__(self, problems: list[TlsProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.english() for p in problems))


def from_url(url: str) -> TlsFiles:
    """The files named in aiormq's own URL query (cafile, certfile, keyfile), read so an
    existing URL keeps working; the settings take precedence over them."""
    try:
        query = parse_qs(urlsplit(url).query)
    except ValueError:
        return TlsFiles()

    def one(name: str) -> str:
        return (query.get(name) or [""])[0]

    return TlsFiles(one("cafile"), one("certfile"), one("keyfile"))


def merged(files: TlsFiles, url: str) -> TlsFiles:
    """The settings' files, each falling back on the one the URL names."""
    fallback = from_url(url)
    return TlsFiles(
        files.ca_file or fallback.ca_file,
        files.cert_file or fallback.cert_file,
        files.key_file or fallback.key_file,
    )


def is_tls(url: str) -> bool:
    try:
        return urlsplit(url).scheme == "amqps"
    except ValueError:
        return False


def check(url: str, files: TlsFiles) -> list[TlsProblem]:
    """Every problem that would keep these files from making a TLS connection ([] if none)."""
    problems: list[TlsProblem] = []
    if files.any() and not is_tls(url):
        problems.append(TlsProblem("broker_url", "needs_amqps"))
    fields: tuple[tuple[Field, str], ...] = (
        ("broker_ca_file", files.ca_file),
        ("broker_cert_file", files.cert_file),
        ("broker_key_file", files.key_file),
    )
    for field, path in fields:
        if not path:
            continue
        p = Path(path).expanduser()
        if not p.exists():
            problems.append(TlsProblem(field, "missing", path))
        elif not p.is_file():
            problems.append(TlsProblem(field, "unreadable", path))
        else:
            try:
                with p.open("rb"):
                    pass
            except OSError:
                problems.append(TlsProblem(field, "unreadable", path))
    if bool(files.cert_file) != bool(files.key_file):
        missing: Field = "broker_key_file" if files.cert_file else "broker_cert_file"
        problems.append(TlsProblem(missing, "cert_without_key"))
    if problems:
        return problems
    # The files are there: let OpenSSL load them, as the connection will.
    try:
        _context(files)
    except _LoadFailed as exc:
        problems.append(exc.problem)
    return problems


class _LoadFailed(Exception):
    def __init__(self, problem: TlsProblem) -> None:
        self.problem = problem


def _context(files: TlsFiles) -> ssl.SSLContext:
    import ssl  # here: the commands that only read load config.py, and so this, but no TLS

    ca = str(Path(files.ca_file).expanduser()) if files.ca_file else None
    try:
        # With a CA file only that CA is trusted (the fund's own); else the system's CAs.
        context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca)
    except (ssl.SSLError, OSError) as exc:
        raise _LoadFailed(TlsProblem("broker_ca_file", "not_pem", files.ca_file)) from exc
    if files.cert_file:
        cert = str(Path(files.cert_file).expanduser())
        key = str(Path(files.key_file).expanduser()) if files.key_file else None
        try:
            context.load_cert_chain(cert, key)
        except ssl.SSLError as exc:
            kind: ProblemKind = "key_mismatch" if "KEY_VALUES_MISMATCH" in str(exc) else "not_pem"
            field: Field = "broker_key_file" if kind == "key_mismatch" else "broker_cert_file"
            raise _LoadFailed(TlsProblem(field, kind, files.key_file or files.cert_file)) from exc
        except OSError as exc:
            raise _LoadFailed(TlsProblem("broker_cert_file", "unreadable", cert)) from exc
    # verify_mode CERT_REQUIRED and check_hostname come with create_default_context: the
    # broker is always verified; there is no setting to turn that off.
    return context


def client_context(url: str, files: TlsFiles) -> ssl.SSLContext | None:
    """The context for one connection attempt: None for amqp://, a verifying one for
    amqps://. Built per attempt, so a renewed certificate is picked up on the next retry.
    Raises TlsSettingsInvalid when the files cannot be used."""
    files = merged(files, url)
    if not is_tls(url):
        if files.any():
            raise TlsSettingsInvalid([TlsProblem("broker_url", "needs_amqps")])
        return None
    try:
        return _context(files)
    except _LoadFailed as exc:
        raise TlsSettingsInvalid([exc.problem]) from None


# X509_V_ERR_HOSTNAME_MISMATCH and X509_V_ERR_IP_ADDRESS_MISMATCH
_NAME_MISMATCH = {62, 64}


def explain(exc: BaseException) -> str | None:
    """A failed TLS handshake in an operator's words; None when exc is not about TLS.
    aiormq wraps the ssl error in its own AMQPConnectionError: the causes are looked at too."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        text = _explain_one(current)
        if text is not None:
            return text
        current = current.__cause__ or current.__context__
    return None


def _explain_one(exc: BaseException) -> str | None:
    import ssl

    if isinstance(exc, TlsSettingsInvalid):
        return str(exc)
    if isinstance(exc, ssl.SSLCertVerificationError):
        why = exc.verify_message or exc.reason or "verification failed"
        if exc.verify_code in _NAME_MISMATCH:
            return (
                f"TLS: the broker's certificate is for another host name ({why}); connect by a"
                " name the certificate carries"
            )
        return (
            f"TLS: the broker's certificate is not trusted ({why}); give the CA that signed it"
            " as the CA file (--broker-ca-file, or Settings)"
        )
    if isinstance(exc, ssl.SSLError):
        reason = str(exc.reason or exc)
        if "WRONG_VERSION_NUMBER" in reason or "RECORD_LAYER_FAILURE" in reason:
            return f"TLS: the broker does not speak TLS on this port ({reason})"
        if "CERTIFICATE_REQUIRED" in reason or "HANDSHAKE_FAILURE" in reason:
            return (
                f"TLS: the broker refused the handshake ({reason}); it may want a client"
                " certificate and key"
            )
        if "UNKNOWN_CA" in reason or "BAD_CERTIFICATE" in reason:
            return f"TLS: the broker does not accept the client certificate ({reason})"
        return f"TLS: the handshake failed ({reason})"
    return None
