"""The bridge: core commits become batched Qt signals; operations return results or refusals."""

from __future__ import annotations

from gui.bridge import Bridge
from tests.helpers.factories import a_form, response
from tests.helpers.qt import created, settled


def test_a_burst_of_responses_becomes_one_batched_emission(qtbot, qloop, local_core, clock):
    bridge = Bridge(local_core)
    app_id = created(qtbot, bridge.create_application(a_form(clock, spots=5)))
    bridge.flush()
    batches: list[list[str]] = []
    activity: list[list] = []
    bridge.applications_changed.connect(batches.append)
    bridge.activity_added.connect(activity.append)

    # on the writer thread, as the transport's batches run: a commit from another thread's
    # connection would also (rightly) reach the bridge through its watch for other processes
    def burst() -> None:
        for i in range(50):
            local_core.engine.handle([response("123", app_id, f"v{i}")])

    local_core.writer.run(burst)
    qtbot.waitUntil(lambda: len(batches) >= 1)
    qtbot.wait(100)
    assert batches == [[app_id]]
    assert len(activity) == 1
    assert sum(1 for a in activity[0] if a.kind == "signed_up") == 5
    assert sum(1 for a in activity[0] if a.kind == "waitlisted") == 45
    assert bridge.rate() == 50.0
    bridge.shutdown()


def test_a_refused_operation_returns_its_reason_and_changes_nothing(
    qtbot, qloop, local_core, clock
):
    bridge = Bridge(local_core)
    app_id = created(qtbot, bridge.create_application(a_form(clock, spots=3)))
    local_core.engine.handle([response("123", app_id, "a"), response("123", app_id, "b")])
    errors: list[str] = []
    bridge.error_raised.connect(errors.append)
    refused = settled(qtbot, bridge.set_capacity(app_id, 1))
    assert not refused.ok and "2 volunteers are signed up" in refused.refusal
    assert local_core.queries.summary(app_id).capacity == 3
    assert settled(qtbot, bridge.set_capacity(app_id, 2)).ok
    assert local_core.queries.summary(app_id).capacity == 2
    assert errors == []  # a refusal is the operation's result, not a broadcast
    bridge.shutdown()


def test_an_operation_commits_on_the_writer_thread_and_can_be_awaited(
    qtbot, qloop, local_core, clock
):
    import threading

    from tests.helpers.qt import run_coro

    bridge = Bridge(local_core)
    threads: list[str] = []
    local_core.engine.subscribe(lambda _c: threads.append(threading.current_thread().name))

    async def create():
        return await bridge.create_application(a_form(clock, spots=2))

    result = run_coro(qtbot, create())
    assert result.ok and local_core.queries.summary(result.value).capacity == 2
    assert threads and all(name.startswith("core-writer") for name in threads)
    bridge.shutdown()


def test_an_invalid_form_is_refused_and_nothing_is_created(qtbot, qloop, local_core, clock):
    bridge = Bridge(local_core)
    result = settled(qtbot, bridge.create_application(a_form(clock, name="  ")))
    assert result.value is None and "name" in result.refusal
    assert local_core.queries.summaries() == []
    bridge.shutdown()


def test_a_withdrawal_emits_spot_freed_and_filling_emits_application_filled(
    qtbot, qloop, local_core, clock
):
    bridge = Bridge(local_core)
    app_id = created(qtbot, bridge.create_application(a_form(clock, name="Food bank", spots=2)))
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


def test_the_window_takes_the_bridges_first_read_of_the_list_only_while_nothing_changed(
    qtbot, qloop, local_core, clock
):
    """The window's start reads every summary once (the bridge's read), not twice; a commit
    in between makes the window read them again, so nothing committed goes missing."""
    engine = local_core.engine
    first = engine.create_application(a_form(clock, name="Park"))
    bridge = Bridge(local_core)
    assert [s.id for s in bridge.summaries()] == [first]
    assert [s.id for s in bridge.summaries()] == [first]  # taken once, then read again
    again = Bridge(local_core)
    second = engine.create_application(a_form(clock, name="Food bank"))
    assert sorted(s.id for s in again.summaries()) == sorted([first, second])
    bridge.shutdown()
    again.shutdown()
