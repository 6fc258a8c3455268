"""Identifiers: outbound message ids are UUIDs in the version 7 layout, in the order made."""

from __future__ import annotations

import uuid

import pytest

from core import ids
from core import messages as m
from core.ids import new_message_id


@pytest.fixture
def fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if no id was made yet in this process (others' ids came from the real clock)."""
    monkeypatch.setattr(ids, "_last_message", (0, 0))


@pytest.mark.usefixtures("fresh_process")
def test_message_ids_are_version_7_uuids_with_their_millisecond_in_front() -> None:
    text = new_message_id(now_ms=1_790_000_000_123)
    made = uuid.UUID(text)
    assert str(made) == text  # the canonical form: lower-case hex in 8-4-4-4-12
    assert made.version == 7
    assert made.variant == uuid.RFC_4122
    assert made.int >> 80 == 1_790_000_000_123


@pytest.mark.usefixtures("fresh_process")
def test_message_ids_made_later_sort_later_even_within_a_millisecond() -> None:
    ids = [new_message_id(now_ms=1_790_000_000_000 + i // 100) for i in range(1000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == 1000
    assert all(str(uuid.UUID(i)) == i and uuid.UUID(i).version == 7 for i in ids)


@pytest.mark.usefixtures("fresh_process")
def test_a_clock_step_back_still_gives_a_larger_id() -> None:
    later = new_message_id(now_ms=1_790_000_500_000)
    after_step_back = new_message_id(now_ms=1_790_000_000_000)
    assert after_step_back > later
    assert uuid.UUID(after_step_back).version == 7


def test_outbound_messages_get_them() -> None:
    first = m.application_cancelled("1", "2").message_id
    second = m.application_cancelled("1", "2").message_id
    assert uuid.UUID(first).version == 7
    assert first < second
