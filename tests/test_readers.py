"""The generated readers: detailed mode's values, and a document kept only when it is the wire form.

A reader reads a wire document of one attrs class in one pass and says whether the document
is exactly what :func:`unstructure` writes for the value. It may refuse anything (detailed mode
then decides), but whatever it takes it must take to the value detailed mode gives, and it
must never call a document the wire form when it is not, type for type.
"""

from __future__ import annotations

import copy
import datetime as dt
import decimal
import functools
import json
import pickle
import re
import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sro_core import domain
from sro_core.serialization import (
    StructureError,
    converter,
    structure,
    structure_document,
    unstructure,
)
from sro_core.serialization import _converter_reader as converter_reader
from sro_core.serialization import _reader as reader_of  # the readers under test
from sro_core.serialization import _uuid_of as uuid_of
from sro_core.testing import strategies
from test_converter_paths import _leaves as paths_of


def _wire(value: object) -> tuple[type, dict[str, Any]]:
    """Return a value's class and its wire document (an event's without its union tag)."""
    wire: dict[str, Any] = unstructure(value)
    if isinstance(value, domain.DomainEvent):
        del wire["type"]
    return type(value), wire


def _same_json(one: Any, other: Any) -> bool:
    """Return whether two wire values are the same JSON text (``1`` is not ``1.0`` nor ``true``)."""
    return json.dumps(one, default=repr) == json.dumps(other, default=repr)


def _detailed(data: Any, cls: type) -> Any:
    """Return detailed mode's value for data, or None if detailed mode refuses it."""
    try:
        return converter.structure(copy.deepcopy(data), cls)
    except Exception:  # noqa: BLE001 - any refusal: the reader must then refuse too
        return None


def _assert_reader_keeps_its_promises(data: Any, cls: type) -> None:
    """Assert that the reader refuses data, or gives detailed mode's value and an honest flag."""
    try:
        value, canonical = reader_of(cls)(copy.deepcopy(data))
    except Exception:  # noqa: BLE001 - refusing is always allowed
        return
    expected = _detailed(data, cls)
    assert expected is not None, "the reader took input detailed mode refuses"
    assert value == expected
    if canonical:  # a "no" only costs unstructuring again; a "yes" must be true
        assert _same_json(data, converter.unstructure(value, cls))


@given(strategies.any_domain_value())
def test_the_reader_reads_a_wire_document_as_detailed_mode_does(value: object) -> None:
    """Every domain value's document reads back to the value, and is known as its wire form.

    (A calendar's document lacks the zone its ``__init__`` derives: it is checked the long way.)
    """
    cls, wire = _wire(value)
    read, canonical = reader_of(cls)(wire)
    assert read == value == converter.structure(wire, cls)
    assert canonical is not isinstance(value, domain.ProgramCalendar)


_JUNK = st.sampled_from(
    [
        None,
        0,
        -1,
        1.5,
        True,
        False,
        "",
        "x",
        "2026-03-02",
        "2026-03-02T10:15:00",
        "2026-03-02T10:15:00+05:00",
        "2026-03-02T10:15:00Z",
        "2026-W10-1",
        "{12345678-1234-5678-1234-567812345678}",
        "12345678-1234-5678-1234-567812345678".upper(),
        "12345678123456781234567812345678",
        "1234567_-1234-5678-1234-567812345678",
        "1.50",
        "NaN",
        [],
        ["x"],
        [None],
        {},
        {"x": 1},
        uuid.UUID(int=7),
    ]
)


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


_ALTERATIONS = [
    "junk",
    "reorder",
    "reverse",
    "double",
    "upper",
    "offset",
    "zulu",
    "compact",
    "hex",
    "drop",
    "extra",
]
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _alter(parent: Any, key: Any, how: str, junk: Any = None) -> None:
    """Write one part of a document another way, one that may still read as a value, or junk."""
    old = parent[key]
    if how == "junk":
        parent[key] = junk
    elif how == "reorder" and isinstance(old, dict) and len(old) > 1:
        parent[key] = dict(reversed(old.items()))
    elif how == "reverse" and isinstance(old, list):
        parent[key] = list(reversed(old))
    elif how == "double" and isinstance(old, list):
        parent[key] = old + old
    elif how == "upper" and isinstance(old, str):
        parent[key] = old.upper()
    elif how == "offset" and isinstance(old, str) and old.endswith("+00:00"):
        parent[key] = old[:-6] + "-00:00"
    elif how == "zulu" and isinstance(old, str) and old.endswith("+00:00"):
        parent[key] = old[:-6] + "Z"
    elif how == "compact" and isinstance(old, str) and _DAY.fullmatch(old):
        parent[key] = old.replace("-", "")  # 20260302 is a date too
    elif how == "hex" and isinstance(old, str) and _is_uuid(old):
        parent[key] = old.replace("-", "")  # a UUID needs no dashes
    elif how == "drop" and isinstance(parent, dict) and key not in ("id", "event_id"):
        del parent[key]  # not a random id: detailed mode would draw another one
    elif how == "extra" and isinstance(old, dict):
        old["not_a_field"] = None


def _is_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False


@settings(max_examples=300)
@given(strategies.any_domain_value(), st.data())
def test_a_reader_takes_altered_input_only_as_detailed_mode_does(
    value: object, data: st.DataObject
) -> None:
    """A document altered (junk, order, case, offsets, keys): refused, or as detailed mode."""
    cls, wire = _wire(value)
    paths = paths_of(wire)
    how = data.draw(st.sampled_from(_ALTERATIONS))
    if paths:
        some = st.lists(st.sampled_from(paths), min_size=1, max_size=3, unique=True)
        chosen = data.draw(some if how == "junk" else st.just(paths) | some)
        for path in sorted(chosen, key=len, reverse=True):  # the innermost first
            _alter(_parent(wire, path), path[-1], how, data.draw(_JUNK))
    if how in {"reorder", "extra"}:
        _alter({"": wire}, "", how)
    _assert_reader_keeps_its_promises(wire, cls)


@settings(max_examples=100)
@given(strategies.any_domain_value(), st.data())
def test_structure_document_keeps_the_input_only_when_it_is_the_wire_form(
    value: object, data: st.DataObject
) -> None:
    """The input dict comes back as the document only when it equals unstructure(value) exactly."""
    if isinstance(value, domain.DomainEvent | domain.ProgramCalendar):
        return
    cls, wire = _wire(value)
    paths = paths_of(wire)
    if paths and data.draw(st.booleans()):
        path = data.draw(st.sampled_from(paths))
        how = data.draw(st.sampled_from(_ALTERATIONS))
        _alter(_parent(wire, path), path[-1], how, data.draw(_JUNK))
    try:
        found, document = structure_document(wire, cls)
    except StructureError:
        return
    assert _same_json(document, unstructure(found))
    assert (document is wire) == _same_json(wire, unstructure(found))
    assert found == structure(wire, cls)


@pytest.mark.parametrize("cls", [domain.ActorEntry, domain.ProgramCalendar, domain.AuditKey])
def test_a_class_the_readers_do_not_cover_reads_through_the_converter(cls: type) -> None:
    """A default computed from the instance, or a field __init__ sets: the converter reads it."""
    reader = reader_of(cls)
    assert isinstance(reader, functools.partial)
    assert reader.func is converter_reader


def test_a_bulk_document_is_read_once_and_kept() -> None:
    """An incident as an import reads it (JSON lines, the wire form) is kept as its document."""
    start = dt.datetime(2026, 3, 2, 10, 15, tzinfo=dt.timezone(dt.timedelta(hours=-8)))
    incident = domain.Incident(
        reporting_officer_id=uuid.UUID(int=1),
        occurred_start=start,
        reported_at=start + dt.timedelta(hours=1),
        location=domain.Location.community(),
        category="theft",
    )
    wire = json.loads(json.dumps(unstructure(incident)))
    assert wire["occurred_start"] == "2026-03-02T18:15:00+00:00"
    found, document = structure_document(wire, domain.Incident)
    assert found == incident
    assert document is wire


@given(st.uuids())
def test_a_uuid_read_from_its_text_is_the_uuid_the_text_makes(value: uuid.UUID) -> None:
    """The reader's UUIDs are UUID(text): equal, same hash, same safety, same pickle."""
    text = str(value)
    read, made = uuid_of(text), uuid.UUID(text)
    assert type(read) is uuid.UUID
    assert read == made
    assert hash(read) == hash(made)
    assert read.is_safe is made.is_safe
    assert str(read) == text
    assert pickle.dumps(read) == pickle.dumps(made)


def _incident_wire() -> dict[str, Any]:
    """Return an incident's wire document with a set of two races, a day, a decimal and ids."""
    person = domain.Person(
        kind=domain.PersonKind.STUDENT,
        date_of_birth=dt.date(2010, 5, 1),
        demographics=domain.Demographics(races=frozenset({domain.Race.WHITE, domain.Race.ASIAN})),
    )
    incident = domain.Incident(
        reporting_officer_id=uuid.UUID("b2d35587-3998-41e0-8eb0-5bfa9eb566a4"),
        occurred_start=dt.datetime(2026, 3, 2, 18, 15, tzinfo=dt.UTC),
        reported_at=dt.datetime(2026, 3, 2, 19, tzinfo=dt.UTC),
        location=domain.Location.community(),
        category="theft",
        involvements=(
            domain.Involvement(
                person=person,
                roles=frozenset({domain.InvolvementRole.WITNESS, domain.InvolvementRole.VICTIM}),
            ),
        ),
        drugs=(domain.Drug("E", decimal.Decimal("1.5"), "GM"),),
    )
    wire: dict[str, Any] = unstructure(incident)
    return wire


_PERSON = ("involvements", 0, "person")
_ELSEWISE = [
    ((*_PERSON, "demographics", "races"), lambda races: list(reversed(races))),
    ((*_PERSON, "demographics", "races"), lambda races: [*races, races[0]]),
    (("involvements", 0, "roles"), lambda roles: list(reversed(roles))),
    ((*_PERSON, "date_of_birth"), lambda day: day.replace("-", "")),
    ((*_PERSON, "demographics"), lambda fields: dict(reversed(fields.items()))),
    (("drugs", 0, "quantity"), lambda quantity: "+" + quantity),
    (("occurred_start",), lambda time: time.replace("+00:00", "Z")),
    (("occurred_start",), lambda time: time.replace("+00:00", "-00:00")),
    (("occurred_start",), lambda time: time.replace("18:15:00+00:00", "19:15:00+01:00")),
    (("reporting_officer_id",), str.upper),
    (("reporting_officer_id",), lambda text: text.replace("-", "")),
    (("reporting_officer_id",), lambda text: "{" + text + "}"),
    ((*_PERSON, "id"), lambda text: "urn:uuid:" + text),
]


@pytest.mark.parametrize(("path", "respell"), _ELSEWISE)
def test_a_value_written_another_way_is_read_but_not_kept_as_the_document(
    path: tuple[Any, ...], respell: Any
) -> None:
    """Each other spelling of a value reads as detailed mode reads it, and is not the wire form."""
    wire = _incident_wire()
    parent = _parent(wire, path)
    parent[path[-1]] = respell(parent[path[-1]])
    value, canonical = reader_of(domain.Incident)(copy.deepcopy(wire))
    assert value == converter.structure(wire, domain.Incident)
    assert not canonical
    found, document = structure_document(wire, domain.Incident)
    assert found == value
    assert document is not wire
    assert document == unstructure(value)
