"""Rejected messages: listed with the reason, refreshed when the bridge reports more, body shown."""

from __future__ import annotations

from core.engine import Delivery
from gui import i18n
from gui.bridge import Bridge
from gui.rejected_view import RejectedView
from tests.helpers.factories import a_form, response


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
