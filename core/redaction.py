"""The one password scrubber: for log lines, the status, command-line errors and settings."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from urllib.parse import quote, unquote, urlsplit, urlunsplit

MASK = "***"


@lru_cache(maxsize=64)
def url_secrets(url: str | None) -> tuple[str, ...]:
    """The password of a URL in every spelling it may show up in (as written, decoded,
    encoded), longest first so that no shorter spelling leaves part of a longer one."""
    if not url:
        return ()
    if "," in url:  # a cluster's nodes, each with its own user and password
        found = {s for u in url.split(",") for s in url_secrets(u.strip())}
        return tuple(sorted(found, key=len, reverse=True))
    try:
        password = urlsplit(url).password
    except ValueError:
        return ()
    if not password:
        return ()
    spellings = {password, unquote(password), quote(password, safe=""), quote(unquote(password))}
    return tuple(sorted(spellings, key=len, reverse=True))


def scrub(text: str, *urls: str | None) -> str:
    """text with the password of each URL hidden, however it got in (an exception that
    quotes the URL, a decoded password in a broker's reply). Use it for anything shown."""
    secrets = sorted({s for url in urls for s in url_secrets(url)}, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, MASK)
    return text


def _netloc(parts: object, password: str | None) -> str:
    user = getattr(parts, "username", None)
    host = getattr(parts, "hostname", None) or ""
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    port = getattr(parts, "port", None)
    auth = ""
    if user is not None:
        auth = user + (f":{password}" if password is not None else "") + "@"
    return auth + host + (f":{port}" if port else "")


def redact(url: str) -> str:
    """The URL with its password shown as ***, for logs and the status bar (each of several
    nodes' URLs, separated by commas: --broker may name a cluster's nodes)."""
    return _each_url(url, MASK, lambda u: scrub(u, u))


def without_password(url: str) -> str:
    """The URL as a settings field may show it: the user name kept, the password dropped."""
    return _each_url(url, None, lambda u: u)


def _each_url(url: str, password: str | None, unparsable: Callable[[str], str]) -> str:
    """Each comma-separated URL with its password replaced (None: dropped); one urlsplit
    cannot read comes back as `unparsable` makes it."""
    if "," in url:
        return ",".join(
            _each_url(u.strip(), password, unparsable) for u in url.split(",") if u.strip()
        )
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        # urlsplit leaves the user name as written (percent-encoded): kept as it is
        netloc = _netloc(parts, password)
    except ValueError:
        return unparsable(url)
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
