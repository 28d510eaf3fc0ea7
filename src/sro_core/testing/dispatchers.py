"""A race of dispatcher processes over one store, to show that claims hold across processes.

:func:`race` puts events in a store while several dispatcher processes deliver them to a
notifier that fails at random and hangs once, optionally killing dispatchers with
``SIGKILL`` and starting new ones. Every successful delivery is written to a file by the
process that made it, so the result counts what receivers got, not what the store says:
events never received (lost) and events received more than once (duplicates). A backend
that claims ``SEVERAL_WRITER_PROCESSES`` should show 0 lost and 0 duplicates without kills,
and at most one duplicate per kill (the delivery sent but not yet recorded when it died).
"""

from __future__ import annotations

import collections
import datetime as dt
import logging
import multiprocessing
import os
import random
import signal
import time
import uuid
from collections.abc import Mapping
from pathlib import Path

import attrs

from sro_core.builtin import BUILTIN_PLUGINS
from sro_core.domain import DomainEvent, OfficerRegistered
from sro_core.hookspecs import hookimpl
from sro_core.plugins import PluginHost
from sro_core.ports import DeliveryStatus, Notifier, NotifierRegistry, StorageError
from sro_core.service import NotifierSetting, Program, ProgramSettings

_STOP = "stop"
_HUNG = "hung"


@attrs.frozen
class RaceResult:
    """What the receivers got in a race."""

    events: int
    received: Mapping[str, int]
    """How many times each event id was received."""
    kills: int
    seconds: float
    not_delivered_in_store: int
    """Events whose delivery the store does not show as delivered at the end."""

    @property
    def lost(self) -> int:
        """Events no receiver got."""
        return self.events - len(self.received)

    @property
    def duplicates(self) -> int:
        """Receptions beyond the first, over all events."""
        return sum(count - 1 for count in self.received.values())


class Flaky(Notifier):
    """Fails at random, hangs once (then fails), otherwise appends the key to its file."""

    kind = "flaky"

    def __init__(self, folder: Path, fail_rate: float, hang: float) -> None:
        self.folder = folder
        self.fail_rate = fail_rate
        self.hang = hang
        self.rng = random.Random(os.getpid())  # noqa: S311 - test failures, not secrets
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
        self.file = os.open(folder / f"received-{os.getpid()}.txt", flags, 0o644)

    def deliver(self, event: DomainEvent, idempotency_key: uuid.UUID) -> None:  # noqa: ARG002 - the Notifier's signature
        """Fail, hang, or receive the event (one write of one line)."""
        if self.hang and not (self.folder / _HUNG).exists():
            try:
                (self.folder / _HUNG).touch(exist_ok=False)
            except FileExistsError:
                pass
            else:
                time.sleep(self.hang)
                raise TimeoutError("the receiver hung, then dropped the connection")
        if self.rng.random() < self.fail_rate:
            raise ConnectionError("the receiver did not answer")
        os.write(self.file, f"{idempotency_key}\n".encode())

    def close(self) -> None:
        """Close the file."""
        os.close(self.file)


class _FlakyPlugin:
    def __init__(self, folder: Path, fail_rate: float, hang: float) -> None:
        self.folder, self.fail_rate, self.hang = folder, fail_rate, hang

    @hookimpl
    def sro_register_notifiers(self, registry: NotifierRegistry) -> None:
        def make(_options: Mapping[str, str]) -> Notifier:
            return Flaky(self.folder, self.fail_rate, self.hang)

        registry.register("flaky", make, "fails at random, hangs once (a test receiver)")


def _settings(timeout: float, claim_batch: int) -> ProgramSettings:
    return ProgramSettings(
        notifiers=(NotifierSetting("flaky"),),
        dispatch_after_commit=False,
        max_delivery_attempts=1_000,
        retry_backoff=dt.timedelta(milliseconds=5),
        delivery_timeout=dt.timedelta(seconds=timeout),
        claim_batch=claim_batch,
    )


@attrs.frozen
class _Knobs:
    """What a child dispatcher is started with."""

    url: str
    folder: Path
    fail_rate: float
    hang: float
    timeout: float
    claim_batch: int


def _dispatcher(knobs: _Knobs) -> None:
    """Run in a child process: dispatch until the stop file appears."""
    logging.getLogger("sro_core.dispatch").setLevel(logging.ERROR)  # failures are the point
    where = knobs.folder
    flaky = _FlakyPlugin(where, knobs.fail_rate, knobs.hang)
    host = PluginHost.load(builtins=(*BUILTIN_PLUGINS, flaky))
    program = Program.open(knobs.url, _settings(knobs.timeout, knobs.claim_batch), plugins=host)
    try:
        while not (where / _STOP).exists():
            try:
                report = program.dispatcher.dispatch()
            except StorageError:
                continue
            if not report.anything:
                time.sleep(0.02)
    finally:
        program.close()


def _received(folder: Path) -> collections.Counter[str]:
    counts: collections.Counter[str] = collections.Counter()
    for path in folder.glob("received-*.txt"):
        counts.update(line for line in path.read_text().splitlines() if line)
    return counts


def race(
    url: str,
    folder: Path,
    *,
    processes: int,
    events: int,
    kills: int = 0,
    fail_rate: float = 0.3,
    hang: float = 2.0,
    timeout: float = 1.0,
    claim_batch: int = 3,
    limit: float = 120.0,
    seed: int = 0,
) -> RaceResult:
    """Race ``processes`` dispatchers over ``events`` put while they run; kill ``kills``.

    ``hang`` seconds is how long the one hanging delivery hangs (0: none); it should exceed
    ``timeout``, the delivery deadline. Gives up (the result shows what was lost) after
    ``limit`` seconds.
    """
    rng = random.Random(seed)  # noqa: S311 - test timing, not secrets
    context = multiprocessing.get_context("spawn")
    arguments = (_Knobs(url, folder, fail_rate, hang, timeout, claim_batch),)
    started = time.monotonic()
    host = PluginHost.load(builtins=(*BUILTIN_PLUGINS, _FlakyPlugin(folder, 0, 0)))
    program = Program.open(url, _settings(timeout, claim_batch), plugins=host)
    children = [context.Process(target=_dispatcher, args=arguments) for _ in range(processes)]
    for child in children:
        child.start()
    try:
        ids = _put(program, events, rng)
        killed = 0
        while len(_received(folder)) < events and time.monotonic() - started < limit:
            if killed < kills:
                time.sleep(rng.uniform(0.2, 1.0))
                victim = rng.choice([c for c in children if c.is_alive()])
                os.kill(victim.pid or 0, signal.SIGKILL)
                victim.join()
                killed += 1
                children.append(context.Process(target=_dispatcher, args=arguments))
                children[-1].start()
            else:
                time.sleep(0.1)
    finally:
        (folder / _STOP).touch()
        for child in children:
            child.join(timeout=30)
            if child.is_alive():
                child.kill()
                child.join()
    missing = _undelivered(program, ids)
    program.close()
    return RaceResult(events, _received(folder), killed, time.monotonic() - started, missing)


def _put(program: Program, count: int, rng: random.Random) -> list[uuid.UUID]:
    """Put events in the outbox in batches, as writers would while dispatchers run."""
    ids: list[uuid.UUID] = []
    while len(ids) < count:
        at = dt.datetime.now(dt.UTC)
        batch = [
            OfficerRegistered(
                occurred_at=at, officer_id=uuid.UUID(int=rng.getrandbits(128)), badge="1"
            )
            for _ in range(min(100, count - len(ids)))
        ]
        with program.storage.unit_of_work() as unit:
            unit.outbox.put(batch, at)
        ids += [e.event_id for e in batch]
        time.sleep(0.01)
    return ids


def _undelivered(program: Program, ids: list[uuid.UUID]) -> int:
    with program.storage.unit_of_work() as unit:
        return sum(
            1
            for event_id in ids
            if [d.status for d in unit.outbox.deliveries(event_id)] != [DeliveryStatus.DELIVERED]
        )
