"""The rows of the shared SQL tables: the one-pass row code gives what the plain reading gives.

The row code (:mod:`sro_core.sql.tables`) takes shortcuts for the bulk path: ids and enum texts
from the wire document, the version bump without validating again, the local month's text
cached, an incident's involvements made in the same pass. Each property here holds it to the
plain reading of the record (every value from the record itself, as the columns are described)
over the domain strategies, in both dialects' encodings.
"""

from __future__ import annotations

import datetime as dt
import enum
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
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

SPECIAL: dict[str, Callable[[Any, ProgramCalendar], object]] = {
    "location_kind": lambda incident, _calendar: incident.location.kind,
    "occurred_at": lambda incident, _calendar: incident.occurred_start,
    "local_month": lambda incident, calendar: calendar.local_month(incident.occurred_start),
    "review_since": lambda incident, _calendar: tables.waiting_since_of(incident),
}
"""The columns not named after the record's attribute, read plainly."""

TABLES: dict[str, tuple[tables.Table[Any], st.SearchStrategy[Any]]] = {
    "schools": (tables.SCHOOLS, strategies.schools()),
    "partners": (tables.PARTNERS, strategies.partners()),
    "actors": (tables.ACTORS, strategies.actor_entries()),
    "agreements": (tables.AGREEMENTS, strategies.agreements()),
    "people": (tables.PEOPLE, strategies.person_records()),
    "officers": (tables.OFFICERS, strategies.officers()),
    "assignments": (tables.ASSIGNMENTS, strategies.assignments()),
    "incidents": (tables.INCIDENTS, strategies.incidents()),
    "contacts": (tables.CONTACTS, strategies.community_contacts()),
    "activities": (tables.ACTIVITIES, strategies.education_activities()),
    "referrals": (tables.REFERRALS, strategies.referrals()),
    "crises": (tables.CRISES, strategies.crisis_events()),
}
"""Each table and its records."""


def plain_value(
    record: Any, column: str, kind: str, calendar: ProgramCalendar, d: Dialect
) -> object:
    """Return a column's value read plainly: the attribute it names, encoded by its SQL type."""
    value = SPECIAL[column](record, calendar) if column in SPECIAL else getattr(record, column)
    if isinstance(value, enum.Enum):
        value = value.value
    if value is None:
        return None
    if kind == "uuid":
        return d.key(value)
    return d.time(value) if kind == "timestamptz" else value


def plain_row(table: str, record: Any, calendar: ProgramCalendar, d: Dialect) -> tuple[object, ...]:
    """Return a record's row read plainly: each column from the record, the record unstructured."""
    chosen = TABLES[table][0]
    columns = zip(chosen.columns[2:-1], chosen.types[2:-1], strict=True)
    values = [plain_value(record, column, kind, calendar, d) for column, kind in columns]
    return (d.key(record.id), record.version, *values, encode(unstructure(record)))


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
    return TABLES[table][1]


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("table", TABLES)
@given(data=st.data(), calendar=strategies.program_calendars())
def test_rows_are_the_plain_reading_of_the_record(
    table: str, dialect: str, data: st.DataObject, calendar: ProgramCalendar
):
    """A new record's row (with or without its wire document), an update's, are read plainly."""
    d, chosen = DIALECTS[dialect], TABLES[table][0]
    record = data.draw(_records(table))
    for version in (1, record.version + 1):
        stored = chosen.stored(record, version)
        expected = plain_row(table, stored, calendar, d)
        beside = plain_involvements(stored, d) if table == "incidents" else []
        assert chosen.rows([stored], calendar, d) == ([expected], beside)
        assert chosen.rows([stored], calendar, d, [unstructure(record)]) == ([expected], beside)
        key, _, *values = expected
        guard = () if chosen.unique is None else (chosen.unique.value(stored), key)
        read = (version, *values, key, record.version, *guard)
        assert chosen.update_rows(stored, record.version, calendar, d) == (read, beside)


@pytest.mark.parametrize("table", TABLES)
@given(data=st.data(), version=st.integers(0, 2**31 - 1))
def test_the_stored_copy_is_what_evolve_gives(table: str, data: st.DataObject, version: int):
    """The version bump without validating again gives the record ``attrs.evolve`` would."""
    record = data.draw(_records(table))
    before = attrs.astuple(record, recurse=False)
    copy = TABLES[table][0].stored(record, version)
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


@settings(max_examples=50, deadline=None)  # two SQLite files per example: 50 cover the paths
@given(
    incidents=st.lists(
        strategies.incidents(), max_size=4, unique_by=(lambda i: i.id, lambda i: i.number)
    ),
    calendar=strategies.program_calendars(),
)
def test_add_many_commits_the_rows_add_commits(
    incidents: list[Incident], calendar: ProgramCalendar
):
    """The bulk path, with the wire documents, commits in SQLite the very rows ``add`` commits.

    And what it returns reads back equal: the records at version 1.
    """
    fresh = [attrs.evolve(i, version=0) for i in incidents]
    with tempfile.TemporaryDirectory(prefix="sro-rows-") as folder:
        paths = [Path(folder) / "one.db", Path(folder) / "many.db"]
        one, many = (SQLiteStorage(StorageSettings(f"sqlite:///{p}", calendar)) for p in paths)
        try:
            with one.unit_of_work() as unit:
                for incident in fresh:
                    unit.incidents.add(incident)
            with many.unit_of_work() as unit:
                added = unit.incidents.add_many(fresh, [unstructure(i) for i in fresh])
            with many.unit_of_work() as unit:
                assert [unit.incidents.get(i.id) for i in fresh] == added
            assert added == [attrs.evolve(i, version=1) for i in fresh]
        finally:
            one.close()
            many.close()
        assert _committed(paths[1]) == _committed(paths[0])
