"""The dispatcher: hands committed outbox events to the enabled notifiers, at least once.

Each delivery is *claimed* before it is sent: the claim gives it to one dispatcher until a
lease runs out, so dispatchers in several threads or processes never send it side by side.
The outcome is recorded under the claim; a dispatcher whose lease was taken over finds its
late result discarded (and counted as stale), and ``delivered`` is never overwritten.

Every delivery runs in a worker thread of its notifier under a deadline (the notifier's
``timeout``, or the program's ``delivery_timeout``). A notifier that does not answer in time
is abandoned: its delivery is retried later and the next one gets a fresh thread, so a hung
receiver delays neither the command nor the other notifiers. A notifier that declares it
cannot block (``blocking = False``, as the log notifier does) is called in the dispatching
thread instead, with no hand-off and no deadline. A failure, whatever it raised,
is recorded as text that any store can keep. A failure is retried with exponential backoff;
after ``max_delivery_attempts`` the delivery is a dead letter, which an operator can list
and replay. Urgent events (crises) are claimed first.
"""

from __future__ import annotations

import collections
import datetime as dt
import functools
import itertools
import logging
import os
import queue
import socket
import threading
import time
import uuid
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, wait

import attrs

from sro_core.errors import DeliveryTimedOut as DeliveryTimedOut
from sro_core.ports import (
    Claim,
    Conflict,
    Delivery,
    DeliveryFailed,
    DeliveryStatus,
    Notifier,
    Outbox,
    Storage,
    StorageError,
)
from sro_core.service.settings import ProgramSettings

log = logging.getLogger("sro_core.dispatch")

PRUNE_BATCH = 500
"""How many events one pruning unit of work removes: small, so writers never wait long."""

MAX_ERROR = 2000
"""The longest failure text kept for a delivery, in characters."""

_STOPPERS = (KeyboardInterrupt, SystemExit)


@attrs.frozen
class DispatchReport:
    """What one dispatch round did.

    ``delivered``, ``retrying`` (failed, to be tried again) and ``dead`` (given up) count
    recorded outcomes; ``timed_out`` counts deliveries abandoned at their deadline (also
    counted as retrying or dead); ``stale`` counts results discarded because the claim had
    run out, and claims given up unsent because too little of their lease was left.
    """

    delivered: int = 0
    retrying: int = 0
    dead: int = 0
    stale: int = 0
    timed_out: int = 0

    def __add__(self, other: DispatchReport) -> DispatchReport:
        if not other.anything:
            return self
        return DispatchReport(
            self.delivered + other.delivered,
            self.retrying + other.retrying,
            self.dead + other.dead,
            self.stale + other.stale,
            self.timed_out + other.timed_out,
        )

    @property
    def anything(self) -> bool:
        """Whether the round did anything at all."""
        return bool(self.delivered or self.retrying or self.dead or self.stale or self.timed_out)


_COUNTED = {
    DeliveryStatus.DELIVERED: DispatchReport(delivered=1),
    DeliveryStatus.PENDING: DispatchReport(retrying=1),
    DeliveryStatus.DEAD: DispatchReport(dead=1),
}
"""What a recorded outcome counts for in a round's report."""


def describe_failure(error: BaseException) -> str:
    """Return a failure as text any store keeps: never raises, always valid UTF-8.

    An exception whose ``str()`` raises is shown by its ``repr()`` or, failing that, by its
    type; lone surrogates and other characters UTF-8 cannot carry become backslash escapes.
    """
    name = type(error).__qualname__
    try:
        text = str(error)
    except Exception:  # noqa: BLE001 - an unprintable error is still a failure to record
        try:
            text = repr(error)
        except Exception:  # noqa: BLE001 - nor can its repr be trusted
            text = "(unprintable)"
    message = f"{name}: {text}" if text else name
    safe = message.encode("utf-8", "backslashreplace").decode("utf-8")
    return safe if len(safe) <= MAX_ERROR else safe[: MAX_ERROR - 1] + "…"


def _run(future: Future[None], work: Callable[[], None]) -> None:
    """Run a delivery and put its outcome, whatever it raised, in its future."""
    if not future.set_running_or_notify_cancel():
        return
    try:
        work()
    except BaseException as error:  # noqa: BLE001 - every outcome goes to the dispatcher
        future.set_exception(error)
    else:
        future.set_result(None)


class _Lane:
    """A daemon thread running one notifier's deliveries one after another.

    Daemon, so that a notifier hung for good never keeps the process from exiting.
    """

    def __init__(self, name: str) -> None:
        self.jobs: queue.SimpleQueue[tuple[Future[None], Callable[[], None]] | None]
        self.jobs = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._run, name=f"sro-notify-{name}", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (job := self.jobs.get()) is not None:
            _run(*job)

    def submit(self, work: Callable[[], None]) -> Future[None]:
        future: Future[None] = Future()
        self.jobs.put((future, work))
        return future

    def stop(self) -> None:
        """Let the thread end once its current delivery (if any) returns."""
        self.jobs.put(None)


def _inline(work: Callable[[], None]) -> Future[None]:
    """Run a delivery in this thread; return its outcome as a worker thread's future holds it."""
    future: Future[None] = Future()
    _run(future, work)
    return future


@attrs.define
class _Line:
    """One notifier's part of a dispatch round: its claims and the delivery running now."""

    name: str
    notifier: Notifier
    timeout: dt.timedelta
    lane: _Lane | None
    """The worker thread; None for a notifier that cannot block (delivered inline)."""
    queued: collections.deque[Claim] = attrs.field(factory=collections.deque)
    exhausted: bool = False
    running: tuple[Claim, Future[None], float] | None = None


class Dispatcher:
    """Delivers outbox events to notifiers and keeps each delivery's record."""

    def __init__(
        self,
        storage: Storage,
        notifiers: Mapping[str, Notifier],
        settings: ProgramSettings,
        clock: Callable[[], dt.datetime],
        timeouts: Mapping[str, dt.timedelta] | None = None,
    ) -> None:
        self.storage = storage
        self.notifiers = dict(notifiers)
        self.settings = settings
        self.clock = clock
        self.timeouts = {
            name: (timeouts or {}).get(name, settings.delivery_timeout) for name in notifiers
        }
        self.identity = f"{socket.gethostname()}/{os.getpid()}/{uuid.uuid4().hex[:8]}"
        self._tokens = itertools.count(1)
        self._idle: dict[str, list[_Lane]] = {name: [] for name in notifiers}
        self._lock = threading.Lock()

    def lease(self, name: str) -> dt.timedelta:
        """How long a claim of deliveries to a notifier holds: one timeout per claim, plus one."""
        return self.timeouts[name] * (self.settings.claim_batch + 1)

    def dispatch(
        self,
        *,
        events: Collection[uuid.UUID] | None = None,
        stop: threading.Event | None = None,
    ) -> DispatchReport:
        """Deliver every due event (or only ``events``) to every notifier; report the round.

        The notifiers run side by side, each in a thread of its own. ``stop`` ends the round
        early: no more claims are made, the deliveries under way finish or time out, and
        claims not yet sent are given back. A notifier that raised ``KeyboardInterrupt`` or
        ``SystemExit`` has its delivery recorded; the round then ends the same way and the
        exception is raised again.
        """
        return self._round(self._lines(), events, stop)

    def leases(self) -> dict[str, tuple[str, dt.timedelta]]:
        """Return a new token and the lease of each notifier: what a unit of work claims with.

        A command that sends its events once it commits claims their deliveries in its own
        unit of work (:meth:`~sro_core.ports.Outbox.put_claimed`), then hands them to
        :meth:`send`: no claim is made after the commit.
        """
        return {name: (self._token(), self.lease(name)) for name in self.notifiers}

    def send(self, claims: Collection[Claim]) -> DispatchReport:
        """Deliver deliveries claimed already (with :meth:`leases`), as a round does its own.

        Nothing more is claimed; a claim not sent (a ``KeyboardInterrupt``) is given back.
        """
        lines = self._lines()
        for line in lines:
            line.queued.extend(claim for claim in claims if claim.notifier == line.name)
            line.exhausted = True
        return self._round(lines, None, None)

    def _lines(self) -> list[_Line]:
        """Return one line per notifier, each with its worker thread (none if it cannot block)."""
        return [
            _Line(
                name,
                notifier,
                self.timeouts[name],
                self._take_lane(name) if notifier.blocking else None,
            )
            for name, notifier in self.notifiers.items()
        ]

    def _round(
        self,
        lines: list[_Line],
        events: Collection[uuid.UUID] | None,
        stop: threading.Event | None,
    ) -> DispatchReport:
        """Send each line's deliveries, claiming as they go, until none is left (see dispatch)."""
        report = DispatchReport()
        stopper: BaseException | None = None
        try:
            while True:
                stopping = stopper is not None or (stop is not None and stop.is_set())
                for line in lines:
                    report += self._start_next(line, events, stopping=stopping)
                running = [line for line in lines if line.running is not None]
                if not running:
                    break
                self._wait(running)
                for line in running:
                    outcome, error = self._finish(line)
                    report += outcome
                    if isinstance(error, _STOPPERS) and stopper is None:
                        stopper = error
        finally:
            for line in lines:
                self._give_back(line)
        if stopper is not None:
            raise stopper
        return report

    def prune(self, older_than: dt.timedelta | None = None) -> int:
        """Remove events delivered everywhere more than ``older_than`` ago, in small batches.

        None takes the program's ``retention``. Return how many events were removed.
        """
        before = self.clock() - (self.settings.retention if older_than is None else older_than)
        removed = 0
        while True:
            with self.storage.unit_of_work() as unit:
                count = unit.outbox.prune(before, PRUNE_BATCH)
            removed += count
            if count < PRUNE_BATCH:
                return removed

    def close(self) -> None:
        """Close every notifier and let the idle worker threads end."""
        with self._lock:
            for lanes in self._idle.values():
                for lane in lanes:
                    lane.stop()
                lanes.clear()
        for notifier in self.notifiers.values():
            notifier.close()

    # --- a round's steps ---------------------------------------------------------------------

    def _start_next(
        self, line: _Line, events: Collection[uuid.UUID] | None, *, stopping: bool
    ) -> DispatchReport:
        """Send the line's next claimed delivery, claiming more when its queue is empty."""
        report = DispatchReport()
        while line.running is None:
            if not line.queued:
                if line.exhausted or stopping:
                    return report
                claims = self._claim(line, events)
                line.exhausted = events is not None or len(claims) < self.settings.claim_batch
                line.queued.extend(claims)
                if not claims:
                    return report
            claim = line.queued.popleft()
            if claim.lease_until - self.clock() < line.timeout:
                # Too little of the lease is left to send it: another dispatcher may take it
                # over before the result is recorded (this one was stalled meanwhile).
                report += DispatchReport(stale=1)
                continue
            event = claim.entry.event
            send = functools.partial(line.notifier.deliver, event, event.event_id)
            future = line.lane.submit(send) if line.lane is not None else _inline(send)
            deadline = time.monotonic() + line.timeout.total_seconds()
            line.running = (claim, future, deadline)
        return report

    def _token(self) -> str:
        """Return a claim token no other claim has: this dispatcher's identity and a count."""
        return f"{self.identity}/{next(self._tokens)}"

    def _claim(self, line: _Line, events: Collection[uuid.UUID] | None) -> list[Claim]:
        token = self._token()
        limit = self.settings.claim_batch if events is None else max(len(events), 1)
        try:
            with self.storage.unit_of_work() as unit:
                now = self.clock()
                lease = self.lease(line.name)
                return unit.outbox.claim(line.name, now, lease, limit, token=token, events=events)
        except Conflict:
            return []  # another dispatcher claimed meanwhile: the next round looks again

    @staticmethod
    def _wait(running: list[_Line]) -> None:
        """Wait until a running delivery ends or the earliest deadline passes."""
        futures = []
        deadline = float("inf")
        for line in running:
            assert line.running is not None  # noqa: S101 - the caller passes running lines
            futures.append(line.running[1])
            deadline = min(deadline, line.running[2])
        if any(future.done() for future in futures):
            return  # one has ended (an inline delivery always has): nothing to wait for
        wait(futures, timeout=max(0.0, deadline - time.monotonic()), return_when=FIRST_COMPLETED)

    def _finish(self, line: _Line) -> tuple[DispatchReport, BaseException | None]:
        """Record the running delivery's outcome if it ended or its deadline passed."""
        assert line.running is not None  # noqa: S101 - only running lines are finished
        claim, future, deadline = line.running
        timed_out = False
        if future.done():
            error = future.exception()
        elif time.monotonic() >= deadline:
            seconds = line.timeout.total_seconds()
            error = DeliveryTimedOut(f"no answer within {seconds:g} s; abandoned")
            assert line.lane is not None  # noqa: S101 - an inline delivery is done when it returns
            line.lane.stop()
            line.lane = _Lane(line.name)
            timed_out = True
        else:
            return DispatchReport(), None
        line.running = None
        outcome = self._outcome(claim, error)
        if error is not None:
            log.warning(
                "delivery of %s to %s failed (try %d): %s",
                claim.entry.event.event_id,
                claim.notifier,
                claim.attempt,
                outcome.last_error,
            )
        if not self._settle(claim, outcome):
            return DispatchReport(stale=1), error
        return _COUNTED[outcome.status] + DispatchReport(timed_out=int(timed_out)), error

    def _outcome(self, claim: Claim, error: BaseException | None) -> Delivery:
        event_id = claim.entry.event.event_id
        if error is None:
            return Delivery(event_id, claim.notifier, DeliveryStatus.DELIVERED, claim.attempt)
        permanent = isinstance(error, DeliveryFailed) and error.permanent
        dead = permanent or claim.attempt >= self.settings.max_delivery_attempts
        backoff = self.settings.retry_backoff * 2 ** min(claim.attempt - 1, 16)
        if isinstance(error, DeliveryFailed) and error.retry_after is not None:
            backoff = max(backoff, error.retry_after)
        return Delivery(
            event_id,
            claim.notifier,
            DeliveryStatus.DEAD if dead else DeliveryStatus.PENDING,
            claim.attempt,
            None if dead else self.clock() + backoff,
            describe_failure(error),
        )

    def _settle(self, claim: Claim, outcome: Delivery) -> bool:
        """Record an outcome under its claim; False if it was stale or could not be recorded."""
        for _ in range(3):
            try:
                with self.storage.unit_of_work() as unit:
                    return unit.outbox.settle(claim, outcome, self.notifiers, self.clock())
            except Conflict:
                continue
            except StorageError as error:
                log.error(
                    "the outcome of %s to %s was not recorded (%s); it is retried when its "
                    "lease runs out",
                    claim.entry.event.event_id,
                    claim.notifier,
                    describe_failure(error),
                )
                return False
        return False

    def _give_back(self, line: _Line) -> None:
        """Give back the claims a round did not send, and its worker thread."""
        unsent = list(line.queued)
        line.queued.clear()
        for claim in unsent:
            release = Delivery(
                claim.entry.event.event_id,
                claim.notifier,
                DeliveryStatus.PENDING,
                claim.attempt - 1,
            )
            try:
                self._settle(claim, release)
            except Exception:
                log.exception("could not give back a claim of %s", claim.entry.event.event_id)
        if line.lane is None:
            return
        if line.running is None:
            with self._lock:
                self._idle[line.name].append(line.lane)
        else:
            line.lane.stop()  # still busy (an interrupted round): its thread ends when done

    def _take_lane(self, name: str) -> _Lane:
        with self._lock:
            idle = self._idle[name]
            if idle:
                return idle.pop()
        return _Lane(name)


def requeue_dead(outbox: Outbox, event_id: uuid.UUID, notifier: str | None = None) -> int:
    """Put an event's dead deliveries (to one notifier or all) back in line; count them."""
    dead = [
        d
        for d in outbox.deliveries(event_id)
        if d.status is DeliveryStatus.DEAD and notifier in (None, d.notifier)
    ]
    for delivery in dead:
        outbox.record(
            attrs.evolve(delivery, status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=None)
        )
    return len(dead)
