"""What the person-index migration tests of both SQL stores share: a term's records and reads.

A store of the previous release (schema 5) is made by filling a current store with the kit's
autumn term and taking migrations 6 (the review queue), 7 (the person index), 8 (the people's
matching keys) and 9 (the sealed column) back out of it by hand: their columns and indexes
dropped (the month index made as before 9), the keys migration 7 added to documents removed, its
people written as the previous release wrote them (``Person`` documents), the table of 8 dropped,
the version rows deleted. Opening it again runs migrations 6 to 9, and the test checks each: the
records and the index (6, 7), the stored keys (8), and one sealed incident of the term, whose
counts tell whether 9 found it. A store at 7 (8 and 9 taken out) is made to test 8 alone.
"""

from __future__ import annotations

import datetime as dt
import json

import attrs

from sro_core.domain import (
    Incident,
    Involvement,
    InvolvementRole,
    Person,
    PersonKind,
    PersonRecord,
    ProgramCalendar,
    RecordRestriction,
    candidates,
    record_keys,
)
from sro_core.ports import Period, Storage, UnitOfWork
from sro_core.serialization import unstructure
from sro_core.testing.examples import Term, key, term

PREVIOUS = 5
"""The schema version of the previous release."""
DROPPED = (
    ("incidents", "review_since", "incidents_waiting"),
    ("people", "merged_into", "people_by_merge"),
    ("contacts", "person_id", "contacts_by_person"),
    ("referrals", "person_id", "referrals_by_person"),
    ("crises", "incident_id", "crises_by_incident"),
)
"""The column migrations 6 and 7 add to each table, and its index."""
KEYS = 8
"""Migration 8: the table of the people's matching keys (``person_keys``), dropped whole."""


def unsealed(nulls_first: str) -> tuple[str, ...]:
    """Return the statements that take migration 9 out: its column, the month index as before."""
    return (
        "DROP INDEX incidents_by_month",
        "ALTER TABLE incidents DROP COLUMN sealed",
        (
            "CREATE INDEX incidents_by_month ON incidents "
            f"(local_month, school_id{nulls_first}, category, occurred_at, status)"
        ),
    )


TABLES = (
    "officers",
    "schools",
    "assignments",
    "incidents",
    "contacts",
    "activities",
    "partners",
    "actors",
    "agreements",
    "referrals",
    "crises",
)
COUNTS = ("monthly_counts", "location_counts", "contact_counts", "referral_counts", "triad_split")
SEALED_COUNTS = ("monthly_counts", "location_counts", "referral_counts", "crdc_counts")
"""The counts a sealed incident may be left out of."""


ANA = key(0x91)
ZOE = key(0x92)


def _witness(person: Person, incident: Incident) -> Incident:
    seen = Involvement(person, frozenset({InvolvementRole.WITNESS}))
    return attrs.evolve(incident, involvements=(*incident.involvements, seen))


def people_term(calendar: ProgramCalendar) -> Term:
    """Return the kit's term with more people in it: witnesses, a contact's, a referral's.

    Ana Ruiz witnesses two incidents with two phone numbers (the earlier one's is kept); Zoë
    Ramírez, a student, one at the middle school; contacts name Zoë and Sam, and a crisis is
    linked to an incident Ana witnessed. Referrals name no one: the previous release could not.
    The seventh incident (referred to law enforcement, with the referrals) is sealed.
    """
    records = term(calendar)
    ana = Person(PersonKind.COMMUNITY_MEMBER, "Ana Ruiz", phone="+15595550101", id=ANA)
    zoe = Person(PersonKind.STUDENT, "Zoë Ramírez", dt.date(2011, 5, 1), id=ZOE)
    first, second, third, draft, fifth, sixth, seventh, *rest = records.incidents
    sealed = attrs.evolve(seventh, restrictions=frozenset({RecordRestriction.SEALED}))
    incidents = (
        _witness(ana, first),
        second,
        third,
        draft,
        _witness(zoe, fifth),
        _witness(attrs.evolve(ana, phone="+15595550199"), sixth),
        sealed,
        *rest,
    )
    sam = records.people[0].id
    contacts = (
        attrs.evolve(records.contacts[0], person_id=ZOE),
        attrs.evolve(records.contacts[1], person_id=sam),
        *records.contacts[2:],
    )
    crises = (attrs.evolve(records.crises[0], incident_id=first.id), *records.crises[1:])
    return attrs.evolve(records, incidents=incidents, contacts=contacts, crises=crises)


def filled(storage: Storage) -> Term:
    """Store the people term's records (its index people as they are); return the term."""
    records = people_term(storage.settings.calendar)
    with storage.unit_of_work() as unit:
        for name, rows in records.tables().items():
            getattr(unit, name).add_many(rows)
    return records


def old_people(records: Term) -> list[tuple[str, str]]:
    """Return the term's index people as the previous release stored them: Person documents."""
    return [
        (str(p.id), json.dumps(unstructure(p.as_person()) | {"version": 1})) for p in records.people
    ]


def every_read(storage: Storage, records: Term) -> dict[str, object]:
    """Return every record of every table but the index, and every count over the term.

    The counts a seal changes are read both ways: without the sealed incident, and with it.
    """
    with storage.unit_of_work() as unit:
        found: dict[str, object] = {t: list(getattr(unit, t).all()) for t in TABLES}
        period: Period = records.period
        for query in COUNTS:
            found[query] = getattr(unit.queries, query)(period)
        year = storage.settings.calendar.school_year(period.start)
        found["crdc_counts"] = unit.queries.crdc_counts(year)
        for query in SEALED_COUNTS:
            asked = year if query == "crdc_counts" else period
            found[f"{query}, sealed"] = getattr(unit.queries, query)(asked, include_sealed=True)
    return found


def expected_index(records: Term) -> list[PersonRecord]:
    """Return the index migration 7 makes of a term: its people kept, the recorded lifted.

    A person stored before keeps their record (read as an index record, no school); each other
    person of an incident comes in as the first incident (by start, then id) recorded them.
    """
    kept = {p.id: attrs.evolve(PersonRecord.of(p.as_person()), version=1) for p in records.people}
    firsts = sorted(records.incidents, key=lambda i: (i.occurred_start, i.id))
    for incident in firsts:
        for involvement in incident.involvements:
            if involvement.person.id not in kept:
                lifted = PersonRecord.of(involvement.person, incident.school_id)
                kept[involvement.person.id] = attrs.evolve(lifted, version=1)
    return [kept[k] for k in sorted(kept)]


def check_migrated(migrated: Storage, records: Term, before: dict[str, object]) -> None:
    """Check a store just migrated: every read as before, the index made, the columns filled."""
    assert every_read(migrated, records) == before
    with migrated.unit_of_work() as unit:
        assert list(unit.people.all()) == expected_index(records)
        check_records(unit, records)
        check_keys(unit)


def check_keys(unit: UnitOfWork) -> None:
    """Check that every index record's matching keys are stored: ``similar`` finds by them.

    Each record with a key is among its own similar records, and each record's candidates
    among its similar records are its candidates among the whole index.
    """
    index = list(unit.people.all())
    assert index
    for person in index:
        similar = unit.people.similar(person)
        assert (person.id in {r.id for r in similar}) == bool(record_keys(person))
        assert candidates(person, similar) == candidates(person, index)


def check_records(unit: UnitOfWork, records: Term) -> None:
    """Check that the migrated columns find each person's contacts, referrals and crises."""
    ana = unit.queries.person_records(frozenset({ANA}))
    assert [i.id for i in ana.incidents] == sorted(
        [records.incidents[0].id, records.incidents[5].id]
    )
    assert [c.id for c in ana.crises] == [records.crises[0].id]
    zoe = unit.queries.person_records(frozenset({ZOE}))
    assert [c.id for c in zoe.contacts] == [records.contacts[0].id]
    sam = unit.queries.person_records(frozenset({records.people[0].id}))
    assert records.referrals[0].id in {r.id for r in sam.referrals}
    assert [c.id for c in sam.contacts] == [records.contacts[1].id]
