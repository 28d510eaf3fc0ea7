"""The one converter: round trips for every domain type, and bad input named by its path."""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import json
import uuid
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sro_core import domain
from sro_core.serialization import AnyEvent, StructureError, dumps, loads, structure, unstructure
from sro_core.testing import strategies

PACIFIC = dt.timezone(dt.timedelta(hours=-8))


def _incident_wire() -> dict[str, Any]:
    """Return a valid incident in wire format, with three involvements, to spoil in tests."""
    people = [
        domain.Involvement(
            person=domain.Person(kind=domain.PersonKind.STUDENT, date_of_birth=dt.date(2010, 5, 1)),
            roles=frozenset({domain.InvolvementRole.WITNESS}),
        )
        for _ in range(3)
    ]
    incident = domain.Incident(
        reporting_officer_id=uuid.uuid4(),
        occurred_start=dt.datetime(2026, 3, 2, 10, 15, tzinfo=PACIFIC),
        reported_at=dt.datetime(2026, 3, 2, 11, tzinfo=PACIFIC),
        location=domain.Location(kind=domain.LocationKind.COMMUNITY, nibrs_code="20"),
        category="theft",
        involvements=tuple(people),
        drugs=(domain.Drug("E", decimal.Decimal("1.5"), "GM"),),
    )
    wire: dict[str, Any] = unstructure(incident)
    return wire


@given(strategies.any_domain_value())
def test_every_domain_value_round_trips(value: object) -> None:
    """structure(unstructure(x)) == x for every domain type, also through JSON text."""
    cls = AnyEvent if isinstance(value, domain.DomainEvent) else type(value)
    assert structure(unstructure(value), cls) == value
    assert loads(dumps(value), cls) == value


@given(strategies.domain_events())
def test_events_are_tagged_by_type(event: domain.DomainEvent) -> None:
    """An event's wire form carries its class name under "type" and comes back as that class."""
    wire = unstructure(event)
    assert wire["type"] == type(event).__name__
    assert type(structure(wire, AnyEvent)) is type(event)


def test_wire_format_is_as_documented() -> None:
    """Datetimes are written in UTC with their offset; UUIDs, decimals are strings; enums values."""
    wire = _incident_wire()
    assert wire["occurred_start"] == "2026-03-02T18:15:00+00:00"
    assert isinstance(wire["reporting_officer_id"], str)
    assert wire["drugs"][0]["quantity"] == "1.5"
    assert wire["location"]["kind"] == "community"
    assert wire["involvements"][0]["roles"] == ["witness"]
    json.dumps(wire)


def test_frozensets_are_written_sorted() -> None:
    """The same set always gives the same document, whatever order it was built in."""
    races = [domain.Race.WHITE, domain.Race.ASIAN, domain.Race.BLACK]
    one = domain.Demographics(races=frozenset(races))
    other = domain.Demographics(races=frozenset(reversed(races)))
    assert dumps(one) == dumps(other)
    assert unstructure(one)["races"] == ["A", "B", "W"]


@pytest.mark.parametrize(
    ("spoil", "path", "words"),
    [
        (
            lambda w: w["involvements"][2]["person"].update(date_of_birth="2010-13-01"),
            "involvements[2].person.date_of_birth",
            "not a date",
        ),
        (
            lambda w: w.update(occurred_start="2026-03-02T10:15:00"),
            "occurred_start",
            "needs its UTC offset",
        ),
        (lambda w: w["location"].update(kind="moon"), "location.kind", "not one of"),
        (lambda w: w.update(reporting_officer_id="42"), "reporting_officer_id", "not a UUID"),
        (lambda w: w["drugs"][0].update(quantity=1.5), "drugs[0].quantity", "decimal"),
        (lambda w: w["drugs"][0].update(quantity="-2"), "drugs[0].quantity", "positive"),
        (lambda w: w.pop("category"), "category", "required"),
        (lambda w: w.update(colour="red"), "colour", "not a field"),
        (lambda w: w["involvements"][1].update(roles=[]), "involvements[1].roles", "at least one"),
        (
            lambda w: w["involvements"][0]["person"].update(name="  "),
            "involvements[0].person.name",
            "blank",
        ),
        (lambda w: w.update(narrative=7), "narrative", "not a text"),
        (
            lambda w: w.update(referred_to_law_enforcement="yes"),
            "referred_to_law_enforcement",
            "true or false",
        ),
    ],
)
def test_bad_input_names_the_field_by_its_path(spoil: Any, path: str, words: str) -> None:
    """Each kind of bad input gives StructureError naming the bad field by its full path."""
    wire = _incident_wire()
    spoil(wire)
    with pytest.raises(StructureError) as caught:
        structure(wire, domain.Incident)
    assert [p.field for p in caught.value.problems] == [path]
    assert words in caught.value.problems[0].rule
    assert path in str(caught.value)


def test_every_bad_field_is_reported_at_once() -> None:
    """Several bad fields are all listed in one error, not just the first."""
    wire = _incident_wire()
    wire["category"] = 3
    wire["involvements"][0]["person"]["kind"] = "alien"
    with pytest.raises(StructureError) as caught:
        structure(wire, domain.Incident)
    assert {p.field for p in caught.value.problems} == {
        "category",
        "involvements[0].person.kind",
    }


def test_rules_broken_by_the_whole_record_are_named() -> None:
    """A rule between fields (reported before it occurred) is named like a field error."""
    wire = _incident_wire()
    wire["reported_at"] = "2026-03-01T00:00:00-08:00"
    with pytest.raises(StructureError) as caught:
        structure(wire, domain.Incident)
    assert caught.value.problems[0].field == "reported_at"


@given(st.text())
def test_text_that_is_not_json_is_refused(text: str) -> None:
    """Reading never lets a JSON error or a KeyError escape: only StructureError."""
    with contextlib.suppress(StructureError):
        loads(text, domain.Officer)
