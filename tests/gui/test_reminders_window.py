"""Reminders in the window on the real broker: send now, a `confirmed` answer, the roster."""

from __future__ import annotations

import pytest

from tests.helpers.asyncapi import load_doc, validator
from tests.helpers.broker import broker_available
from tests.helpers.factories import a_form
from tests.helpers.window import Console

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(not broker_available(), reason="needs RabbitMQ on localhost:5672"),
]


def _confirmation_column(c: Console) -> dict[str, str]:
    model = c.detail.roster_model
    return {
        model.index(i, 0).data().split(" ")[0]: model.index(i, 2).data()
        for i in range(model.rowCount())
    }


def test_send_now_then_a_confirmed_answer_over_the_broker_shows_in_the_roster(console):
    w, vols = console.window, console.volunteers
    app_id = console.create(a_form(console.core.clock, spots=3))
    w.select_application(app_id)
    for v in (1, 2):
        console.respond(app_id, v)
    console.wait(lambda: console.roster() == ["1", "2"])
    assert w.act_remind.isEnabled()
    assert _confirmation_column(console) == {"1": "", "2": ""}

    assert console.done(w.remind_now())
    console.wait(
        lambda: vols.to(1) == ["записан", "напоминание"] and vols.to(2)[-1:] == ["напоминание"]
    )
    reminders = [n for n in vols.notifications if n.get("status") == "напоминание"]
    check = validator(load_doc(), "#/components/schemas/VolunteerNotification")
    for body in reminders:
        check.validate(body)
    assert {r["confirm_by"] for r in reminders} == {reminders[0]["confirm_by"]}

    console.respond(app_id, 1, "confirmed")
    console.wait(lambda: vols.to(1)[-1:] == ["подтверждено"])
    console.wait(lambda: _confirmation_column(console)["1"].startswith("✓ "))
    assert _confirmation_column(console)["2"].startswith("reminded ")

    console.respond(app_id, 1, "confirmed")  # a second confirmation: nothing is sent
    console.respond(app_id, 2, "declined")  # the usual withdrawal
    console.wait(lambda: console.roster() == ["1"])
    assert vols.to(1) == ["записан", "напоминание", "подтверждено"]
    assert not w.act_remind.isEnabled()  # everyone left has confirmed
    assert console.confirmations == ["Send reminder"]
    kinds = [a.kind for a in console.bridge.queries.activity(app_id, limit=50)]
    assert kinds.count("reminded") == 2 and kinds.count("confirmed") == 1


def test_the_roster_widens_for_the_reminded_at_that_comes_after_its_rows_at_1024x700(console):
    w = console.window
    w.resize(1024, 700)
    app_id = console.create(a_form(console.core.clock, spots=3))
    w.select_application(app_id)
    for v in (61770010, 61770011):
        console.respond(app_id, v)
    console.wait(lambda: console.roster() == ["61770010", "61770011"])
    view = console.detail.roster_view
    font = view.font()
    font.setPointSizeF(font.pointSizeF() * 1.1)  # Xvfb's font is wider than offscreen's
    view.setFont(font)
    assert console.done(w.remind_now())
    console.wait(
        lambda: all(t.startswith("reminded ") for t in _confirmation_column(console).values())
    )
    console.qtbot.wait(50)  # the panel refits in its refresh, after the rows changed
    # the stretch column shows the whole "reminded 2:05 PM", not "reminded …"
    assert view.columnWidth(2) >= view.sizeHintForColumn(2)
