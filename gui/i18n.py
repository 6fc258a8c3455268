"""Interface language: loads the console's and Qt's own translations for English or Russian."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLibraryInfo, QLocale, QTranslator

from core.resources import resource_path

log = logging.getLogger(__name__)

SOURCE_LANGUAGE = "en"
LANGUAGES = {"en": "English", "ru": "Русский"}  # each named in itself

# Qt's own file dialog labels that its qtbase_ru.qm misses (its .ui now writes them with
# mnemonics), so the export and import dialogs read "&Look in:" in a Russian window; our .ts
# carries them, and Qt finds them in our translator when its own has none.
QT_MISSING = (
    QT_TRANSLATE_NOOP("QFileDialog", "&Look in:"),
    QT_TRANSLATE_NOOP("QFileDialog", "Files of &type:"),
)

# translators must outlive the call; QCoreApplication does not own them
_installed: list[QTranslator] = []


def qm_path(language: str) -> Path:
    return resource_path("i18n", f"volunteer_console_{language}.qm")


def available_languages() -> dict[str, str]:
    """Language code -> its own name, for the languages that can actually be shown."""
    return {
        code: name
        for code, name in LANGUAGES.items()
        if code == SOURCE_LANGUAGE or qm_path(code).exists()
    }


def resolve_language(language: str) -> str:
    """The language to show: "system" means the system locale's, if we have it; else English."""
    if language == "system":
        language = QLocale.system().name().split("_")[0]
    return language if language in available_languages() else SOURCE_LANGUAGE


def remove_translators(app: QCoreApplication) -> None:
    """Back to the source strings and the system's numbers (also what a test leaves behind:
    a Russian default locale left set made later tests read "1,5" for 1.5)."""
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    QLocale.setDefault(QLocale.system())


def install_translator(app: QCoreApplication, language: str) -> str:
    """Install the translations for language ("system", "en", "ru"); returns the one used."""
    remove_translators(app)
    used = resolve_language(language)
    # numbers and dates follow the chosen language, or the system when that was the choice
    QLocale.setDefault(QLocale.system() if language == "system" else QLocale(used))
    ours = QTranslator(app)
    if ours.load(str(qm_path(used))):
        app.installTranslator(ours)
        _installed.append(ours)
        log.info("interface language %s from %s", used, qm_path(used))
    elif used != SOURCE_LANGUAGE:
        log.warning("could not load %s; staying in English", qm_path(used))
        return install_translator(app, SOURCE_LANGUAGE)
    if used == SOURCE_LANGUAGE:
        return used  # the English .qm only holds plural forms ("1 message", "2 messages")
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt_own = QTranslator(app)
    # Qt's own strings: standard buttons (OK, Cancel), context menus of line edits
    if qt_own.load(f"qtbase_{used}", qt_dir):
        app.installTranslator(qt_own)
        _installed.append(qt_own)
    return used
