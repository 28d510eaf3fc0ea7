"""The Python API as a department app's developer meets it: names, places, filters, times, actor."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

import sro_core
from program_support import CHIEF, SRO, build_town, open_program
from sro_core import (
    Actor,
    CampusZone,
    Incident,
    IncidentFilter,
    IncidentStatus,
    Location,
    LocationKind,
    Offense,
    Page,
    Period,
    Program,
    RuleViolation,
)
from sro_core.codes import default_tables

PACIFIC = dt.timezone(dt.timedelta(hours=-7))


def _naive(*parts: int) -> dt.datetime:
    """Return a time without an offset, as a form or a script would give it."""
    return dt.datetime(*parts)  # noqa: DTZ001 - naive on purpose


def _draft(school_id: uuid.UUID, officer_id: uuid.UUID) -> Incident:
    return Incident(
        reporting_officer_id=officer_id,
        occurred_start=dt.datetime(2026, 9, 14, 12, 5, tzinfo=PACIFIC),
        reported_at=dt.datetime(2026, 9, 14, 12, 30, tzinfo=PACIFIC),
        location=Location.on_campus(CampusZone.CAFETERIA),
        category="fight",
        school_id=school_id,
        offenses=(Offense("13B"),),
    )


def _fight(program: Program, school_id: uuid.UUID, officer_id: uuid.UUID) -> Incident:
    return program.report_incident(SRO, _draft(school_id, officer_id))


def test_the_common_names_are_importable_from_sro_core() -> None:
    """Every name in sro_core.__all__ is there, and Program is the service's own class."""
    for name in sro_core.__all__:
        assert getattr(sro_core, name) is not None, name
    assert sro_core.Program is Program


def test_locations_are_built_by_place_with_their_nibrs_codes() -> None:
    """on_campus, school_adjacent, community and online carry a NIBRS location code that exists."""
    made = [
        Location.on_campus(CampusZone.HALLWAY),
        Location.school_adjacent("Elm St"),
        Location.community("Main St"),
        Location.online(),
    ]
    assert [place.kind for place in made] == list(LocationKind)
    assert [place.nibrs_code for place in made] == ["53", "13", "25", "58"]
    assert all(place.nibrs_code in default_tables().get("nibrs.location") for place in made)
    with pytest.raises(RuleViolation, match=r"location\.zone"):
        Location(LocationKind.COMMUNITY, "25", CampusZone.HALLWAY)


def test_acting_as_binds_the_actor_for_a_block_and_audits_as_them() -> None:
    """`program.acting_as(actor)` calls each command as that actor; the program stays open."""
    program, _ = open_program()
    town = build_town(program)
    with program.acting_as(SRO) as ofc:
        stored = ofc.report_incident(_draft(town.high.id, town.officer.id))
        seen = ofc.incident(stored.id)
        assert seen.value.number == stored.number
        assert ofc.calendar is program.calendar
    trail = program.audit_trail(CHIEF, 0, 1_000)
    assert trail[-1].actor_id == SRO.id
    assert [e.action for e in trail if e.actor_id == SRO.id] == ["report_incident"]
    assert program.schools(CHIEF)
    with pytest.raises(RuleViolation, match="actor"):
        program.acting_as("sgt")  # type: ignore[arg-type]
    assert "acting as 'ofc.reyes'" in repr(program.acting_as(SRO))


def test_filters_take_one_value_or_many() -> None:
    """A category string is one category, not letters; one UUID or one status needs no set."""
    one = uuid.uuid4()
    assert IncidentFilter(categories="fight").categories == frozenset({"fight"})
    assert IncidentFilter(school_ids=one).school_ids == frozenset({one})
    assert IncidentFilter(ids=[one, one]).ids == frozenset({one})
    assert IncidentFilter(statuses=IncidentStatus.CLOSED).statuses == {IncidentStatus.CLOSED}
    program, _ = open_program()
    town = build_town(program)
    stored = _fight(program, town.high.id, town.officer.id)
    found = program.find_incidents(
        CHIEF, IncidentFilter(categories="fight", school_ids=town.high.id)
    )
    assert [s.value.id for s in found.items] == [stored.id]


def test_naive_times_are_refused_unless_the_program_reads_them_as_local() -> None:
    """By default a naive time names its field; with naive_times="local" it is program-local."""
    naive = IncidentFilter(occurred_from=_naive(2026, 9, 14), occurred_before=None)
    refusing, _ = open_program()
    with pytest.raises(RuleViolation, match="occurred_from"):
        refusing.find_incidents(CHIEF, naive)
    local, _ = open_program(naive_times="local")
    town = build_town(local)
    stored = _fight(local, town.high.id, town.officer.id)
    assert [s.value.id for s in local.find_incidents(CHIEF, naive, Page()).items] == [stored.id]
    later = IncidentFilter(occurred_from=_naive(2026, 9, 14, 12, 6))
    assert local.find_incidents(CHIEF, later).items == ()
    figures = local.monthly_counts(CHIEF, Period(_naive(2026, 9, 1), _naive(2026, 10, 1)))
    assert sum(f.count for f in figures) == 1
    with pytest.raises(ValueError, match="naive_times"):
        sro_core.ProgramSettings(naive_times="sometimes")


def test_an_actor_is_still_required_where_no_block_binds_one() -> None:
    """Without acting_as, a command still takes its actor first (checked like any argument)."""
    program, _ = open_program()
    with pytest.raises(RuleViolation, match="actor"):
        program.schools("sgt")  # type: ignore[arg-type]
    assert isinstance(CHIEF, Actor)
