"""What a coordinator stumbled on in the window, scenario by scenario (issue 10)."""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QToolBar

from core.config import DB_NAME
from core.service import ConsoleCore
from core.tls import TlsFiles
from gui.bridge import Bridge
from gui.main_window import MainWindow
from tests.helpers.broker import BROKER_URL, TcpProxy, broker_available, delete_fund_queues
from tests.helpers.desk import Desk
from tests.helpers.factories import a_form, response
from tests.helpers.qt import created, run_coro
from tests.helpers.tls import TestCA, TlsProxy

# -- bug 9: Settings shows what the console runs with and writes only what changed -------------


def test_settings_show_the_running_fund_and_broker_and_save_only_the_changed_field(
    qtbot, qloop, tmp_path
):
    data = tmp_path / "data"
    core = ConsoleCore(data, "246571", "amqp://guest:s3cret@broker.example:5673/")
    bridge = Bridge(core)
    w = MainWindow(bridge, qsettings=QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    try:
        dlg = w.open_settings()
        assert dlg.fund_id.text() == "246571"  # not the file's (absent) default "1"
        assert dlg.broker_url.text() == "amqp://guest@broker.example:5673/"  # no password
        dlg.language.setCurrentIndex(dlg.language.findData("ru"))
        dlg.buttons.button(dlg.buttons.StandardButton.Ok).click()
        assert json.loads((data / "settings.json").read_text(encoding="utf-8")) == {
            "language": "ru"
        }

        (data / "settings.json").write_text(json.dumps({"fund_id": "7", "language": "en"}))
        dlg = w.open_settings()
        assert dlg.fund_id.text() == "246571"
        dlg.timeout.setValue(45)
        dlg.buttons.button(dlg.buttons.StandardButton.Ok).click()
        assert json.loads((data / "settings.json").read_text(encoding="utf-8")) == {
            "fund_id": "7",  # this run's --fund-id was shown, not written
            "language": "en",
            "default_offer_timeout_min": 45,
        }
        dlg = w.open_settings()
        dlg.buttons.button(dlg.buttons.StandardButton.Ok).click()
        assert w.statusBar().currentMessage() == "Settings unchanged"
    finally:
        bridge.shutdown()
        run_coro(qtbot, core.stop())


def test_settings_have_a_shortcut(desk):
    assert "Ctrl+," in [k.toString() for k in desk.window.act_settings.shortcuts()]


# -- a wrong broker URL is not an outage ---------------------------------------------------------


def test_a_broker_url_nobody_answers_on_is_named_in_the_status_bar(qtbot, qloop, tmp_path):
    proxy = TcpProxy()
    run_coro(qtbot, proxy.reserve())  # a port with nothing listening
    core = ConsoleCore(tmp_path / "data", "246571", proxy.url)
    bridge = Bridge(core)
    w = MainWindow(bridge, qsettings=QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    try:
        run_coro(qtbot, core.start())
        address = proxy.url.split("@")[1].rstrip("/")
        expected = (
            f"Offline: cannot reach {address} (connection refused); retrying — changes are kept"
        )
        qtbot.waitUntil(lambda: w.broker_label.text() == expected, timeout=15_000)
        assert "cannot reach" in w.broker_label.toolTip()
    finally:
        bridge.shutdown()
        run_coro(qtbot, core.stop())
        run_coro(qtbot, proxy.close())


@pytest.mark.skipif(not broker_available(), reason="needs RabbitMQ on 127.0.0.1:5672")
def test_with_a_clusters_nodes_the_status_bar_names_the_one_it_is_on(qtbot, qloop, tmp_path):
    """--broker names two nodes, the first one dead: connected through the second, and the
    status bar says which (with one node it says only connected)."""
    fund = f"t{uuid.uuid4().hex[:8]}"
    core = ConsoleCore(tmp_path / "data", fund, f"amqp://guest:guest@127.0.0.1:1/,{BROKER_URL}")
    bridge = Bridge(core)
    w = MainWindow(bridge, qsettings=QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    try:
        run_coro(qtbot, core.start())
        expected = "Broker: connected to 127.0.0.1:5672"
        qtbot.waitUntil(lambda: w.broker_label.text() == expected, timeout=15_000)
        assert w.broker_label.toolTip() == "connected to amqp://guest:***@127.0.0.1:5672/"
    finally:
        bridge.shutdown()
        run_coro(qtbot, core.stop())
        run_coro(qtbot, delete_fund_queues(fund))


def test_an_untrusted_broker_certificate_is_named_in_the_status_bar(qtbot, qloop, tmp_path):
    """Through a TLS proxy whose certificate another CA signed: not an outage, a setting."""
    ca, other = TestCA(tmp_path / "ca"), TestCA(tmp_path / "other", "Other CA")
    proxy = TlsProxy(ca.issue("broker", dns=("localhost",)))
    run_coro(qtbot, proxy.open())
    url = proxy.url_for("localhost")
    core = ConsoleCore(tmp_path / "data", "246571", url, tls=TlsFiles(str(other.ca_file)))
    bridge = Bridge(core)
    w = MainWindow(bridge, qsettings=QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    try:
        run_coro(qtbot, core.start())
        expected = (
            f"Offline: cannot reach localhost:{proxy.port} (the broker's certificate is not"
            " trusted: check the CA file in Settings); retrying — changes are kept"
        )
        qtbot.waitUntil(lambda: w.broker_label.text() == expected, timeout=15_000)
        assert "unable to get local issuer certificate" in w.broker_label.toolTip()
    finally:
        bridge.shutdown()
        run_coro(qtbot, core.stop())
        run_coro(qtbot, proxy.close())


# -- actions ask before they notify, and refuse before they ask ----------------------------------


def test_lowering_capacity_below_the_signed_up_is_refused_in_the_dialog(desk):
    desk.app(spots=4, volunteers="a b c")
    desk.window.change_capacity()
    dlg = desk.window.capacity_dialog
    assert dlg is not None and dlg.isVisible()
    dlg.spots.selectAll()
    desk.qtbot.keyClicks(dlg.spots, "2")
    assert dlg.error.text() == (
        "3 volunteers are signed up: remove some first, or keep at least 3 spots"
    )
    assert not dlg.ok_button.isEnabled()
    desk.qtbot.keyClick(dlg.spots, Qt.Key.Key_Return)
    assert dlg.isVisible() and desk.asked == []
    dlg.spots.selectAll()
    desk.qtbot.keyClicks(dlg.spots, "6")
    desk.qtbot.keyClick(dlg.spots, Qt.Key.Key_Return)
    assert [t for t, _ in desk.asked] == ["Raise capacity"]
    desk.qtbot.waitUntil(lambda: desk.window.detail.count_labels["signed"].text() == "3/6")
    # the direct way refuses before asking too
    assert not desk.done(desk.window.change_capacity(2))
    assert desk.alerts[-1] == (
        "Cannot lower «Park clean-up» to 2 spots: 3 volunteers are signed up; remove some first"
    )
    assert len(desk.asked) == 1


def test_close_warns_that_open_offers_are_withdrawn(desk, local_core):
    app_id = desk.app(spots=1, volunteers="a b c")
    local_core.engine.handle([response("123", app_id, "a", "declined")])  # b and c are offered
    desk.bridge.flush()
    assert desk.done(desk.window.close_application())
    [(title, text)] = desk.asked
    assert title == "Close application"
    assert "The 2 open offer" in text and "withdrawn" in text  # (plural forms need the .qm)


def test_publish_reopen_and_raise_ask_first_and_a_draft_can_be_published(desk):
    app_id = desk.app(spots=2)
    assert desk.done(desk.window.close_application())
    desk.answer = False
    assert not desk.done(desk.window.reopen())
    assert desk.core.queries.summary(app_id).status == "closed"
    desk.answer = True
    assert desk.done(desk.window.reopen())
    assert [t for t, _ in desk.asked] == [
        "Close application",
        "Reopen application",
        "Reopen application",
    ]
    draft = created(
        desk.qtbot, desk.bridge.create_application(a_form(desk.core.engine.clock), publish=False)
    )
    desk.bridge.flush()
    desk.window.select_application(draft)
    assert desk.window.act_publish.isEnabled()
    assert desk.done(desk.window.publish())
    assert desk.asked[-1][0] == "Publish application"
    assert desk.core.queries.summary(draft).status == "open"


# -- the selection after an action, the status bar after an error --------------------------------


def test_after_a_remove_no_volunteer_is_selected_so_the_next_del_hits_nobody(desk):
    desk.app(spots=3, volunteers="a b c")
    roster = desk.window.detail.roster_view
    roster.selectRow(0)
    roster.setFocus()
    assert desk.window.act_remove.isEnabled()
    assert desk.done(desk.window.remove_volunteer())
    assert [r.volunteer_id for r in desk.window.detail.roster_model.rows()] == ["b", "c"]
    assert desk.window.detail.selected_roster_volunteer() is None
    assert not desk.window.act_remove.isEnabled()
    assert not desk.done(desk.window.remove_volunteer())
    assert [t for t, _ in desk.asked] == ["Remove volunteer"]


def test_an_old_error_leaves_the_status_bar_when_the_next_action_succeeds(desk):
    desk.app(spots=1, volunteers="a b")
    assert not desk.done(desk.window.promote("b"))  # no free spot
    bar = desk.window.statusBar()
    assert bar.currentMessage() == "No free spot: raise the number of spots first"
    assert desk.done(desk.window.change_capacity(2))
    assert desk.window.statusBar().currentMessage() == "Capacity of «Park clean-up» is now 2"


# -- finding things ------------------------------------------------------------------------------


def test_search_finds_volunteer_ids_and_dates_and_says_when_nothing_matches(desk, local_core):
    park = desk.app(spots=2, volunteers="4711")
    desk.app(name="Food bank", spots=2, volunteers="12")
    w = desk.window
    w.search.setText("4711")
    assert desk.listed() == ["Park clean-up"]
    day = desk.core.queries.summary(park).date
    w.search.setText(day.isoformat())
    assert sorted(desk.listed()) == ["Food bank", "Park clean-up"]
    w.search.setText("zebra")
    assert desk.listed() == []
    assert w.detail.placeholder.isVisible()
    assert w.detail.placeholder.text() == "No application matches «zebra»."
    w.search.clear()
    assert len(desk.listed()) == 2 and w.current_app_id() is not None


def test_a_cancelled_application_shows_no_free_spots_and_has_its_own_filter(desk):
    app_id = desk.app(spots=5)
    assert desk.done(desk.window.cancel_application())
    m = desk.window.apps_model
    assert m.index(m.row_of(app_id), m.FREE).data() == "–"
    assert desk.window.detail.count_labels["free"].text() == "–"
    desk.window.set_filter("cancelled")
    assert desk.listed() == ["Park clean-up"]
    desk.window.set_filter("open")
    assert desk.listed() == []
    assert desk.window.detail.placeholder.text() == "No application is under this filter."


# -- a 1024x700 screen, in both languages --------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ru"])
def test_at_1024x700_the_counts_the_ids_and_every_action_stay_visible(
    qtbot, qloop, qapp, local_core, tmp_path, language
):
    from PySide6.QtCore import QLocale

    from gui import i18n
    from gui.models import ApplicationsModel

    locale = QLocale()
    i18n.install_translator(qapp, language)
    try:
        desk = Desk(qtbot, local_core, tmp_path)
        w = desk.window
        w.resize(1024, 700)
        qtbot.waitUntil(lambda: w.width() == 1024)
        app_id = desk.app(spots=2, volunteers="1042 1057 1103 63000001 63000002")
        desk.app(name="Раздача продуктовых наборов на Ленинском проспекте", spots=8)
        w.select_application(app_id)
        qtbot.wait(50)  # one round of layout
        for col in ApplicationsModel.NARROW:
            assert not w.apps_view.isColumnHidden(col)
        waitlist = w.detail.waitlist_view
        assert waitlist.columnWidth(1) >= waitlist.sizeHintForColumn(1)  # ids never "63..."
        bar = w.findChild(QToolBar, "actions_toolbar")
        shown = [a for a in bar.actions() if not a.isSeparator()]
        assert all(bar.widgetForAction(a).isVisible() for a in shown), [
            a.iconText() for a in shown if not bar.widgetForAction(a).isVisible()
        ]
        desk.bridge.shutdown()
    finally:
        i18n.remove_translators(qapp)
        QLocale.setDefault(locale)


# -- bug 3: the open window picks up what another process committed -----------------------------


def test_the_open_window_shows_what_the_cli_created_and_changed(desk, local_core):
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    data = str(local_core.data_dir)

    def cli(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "main.py", "--data-dir", data, "--fund-id", "123", "app", *args],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    common = ["--spots", "2", "--date", "tomorrow", "--start", "10:00", "--end", "12:00"]
    first = cli("create", "--name", "Soup kitchen", *common)
    second = cli("create", "--name", "Coat drive", *common)
    m = desk.window.apps_model
    desk.qtbot.waitUntil(lambda: m.row_of(first) >= 0 and m.row_of(second) >= 0, timeout=10_000)
    desk.window.select_application(first)
    assert desk.window.detail.count_labels["signed"].text() == "0/2"
    cli("capacity", first, "4")
    desk.qtbot.waitUntil(
        lambda: desk.window.detail.count_labels["signed"].text() == "0/4", timeout=10_000
    )
    assert m.index(m.row_of(first), m.FILL).data() == "0/4"
    feed = [r.kind for r in desk.window.detail.activity_model.rows()]
    assert feed[0] == "capacity_changed"


def test_the_open_window_drops_an_application_another_process_deleted(desk, local_core):
    """A row gone from the file (a draft deleted from the command line; a create undone
    because another console decided) leaves the list: the watch re-read only changed rows,
    so a deleted one stayed on screen."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]

    def cli(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "main.py", "--data-dir", str(local_core.data_dir), "--fund-id",
             "123", "app", *args],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=60,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    kept = desk.app(spots=2)
    common = ["--spots", "2", "--date", "tomorrow", "--start", "10:00", "--end", "12:00"]
    draft = cli("create", "--name", "Coat drive", "--draft", *common)
    m = desk.window.apps_model
    desk.qtbot.waitUntil(lambda: m.row_of(draft) >= 0, timeout=10_000)
    desk.window.select_application(draft)
    assert desk.window.detail.title.text() == "Coat drive"
    cli("delete", draft)
    desk.qtbot.waitUntil(lambda: m.row_of(draft) < 0, timeout=10_000)
    assert m.row_of(kept) >= 0
    assert desk.window.detail.title.text() != "Coat drive"

    # one this console made, then deleted from under it (as another console's decisions
    # undo a create that never reached the log)
    made = desk.app(spots=3)
    desk.qtbot.waitUntil(lambda: m.row_of(made) >= 0, timeout=10_000)
    other = sqlite3.connect(local_core.data_dir / DB_NAME)
    with other:
        other.execute("DELETE FROM activity WHERE application_id = ?", (made,))
        other.execute("DELETE FROM application WHERE id = ?", (made,))
    other.close()
    desk.qtbot.waitUntil(lambda: m.row_of(made) < 0, timeout=10_000)
    assert m.row_of(kept) >= 0


def test_saving_an_edit_volunteers_are_told_about_asks_first(desk):
    app_id = desk.app(spots=2, volunteers="a")
    dlg = desk.window.edit_application()
    assert dlg is not None
    dlg.policy.setCurrentIndex(dlg.policy.findData("timed"))  # internal: announces nothing
    dlg.accept()
    desk.qtbot.waitUntil(lambda: dlg.result() == 1)
    assert desk.asked == []
    assert desk.core.queries.summary(app_id).policy == "timed"

    dlg = desk.window.edit_application()
    dlg.name.setText("Park clean-up (north gate)")
    desk.answer = False
    dlg.accept()
    assert [t for t, _ in desk.asked] == ["Save changes"]
    assert dlg.isVisible() and dlg.pending is None  # nothing sent to be saved
    assert desk.core.queries.summary(app_id).name == "Park clean-up"
    desk.answer = True
    dlg.accept()
    desk.qtbot.waitUntil(lambda: dlg.result() == 1)
    assert desk.core.queries.summary(app_id).name == "Park clean-up (north gate)"
