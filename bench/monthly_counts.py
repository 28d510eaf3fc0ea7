"""Monthly counts by school x category over many incidents, vs the hand-written SQL.

Library: ``Program.monthly_counts`` for a supervisor over the whole span (access check, one
unit of work, the store's native ``GROUP BY`` on the shipped indexes, ``MonthlyFigure`` rows;
without the sealed-records permission, so sealed incidents are left out, as by the raw
statement).
Raw: SQL written by hand over the same table, rows as tuples; the faster of two hand-written
queries is the raw figure: the store's own statement, and the one an analyst writes first
(SQLite: grouping the stored ``local_month`` without bounding it; PostgreSQL: computing the
month in the database, ``to_char(occurred_at AT TIME ZONE zone, 'YYYY-MM')``). The rows are
loaded without their documents (these queries never read them), so a million load in seconds.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import tempfile
import uuid
import zoneinfo
from collections.abc import Iterator
from pathlib import Path

import common

from sro_core.domain import Actor, ActorRole
from sro_core.ports import Period
from sro_core.service import Program, ProgramSettings

CHIEF = Actor(id="chief", name="Chief", role=ActorRole.SUPERVISOR)
PERIOD = Period(
    dt.datetime(2023, 7, 1, 7, tzinfo=dt.UTC), dt.datetime(2026, 7, 1, 7, tzinfo=dt.UTC)
)
SQLITE_STORE_SQL = (
    "SELECT school_id, local_month, category, count(*) FROM incidents "
    "WHERE local_month BETWEEN ? AND ? AND occurred_at >= ? AND occurred_at < ? "
    "AND status <> 'draft' AND NOT sealed GROUP BY local_month, school_id, category "
    "ORDER BY local_month, school_id, category"
)
POSTGRES_STORE_SQL = (
    "SELECT school_id, local_month, category, count(*) FROM incidents "
    "WHERE local_month BETWEEN %s AND %s AND occurred_at >= %s AND occurred_at < %s "
    "AND status <> 'draft' AND NOT sealed GROUP BY local_month, school_id, category "
    "ORDER BY local_month, school_id NULLS FIRST, category"
)
MONTHS = ("2023-06", "2026-07")
SQLITE_SQL = (
    "SELECT school_id, local_month, category, count(*) FROM incidents "
    "WHERE status <> 'draft' AND occurred_at >= ? AND occurred_at < ? "
    "GROUP BY school_id, local_month, category"
)
POSTGRES_SQL = (
    "SELECT school_id, to_char(occurred_at AT TIME ZONE %s, 'YYYY-MM') AS month, category, "
    "count(*) FROM incidents WHERE status <> 'draft' AND occurred_at >= %s AND occurred_at < %s "
    "GROUP BY school_id, month, category"
)


def rows(count: int) -> Iterator[tuple[object, ...]]:
    """Yield incident rows (no document) spread over three school years, 20 schools."""
    rng = random.Random(11)  # noqa: S311 - repeatable data, nothing secret
    zone = zoneinfo.ZoneInfo(common.ZONE)
    for n in range(count):
        start = common.SPAN_START + dt.timedelta(seconds=rng.randrange(common.SPAN_SECONDS))
        yield (
            uuid.UUID(int=rng.getrandbits(128), version=4),
            1,
            None if n % 50 == 0 else f"{2000 + n // 999_999}-{n % 999_999 + 1:06d}",
            common.SCHOOLS[n % len(common.SCHOOLS)] if n % 10 else None,
            common.OFFICERS[n % len(common.OFFICERS)],
            "draft" if n % 50 == 0 else "reported",
            common.CATEGORIES[(n * 7 + n // 20) % len(common.CATEGORIES)],
            "on_campus",
            start,
            start.astimezone(zone).strftime("%Y-%m"),
            False,
            False,
            "",
            "{}",
        )


def _library(url: str, repeat: int) -> tuple[float, int]:
    settings = ProgramSettings(time_zone=common.ZONE)
    with Program.open(url, settings, plugins=common.plugins()) as program:
        found = program.monthly_counts(CHIEF, PERIOD)
        seconds = common.best_of(
            repeat, lambda: common.timed(lambda: program.monthly_counts(CHIEF, PERIOD))
        )
    return seconds, len(found)


def sqlite_figure(size: int, repeat: int) -> tuple[common.Figure, float]:
    """Measure the SQLite store; return the figure and the load time."""
    import bulk_sqlite  # noqa: PLC0415 - its helpers make the same empty store

    with tempfile.TemporaryDirectory(prefix="sro-bench-") as folder:
        path = bulk_sqlite._store(Path(folder), "counts")  # noqa: SLF001
        with sqlite3.connect(path, isolation_level=None) as connection:
            load = common.timed(
                lambda: (
                    connection.execute("BEGIN"),
                    connection.executemany(
                        bulk_sqlite.INCIDENT_INSERT,
                        (
                            (
                                str(r[0]),
                                r[1],
                                r[2],
                                None if r[3] is None else str(r[3]),
                                str(r[4]),
                                *r[5:8],
                                r[8].isoformat(timespec="microseconds"),
                                *r[9:],
                            )
                            for r in rows(size)
                        ),
                    ),
                    connection.execute("COMMIT"),
                    connection.execute("ANALYZE"),
                )
            )
        mine, groups = _library(f"sqlite:///{path}", repeat)
        start, end = (t.isoformat(timespec="microseconds") for t in (PERIOD.start, PERIOD.end))
        with sqlite3.connect(path) as connection:
            naive = common.best_of(
                repeat,
                lambda: common.timed(
                    lambda: connection.execute(SQLITE_SQL, (start, end)).fetchall()
                ),
            )
            same = common.best_of(
                repeat,
                lambda: common.timed(
                    lambda: connection.execute(SQLITE_STORE_SQL, (*MONTHS, start, end)).fetchall()
                ),
            )
            raw_groups = len(connection.execute(SQLITE_SQL, (start, end)).fetchall())
        theirs = min(naive, same)
    if groups != raw_groups:
        raise SystemExit(f"monthly_counts: {groups} groups from the library, {raw_groups} raw")
    ratio = mine / theirs
    figure = common.Figure(
        "monthly counts by school x category, SQLite, vs hand-written SQL",
        "ms",
        mine * 1e3,
        theirs * 1e3,
        ratio,
        "<= 1.5x",
        "<= 1.1x",
        ratio <= 1.5,
        ratio <= 1.1,
        size,
        f"{groups} groups; raw: the store's statement by hand {same * 1e3:.1f} ms, the "
        f"unbounded GROUP BY local_month {naive * 1e3:.1f} ms; loaded in {load:.1f} s",
    )
    return figure, load


def postgres_figure(size: int, repeat: int) -> common.Figure:
    """Measure the PostgreSQL store."""
    import bulk_postgres  # noqa: PLC0415 - its COPY statement and types
    import psycopg  # noqa: PLC0415
    from psycopg import sql  # noqa: PLC0415

    server = common.postgres_url()
    schema = common.new_schema_name("counts")
    url = common.with_schema(server, schema)
    try:
        bulk_postgres._store(url).close()  # noqa: SLF001
        with psycopg.connect(server) as connection:
            connection.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
            with connection.cursor() as cursor, cursor.copy(bulk_postgres.INCIDENT_COPY) as copy:
                copy.set_types(bulk_postgres.INCIDENT_TYPES)
                for row in rows(size):
                    copy.write_row(row)
            connection.commit()
            connection.autocommit = True
            connection.execute("VACUUM ANALYZE incidents")
            mine, groups = _library(url, repeat)
            theirs = common.best_of(
                repeat,
                lambda: common.timed(
                    lambda: connection.execute(
                        POSTGRES_SQL, (common.ZONE, PERIOD.start, PERIOD.end)
                    ).fetchall()
                ),
            )
            same = common.best_of(
                repeat,
                lambda: common.timed(
                    lambda: connection.execute(
                        POSTGRES_STORE_SQL, (*MONTHS, PERIOD.start, PERIOD.end)
                    ).fetchall()
                ),
            )
            naive = theirs
            theirs = min(naive, same)
            raw_groups = len(
                connection.execute(POSTGRES_SQL, (common.ZONE, PERIOD.start, PERIOD.end)).fetchall()
            )
    finally:
        common.drop_schema(server, schema)
    if groups != raw_groups:
        raise SystemExit(f"monthly_counts: {groups} groups from the library, {raw_groups} raw")
    ratio = mine / theirs
    return common.Figure(
        "monthly counts by school x category, PostgreSQL, vs hand-written SQL",
        "ms",
        mine * 1e3,
        theirs * 1e3,
        ratio,
        "<= 1.5x",
        "<= 1.1x",
        ratio <= 1.5,
        ratio <= 1.1,
        size,
        f"{groups} groups; raw: the store's statement by hand {same * 1e3:.1f} ms, "
        f"to_char(occurred_at AT TIME ZONE ...) {naive * 1e3:.1f} ms",
    )


def main() -> None:
    """Measure both stores and report the figures."""
    options = common.arguments(__doc__.splitlines()[0], size=1_000_000, tiny=20_000)
    figure, _ = sqlite_figure(options.size, max(options.repeat, 3))
    common.report(figure, as_json=options.json)
    common.report(postgres_figure(options.size, max(options.repeat, 3)), as_json=options.json)


if __name__ == "__main__":
    main()
