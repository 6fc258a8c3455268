"""The detail panel: spots an ended round left unclaimed show as held for the waitlist."""

from __future__ import annotations

from gui import i18n
from gui.bridge import Bridge
from gui.detail_panel import DetailPanel
from tests.helpers.factories import a_form, response


def test_a_standing_hold_is_shown_as_held_unclaimed_since(qtbot, qloop, local_core, clock, qapp):
    i18n.install_translator(qapp, "en")  # English plurals: "1 spot", "2 spots"
    try:
        _standing_hold_shown(qtbot, local_core, clock)
    finally:
        i18n.remove_translators(qapp)


def _standing_hold_shown(qtbot, local_core, clock) -> None:
    engine = local_core.engine
    app_id = engine.create_application(a_form(clock, spots=1, offer_timeout_min=2))
    fund = engine.fund_id
    engine.handle([response(fund, app_id, "1"), response(fund, app_id, "2")])
    engine.handle([response(fund, app_id, "1", "declined")])
    bridge = Bridge(local_core)
    panel = DetailPanel(bridge)
    qtbot.addWidget(panel)
    panel.show_application(app_id)
    assert panel.round_label.text().startswith("1 spot held since")  # a round is open
    assert panel.round_label.text().endswith("; 1 volunteer offered, 1 still open.")
    clock.advance(minutes=3)
    engine.tick()  # nobody claimed: the spot stays held for the waitlist
    panel.refresh()
    assert panel.round_box.isVisibleTo(panel)
    text = panel.round_label.text()
    assert text.startswith("1 spot held for the waitlist, unclaimed since ")
    assert text.endswith(": the next accepted response from the waitlist takes it.")
    engine.release(app_id)
    panel.refresh()
    assert not panel.round_box.isVisibleTo(panel)
    bridge.shutdown()


def test_the_feeds_who_and_cause_fit_any_later_row_not_only_the_first(
    qtbot, qloop, local_core, clock
):
    from gui.display import actor_text
    from gui.models import ActivityModel

    engine = local_core.engine
    app_id = engine.create_application(a_form(clock, spots=1))  # the feed starts "coordinator"
    bridge = Bridge(local_core)
    panel = DetailPanel(bridge)
    qtbot.addWidget(panel)
    panel.resize(900, 600)
    panel.show()
    panel.show_application(app_id)
    fund = engine.fund_id
    engine.handle([response(fund, app_id, "62260001"), response(fund, app_id, "62260008")])
    engine.handle([response(fund, app_id, "62260001", "declined")])  # offered to 62260008
    bridge.flush()
    panel.refresh()
    view = panel.activity_view
    widest = actor_text("volunteer 62260001", "62260008")
    assert view.fontMetrics().horizontalAdvance(widest) < view.columnWidth(ActivityModel.WHO)
    assert view.fontMetrics().horizontalAdvance("5b422ca0") < view.columnWidth(ActivityModel.CAUSE)
    bridge.shutdown()


def test_a_long_roster_is_sized_from_its_first_rows_and_a_switch_measures_only_the_new_one(
    qtbot, qloop, local_core, clock
):
    """Sizing measured every roster row's texts (10,000 at 1M rows: 240 ms of the start), and a
    switch compared the new roster's rows with the sizes of the one shown before."""
    from gui.detail_panel import FIT_SAMPLE

    engine = local_core.engine
    n = FIT_SAMPLE + 150
    long = engine.create_application(a_form(clock, spots=n))
    engine.handle([response(engine.fund_id, long, f"v{i}") for i in range(n)])
    short = engine.create_application(a_form(clock, spots=3, name="Short"))
    engine.handle([response(engine.fund_id, short, "s1")])
    bridge = Bridge(local_core)
    panel = DetailPanel(bridge)
    qtbot.addWidget(panel)
    model = panel.roster_model
    panel.show_application(short)
    panel.show_application(long)
    assert model.rowCount() == n
    assert len(model._texts) <= FIT_SAMPLE + 50  # made once per row measured or painted
    panel.show_application(short)
    assert [model.index(0, 0).data()] == ["s1"] and panel._roster_fitted is not None
    bridge.shutdown()
