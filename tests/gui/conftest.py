"""GUI fixtures: one qasync loop on the pytest-qt QApplication, a console core, a language."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
import qasync
from PySide6.QtCore import QLocale

from core.queries import Queries
from core.writer import Writer
from gui import i18n
from tests.helpers.desk import Desk
from tests.helpers.window import Console


@pytest.fixture(scope="package")
def qloop(qapp):
    """One qasync loop for all GUI tests, already running: the only pattern that worked.

    Coroutines are started with asyncio.ensure_future and awaited with qtbot.waitUntil(task.done);
    the loop runs whenever qtbot spins Qt. A function-scoped loop would quit the QApplication
    (loop.stop() calls QApplication.exit(), and every later test times out); pytest-asyncio's
    own loop does not run while qtbot spins Qt, so waitUntil times out.
    The loop claims to be running, so once the GUI tests are done it must stop claiming it, or
    every later test's asyncio.run() refuses to start. It is not stopped: stop() quits Qt.
    """
    loop = qasync.QEventLoop(qapp, already_running=True)
    # run_in_executor(None) (getaddrinfo on every broker connect, asyncio.to_thread) runs on
    # QThreads; kept here so they are joined when the GUI tests end: a QThread still running
    # when Python exits aborts the process (exit 134) after every test has passed.
    executor = qasync.QThreadExecutor()
    loop.set_default_executor(executor)
    asyncio.set_event_loop(loop)
    yield loop
    executor.shutdown(wait=True)
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)


@pytest.fixture
def local_core(engine):
    """A console core without a broker: engine, queries and the writer thread the bridge needs."""
    writer = Writer()
    core = SimpleNamespace(
        engine=engine,
        store=engine.store,
        queries=Queries(engine.store),
        writer=writer,
        transport=None,
        fund_id=engine.fund_id,
        data_dir=engine.store.path.parent,
    )
    yield core
    core.queries.close()
    writer.run(engine.store.close)
    writer.shutdown()


@pytest.fixture
def language(qapp):
    """Install a language for one test; afterwards the source strings and locale come back."""
    locale = QLocale()

    def install(code: str) -> str:
        return i18n.install_translator(qapp, code)

    yield install
    i18n.remove_translators(qapp)
    QLocale.setDefault(locale)


@pytest.fixture
def desk(qtbot, qloop, local_core, tmp_path):
    """The main window over the local core, recording what it asked and warned."""
    d = Desk(qtbot, local_core, tmp_path)
    yield d
    d.bridge.shutdown()


@pytest.fixture
def console(qtbot, qloop, tmp_path):
    """A console on the real broker, connected, with its window and a volunteer client."""
    c = Console(qtbot, tmp_path)
    c.start()
    c.connected()
    yield c
    c.stop()
