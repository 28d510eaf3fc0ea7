"""The SQLite store's schema: numbered forward migrations, and how a database is recognised.

Migration ``n`` is ``MIGRATIONS[n - 1]``: the shared tables of :mod:`sro_core.sql.ddl` in
SQLite's types, run by :mod:`sro_core.sql.migrations`; the ``schema_version`` table records
every migration applied and when. A database is ours when its header carries
:data:`APPLICATION_ID` and it has a ``schema_version`` table; an empty database is new and is
given the whole schema. Each aggregate is one table holding the record as its JSON document
(the wire format of :mod:`sro_core.serialization`) beside the columns its queries and
uniqueness rules need. Times in columns are UTC text in one fixed format
(``2025-03-09T10:00:00.000000+00:00``), so text order is time order; ``local_month`` is the
program-local month, computed when the row is written, which binds the store to the time zone
recorded in ``store_settings``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from sro_core import sql
from sro_core.domain import ProgramCalendar
from sro_core.sql import ddl

APPLICATION_ID = 0x53524F43
"""``PRAGMA application_id`` of an sro_core database ("SROC")."""

DDL_TYPES = {
    "key": "TEXT",
    "int": "INTEGER",
    "long": "INTEGER",
    "serial": "INTEGER PRIMARY KEY AUTOINCREMENT",
    "name": "TEXT",
    "text": "TEXT",
    "time": "TEXT",
    "date": "TEXT",
    "flag": "INTEGER",
    "bytes": "TEXT",
    "nulls_first": "",
    "without_rowid": " WITHOUT ROWID",
}
"""How SQLite spells the column types of :mod:`sro_core.sql.ddl`: ids and times are text."""

_WAITING_SINCE = """
UPDATE incidents SET review_since = (
    SELECT CASE WHEN instr(at, '.') > 0 THEN at
        ELSE substr(at, 1, 19) || '.000000' || substr(at, 20) END
    FROM (SELECT json_extract(incidents.document, '$.reviews[#-1].at') AS at)
)
WHERE status <> 'draft' AND json_extract(document, '$.review') = 'submitted';
"""
"""Added to the review queue's migration: the stored reports that wait, found in their documents.

A document writes its UTC times without the microseconds when they are zero, the column always
with them.
"""

_PEOPLE_LIFTED = """
UPDATE contacts SET person_id = json_extract(document, '$.person_id');
UPDATE crises SET incident_id = json_extract(document, '$.incident_id');
INSERT INTO people (id, version, document)
SELECT person_id, 1, json_set(person, '$.version', 1, '$.school_id', school_id)
FROM (
    SELECT json_extract(v.value, '$.person.id') AS person_id,
        json_extract(v.value, '$.person') AS person, i.school_id,
        row_number() OVER (
            PARTITION BY json_extract(v.value, '$.person.id') ORDER BY i.occurred_at, i.id
        ) AS n
    FROM incidents AS i, json_each(i.document, '$.involvements') AS v
) AS recorded
WHERE n = 1 AND person_id NOT IN (SELECT id FROM people);
"""
"""Added to the person index's migration: its columns filled, the recorded people lifted."""

_SEALED = """
UPDATE incidents SET sealed = 1 WHERE EXISTS (
    SELECT 1 FROM json_each(incidents.document, '$.restrictions') WHERE value = 'sealed'
);
"""
"""Added to the sealed column's migration: the stored incidents an order sealed."""

MIGRATIONS: tuple[str, ...] = ddl.migrations(
    DDL_TYPES,
    {
        ddl.REVIEW_QUEUE: _WAITING_SINCE.lstrip(),
        ddl.PERSON_INDEX: _PEOPLE_LIFTED.lstrip(),
        ddl.SEALED: _SEALED.lstrip(),
    },
)
"""The migration scripts, in order: migration ``n`` is ``MIGRATIONS[n - 1]``."""

LATEST = len(MIGRATIONS)
"""The schema version this code writes."""

REVIEW_QUEUE = ddl.MIGRATIONS.index(ddl.REVIEW_QUEUE) + 1
"""The migration that adds the review queue's column and index."""


def described() -> sql.Schema:
    """Return the SQLite store's migrations and messages (read when asked: tests extend them)."""
    return sql.Schema(
        MIGRATIONS,
        foreign="is a SQLite database, but not an sro_core one (it has tables and no sro_core "
        "schema version); give the program a new file",
        upgrade="sro_core",
        filled=sql.FILLS,
    )


def inspect(connection: sqlite3.Connection) -> sql.Found:
    """Read what a database is, without writing to it."""
    application_id = connection.execute("PRAGMA application_id").fetchone()[0]
    tables = {
        row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    if not tables:
        return sql.Found(application_id in (0, APPLICATION_ID), 0, None)
    if application_id != APPLICATION_ID or "schema_version" not in tables:
        return sql.Found(ours=False, version=0, time_zone=None)
    version = connection.execute("SELECT max(version) FROM schema_version").fetchone()[0]
    time_zone = None
    if "store_settings" in tables:
        row = connection.execute(
            "SELECT value FROM store_settings WHERE name = 'time_zone'"
        ).fetchone()
        time_zone = None if row is None else row[0]
    return sql.Found(ours=True, version=version or 0, time_zone=time_zone)


def upgrade(connection: sqlite3.Connection, found: sql.Found, calendar: ProgramCalendar) -> int:
    """Apply the missing migrations and record the time zone, in the caller's transaction."""

    def run(script: str) -> None:
        for statement in statements(script):
            connection.execute(statement)

    now = sql.applied_at().isoformat()
    version = sql.upgrade(described(), found, calendar, run, connection.execute, now)
    if found.version == 0:
        connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    return version


def statements(script: str) -> Iterator[str]:
    """Yield the statements of a SQL script one by one.

    Running them one by one keeps a migration in the caller's transaction, where
    ``executescript`` would commit first.
    """
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending.strip()
            pending = ""
    if pending.strip():
        yield pending.strip()
