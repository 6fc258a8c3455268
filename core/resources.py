"""Data files: the installed volunteer_console_resources package, or the checkout."""

from __future__ import annotations

import atexit
import contextlib
import functools
from importlib import resources
from pathlib import Path

PACKAGE = "volunteer_console_resources"
# Running from a checkout that was never installed (python main.py, or a venv whose editable
# install predates the package): the files are beside core/.
_CHECKOUT = Path(__file__).resolve().parents[1] / "resources"

_extracted = contextlib.ExitStack()
atexit.register(_extracted.close)


@functools.cache
def resource_dir() -> Path:
    """The folder holding asyncapi.yaml, CONTRACT.md, i18n/, icons/ and the desktop entry."""
    try:
        root = resources.files(PACKAGE)
    except ModuleNotFoundError:
        return _CHECKOUT
    # as_file gives a real folder even if the package was imported from a zip: Qt and the
    # desktop need paths on disk, so it is kept until the process ends.
    return Path(_extracted.enter_context(resources.as_file(root)))


def resource_path(*parts: str) -> Path:
    return resource_dir().joinpath(*parts)
