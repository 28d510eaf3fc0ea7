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
from sro_core_postgres.dialect import POSTGRES

_V1 = """
CREATE TABLE schema_version (
    version integer PRIMARY KEY,
    applied_at timestamptz NOT NULL
);
CREATE TABLE store_settings (
    name text PRIMARY KEY,
    value text NOT NULL
);
CREATE TABLE officers (
    id uuid PRIMARY KEY,
    version integer NOT NULL,
    badge text COLLATE "C" NOT NULL UNIQUE,
    document text NOT NULL
);
CREATE TABLE schools (
    id uuid PRIMARY KEY,
    version integer NOT NULL,
    document text NOT NULL
);
CREATE TABLE assignments (
    id uuid PRIMARY KEY,
    version integer NOT NULL,
    officer_id uuid NOT NULL,
    school_id uuid NOT NULL,
    document text NOT NULL
);
CREATE INDEX assignments_by_officer ON assignments (officer_id);
CREATE INDEX assignments_by_school ON assignments (school_id);
CREATE TABLE people (
    id uuid PRIMARY KEY,
    version integer NOT NULL,
    document text NOT NULL
);
CREATE TABLE incidents (
    id uuid PRIMARY KEY,
    version integer NOT NULL,
    number text COLLATE "C" UNIQUE,
    school_id uuid,
    reporting_officer_id uuid NOT NULL,
    status text COLLATE "C" NOT NULL,
    category text COLLATE "C" NOT NULL,
    location_kind text COLLATE "C" NOT NULL,
    occurred_at timestamptz NOT NULL,
    local_month text COLLATE "C" NOT NULL,
    referred_to_law_enforcement boolean NOT NULL,
    school_related_arrest boolean NOT NULL,
    narrative text COLLATE "C" NOT NULL,
    document text NOT NULL
);
CREATE INDEX incidents_by_school_category ON incidents (school_id, category, occurred_at);
CREATE INDEX incidents_by_school ON incidents (school_id, occurred_at);
CREATE INDEX incidents_by_time ON incidents (occurred_at, id);
CREATE INDEX incidents_by_officer ON incidents (reporting_officer_id, occurred_at);
CREATE INDEX incidents_by_month
    ON incidents (local_month, school_id NULLS FIRST, category, occurred_at, status);
CREATE TABLE involvements (
    incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    person_id uuid NOT NULL,
    person_kind text COLLATE "C" NOT NULL,
    victim boolean NOT NULL,
    suspect boolean NOT NULL,
    offender boolean NOT NULL,
    arrestee boolean NOT NULL,
    witness boolean NOT NULL,
    reporting_party boolean NOT NULL,
    sex text COLLATE "C" NOT NULL,
    race_ethnicity text COLLATE "C",
    idea boolean,
    section_504 boolean,
    english_learner boolean,
    PRIMARY KEY (incident_id, person_id)
);
CREATE INDEX involvements_by_person ON involvements (person_id);
CREATE TABLE contacts (
    id uuid PRIMARY KEY,
    version integer NOT NULL,
    officer_id uuid NOT NULL,
    at timestamptz NOT NULL,
    triad_role text COLLATE "C" NOT NULL,
    minutes integer NOT NULL,
    school_id uuid,
    party text COLLATE "C" NOT NULL,
    purpose text COLLATE "C" NOT NULL,
    document text NOT NULL
);
CREATE INDEX contacts_by_time ON contacts (at);
CREATE INDEX contacts_by_officer ON contacts (officer_id, at);
CREATE TABLE activities (
    id uuid PRIMARY KEY,
    version integer NOT NULL,
    officer_id uuid NOT NULL,
    held_at timestamptz NOT NULL,
    triad_role text COLLATE "C" NOT NULL,
    minutes integer NOT NULL,
    school_id uuid,
    document text NOT NULL
);
CREATE INDEX activities_by_time ON activities (held_at);
CREATE INDEX activities_by_officer ON activities (officer_id, held_at);
CREATE TABLE partners (
    id uuid PRIMARY KEY,
    version integer NOT NULL,
    document text NOT NULL
);
CREATE TABLE agreements (
    id uuid PRIMARY KEY,
    version integer NOT NULL,
    document text NOT NULL
);
CREATE TABLE referrals (
    id uuid PRIMARY KEY,
    version integer NOT NULL,
    incident_id uuid NOT NULL,
    partner_id uuid NOT NULL,
    status text COLLATE "C" NOT NULL,
    reason text COLLATE "C" NOT NULL,
    sent_at timestamptz NOT NULL,
    document text NOT NULL
);
CREATE INDEX referrals_by_incident ON referrals (incident_id);
CREATE INDEX referrals_by_time ON referrals (sent_at);
CREATE INDEX referrals_by_partner ON referrals (partner_id);
CREATE TABLE crises (
    id uuid PRIMARY KEY,
    version integer NOT NULL,
    school_id uuid NOT NULL,
    status text COLLATE "C" NOT NULL,
    document text NOT NULL
);
CREATE INDEX crises_by_status ON crises (status, school_id);
CREATE TABLE outbox (
    sequence bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id uuid NOT NULL,
    urgent boolean NOT NULL,
    event text NOT NULL,
    recorded_at timestamptz NOT NULL
);
CREATE INDEX outbox_by_event ON outbox (event_id);
CREATE TABLE deliveries (
    event_id uuid NOT NULL,
    notifier text COLLATE "C" NOT NULL,
    status text COLLATE "C" NOT NULL,
    attempts integer NOT NULL,
    next_attempt_at timestamptz,
    last_error bytea,
    PRIMARY KEY (event_id, notifier)
);
CREATE INDEX deliveries_by_status ON deliveries (status);
CREATE TABLE audit (
    sequence bigint PRIMARY KEY,
    at timestamptz NOT NULL,
    actor_id text NOT NULL,
    actor_role text NOT NULL,
    component text NOT NULL,
    action text NOT NULL,
    outcome text NOT NULL,
    target text,
    detail text NOT NULL,
    previous_hash text NOT NULL,
    hash text NOT NULL
);
CREATE TABLE incident_numbers (
    year integer PRIMARY KEY,
    last integer NOT NULL
);
"""

_AUDIT_APPEND_ONLY = """
ALTER TABLE audit ADD COLUMN key_id text NOT NULL DEFAULT '';
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
"""Entries name the audit key their hash was made with ('' for the plain SHA-256 of before);
the table refuses UPDATE, DELETE and TRUNCATE by trigger, whoever asks. The owner of the
table (or a superuser) can still drop the trigger: the external checkpoints catch what
follows (see the audit page of the documentation)."""

_ACTORS = """
CREATE TABLE actors (
    id uuid PRIMARY KEY,
    version integer NOT NULL,
    document text NOT NULL
);
"""
"""The directory of actors: who may act on the store, as what role, from when to when."""

_CLAIMS = """
ALTER TABLE deliveries ADD COLUMN claim text;
ALTER TABLE deliveries ADD COLUMN lease_until timestamptz;
ALTER TABLE outbox ADD COLUMN settled_at timestamptz;
UPDATE outbox SET settled_at = recorded_at
WHERE EXISTS (SELECT 1 FROM deliveries AS d WHERE d.event_id = outbox.event_id)
AND NOT EXISTS (
    SELECT 1 FROM deliveries AS d WHERE d.event_id = outbox.event_id AND d.status = 'pending'
);
CREATE INDEX outbox_open ON outbox (urgent DESC, sequence) WHERE settled_at IS NULL;
CREATE INDEX outbox_settled ON outbox (settled_at) WHERE settled_at IS NOT NULL;
"""
"""Claims with leases on deliveries; open and settled events, for the claim query and pruning.

The same migration as the SQLite store's: the claim query reads the open events only.
"""

_NIBRS_SUBMISSIONS = """
CREATE TABLE nibrs_submissions (
    position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ori text NOT NULL,
    category text NOT NULL,
    number text NOT NULL,
    action text NOT NULL,
    period text NOT NULL,
    submission text NOT NULL,
    document text NOT NULL,
    message_id text NOT NULL,
    written_at timestamptz NOT NULL,
    actor text NOT NULL,
    fingerprint text NOT NULL,
    sequence integer,
    incident_id uuid,
    arrested_on date
);
CREATE INDEX nibrs_submissions_by_ori ON nibrs_submissions (ori, position);
"""
"""The NIBRS submission ledger: every report written, in the order written."""


_REVIEW_QUEUE = """
ALTER TABLE incidents ADD COLUMN review_since timestamptz;
UPDATE incidents SET review_since = (document::jsonb -> 'reviews' -> -1 ->> 'at')::timestamptz
WHERE status <> 'draft' AND document::jsonb ->> 'review' = 'submitted';
CREATE INDEX incidents_waiting ON incidents (review_since, number, id)
    WHERE review_since IS NOT NULL;
"""
"""The reports waiting for review, since their last submission, in a partial index."""

_PERSON_INDEX = """
ALTER TABLE people ADD COLUMN merged_into uuid;
ALTER TABLE contacts ADD COLUMN person_id uuid;
ALTER TABLE referrals ADD COLUMN person_id uuid;
ALTER TABLE crises ADD COLUMN incident_id uuid;
UPDATE contacts SET person_id = (document::jsonb ->> 'person_id')::uuid;
UPDATE crises SET incident_id = (document::jsonb ->> 'incident_id')::uuid;
CREATE INDEX people_by_merge ON people (merged_into) WHERE merged_into IS NOT NULL;
CREATE INDEX contacts_by_person ON contacts (person_id) WHERE person_id IS NOT NULL;
CREATE INDEX referrals_by_person ON referrals (person_id) WHERE person_id IS NOT NULL;
CREATE INDEX crises_by_incident ON crises (incident_id) WHERE incident_id IS NOT NULL;
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
"""The master person index: merges, and the person and incident ids records name, as columns.

The people recorded in stored incidents are lifted into the index, each as the first incident
(by start, then id) recorded them, at that incident's school; no incident is changed.
"""


MIGRATIONS: tuple[str, ...] = (
    _V1,
    _ACTORS,
    _CLAIMS,
    _AUDIT_APPEND_ONLY,
    _NIBRS_SUBMISSIONS,
    _REVIEW_QUEUE,
    _PERSON_INDEX,
)
"""The migration scripts, in order: migration ``n`` is ``MIGRATIONS[n - 1]``."""

LATEST = len(MIGRATIONS)
"""The schema version this code writes."""

REVIEW_QUEUE = MIGRATIONS.index(_REVIEW_QUEUE) + 1
"""The migration that adds the review queue's column and index."""


SCHEMA = sql.Schema(
    MIGRATIONS,
    foreign="holds tables, but not an sro_core schema (no schema_version table); give the "
    "program a schema of its own (?schema=NAME)",
    upgrade="sro_core and sro-core-postgres",
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
