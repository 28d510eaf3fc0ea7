"""Dispatch cost per command with a million delivered events in the outbox, vs an empty outbox.

Library, both sides: ``Program.register_officer`` with ``dispatch_after_commit`` on, so each
command commits its event and then claims, delivers (log notifier) and settles it, on a SQLite
WAL file. One store's outbox holds ``--size`` events already delivered and settled (loaded
with ``sqlite3`` in the store's own schema, outside the timing), the other's is empty. The
claim query reads the open events only, through their partial index, so the two medians
should match: the ratio is full over empty (aim ≤ 1.2). A second line shows the worker's
round (``Program.dispatch``) with one new event, full over empty.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import tempfile
import time
import uuid
from pathlib import Path

import common

from sro_core.domain import Actor, ActorRole, Officer, OfficerRegistered
from sro_core.serialization import unstructure
from sro_core.service import Program, ProgramSettings

CHIEF = Actor(id="chief", name="Chief", role=ActorRole.SUPERVISOR)
BLOCKS, BLOCK, WARM_BLOCKS = 10, 30, 3
"""Timed blocks of commands per store, commands per block, untimed blocks first."""


def _store(path: Path) -> None:
    """Create the store's schema."""
    with Program.open(f"sqlite:///{path}", ProgramSettings()):
        pass


def _fill(path: Path, count: int) -> None:
    """Put ``count`` events in the outbox, each delivered to the log notifier and settled."""
    at = dt.datetime(2025, 1, 6, 8, tzinfo=dt.UTC)
    when = at.isoformat(timespec="microseconds")
    event = unstructure(OfficerRegistered(occurred_at=at, officer_id=uuid.UUID(int=1), badge="1"))
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("BEGIN")
        for start in range(0, count, 50_000):
            ids = [str(uuid.uuid4()) for _ in range(min(50_000, count - start))]
            connection.executemany(
                "INSERT INTO outbox (event_id, urgent, event, recorded_at, settled_at) "
                "VALUES (?, 0, ?, ?, ?)",
                [(i, json.dumps({**event, "event_id": i}), when, when) for i in ids],
            )
            connection.executemany(
                "INSERT INTO deliveries (event_id, notifier, status, attempts) "
                "VALUES (?, 'log', 'delivered', 1)",
                [(i,) for i in ids],
            )
        connection.execute("COMMIT")
    finally:
        connection.close()


def _measure(paths: dict[str, Path], *, dispatch: bool) -> dict[str, list[float]]:
    """Time commands on each store, in alternating blocks so that drift hits both alike.

    With ``dispatch`` each command dispatches after commit and is timed whole; without, it
    leaves its event waiting and the worker's round that delivers it is timed.
    """
    settings = ProgramSettings(time_zone=common.ZONE, dispatch_after_commit=dispatch)
    samples: dict[str, list[float]] = {name: [] for name in paths}
    programs = {name: Program.open(f"sqlite:///{p}", settings) for name, p in paths.items()}
    try:
        for block in range(-WARM_BLOCKS, BLOCKS):
            for name, program in programs.items():
                for n in range(BLOCK):
                    badge = f"{dispatch:d}-{block}-{n}"
                    officer = Officer(badge=badge, name="Bench Officer")
                    began = time.perf_counter()
                    program.register_officer(CHIEF, officer)
                    if not dispatch:
                        began = time.perf_counter()
                        program.dispatch(CHIEF)
                    if block >= 0:
                        samples[name].append(time.perf_counter() - began)
    finally:
        for program in programs.values():
            program.close()
    return samples


def main() -> None:
    """Measure both stores and report the figures."""
    options = common.arguments(__doc__.splitlines()[0], size=1_000_000, tiny=2_000)
    with tempfile.TemporaryDirectory(prefix="sro-bench-") as folder:
        paths = {"empty": Path(folder) / "empty.db", "full": Path(folder) / "full.db"}
        for path in paths.values():
            _store(path)
        _fill(paths["full"], options.size)
        commands = _measure(paths, dispatch=True)
        rounds = _measure(paths, dispatch=False)
    full_ms = common.median(commands["full"]) * 1e3
    empty_ms = common.median(commands["empty"]) * 1e3
    ratio = full_ms / empty_ms
    full_round, empty_round = common.median(rounds["full"]), common.median(rounds["empty"])
    common.report(
        common.Figure(
            f"a command with dispatch after commit, {options.size:,} delivered events vs none",
            "ms",
            full_ms,
            empty_ms,
            ratio,
            "<= 1.5x empty",
            "<= 1.2x empty",
            ratio <= 1.5,
            ratio <= 1.2,
            options.size,
            f"median of {BLOCKS * BLOCK} commands each; the worker's round delivering one new "
            f"event: {full_round * 1e3:.3f} ms full vs {empty_round * 1e3:.3f} ms empty "
            f"(ratio {full_round / empty_round:.2f})",
        ),
        as_json=options.json,
    )


if __name__ == "__main__":
    main()
