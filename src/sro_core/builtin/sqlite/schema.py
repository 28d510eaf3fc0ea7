"""The SQLite store's schema: numbered forward migrations, and how a database is recognised.

Migration ``n`` is ``MIGRATIONS[n - 1]``, a script of SQL statements, run by
:mod:`sro_core.sql.migrations`; the ``schema_version`` table records every migration applied
and when. A database is ours when its header carries
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

APPLICATION_ID = 0x53524F43
"""``PRAGMA application_id`` of an sro_core database ("SROC")."""

_V1 = """
CREATE TABLE schema_version (
    version INTEGER PRIMARY KEY,
    applied_at TEXT NOT NULL
);
CREATE TABLE store_settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE officers (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    badge TEXT NOT NULL UNIQUE,
    document TEXT NOT NULL
);
CREATE TABLE schools (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    document TEXT NOT NULL
);
CREATE TABLE assignments (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    officer_id TEXT NOT NULL,
    school_id TEXT NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX assignments_by_officer ON assignments (officer_id);
CREATE INDEX assignments_by_school ON assignments (school_id);
CREATE TABLE people (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    document TEXT NOT NULL
);
CREATE TABLE incidents (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    number TEXT UNIQUE,
    school_id TEXT,
    reporting_officer_id TEXT NOT NULL,
    status TEXT NOT NULL,
    category TEXT NOT NULL,
    location_kind TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    local_month TEXT NOT NULL,
    referred_to_law_enforcement INTEGER NOT NULL,
    school_related_arrest INTEGER NOT NULL,
    narrative TEXT NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX incidents_by_school_category ON incidents (school_id, category, occurred_at);
CREATE INDEX incidents_by_school ON incidents (school_id, occurred_at);
CREATE INDEX incidents_by_time ON incidents (occurred_at, id);
CREATE INDEX incidents_by_officer ON incidents (reporting_officer_id, occurred_at);
CREATE INDEX incidents_by_month
    ON incidents (local_month, school_id, category, occurred_at, status);
CREATE TABLE involvements (
    incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    person_id TEXT NOT NULL,
    person_kind TEXT NOT NULL,
    victim INTEGER NOT NULL,
    suspect INTEGER NOT NULL,
    offender INTEGER NOT NULL,
    arrestee INTEGER NOT NULL,
    witness INTEGER NOT NULL,
    reporting_party INTEGER NOT NULL,
    sex TEXT NOT NULL,
    race_ethnicity TEXT,
    idea INTEGER,
    section_504 INTEGER,
    english_learner INTEGER,
    PRIMARY KEY (incident_id, person_id)
) WITHOUT ROWID;
CREATE INDEX involvements_by_person ON involvements (person_id);
CREATE TABLE contacts (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    officer_id TEXT NOT NULL,
    at TEXT NOT NULL,
    triad_role TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    school_id TEXT,
    party TEXT NOT NULL,
    purpose TEXT NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX contacts_by_time ON contacts (at);
CREATE INDEX contacts_by_officer ON contacts (officer_id, at);
CREATE TABLE activities (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    officer_id TEXT NOT NULL,
    held_at TEXT NOT NULL,
    triad_role TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    school_id TEXT,
    document TEXT NOT NULL
);
CREATE INDEX activities_by_time ON activities (held_at);
CREATE INDEX activities_by_officer ON activities (officer_id, held_at);
CREATE TABLE partners (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    document TEXT NOT NULL
);
CREATE TABLE agreements (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    document TEXT NOT NULL
);
CREATE TABLE referrals (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    incident_id TEXT NOT NULL,
    partner_id TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX referrals_by_incident ON referrals (incident_id);
CREATE INDEX referrals_by_time ON referrals (sent_at);
CREATE INDEX referrals_by_partner ON referrals (partner_id);
CREATE TABLE crises (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    school_id TEXT NOT NULL,
    status TEXT NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX crises_by_status ON crises (status, school_id);
CREATE TABLE outbox (
    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL,
    urgent INTEGER NOT NULL,
    event TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX outbox_by_event ON outbox (event_id);
CREATE TABLE deliveries (
    event_id TEXT NOT NULL,
    notifier TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TEXT,
    last_error TEXT,
    PRIMARY KEY (event_id, notifier)
) WITHOUT ROWID;
CREATE INDEX deliveries_by_status ON deliveries (status);
CREATE TABLE audit (
    sequence INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    component TEXT NOT NULL,
    action TEXT NOT NULL,
    outcome TEXT NOT NULL,
    target TEXT,
    detail TEXT NOT NULL,
    previous_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE incident_numbers (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);
"""

_AUDIT_KEYS = """
ALTER TABLE audit ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
"""
"""Entries name the audit key their hash was made with ('' for the plain SHA-256 of before)."""

_ACTORS = """
CREATE TABLE actors (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    document TEXT NOT NULL
);
"""
"""The directory of actors: who may act on the store, as what role, from when to when."""

_CLAIMS = """
ALTER TABLE deliveries ADD COLUMN claim TEXT;
ALTER TABLE deliveries ADD COLUMN lease_until TEXT;
ALTER TABLE outbox ADD COLUMN settled_at TEXT;
UPDATE outbox SET settled_at = recorded_at
WHERE EXISTS (SELECT 1 FROM deliveries AS d WHERE d.event_id = outbox.event_id)
AND NOT EXISTS (
    SELECT 1 FROM deliveries AS d WHERE d.event_id = outbox.event_id AND d.status = 'pending'
);
CREATE INDEX outbox_open ON outbox (urgent DESC, sequence) WHERE settled_at IS NULL;
CREATE INDEX outbox_settled ON outbox (settled_at) WHERE settled_at IS NOT NULL;
"""
"""Claims with leases on deliveries; open and settled events, for the claim query and pruning.

An event is open until every notifier's delivery of it is final; the claim query reads the
open ones through their partial index, so delivered events cost it nothing. Events the
older schema had delivered everywhere are settled at their recording time.
"""

_NIBRS_SUBMISSIONS = """
CREATE TABLE nibrs_submissions (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    ori TEXT NOT NULL,
    category TEXT NOT NULL,
    number TEXT NOT NULL,
    action TEXT NOT NULL,
    period TEXT NOT NULL,
    submission TEXT NOT NULL,
    document TEXT NOT NULL,
    message_id TEXT NOT NULL,
    written_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    sequence INTEGER,
    incident_id TEXT,
    arrested_on TEXT
);
CREATE INDEX nibrs_submissions_by_ori ON nibrs_submissions (ori, position);
"""
"""The NIBRS submission ledger: every report written, in the order written."""


_REVIEW_QUEUE = """
ALTER TABLE incidents ADD COLUMN review_since TEXT;
UPDATE incidents SET review_since = (
    SELECT CASE WHEN instr(at, '.') > 0 THEN at
        ELSE substr(at, 1, 19) || '.000000' || substr(at, 20) END
    FROM (SELECT json_extract(incidents.document, '$.reviews[#-1].at') AS at)
)
WHERE status <> 'draft' AND json_extract(document, '$.review') = 'submitted';
CREATE INDEX incidents_waiting ON incidents (review_since, number, id)
    WHERE review_since IS NOT NULL;
"""
"""The reports waiting for review, since their last submission, in a partial index.

Stored reports that wait are found in their documents; a document writes its UTC times
without the microseconds when they are zero, the column always with them.
"""

_PERSON_INDEX = """
ALTER TABLE people ADD COLUMN merged_into TEXT;
ALTER TABLE contacts ADD COLUMN person_id TEXT;
ALTER TABLE referrals ADD COLUMN person_id TEXT;
ALTER TABLE crises ADD COLUMN incident_id TEXT;
UPDATE contacts SET person_id = json_extract(document, '$.person_id');
UPDATE crises SET incident_id = json_extract(document, '$.incident_id');
CREATE INDEX people_by_merge ON people (merged_into) WHERE merged_into IS NOT NULL;
CREATE INDEX contacts_by_person ON contacts (person_id) WHERE person_id IS NOT NULL;
CREATE INDEX referrals_by_person ON referrals (person_id) WHERE person_id IS NOT NULL;
CREATE INDEX crises_by_incident ON crises (incident_id) WHERE incident_id IS NOT NULL;
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
"""The master person index: merges, and the person and incident ids records name, as columns.

The people recorded in stored incidents are lifted into the index, each as the first incident
(by start, then id) recorded them, at that incident's school; no incident is changed.
"""


MIGRATIONS: tuple[str, ...] = (
    _V1,
    _ACTORS,
    _CLAIMS,
    _AUDIT_KEYS,
    _NIBRS_SUBMISSIONS,
    _REVIEW_QUEUE,
    _PERSON_INDEX,
)
"""The migration scripts, in order: migration ``n`` is ``MIGRATIONS[n - 1]``."""

LATEST = len(MIGRATIONS)
"""The schema version this code writes."""

REVIEW_QUEUE = MIGRATIONS.index(_REVIEW_QUEUE) + 1
"""The migration that adds the review queue's column and index."""


def described() -> sql.Schema:
    """Return the SQLite store's migrations and messages (read when asked: tests extend them)."""
    return sql.Schema(
        MIGRATIONS,
        foreign="is a SQLite database, but not an sro_core one (it has tables and no sro_core "
        "schema version); give the program a new file",
        upgrade="sro_core",
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
