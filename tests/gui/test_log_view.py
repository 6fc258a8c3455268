"""The log views: the message log (stored, live, capped, filtered) and rejected messages (why)."""

from __future__ import annotations

import json
from datetime import datetime

from core.engine import Delivery
from core.records import LoggedMessage
from gui import i18n
from gui.bridge import Bridge
from gui.log_models import MessageLogModel
from gui.log_view import MessageLogView, RejectedView
from tests.helpers.factories import a_form, response


def keys(view: MessageLogView) -> list[tuple[str, str | None, str | None]]:
    out = []
    for r in range(view.proxy.rowCount()):
        row = view.model.row_at(view.proxy.mapToSource(view.proxy.index(r, 0)).row())
        out.append((row.direction, row.application_id, row.volunteer_id))
    return out


def test_the_log_shows_what_was_stored_before_it_opened(
    qtbot, qloop, local_core, clock, qtmodeltester
):
    engine = local_core.engine
    app_id = engine.create_application(a_form(clock, spots=1))
    clock.advance(1)
    engine.handle([response("123", app_id, "7")])
    bridge = Bridge(local_core)
    view = MessageLogView(bridge)
    qtbot.addWidget(view)

    rows = [view.model.row_at(r) for r in range(view.model.rowCount())]
    assert [(r.direction, r.action) for r in rows] == [
        ("out", "create_volunteer_application"),
        ("in", "volunteer_response/accepted"),
        ("out", "volunteer_notification"),
    ]
    assert view.model.data(view.model.index(1, 5)) == "applied"
    assert view.model.data(view.model.index(2, 5)) == "pending"
    qtmodeltester.check(view.model)
    qtmodeltester.check(view.proxy)
    bridge.shutdown()


def test_the_windows_log_tab_reads_the_log_when_first_shown_and_then_follows_it(
    qtbot, qloop, local_core, clock
):
    engine = local_core.engine
    app_id = engine.create_application(a_form(clock, spots=1))
    clock.advance(1)
    bridge = Bridge(local_core)
    view = MessageLogView(bridge, lazy=True)
    qtbot.addWidget(view)
    local_core.writer.run(engine.handle, [response("123", app_id, "7")])
    bridge.flush()
    assert view.model.rowCount() == 0  # hidden: nothing read, nothing appended
    view.show()
    assert [r[0] for r in keys(view)] == ["out", "in", "out"]
    local_core.writer.run(engine.handle, [response("124", app_id, "8")])
    bridge.flush()
    assert [r[0] for r in keys(view)] == ["out", "in", "out", "in", "out"]
    bridge.shutdown()


def test_new_messages_are_appended_live_and_the_oldest_dropped_at_the_cap(
    qtbot, qloop, local_core, clock
):
    engine = local_core.engine
    app_id = engine.create_application(a_form(clock, spots=1))
    bridge = Bridge(local_core)
    view = MessageLogView(bridge, max_rows=4)
    qtbot.addWidget(view)
    inserted: list[tuple[int, int]] = []
    removed: list[tuple[int, int]] = []
    view.model.rowsInserted.connect(lambda _p, a, b: inserted.append((a, b)))
    view.model.rowsRemoved.connect(lambda _p, a, b: removed.append((a, b)))
    resets: list[int] = []
    view.model.modelReset.connect(lambda: resets.append(1))

    engine.handle([response("123", app_id, "1")])  # in + signed-up notification: 3 rows in all
    bridge.flush()
    assert inserted == [(1, 2)]
    assert view.model.rowCount() == 3
    engine.handle([response("123", app_id, "2")])  # in + waiting out: 5 > 4, the oldest goes
    bridge.flush()
    assert removed == [(0, 0)]
    assert view.model.rowCount() == 4
    assert view.model.row_at(0).action == "volunteer_response/accepted"
    assert view.model.row_at(3).action == "volunteer_waiting"
    assert resets == []
    bridge.shutdown()


def test_filters_by_application_and_volunteer_show_only_their_messages(
    qtbot, qloop, local_core, clock, qtmodeltester
):
    engine = local_core.engine
    first = engine.create_application(a_form(clock, name="First", spots=5))
    second = engine.create_application(a_form(clock, name="Second", spots=5))
    engine.handle([response("123", first, "1"), response("123", first, "12")])
    engine.handle([response("123", second, "1")])
    bridge = Bridge(local_core)
    view = MessageLogView(bridge)
    qtbot.addWidget(view)
    all_rows = view.proxy.rowCount()

    view.volunteer_filter.setText("1")
    assert {k[2] for k in keys(view)} == {"1"}  # exact: volunteer 12 is someone else
    assert {k[1] for k in keys(view)} == {first, second}
    view.application_filter.setText(f" {second} ")
    assert keys(view) == [("in", second, "1"), ("out", second, "1")]
    assert "2 of" in view.count.text()
    qtmodeltester.check(view.proxy)

    engine.handle([response("123", second, "1", "declined"), response("123", first, "3")])
    bridge.flush()
    # the withdrawal is appended live; volunteer 3's response to the first is filtered out
    assert keys(view) == [("in", second, "1"), ("out", second, "1"), ("in", second, "1")]

    view.application_filter.clear()
    view.volunteer_filter.clear()
    assert view.proxy.rowCount() == all_rows + 3  # the withdrawal, volunteer 3 in and out
    bridge.shutdown()


def test_the_selected_message_body_is_shown_pretty_printed(qtbot, qloop, local_core, clock):
    engine = local_core.engine
    app_id = engine.create_application(a_form(clock, name="Приют", spots=1))
    clock.advance(1)
    engine.handle([Delivery(b"{not json", routing_key="fund.123.response.1", message_id="m-1")])
    bridge = Bridge(local_core)
    view = MessageLogView(bridge)
    qtbot.addWidget(view)

    view.table.selectRow(0)
    text = view.detail.toPlainText()
    body = json.loads(view.model.row_at(0).body)
    assert json.dumps(body, indent=2, ensure_ascii=False) in text
    assert '"application_name": "Приют"' in text  # Cyrillic as written, not \u escapes
    assert app_id in text

    view.table.selectRow(1)
    text = view.detail.toPlainText()
    assert "Outcome: rejected" in text
    assert text.endswith("{not json")  # not JSON: shown as it came
    bridge.shutdown()


def test_a_capped_model_never_holds_more_than_its_cap(qtmodeltester):
    model = MessageLogModel(max_rows=3)
    rows = [
        LoggedMessage(
            "in", datetime(2026, 1, 1), "x", "rk", "a", None, None, "{}", "applied", key=f"k{i}"
        )
        for i in range(10)
    ]
    model.append_rows(rows[:2])
    model.append_rows(rows[2:])
    assert [model.row_at(i).key for i in range(model.rowCount())] == ["k7", "k8", "k9"]
    qtmodeltester.check(model)


def test_many_messages_in_one_second_load_in_the_order_they_were_stored(
    qtbot, qloop, local_core, clock
):
    engine = local_core.engine
    app_id = engine.create_application(a_form(clock, spots=50))
    clock.advance(1)
    for i in range(12):  # rowids 1..12 in one second: 'in:10' once sorted before 'in:9'
        engine.handle([Delivery(b"[]", routing_key=f"k{i}", message_id=f"m{i}")])
    bridge = Bridge(local_core)
    view = MessageLogView(bridge)
    qtbot.addWidget(view)
    inbound = [view.model.row_at(r) for r in range(view.model.rowCount())]
    assert [r.routing_key for r in inbound if r.direction == "in"] == [f"k{i}" for i in range(12)]
    assert app_id
    bridge.shutdown()


def test_outbound_rows_turn_sent_as_the_relay_empties_the_outbox(qtbot, qloop, local_core, clock):
    engine, store = local_core.engine, local_core.store
    app_id = engine.create_application(a_form(clock, spots=1))
    bridge = Bridge(local_core)
    view = MessageLogView(bridge)
    qtbot.addWidget(view)
    engine.handle([response("123", app_id, "1"), response("123", app_id, "2")])
    bridge.flush()
    outcomes = lambda: [  # noqa: E731
        view.model.data(view.model.index(r, 5))
        for r in range(view.model.rowCount())
        if view.model.row_at(r).direction == "out"
    ]
    assert outcomes() == ["pending", "pending", "pending"]

    rows = store.pending_outbox()
    store.mark_sent([rows[0].seq, rows[1].seq], clock.now())  # what the relay does
    changed: list[tuple[int, int]] = []
    view.model.dataChanged.connect(lambda a, b, _r=None: changed.append((a.row(), b.row())))
    bridge._tick()  # the bridge's once-a-second look at the backlog
    assert outcomes() == ["sent", "sent", "pending"]
    assert len(changed) == 1  # one signal for everything settled at once
    store.mark_sent([rows[2].seq], clock.now())
    bridge._tick()
    assert outcomes() == ["sent", "sent", "sent"]
    bridge.shutdown()


def test_a_message_sent_between_two_backlog_ticks_reads_sent_not_pending(
    qtbot, qloop, local_core, clock
):
    """The status bar said "All messages sent" while the log said "pending" for every row."""
    bridge = Bridge(local_core)
    view = MessageLogView(bridge)
    qtbot.addWidget(view)
    seen: list[int] = []
    bridge.backlog_changed.connect(seen.append)
    qtbot.waitUntil(lambda: seen == [0])  # the bridge's first tick: nothing waiting
    app_id = local_core.engine.create_application(a_form(clock, spots=1))
    bridge.flush()
    [row] = [view.model.row_at(i) for i in range(view.model.rowCount())]
    assert (row.direction, row.application_id) == ("out", app_id)
    assert view.model.data(view.model.index(0, 5)) == "pending"
    # the relay sends it before the bridge's next tick: the backlog is 0 again, unchanged
    store = local_core.store
    [(seq,)] = local_core.writer.run(
        lambda: store.conn.execute("SELECT seq FROM outbox").fetchall()
    )
    local_core.writer.run(lambda: store.mark_sent([seq], clock.now()))
    qtbot.waitUntil(lambda: view.model.data(view.model.index(0, 5)) == "sent", timeout=5000)
    assert seen == [0]  # it was never announced as a change
    bridge.shutdown()


def test_the_outcome_is_read_beside_the_direction_and_the_exchange_comes_last(
    qtbot, qloop, local_core
):
    bridge = Bridge(local_core)
    view = MessageLogView(bridge)
    qtbot.addWidget(view)
    header = view.table.horizontalHeader()
    shown = [header.logicalIndex(v) for v in range(header.count())]
    names = [MessageLogModel.COLUMNS[c] for c in shown]
    assert names == ["at", "direction", "outcome", "action", "routing_key", "exchange"]
    bridge.shutdown()


# -- rejected messages ----------------------------------------------------------------------


def bad(body: bytes, key: str = "fund.123.response.9") -> Delivery:
    return Delivery(body, routing_key=key, message_id=f"bad-{key}-{len(body)}")


def test_rejected_messages_show_why_and_the_body(qtbot, qloop, local_core, qtmodeltester):
    local_core.engine.handle([bad(b"{oops")])
    bridge = Bridge(local_core)
    view = RejectedView(bridge)
    qtbot.addWidget(view)

    assert view.model.rowCount() == 1
    reason = view.model.data(view.model.index(0, 3))
    assert "JSON" in reason
    assert "1 message" in view.summary.text()
    view.table.selectRow(0)
    text = view.detail.toPlainText()
    assert f"Reason: {reason}" in text
    assert "Message id: bad-fund.123.response.9-5" in text
    assert text.endswith("{oops")
    qtmodeltester.check(view.model)
    bridge.shutdown()


def test_a_new_rejection_is_appended_when_the_bridge_reports_it(
    qtbot, qloop, local_core, clock, qtmodeltester
):
    bridge = Bridge(local_core)
    view = RejectedView(bridge)
    qtbot.addWidget(view)
    assert view.model.rowCount() == 0
    assert view.summary.text() == "No rejected messages."
    inserted: list[tuple[int, int]] = []
    view.model.rowsInserted.connect(lambda _p, a, b: inserted.append((a, b)))

    app_id = local_core.engine.create_application(a_form(clock, spots=1))
    local_core.engine.handle(
        [
            response("123", app_id, "1"),
            bad(b'{"action": "volunteer_response", "data": {}}', "k1"),
            response("123", "999", "2"),  # an application nobody created
        ]
    )
    bridge.flush()

    assert inserted == [(0, 1)]
    reasons = [view.model.row_at(r).reason for r in range(view.model.rowCount())]
    assert "unknown application 999" in reasons
    assert view.model.row_at(0).routing_key == "k1"
    assert view.summary.text().startswith("2 message")
    qtmodeltester.check(view.model)
    bridge.shutdown()


def test_the_view_keeps_only_the_newest_rejections(qtbot, qloop, local_core):
    for i in range(5):
        local_core.engine.handle([bad(b"x" * (i + 1), f"k{i}")])
    bridge = Bridge(local_core)
    view = RejectedView(bridge, max_rows=3)
    qtbot.addWidget(view)
    assert [view.model.row_at(r).routing_key for r in range(3)] == ["k2", "k3", "k4"]
    local_core.engine.handle([bad(b"y", "k5")])
    bridge.flush()
    assert [view.model.row_at(r).routing_key for r in range(3)] == ["k3", "k4", "k5"]
    bridge.shutdown()


def test_reasons_are_shown_in_the_interface_language(qtbot, qloop, local_core, qapp):
    local_core.engine.handle([bad(b"{oops"), bad(b'{"action": "volunteer_response"}', "k2")])
    i18n.install_translator(qapp, "ru")
    try:
        bridge = Bridge(local_core)
        view = RejectedView(bridge)
        qtbot.addWidget(view)
        reasons = [view.model.data(view.model.index(r, 3)) for r in range(2)]
        assert reasons == [
            "Сообщение не в формате JSON (строка 1, столбец 2)",
            "data: отсутствует",
        ]
        view.table.selectRow(1)
        assert "data: отсутствует" in view.detail.toPlainText()
        # the dead letter's header keeps the English reason, derived from the same kind
        assert view.model.row_at(1).reason == "data: is missing"
        bridge.shutdown()
    finally:
        i18n.remove_translators(qapp)
