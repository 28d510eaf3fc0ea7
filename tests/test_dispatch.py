"""The dispatcher's promises: claims, stale results, deadlines, and failures that never escape."""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from program_support import CHIEF, Clock
from sro_core import PluginHost
from sro_core.builtin import BUILTIN_PLUGINS
from sro_core.domain import DomainEvent, Officer, OfficerRegistered
from sro_core.hookspecs import hookimpl
from sro_core.ports import DeliveryStatus, Notifier, NotifierRegistry, UnitOfWork
from sro_core.service import NotifierSetting, Program, ProgramSettings
from sro_core.service.dispatch import Dispatcher, describe_failure
from sro_core.service.policy import Action

Behaviour = Callable[[DomainEvent], None]


@attrs.define
class Scripted(Notifier):
    """A notifier that does what the test tells it, then keeps what it delivered."""

    kind: str
    behaviour: Behaviour | None = None
    delivered: list[uuid.UUID] = attrs.field(factory=list)

    def deliver(self, event: DomainEvent, idempotency_key: uuid.UUID) -> None:
        """Run the test's behaviour (which may raise or hang), then keep the key."""
        if self.behaviour is not None:
            self.behaviour(event)
        self.delivered.append(idempotency_key)


class ScriptedPlugin:
    """Registers the ``first`` and ``second`` notifier kinds, both Scripted."""

    def __init__(self) -> None:
        self.made: dict[str, Scripted] = {}

    @hookimpl
    def sro_register_notifiers(self, registry: NotifierRegistry) -> None:
        """Register both kinds; each creation is kept in ``made`` by kind."""
        for kind in ("first", "second"):

            def make(_options: Mapping[str, str], kind: str = kind) -> Notifier:
                self.made[kind] = Scripted(kind)
                return self.made[kind]

            registry.register(kind, make, "does what the test says")


@attrs.frozen
class Opened:
    """A program with the two scripted notifiers."""

    program: Program
    first: Scripted
    second: Scripted


@pytest.fixture
def opened(tmp_path: Path) -> Iterator[Opened]:
    """Open a program on a SQLite file with ``first`` (0.3 s deadline) and ``second``."""
    plugin = ScriptedPlugin()
    host = PluginHost.load(builtins=(*BUILTIN_PLUGINS, plugin), entry_points=False)
    config = ProgramSettings(
        notifiers=(
            NotifierSetting("first", timeout=dt.timedelta(seconds=0.3)),
            NotifierSetting("second"),
        ),
        retry_backoff=dt.timedelta(0),
    )
    program = Program.open(f"sqlite:///{tmp_path / 'sro.db'}", config, plugins=host, clock=Clock())
    try:
        yield Opened(program, plugin.made["first"], plugin.made["second"])
    finally:
        program.close()


def _register(program: Program, badge: str = "4127") -> uuid.UUID:
    """Register an officer; return the id of the event the command put in the outbox."""
    officer = program.register_officer(CHIEF, Officer(badge=badge, name="Dana Reyes"))
    with program.storage.unit_of_work() as unit:
        entries = unit.outbox.entries()
    [event_id] = [
        e.event.event_id for e in entries if getattr(e.event, "officer_id", None) == officer.id
    ]
    return event_id


def _delivery(program: Program, event_id: uuid.UUID, notifier: str) -> tuple[DeliveryStatus, str]:
    with program.storage.unit_of_work() as unit:
        [found] = [d for d in unit.outbox.deliveries(event_id) if d.notifier == notifier]
    return found.status, found.last_error or ""


def _raises(error: BaseException) -> Behaviour:
    def behaviour(_event: DomainEvent) -> None:
        raise error

    return behaviour


class Unprintable(Exception):
    """An exception whose ``str()`` itself raises."""

    def __str__(self) -> str:
        """Fail, as some libraries' exceptions do."""
        raise RuntimeError("cannot print me")


class Custom(BaseException):
    """A BaseException that is neither KeyboardInterrupt nor SystemExit."""


@pytest.mark.parametrize(
    ("error", "kept"),
    [
        (Unprintable(), "Unprintable"),
        (ConnectionError("bad byte \udcff here"), "\\udcff"),
        (ValueError("\ud800 lone high surrogate"), "\\ud800"),
        (Custom("odd"), "Custom: odd"),
    ],
)
def test_a_failure_of_any_kind_is_stored_safely_and_never_raises(
    opened: Opened, error: BaseException, kept: str
) -> None:
    """An unprintable, non-UTF-8 or BaseException failure is recorded; the command returns."""
    opened.first.behaviour = _raises(error)
    event_id = _register(opened.program)
    status, last_error = _delivery(opened.program, event_id, "first")
    assert status is DeliveryStatus.PENDING
    assert kept in last_error
    last_error.encode("utf-8")  # storable everywhere
    assert opened.second.delivered == [event_id]
    opened.first.behaviour = None
    report = opened.program.dispatch(CHIEF)
    assert report.delivered == 1
    assert opened.first.delivered == [event_id]


def test_a_surrogate_failure_does_not_stop_later_dispatch(opened: Opened) -> None:
    """After a failure holding a lone surrogate, later events still reach every notifier."""
    opened.first.behaviour = _raises(OSError("\udcff"))
    _register(opened.program, "1")
    opened.first.behaviour = None
    later = _register(opened.program, "2")
    assert later in opened.first.delivered
    assert opened.program.dispatch(CHIEF).delivered == 1


@pytest.mark.parametrize("stopper", [KeyboardInterrupt, SystemExit])
def test_keyboard_interrupt_and_exit_are_raised_after_the_delivery_is_recorded(
    opened: Opened, stopper: type[BaseException]
) -> None:
    """A notifier's KeyboardInterrupt or SystemExit is recorded first, then raised again."""
    opened.first.behaviour = _raises(stopper())
    with pytest.raises(stopper):
        opened.program.register_officer(CHIEF, Officer(badge="4127", name="Dana Reyes"))
    [officer] = opened.program.officers(CHIEF)
    with opened.program.storage.unit_of_work() as unit:
        [entry] = [e for e in unit.outbox.entries() if getattr(e.event, "officer_id", None)]
    status, last_error = _delivery(opened.program, entry.event.event_id, "first")
    assert (status, last_error) == (DeliveryStatus.PENDING, stopper.__name__)
    assert officer.badge == "4127"
    opened.first.behaviour = None
    assert opened.program.dispatch(CHIEF).delivered == 1


def test_a_hung_notifier_is_abandoned_and_delays_nothing_else(opened: Opened) -> None:
    """A notifier hanging past its deadline is abandoned, retried later; the other is served."""
    release = threading.Event()
    opened.first.behaviour = lambda _e: release.wait(30)
    started = time.monotonic()
    event_id = _register(opened.program)
    took = time.monotonic() - started
    try:
        assert took < 5, f"the command waited {took:.1f} s for a hung notifier"
        assert opened.second.delivered == [event_id]
        status, last_error = _delivery(opened.program, event_id, "first")
        assert status is DeliveryStatus.PENDING
        assert "no answer within 0.3 s" in last_error
    finally:
        release.set()
    opened.first.behaviour = None
    report = opened.program.dispatch(CHIEF)
    assert report.delivered == 1
    assert event_id in opened.first.delivered


def test_a_stale_dispatchers_late_failure_is_discarded_and_counted(tmp_path: Path) -> None:
    """A dispatcher whose lease ran out cannot overwrite the delivery another one made."""
    plugin = ScriptedPlugin()
    host = PluginHost.load(builtins=(*BUILTIN_PLUGINS, plugin), entry_points=False)
    now = [dt.datetime(2026, 9, 8, 15, tzinfo=dt.UTC)]
    config = ProgramSettings(
        notifiers=(NotifierSetting("first"),),
        dispatch_after_commit=False,
        delivery_timeout=dt.timedelta(seconds=5),
    )
    url = f"sqlite:///{tmp_path / 'sro.db'}"
    program = Program.open(url, config, plugins=host, clock=lambda: now[0])
    event_id = _register(program)
    rival = Dispatcher(program.storage, {"first": Scripted("first")}, config, lambda: now[0])
    rival_report = []

    def stall_then_fail(_event: DomainEvent) -> None:
        now[0] += dispatcher.lease("first") + dt.timedelta(seconds=1)
        rival_report.append(rival.dispatch())
        raise ConnectionError("too late")

    dispatcher = program.dispatcher
    plugin.made["first"].behaviour = stall_then_fail
    try:
        report = program.dispatch(CHIEF)
        assert [r.delivered for r in rival_report] == [1]
        assert (report.stale, report.delivered, report.retrying, report.dead) == (1, 0, 0, 0)
        assert _delivery(program, event_id, "first") == (DeliveryStatus.DELIVERED, "")
    finally:
        rival.close()
        program.close()


def test_a_command_may_leave_its_events_to_the_worker(opened: Opened) -> None:
    """``dispatch_now=False`` commits a command's events without delivering any of them."""
    program = opened.program

    def work(unit: UnitOfWork, now: dt.datetime) -> tuple[Officer, list[DomainEvent]]:
        stored = unit.officers.add(Officer(badge="4127", name="Dana Reyes"))
        return stored, [OfficerRegistered(occurred_at=now, officer_id=stored.id, badge="4127")]

    program.kernel.command(
        CHIEF, Action.MANAGE_OFFICERS, "register_officer", None, work, dispatch_now=False
    )
    assert opened.first.delivered == opened.second.delivered == []
    assert program.dispatch(CHIEF).delivered == 2


@settings(max_examples=60)
@given(st.text(), st.sampled_from([ValueError, OSError, KeyboardInterrupt, Custom]))
def test_failure_text_is_always_utf8(message: str, kind: type[BaseException]) -> None:
    """Whatever an exception says, its description encodes as UTF-8 and names its type."""
    described = describe_failure(kind(message))
    described.encode("utf-8")
    assert described.startswith(kind.__qualname__)


def test_a_stalled_dispatcher_sends_nothing_more_of_what_it_had_claimed(tmp_path: Path) -> None:
    """After a stall past its lease, a dispatcher drops its other claims unsent (stale)."""
    plugin = ScriptedPlugin()
    host = PluginHost.load(builtins=(*BUILTIN_PLUGINS, plugin), entry_points=False)
    now = [dt.datetime(2026, 9, 8, 15, tzinfo=dt.UTC)]
    config = ProgramSettings(notifiers=(NotifierSetting("first"),), dispatch_after_commit=False)
    program = Program.open(
        f"sqlite:///{tmp_path / 'sro.db'}", config, plugins=host, clock=lambda: now[0]
    )
    waiting = [_register(program, str(badge)) for badge in range(3)]
    rival_notifier = Scripted("first")
    rival = Dispatcher(program.storage, {"first": rival_notifier}, config, lambda: now[0])

    def stall(_event: DomainEvent) -> None:
        plugin.made["first"].behaviour = None
        now[0] += program.dispatcher.lease("first") + dt.timedelta(seconds=1)
        assert rival.dispatch().delivered == 3

    plugin.made["first"].behaviour = stall
    try:
        report = program.dispatch(CHIEF)
        assert (report.delivered, report.stale) == (0, 3)
        assert plugin.made["first"].delivered == waiting[:1]  # the one in flight when it stalled
        assert sorted(rival_notifier.delivered) == sorted(waiting)
    finally:
        rival.close()
        program.close()


class Inline(Scripted):
    """A scripted notifier that declares it cannot block."""

    blocking = False


class InlinePlugin:
    """Registers ``inline`` (cannot block) and ``threaded`` (may block), both scripted."""

    def __init__(self) -> None:
        self.made: dict[str, Scripted] = {}

    @hookimpl
    def sro_register_notifiers(self, registry: NotifierRegistry) -> None:
        """Register both kinds; each creation is kept in ``made`` by kind."""
        for kind, cls in (("inline", Inline), ("threaded", Scripted)):

            def make(_options: Mapping[str, str], kind: str = kind, cls: type = cls) -> Notifier:
                self.made[kind] = cls(kind)
                return self.made[kind]

            registry.register(kind, make, "does what the test says")


@pytest.fixture
def inline(tmp_path: Path) -> Iterator[tuple[Program, Scripted, Scripted]]:
    """Open a program on a SQLite file with the ``inline`` and ``threaded`` notifiers."""
    plugin = InlinePlugin()
    host = PluginHost.load(builtins=(*BUILTIN_PLUGINS, plugin), entry_points=False)
    config = ProgramSettings(
        notifiers=(NotifierSetting("inline"), NotifierSetting("threaded")),
        retry_backoff=dt.timedelta(0),
    )
    program = Program.open(f"sqlite:///{tmp_path / 'sro.db'}", config, plugins=host, clock=Clock())
    try:
        yield program, plugin.made["inline"], plugin.made["threaded"]
    finally:
        program.close()


def test_a_notifier_that_cannot_block_is_delivered_in_the_commands_own_thread(
    inline: tuple[Program, Scripted, Scripted],
) -> None:
    """A notifier that cannot block is delivered in the committing thread; others in a worker."""
    program, quick, other = inline
    threads: dict[str, int] = {}
    quick.behaviour = lambda _e: threads.__setitem__("inline", threading.get_ident())
    other.behaviour = lambda _e: threads.__setitem__("threaded", threading.get_ident())
    event_id = _register(program)
    assert threads["inline"] == threading.get_ident()
    assert threads["threaded"] != threading.get_ident()
    assert quick.delivered == other.delivered == [event_id]
    assert _delivery(program, event_id, "inline") == (DeliveryStatus.DELIVERED, "")


def test_an_inline_failure_is_recorded_and_retried_like_any_other(
    inline: tuple[Program, Scripted, Scripted],
) -> None:
    """A notifier that cannot block and fails is retried; its KeyboardInterrupt is raised after."""
    program, quick, other = inline
    quick.behaviour = _raises(ConnectionError("refused"))
    event_id = _register(program)
    assert _delivery(program, event_id, "inline") == (
        DeliveryStatus.PENDING,
        "ConnectionError: refused",
    )
    assert other.delivered == [event_id]
    quick.behaviour = _raises(KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        program.dispatch(CHIEF)
    assert _delivery(program, event_id, "inline") == (DeliveryStatus.PENDING, "KeyboardInterrupt")
    quick.behaviour = None
    assert program.dispatch(CHIEF).delivered == 1
    assert quick.delivered == [event_id]


def test_the_log_notifier_declares_it_cannot_block() -> None:
    """The built-in log notifier is delivered inline; a notifier says nothing: it may block."""
    from sro_core.builtin.notifications import LogNotifier  # noqa: PLC0415

    assert LogNotifier.blocking is False
    assert Scripted.blocking is True
