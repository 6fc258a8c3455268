"""The heap keeper: no automatic full collection during a burst; an idle window collects."""

from __future__ import annotations

import gc

import pytest

from gui.heap import IDLE_S, MAX_DEFER_S, MIN_SPACING_S, HeapKeeper


class Cycle:
    """Garbage only a full collection finds once it has aged into the old generation."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def keeper(qapp):
    now = [1000.0]
    busy = [1000.0]
    k = HeapKeeper(lambda: busy[0], clock=lambda: now[0])
    k.start()
    yield k, now, busy
    k.stop()


def test_start_freezes_the_startup_heap_and_stops_automatic_full_collections(keeper):
    k, _now, _busy = keeper
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[2] >= 1_000_000
    k.stop()
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold()[2] < 1_000_000
    k.start()  # the fixture stops it again


def test_a_busy_window_defers_the_full_collection_until_idle(keeper):
    k, now, busy = keeper
    gc.collect(1)
    Cycle()
    gc.collect(1)  # one gen-1 collection: something may wait in the old generation
    now[0] += MIN_SPACING_S + 1
    busy[0] = now[0] - IDLE_S / 2  # a flush just happened
    assert k.check() is False
    assert k.full_collections == 0
    now[0] += IDLE_S  # no flush since: idle
    assert k.check() is True
    assert k.full_collections == 1
    assert gc.get_count()[2] == 0
    assert k.check() is False  # nothing new, and too soon anyway


def test_a_load_that_never_pauses_still_gets_a_full_collection(keeper):
    k, now, busy = keeper
    gc.collect(1)
    now[0] += MAX_DEFER_S + 1
    busy[0] = now[0]
    assert k.check() is True


def test_on_the_supported_pythons_the_keeper_holds_full_collections(keeper):
    k, _now, _busy = keeper
    assert k.holds_full_collections  # 3.11-3.13 (pyproject's requires-python)


def test_an_incremental_collector_is_left_alone_and_only_the_startup_heap_frozen(qapp, monkeypatch):
    # Python 3.14's gc API (not installed here): set_threshold ignores the third value and
    # get_threshold's third is always 0. The real collector is not touched while it is faked.
    kept = list(gc.get_threshold()[:2])
    monkeypatch.setattr(gc, "get_threshold", lambda: (kept[0], kept[1], 0))
    monkeypatch.setattr(
        gc,
        "set_threshold",
        lambda young, middle=10, *_: kept.__setitem__(slice(None), [young, middle]),
    )
    now = [1000.0]
    k = HeapKeeper(lambda: 0.0, clock=lambda: now[0])
    k.start()
    try:
        assert k.holds_full_collections is False
        assert gc.get_freeze_count() > 0
        now[0] += MAX_DEFER_S + 1
        assert k.check() is False and k.full_collections == 0
        assert not k._timer.isActive()
    finally:
        k.stop()
    assert gc.get_freeze_count() == 0
