"""The tables both SQL stores create, written once with their column types left to each store.

A migration here is a template: ``{key}``, ``{time}`` and the other names in braces are column
types (and two clauses) that each store spells in its own DDL (:data:`TYPES`); a store's
``MIGRATIONS`` are :func:`migrations` in its types, with any DDL of its own added (the
PostgreSQL store's append-only audit trigger). A new migration is added here, once, and every
SQL store gets it. Each aggregate is one table holding the record
as its JSON document beside the columns its queries and uniqueness rules read.
"""

from __future__ import annotations

from collections.abc import Mapping

TYPES = (
    "key",  # an identifier
    "int",  # a 32-bit integer
    "long",  # a 64-bit integer
    "serial",  # a 64-bit primary key the database numbers, in insertion order
    "name",  # text that is sorted or compared: in code point order, as Python sorts
    "text",  # text that is only stored
    "time",  # an aware time, to the microsecond
    "date",  # a calendar date
    "flag",  # a boolean
    "bytes",  # a string of any characters, NUL included
    "nulls_first",  # how an index column sorts NULL first (after its name)
    "without_rowid",  # after a table with a primary key of its own and no other key
)
"""The names a store's DDL spells: the column types, and two clauses."""

V1 = """
CREATE TABLE schema_version (
    version {int} PRIMARY KEY,
    applied_at {time} NOT NULL
);
CREATE TABLE store_settings (
    name {text} PRIMARY KEY,
    value {text} NOT NULL
);
CREATE TABLE officers (
    id {key} PRIMARY KEY,
    version {int} NOT NULL,
    badge {name} NOT NULL UNIQUE,
    document {text} NOT NULL
);
CREATE TABLE schools (
    id {key} PRIMARY KEY,
    version {int} NOT NULL,
    document {text} NOT NULL
);
CREATE TABLE assignments (
    id {key} PRIMARY KEY,
    version {int} NOT NULL,
    officer_id {key} NOT NULL,
    school_id {key} NOT NULL,
    document {text} NOT NULL
);
CREATE INDEX assignments_by_officer ON assignments (officer_id);
CREATE INDEX assignments_by_school ON assignments (school_id);
CREATE TABLE people (
    id {key} PRIMARY KEY,
    version {int} NOT NULL,
    document {text} NOT NULL
);
CREATE TABLE incidents (
    id {key} PRIMARY KEY,
    version {int} NOT NULL,
    number {name} UNIQUE,
    school_id {key},
    reporting_officer_id {key} NOT NULL,
    status {name} NOT NULL,
    category {name} NOT NULL,
    location_kind {name} NOT NULL,
    occurred_at {time} NOT NULL,
    local_month {name} NOT NULL,
    referred_to_law_enforcement {flag} NOT NULL,
    school_related_arrest {flag} NOT NULL,
    narrative {name} NOT NULL,
    document {text} NOT NULL
);
CREATE INDEX incidents_by_school_category ON incidents (school_id, category, occurred_at);
CREATE INDEX incidents_by_school ON incidents (school_id, occurred_at);
CREATE INDEX incidents_by_time ON incidents (occurred_at, id);
CREATE INDEX incidents_by_officer ON incidents (reporting_officer_id, occurred_at);
CREATE INDEX incidents_by_month
    ON incidents (local_month, school_id{nulls_first}, category, occurred_at, status);
CREATE TABLE involvements (
    incident_id {key} NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    person_id {key} NOT NULL,
    person_kind {name} NOT NULL,
    victim {flag} NOT NULL,
    suspect {flag} NOT NULL,
    offender {flag} NOT NULL,
    arrestee {flag} NOT NULL,
    witness {flag} NOT NULL,
    reporting_party {flag} NOT NULL,
    sex {name} NOT NULL,
    race_ethnicity {name},
    idea {flag},
    section_504 {flag},
    english_learner {flag},
    PRIMARY KEY (incident_id, person_id)
){without_rowid};
CREATE INDEX involvements_by_person ON involvements (person_id);
CREATE TABLE contacts (
    id {key} PRIMARY KEY,
    version {int} NOT NULL,
    officer_id {key} NOT NULL,
    at {time} NOT NULL,
    triad_role {name} NOT NULL,
    minutes {int} NOT NULL,
    school_id {key},
    party {name} NOT NULL,
    purpose {name} NOT NULL,
    document {text} NOT NULL
);
CREATE INDEX contacts_by_time ON contacts (at);
CREATE INDEX contacts_by_officer ON contacts (officer_id, at);
CREATE TABLE activities (
    id {key} PRIMARY KEY,
    version {int} NOT NULL,
    officer_id {key} NOT NULL,
    held_at {time} NOT NULL,
    triad_role {name} NOT NULL,
    minutes {int} NOT NULL,
    school_id {key},
    document {text} NOT NULL
);
CREATE INDEX activities_by_time ON activities (held_at);
CREATE INDEX activities_by_officer ON activities (officer_id, held_at);
CREATE TABLE partners (
    id {key} PRIMARY KEY,
    version {int} NOT NULL,
    document {text} NOT NULL
);
CREATE TABLE agreements (
    id {key} PRIMARY KEY,
    version {int} NOT NULL,
    document {text} NOT NULL
);
CREATE TABLE referrals (
    id {key} PRIMARY KEY,
    version {int} NOT NULL,
    incident_id {key} NOT NULL,
    partner_id {key} NOT NULL,
    status {name} NOT NULL,
    reason {name} NOT NULL,
    sent_at {time} NOT NULL,
    document {text} NOT NULL
);
CREATE INDEX referrals_by_incident ON referrals (incident_id);
CREATE INDEX referrals_by_time ON referrals (sent_at);
CREATE INDEX referrals_by_partner ON referrals (partner_id);
CREATE TABLE crises (
    id {key} PRIMARY KEY,
    version {int} NOT NULL,
    school_id {key} NOT NULL,
    status {name} NOT NULL,
    document {text} NOT NULL
);
CREATE INDEX crises_by_status ON crises (status, school_id);
CREATE TABLE outbox (
    sequence {serial},
    event_id {key} NOT NULL,
    urgent {flag} NOT NULL,
    event {text} NOT NULL,
    recorded_at {time} NOT NULL
);
CREATE INDEX outbox_by_event ON outbox (event_id);
CREATE TABLE deliveries (
    event_id {key} NOT NULL,
    notifier {name} NOT NULL,
    status {name} NOT NULL,
    attempts {int} NOT NULL,
    next_attempt_at {time},
    last_error {bytes},
    PRIMARY KEY (event_id, notifier)
){without_rowid};
CREATE INDEX deliveries_by_status ON deliveries (status);
CREATE TABLE audit (
    sequence {long} PRIMARY KEY,
    at {time} NOT NULL,
    actor_id {text} NOT NULL,
    actor_role {text} NOT NULL,
    component {text} NOT NULL,
    action {text} NOT NULL,
    outcome {text} NOT NULL,
    target {text},
    detail {text} NOT NULL,
    previous_hash {text} NOT NULL,
    hash {text} NOT NULL
);
CREATE TABLE incident_numbers (
    year {int} PRIMARY KEY,
    last {int} NOT NULL
);
"""
"""Migration 1: every table of the first release."""

ACTORS = """
CREATE TABLE actors (
    id {key} PRIMARY KEY,
    version {int} NOT NULL,
    document {text} NOT NULL
);
"""
"""Migration 2: the directory of actors: who may act on the store, as what role, when."""

CLAIMS = """
ALTER TABLE deliveries ADD COLUMN claim {text};
ALTER TABLE deliveries ADD COLUMN lease_until {time};
ALTER TABLE outbox ADD COLUMN settled_at {time};
UPDATE outbox SET settled_at = recorded_at
WHERE EXISTS (SELECT 1 FROM deliveries AS d WHERE d.event_id = outbox.event_id)
AND NOT EXISTS (
    SELECT 1 FROM deliveries AS d WHERE d.event_id = outbox.event_id AND d.status = 'pending'
);
CREATE INDEX outbox_open ON outbox (urgent DESC, sequence) WHERE settled_at IS NULL;
CREATE INDEX outbox_settled ON outbox (settled_at) WHERE settled_at IS NOT NULL;
"""
"""Migration 3: claims with leases on deliveries; open and settled events.

An event is open until every notifier's delivery of it is final; the claim query reads the
open ones through their partial index, so delivered events cost it nothing. Events the
older schema had delivered everywhere are settled at their recording time.
"""

AUDIT_KEYS = "ALTER TABLE audit ADD COLUMN key_id {text} NOT NULL DEFAULT '';\n"
"""Migration 4 (a store may add to it): entries name the audit key their hash was made with
('' for the plain SHA-256 of before)."""

NIBRS_SUBMISSIONS = """
CREATE TABLE nibrs_submissions (
    position {serial},
    ori {text} NOT NULL,
    category {text} NOT NULL,
    number {text} NOT NULL,
    action {text} NOT NULL,
    period {text} NOT NULL,
    submission {text} NOT NULL,
    document {text} NOT NULL,
    message_id {text} NOT NULL,
    written_at {time} NOT NULL,
    actor {text} NOT NULL,
    fingerprint {text} NOT NULL,
    sequence {int},
    incident_id {key},
    arrested_on {date}
);
CREATE INDEX nibrs_submissions_by_ori ON nibrs_submissions (ori, position);
"""
"""Migration 5: the NIBRS submission ledger: every report written, in the order written."""


REVIEW_QUEUE = """
ALTER TABLE incidents ADD COLUMN review_since {time};
CREATE INDEX incidents_waiting ON incidents (review_since, number, id)
    WHERE review_since IS NOT NULL;
"""
"""Migration 6: the reports waiting for review, since their last submission, in a partial index.

Each store adds how it fills the column of the stored reports that wait, from their documents
(its own JSON functions).
"""

PERSON_INDEX = """
ALTER TABLE people ADD COLUMN merged_into {key};
ALTER TABLE contacts ADD COLUMN person_id {key};
ALTER TABLE referrals ADD COLUMN person_id {key};
ALTER TABLE crises ADD COLUMN incident_id {key};
CREATE INDEX people_by_merge ON people (merged_into) WHERE merged_into IS NOT NULL;
CREATE INDEX contacts_by_person ON contacts (person_id) WHERE person_id IS NOT NULL;
CREATE INDEX referrals_by_person ON referrals (person_id) WHERE person_id IS NOT NULL;
CREATE INDEX crises_by_incident ON crises (incident_id) WHERE incident_id IS NOT NULL;
"""
"""Migration 7: the master person index: merges, and the person and incident ids records name.

Each store adds how it fills the new columns from the stored documents and lifts the people
recorded in stored incidents into the index, each as the first incident (by start, then id)
recorded them, at that incident's school; no incident is changed.
"""

PERSON_KEYS = """
CREATE TABLE person_keys (
    key {name} NOT NULL,
    person_id {key} NOT NULL,
    PRIMARY KEY (key, person_id)
){without_rowid};
CREATE INDEX person_keys_by_person ON person_keys (person_id);
"""
"""Migration 8: each person's matching keys (:func:`sro_core.domain.match_keys`), indexed.

``PersonIndex.similar`` asks for the records sharing a key with the person, instead of reading
the index. The keys are computed in Python: the migration fills them for the people already in
the index (:func:`sro_core.sql.people.fill_keys`, run by both stores after this script).
"""

SEALED = """
ALTER TABLE incidents ADD COLUMN sealed {flag} NOT NULL DEFAULT false;
DROP INDEX incidents_by_month;
CREATE INDEX incidents_by_month
    ON incidents (local_month, school_id{nulls_first}, category, occurred_at, status, sealed);
"""
"""Migration 9: whether an order sealed an incident, a column the counts filter on.

The month index gains the column last, so the monthly counts still read that index alone.
Each store adds how it fills the column of the stored incidents from their documents.
"""

MIGRATIONS = (
    V1,
    ACTORS,
    CLAIMS,
    AUDIT_KEYS,
    NIBRS_SUBMISSIONS,
    REVIEW_QUEUE,
    PERSON_INDEX,
    PERSON_KEYS,
    SEALED,
)
"""The shared migrations, in order: migration ``n`` is ``MIGRATIONS[n - 1]``."""


def migrations(types: Mapping[str, str], added: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """Return a store's migration scripts: the shared ones in its types, with its own added.

    ``added`` maps a shared migration (``AUDIT_KEYS``, ``SEALED``, ...) to DDL of the store's
    own run after it (the PostgreSQL store's append-only audit trigger, after ``AUDIT_KEYS``):
    keyed by the script, not its number, so that a migration added on another branch cannot
    shift a store's own DDL onto the wrong script.
    """
    own = dict(added or {})
    unknown = [script for script in own if script not in MIGRATIONS]
    if unknown:
        msg = f"{len(unknown)} of the store's own additions follow no shared migration"
        raise ValueError(msg)
    return tuple(spelled(template, types) + own.get(template, "") for template in MIGRATIONS)


def spelled(template: str, types: Mapping[str, str]) -> str:
    """Return a migration template in a store's DDL; ``types`` spells every name of TYPES."""
    missing = sorted(set(TYPES) - set(types))
    if missing:
        msg = f"the store's DDL types leave out {', '.join(missing)}"
        raise ValueError(msg)
    return template.format_map(types)
