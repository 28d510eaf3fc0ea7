"""Finding a person in a master index of 10,000 people (SQLite), by matching keys vs a scan.

Library: ``Program.find_people`` for a name and a date of birth, as an SRO looks someone up:
``PersonIndex.similar`` asks SQL for the records sharing a matching key with the name (the
``person_keys`` table, migration 8) and the matching rule decides among them. Raw: the same call
with ``similar`` reading every unmerged record, as before the keys (the contract's default),
so the rule runs over the whole index. Median of each over the same lookups; both answer alike
(checked). Names are drawn from 40 first names and about 1,100 surnames built from syllables,
so that sounds collide as a town's do. With ``SRO_BENCH_POSTGRES_URL`` set, the same on
PostgreSQL, in a schema of its own.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import tempfile
import time
from pathlib import Path

import common

from sro_core.domain import (
    Actor,
    ActorRole,
    Permission,
    PersonKind,
    PersonRecord,
)
from sro_core.ports import PersonIndex
from sro_core.service import Program, ProgramSettings
from sro_core.sql.people import SQLPeople

CHIEF = Actor(
    id="chief",
    name="Chief",
    role=ActorRole.SUPERVISOR,
    permissions=frozenset({Permission.JUVENILE_RECORDS}),
)
FIRST = (
    *("José", "Maria", "Ana", "Luis", "Carlos", "Sofia", "Daniel", "Lucia", "Miguel", "Elena"),
    *("Juan", "Camila", "David", "Valeria", "Jorge", "Isabel", "Pedro", "Paula", "Diego", "Sara"),
    *("James", "Mary", "John", "Linda", "Robert", "Emily", "Michael", "Sarah", "William", "Emma"),
    *("Katherine", "Catherine", "Olivia", "Noah", "Liam", "Ava", "Ethan", "Mia", "Zoë", "Jacob"),
)
SYLLABLES = ("ro", "dri", "gu", "mar", "ti", "nez", "her", "nan", "lo", "pe", "san", "chez")
ENDINGS = ("z", "s", "son", "er", "ez", "ton", "ley", "")


def _people(count: int, rng: random.Random) -> list[PersonRecord]:
    return [
        PersonRecord(
            PersonKind.STUDENT,
            f"{rng.choice(FIRST)} {rng.choice(SYLLABLES).title()}{rng.choice(SYLLABLES)}"
            f"{rng.choice(ENDINGS)}",
            date_of_birth=dt.date(2008, 1, 1) + dt.timedelta(days=rng.randrange(2_000)),
            student_number=f"S-{n:06d}",
        )
        for n in range(count)
    ]


def _lookups(program: Program, wanted: list[PersonRecord]) -> tuple[list[float], list[object]]:
    samples, answers = [], []
    for person in wanted:
        began = time.perf_counter()
        found = program.find_people(CHIEF, person.name, date_of_birth=person.date_of_birth)
        samples.append(time.perf_counter() - began)
        answers.append([c.record.id for c in found])
    return samples, answers


Measured = tuple[list[float], list[float], float]
"""The seconds of each lookup with the keys, of each by a scan, and of writing the index."""


def measure(url: str, people: list[PersonRecord], wanted: list[PersonRecord]) -> Measured:
    """Fill a store's index, look people up with the keys and by a scan; check they agree."""
    settings = ProgramSettings(time_zone=common.ZONE, dispatch_after_commit=False)
    with Program.open(url, settings) as program:
        began = time.perf_counter()
        with program.storage.unit_of_work() as unit:
            unit.people.add_many(people)
            unit.commit()
        filling = time.perf_counter() - began
        _lookups(program, wanted[:10])  # warm the caches
        keyed, by_keys = _lookups(program, wanted)
        keyed_similar = SQLPeople.similar
        SQLPeople.similar = PersonIndex.similar  # type: ignore[method-assign]
        try:
            scanned, by_scan = _lookups(program, wanted)
        finally:
            SQLPeople.similar = keyed_similar  # type: ignore[method-assign]
    if by_keys != by_scan or not all(by_keys):
        raise SystemExit("the keys found other people than the scan, or nobody")
    return keyed, scanned, filling


def _figure(store: str, size: int, measured: Measured) -> common.Figure:
    keyed, scanned, filling = measured
    median, scan = common.median(keyed) * 1e3, common.median(scanned) * 1e3
    return common.Figure(
        f"find_people in an index of {size:,} people, {store}, matching keys vs a scan (median)",
        "ms",
        median,
        scan,
        median / scan,
        "< 20 ms median",
        "<= 0.1x the scan",
        median < 20.0,
        median / scan <= 0.1,
        size,
        f"p99 {common.percentile(keyed, 0.99) * 1e3:.3f} ms vs scan p99 "
        f"{common.percentile(scanned, 0.99) * 1e3:.3f} ms; same answers; the index (with its "
        f"keys) written in {filling:.2f} s",
    )


def main() -> None:
    """Measure on SQLite, and on PostgreSQL when ``SRO_BENCH_POSTGRES_URL`` names a server."""
    options = common.arguments(__doc__.splitlines()[0], 10_000, 1_000)
    rng = random.Random(17)  # noqa: S311 - the same people each run, not a secret
    people = _people(options.size, rng)
    wanted = rng.sample(people, 100)
    with tempfile.TemporaryDirectory(prefix="sro-bench-") as folder:
        measured = measure(f"sqlite:///{Path(folder) / 'people.db'}", people, wanted)
    common.report(_figure("SQLite", options.size, measured), as_json=options.json)
    if not os.environ.get("SRO_BENCH_POSTGRES_URL"):
        return
    server, schema = common.postgres_url(), common.new_schema_name("people")
    try:
        measured = measure(common.with_schema(server, schema), people, wanted)
    finally:
        common.drop_schema(server, schema)
    common.report(_figure("PostgreSQL", options.size, measured), as_json=options.json)


if __name__ == "__main__":
    main()
