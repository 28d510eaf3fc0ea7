"""The rows of the shared SQL tables: the one-pass row code gives what the plain reading gives.

The row code (:mod:`sro_core.sql.tables`) takes shortcuts for the bulk path: ids and enum texts
from the wire document, the version bump without validating again, the local month's text
cached, an incident's involvements made in the same pass. Each property here holds it to the
plain reading of the record (every value from the record itself, as the columns are described)
over the domain strategies, in both dialects' encodings.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sro_core.builtin.sqlite import SQLiteStorage
from sro_core.builtin.sqlite.dialect import SQLITE
from sro_core.domain import Incident, ProgramCalendar
from sro_core.ports import StorageSettings
from sro_core.serialization import unstructure
from sro_core.sql import Dialect, encode, tables
from sro_core.testing import strategies

DIALECTS = {"sqlite": SQLITE, "postgres-like": Dialect()}
"""SQLite's encodings (ids and times as text) and the base one (Python values as they are)."""

Reference = Callable[[Any, ProgramCalendar, Dialect], tuple[object, ...]]


def _incident(incident: Incident, calendar: ProgramCalendar, d: Dialect) -> tuple[object, ...]:
    since = tables.waiting_since_of(incident)
    return (
        incident.number,
        d.key(incident.school_id),
        d.key(incident.reporting_officer_id),
        incident.status.value,
        incident.category,
        incident.location.kind.value,
        d.time(incident.occurred_start),
        calendar.local_month(incident.occurred_start),
        incident.referred_to_law_enforcement,
        incident.school_related_arrest,
        incident.narrative,
        None if since is None else d.time(since),
        incident.sealed,
    )


COLUMNS: dict[str, tuple[tables.Table[Any], Reference, st.SearchStrategy[Any]]] = {
    "schools": (tables.SCHOOLS, lambda _r, _c, _d: (), strategies.schools()),
    "partners": (tables.PARTNERS, lambda _r, _c, _d: (), strategies.partners()),
    "actors": (tables.ACTORS, lambda _r, _c, _d: (), strategies.actor_entries()),
    "agreements": (tables.AGREEMENTS, lambda _r, _c, _d: (), strategies.agreements()),
    "people": (
        tables.PEOPLE,
        lambda p, _c, d: (d.key(p.merged_into),),
        strategies.person_records(),
    ),
    "officers": (tables.OFFICERS, lambda o, _c, _d: (o.badge,), strategies.officers()),
    "assignments": (
        tables.ASSIGNMENTS,
        lambda a, _c, d: (d.key(a.officer_id), d.key(a.school_id)),
        strategies.assignments(),
    ),
    "incidents": (tables.INCIDENTS, _incident, strategies.incidents()),
    "contacts": (
        tables.CONTACTS,
        lambda c, _c, d: (
            d.key(c.officer_id),
            d.time(c.at),
            c.triad_role.value,
            c.minutes,
            d.key(c.school_id),
            c.party.value,
            c.purpose.value,
            d.key(c.person_id),
        ),
        strategies.community_contacts(),
    ),
    "activities": (
        tables.ACTIVITIES,
        lambda a, _c, d: (
            d.key(a.officer_id),
            d.time(a.held_at),
            a.triad_role.value,
            a.minutes,
            d.key(a.school_id),
        ),
        strategies.education_activities(),
    ),
    "referrals": (
        tables.REFERRALS,
        lambda r, _c, d: (
            d.key(r.incident_id),
            d.key(r.partner_id),
            r.status.value,
            r.reason.value,
            d.time(r.sent_at),
            d.key(r.person_id),
        ),
        strategies.referrals(),
    ),
    "crises": (
        tables.CRISES,
        lambda c, _c, d: (d.key(c.school_id), c.status.value, d.key(c.incident_id)),
        strategies.crisis_events(),
    ),
}
"""Each table, its columns (besides id, version and document) read plainly, its records."""


def plain_row(table: str, record: Any, calendar: ProgramCalendar, d: Dialect) -> tuple[object, ...]:
    """Return a record's row read plainly: the record unstructured, each value from the record."""
    _, columns, _ = COLUMNS[table]
    document = encode(unstructure(record))
    return (d.key(record.id), record.version, *columns(record, calendar, d), document)


def plain_involvements(incident: Incident, d: Dialect) -> list[tuple[object, ...]]:
    """Return an incident's involvement rows read plainly from the record."""
    roles = ("victim", "suspect", "offender", "arrestee", "witness", "reporting_party")
    rows: list[tuple[object, ...]] = []
    for involvement in incident.involvements:
        person = involvement.person
        known = person.demographics
        race = known.crdc_race_ethnicity
        held = {role.value for role in involvement.roles}
        rows.append(
            (
                d.key(incident.id),
                d.key(person.id),
                person.kind.value,
                *(role in held for role in roles),
                known.sex.value,
                None if race is None else race.value,
                known.idea,
                known.section_504,
                known.english_learner,
            )
        )
    return rows


def _records(table: str) -> st.SearchStrategy[Any]:
    return COLUMNS[table][2]


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("table", COLUMNS)
@given(data=st.data(), calendar=strategies.program_calendars())
def test_rows_are_the_plain_reading_of_the_record(
    table: str, dialect: str, data: st.DataObject, calendar: ProgramCalendar
):
    """A record's row, made with or without its wire document, is the record read plainly."""
    d, chosen = DIALECTS[dialect], COLUMNS[table][0]
    record = data.draw(_records(table))
    stored = chosen.stored(record, 1)
    expected = [plain_row(table, stored, calendar, d)]
    beside = plain_involvements(stored, d) if table == "incidents" else []
    assert chosen.rows([stored], calendar, d) == (expected, beside)
    assert chosen.rows([stored], calendar, d, [unstructure(record)]) == (expected, beside)


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("table", COLUMNS)
@given(data=st.data(), calendar=strategies.program_calendars())
def test_update_rows_are_the_plain_reading_of_the_record(
    table: str, dialect: str, data: st.DataObject, calendar: ProgramCalendar
):
    """An update's parameters are the plain row's values, then the id, version read, guard."""
    d, chosen = DIALECTS[dialect], COLUMNS[table][0]
    record = data.draw(_records(table))
    stored = chosen.stored(record, record.version + 1)
    key, version, *values = plain_row(table, stored, calendar, d)
    guard = () if chosen.unique is None else (chosen.unique.value(stored), key)
    parameters, beside = chosen.update_rows(stored, record.version, calendar, d)
    assert parameters == (version, *values, key, record.version, *guard)
    assert beside == (plain_involvements(stored, d) if table == "incidents" else [])


@pytest.mark.parametrize("table", COLUMNS)
@given(data=st.data(), version=st.integers(0, 2**31 - 1))
def test_the_stored_copy_is_what_evolve_gives(table: str, data: st.DataObject, version: int):
    """The version bump without validating again gives the record ``attrs.evolve`` would."""
    record = data.draw(_records(table))
    before = attrs.astuple(record, recurse=False)
    copy = COLUMNS[table][0].stored(record, version)
    expected = attrs.evolve(record, version=version)
    assert type(copy) is type(expected)
    assert copy == expected
    assert attrs.astuple(copy, recurse=False) == attrs.astuple(expected, recurse=False)
    assert attrs.astuple(record, recurse=False) == before  # the original is untouched


@given(
    calendar=strategies.program_calendars(),
    instant=st.one_of(
        strategies.aware_datetimes(),
        st.datetimes(
            dt.datetime(2, 1, 1),  # noqa: DTZ001 - Hypothesis takes naive bounds
            dt.datetime(9998, 12, 31),  # noqa: DTZ001
            timezones=st.just(dt.UTC),
        ),
    ),
)
def test_the_cached_local_month_is_the_calendars(calendar: ProgramCalendar, instant: dt.datetime):
    """The local month's text, made once per month, is the calendar's for any instant."""
    assert tables.local_month(calendar, instant) == calendar.local_month(instant)
    assert tables.local_month(calendar, instant) == calendar.local_month(instant)  # cached


def _committed(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as connection:
        found = connection.execute("SELECT * FROM incidents ORDER BY id").fetchall()
        found += connection.execute(
            "SELECT * FROM involvements ORDER BY incident_id, person_id"
        ).fetchall()
    connection.close()
    return found


@given(
    incidents=st.lists(
        strategies.incidents(), max_size=4, unique_by=(lambda i: i.id, lambda i: i.number)
    ),
    calendar=strategies.program_calendars(),
)
def test_add_many_commits_the_rows_add_commits(
    incidents: list[Incident], calendar: ProgramCalendar
):
    """The bulk path, with the wire documents, commits in SQLite the very rows ``add`` commits."""
    fresh = [attrs.evolve(i, version=0) for i in incidents]
    with tempfile.TemporaryDirectory(prefix="sro-rows-") as folder:
        paths = [Path(folder) / "one.db", Path(folder) / "many.db"]
        one, many = (SQLiteStorage(StorageSettings(f"sqlite:///{p}", calendar)) for p in paths)
        try:
            with one.unit_of_work() as unit:
                for incident in fresh:
                    unit.incidents.add(incident)
            with many.unit_of_work() as unit:
                unit.incidents.add_many(fresh, [unstructure(i) for i in fresh])
        finally:
            one.close()
            many.close()
        assert _committed(paths[1]) == _committed(paths[0])
