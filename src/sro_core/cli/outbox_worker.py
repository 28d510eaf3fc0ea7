"""The outbox worker: ``sro outbox run`` delivers continuously; ``sro outbox prune`` tidies up.

Run one (or several) workers when several processes write to the store, or when commands
must not wait for receivers at all: set ``dispatch_after_commit = false`` and let the worker
deliver. Claims keep several workers from sending a delivery twice.
"""

from __future__ import annotations

import datetime as dt
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import click

from sro_core.cli.app import Session, pass_session
from sro_core.cli.operations import outbox, summary
from sro_core.ports import StorageError
from sro_core.service import DispatchReport


@contextmanager
def stopped_by_signals(stop: threading.Event) -> Iterator[None]:
    """Set ``stop`` on SIGTERM or SIGINT while the block runs, instead of dying mid-delivery."""

    def ask_to_stop(_signal: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {s: signal.signal(s, ask_to_stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@click.command("run")
@click.option(
    "--poll",
    type=click.FloatRange(min=0.01),
    default=2.0,
    show_default=True,
    help="Seconds to wait before looking again when nothing was due.",
)
@click.option(
    "--prune-every",
    type=click.FloatRange(min=1),
    default=3600.0,
    show_default=True,
    help="Seconds between prunes of events delivered longer ago than the retention.",
)
@click.option("--once", is_flag=True, help="Make one round, then stop.")
@pass_session
def run(session: Session, *, poll: float, prune_every: float, once: bool) -> None:
    """Deliver the outbox until stopped (SIGTERM, or Ctrl-C), one line per busy round.

    On SIGTERM or SIGINT the worker claims nothing more, lets the deliveries under way finish
    or time out, gives back what it had claimed but not sent, prints its totals and exits 0.

    Example: sro outbox run --once
    """
    program, actor = session.program, session.actor
    stop = threading.Event()
    totals = DispatchReport()
    pruned = 0
    next_prune = time.monotonic()
    with stopped_by_signals(stop):
        while not stop.is_set():
            try:
                if time.monotonic() >= next_prune:
                    pruned += program.prune_outbox(actor)
                    next_prune = time.monotonic() + prune_every
                report = program.dispatch(actor, stop=stop)
            except StorageError as error:
                session.output.note(f"{_now()} the store failed ({error}); trying again")
                report = DispatchReport()
            totals += report
            if report.anything:
                session.output.line(f"{_now()} {summary(report)}")
            if once:
                break
            if not report.anything:
                stop.wait(poll)
    session.output.line(f"stopped: {summary(totals)}, pruned {pruned}")


@click.command("prune")
@click.option(
    "--older-than-days",
    type=click.FloatRange(min=0),
    default=None,
    help="Age of the delivered events to remove (default: the program's retention_days).",
)
@pass_session
def prune(session: Session, *, older_than_days: float | None) -> None:
    """Remove events delivered to every notifier longer ago than the retention.

    Example: sro outbox prune
    """
    older = None if older_than_days is None else dt.timedelta(days=older_than_days)
    count = session.program.prune_outbox(session.actor, older)
    session.output.line(f"pruned {count} delivered events")


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


outbox.add_command(run)
outbox.add_command(prune)

COMMANDS: tuple[click.Command, ...] = ()
"""Nothing new at the top: ``run`` and ``prune`` join the ``outbox`` group."""
