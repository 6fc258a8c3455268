"""Shared fixtures: a real SQLite file per test, a manual clock and the rules' test driver."""

from __future__ import annotations

import os
from datetime import datetime

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from core.clock import ManualClock
from core.engine import Engine
from core.storage import Store
from tests.helpers.console import Console


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
