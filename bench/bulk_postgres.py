"""Bulk recording of incidents with their persons into PostgreSQL, vs binary ``COPY``.

Library: the JSON-lines dicts through ``sro_core.serialization.structure_documents`` (every
validator runs; each dict, already in the wire format, is kept as the document), then
``unit.incidents.add_many`` of the records with their documents in one unit of work (the
store loads it with binary ``COPY``). Raw: the same dicts turned into the same rows by hand
and loaded with psycopg's binary ``COPY`` (``set_types``), the fastest the driver offers, in
one transaction. Both end with the same rows committed (checked).
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import common
import psycopg
from psycopg import sql
from sro_core_postgres.store import PostgresStorage

from sro_core.domain import Incident
from sro_core.ports import StorageSettings
from sro_core.serialization import structure_documents

INCIDENT_COPY = (
    "COPY incidents (id, version, number, school_id, reporting_officer_id, status, category, "
    "location_kind, occurred_at, local_month, referred_to_law_enforcement, "
    "school_related_arrest, narrative, document) FROM STDIN (FORMAT BINARY)"
)
INCIDENT_TYPES = [
    "uuid", "int4", "text", "uuid", "uuid", "text", "text", "text", "timestamptz", "text",
    "bool", "bool", "text", "text",
]  # fmt: skip
INVOLVEMENT_COPY = (
    "COPY involvements (incident_id, person_id, person_kind, victim, suspect, offender, "
    "arrestee, witness, reporting_party, sex, race_ethnicity, idea, section_504, "
    "english_learner) FROM STDIN (FORMAT BINARY)"
)
INVOLVEMENT_TYPES = [
    "uuid", "uuid", "text", "bool", "bool", "bool", "bool", "bool", "bool", "text", "text",
    "bool", "bool", "bool",
]  # fmt: skip


def _store(url: str) -> PostgresStorage:
    return PostgresStorage(StorageSettings(url, common.calendar()))


def library(url: str, dicts: list[dict[str, Any]]) -> float:
    """Structure every dict and add them all in one unit of work; return the seconds."""
    storage = _store(url)
    try:

        def work() -> None:
            read = structure_documents(dicts, Incident)
            with storage.unit_of_work() as unit:
                unit.incidents.add_many([r for r, _ in read], [d for _, d in read])

        return common.timed(work)
    finally:
        storage.close()


def raw(url: str, schema: str, dicts: list[dict[str, Any]]) -> float:
    """Load the same rows with binary COPY in one transaction; return the seconds."""
    _store(url).close()  # the same schema, empty
    with psycopg.connect(common.postgres_url()) as connection:
        connection.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
        connection.commit()

        def work() -> None:
            UUID = uuid.UUID  # noqa: N806 - a local name for speed
            with connection.cursor() as cursor:
                involvements = []
                with cursor.copy(INCIDENT_COPY) as copy:
                    copy.set_types(INCIDENT_TYPES)
                    for data in dicts:
                        row, involved = common.raw_incident(data)
                        school = row[3]
                        copy.write_row(
                            (
                                UUID(row[0]),
                                *row[1:3],
                                None if school is None else UUID(school),
                                UUID(row[4]),
                                *row[5:],
                            )
                        )
                        involvements.extend(involved)
                with cursor.copy(INVOLVEMENT_COPY) as copy:
                    copy.set_types(INVOLVEMENT_TYPES)
                    for row in involvements:
                        copy.write_row((UUID(row[0]), UUID(row[1]), *row[2:]))
            connection.commit()

        return common.timed(work)


def digest(schema: str) -> str:
    """Return a hash of every incident and involvement row of a schema, in id order."""
    found = hashlib.sha256()
    with psycopg.connect(common.postgres_url()) as connection:
        connection.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
        for table, order in (("incidents", "id"), ("involvements", "incident_id, person_id")):
            query = f"SELECT * FROM {table} ORDER BY {order}"  # noqa: S608 - our names
            for row in connection.execute(query.encode()):
                found.update(repr(row).encode())
    return found.hexdigest()


def main() -> None:
    """Measure both sides and report the figure."""
    options = common.arguments(__doc__.splitlines()[0], size=50_000, tiny=2_000)
    server = common.postgres_url()
    dicts = list(common.incident_dicts(options.size))
    schemas: list[str] = []

    def fresh(what: str) -> tuple[str, str]:
        name = common.new_schema_name(what)
        schemas.append(name)
        return common.with_schema(server, name), name

    try:
        mine = common.best_of(options.repeat, lambda: library(fresh("lib")[0], dicts))
        lib_schema = schemas[-1]
        theirs = common.best_of(options.repeat, lambda: raw(*fresh("raw"), dicts))
        if digest(lib_schema) != digest(schemas[-1]):
            raise SystemExit("bulk_postgres: the library and raw COPY committed different rows")
    finally:
        for name in schemas:
            common.drop_schema(server, name)
    rate, raw_rate = options.size / mine, options.size / theirs
    ratio = rate / raw_rate
    common.report(
        common.Figure(
            "bulk recording into PostgreSQL vs binary COPY",
            "incidents/s",
            rate,
            raw_rate,
            ratio,
            ">= 40%",
            ">= 60%",
            ratio >= 0.4,
            ratio >= 0.6,
            options.size,
            "same rows committed: checked",
        ),
        as_json=options.json,
    )


if __name__ == "__main__":
    main()
