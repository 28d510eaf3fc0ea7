"""Print the plan of every aggregate and incident query, as each SQL store sends it.

Each query of :class:`~sro_core.ports.Queries` is run in a unit of work whose ``execute`` is
replaced by one that asks the database for the statement's plan instead (SQLite ``EXPLAIN
QUERY PLAN``, PostgreSQL ``EXPLAIN``), so the plans are those of the statements and parameters
the store really sends. Run it before and after a change to the SQL layer and compare the two
outputs: a query whose plan changed shows up as a difference. The stores are new and empty,
which keeps the plans the same from one run to the next. ``tests/test_query_plans.py`` holds
the SQLite plans to ``query_plans.txt`` (where the SQLite version is the one it names).

    python bench/query_plans.py [--postgres URL] > plans.txt
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import sqlite3
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from common import drop_schema, new_schema_name, postgres_url, with_schema

from sro_core.builtin.sqlite import SQLiteStorage
from sro_core.domain import IncidentStatus, ProgramCalendar, SchoolYear
from sro_core.ports import IncidentFilter, Page, Period, Storage, StorageSettings, UnitOfWork

_START = dt.datetime(2025, 8, 1, tzinfo=dt.UTC)
_PERIOD = Period(_START, _START + dt.timedelta(days=120))
_SCHOOL = uuid.UUID(int=7)

QUERIES: dict[str, Callable[[UnitOfWork], object]] = {
    "monthly_counts": lambda u: u.queries.monthly_counts(_PERIOD),
    "location_counts": lambda u: u.queries.location_counts(_PERIOD),
    "contact_counts": lambda u: u.queries.contact_counts(_PERIOD),
    "referral_counts": lambda u: u.queries.referral_counts(_PERIOD),
    "triad_split": lambda u: u.queries.triad_split(_PERIOD),
    "crdc_counts": lambda u: u.queries.crdc_counts(SchoolYear(2025)),
    "monthly_counts (sealed too)": lambda u: u.queries.monthly_counts(_PERIOD, include_sealed=True),
    "referral_counts (sealed too)": lambda u: u.queries.referral_counts(
        _PERIOD, include_sealed=True
    ),
    "crdc_counts (sealed too)": lambda u: u.queries.crdc_counts(
        SchoolYear(2025), include_sealed=True
    ),
    "review_queue": lambda u: u.queries.review_queue(),
    "find_incidents (school, time)": lambda u: u.queries.find_incidents(
        IncidentFilter(school_ids=frozenset({_SCHOOL}), occurred_from=_START), Page(size=50)
    ),
    "find_incidents (many schools)": lambda u: u.queries.find_incidents(
        IncidentFilter(school_ids=frozenset(uuid.UUID(int=n) for n in range(150))), Page(size=50)
    ),
    "find_incidents (text, status)": lambda u: u.queries.find_incidents(
        IncidentFilter(text="Fight", statuses=frozenset({IncidentStatus.REPORTED})), Page()
    ),
    "find_incident_documents (category)": lambda u: u.queries.find_incident_documents(
        IncidentFilter(categories=frozenset({"assault"})), Page(size=500)
    ),
}


class _Planned(Exception):
    """Raised by the recording ``execute`` once the plan of the query's statement is read."""


def plans(storage: Storage, explain: str, render: Callable[[list[Any]], str]) -> Iterator[str]:
    """Yield each query's name and the plan of every statement it sends."""
    for name, run in QUERIES.items():
        found: list[str] = []
        with storage.unit_of_work() as unit:
            execute = unit.execute  # type: ignore[attr-defined]

            def explained(
                sql: str, parameters: Any = (), execute: Any = execute, found: list[str] = found
            ) -> Any:
                found.append(render(execute(f"{explain} {sql}", parameters).fetchall()))
                raise _Planned

            unit.execute = explained  # type: ignore[attr-defined]
            with contextlib.suppress(_Planned):
                run(unit)
        yield f"## {name}\n" + "\n".join(found) + "\n"


def _sqlite_plan(rows: list[Any]) -> str:
    depth: dict[int, int] = {0: 0}
    lines = []
    for node, parent, _unused, detail in rows:
        depth[node] = depth.get(parent, 0) + 1
        lines.append("  " * depth[node] + detail)
    return "\n".join(lines)


def _show(title: str, found: Iterator[str]) -> None:
    sys.stdout.write(f"{title}\n" + "\n".join(found) + "\n")


def sqlite_plans() -> str:
    """Return the SQLite section of the output: its title, then every query's plan."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'plans.db'}"
        storage = SQLiteStorage(StorageSettings(url, ProgramCalendar()))
        try:
            found = "\n".join(plans(storage, "EXPLAIN QUERY PLAN", _sqlite_plan))
        finally:
            storage.close()
    return f"# SQLite {sqlite3.sqlite_version}\n\n" + found + "\n"


def main() -> None:
    """Print the plans of both stores."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", default=None, help="PostgreSQL URL (default: the bench's)")
    options = parser.parse_args()
    calendar = ProgramCalendar()
    sys.stdout.write(sqlite_plans())
    from sro_core_postgres.store import PostgresStorage  # noqa: PLC0415 - only when asked

    server = options.postgres or postgres_url()
    schema = new_schema_name("plans")
    storage = PostgresStorage(StorageSettings(with_schema(server, schema), calendar))
    try:
        _show(
            "# PostgreSQL\n",
            plans(storage, "EXPLAIN", lambda rows: "\n".join(row[0] for row in rows)),
        )
    finally:
        storage.close()
        drop_schema(server, schema)


if __name__ == "__main__":
    main()
