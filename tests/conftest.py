"""Shared fixtures: a real SQLite file per test, a manual clock and the rules' test driver."""

from __future__ import annotations

import gc
import os
from datetime import datetime

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from core.clock import ManualClock
from core.engine import Engine
from core.storage import Store
from tests.helpers.console import Console

_GC_THRESHOLD = gc.get_threshold()


@pytest.fixture(autouse=True)
def _collector_as_python_starts_it():
    """The garbage collector's settings back to Python's after each test: one that changes
    them (HeapKeeper in gui/heap.py freezes the heap and holds full collections off; the
    source parser holds the collector off) must not hand that to the next."""
    yield
    if gc.get_threshold() != _GC_THRESHOLD:
        gc.set_threshold(*_GC_THRESHOLD)
    if gc.get_freeze_count():
        gc.unfreeze()
    if not gc.isenabled():
        gc.enable()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 3, 2, 9, 0, 0))


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "console.db")
    yield s
    s.close()


@pytest.fixture
def engine(store, clock) -> Engine:
    return Engine(store, fund_id="123", clock=clock)


@pytest.fixture
def c(engine: Engine, clock: ManualClock) -> Console:
    return Console(engine, clock)
