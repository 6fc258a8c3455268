"""Dates, times and activity sentences as the coordinator reads them, in English and Russian."""

from __future__ import annotations

import os
import time as systime
from datetime import date, datetime, time

import pytest
from PySide6.QtCore import Qt

from core.engine import ActionRefused
from core.kinds import RefusalKind, refuse
from core.records import Activity
from gui.display import (
    activity_text,
    actor_text,
    date_text,
    moment_text,
    refusal_text,
    short_id,
    span_text,
    to_local,
)
from gui.models import ActivityModel

T0 = datetime(2026, 11, 26, 20, 5, 7)  # naive UTC, as core stores it


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


def row(kind: str, vid: str | None = "1204", actor: str = "clock", **params) -> Activity:
    return Activity("1", T0, actor, kind, vid, params, None, id=1)


def test_dates_and_times_follow_the_interface_language(language):
    language("ru")
    assert date_text(date(2026, 11, 28)) == "сб, 28 нояб."
    assert span_text(date(2026, 11, 28), time(10), time(14)) == "сб, 28 нояб., 10:00–14:00"
    assert date_text(date(2026, 11, 28), long=True) == "суббота, 28 ноября 2026"
    assert span_text(date(2026, 11, 28), time(22), time(2)) == (
        "сб, 28 нояб., 22:00–02:00 (до следующего дня)"
    )
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
    model.append([row("offered", until="2026-11-26T20:35:07")])
    assert model.index(0, ActivityModel.TIME).data() == "26 нояб. 23:05:07"
    assert model.index(0, ActivityModel.WHAT).data() == "предложено освободившееся место до 23:35"


def test_each_activity_kind_reads_as_a_russian_sentence(language):
    language("ru")
    cases = [
        (row("signed_up"), "записан: занял свободное место"),
        (row("claimed"), "записан: принял предложенное место"),
        (row("promoted", into="offer"), "переведён координатором на предложенное ему место"),
        (row("promoted", into="held"), "переведён координатором на удержанное место"),
        (row("waitlisted", position=3), "в листе ожидания: мест нет, 3-й в очереди"),
        (row("withdrew"), "отказался: ушёл из списка, место освободилось"),
        (row("not_selected", reason="all_claimed"), "не выбран: все предложенные места заняты"),
        (
            row("round_opened", spots=1, policy="broadcast"),
            "открыт раунд предложений: 1 место предложено всему листу ожидания",
        ),
        (
            row("round_closed", reason="expired", released=2),
            "раунд предложений закрыт: никто не принял место до истечения срока; "
            "освободились 2 удержанных места",
        ),
        (row("capacity_changed", old=4, new=6), "число мест изменено: было 4, стало 6"),
        (
            row("answered_not_open", request="accepted", status="closed"),
            "отклик на закрытую заявку; ничего не изменилось",
        ),
        (row("created", spots=5), "заявка создана, мест: 5"),
        (row("edited", fields=["name", "date"]), "изменены данные заявки: название, дата"),
        (
            row("policy_changed", policy="auto", offer_timeout_min=30),
            "порядок изменён: первый в очереди записывается автоматически; "
            "предложение действует 30 мин",
        ),
    ]
    cases += [
        (row("took_held"), "записан: занял место, удержанное за листом ожидания"),
        (
            row("round_closed", reason="expired", released=0, kept=2),
            "раунд предложений закрыт: никто не принял место до истечения срока; "
            "2 непринятых места остаются за листом ожидания",
        ),
        (
            row("hold_released", spots=1, why="coordinator"),
            "координатор отдал новым откликам 1 удержанное место",
        ),
        (
            row("reoffered", spots=5),
            "координатор снова предложил листу ожидания 5 удержанных мест",
        ),
    ]
    for r, sentence in cases:
        assert activity_text(r) == sentence, r.kind
    # a reason this window does not know: the kind alone, never the English words
    assert activity_text(row("not_selected", reason="some_new_reason")) == "не выбран"
    # a kind from a newer core: its English sentence rather than nothing
    assert activity_text(row("legacy", text="as it was")) == "as it was"


def test_each_refusal_reads_as_a_russian_sentence(language):
    language("ru")
    refused = ActionRefused(refuse(RefusalKind.BELOW_SIGNED_UP, capacity=2, signed=3))
    assert str(refused) == (
        "cannot lower capacity to 2: 3 volunteers are signed up; remove volunteers first"
    )
    assert refusal_text(refused.kind, refused.refusal.params) == (
        "Нельзя уменьшить число мест до 2: записанных волонтёров больше (3);"
        " сначала исключите кого-нибудь"
    )
    assert refusal_text("no_free_spot", {}) == "Нет свободного места: сначала увеличьте число мест"
    assert refusal_text("not_open", {"status": "cancelled"}) == (
        "Закрыть можно только открытую заявку; эта заявка: отменена"
    )
    assert refusal_text("invalid_form", {"errors": {"name": "x", "date": "y"}}) == (
        "Проверьте поля: название, дата"
    )
    assert refusal_text("something_new", {}, "in English") == "in English"


def test_actors_are_translated_and_the_model_keeps_cores_words_in_tooltips(language):
    language("ru")
    assert actor_text("coordinator") == "координатор"
    assert actor_text("clock") == "таймер"
    assert actor_text("volunteer 1204", "1204") == "волонтёр"
    assert actor_text("volunteer 1057", "1204") == "волонтёр 1057"
    cause = "4cc6f4b1-2e0a-4c4e-9f1e-0a6a3c1b2d3e"
    model = ActivityModel()
    model.append([Activity("1", T0, "volunteer 1204", "signed_up", "1204", {}, cause, id=1)])
    assert model.index(0, ActivityModel.CAUSE).data() == short_id(cause) == "4cc6f4b1"
    tip = Qt.ItemDataRole.ToolTipRole
    assert cause in model.index(0, ActivityModel.CAUSE).data(tip)
    assert model.index(0, ActivityModel.WHAT).data(tip) == "записан: занял свободное место"
    assert model.headerData(ActivityModel.WHAT, Qt.Orientation.Horizontal) == "Что произошло"


def test_envelope_and_id_bound_rejections_read_in_russian(language):
    from gui.display import rejection_text

    language("ru")
    odd = {"properties": [{"name": "message_id", "got": "\\xff\\xfe"}, {"name": "headers"}]}
    assert rejection_text("not_utf8_property", odd) == (
        "AMQP-свойство сообщения message_id — не текст UTF-8 (получено \\xff\\xfe);"
        " Имя заголовка сообщения — не текст UTF-8"
    )
    bound = {"fields": [{"field": "data.volunteer_id", "problem": "id_range", "got": "2**60"}]}
    assert rejection_text("bad_fields", bound) == (
        "data.volunteer_id: целый ID должен быть в пределах ±(2^53 − 1), от -9007199254740991"
        " до 9007199254740991 (получено 2**60)"
    )


def test_reminder_kinds_read_as_sentences_in_both_languages(language):
    by = "2026-11-27T14:00:00"  # the next day (UTC) from T0
    rows = [
        row("reminded", key="lead:172800@2026-11-28T14:00:00", confirm_by=by, lead_min=2880),
        row("reminded", key="now:7", confirm_by=by),
        row("confirmed", late=False),
        row("confirmed", late=True),
        row("not_confirmed", confirm_by=by, released=False),
        row("not_confirmed", confirm_by=by, released=True),
        row("confirm_ignored", why="not_signed_up"),
        row("reminders_changed", leads_min=[2880, 120], confirm_min=1440, release=True),
        row("reminders_changed", leads_min=[], confirm_min=90, release=False),
        row("answered_not_open", request="confirmed", status="cancelled"),
    ]
    language("en")
    when = moment_text(datetime.fromisoformat(by))
    assert [activity_text(r) for r in rows] == [
        f"reminded 48 h before the shift; asked to confirm by {when}",
        f"reminded by the coordinator; asked to confirm by {when}",
        "confirmed they are coming",
        "confirmed they are coming (after the confirm-by time)",
        f"did not confirm by {when}: kept on the roster",
        f"did not confirm by {when}: released from the roster, a spot freed",
        "ignored: confirmation from someone who is not signed up",
        "reminders 48 h, 2 h before the shift; confirm 24 h before the start, or the spot is"
        " released",
        "no reminders; confirm 90 min before the start; the unconfirmed are kept",
        "confirmation for a cancelled application; nothing changed",
    ]
    language("ru")
    when = moment_text(datetime.fromisoformat(by))
    assert [activity_text(r) for r in rows] == [
        f"напоминание за 48 ч до смены; просим подтвердить до {when}",
        f"координатор отправил напоминание; просим подтвердить до {when}",
        "подтвердил, что придёт",
        "подтвердил, что придёт (после срока подтверждения)",
        f"не подтвердил до {when}: остаётся в списке",
        f"не подтвердил до {when}: исключён из списка, место освободилось",
        "без изменений: подтверждение от того, кто не записан",
        "напоминания за 48 ч, 2 ч до смены; подтвердить за 24 ч до начала, иначе место"
        " освобождается",
        "без напоминаний; подтвердить за 90 мин до начала; неподтвердившие остаются",
        "подтверждение для отменённой заявки; ничего не изменилось",
    ]
    assert refusal_text("nobody_unconfirmed", {}) == "Все записавшиеся уже подтвердили участие"
    assert refusal_text("shift_started", {}) == "Смена уже началась: напоминание не отправляется"
