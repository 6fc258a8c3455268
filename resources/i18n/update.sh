#!/bin/sh
# Re-extract every user-visible string from gui/ into the .ts files, then rebuild the .qm files.
# Translate what lupdate marks unfinished (pyside6-linguist, or by hand) and run this again;
# tests/gui/test_i18n.py fails while any string is left untranslated.
set -eu
cd "$(dirname "$0")/../.."
BIN=${PYSIDE_BIN:-.venv/bin}
"$BIN/pyside6-lupdate" -no-obsolete -locations relative -target-language ru_RU \
    gui/*.py -ts resources/i18n/volunteer_console_ru.ts
# English is the source language: its file only carries plural forms (1 message, 2 messages)
"$BIN/pyside6-lupdate" -no-obsolete -locations relative -pluralonly -target-language en_US \
    gui/*.py -ts resources/i18n/volunteer_console_en.ts
"$BIN/pyside6-lrelease" resources/i18n/volunteer_console_ru.ts -qm resources/i18n/volunteer_console_ru.qm
"$BIN/pyside6-lrelease" resources/i18n/volunteer_console_en.ts -qm resources/i18n/volunteer_console_en.qm
