"""Interface language: Russian where asked, English otherwise, and no string left untranslated."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, Qt

from gui import i18n
from gui.bridge import Bridge
from gui.log_view import MessageLogView
from gui.monitor import QueueMonitor
from tests.helpers.qt import run_coro

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
TS = ROOT / "resources" / "i18n" / "volunteer_console_ru.ts"


def translate(context: str, text: str, n: int = -1) -> str:
    return QCoreApplication.translate(context, text, None, n)


def test_in_russian_the_widgets_and_the_main_window_speak_russian(
    qtbot, qloop, local_core, language
):
    assert language("ru") == "ru"
    bridge = Bridge(local_core)
    log_view = MessageLogView(bridge)
    monitor = QueueMonitor(bridge)
    qtbot.addWidget(log_view)
    qtbot.addWidget(monitor)
    run_coro(qtbot, monitor.refresh())

    assert log_view.application_filter.placeholderText() == "ID заявки"
    assert log_view.model.headerData(0, Qt.Orientation.Horizontal) == "Время"
    assert log_view.count.text() == "0 сообщений"
    assert monitor.note.text().startswith("Нет связи: брокер не подключён")
    assert translate("MainWindow", "Message log") == "Журнал сообщений"
    assert translate("MainWindow", "&New application…") == "&Новая заявка…"
    assert translate("models", "Date and time") == "Дата и время"
    from gui.display import status_text

    assert status_text("open") == "открыта"
    assert translate("QPlatformTheme", "Cancel") == "Отмена"  # Qt's own buttons too
    monitor.stop()
    bridge.shutdown()


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "1 сообщение"),
        (3, "3 сообщения"),
        (5, "5 сообщений"),
        (11, "11 сообщений"),
        (21, "21 сообщение"),
    ],
)
def test_russian_counts_take_the_right_plural_form(language, n, text):
    language("ru")
    assert translate("MessageLogView", "%n message(s)", n) == text


def test_in_english_strings_stay_english_with_proper_plurals(qtbot, qloop, local_core, language):
    language("ru")
    assert language("en") == "en"  # switching back removes the Russian translator
    bridge = Bridge(local_core)
    view = MessageLogView(bridge)
    qtbot.addWidget(view)
    assert view.application_filter.placeholderText() == "Application id"
    assert translate("MainWindow", "Message log") == "Message log"
    assert translate("MessageLogView", "%n message(s)", 1) == "1 message"
    assert translate("MessageLogView", "%n message(s)", 2) == "2 messages"
    assert translate("QPlatformTheme", "Cancel") == "Cancel"
    bridge.shutdown()


@pytest.mark.parametrize(
    ("code", "n", "text"),
    [
        ("en", 1, "1 message waiting to be sent"),
        ("en", 2, "2 messages waiting to be sent"),
        ("ru", 1, "1 сообщение ждёт отправки"),
        ("ru", 3, "3 сообщения ждут отправки"),
        ("ru", 5, "5 сообщений ждут отправки"),
    ],
)
def test_the_status_bar_counts_messages_waiting_in_words_not_with_s_in_brackets(
    language, code, n, text
):
    language(code)
    assert translate("MainWindow", "%n message(s) waiting to be sent", n) == text


def test_russian_spells_id_in_capitals_as_the_rest_of_the_window_does():
    """ "ID волонтёра" in the list's search, so not "id" or "Id" in the check-in or the history
    (the CSV column's name, id, stays as it is typed in the file)."""
    lower = [
        text
        for text in (t.text or "" for t in ET.parse(TS).getroot().iter("translation"))
        if re.search(r"(?<![\w.])[Ii]d(?!\w)", text) and "столбцов: id" not in text
    ]
    assert lower == []


def test_a_language_without_translations_falls_back_to_english(language):
    assert i18n.resolve_language("de") == "en"
    assert language("de") == "en"
    assert i18n.available_languages() == {"en": "English", "ru": "Русский"}
    system = QLocale.system().name().split("_")[0]
    assert i18n.resolve_language("system") == (system if system in ("en", "ru") else "en")


def test_every_source_string_has_a_russian_translation(tmp_path):
    """Re-extracts the strings from gui/ as update.sh does: a new string nobody translated fails."""
    ts = tmp_path / "ru.ts"
    shutil.copy(TS, ts)
    sources = sorted(str(p) for p in (ROOT / "gui").glob("*.py"))
    subprocess.run(
        [str(BIN / "pyside6-lupdate"), "-no-obsolete", *sources, "-ts", str(ts)],
        check=True,
        capture_output=True,
    )
    untranslated = []
    for context in ET.parse(ts).getroot().iter("context"):
        for message in context.iter("message"):
            tr = message.find("translation")
            forms = (
                [f.text for f in tr.iter("numerusform")] if message.get("numerus") else [tr.text]
            )
            if tr.get("type") == "unfinished" or not all(f and f.strip() for f in forms):
                untranslated.append(f"{context.findtext('name')}: {message.findtext('source')}")
    assert untranslated == [], "run resources/i18n/update.sh and translate these"


def test_the_shipped_qm_files_are_built_from_the_ts_files(tmp_path):
    for lang in ("ru", "en"):
        ts = ROOT / "resources" / "i18n" / f"volunteer_console_{lang}.ts"
        qm = tmp_path / f"{lang}.qm"
        subprocess.run(
            [str(BIN / "pyside6-lrelease"), str(ts), "-qm", str(qm)],
            check=True,
            capture_output=True,
        )
        assert qm.read_bytes() == i18n.qm_path(lang).read_bytes(), f"rebuild {lang}: update.sh"


def test_in_russian_the_file_dialogs_labels_are_russian_too(qtbot, language):
    """The export and import dialogs are Qt's own: its qtbase_ru.qm misses two of their labels."""
    from PySide6.QtWidgets import QFileDialog, QLabel

    language("ru")
    dialog = QFileDialog(None, "", "", "CSV (*.csv)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    qtbot.addWidget(dialog)
    labels = [label.text() for label in dialog.findChildren(QLabel) if label.text()]
    assert labels == ["&Папка:", "&Имя файла:", "&Тип файлов:"]
