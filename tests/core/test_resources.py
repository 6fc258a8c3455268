"""The console finds its data files installed (importlib.resources) or in a checkout."""

from __future__ import annotations

import sys
from pathlib import Path

from core import resources

ROOT = Path(__file__).resolve().parents[2]


def test_the_files_the_console_opens_are_there():
    for parts in (
        ("asyncapi.yaml",),
        ("CONTRACT.md",),
        ("volunteer-console.desktop",),
        ("i18n", "volunteer_console_ru.qm"),
        ("icons", "volunteer-console.svg"),
        ("icons", "volunteer-console.png"),
    ):
        assert resources.resource_path(*parts).is_file(), parts


def test_an_installed_package_wins_over_the_checkout(tmp_path, monkeypatch):
    package = tmp_path / resources.PACKAGE
    package.mkdir()
    (package / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    real = sys.modules.pop(resources.PACKAGE, None)
    resources.resource_dir.cache_clear()
    try:
        assert resources.resource_dir() == package
    finally:
        sys.modules.pop(resources.PACKAGE, None)
        if real is not None:
            sys.modules[resources.PACKAGE] = real
        resources.resource_dir.cache_clear()


def test_without_the_package_the_checkout_folder_is_used(monkeypatch):
    # None in sys.modules makes the import fail, as in a checkout that was never installed
    monkeypatch.setitem(sys.modules, resources.PACKAGE, None)  # type: ignore[arg-type]
    resources.resource_dir.cache_clear()
    try:
        assert resources.resource_dir() == ROOT / "resources"
    finally:
        resources.resource_dir.cache_clear()
