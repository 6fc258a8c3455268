"""Menus: every mnemonic is unique within its menu and the menu bar, in each language."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QSettings
from PySide6.QtWidgets import QMenu

from gui import i18n
from gui.bridge import Bridge
from gui.main_window import MainWindow


def mnemonic(text: str) -> str | None:
    """The letter after a single '&' ('&&' is a literal ampersand), lower-cased."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] != "&":
                return text[i + 1].lower()
            i += 1
        i += 1
    return None


def clashes(texts: list[str]) -> dict[str, list[str]]:
    by_key: dict[str, list[str]] = {}
    for t in texts:
        key = mnemonic(t)
        if key is not None:
            by_key.setdefault(key, []).append(t)
    return {k: v for k, v in by_key.items() if len(v) > 1}


@pytest.mark.parametrize("language", ["en", "ru"])
def test_no_two_items_of_a_menu_share_a_mnemonic(qtbot, qloop, qapp, local_core, language):
    locale = QLocale()
    i18n.install_translator(qapp, language)
    try:
        bridge = Bridge(local_core)
        ini = QSettings(str(Path(local_core.data_dir) / "w.ini"), QSettings.Format.IniFormat)
        w = MainWindow(bridge, qsettings=ini)
        qtbot.addWidget(w)
        bar = [a for a in w.menuBar().actions() if a.menu() is not None]
        found = {"menu bar": clashes([a.text() for a in bar])}
        for a in bar:
            menu = a.menu()
            assert isinstance(menu, QMenu)
            items = [x.text() for x in menu.actions() if not x.isSeparator()]
            found[a.text()] = clashes(items)
            assert all(mnemonic(t) for t in items), f"an item of {a.text()} has no mnemonic"
        assert {k: v for k, v in found.items() if v} == {}
        bridge.shutdown()
    finally:
        i18n.remove_translators(qapp)
        QLocale.setDefault(locale)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_application_dialog_has_one_alt_key_per_field_and_button(
    qtbot, qloop, qapp, local_core, language
):
    from PySide6.QtWidgets import QAbstractButton, QLabel

    from gui.app_dialog import AppDialog

    locale = QLocale()
    i18n.install_translator(qapp, language)
    try:
        bridge = Bridge(local_core)
        dlg = AppDialog(bridge)
        qtbot.addWidget(dlg)
        texts = [lb.text() for lb in dlg.findChildren(QLabel) if lb.buddy() is not None]
        texts += [b.text() for b in dlg.findChildren(QAbstractButton)]
        assert len([t for t in texts if mnemonic(t)]) >= 10
        assert clashes(texts) == {}
        bridge.shutdown()
    finally:
        i18n.remove_translators(qapp)
        QLocale.setDefault(locale)
