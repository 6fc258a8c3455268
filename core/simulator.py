"""A volunteer-side simulator over the real broker: responses in, notifications out, no Qt."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import aio_pika
import aiormq
from aio_pika.abc import AbstractIncomingMessage
from aiormq.abc import DeliveredMessage

from core import messages as m
from core import tls
from core.broker.urls import connect
from core.clock import format_ts, utcnow
from core.ids import canonical_id, wire_id
from core.redaction import redact, scrub

log = logging.getLogger(__name__)

SIMULATOR_APP_ID = "volunteer-simulator"
PUBLISH_TIMEOUT_S = 10.0
RETURN_BACKOFF_FIRST = 0.1
RETURN_BACKOFF_MAX = 2.0

Via = Literal["response", "waiting_flat", "waiting_envelope"]
EventSink = Callable[[str], None]


@dataclass(slots=True)
class SimulationReport:
    """What the simulated volunteers sent and were told, and what they believe at the end."""

    application_id: str | None
    volunteers: int
    responses_sent: int = 0
    signed_up: int = 0  # «записан» notifications received
    waitlisted: int = 0
    rounds: int = 0  # notify_free_spot broadcasts seen
    offers: int = 0  # «место доступно» received
    claims_sent: int = 0
    claims_won: int = 0
    not_selected: int = 0
    withdrawals: int = 0
    closed_answers: int = 0  # «заявка закрыта» / «заявка отменена»
    removed: int = 0
    reminders: int = 0  # «напоминание» received
    confirmations: int = 0  # "confirmed" answers sent
    roster: set[str] = field(default_factory=set)  # signed up and never withdrew
    waiting: set[str] = field(default_factory=set)
    signed_events: list[str] = field(default_factory=list)  # each «записан», in arrival order
    withdrawn: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0
    finished: str = ""
    error: str | None = None

    def lines(self) -> list[str]:
        return [
            f"application         {self.application_id or '-'}",
            f"volunteers          {self.volunteers}",
            f"responses sent      {self.responses_sent}",
            f"записан             {self.signed_up}",
            f"waitlisted          {self.waitlisted}",
            f"offer rounds        {self.rounds}",
            f"место доступно      {self.offers}",
            f"claims sent / won   {self.claims_sent} / {self.claims_won}",
            f"не выбрал           {self.not_selected}",
            f"withdrawals         {self.withdrawals}",
            f"closed/cancelled    {self.closed_answers}",
            f"исключён            {self.removed}",
            f"reminders / confirmed {self.reminders} / {self.confirmations}",
        ]

    def summary(self) -> str:
        if self.error:
            return f"simulation failed: {self.error}"
        return (
            f"{self.finished} after {self.elapsed_s:.1f} s: {len(self.roster)} signed up,"
            f" {len(self.waiting)} waiting, {self.withdrawals} withdrew,"
            f" {self.claims_won} of {self.claims_sent} claims won"
        )


@dataclass(slots=True)
class _Volunteer:
    id: str
    via: Via
    will_withdraw: bool
    state: Literal["new", "sent", "signed", "waiting", "gone"] = "new"
    claiming: bool = False  # a claim is scheduled or sent, and its answer has not come
    withdraw_scheduled: bool = False

    @property
    def awaiting_answer(self) -> bool:
        """A response of this volunteer's that the console will answer is unanswered yet."""
        return self.state == "sent" or (self.state == "waiting" and self.claiming)


class SimulationFailed(Exception):
    """The simulation could not run (no broker, no application); the message says why."""


class _Simulation:
    def __init__(
        self,
        url: str,
        fund_id: str,
        application_id: str | None,
        *,
        volunteers: int,
        rate: float,
        seed: int | None,
        withdraw_ratio: float,
        claim_probability: float,
        confirm_probability: float,
        waitlist_via_queue1: float,
        on_event: EventSink | None,
        settle_s: float,
        idle_timeout_s: float,
        announce_timeout_s: float,
        tls_files: tls.TlsFiles | None = None,
        on_settled: Callable[[], None] | None = None,
    ) -> None:
        self.url = url
        # with on_settled the volunteers stay after every one has had an answer: they claim
        # offers and confirm reminders that come later, until stop (the window's demo)
        self.on_settled = on_settled
        self.told_settled = False
        self.tls_files = tls_files or tls.TlsFiles()
        self.fund_id = fund_id
        self.app_id = application_id
        self.rate = rate
        self.rng = random.Random(seed)
        self.claim_probability = claim_probability
        self.confirm_probability = confirm_probability
        self.on_event = on_event
        self.settle_s = settle_s
        self.idle_timeout_s = idle_timeout_s
        self.announce_timeout_s = announce_timeout_s
        # Numeric ids, as the seed's volunteers have (789), short enough to read on screen; a
        # per-run block keeps them fresh, so a second run on the same application is not
        # taken for the first run's volunteers answering again.
        block = (1000 + uuid.uuid4().int % 9000) * 10_000
        self.volunteers: dict[str, _Volunteer] = {}
        for i in range(1, volunteers + 1):
            roll = self.rng.random()
            via: Via = "response"
            if roll < waitlist_via_queue1:
                via = "waiting_flat" if self.rng.random() < 0.5 else "waiting_envelope"
            vid = str(block + i)
            self.volunteers[vid] = _Volunteer(vid, via, self.rng.random() < withdraw_ratio)
        self.order = list(self.volunteers)
        self.rng.shuffle(self.order)
        self.report = SimulationReport(application_id, volunteers)
        self.last_heard = time.monotonic()
        self.changed = asyncio.Event()
        self.tasks: set[asyncio.Task[None]] = set()
        self.announced: asyncio.Future[str] | None = None
        self.cancelled = False
        self.connection: aio_pika.abc.AbstractConnection | None = None
        self.exchanges: dict[str, aio_pika.abc.AbstractExchange] = {}

    # -- events ---------------------------------------------------------------------------
    def _event(self, text: str) -> None:
        if self.on_event is not None:
            try:
                self.on_event(text)
            except Exception:
                log.exception("the simulator's event sink failed")

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("a simulated volunteer's action failed: %s", task.exception())
        self.changed.set()

    # -- wire -----------------------------------------------------------------------------
    async def connect(self) -> aio_pika.abc.AbstractQueue:
        try:
            self.connection = await connect(
                self.url, timeout=10, ssl_context=tls.client_context(self.url, self.tls_files)
            )
        except Exception as exc:
            raise SimulationFailed(
                f"cannot reach the broker at {redact(self.url)}: {_scrub(exc, self.url)}"
            ) from None
        channel = await self.connection.channel(publisher_confirms=True)
        for name in m.EXCHANGES:
            self.exchanges[name] = await channel.declare_exchange(
                name, aio_pika.ExchangeType.TOPIC, durable=True
            )
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        fund = m.key_segment(self.fund_id)
        await queue.bind(self.exchanges[m.NOTIFICATION_EXCHANGE], f"fund.{fund}.#")
        # The console's «waitlisted» answer and its announcements travel on queue 1.
        await queue.bind(self.exchanges[m.WAITING_EXCHANGE], f"fund.{fund}.waiting.*")
        await queue.bind(self.exchanges[m.WAITING_EXCHANGE], f"fund.{fund}.application.*")
        return queue

    async def publish(self, exchange: str, key: str, action: str, body: dict[str, Any]) -> None:
        message = aio_pika.Message(
            json.dumps(body, ensure_ascii=False).encode("utf-8"),
            content_type="application/json",
            content_encoding="utf-8",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            message_id=str(uuid.uuid4()),
            timestamp=datetime.now(UTC),
            type=action,
            app_id=SIMULATOR_APP_ID,
        )
        delay = RETURN_BACKOFF_FIRST
        give_up = time.monotonic() + self.idle_timeout_s
        # Mandatory: a response nobody's queue takes comes back (the console's queues deleted
        # and not declared again yet); it is sent again, same message id, until one does.
        while True:
            result = await self.exchanges[exchange].publish(
                message, key, mandatory=True, timeout=PUBLISH_TIMEOUT_S
            )
            if not isinstance(result, DeliveredMessage):
                break
            if time.monotonic() + delay > give_up:
                raise SimulationFailed(
                    f"no queue takes {key} on {exchange}: is a console or service of"
                    f" fund {self.fund_id} running on this broker?"
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, RETURN_BACKOFF_MAX)
        self.report.responses_sent += 1
        # Settling counts from the last thing sent too: a withdrawal from the waitlist gets no
        # answer, and the console must have had settle_s to take it before the run ends.
        self.last_heard = max(self.last_heard, time.monotonic())

    async def wait_for_console_queues(self, stop: asyncio.Event | None) -> None:
        """Wait until the console consumes its two queues: what is sent before could be lost.

        On a fund's first run the simulator may be up before the console has declared its
        queues; a response then is unroutable, and a queue-1 request reaches only the
        simulator's own queue (it listens there for the console's waitlist answers). A queue
        that exists is not enough: the console binds its queues after declaring them all, so
        a queue-1 request sent in between was lost too (seen under load: two volunteers never
        answered). The console consumes only once every binding is made.
        """
        assert self.connection is not None
        names = [f"volunteer_console.fund.{self.fund_id}.{q}" for q in ("responses", "waiting")]
        give_up = time.monotonic() + self.idle_timeout_s
        told = False
        while True:
            missing = []
            for name in names:
                # A passive declare of a missing queue closes its channel: one channel a try.
                channel = await self.connection.channel()
                try:
                    queue = await channel.declare_queue(name, passive=True)
                    if not queue.declaration_result.consumer_count:
                        missing.append(name)
                except aiormq.exceptions.ChannelNotFoundEntity:
                    missing.append(name)
                finally:
                    if not channel.is_closed:
                        await channel.close()
            if not missing or (stop is not None and stop.is_set()):
                return
            if time.monotonic() > give_up:
                raise SimulationFailed(
                    f"no console consumes the queues of fund {self.fund_id} after"
                    f" {self.idle_timeout_s:.0f} s"
                    f" ({', '.join(missing)}): is a console or service of fund {self.fund_id}"
                    " running on this broker?"
                )
            if not told:
                self._event(
                    f"waiting for the console of fund {self.fund_id} to consume its queues…"
                )
                told = True
            await asyncio.sleep(0.2)

    async def respond(
        self, v: _Volunteer, status: Literal["accepted", "declined", "confirmed"], via: Via
    ) -> None:
        assert self.app_id is not None
        ts = format_ts(utcnow())
        vid, aid = wire_id(v.id), wire_id(self.app_id)
        if via == "response":
            body: dict[str, Any] = {
                "action": "volunteer_response",
                "data": {
                    "volunteer_id": vid,
                    "volunteer_application_id": aid,
                    "status": status,
                    "timestamp": ts,
                },
            }
            await self.publish(
                m.RESPONSE_EXCHANGE,
                m.response_key(self.fund_id, self.app_id),
                "volunteer_response",
                body,
            )
            return
        if via == "waiting_flat":
            body = {"user_id": vid, "application_id": aid, "timestamp": ts}
        else:
            body = {
                "action": "volunteer_waiting",
                "data": {
                    "volunteer_id": vid,
                    "volunteer_application_id": aid,
                    "status": "waiting",
                    "timestamp": ts,
                },
            }
        await self.publish(
            m.WAITING_EXCHANGE, m.waiting_key(self.fund_id, self.app_id), "volunteer_waiting", body
        )

    # -- the volunteers' behaviour ----------------------------------------------------------
    async def join_all(self) -> None:
        interval = 1.0 / self.rate
        next_at = time.monotonic()
        for vid in self.order:
            v = self.volunteers[vid]
            delay = next_at - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            next_at += interval
            if self.cancelled:
                return
            v.state = "sent"
            how = {"response": "responds", "waiting_flat": "asks for the waitlist (flat, queue 1)"}
            self._event(f"{vid} {how.get(v.via, 'asks for the waitlist (queue 1)')}")
            await self.respond(v, "accepted", v.via)
            self.last_heard = max(self.last_heard, time.monotonic())

    async def _later(self, delay: float, action: Callable[[], Coroutine[Any, Any, None]]) -> None:
        await asyncio.sleep(delay)
        await action()

    def _maybe_withdraw(self, v: _Volunteer) -> None:
        if not v.will_withdraw or v.withdraw_scheduled:
            return
        v.withdraw_scheduled = True

        async def withdraw() -> None:
            if v.state == "gone":
                return
            was = v.state
            v.state = "gone"
            self.report.withdrawals += 1
            self.report.withdrawn.append(v.id)
            self.report.roster.discard(v.id)
            self.report.waiting.discard(v.id)
            self._event(f"{v.id} withdraws ({'signed up' if was == 'signed' else 'waiting'})")
            await self.respond(v, "declined", "response")

        self._spawn(self._later(self.rng.uniform(0.2, 1.5), withdraw))

    def _claim(self, v: _Volunteer) -> None:
        async def claim() -> None:
            if v.state != "waiting" or not v.claiming:
                return  # told «не выбрал» (or gone) before getting round to it
            self.report.claims_sent += 1
            self._event(f"{v.id} claims the spot")
            await self.respond(v, "accepted", "response")

        v.claiming = True
        self._spawn(self._later(self.rng.uniform(0.02, 0.4), claim))

    def _confirm(self, v: _Volunteer) -> None:
        async def confirm() -> None:
            if v.state != "signed":
                return  # withdrew before answering the reminder
            self.report.confirmations += 1
            self._event(f"{v.id} confirms")
            await self.respond(v, "confirmed", "response")

        self._spawn(self._later(self.rng.uniform(0.5, 3.0), confirm))

    async def on_message(self, message: AbstractIncomingMessage) -> None:
        try:
            body = json.loads(message.body)
        except ValueError:
            return
        if not isinstance(body, dict):
            return
        self.last_heard = time.monotonic()
        action = body.get("action")
        raw_data = body.get("data")
        data: dict[str, Any] = raw_data if isinstance(raw_data, dict) else {}
        if action in ("create_volunteer_application", "update_volunteer_application"):
            self._on_announcement(action, data)
            return
        if action == "cancel_volunteer_application":
            if self._ours(data.get("volunteer_application_id")):
                self.cancelled = True
                self._event(f"application {self.app_id} was cancelled")
                self.changed.set()
            return
        if self.app_id is None:
            return
        if action == "notify_free_spot":
            if self._ours(data.get("volunteer_application_id")):
                self.report.rounds += 1
                waiting = data.get("waiting_volunteers") or []
                self._event(
                    f"round: {data.get('available_spots')} spot(s) offered to"
                    f" {len(waiting)} waiting"
                )
            return
        if action == "volunteer_waiting" and message.app_id != SIMULATOR_APP_ID:
            v = self._volunteer(data.get("volunteer_id"), data.get("volunteer_application_id"))
            if v is not None:
                self.report.waitlisted += 1
                if v.state in ("new", "sent"):
                    v.state = "waiting"
                    self.report.waiting.add(v.id)
                    self._maybe_withdraw(v)
                self._event(f"{v.id} waitlisted at position {data.get('position')}")
                self.changed.set()
            return
        if action == "volunteer_notification":
            v = self._volunteer(body.get("user_id"), body.get("application_id"))
            if v is not None:
                self._on_notification(v, str(body.get("status")))
                self.changed.set()

    def _ours(self, app_id: Any) -> bool:
        return app_id is not None and self.app_id == canonical_id(app_id)

    def _volunteer(self, vid: Any, app_id: Any) -> _Volunteer | None:
        if vid is None or not self._ours(app_id):
            return None
        return self.volunteers.get(canonical_id(vid))

    def _on_announcement(self, action: str, data: dict[str, Any]) -> None:
        app = data.get("volunteer_application_id")
        if app is None:
            return
        is_open = action == "create_volunteer_application" or data.get("application_status") == (
            "open"
        )
        if self.announced is not None and not self.announced.done() and is_open:
            self.announced.set_result(canonical_id(app))

    def _on_notification(self, v: _Volunteer, status: str) -> None:
        r = self.report
        if status == m.STATUS_SIGNED_UP:
            r.signed_up += 1
            r.signed_events.append(v.id)
            won = v.claiming
            v.claiming = False
            if won:
                r.claims_won += 1
            self._event(f"{v.id} → записан" + (" (claim won)" if won else ""))
            if v.state != "gone":
                v.state = "signed"
                r.roster.add(v.id)
                r.waiting.discard(v.id)
                self._maybe_withdraw(v)
        elif status == m.STATUS_SPOT_AVAILABLE:
            r.offers += 1
            self._event(f"{v.id} → место доступно")
            wants = self.rng.random() < self.claim_probability
            if v.state == "waiting" and not v.claiming and wants:
                self._claim(v)
        elif status == m.STATUS_NOT_SELECTED:
            r.not_selected += 1
            v.claiming = False
            self._event(f"{v.id} → не выбрал")
        elif status in (m.STATUS_CLOSED, m.STATUS_CANCELLED):
            r.closed_answers += 1
            v.claiming = False  # the answer to a claim that reached a closed application
            self._event(f"{v.id} → {status}")
            if status == m.STATUS_CANCELLED or v.state in ("new", "sent"):
                v.state = "gone"
                r.roster.discard(v.id)
                r.waiting.discard(v.id)
        elif status == m.STATUS_REMINDER:
            r.reminders += 1
            self._event(f"{v.id} → напоминание")
            # most volunteers confirm a reminder, as real ones do: the demo then shows both
            # confirmed volunteers and the few the coordinator has to chase
            if v.state == "signed" and self.rng.random() < self.confirm_probability:
                self._confirm(v)
        elif status == m.STATUS_REMOVED:
            r.removed += 1
            self._event(f"{v.id} → исключён")
            v.state = "gone"
            r.roster.discard(v.id)
            r.waiting.discard(v.id)

    # -- the run --------------------------------------------------------------------------
    def _settled(self) -> bool:
        # A quiet settle_s alone is not enough: on a loaded machine the console can take
        # longer than that to answer a claim, and a run that ended first would believe the
        # claimant still waiting while the console has signed them up.
        return (
            not self.tasks
            and all(v.state != "new" and not v.awaiting_answer for v in self.volunteers.values())
            and time.monotonic() - self.last_heard >= self.settle_s
        )

    async def run(self, stop: asyncio.Event | None, duration: float | None) -> None:
        queue = await self.connect()
        if self.app_id is None:
            self.announced = asyncio.get_running_loop().create_future()
        await queue.consume(self.on_message, no_ack=True)
        if self.app_id is None:
            assert self.announced is not None
            self._event(f"waiting for fund {self.fund_id} to announce an application…")
            # a stop ends the wait too: the demo waits for the coordinator's next application
            # for as long as the window is open, and closing it must not wait for a timeout
            stopped = asyncio.ensure_future(stop.wait()) if stop is not None else None
            waits: list[asyncio.Future[Any]] = [self.announced]
            if stopped is not None:
                waits.append(stopped)
            try:
                await asyncio.wait(
                    waits,
                    timeout=self.announce_timeout_s,
                    return_when=asyncio.FIRST_COMPLETED,
                )
            finally:
                if stopped is not None:
                    stopped.cancel()
            if not self.announced.done():
                if stop is not None and stop.is_set():
                    self.report.finished = "stopped"
                    return
                raise SimulationFailed(
                    f"no application of fund {self.fund_id} was announced within"
                    f" {self.announce_timeout_s:.0f} s; pass --application ID"
                )
            self.app_id = self.announced.result()
            self.report.application_id = self.app_id
            self._event(f"application {self.app_id} announced")
        await self.wait_for_console_queues(stop)
        if stop is not None and stop.is_set():
            self.report.finished = "stopped"
            return
        self._event(f"{len(self.volunteers)} volunteers answer application {self.app_id}")
        self._spawn(self.join_all())
        deadline = None if duration is None else time.monotonic() + duration
        while True:
            if stop is not None and stop.is_set():
                self.report.finished = "stopped"
                return
            if self.cancelled:
                self.report.finished = "application cancelled"
                return
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                self.report.finished = f"duration of {duration:g} s reached"
                return
            if self._settled():
                if self.on_settled is None:
                    self.report.finished = "done"
                    return
                if not self.told_settled:
                    self.told_settled = True
                    self.on_settled()
            waiting_for_answers = any(v.awaiting_answer for v in self.volunteers.values())
            if waiting_for_answers and now - self.last_heard > self.idle_timeout_s:
                raise SimulationFailed(
                    f"no answer for {self.idle_timeout_s:.0f} s: is a console or service of"
                    f" fund {self.fund_id} running on this broker?"
                )
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), 0.1)

    async def close(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)
        if self.connection is not None:
            with contextlib.suppress(Exception):
                await self.connection.close()


async def simulate(
    url: str,
    fund_id: str,
    *,
    application_id: str | None,
    volunteers: int,
    rate: float,
    seed: int | None,
    withdraw_ratio: float = 0.2,
    claim_probability: float = 0.8,
    confirm_probability: float = 0.85,
    stop: asyncio.Event | None = None,
    on_event: EventSink | None = None,
    duration: float | None = None,
    waitlist_via_queue1: float = 0.2,
    settle_s: float = 2.0,
    idle_timeout_s: float = 30.0,
    announce_timeout_s: float = 60.0,
    tls_files: tls.TlsFiles | None = None,
    on_settled: Callable[[], None] | None = None,
) -> SimulationReport:
    """Play `volunteers` volunteers answering one application; returns what happened.

    Responses go out at `rate` per second; a share (`withdraw_ratio`) withdraw a little
    after they are signed up or waitlisted; waitlisted ones claim an offered spot with
    `claim_probability`; signed-up ones confirm a reminder with `confirm_probability`. With
    no `application_id` it waits for the fund's next announcement.
    Ends when every volunteer has had an answer and nothing happened for `settle_s`, on
    `stop`, or after `duration` seconds; with `on_settled`, that is called then instead and
    the volunteers go on answering (later offers, reminders) until `stop`. Never raises for
    a broker or console problem: the report's `error` says what went wrong.
    """
    problems = []
    if volunteers < 1:
        problems.append("volunteers must be at least 1")
    if rate <= 0:
        problems.append("rate must be above 0")
    for label, value in (
        ("withdraw ratio", withdraw_ratio),
        ("claim probability", claim_probability),
        ("confirm probability", confirm_probability),
        ("waitlist via queue 1", waitlist_via_queue1),
    ):
        if not 0 <= value <= 1:
            problems.append(f"{label} must be between 0 and 1")
    app = canonical_id(application_id) if application_id is not None else None
    if problems:
        return SimulationReport(app, volunteers, error="; ".join(problems))
    sim = _Simulation(
        url,
        fund_id,
        app,
        volunteers=volunteers,
        rate=rate,
        seed=seed,
        withdraw_ratio=withdraw_ratio,
        claim_probability=claim_probability,
        confirm_probability=confirm_probability,
        waitlist_via_queue1=waitlist_via_queue1,
        on_event=on_event,
        settle_s=settle_s,
        idle_timeout_s=idle_timeout_s,
        announce_timeout_s=announce_timeout_s,
        tls_files=tls_files,
        on_settled=on_settled,
    )
    started = time.monotonic()
    try:
        await sim.run(stop, duration)
    except SimulationFailed as exc:
        sim.report.error = str(exc)
        sim.report.finished = "failed"
    except Exception as exc:  # a broker that went away mid-run: report, never crash the caller
        log.debug("simulation failed", exc_info=True)
        sim.report.error = _scrub(exc, url)
        sim.report.finished = "failed"
    finally:
        await sim.close()
        sim.report.elapsed_s = time.monotonic() - started
    return sim.report


def _scrub(exc: BaseException, url: str) -> str:
    """An exception as text with the URL's password hidden; a TLS failure explained."""
    return scrub(tls.explain(exc) or f"{type(exc).__name__}: {exc}", url)
