"""Table models: keyed diff updates (no resets), and every model passes qtmodeltester."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QPersistentModelIndex

from core.queries import ActivityRow, AppSummary, OfferView, RosterRow, WaitRow
from gui.models import (
    ActivityModel,
    ApplicationsModel,
    ApplicationsProxy,
    FillRole,
    OffersModel,
    RosterModel,
    WaitlistModel,
)
from tests.helpers.factories import a_form, response

T0 = datetime(2026, 3, 2, 9, 0, 0)


def summary(app_id: str, name: str = "A", **over) -> AppSummary:
    values = dict(
        id=app_id,
        name=name,
        description="",
        date=date(2026, 3, 3),
        start=time(10),
        end=time(12),
        capacity=5,
        signed=0,
        held=0,
        free=5,
        waiting=0,
        open_offers=0,
        status="open",
        policy="broadcast",
        offer_timeout_min=30,
        round_deadline=None,
        updated_at=T0,
    )
    values.update(over)
    return AppSummary(**values)


class Spy:
    """Counts the structural signals a model emits."""

    def __init__(self, model):
        self.inserted: list[tuple[int, int]] = []
        self.removed: list[tuple[int, int]] = []
        self.changed: list[tuple[int, int]] = []
        self.resets = 0
        model.rowsInserted.connect(lambda _p, a, b: self.inserted.append((a, b)))
        model.rowsRemoved.connect(lambda _p, a, b: self.removed.append((a, b)))
        model.dataChanged.connect(lambda a, b, _r=None: self.changed.append((a.row(), b.row())))
        model.modelReset.connect(self._reset)

    def _reset(self):
        self.resets += 1


def test_set_rows_inserts_changes_and_removes_by_key_without_a_reset(qtmodeltester):
    model = RosterModel()
    spy = Spy(model)
    model.set_rows([RosterRow("a", T0), RosterRow("b", T0)])
    qtmodeltester.check(model)
    model.set_rows(
        [RosterRow("a", T0), RosterRow("c", T0), RosterRow("b", T0 + timedelta(seconds=1))]
    )
    qtmodeltester.check(model)
    model.set_rows([RosterRow("c", T0)])
    qtmodeltester.check(model)
    assert [r.volunteer_id for r in model.rows()] == ["c"]
    assert spy.inserted == [(0, 1), (1, 1)]
    assert spy.changed == [(2, 2)]
    assert spy.removed == [(2, 2), (0, 0)]
    assert spy.resets == 0


def test_a_waitlist_whose_front_left_is_renumbered_with_one_signal_per_run(qtmodeltester):
    model = WaitlistModel()
    model.set_rows([WaitRow(i + 1, f"v{i}", T0, T0, None) for i in range(300)])
    held = QPersistentModelIndex(model.index(150, 1))  # volunteer v150
    spy = Spy(model)
    # two promoted from the front, one newcomer at the end: everyone else moves up two
    rest = [f"v{i}" for i in range(2, 300)] + ["w"]
    model.set_rows([WaitRow(i + 1, v, T0, T0, None) for i, v in enumerate(rest)])
    qtmodeltester.check(model)
    assert spy.removed == [(0, 1)]
    assert spy.inserted == [(298, 298)]
    assert spy.changed == [(0, 297)]  # the renumbered survivors, in one signal
    assert held.row() == 148 and held.data() == "v150"
    assert model.index(0, 0).data() == "1" and model.index(298, 1).data() == "w"
    spy.changed.clear()
    model.set_rows([*model.rows(), WaitRow(300, "x", T0, T0, None)])  # only appended
    assert spy.inserted[-1] == (299, 299) and spy.changed == []
    assert model.row_of("x") == 299
    qtmodeltester.check(model)


def test_a_reordered_waitlist_keeps_persistent_selections_on_their_volunteer(qtmodeltester):
    model = WaitlistModel()
    model.set_rows([WaitRow(i + 1, v, T0, T0, None) for i, v in enumerate("abcd")])
    held = QPersistentModelIndex(model.index(1, 1))  # volunteer b
    model.set_rows(
        [
            WaitRow(1, "c", T0, T0, None),
            WaitRow(2, "b", T0, T0, "open"),
            WaitRow(3, "e", T0, T0, None),
        ]
    )
    qtmodeltester.check(model)
    assert [r.volunteer_id for r in model.rows()] == ["c", "b", "e"]
    assert held.isValid() and held.data() == "b"
    assert model.index(1, 3).data() == "offered"


def test_applications_model_updates_only_the_rows_the_bridge_names(
    qtmodeltester, local_core, clock
):
    engine = local_core.engine
    first = engine.create_application(a_form(clock, name="Park", spots=2))
    second = engine.create_application(a_form(clock, name="Food bank", spots=1))
    model = ApplicationsModel(local_core.queries.summary)
    model.set_rows(local_core.queries.summaries())
    qtmodeltester.check(model)
    spy = Spy(model)
    row = model.row_of(first)
    assert model.index(row, ApplicationsModel.FILL).data() == "0/2"  # its texts now cached
    engine.handle([response("123", first, "v1")])
    assert model.update_ids([first]) is False  # same names: the split need not be refitted
    assert model.index(row, ApplicationsModel.FILL).data() == "1/2"
    assert model.index(row, ApplicationsModel.FILL).data(FillRole) == (1, 0, 2)
    assert spy.changed == [(row, row)] and spy.inserted == [] and spy.resets == 0
    third = engine.create_application(a_form(clock, name="Shelter", spots=4))
    assert model.update_ids([third]) is True
    assert spy.inserted == [(2, 2)]
    engine.edit_application(second, a_form(clock, name="Food bank on Elm street", spots=1))
    assert model.update_ids([second]) is True
    assert model.index(model.row_of(second), 0).data() == "Food bank on Elm street"
    assert {r.id for r in model.rows()} == {first, second, third}
    qtmodeltester.check(model)


def test_the_proxy_searches_filters_and_sorts_by_date(qtmodeltester):
    model = ApplicationsModel(lambda _id: None)
    now = datetime(2026, 3, 2, 9, 0)  # the coordinator's wall clock
    model.set_rows(
        [
            summary("1", "Park clean-up", date=date(2026, 3, 5)),
            summary("2", "Food bank", date=date(2026, 3, 3), signed=5, free=0, waiting=2),
            summary("3", "Old shelter", date=date(2026, 2, 20)),
            # today, but over: past, not open (it was neither before)
            summary("4", "Breakfast run", date=date(2026, 3, 2), start=time(6), end=time(8, 30)),
            summary("5", "Morning walk", date=date(2026, 3, 2), start=time(8), end=time(10)),
            summary("6", "Bake sale", date=date(2026, 3, 6), status="cancelled"),
        ]
    )
    proxy = ApplicationsProxy(lambda: now)
    proxy.setSourceModel(model)
    proxy.sort(ApplicationsModel.WHEN)
    qtmodeltester.check(proxy)

    def names():
        return [proxy.index(i, 0).data() for i in range(proxy.rowCount())]

    assert names() == [
        "Old shelter",
        "Breakfast run",
        "Morning walk",
        "Food bank",
        "Park clean-up",
        "Bake sale",
    ]
    proxy.set_filter("open")
    assert names() == ["Morning walk", "Food bank", "Park clean-up"]
    proxy.set_filter("full")
    assert names() == ["Food bank"]
    proxy.set_filter("waitlist")
    assert names() == ["Food bank"]
    proxy.set_filter("past")
    assert names() == ["Old shelter", "Breakfast run"]
    proxy.set_filter("cancelled")
    assert names() == ["Bake sale"]
    proxy.set_filter("all")
    proxy.set_search("PARK")
    assert names() == ["Park clean-up"]
    qtmodeltester.check(proxy)


def test_offers_model_passes_the_model_tester_after_updates(qtmodeltester):
    model = OffersModel()
    end = T0 + timedelta(minutes=2)
    model.set_rows([OfferView("a", T0, end, "open"), OfferView("b", T0, end, "open")])
    qtmodeltester.check(model)
    model.set_rows([OfferView("a", T0, end, "claimed"), OfferView("b", T0, end, "not_selected")])
    qtmodeltester.check(model)
    assert model.index(0, 3).data() == "claimed"


def test_activity_model_shows_the_newest_first_and_drops_the_oldest_past_its_limit(
    qtmodeltester,
):
    model = ActivityModel()
    model.LIMIT = 5
    spy = Spy(model)
    rows = [ActivityRow(i, "1", T0, "clock", "offered", "v", "d", None) for i in range(1, 8)]
    model.append(rows[:3])  # queries hand them over oldest first
    model.append(rows[:3])  # already there: nothing
    qtmodeltester.check(model)
    assert [r.id for r in model.rows()] == [3, 2, 1]
    model.append(rows[3:])
    qtmodeltester.check(model)
    assert [r.id for r in model.rows()] == [7, 6, 5, 4, 3]
    assert model.last_id == 7
    assert spy.inserted == [(0, 2), (0, 3)]
    assert spy.removed == [(5, 6)]
    assert spy.resets == 0
