"""Table models: keyed diff updates (no resets), and every model passes qtmodeltester."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QPersistentModelIndex, Qt

from core.outcomes import Listing
from core.queries import AppSummary, OfferView, RosterRow
from core.records import Activity
from gui.display import moment_text
from gui.models import (
    ActivityModel,
    ApplicationsModel,
    ApplicationsProxy,
    FillRole,
    OffersModel,
    RosterModel,
    WaitlistModel,
)
from gui.table_model import KeyRole
from tests.helpers.factories import a_form, response

T0 = datetime(2026, 3, 2, 9, 0, 0)


def summary(app_id: str, name: str = "A", **over) -> AppSummary:
    listed = dict(
        name=name, description="", date=date(2026, 3, 3), start=time(10), end=time(12), capacity=5
    )
    listed.update((k, over.pop(k)) for k in list(over) if k in listed)
    values = dict(
        id=app_id,
        listing=Listing(**listed),
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


def waitlist_of(engine, clock, waiting: int):
    """An application with one spot, one signed up and `waiting` volunteers waiting."""
    app_id = engine.create_application(a_form(clock, spots=1))
    engine.handle([response("123", app_id, f"v{i}") for i in range(-1, waiting)])
    return app_id


def test_a_waitlist_is_read_a_page_at_a_time_and_moves_by_single_rows(qtmodeltester, engine, clock):
    from core.queries import Queries

    app_id = waitlist_of(engine, clock, 300)
    changes: list = []
    engine.subscribe(lambda c: changes.extend(c.participants))
    q = Queries(engine.store)
    model = WaitlistModel(q)
    model.load(app_id)
    assert model.rowCount() == 300 and len(model._rows) == 0  # nothing read until painted
    assert model.index(150, 1).data() == "v150"
    assert set(model._rows) == {f"v{i}" for i in range(100, 200)}  # its page, one query
    held = QPersistentModelIndex(model.index(150, 1))
    spy = Spy(model)
    # the two at the front withdraw, a newcomer joins at the end: everyone else moves up two
    engine.handle([response("123", app_id, "v0", "declined")])
    engine.handle([response("123", app_id, "v1", "declined")])
    engine.handle([response("123", app_id, "w")])
    model.apply(changes)
    qtmodeltester.check(model)
    assert spy.removed == [(0, 0), (0, 0)]
    assert spy.inserted == [(298, 298)]
    assert spy.changed == [(0, 298)]  # the renumbered rows, in one signal
    assert spy.resets == 0
    # the rows read before stay read under their new numbers; the ones gone are dropped
    assert {f"v{i}" for i in range(100, 200)} <= set(model._rows)
    assert not {"v0", "v1"} & set(model._rows)
    assert held.row() == 148 and held.data() == "v150"
    assert model.index(0, 0).data() == "1" and model.index(298, 1).data() == "w"
    assert model.rows() == list(q.detail(app_id).waitlist)
    assert model.row_of("w") == 298 and model.row_of("v0") == -1


def test_a_waitlist_row_shows_its_offer_once_the_round_is_set(qtmodeltester, engine, clock):
    from core.queries import Queries

    app_id = waitlist_of(engine, clock, 3)
    q = Queries(engine.store)
    model = WaitlistModel(q)
    model.load(app_id)
    assert model.index(1, 3).data() == ""
    engine.handle([response("123", app_id, "v-1", "declined")])  # a spot frees: offers go out
    round_id = q.round(app_id).id
    model.set_round(round_id)
    qtmodeltester.check(model)
    assert [model.index(i, 3).data() for i in range(3)] == ["offered"] * 3
    model.clear()
    assert model.rowCount() == 0


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
    rows = [Activity("1", T0, "clock", "offered", "v", {}, None, id=i) for i in range(1, 8)]
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


def test_a_long_waitlist_is_painted_by_position_until_its_ids_read_aside_come(
    qtmodeltester, qtbot, engine, clock, monkeypatch
):
    """Switching to a long waitlist reads the rows painted, not every id: those come from a
    thread after the paint, and a volunteer who joined meanwhile is added then."""
    from core.queries import Queries

    monkeypatch.setattr(WaitlistModel, "ASIDE_FROM", 100)
    monkeypatch.setattr(WaitlistModel, "ASIDE_AFTER_MS", 0)
    app_id = waitlist_of(engine, clock, 300)
    q = Queries(engine.store)
    model = WaitlistModel(q)
    model.load(app_id, count=300)
    assert model._unread and model.rowCount() == 300
    assert model.index(150, 1).data() == "v150" and model.index(150, 0).data() == "151"
    assert model.index(150, 0).data(KeyRole) == "v150"
    assert set(model._rows) == {f"v{i}" for i in range(100, 200)}  # its page, by position
    qtmodeltester.check(model)
    spy = Spy(model)
    engine.handle([response("123", app_id, "late")])  # committed before the ids are read
    qtbot.waitUntil(lambda: not model._unread, timeout=5000)
    assert spy.inserted == [(300, 300)] and spy.removed == [] and spy.resets == 0
    assert spy.changed == [(0, 300)]  # the rows painted by position, where they stand now
    qtmodeltester.check(model)
    assert model.rows() == list(q.detail(app_id).waitlist)
    assert model.row_of("late") == 300 and model.index(150, 1).data() == "v150"


def test_a_commit_before_the_ids_are_read_aside_reads_them_at_once(
    qtmodeltester, engine, clock, monkeypatch
):
    from core.queries import Queries

    monkeypatch.setattr(WaitlistModel, "ASIDE_FROM", 100)
    monkeypatch.setattr(WaitlistModel, "ASIDE_AFTER_MS", 60_000)  # not within this test
    app_id = waitlist_of(engine, clock, 300)
    changes: list = []
    engine.subscribe(lambda c: changes.extend(c.participants))
    q = Queries(engine.store)
    model = WaitlistModel(q)
    model.load(app_id, count=300)
    assert model.index(0, 1).data() == "v0"
    spy = Spy(model)
    engine.handle([response("123", app_id, "v0", "declined")])  # the front one withdraws
    model.apply(changes)
    assert not model._unread
    # read after the commit: v0 was gone already, and the list is one shorter than shown
    assert spy.removed == [(299, 299)] and spy.inserted == [] and spy.resets == 0
    qtmodeltester.check(model)
    assert model.rows() == list(q.detail(app_id).waitlist)
    assert model.index(0, 1).data() == "v1" and model.row_of("v0") == -1


def test_a_waitlist_loaded_after_a_commit_takes_its_changes_again_without_reading_every_key(
    qtmodeltester, engine, clock
):
    """The window may load a waitlist that already holds a commit the bridge has yet to flush:
    those rows come again and stay where they are, found by their neighbours' keys."""
    from core.queries import Queries

    app_id = waitlist_of(engine, clock, 50)
    changes: list = []
    engine.subscribe(lambda c: changes.extend(c.participants))
    engine.handle([response("123", app_id, f"n{i}") for i in range(3)])
    clock.advance(1)
    q = Queries(engine.store)
    model = WaitlistModel(q)
    model.load(app_id)  # n0..n2 are in it already
    engine.handle([response("123", app_id, "late")])
    model.apply(changes)
    qtmodeltester.check(model)
    assert model._keys is None  # no mid-list placement: every key was never read
    assert model.rows() == list(q.detail(app_id).waitlist)
    assert [r.volunteer_id for r in model.rows()[-4:]] == ["n0", "n1", "n2", "late"]


def test_the_roster_says_who_was_reminded_who_confirmed_and_who_did_not(qtmodeltester):
    t = datetime(2026, 3, 8, 14, 0)
    by = datetime(2026, 3, 9, 14, 0)
    model = RosterModel()
    rows = [
        RosterRow("701", t, "Anna", reminded_at=t, confirm_by=by, confirmed_at=by),
        RosterRow("702", t, reminded_at=t, confirm_by=by),
        RosterRow("703", t, reminded_at=t, confirm_by=by, unconfirmed_at=by),
        RosterRow("704", t),
    ]
    model.set_rows(rows)
    qtmodeltester.check(model)
    shown = [model.index(i, 2).data() for i in range(4)]
    assert shown == [
        f"✓ {moment_text(by)}",
        f"reminded {moment_text(t)}",
        "not confirmed",
        "",
    ]
    assert model.headerData(2, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) == (
        "Confirmation"
    )
    tip = model.index(1, 2).data(Qt.ItemDataRole.ToolTipRole)
    assert "asked to confirm by" in tip
    model.set_rows([rows[0], RosterRow("702", t, reminded_at=t, confirm_by=by, confirmed_at=by)])
    qtmodeltester.check(model)
    assert model.index(1, 2).data().startswith("✓ ")
    assert model.index(1, 2).data(Qt.ItemDataRole.ToolTipRole).startswith("Confirmed ")


def test_the_list_s_short_count_titles_say_what_they_count_in_a_tooltip(qapp, language):
    model = ApplicationsModel(lambda _id: None)
    h, tip = Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    language("ru")
    assert model.headerData(ApplicationsModel.OFFERS, h) == "Предл."
    assert model.headerData(ApplicationsModel.OFFERS, h, tip) == (
        "Открытые предложения мест: ждут ответа волонтёров"
    )
    language("en")
    tips = {c: model.headerData(c, h, tip) for c in range(model.columnCount())}
    assert tips[ApplicationsModel.FREE] == "Free spots: the next volunteer to answer signs up"
    assert all(tips[c] for c in (*ApplicationsModel.NARROW, ApplicationsModel.FILL))
    assert tips[ApplicationsModel.NAME] is None


def test_the_list_paints_in_date_order_and_sorts_by_its_indicator_after_the_first_paint(
    qtbot, qloop, local_core, clock, tmp_path
):
    """The proxy's sort is ~13,000 Python comparisons at 2,000 applications: the rows come in
    date order already, so it runs once the window has painted (or before rows change)."""
    from PySide6.QtCore import QSettings, Qt

    from gui.bridge import Bridge
    from gui.main_window import MainWindow

    engine = local_core.engine
    today = clock.now().date()
    engine.create_application(a_form(clock, name="Late", day=today + timedelta(days=5)))
    early = engine.create_application(a_form(clock, name="Early", day=today + timedelta(days=2)))
    bridge = Bridge(local_core)
    w = MainWindow(bridge, qsettings=QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    names = lambda: [w.proxy.index(i, 0).data() for i in range(w.proxy.rowCount())]  # noqa: E731
    header = w.apps_view.horizontalHeader()
    assert not w.apps_view.isSortingEnabled() and header.isSortIndicatorShown()
    assert names() == ["Early", "Late"] and w.current_app_id() == early
    w.show()
    qtbot.waitUntil(w.apps_view.isSortingEnabled)
    assert names() == ["Early", "Late"] and w.current_app_id() == early
    w.apps_view.sortByColumn(ApplicationsModel.WHEN, Qt.SortOrder.DescendingOrder)
    assert names() == ["Late", "Early"]
    bridge.shutdown()
