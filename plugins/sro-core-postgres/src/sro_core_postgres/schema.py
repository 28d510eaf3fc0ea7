"""The PostgreSQL store's schema: numbered forward migrations, and how a schema is recognised.

Migration ``n`` is ``MIGRATIONS[n - 1]``, run by :mod:`sro_core.sql.migrations`; the numbers
are shared with the SQLite store (its schema 1 holds the same tables and columns), so a store
of either kind at version ``n`` holds the same things. The ``schema_version`` table records
every migration applied and when. A schema with no tables is new and is given the whole
schema; one with tables but no ``schema_version`` is someone else's and is refused; one at a
higher version than this code knows is refused with ``SchemaTooNew``.

Types: ids are ``uuid`` (their order is the order of Python's ``UUID``), times ``timestamptz``
(microseconds, as Python), and each aggregate's record is its JSON document (the wire format of
:mod:`sro_core.serialization`) in a ``text`` column beside the columns its queries and
uniqueness rules read. Every text column that is sorted or compared is ``COLLATE "C"``: code
point order, as Python sorts, whatever the database's collation. ``local_month`` is the
program-local month of an incident, computed when the row is written (as the SQLite store
does), which binds the store to the time zone recorded in ``store_settings``: month counts
then read one index in order, and give the memory reference's answer for every zone and DST
change, with no dependence on the server's time-zone database. A delivery's ``last_error`` is
``bytea`` (UTF-8): a notifier's error message may hold any character, NUL included, which
PostgreSQL text cannot.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import psycopg
from psycopg.sql import SQL, Identifier

from sro_core import sql
from sro_core.domain import ProgramCalendar
from sro_core.sql import ddl
from sro_core_postgres.dialect import POSTGRES

DDL_TYPES = {
    "key": "uuid",
    "int": "integer",
    "long": "bigint",
    "serial": "bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
    "name": 'text COLLATE "C"',
    "text": "text",
    "time": "timestamptz",
    "date": "date",
    "flag": "boolean",
    "bytes": "bytea",
    "nulls_first": " NULLS FIRST",
    "without_rowid": "",
}
"""How PostgreSQL spells the column types of :mod:`sro_core.sql.ddl`."""

_AUDIT_APPEND_ONLY = """
CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % of audit entries is refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
REVOKE UPDATE, DELETE, TRUNCATE ON audit FROM PUBLIC, CURRENT_USER;
"""
"""Added to migration 4 (entries name their audit key): the table refuses UPDATE, DELETE and
TRUNCATE by trigger, whoever asks. The owner of the table (or a superuser) can still drop the
trigger: the external checkpoints catch what follows (see the audit page of the documentation)."""

_WAITING_SINCE = """
UPDATE incidents SET review_since = (document::jsonb -> 'reviews' -> -1 ->> 'at')::timestamptz
WHERE status <> 'draft' AND document::jsonb ->> 'review' = 'submitted';
"""
"""Added to the review queue's migration: the stored reports that wait, found in their documents."""

_PEOPLE_LIFTED = """
UPDATE contacts SET person_id = (document::jsonb ->> 'person_id')::uuid;
UPDATE crises SET incident_id = (document::jsonb ->> 'incident_id')::uuid;
INSERT INTO people (id, version, document)
SELECT DISTINCT ON (v.value -> 'person' ->> 'id')
    (v.value -> 'person' ->> 'id')::uuid,
    1,
    ((v.value -> 'person')
        || jsonb_build_object('version', 1, 'school_id', i.school_id::text))::text
FROM incidents AS i, jsonb_array_elements(i.document::jsonb -> 'involvements') AS v
ORDER BY v.value -> 'person' ->> 'id', i.occurred_at, i.id
ON CONFLICT (id) DO NOTHING;
"""
"""Added to the person index's migration: its columns filled, the recorded people lifted."""

_SEALED = """
UPDATE incidents SET sealed = true
WHERE document::jsonb -> 'restrictions' @> '["sealed"]'::jsonb;
"""
"""Added to the sealed column's migration: the stored incidents an order sealed."""

MIGRATIONS: tuple[str, ...] = ddl.migrations(
    DDL_TYPES,
    {
        ddl.AUDIT_KEYS: _AUDIT_APPEND_ONLY.lstrip(),
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


SCHEMA = sql.Schema(
    MIGRATIONS,
    foreign="holds tables, but not an sro_core schema (no schema_version table); give the "
    "program a schema of its own (?schema=NAME)",
    upgrade="sro_core and sro-core-postgres",
    filled=sql.FILLS,
)
"""The migrations and the messages of the schema check (:func:`sro_core.sql.check`)."""


def inspect(connection: psycopg.Connection[tuple[object, ...]], schema: str) -> sql.Found:
    """Read what a schema holds, without writing to it."""
    tables = {
        str(row[0])
        for row in connection.execute(
            "SELECT c.relname FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'f')",
            (schema,),
        )
    }
    if not tables:
        return sql.Found(ours=True, version=0, time_zone=None)
    if "schema_version" not in tables:
        return sql.Found(ours=False, version=0, time_zone=None)
    named = Identifier(schema)
    row = connection.execute(
        SQL("SELECT max(version) FROM {}.schema_version").format(named)
    ).fetchone()
    version = int(str(row[0])) if row and row[0] is not None else 0
    time_zone = None
    if "store_settings" in tables:
        found = connection.execute(
            SQL("SELECT value FROM {}.store_settings WHERE name = 'time_zone'").format(named)
        ).fetchone()
        time_zone = None if found is None else str(found[0])
    return sql.Found(ours=True, version=version, time_zone=time_zone)


def lock_key(schema: str) -> int:
    """Return the advisory-lock key that makes migrations of one schema take turns."""
    return zlib.crc32(f"sro_core migrate {schema}".encode())


def audit_lock_key(schema: str) -> int:
    """Return the advisory-lock key that makes appends to one schema's audit chain take turns."""
    return zlib.crc32(f"sro_core audit {schema}".encode())


def upgrade(
    connection: psycopg.Connection[tuple[object, ...]], found: sql.Found, calendar: ProgramCalendar
) -> int:
    """Apply the missing migrations and record the time zone, in the caller's transaction.

    The caller holds the schema's advisory lock and has set the ``search_path`` to the schema.
    Return the version reached.
    """

    def execute(statement: str, parameters: Sequence[object]) -> object:
        return connection.execute(POSTGRES.statement(statement).encode(), parameters)

    def run(script: str) -> None:
        connection.execute(script.encode())

    return sql.upgrade(SCHEMA, found, calendar, run, execute, sql.applied_at())
