"""The bridge: core commits become batched Qt signals; refused actions become error_raised."""

from __future__ import annotations

from gui.bridge import Bridge
from tests.helpers.factories import a_form, response


def test_a_burst_of_responses_becomes_one_batched_emission(qtbot, qloop, local_core, clock):
    bridge = Bridge(local_core)
    app_id = bridge.create_application(a_form(clock, spots=5))
    assert app_id is not None
    bridge.flush()
    batches: list[list[str]] = []
    activity: list[list] = []
    bridge.applications_changed.connect(batches.append)
    bridge.activity_added.connect(activity.append)
    for i in range(50):
        local_core.engine.handle([response("123", app_id, f"v{i}")])
    qtbot.waitUntil(lambda: len(batches) >= 1)
    qtbot.wait(100)
    assert batches == [[app_id]]
    assert len(activity) == 1
    assert sum(1 for a in activity[0] if a.kind == "signed_up") == 5
    assert sum(1 for a in activity[0] if a.kind == "waitlisted") == 45
    assert bridge.rate() == 50.0
    bridge.shutdown()


def test_a_refused_action_emits_its_reason_and_returns_false(qtbot, qloop, local_core, clock):
    bridge = Bridge(local_core)
    app_id = bridge.create_application(a_form(clock, spots=3))
    local_core.engine.handle([response("123", app_id, "a"), response("123", app_id, "b")])
    errors: list[str] = []
    bridge.error_raised.connect(errors.append)
    assert bridge.set_capacity(app_id, 1) is False
    assert "2 volunteers are signed up" in errors[0]
    assert bridge.set_capacity(app_id, 2) is True
    assert local_core.queries.summary(app_id).capacity == 2
    bridge.shutdown()


def test_an_invalid_form_is_refused_and_nothing_is_created(qtbot, qloop, local_core, clock):
    bridge = Bridge(local_core)
    errors: list[str] = []
    bridge.error_raised.connect(errors.append)
    assert bridge.create_application(a_form(clock, name="  ")) is None
    assert errors and "name" in errors[0]
    assert local_core.queries.summaries() == []
    bridge.shutdown()


def test_a_withdrawal_emits_spot_freed_and_filling_emits_application_filled(
    qtbot, qloop, local_core, clock
):
    bridge = Bridge(local_core)
    app_id = bridge.create_application(a_form(clock, name="Food bank", spots=2))
    bridge.flush()
    freed: list[str] = []
    filled: list[str] = []
    bridge.spot_freed.connect(freed.append)
    bridge.application_filled.connect(filled.append)
    local_core.engine.handle([response("123", app_id, "a"), response("123", app_id, "b")])
    bridge.flush()
    assert filled == ["Food bank"]
    local_core.engine.handle([response("123", app_id, "c")])  # waitlisted
    local_core.engine.handle([response("123", app_id, "a", "declined")])
    bridge.flush()
    assert freed == ["Food bank"]
    bridge.shutdown()


def test_an_exception_in_async_work_is_reported_not_lost(qtbot, qloop, local_core):
    bridge = Bridge(local_core)
    errors: list[str] = []
    bridge.error_raised.connect(errors.append)

    async def boom():
        raise RuntimeError("the broker said no")

    task = bridge.run(boom(), "queue stats")
    qtbot.waitUntil(task.done)
    qtbot.waitUntil(lambda: bool(errors))
    assert errors == ["queue stats: the broker said no"]
    bridge.shutdown()
