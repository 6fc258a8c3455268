"""The one object that turns core events into Qt signals; widgets never touch broker or database."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import sys
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from core.config import get_password, load_settings, set_password, update_settings
from core.engine import ActionRefused, ApplicationForm, Committed, Engine
from core.queries import AppSummary, Queries
from core.replication.actions import CommandQueued
from core.rules import Policy
from core.undo import Undo
from core.writer import Writer
from gui.display import refusal_text

if TYPE_CHECKING:  # the settings model loads pydantic: the first paint does without it
    from core.settings import Settings

log = logging.getLogger(__name__)

FLUSH_MS = 33  # one flush per frame: a burst of responses becomes a few dozen emissions
RATE_WINDOW_S = 60.0
SWITCH_INTERVAL_S = 0.001  # the GIL hand-over the GUI thread waits for at most (see Bridge)
WATCH_MS = 250  # other processes' commits are looked for every other tick (data_version)


T = TypeVar("T")


class Core(Protocol):
    """What the bridge needs of a console core (core.service.ConsoleCore, or a test's)."""

    engine: Engine
    queries: Queries
    writer: Writer
    transport: Any  # core.broker.Transport, or None without a broker
    fund_id: str
    data_dir: Path


@dataclass(frozen=True, slots=True)
class OpResult(Generic[T]):
    """What a coordinator operation came to: its value, or the reason it was refused."""

    value: T | None = None
    refusal: str | None = None
    undo: Undo | None = None  # how to take the action back (core/undo.py), if it can be
    # Sent to the console that decides as this command (this one follows it): the outcome
    # comes later, as Bridge.command_settled.
    pending: str | None = None

    @property
    def ok(self) -> bool:
        return self.refusal is None


@dataclass(frozen=True, slots=True)
class LastAction:
    """The coordinator's last action that can be undone, and how."""

    action: str  # core/undo.py UNDOABLE, or "directory"
    name: str  # the application's name, for the menu item ("" for the directory)
    run: Callable[[], None]  # on the writer thread; raises ActionRefused when it cannot
    app_id: str | None = None  # the application to show once it is undone


class Op(Generic[T]):
    """A coordinator operation in flight, like Anki's CollectionOp.

    Its commit runs on the core's writer thread, never on the GUI thread. Await it from a
    coroutine, or give it callbacks with then(): they run on the GUI thread once the commit
    is done and the bridge has flushed it, so a handler sees its own change on screen.
    """

    def __init__(self, what: str, future: concurrent.futures.Future[OpResult[T]]) -> None:
        self.what = what
        self._future = future
        self._callbacks: list[Callable[[OpResult[T]], None]] = []
        self._settled = False

    def __await__(self) -> Generator[Any, None, OpResult[T]]:
        return asyncio.wrap_future(self._future).__await__()

    def done(self) -> bool:
        """The result is in and every callback has run on the GUI thread."""
        return self._settled

    def result(self) -> OpResult[T]:
        if not self._future.done():
            raise RuntimeError(f"{self.what} is still running")
        return self._future.result()

    def wait(self, timeout: float = 30.0) -> OpResult[T]:
        """Block for the commit (scripts and tests; the window uses then() or await)."""
        return self._future.result(timeout)

    def then(self, callback: Callable[[OpResult[T]], None]) -> Op[T]:
        if self._settled:
            callback(self.result())
        else:
            self._callbacks.append(callback)
        return self

    def _settle(self) -> None:
        if self._settled:
            return
        self._settled = True
        result = self.result()
        for callback in self._callbacks:
            try:
                callback(result)
            except Exception:
                log.exception("a callback of %s failed", self.what)
        self._callbacks.clear()


class Bridge(QObject):
    """Collects Committed changes from the engine and emits them to the window once per frame."""

    applications_changed = Signal(list)  # application ids changed since the last flush
    # list[core.engine.ParticipantChange] since the last flush, in commit order; emitted just
    # before applications_changed, so views move single rows before re-reading counts
    participation_changed = Signal(list)
    # application ids another process changed: who is in them is unknown, read them again
    participation_reloaded = Signal(list)
    activity_added = Signal(list)  # list[core.records.Activity]
    messages_logged = Signal(list)  # list[core.records.LoggedMessage]
    rejected_added = Signal(int)
    broker_status_changed = Signal(object)  # core.broker.BrokerStatus
    backlog_changed = Signal(int)  # outbound messages committed but not yet sent
    rate_changed = Signal(float)  # responses applied per minute (sliding 60 s window)
    error_raised = Signal(str)  # refused actions and exceptions from async work
    spot_freed = Signal(str)  # application name: a round opened
    # a command this console sent was decided: (command id, refusal text or "" if applied)
    command_settled = Signal(str, str)
    replication_changed = Signal(object)  # dict: core.replication.member status()
    application_filled = Signal(str)  # application name: signed reached capacity
    undo_changed = Signal()  # the last action that can be undone is another one (or none)
    _wake = Signal()  # internal: starts the flush timer from whatever thread committed
    _op_finished = Signal(object)  # internal: an Op's commit is done (emitted by the writer)
    _linked = Signal()  # internal: the core made its transport and decision log

    def __init__(self, core: Core, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # The writer thread applies the rules in Python while the window reads SQLite: each
        # read releases the GIL and then waits up to one switch interval (5 ms by default) to
        # take it back, several times per flush. 1 ms bounds that wait on the GUI thread.
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_S))
        self.core = core
        self.engine = core.engine
        self.queries: Queries = core.queries
        self.writer: Writer = core.writer
        self._lock = threading.Lock()
        self._ids: set[str] = set()
        self._participants: list[Any] = []
        self._reload: set[str] = set()
        self._activity: list[Any] = []
        self._messages: list[Any] = []
        self._rejected = 0
        self._status: Any = None  # the broker's latest status, not shown yet
        self._status_shown: tuple[Any, ...] = ()  # the state, detail and node last shown
        self._pending = False
        self._responses: deque[tuple[float, int]] = deque()
        self._full: dict[str, bool] = {}
        self._commits = 0  # commits seen, so a read at the start knows if it is still current
        self._first_summaries: list[AppSummary] | None = None
        self._backlog = -1
        self._tasks: set[asyncio.Future[Any]] = set()
        self._closed = False
        self.last_undo: LastAction | None = None  # the coordinator's last undoable action
        self.last_flush_at = time.monotonic()  # when the window last had something to show
        self._summaries: dict[str, Any] | None = None  # what summary() read in this flush
        self.flushes = 0  # flushes so far: what a handler read in this one is not read again

        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(FLUSH_MS)
        self._flush_timer.timeout.connect(self.flush)
        self._wake.connect(self._start_flush_timer)
        self._op_finished.connect(self._on_op_finished)

        self._rate_timer = QTimer(self)
        self._rate_timer.setInterval(1000)
        self._rate_timer.timeout.connect(self._tick)
        self._rate_timer.start()

        # Another process (the CLI, a second console) commits to the same database without
        # telling this engine. The writer's connection's PRAGMA data_version moves only for
        # commits of other connections (the read-only one never commits), so it is asked on
        # the writer thread, and then the rows changed since are re-read.
        self._data_version = self.writer.run(core.engine.data_version)
        self._version_asked: concurrent.futures.Future[int] | None = None
        _ids, self._seen_updated, self._present = self.queries.updated_since("")
        self._made: set[str] = set()  # ids this console's commits touched since the watch read
        self._watch_timer = QTimer(self)
        self._watch_timer.setInterval(WATCH_MS)
        self._watch_timer.timeout.connect(self._on_watch_timer_timeout)
        self._watch_timer.start()
        self.engine.subscribe(self._on_committed)
        # Read once the watch above and the subscription began: whatever is committed later
        # comes as a change. The window's list takes the same read (summaries()): at a million
        # rows the start read every summary twice.
        commits = self._commits
        first = self.queries.summaries()
        for s in first:
            self._full[s.id] = s.capacity > 0 and s.signed >= s.capacity
        with self._lock:
            self._first_summaries = first if self._commits == commits else None
        if core.transport is not None:  # None: a core without a broker (tests)
            core.transport.subscribe_status(self._on_status)
        # The window's core makes its decision log after the first paint (links_later): the
        # bridge follows it from then on, and tells the window who decides.
        self._linked.connect(self._on_core_linked)
        when_linked = getattr(core, "when_linked", None)
        if when_linked is None:
            self._on_core_linked()
        else:
            when_linked(self._linked.emit)  # queued from the writer thread, direct from here

    # -- read access ------------------------------------------------------------------------
    @property
    def fund_id(self) -> str:
        return str(self.core.fund_id)

    @property
    def data_dir(self) -> Path:
        return Path(self.core.data_dir)

    @property
    def settings(self) -> Settings:
        return load_settings(self.data_dir)

    # -- settings and the keyring: widgets go through here, never to the file or keyring ------
    def save_settings(self, changes: dict[str, object]) -> Settings:
        """Write only the changed fields to settings.json (raises OSError, ValueError)."""
        return update_settings(self.data_dir, changes)

    def get_password(self, user: str) -> str | None:
        return get_password(user)

    def set_password(self, user: str, password: str) -> None:
        set_password(user, password)

    @property
    def clock(self) -> Any:
        return self.engine.clock

    @property
    def broker_url(self) -> str | None:
        """The URL this run connects with (--broker, the environment or settings); None offline."""
        transport = self.core.transport
        return None if transport is None else str(transport.url)

    @property
    def coordinator_name_given(self) -> str | None:
        """The --coordinator-name this run was started with; None: the saved one is used."""
        given = getattr(self.core, "coordinator_name_given", None)
        return None if given is None else str(given)

    @property
    def broker_tls(self) -> Any:
        """The TLS files this run uses (command-line options over settings); None offline."""
        transport = self.core.transport
        return None if transport is None else transport.tls

    def status(self) -> Any:
        transport = self.core.transport
        return transport.status if transport is not None else None

    async def queue_stats(self) -> list[Any]:
        transport = self.core.transport
        if transport is None:
            return []
        return list(await transport.queue_stats())

    def backlog(self) -> int:
        return self.queries.backlog()

    def summaries(self) -> list[AppSummary]:
        """Every application's summary. The first call takes the read the bridge made when it
        was made, unless something was committed since (then it reads them again)."""
        with self._lock:
            first, self._first_summaries = self._first_summaries, None
        return first if first is not None else self.queries.summaries()

    def replication_status(self) -> dict[str, Any] | None:
        """Role, holder, epoch, log offset, lag, pending commands; None with no decision log."""
        replication = getattr(self.core, "replication", None)
        if replication is None:
            early = getattr(self.core, "replication_status_before_link", None)
            return None if early is None else early()
        return dict(replication.status())

    @Slot()
    def _on_core_linked(self) -> None:
        replication = getattr(self.core, "replication", None)
        if replication is None or self._closed:
            return
        replication.on_outcome(self._on_outcome)
        replication.subscribe(self._on_replication)
        self._on_replication()

    def _on_outcome(self, outcome: Any) -> None:  # on the loop (the GUI thread under qasync)
        why = ""
        if outcome.status != "applied":
            why = refusal_text(outcome.kind, outcome.params or {}, outcome.reason)
        self.command_settled.emit(outcome.command_id, why)

    def _on_replication(self) -> None:
        status = self.replication_status()
        if status is not None:
            last = self.last_undo
            if (
                status.get("role") == "following"
                and last is not None
                and last.action != "directory"
            ):
                # Another console decides now, on what this one decided too: the action is
                # not this console's to take back (CONTRACT.md, "Undo"). The directory is local.
                self.forget_undo()
            self.replication_changed.emit(status)

    # -- engine and transport callbacks ------------------------------------------------------
    def _on_committed(self, change: Committed) -> None:
        """Called by the engine after each commit; only buffers, never touches widgets."""
        with self._lock:
            self._commits += 1
            self._first_summaries = None
            self._ids.update(change.application_ids)
            self._made.update(change.application_ids)  # the watch may yet see one go
            self._participants.extend(change.participants)
            self._activity.extend(change.activity)
            self._messages.extend(change.messages)
            self._rejected += change.rejected
            if change.responses:
                self._responses.append((time.monotonic(), change.responses))
            wake = not self._pending
            self._pending = True
        if wake:
            self._wake.emit()  # queued across threads, direct on the GUI thread

    def _on_status(self, status: Any) -> None:
        # A new state shows at once; a new backlog alone shows with the frame's other changes:
        # it moves at every commit that sends something, and the status bar was laid out and
        # repainted once per commit.
        shown = tuple(getattr(status, k, None) for k in ("state", "detail", "node"))
        with self._lock:
            same = shown == self._status_shown
            self._status_shown = shown
            self._status = status if same else None
            wake = same and not self._pending
            self._pending = self._pending or same
        if not same:
            self.broker_status_changed.emit(status)
        elif wake:
            self._wake.emit()

    @Slot()
    def _start_flush_timer(self) -> None:
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def summary(self, app_id: str) -> Any:
        """An application's core.queries.AppSummary (None if gone). Within a flush it is read
        once for every handler: the list, the detail and the fill notice each read it, and
        each read on the GUI thread waits for the GIL the writer thread holds meanwhile."""
        memo = self._summaries
        if memo is None:
            return self.queries.summary(app_id)
        if app_id not in memo:
            memo[app_id] = self.queries.summary(app_id)
        return memo[app_id]

    @Slot()
    def flush(self) -> None:
        """Emit everything collected since the last flush (tests may call it directly)."""
        self.flushes += 1
        self._summaries = {}
        try:
            self._flush()
        finally:
            self._summaries = None

    def _flush(self) -> None:
        with self._lock:
            ids, self._ids = self._ids, set()
            participants, self._participants = self._participants, []
            reload, self._reload = self._reload, set()
            activity, self._activity = self._activity, []
            messages, self._messages = self._messages, []
            rejected, self._rejected = self._rejected, 0
            status, self._status = self._status, None
            self._pending = False
            self._first_summaries = None  # the loop has run: a window takes its own read
        if self._closed:
            return
        if ids or activity or messages or rejected:
            self.last_flush_at = time.monotonic()
        if participants:
            self.participation_changed.emit(participants)
        if reload:
            self.participation_reloaded.emit(sorted(reload))
        if ids:
            self.applications_changed.emit(sorted(ids))
            self._notice_fill(ids)
        if activity:
            self.activity_added.emit(activity)
            names: dict[str, str] = {}
            for a in activity:
                if a.kind == "round_opened" and a.application_id not in names:
                    s = self.summary(a.application_id)
                    names[a.application_id] = s.name if s else a.application_id
            for name in names.values():
                self.spot_freed.emit(name)
        if messages:
            self.messages_logged.emit(messages)
        if rejected:
            self.rejected_added.emit(rejected)
        if status is not None:
            self.broker_status_changed.emit(status)

    def _notice_fill(self, ids: set[str]) -> None:
        for app_id in sorted(ids):
            s = self.summary(app_id)
            if s is None:
                continue
            full = s.status == "open" and s.signed >= s.capacity
            was = self._full.get(app_id)
            self._full[app_id] = full
            if full and was is False:
                self.application_filled.emit(s.name)

    @Slot()
    def _on_watch_timer_timeout(self) -> None:
        if self._closed:
            return
        asked = self._version_asked
        if asked is None:
            try:
                self._version_asked = self.writer.submit(self.engine.data_version)
            except RuntimeError:  # the core stopped its writer before shutdown() reached us
                self._watch_timer.stop()
            return
        if not asked.done():
            return  # the writer is busy with a batch; look again next time
        self._version_asked = None
        try:
            version = asked.result()
            if version == self._data_version:
                return
            self._data_version = version
            with self._lock:
                made, self._made = self._made, set()
            ids, self._seen_updated, present = self.queries.updated_since(self._seen_updated)
        except Exception:  # the database may be closing under us at shutdown
            return
        # our own commits of the same moments come too: re-reading an unchanged row emits nothing
        with self._lock:
            # rows gone since the last look, this console's own too (a create that another
            # console's decisions undid): their ids, re-read as missing, leave the list; ids
            # committed here during the read are kept for the next look
            ids.extend((self._present | made) - present)
            self._present = present | self._made
            if not ids:
                return
            self._ids.update(ids)
            self._reload.update(ids)
            wake = not self._pending
            self._pending = True
        if wake:
            self._start_flush_timer()

    @Slot()
    def _tick(self) -> None:
        if self._closed:
            return
        self.rate_changed.emit(self.rate())
        try:
            backlog = self.backlog()
        except Exception:  # the database may be closing under us at shutdown
            return
        if backlog != self._backlog:
            self._backlog = backlog
            self.backlog_changed.emit(backlog)

    def rate(self) -> float:
        """Responses applied in the last 60 seconds, i.e. per minute."""
        cutoff = time.monotonic() - RATE_WINDOW_S
        with self._lock:
            while self._responses and self._responses[0][0] < cutoff:
                self._responses.popleft()
            return float(sum(n for _, n in self._responses))

    # -- async work from widgets ---------------------------------------------------------------
    def run(self, coro: Awaitable[Any], what: str = "") -> asyncio.Future[Any]:
        """Run a coroutine on the qasync loop; its exception becomes error_raised, never lost."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)

        def done(t: asyncio.Future[Any]) -> None:
            self._tasks.discard(t)
            if t.cancelled():
                return
            exc = t.exception()
            if exc is not None:
                log.error("%s failed", what or "background task", exc_info=exc)
                self.error_raised.emit(f"{what or 'background task'}: {exc}")

        task.add_done_callback(done)
        return task

    def shutdown(self) -> None:
        """Stop timers and emissions (the core is stopping)."""
        self._closed = True
        self._flush_timer.stop()
        self._rate_timer.stop()
        self._watch_timer.stop()

    # -- coordinator operations ------------------------------------------------------------------
    def submit(
        self, what: str, fn: Callable[[], T], *, undo: tuple[str, str | None] | None = None
    ) -> Op[T]:
        """Run fn on the writer thread as an Op; a refusal or an error becomes its result.

        With undo=(action, application id or None for a creation), the result says how to
        take it back, and once it is committed it is the action Ctrl+Z undoes."""

        def run() -> OpResult[T]:
            try:
                if undo is not None:
                    value, token = self.engine.with_undo(undo[1], undo[0], fn)
                    return OpResult(value, undo=token)
                return OpResult(fn())
            except CommandQueued as exc:
                return OpResult(pending=exc.command_id)
            except ActionRefused as exc:
                refusal = exc.refusal  # said in the coordinator's language
                return OpResult(refusal=refusal_text(refusal.kind, refusal.params, str(refusal)))
            except Exception as exc:
                log.exception("%s failed", what)
                return OpResult(refusal=f"{type(exc).__name__}: {exc}")

        op: Op[T] = Op(what, self.writer.submit(run))
        # runs on the writer thread (queued to the GUI thread), or at once if already done
        op._future.add_done_callback(lambda _f: self._op_finished.emit(op))
        return op

    @Slot(object)
    def _on_op_finished(self, op: Op[Any]) -> None:
        result = op.result()
        if result.ok:
            self.flush()  # the coordinator's own action shows at once, not next frame
            if result.undo is None:
                self.forget_undo()  # a later action came: Ctrl+Z must not skip back over it
            else:
                token = result.undo
                s = self.queries.summary(token.application_id)
                self.remember_undo(
                    token.action,
                    s.name if s else "",
                    lambda: self.engine.undo(token),
                    token.application_id,
                )
        op._settle()

    # -- undo of the last action (CONTRACT.md, "Undo") --------------------------------------------
    def remember_undo(
        self, action: str, name: str, run: Callable[[], None], app_id: str | None = None
    ) -> None:
        """The action Ctrl+Z takes back now; run goes on the writer thread and raises
        ActionRefused when it no longer can."""
        self.last_undo = LastAction(action, name, run, app_id)
        self.undo_changed.emit()

    def forget_undo(self) -> None:
        if self.last_undo is not None:
            self.last_undo = None
            self.undo_changed.emit()

    def undo(self) -> Op[str | None] | None:
        """Take the last action back (once: refused or done, it is no longer offered)."""
        last = self.last_undo
        if last is None:
            return None
        self.forget_undo()

        def run() -> str | None:
            last.run()
            return last.app_id

        return self.submit("undo", run)

    def create_application(self, form: ApplicationForm, publish: bool = True) -> Op[str]:
        engine = self.engine
        return self.submit(
            "create application",
            lambda: engine.create_application(form, publish=publish),
            undo=("create", None),
        )

    def edit_application(self, app_id: str, form: ApplicationForm) -> Op[None]:
        return self.submit(
            "edit", lambda: self.engine.edit_application(app_id, form), undo=("edit", app_id)
        )

    def set_capacity(self, app_id: str, capacity: int) -> Op[None]:
        return self.submit(
            "capacity",
            lambda: self.engine.set_capacity(app_id, capacity),
            undo=("capacity", app_id),
        )

    def remove_volunteer(self, app_id: str, volunteer_id: str) -> Op[None]:
        return self.submit(
            "remove",
            lambda: self.engine.remove_volunteer(app_id, volunteer_id),
            undo=("remove", app_id),
        )

    def promote(self, app_id: str, volunteer_id: str) -> Op[None]:
        return self.submit(
            "promote", lambda: self.engine.promote(app_id, volunteer_id), undo=("promote", app_id)
        )

    def publish(self, app_id: str) -> Op[None]:
        return self.submit("publish", lambda: self.engine.publish(app_id), undo=("publish", app_id))

    def close(self, app_id: str) -> Op[None]:
        return self.submit("close", lambda: self.engine.close(app_id), undo=("close", app_id))

    def reopen(self, app_id: str) -> Op[None]:
        return self.submit("reopen", lambda: self.engine.reopen(app_id), undo=("reopen", app_id))

    def cancel(self, app_id: str) -> Op[None]:
        return self.submit("cancel", lambda: self.engine.cancel(app_id), undo=("cancel", app_id))

    def sign_up_by_hand(
        self, app_id: str, volunteer_id: str, *, over_capacity: bool = False
    ) -> Op[None]:
        """A walk-in or a phone call; over capacity only when the coordinator says so."""
        return self.submit(
            "sign up",
            lambda: self.engine.sign_up_by_hand(app_id, volunteer_id, over_capacity=over_capacity),
            undo=("signup", app_id),
        )

    def duplicate_application(self, app_id: str, day: date | None = None) -> Op[str]:
        """A new draft with the same fields (on day, if given); resolves to its id."""
        return self.submit(
            "duplicate",
            lambda: self.engine.duplicate_application(app_id, day=day),
            undo=("duplicate", None),
        )

    def delete_draft(self, app_id: str) -> Op[None]:
        return self.submit("delete", lambda: self.engine.delete_draft(app_id))

    def offer_to(self, app_id: str, volunteer_id: str) -> Op[None]:
        """Offer one spot (held or free) to a chosen waitlisted volunteer."""
        return self.submit(
            "offer", lambda: self.engine.offer_to(app_id, volunteer_id), undo=("offer", app_id)
        )

    def move_on_waitlist(
        self, app_id: str, volunteer_id: str, position: int, reason: str
    ) -> Op[None]:
        """Move a waitlisted volunteer to a 1-based position; the reason is logged."""
        return self.submit(
            "move",
            lambda: self.engine.move_on_waitlist(app_id, volunteer_id, position, reason),
            undo=("move", app_id),
        )

    def reoffer(self, app_id: str) -> Op[None]:
        """Offer the spots held unclaimed for the waitlist again (a new offer round)."""
        return self.submit("reoffer", lambda: self.engine.reoffer(app_id), undo=("reoffer", app_id))

    def release(self, app_id: str) -> Op[None]:
        """Give the spots held unclaimed for the waitlist to newcomers."""
        return self.submit("release", lambda: self.engine.release(app_id), undo=("release", app_id))

    def remind_now(self, app_id: str) -> Op[None]:
        """Send a reminder now to every signed-up volunteer who has not confirmed."""
        return self.submit("remind", lambda: self.engine.remind_now(app_id))

    def set_release_after(self, app_id: str, minutes: int) -> Op[None]:
        return self.submit(
            "release after",
            lambda: self.engine.set_release_after(app_id, minutes),
            undo=("release_after", app_id),
        )

    def set_policy(self, app_id: str, policy: Policy, offer_timeout_min: int) -> Op[None]:
        return self.submit(
            "policy",
            lambda: self.engine.set_policy(app_id, policy, offer_timeout_min),
            undo=("policy", app_id),
        )

    # -- on the day: attendance (never sent to volunteers) -------------------------------------
    def record_attendance(
        self,
        app_id: str,
        volunteer_id: str,
        status: str,
        *,
        arrived_at: str | None = None,
        minutes: int | None = None,
    ) -> Op[None]:
        """Mark a signed-up volunteer arrived, late or no_show; arrived_at HH:MM (default now)."""
        return self.submit(
            "check in",
            lambda: self.engine.record_attendance(
                app_id, volunteer_id, status, arrived_at=arrived_at, minutes=minutes
            ),
        )

    def set_served(self, app_id: str, volunteer_id: str, minutes: int) -> Op[None]:
        return self.submit(
            "hours served", lambda: self.engine.set_served(app_id, volunteer_id, minutes)
        )

    def clear_attendance(self, app_id: str, volunteer_id: str) -> Op[None]:
        return self.submit(
            "clear check-in", lambda: self.engine.clear_attendance(app_id, volunteer_id)
        )

    def check_in_walk_in(
        self,
        app_id: str,
        volunteer_id: str,
        *,
        over_capacity: bool = False,
        arrived_at: str | None = None,
    ) -> Op[None]:
        """A walk-in signed up by hand and marked arrived in one commit; over capacity only
        when the coordinator says so; arrived_at HH:MM (default now)."""
        return self.submit(
            "walk-in",
            lambda: self.engine.check_in_walk_in(
                app_id, volunteer_id, over_capacity=over_capacity, arrived_at=arrived_at
            ),
        )

    async def report(self, month: str | None = None) -> Any:
        """The fund's numbers (core.report.Report), read on a worker thread with a read-only
        connection of its own: the whole report is the heaviest read of the window."""
        path = self.queries.path

        def read() -> Any:
            queries = Queries(path)
            try:
                return queries.report(month)
            finally:
                queries.close()

        return await asyncio.to_thread(read)
