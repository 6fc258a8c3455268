"""Tray notices: a freed spot and a filled application are announced; no tray is no error."""

from __future__ import annotations

from PySide6.QtWidgets import QSystemTrayIcon

from gui.bridge import Bridge
from gui.tray import TrayNotifier, app_icon
from tests.helpers.factories import a_form, response


def test_a_freed_spot_and_a_filled_application_reach_the_notifier(qtbot, qloop, local_core, clock):
    bridge = Bridge(local_core)
    tray = TrayNotifier()
    tray.connect_bridge(bridge)
    engine = local_core.engine
    app_id = engine.create_application(a_form(clock, name="Food bank", spots=1))
    bridge.flush()
    assert tray.last_message is None

    engine.handle([response("123", app_id, "a")])
    bridge.flush()
    assert tray.last_message == ("Application filled", "Food bank: every spot is taken.")

    engine.handle([response("123", app_id, "b")])  # waitlisted
    engine.handle([response("123", app_id, "a", "declined")])  # frees the spot for b
    bridge.flush()
    assert tray.last_message == (
        "A spot is free",
        "Food bank: a spot freed up and is offered to the waitlist.",
    )
    bridge.shutdown()


def test_without_a_system_tray_nothing_is_shown_and_nothing_fails(qtbot):
    assert not QSystemTrayIcon.isSystemTrayAvailable()  # offscreen has no tray
    tray = TrayNotifier()
    assert tray.tray is None
    tray.notify("title", "text")
    assert tray.last_message == ("title", "text")


def test_the_icon_is_the_shipped_svg_and_sharp_at_every_size(qapp):
    icon = app_icon()
    assert not icon.isNull()
    for size in (16, 32, 48, 256):
        image = icon.pixmap(size, size).toImage()
        assert (image.width(), image.height()) == (size, size)
        assert image.pixelColor(size // 2, size // 2).name() == "#ffffff"  # the heart
        edge = image.pixelColor(size // 16, size // 2)
        assert edge.green() > edge.red() and edge.green() > edge.blue()  # the green badge
