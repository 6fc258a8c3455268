"""Dates, times and activity sentences as the coordinator reads them, in English and Russian."""

from __future__ import annotations

import os
import time as systime
from datetime import date, datetime, time

import pytest
from PySide6.QtCore import QLocale, Qt

from core.queries import ActivityRow
from gui import i18n
from gui.display import (
    activity_text,
    actor_text,
    date_text,
    moment_text,
    short_id,
    span_text,
    to_local,
)
from gui.models import ActivityModel

T0 = datetime(2026, 11, 26, 20, 5, 7)  # naive UTC, as core stores it


@pytest.fixture
def language(qapp):
    locale = QLocale()

    def install(code: str) -> str:
        return i18n.install_translator(qapp, code)

    yield install
    i18n.remove_translators(qapp)
    QLocale.setDefault(locale)


@pytest.fixture
def moscow():
    """The machine's clock on Moscow time (UTC+3, no daylight saving) for one test."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Moscow"
    systime.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    systime.tzset()


def row(kind: str, detail: str, vid: str | None = "1204", actor: str = "clock") -> ActivityRow:
    return ActivityRow(1, "1", T0, actor, kind, vid, detail, None)


def test_dates_and_times_follow_the_interface_language(language):
    language("ru")
    assert date_text(date(2026, 11, 28)) == "сб, 28 нояб."
    assert span_text(date(2026, 11, 28), time(10), time(14)) == "сб, 28 нояб., 10:00–14:00"
    assert date_text(date(2026, 11, 28), long=True) == "суббота, 28 ноября 2026"
    language("en")
    assert date_text(date(2026, 11, 28)) == "Sat 28 Nov"
    assert (
        span_text(date(2026, 11, 28), time(10), time(14))
        == "Sat 28 Nov, 10:00\u202fAM–2:00\u202fPM"
    )  # CLDR: narrow no-break space


def test_core_moments_are_shown_in_the_coordinators_local_time(language, moscow):
    language("ru")
    assert to_local(T0) == datetime(2026, 11, 26, 23, 5, 7)
    assert moment_text(T0) == "26 нояб. 23:05"
    assert moment_text(T0, seconds=True, day=False) == "23:05:07"
    assert moment_text(datetime(2026, 11, 26, 22, 0)) == "27 нояб. 01:00"  # the next local day
    model = ActivityModel()
    model.append([row("offered", "offered a freed spot until 2026-11-26 20:35:07 UTC")])
    assert model.index(0, ActivityModel.TIME).data() == "26 нояб. 23:05:07"
    assert model.index(0, ActivityModel.WHAT).data() == "предложено освободившееся место до 23:35"


def test_each_activity_kind_reads_as_a_russian_sentence(language):
    language("ru")
    cases = {
        ("signed_up", "took a free spot"): "записан: занял свободное место",
        ("signed_up", "claimed the offered spot"): "записан: принял предложенное место",
        ("waitlisted", "no free spot; waitlisted at position 3"): (
            "в листе ожидания: мест нет, 3-й в очереди"
        ),
        ("withdrew", "left the roster; a spot freed"): (
            "отказался: ушёл из списка, место освободилось"
        ),
        ("not_selected", "every offered spot was claimed"): (
            "не выбран: все предложенные места заняты"
        ),
        ("round_opened", "1 spot(s) offered to the whole waitlist"): (
            "открыт раунд предложений: 1 место предложено всему листу ожидания"
        ),
        (
            "round_closed",
            "nobody claimed the spot before the offer expired; 2 held spot(s) became free",
        ): (
            "раунд предложений закрыт: никто не принял место до истечения срока; "
            "освободились 2 удержанных места"
        ),
        ("capacity_changed", "capacity 4 → 6"): "число мест изменено: было 4, стало 6",
        ("response_to_closed", "response reached a closed application; nothing changed"): (
            "отклик на закрытую заявку; ничего не изменилось"
        ),
        ("created", "created with 5 spot(s)"): "заявка создана, мест: 5",
        ("edited", "changed name, date"): "изменены данные заявки: название, дата",
        ("policy_changed", "freed spots: auto, offer timeout 30 min"): (
            "порядок изменён: первый в очереди записывается автоматически; "
            "предложение действует 30 мин"
        ),
    }
    for (kind, detail), sentence in cases.items():
        assert activity_text(row(kind, detail)) == sentence, kind
    # a reason this window does not know: the kind alone, never the English words
    assert activity_text(row("not_selected", "some new reason")) == "не выбран"


def test_actors_are_translated_and_the_model_keeps_cores_words_in_tooltips(language):
    language("ru")
    assert actor_text("coordinator") == "координатор"
    assert actor_text("clock") == "таймер"
    assert actor_text("volunteer 1204", "1204") == "волонтёр"
    assert actor_text("volunteer 1057", "1204") == "волонтёр 1057"
    cause = "4cc6f4b1-2e0a-4c4e-9f1e-0a6a3c1b2d3e"
    model = ActivityModel()
    model.append(
        [ActivityRow(1, "1", T0, "volunteer 1204", "signed_up", "1204", "took a free spot", cause)]
    )
    assert model.index(0, ActivityModel.CAUSE).data() == short_id(cause) == "4cc6f4b1"
    tip = Qt.ItemDataRole.ToolTipRole
    assert cause in model.index(0, ActivityModel.CAUSE).data(tip)
    assert "took a free spot" in model.index(0, ActivityModel.WHAT).data(tip)
    assert model.headerData(ActivityModel.WHAT, Qt.Orientation.Horizontal) == "Что произошло"
