"""One fund's console core for one data directory: store, engine, transport, deadline ticker."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.backup import list_backups, make_backup
from core.broker.status import BrokerStatus, StatusBoard
from core.clock import Clock, SystemClock
from core.config import db_path, effective_tls, redact, start_settings
from core.engine import Committed, Engine
from core.kinds import activity_english
from core.lock import DataDirLock
from core.queries import Queries
from core.storage import START_CHECK_BUDGET, Store, StoreDamaged, StoreUnavailable, integrity_check
from core.tls import TlsFiles
from core.writer import Writer

if TYPE_CHECKING:
    from core.broker import Transport
    from core.replication.member import FundReplication

log = logging.getLogger(__name__)

TICK_EVERY = 1.0  # offer deadlines are checked at least this often
PRUNE_FIRST = 30.0  # s after start: the start itself stays quick
PRUNE_EVERY = 3600.0
PRUNE_BATCH = 500  # rows per transaction: the write lock is never held long
PRUNE_PAUSE = 0.1  # s between batches, so consuming and the window go on meanwhile
BACKUP_EVERY = 6 * 3600.0  # s between online backups (and one at each clean stop)


class UnlinkedTransport:
    """The transport as the window sees it before links_later has made the real one: its URL
    and TLS files, the same first status (offline, not started), no queues yet; whoever
    subscribes to its status is handed over to the real transport."""

    def __init__(self, url: str, tls: TlsFiles | None, backlog: Callable[[], int]) -> None:
        self.url = url
        self.tls = tls or TlsFiles()
        self._board = StatusBoard(url, backlog)
        self._subscribers: list[Callable[[BrokerStatus], None]] = []
        self._real: Transport | None = None

    @property
    def status(self) -> BrokerStatus:
        return self._real.status if self._real is not None else self._board.status

    def subscribe_status(self, callback: Callable[[BrokerStatus], None]) -> None:
        if self._real is not None:
            self._real.subscribe_status(callback)
        else:
            self._subscribers.append(callback)

    async def queue_stats(self) -> list[Any]:
        return [] if self._real is None else list(await self._real.queue_stats())

    def hand_over(self, real: Transport) -> None:
        self._real = real
        for callback in self._subscribers:
            real.subscribe_status(callback)
        self._subscribers.clear()


class ConsoleCore:
    """Wires Store + Engine + Transport + the deadline ticker; start() returns at once."""

    def __init__(
        self,
        data_dir: Path,
        fund_id: str,
        broker_url: str,
        clock: Clock | None = None,
        *,
        prefetch: int = 500,
        flush_interval: float = 0.005,
        retention_days: int | None = None,
        check_budget: float | None = START_CHECK_BUDGET,
        tls: TlsFiles | None = None,
        replicate: bool = True,
        console_name: str | None = None,
        coordinator_name: str | None = None,
        replication_options: dict[str, Any] | None = None,
        check_aside: bool = False,
        links_later: bool = False,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.fund_id = fund_id
        self.clock = clock or SystemClock()
        if retention_days is None:
            retention_days = start_settings(self.data_dir).retention_days
        if tls is None:  # the command line passes its own (options over settings)
            tls = effective_tls(start_settings(self.data_dir))
        self.retention = timedelta(days=retention_days)
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.lock = DataDirLock(self.data_dir).acquire()  # raises DataDirBusy
        try:
            # check_aside (the window): the start check runs while the window is built, and
            # start() waits for its verdict before anything is decided.
            self.store = Store(
                db_path(self.data_dir), check_budget=check_budget, check_aside=check_aside
            )
            try:
                self.store.check_fund(fund_id, claim=True)  # raises FundMismatch
            except BaseException:
                self.store.close()
                raise
        except BaseException:
            self.lock.release()
            raise
        # Every commit happens on this one thread; the engine (and its cache) is used only
        # there, and the window reads through queries' own connection.
        self.writer = Writer()
        # the WAL is checkpointed between batches, not inside the commit of one, and on a
        # thread of its own (core/checkpoint.py): the writer goes on with the next batch
        self.writer.run(partial(self.store.checkpoint_between_batches, aside=True))
        self.writer.when_idle(self.store.checkpoint_idle)
        self.engine = Engine(self.store, fund_id, self.clock)
        self.queries = Queries(self.store)
        # Every console of the fund joins its decision log by itself (no role flag): the
        # lease holder decides, the others follow (core/replication/member.py).
        self.console_id = console_identity(self.store)
        # The coordinator's name (Settings) goes with every decision made here, and names this
        # console to the others ("following <name>").
        # (--coordinator-name for this run over the saved one; the window shows that one)
        self.coordinator_name_given = None if coordinator_name is None else coordinator_name.strip()
        coordinator = self.coordinator_name_given
        if coordinator is None:
            coordinator = start_settings(self.data_dir).coordinator_name.strip()
        if coordinator:
            self.engine.actor = f"coordinator {coordinator}"
        name = console_name or coordinator or socket.gethostname()
        self._link_with: dict[str, Any] = {
            "url": broker_url,
            "prefetch": prefetch,
            "flush_interval": flush_interval,
            "tls": tls,
            "replicate": replicate,
            "name": name,
            "named": bool(coordinator),
            "replication_options": replication_options or {},
        }
        self.transport: Any = None  # core.broker.Transport once linked
        self.replication: FundReplication | None = None
        self._several = False  # another console of the fund seen holding the lease
        self._linked = False
        self._link_lock = threading.Lock()
        self._link_listeners: list[Callable[[], None]] = []
        if links_later:
            # The window: its first paint comes before aio-pika and the decision log are
            # loaded (a third of its start); link() makes them on the writer thread, and a
            # coordinator action asked for before that makes them first (follows / forward).
            self.transport = UnlinkedTransport(broker_url, tls, self.store.backlog)
            if replicate:
                self.engine.follows = self._follows_linking
                self.engine.forward = self._forward_linking
        else:
            try:
                self._link()
            except BaseException:
                self._close_store()
                raise
        self._ticker: asyncio.Task[None] | None = None
        self._pruner: asyncio.Task[None] | None = None
        self._keeper: asyncio.Task[None] | None = None
        self._tick_now = asyncio.Event()
        self._started = False
        # Set when the store turns out damaged (at a commit, or by the background check):
        # consuming stops, the window and the service say so; see StoreDamaged.
        self.damage: StoreDamaged | None = None
        self.damaged = asyncio.Event()
        self._damage_listeners: list[Callable[[StoreDamaged], None]] = []
        self._stopping_transport: asyncio.Future[None] | None = None
        self._closed = False

    # -- the broker and the decision log ---------------------------------------------------
    def _link(self) -> None:
        """Make the transport and join the decision log (links_later: on the writer thread,
        where the engine runs, so no decision comes between)."""
        if self._linked:
            return
        from core.broker import Transport
        from core.replication.member import FundReplication

        w = self._link_with
        transport = Transport(
            self.engine,
            w["url"],
            prefetch=w["prefetch"],
            flush_interval=w["flush_interval"],
            writer=self.writer,
            tls=w["tls"],
        )
        if w["replicate"]:
            replication = FundReplication(
                w["url"],
                self.fund_id,
                self.store,
                self.writer,
                console_id=self.console_id,
                name=w["name"],
                tls=w["tls"],
                engine=self.engine,
                **w["replication_options"],
            )
            transport.set_gate(replication)
            self.replication = replication
            self.engine.follows = self._follows
            self.engine.forward = replication.forward
            self.engine.subscribe(lambda _change: self._wake_replication())
            if not w["named"]:
                self._name_own_decisions_when_several(w["name"])
        unlinked = self.transport
        self.transport = transport
        if isinstance(unlinked, UnlinkedTransport):
            unlinked.hand_over(transport)
        with self._link_lock:
            self._linked = True
            listeners, self._link_listeners = self._link_listeners, []
        for listener in listeners:
            try:
                listener()
            except Exception:
                log.exception("a link listener failed")

    def link(self) -> None:
        """Make the transport and the decision log now, if links_later left them (blocks)."""
        if not self._linked:
            self.writer.run(self._link)

    def when_linked(self, listener: Callable[[], None]) -> None:
        """listener() once the transport and the decision log exist: now, if they do, else on
        the thread that makes them (the writer's)."""
        with self._link_lock:
            if not self._linked:
                self._link_listeners.append(listener)
                return
        listener()

    def _follows_linking(self) -> str | None:
        self._link()  # on the writer thread: a coordinator action before the link
        return self._follows()

    def _forward_linking(self, action: str, payload: dict[str, Any]) -> None:
        self._link()
        assert self.replication is not None
        self.replication.forward(action, payload)

    def replication_status_before_link(self) -> dict[str, Any] | None:
        """What replication.status() says before the console starts, while links_later has
        not made it yet: who decides, as this data directory last saw it."""
        if self.replication is not None or not self._link_with["replicate"]:
            return None if self.replication is None else dict(self.replication.status())
        rows = dict(
            self.queries.conn.execute(
                "SELECT key, value FROM meta WHERE key IN ('log_holder', 'log_holder_name')"
            ).fetchall()
        )
        holder = str(rows.get("log_holder", ""))
        return {
            "role": "deciding" if holder in ("", self.console_id) else "following",
            "holder": holder,
            "holder_name": str(rows.get("log_holder_name", "")),
            "console": self.console_id,
            "name": self._link_with["name"],
            "log_connected": False,
            "lag_s": 0.0,
            "behind": False,
            "undone": 0,
            "pending_commands": 0,
            "last_applied_at": None,
        }

    def _name_own_decisions_when_several(self, name: str) -> None:
        """A console with no coordinator's name records its decisions as plain "coordinator"
        while it is the fund's only one; once another console has held the lease, plain
        "coordinator" could be either, so its decisions carry the name its commands already
        carry (the host name) from then on, and across restarts (meta several_consoles)."""
        replication = self.replication
        assert replication is not None
        label = f"coordinator {name}"

        def seen(conn: Any) -> bool:
            row = conn.execute("SELECT value FROM meta WHERE key = 'several_consoles'").fetchone()
            return row is not None

        if seen(self.store.conn) or replication.holder_id not in ("", "?", self.console_id):
            self.engine.actor = label  # the writer has not started anything yet
            if not seen(self.store.conn):
                self.writer.run(self._remember_several)
            return

        def on_changed() -> None:  # on the loop
            if replication.holder_id in ("", "?", self.console_id) or self._several:
                return
            self._several = True
            self.writer.submit(self._remember_several, label)

        replication.subscribe(on_changed)

    def _remember_several(self, label: str | None = None) -> None:
        """On the writer thread: between two decisions, never inside one."""
        if label is not None:
            self.engine.actor = label
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('several_consoles', '1')"
                " ON CONFLICT (key) DO NOTHING"
            )

    async def start(self) -> None:
        """Start deciding; raises StoreDamaged when the start check run aside found damage."""
        if self._started:
            return
        if self.store.checking:
            await asyncio.to_thread(self.store.checked)
        if not self._linked:
            await self.writer.call(self._link)
        self._started = True
        log.info(
            "console core for fund %s in %s, broker %s",
            self.fund_id,
            self.data_dir,
            redact(self.transport.url),
        )
        loop = asyncio.get_running_loop()

        def wake_ticker(_change: object) -> None:  # called on the writer thread
            with contextlib.suppress(RuntimeError):  # the loop is closing
                loop.call_soon_threadsafe(self._tick_now.set)

        def on_damaged(exc: StoreDamaged) -> None:  # on whichever thread hit the damage
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._on_damaged, exc)

        self.engine.subscribe(wake_ticker)
        self.store.on_damaged.append(on_damaged)
        self._ticker = asyncio.create_task(self._tick_loop(), name="deadline-ticker")
        self._pruner = asyncio.create_task(self._prune_loop(), name="log-pruner")
        self._keeper = asyncio.create_task(self._keep_loop(), name="integrity-and-backups")
        if self.replication is not None:
            await self.replication.start()
        await self.transport.start()

    def subscribe_damage(self, listener: Callable[[StoreDamaged], None]) -> None:
        """listener(StoreDamaged) on the loop's thread, once, when the store is found damaged."""
        self._damage_listeners.append(listener)

    def _on_damaged(self, exc: StoreDamaged) -> None:
        if self.damage is not None:
            return
        self.damage = exc
        log.error("%s", exc)
        self.damaged.set()
        for listener in self._damage_listeners:
            try:
                listener(exc)
            except Exception:
                log.exception("a damage listener failed")
        # Nothing more is consumed; what is in flight is handed back to the broker unharmed.
        self._stopping_transport = asyncio.ensure_future(self.transport.stop())

    async def backup(self) -> Path:
        """An online backup into the data directory's backups/ (off the event loop)."""
        return await asyncio.to_thread(
            make_backup, self.store.path, self.data_dir, self.clock.now()
        )

    async def _keep_loop(self) -> None:
        """The full integrity check once (the start check may not have read everything),
        then a backup every BACKUP_EVERY seconds while the store is sound."""
        problem = await asyncio.to_thread(integrity_check, self.store.path)
        if problem is not None:
            self.store.mark_damaged(problem)
            return
        backups = list_backups(self.data_dir)
        age = (self.clock.now() - backups[0].taken_at).total_seconds() if backups else None
        wait = 0.0 if age is None else max(0.0, BACKUP_EVERY - age)
        while True:
            await asyncio.sleep(wait)
            if self.store.damaged is not None:
                return
            try:
                log.info("backed up to %s", await self.backup())
            except Exception:
                log.exception("the backup failed; trying again in %g s", BACKUP_EVERY)
            wait = BACKUP_EVERY

    def close(self) -> None:
        """Close a core that was never started (a started one stops with stop())."""
        if self._started:
            raise RuntimeError("a started console core stops with stop()")
        self._close_store()

    async def stop(self) -> None:
        """Drain the transport (acks, outbox), stop the ticker, close the store."""
        if not self._started:
            self._close_store()
            return
        self._started = False
        await self.transport.stop()  # acks wait for the log: the replication stops after
        if self.replication is not None:
            await self.replication.stop()
        for task in (self._ticker, self._pruner, self._keeper):
            if task is not None:
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
        self._ticker = self._pruner = self._keeper = None
        if self.store.damaged is None:
            try:
                log.info("backed up to %s", await self.backup())
            except Exception:
                log.exception("the backup at stop failed")
        self._close_store()

    def _close_store(self) -> None:
        """Close each thread's connection (the writer's last: it checkpoints), then the thread."""
        if self._closed:
            return  # stop() again (a test's cleanup after its own stop): nothing left to close
        self._closed = True
        self.queries.close()
        self.store.close()
        self.writer.run(self.store.close)
        self.writer.shutdown()
        self.lock.release()

    def decides(self) -> bool:
        """Whether this console decides now (always, without a decision log)."""
        return self.replication is None or self.replication.decides()

    def _follows(self) -> str | None:
        replication = self.replication
        if replication is None or replication.decides():
            return None
        return replication.holder_name or "?"

    def _wake_replication(self) -> None:
        if self.replication is not None:
            self.replication.wake()

    def _tick_once(self) -> float:
        """Apply due deadlines; how long until the next one (on the writer thread)."""
        if not self.decides():
            return TICK_EVERY  # the arbiter's deadlines come through the log
        self.engine.tick()
        # Offers, held spots and reminders: the ticker wakes for the earliest of them, and a
        # console that was off catches up on its first tick (each reminder once, by its key).
        due = [d for d in (self.engine.next_deadline(), self.engine.next_reminder()) if d]
        deadline = min(due) if due else None
        if deadline is None:
            return TICK_EVERY
        return min(TICK_EVERY, max(0.0, (deadline - self.clock.now()).total_seconds()))

    async def _tick_loop(self) -> None:
        while True:
            wait = TICK_EVERY
            try:
                wait = await self.writer.call(self._tick_once)
            except StoreUnavailable as exc:
                log.debug("offer deadlines wait: %s", exc)  # the transport says it once
            except Exception:
                log.exception("the deadline ticker failed; trying again in %g s", TICK_EVERY)
            self._tick_now.clear()
            # A commit may open an earlier deadline: wake up and look again.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._tick_now.wait(), max(wait, 0.05))

    def prune_once(self) -> int:
        """One small batch of log rows past the retention; how many went (writer thread)."""
        if not self.decides():
            return 0  # the arbiter prunes, and its deletes come through the log
        return self.store.prune(self.clock.now(), self.retention, limit=PRUNE_BATCH)

    async def _prune_loop(self) -> None:
        await asyncio.sleep(PRUNE_FIRST)
        while True:
            try:
                gone = total = await self.writer.call(self.prune_once)
                while gone >= PRUNE_BATCH:
                    await asyncio.sleep(PRUNE_PAUSE)
                    gone = await self.writer.call(self.prune_once)
                    total += gone
                if total:
                    log.info("pruned %d log rows older than %s", total, self.retention)
            except Exception:
                log.exception("pruning the logs failed; trying again in %g s", PRUNE_EVERY)
            await asyncio.sleep(PRUNE_EVERY)


def console_identity(store: Store) -> str:
    """This data directory's own console id (made once, kept in its local meta table)."""
    row = store.conn.execute("SELECT value FROM meta WHERE key = 'console_id'").fetchone()
    if row is not None:
        return str(row[0])
    with store.transaction() as c:
        c.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('console_id', ?)",
            (uuid.uuid4().hex[:12],),
        )
    return str(store.conn.execute("SELECT value FROM meta WHERE key = 'console_id'").fetchone()[0])


def log_decisions(change: Committed) -> None:
    """One INFO line per decision, so a server's log tells what happened and why."""
    for a in change.activity:
        who = f" volunteer {a.volunteer_id}" if a.volunteer_id else ""
        cause = f" (message {a.cause})" if a.cause else ""
        text = activity_english(a.kind, a.params)
        log.info("application %s: %s%s by %s: %s%s", a.application_id, a.kind, who, a.actor,
                 text, cause)  # fmt: skip


async def run_headless(core: ConsoleCore, stop_event: asyncio.Event) -> None:
    """Serve the fund with no window until stop_event is set (SIGINT/SIGTERM in main.py)."""

    # The transport logs each state change itself (one WARNING per failed attempt); the
    # service adds what a operator asks next: how much is waiting to go out.
    last: list[str] = []

    def on_status(status: BrokerStatus) -> None:
        if status.state == "connected" and last != ["connected"]:
            log.info("serving fund %s; outbox backlog %d", core.fund_id, status.backlog)
        last[:] = [status.state]

    core.transport.subscribe_status(on_status)
    core.engine.subscribe(log_decisions)
    await core.start()
    started = datetime.now()
    try:
        # A damaged store ends the service too: it must not go on deciding, and the
        # operator's supervisor sees the exit code (see core.cli).
        ends = [
            asyncio.ensure_future(stop_event.wait()),
            asyncio.ensure_future(core.damaged.wait()),
        ]
        try:
            await asyncio.wait(ends, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for f in ends:
                f.cancel()
    finally:
        log.info("stopping after %s", datetime.now() - started)
        await core.stop()
    if core.damage is not None:
        raise core.damage
