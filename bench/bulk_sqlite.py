"""Bulk recording of incidents with their persons into SQLite, vs hand-written ``executemany``.

Library: the JSON-lines dicts through ``sro_core.serialization.structure_documents`` (every
validator runs; each dict, already in the wire format, is kept as the document), then
``unit.incidents.add_many`` of the records with their documents in one unit of work. Raw: the
same dicts turned into the same rows by hand (UTC text times, local month, CRDC group, the
document) and written with ``executemany`` in one transaction. Both end with the same rows
committed (checked).
"""

from __future__ import annotations

import hashlib
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import common

from sro_core.builtin.sqlite import SQLiteStorage
from sro_core.domain import Incident
from sro_core.ports import StorageSettings
from sro_core.serialization import structure_documents

INCIDENT_INSERT = (
    "INSERT INTO incidents (id, version, number, school_id, reporting_officer_id, status, "
    "category, location_kind, occurred_at, local_month, referred_to_law_enforcement, "
    "school_related_arrest, narrative, document) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
INVOLVEMENT_INSERT = "INSERT INTO involvements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


def _store(folder: Path, name: str) -> str:
    """Make an empty store (the library's schema) and return its file."""
    path = folder / f"{name}.db"
    SQLiteStorage(StorageSettings(f"sqlite:///{path}", common.calendar())).close()
    return str(path)


def library(path: str, dicts: list[dict[str, Any]]) -> float:
    """Structure every dict and add them all in one unit of work; return the seconds."""
    storage = SQLiteStorage(StorageSettings(f"sqlite:///{path}", common.calendar()))
    try:

        def work() -> None:
            read = structure_documents(dicts, Incident)
            with storage.unit_of_work() as unit:
                unit.incidents.add_many([r for r, _ in read], [d for _, d in read])

        return common.timed(work)
    finally:
        storage.close()


def raw(path: str, dicts: list[dict[str, Any]]) -> float:
    """Write the same rows with executemany in one transaction; return the seconds."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA synchronous = NORMAL")

    def work() -> None:
        incidents, involvements = [], []
        for data in dicts:
            row, involved = common.raw_incident(data)
            incidents.append((*row[:8], row[8].isoformat(timespec="microseconds"), *row[9:]))
            involvements.extend(involved)
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(INCIDENT_INSERT, incidents)
        connection.executemany(INVOLVEMENT_INSERT, involvements)
        connection.execute("COMMIT")

    try:
        return common.timed(work)
    finally:
        connection.close()


def digest(path: str) -> str:
    """Return a hash of every incident and involvement row, in id order."""
    found = hashlib.sha256()
    with sqlite3.connect(path) as connection:
        for table, order in (("incidents", "id"), ("involvements", "incident_id, person_id")):
            for row in connection.execute(f"SELECT * FROM {table} ORDER BY {order}"):  # noqa: S608
                found.update(repr(row).encode())
    return found.hexdigest()


def main() -> None:
    """Measure both sides and report the figure."""
    options = common.arguments(__doc__.splitlines()[0], size=50_000, tiny=2_000)
    dicts = list(common.incident_dicts(options.size))
    with tempfile.TemporaryDirectory(prefix="sro-bench-") as folder:
        where = Path(folder)
        runs = iter(range(1_000))
        mine = common.best_of(
            options.repeat, lambda: library(_store(where, f"lib{next(runs)}"), dicts)
        )
        mine_cpu = common.least_cpu()
        theirs = common.best_of(
            options.repeat, lambda: raw(_store(where, f"raw{next(runs)}"), dicts)
        )
        theirs_cpu = common.least_cpu()
        same = digest(str(where / "lib0.db")) == digest(str(where / f"raw{options.repeat}.db"))
    if not same:
        raise SystemExit("bulk_sqlite: the library and the raw side committed different rows")
    rate, raw_rate = options.size / mine, options.size / theirs
    ratio = rate / raw_rate
    common.report(
        common.Figure(
            "bulk recording into SQLite vs executemany",
            "incidents/s",
            rate,
            raw_rate,
            ratio,
            ">= 50%",
            ">= 70%",
            ratio >= 0.5,
            ratio >= 0.7,
            options.size,
            f"same rows committed: checked; in cpu time (this process: the library, or the "
            f"raw side, and SQLite) the ratio is {theirs_cpu / mine_cpu:.2f}",
        ),
        as_json=options.json,
    )


if __name__ == "__main__":
    main()
