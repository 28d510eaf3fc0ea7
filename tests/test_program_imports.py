"""Imports through the Program: every record checked, then all stored in one unit, or none."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from program_support import CHIEF, SRO, Town, build_town, open_program, snapshot
from sro_core.domain import (
    CommunityContact,
    ContactParty,
    ContactPurpose,
    Incident,
    IncidentStatus,
    Location,
    LocationKind,
    TriadRole,
)
from sro_core.ports import NotFound
from sro_core.service import ImportRejected, Program

PACIFIC = dt.timezone(dt.timedelta(hours=-7))


@pytest.fixture
def town() -> tuple[Program, Town]:
    """Return a program in memory with the seed's town."""
    program, _ = open_program()
    return program, build_town(program)


def _contact(where: Town, **changes: object) -> CommunityContact:
    values: dict[str, object] = {
        "officer_id": where.officer.id,
        "at": dt.datetime(2026, 9, 9, 15, tzinfo=PACIFIC),
        "party": ContactParty.STAFF,
        "purpose": ContactPurpose.ADVICE,
        "triad_role": TriadRole.INFORMAL_COUNSELOR_MENTOR,
        "minutes": 10,
        "school_id": where.high.id,
    }
    values.update(changes)
    return CommunityContact(**values)  # type: ignore[arg-type]


def test_a_bad_record_stops_the_whole_import(town: tuple[Program, Town]) -> None:
    """Problems are reported by position, every one of them, and nothing is stored."""
    program, where = town
    before = snapshot(program)
    records = [
        _contact(where),
        _contact(where, officer_id=uuid.UUID(int=1)),
        _contact(where, school_id=uuid.UUID(int=2)),
    ]
    with pytest.raises(ImportRejected) as caught:
        program.import_records(SRO, records)
    assert {n: [p.field for p in found] for n, found in caught.value.problems.items()} == {
        1: ["officer_id"],
        2: ["school_id"],
    }
    assert snapshot(program) == before


def test_a_contact_naming_nobody_in_the_person_index_is_refused(
    town: tuple[Program, Town],
) -> None:
    """A contact's person is one the index knows: logged or imported, a stray id is refused."""
    program, where = town
    before = snapshot(program)
    stray = _contact(where, person_id=uuid.UUID(int=3))
    with pytest.raises(NotFound, match="00000000-0000-0000-0000-000000000003"):
        program.log_contact(SRO, stray)
    with pytest.raises(ImportRejected) as caught:
        program.import_records(SRO, [_contact(where), stray])
    assert {n: [p.field for p in found] for n, found in caught.value.problems.items()} == {
        1: ["person_id"]
    }
    assert snapshot(program) == before


def test_skip_bad_stores_the_good_records_and_a_rerun_stores_nothing_twice(
    town: tuple[Program, Town],
) -> None:
    """With skip_bad the good records are stored together; importing them again skips them."""
    program, where = town
    records = [_contact(where), _contact(where, minutes=5, school_id=uuid.UUID(int=2))]
    result = program.import_records(SRO, records, skip_bad=True)
    assert result.stored == (records[0].id,)
    assert list(result.problems) == [1]
    again = program.import_records(SRO, records[:1], check_only=True)
    assert (again.problems, again.skipped) == ({}, (records[0].id,))
    assert program.import_records(SRO, records[:1]).stored == ()
    assert len(list(program.contacts(CHIEF))) == 1


def test_imported_incidents_are_reported_with_their_numbers(town: tuple[Program, Town]) -> None:
    """Draft incidents are numbered in order and reported as they are stored."""
    program, where = town
    drafts = [
        Incident(
            reporting_officer_id=where.officer.id,
            occurred_start=dt.datetime(2026, 9, day, 10, tzinfo=PACIFIC),
            reported_at=dt.datetime(2026, 9, day, 11, tzinfo=PACIFIC),
            location=Location(LocationKind.COMMUNITY, "20"),
            category="theft",
        )
        for day in (1, 2, 3)
    ]
    stored = program.import_records(SRO, drafts).stored
    found = {s.value.id: s.value for s in program.incidents_of(CHIEF)}
    assert sorted(found[i].number or "" for i in stored) == [
        "2026-000001",
        "2026-000002",
        "2026-000003",
    ]
    assert all(found[i].status is IncidentStatus.REPORTED for i in stored)
    assert program.verify_audit(CHIEF) is None
