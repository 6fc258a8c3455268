"""Start the window: QApplication, the qasync loop, the console core, and an orderly shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
import traceback
from collections.abc import Callable
from datetime import time, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

import qasync
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from core.config import start_settings
from core.engine import ApplicationForm
from gui.i18n import install_translator
from gui.tray import app_icon

log = logging.getLogger(__name__)

DEMO_VOLUNTEERS = 15
DEMO_RATE = 2.0  # responses per second: a newcomer sees signups, a waitlist and a round at once
# How long the demo waits to learn whether this console decides or another one of the fund
# does (no broker: it decides alone after that), and then for an application to show up.
DEMO_ROLE_WAIT = 15.0
DEMO_APP_WAIT = 30.0


def tr(text: str) -> str:
    # lupdate files a module-level tr("...") under the empty context, so look it up there
    return QCoreApplication.translate("", text)


def install_excepthook(show: Callable[[str], None]) -> None:
    """Exceptions from Qt slots and async slots end up here: log them and show them."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, exc, tb)
            return
        log.error("unhandled exception", exc_info=(kind, exc, tb))
        try:
            show(f"{kind.__name__}: {exc}")
        except Exception:  # the window may be gone; the log already has it
            traceback.print_exception(kind, exc, tb)

    sys.excepthook = hook


def close_on_signals(window: QWidget) -> None:
    """SIGTERM (a logout, systemd, kill) and Ctrl+C close the window like its close button.

    Then the usual shutdown runs: in-flight messages are committed and acknowledged and the
    broker connection is closed, instead of the process dying mid-batch. Python runs the
    handler the next time the loop hands it control (the deadline ticker does every second).
    """

    def handler(signum: int, _frame: Any) -> None:
        log.info("signal %d: closing the window", signum)
        QTimer.singleShot(0, window.close)

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def demo_form(today: Any) -> ApplicationForm:
    return ApplicationForm(
        name=tr("Park clean-up"),
        day=today + timedelta(days=1),
        start=time(10, 0),
        end=time(13, 0),
        spots=5,
        description=tr("Litter picking along the pond; gloves and bags provided."),
        policy="broadcast",
        offer_timeout_min=2,
    )


def run(
    data_dir: Path,
    fund_id: str,
    broker_url: str,
    *,
    demo: bool = False,
    tls: Any = None,
    coordinator_name: str | None = None,
) -> int:
    """Show the console window until it is closed; returns the process exit code."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Volunteer Console")
    app.setOrganizationName("volunteer-console")
    app.setDesktopFileName("volunteer-console")  # Wayland matches the window to the menu entry
    # Closing the last window must not stop the loop under main(): we await the signal instead.
    app.setQuitOnLastWindowClosed(False)
    settings = start_settings(data_dir)  # the language; no pydantic before the first paint
    install_translator(app, settings.language)
    try:
        return int(
            qasync.run(_main(app, Path(data_dir), fund_id, broker_url, demo, tls, coordinator_name))
            or 0
        )
    except RuntimeError as exc:  # "Event loop stopped before Future completed": a hard quit
        log.warning("event loop ended early: %s", exc)
        return 1


class _FirstPaint(QObject):
    """Sets a future at the first paint of any widget (installed on the application)."""

    def __init__(self, painted: asyncio.Future[None]) -> None:
        super().__init__()
        self.painted = painted

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self.painted.done():
            self.painted.set_result(None)
        return False


async def first_paint(app: QApplication, at_most: float = 1.0) -> None:
    """Until the window has painted once, or at_most seconds (a window started minimised
    may not paint): what the coordinator waits for comes first, the broker after."""
    painted = asyncio.get_running_loop().create_future()
    watch = _FirstPaint(painted)
    app.installEventFilter(watch)
    try:
        await asyncio.wait_for(painted, at_most)
    except TimeoutError:
        pass
    finally:
        app.removeEventFilter(watch)


def build_window(
    data_dir: Path,
    fund_id: str,
    url: str,
    *,
    tls: Any = None,
    coordinator_name: str | None = None,
    qsettings: Any = None,
) -> tuple[Any, Any, Any]:
    """The console core, its bridge and the window (not shown yet), as the window start makes
    them; tests/bench/scale.py times this too. Nothing here waits for the broker."""
    from core.service import ConsoleCore
    from core.storage import StoreDamaged, damage_of
    from gui.bridge import Bridge
    from gui.main_window import MainWindow

    # tls, coordinator_name None: the settings' own. The start check runs aside while the
    # window is built (at a million rows it reads for its whole second); core.start() waits.
    # The broker client and the decision log are made after the first paint (links_later):
    # core.start() makes them, and a coordinator action before that does.
    core = ConsoleCore(
        data_dir,
        fund_id,
        url,
        tls=tls,
        coordinator_name=coordinator_name,
        check_aside=True,
        links_later=True,
    )
    try:
        bridge = Bridge(core)
        return core, bridge, MainWindow(bridge, qsettings=qsettings)
    except Exception as exc:
        # A damaged page met while the window reads its first rows: the same refusal as the
        # start check's (which may not have reached it yet), never a traceback.
        detail = damage_of(exc)
        try:
            core.store.checked()
        finally:
            core.close()
        if detail is not None:
            raise StoreDamaged(core.store.path, detail) from exc
        raise


async def _main(
    app: QApplication,
    data_dir: Path,
    fund_id: str,
    url: str,
    demo: bool,
    tls: Any = None,
    coordinator_name: str | None = None,
) -> int:
    from core.storage import StoreDamaged
    from gui.heap import HeapKeeper

    loop = asyncio.get_running_loop()
    core, bridge, window = build_window(
        data_dir, fund_id, url, tls=tls, coordinator_name=coordinator_name
    )

    def show_error(text: str) -> None:
        window.statusBar().showMessage(text, 20_000)
        box = QMessageBox(QMessageBox.Icon.Critical, tr("Unexpected error"), text, parent=window)
        box.setInformativeText(tr("The details are in the log. Your data is safe."))
        box.open()

    install_excepthook(show_error)

    def on_loop_error(_loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        log.error("asyncio: %s", context.get("message"), exc_info=exc)
        if exc is not None:
            show_error(f"{type(exc).__name__}: {exc}")

    loop.set_exception_handler(on_loop_error)

    closed = loop.create_future()

    def on_last_window_closed() -> None:
        if not closed.done():
            closed.set_result(None)

    app.lastWindowClosed.connect(on_last_window_closed)
    close_on_signals(window)
    app.setWindowIcon(app_icon())
    window.show()
    await first_paint(app)
    try:
        await core.start()  # makes the broker client and joins the decision log first
    except StoreDamaged:  # found by the start check: refused as if found when opening
        bridge.shutdown()
        window.close()
        await core.stop()
        raise
    heap = HeapKeeper(lambda: bridge.last_flush_at, window)
    heap.start()  # after startup: what exists now lives until the end

    stop_demo = asyncio.Event()
    demo_task: asyncio.Task[Any] | None = None
    if demo:
        demo_task = asyncio.create_task(_run_demo(bridge, window, url, fund_id, stop_demo))

    await closed
    # Shutdown order: stop producing work, stop the window's timers, then drain and close the
    # broker connections while the loop still runs (else "Task was destroyed but it is pending").
    stop_demo.set()
    if demo_task is not None:
        try:
            await asyncio.wait_for(demo_task, 5)
        except (TimeoutError, Exception):
            demo_task.cancel()
            with contextlib.suppress(BaseException):
                await demo_task
    heap.stop()
    bridge.shutdown()
    await core.stop()
    return 0


async def _until(predicate: Callable[[], bool], timeout: float, stop: asyncio.Event) -> bool:
    """Poll predicate until it holds (True), timeout passes or stop is set."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        if stop.is_set() or loop.time() >= end:
            return False
        await asyncio.sleep(0.1)
    return True


async def demo_application(bridge: Any, stop: asyncio.Event) -> str | None:
    """The application the demo's volunteers answer: an open one of the fund, else a new one.

    Chosen once this console knows whether it decides: beside a console of the fund that
    already does, one made here before its decisions were read would be undone when they
    arrive (CONTRACT.md, "Several consoles of one fund"), and the volunteers would answer
    nothing. There, the fund's open application is answered, or the new one is made by the
    deciding console (a command) and answered once the log brings it. None when it cannot be
    made (said)."""
    core = bridge.core
    replication = core.replication

    def open_application() -> str | None:
        found = [s.id for s in bridge.queries.summaries() if s.status == "open"]
        return found[0] if found else None

    def known() -> bool:
        # an unreachable broker: this console decides alone, as it would without a log
        offline = core.transport.status.state == "offline"
        return offline or bool(replication and replication.deciding) or not core.decides()

    if replication is not None:
        await _until(known, DEMO_ROLE_WAIT, stop)
    if not core.decides():
        # its applications come through the log: the reader may still be on its way to them
        await _until(lambda: open_application() is not None, 5.0, stop)
    found = open_application()
    if found is not None:
        return found
    created = await bridge.create_application(demo_form(bridge.clock.now().date()))
    if created.ok and created.value is not None:
        return str(created.value)
    if created.pending is not None:  # made by the console that decides, once it reads it
        made = await _until(lambda: open_application() is not None, DEMO_APP_WAIT, stop)
        if not made and not stop.is_set():
            log.warning(
                "demo: the console that decides made no application within %g s (command %s)",
                DEMO_APP_WAIT,
                created.pending,
            )
        return open_application()
    bridge.error_raised.emit(created.refusal or "")
    return None


async def _run_demo(bridge: Any, window: Any, url: str, fund_id: str, stop: asyncio.Event) -> None:
    """A demo application and volunteers answering it over the broker, as in real life."""
    from core.simulator import simulate

    app_id = await demo_application(bridge, stop)
    if app_id is None:
        return
    window.select_application(app_id)
    window.statusBar().showMessage(
        tr("Demo: %1 volunteers are answering over the broker").replace("%1", str(DEMO_VOLUNTEERS)),
        10_000,
    )
    # The volunteers of each application stay for the window's life: they claim offers and
    # confirm reminders that come later. Once one crowd has had its answers, a new one waits
    # for the next application published (someone trying the console creates one, Ctrl+N).
    crowds: set[asyncio.Task[None]] = set()

    def crowd_for(app: str | None) -> None:
        task = asyncio.ensure_future(answer(app))
        crowds.add(task)
        task.add_done_callback(crowds.discard)

    def settled() -> None:
        window.statusBar().showMessage(tr("Demo: every volunteer has had an answer"), 10_000)
        crowd_for(None)

    async def answer(app: str | None) -> None:
        report = await simulate(
            url,
            fund_id,
            application_id=app,
            volunteers=DEMO_VOLUNTEERS,
            rate=DEMO_RATE,
            seed=None,
            stop=stop,
            announce_timeout_s=24 * 3600,
            tls_files=bridge.core.transport.tls,
            on_settled=settled,
        )
        if report.error and not stop.is_set():
            bridge.error_raised.emit(
                tr("Demo volunteers stopped: %1").replace("%1", str(report.error))
            )

    crowd_for(app_id)
    await stop.wait()
    while crowds:  # each ends at the stop; a crowd started meanwhile is awaited too
        await asyncio.gather(*crowds, return_exceptions=True)
