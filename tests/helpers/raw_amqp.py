"""Publishing bytes a well-behaved client never sends: non-UTF-8 short strings and header
names, through aiormq and pamqp's own encoder (placeholders swapped for the raw bytes)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from pamqp import encode


@contextlib.contextmanager
def raw_short_strings(raw: dict[str, bytes]) -> Iterator[None]:
    """While open, every short string or header name equal to a key is put on the wire as
    the bytes it maps to (same length, so no length field changes)."""
    for placeholder, value in raw.items():
        assert len(placeholder.encode()) == len(value), placeholder
    swaps = [(bytes([len(p)]) + p.encode(), bytes([len(v)]) + v) for p, v in raw.items()]

    def swapping(original: Callable[..., bytes]) -> Callable[..., bytes]:
        def encoder(value: object) -> bytes:
            data = original(value)
            for before, after in swaps:
                data = data.replace(before, after)
            return data

        return encoder

    saved = {name: encode.METHODS[name] for name in ("shortstr", "table")}
    try:
        for name, original in saved.items():
            encode.METHODS[name] = swapping(original)
        yield
    finally:
        encode.METHODS.update(saved)
