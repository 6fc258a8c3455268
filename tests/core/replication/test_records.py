"""The log reader's rules on records alone: what is applied, fenced, a duplicate, or missing."""

from __future__ import annotations

import pytest

from core.replication.records import (
    EPOCH,
    SYNC,
    BadRecord,
    LogRecord,
    Position,
    missing_before,
    verdict,
)

AT = Position(next_offset=40, epoch=2, seq=7)


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (LogRecord(2, 8, "changes"), "apply"),
        (LogRecord(3, 0, EPOCH, {"after": [2, 7]}), "apply"),
        (LogRecord(1, 99, "changes"), "fenced"),
        (LogRecord(2, 7, "changes"), "duplicate"),
        (LogRecord(2, 3, "changes"), "duplicate"),
        (LogRecord(0, 0, SYNC, {"nonce": "n"}), "marker"),
    ],
)
def test_each_record_gets_its_verdict(record: LogRecord, expected: str) -> None:
    assert verdict(AT, record) == expected


@pytest.mark.parametrize(
    ("record", "missing"),
    [
        (LogRecord(2, 8, "changes"), False),
        (LogRecord(2, 9, "changes"), True),
        (LogRecord(3, 0, EPOCH, {"after": [2, 7]}), False),
        (LogRecord(3, 0, EPOCH, {"after": [2, 9]}), True),
        (LogRecord(3, 4, "changes"), True),
        (LogRecord(1, 50, "changes"), False),  # fenced, not a gap
        (LogRecord(0, 0, SYNC), False),
    ],
)
def test_a_gap_in_the_sequence_means_records_are_gone(record: LogRecord, missing: bool) -> None:
    assert missing_before(AT, record) is missing


def test_a_fresh_replica_reading_the_log_from_its_start_misses_nothing() -> None:
    assert not missing_before(Position(), LogRecord(0, 0, EPOCH, {"after": [-1, -1]}))
    assert missing_before(Position(), LogRecord(0, 12, "changes"))


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b"[]",
        b'{"epoch": -1, "seq": 0, "kind": "x", "payload": {}}',
        b'{"epoch": 1, "seq": 0, "kind": "", "payload": {}}',
        b'{"epoch": true, "seq": 0, "kind": "x", "payload": {}}',
        b'{"epoch": 1, "seq": 0, "kind": "x", "payload": []}',
    ],
)
def test_a_body_that_is_not_a_record_is_refused(body: bytes) -> None:
    with pytest.raises(BadRecord):
        LogRecord.decode(body)


def test_a_record_survives_its_encoding() -> None:
    record = LogRecord(3, 14, "command", {"command_id": "c-1", "reason": "мест нет"})
    assert LogRecord.decode(record.encode(), offset=9) == LogRecord(
        3, 14, "command", {"command_id": "c-1", "reason": "мест нет"}, 9
    )
