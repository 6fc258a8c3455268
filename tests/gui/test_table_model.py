"""The table-model base: log-style growth with a cap, changes signalled per run of rows."""

from __future__ import annotations

from dataclasses import dataclass

from gui.table_model import KeyedTableModel, KeyRole, RowRole


@dataclass(frozen=True)
class Row:
    id: int
    text: str = ""


class RowsModel(KeyedTableModel):
    key_attr = "id"
    headers = ("Id", "Text")

    def display(self, row: Row, column: int) -> str:
        return str(row.id) if column == 0 else row.text


def signals(model: KeyedTableModel) -> list[tuple[str, int, int]]:
    seen: list[tuple[str, int, int]] = []
    model.rowsInserted.connect(lambda _p, a, b: seen.append(("inserted", a, b)))
    model.rowsRemoved.connect(lambda _p, a, b: seen.append(("removed", a, b)))
    model.dataChanged.connect(lambda a, b, _r=None: seen.append(("changed", a.row(), b.row())))
    model.modelReset.connect(lambda: seen.append(("reset", -1, -1)))
    return seen


def keys(model: KeyedTableModel) -> list[int]:
    return [model.index(i, 0).data(KeyRole) for i in range(model.rowCount())]


def test_rows_appended_past_the_cap_push_the_oldest_off_the_top(qtmodeltester):
    model = RowsModel()
    seen = signals(model)
    model.add_rows([Row(1), Row(2), Row(3)], limit=4)
    model.add_rows([Row(4), Row(5), Row(6)], limit=4)
    assert keys(model) == [3, 4, 5, 6]
    assert seen == [("inserted", 0, 2), ("inserted", 3, 5), ("removed", 0, 1)]
    assert model.row_of(6) == 3 and model.row_of(1) == -1
    qtmodeltester.check(model)


def test_rows_added_at_the_top_push_the_oldest_off_the_bottom(qtmodeltester):
    model = RowsModel()
    model.add_rows([Row(2), Row(1)], limit=3)
    seen = signals(model)
    model.add_rows([Row(4), Row(3)], limit=3, at_top=True)
    assert keys(model) == [4, 3, 2]
    assert seen == [("inserted", 0, 1), ("removed", 3, 3)]
    assert model.row_of(2) == 2
    qtmodeltester.check(model)


def test_changed_rows_are_signalled_per_run_or_as_one_span(qtmodeltester):
    model = RowsModel()
    model.set_rows([Row(i) for i in range(6)])
    seen = signals(model)
    model.replace_at({4: Row(4, "d"), 0: Row(0, "a"), 1: Row(1, "b")})
    model.replace_at({2: Row(2, "c"), 5: Row(5, "e")}, span=True)
    assert seen == [("changed", 0, 1), ("changed", 4, 4), ("changed", 2, 5)]
    assert [model.index(i, 1).data() for i in range(6)] == ["a", "b", "c", "", "d", "e"]
    assert model.index(5, 0).data(RowRole) == Row(5, "e")
    qtmodeltester.check(model)


def test_set_rows_moves_survivors_without_a_reset(qtmodeltester):
    model = RowsModel()
    model.set_rows([Row(1), Row(2), Row(3)])
    seen = signals(model)
    model.set_rows([Row(3), Row(1, "x"), Row(4)])
    assert keys(model) == [3, 1, 4]
    assert ("reset", -1, -1) not in seen
    assert ("removed", 1, 1) in seen and ("inserted", 2, 2) in seen
    assert model.index(1, 1).data() == "x"
    qtmodeltester.check(model)
