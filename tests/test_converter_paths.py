"""The converter's fast path: the wire format as before, the values and errors of detailed mode."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sro_core import domain
from sro_core.serialization import (
    AnyEvent,
    StructureError,
    converter,
    dumps,
    structure,
    structure_document,
    unstructure,
)
from sro_core.serialization import _problems as problems_of  # the detailed error, as before
from sro_core.testing import strategies

GOLDEN = Path(__file__).parent / "data" / "wire_golden.jsonl"
"""Documents the converter wrote over the strategies before its hooks were generated anew."""


def _type(name: str) -> Any:
    return AnyEvent if name == "AnyEvent" else getattr(domain, name)


def _golden() -> list[tuple[Any, str]]:
    rows = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    return [(_type(row["type"]), row["document"]) for row in rows]


def _detailed(data: Any, cls: Any) -> Any:
    """Structure in detailed mode only, as :func:`structure` did before it had a fast path."""
    try:
        return converter.structure(data, cls)
    except Exception as error:  # noqa: BLE001 - compared with what structure() raises
        return StructureError(getattr(cls, "__name__", str(cls)), list(problems_of(error, "")))


def _outcome(data: Any, cls: Any) -> Any:
    try:
        return structure(data, cls)
    except StructureError as error:
        return error


def _assert_as_detailed_mode(data: Any, cls: Any) -> None:
    """Assert that structure() gives detailed mode's value, or raises its very error."""
    expected = _detailed(copy.deepcopy(data), cls)
    found = _outcome(data, cls)
    if isinstance(expected, StructureError):
        assert isinstance(found, StructureError)
        assert found.problems == expected.problems
        assert str(found) == str(expected)
    else:
        assert found == expected


def _known(new: Any, old: Any) -> Any:
    """Return a new document without the keys a golden one lacks (fields added since)."""
    if isinstance(new, dict) and isinstance(old, dict):
        return {k: _known(v, old[k]) for k, v in new.items() if k in old}
    if isinstance(new, list) and isinstance(old, list) and len(new) == len(old):
        return [_known(n, o) for n, o in zip(new, old, strict=True)]
    return new


def test_golden_documents_are_written_byte_for_byte_as_before() -> None:
    """Each stored document reads back and is written again with the very same bytes.

    Fields the domain gained since the documents were written take their defaults and are
    left out of the comparison; a document a newer domain rule refuses (a control character
    in a name) is not the converter's to write; every other field is written as it was.
    """
    compared = 0
    for cls, document in _golden():
        try:
            value = structure(json.loads(document), cls)
        except StructureError:
            continue
        written = _known(unstructure(value), json.loads(document))
        assert json.dumps(written, ensure_ascii=False, separators=(",", ":")) == document
        compared += 1
    assert compared > 250


def test_golden_documents_read_the_same_in_both_modes() -> None:
    """The fast path and detailed mode build equal values from every golden document."""
    for cls, document in _golden():
        _assert_as_detailed_mode(json.loads(document), cls)


_JUNK = st.sampled_from(
    [
        None,
        0,
        -1,
        1.5,
        True,
        "",
        "x",
        "2026-03-02",
        "2026-03-02T10:15:00",
        "2026-03-02T10:15:00+05:00",
        "{12345678-1234-5678-1234-567812345678}",
        "12345678-1234-5678-1234-567812345678".upper(),
        [],
        ["x"],
        [None],
        {},
        uuid.UUID(int=7),
    ]
)


def _leaves(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Return the path of every value inside a wire document, containers included."""
    found = [path] if path else []
    if isinstance(data, dict):
        for key, value in data.items():
            found.extend(_leaves(value, (*path, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.extend(_leaves(value, (*path, index)))
    return found


def _put(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


@settings(max_examples=150)
@given(strategies.any_domain_value(), st.data())
def test_spoiled_input_gives_what_detailed_mode_gives(value: object, data: st.DataObject) -> None:
    """A value with one part replaced structures to detailed mode's value or its very error."""
    cls = AnyEvent if isinstance(value, domain.DomainEvent) else type(value)
    wire = unstructure(value)
    paths = _leaves(wire)
    if paths:
        _put(wire, data.draw(st.sampled_from(paths)), data.draw(_JUNK))
    _assert_as_detailed_mode(wire, cls)


def test_a_document_in_the_wire_format_is_kept_as_it_is() -> None:
    """structure_document returns the very input dict when it is already the wire format."""
    kept = 0
    for cls, document in _golden():
        if cls is AnyEvent or cls is domain.ProgramCalendar:
            continue
        try:
            data = unstructure(structure(json.loads(document), cls))
        except StructureError:
            continue
        value, written = structure_document(data, cls)
        assert written is data
        assert value == structure(data, cls)
        kept += 1
    assert kept > 150


def _respell(data: Any, path: tuple[Any, ...], how: str) -> None:
    """Write one part of a wire document another way that reads as the same or a close value."""
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    old = parent[path[-1]]
    if how == "reorder" and isinstance(old, dict) and len(old) > 1:
        parent[path[-1]] = dict(reversed(old.items()))
    elif how == "reverse" and isinstance(old, list):
        parent[path[-1]] = list(reversed(old)) * 2 if len(old) == 1 else list(reversed(old))
    elif how == "upper" and isinstance(old, str):
        parent[path[-1]] = old.upper()
    elif how == "offset" and isinstance(old, str) and old.endswith("+00:00"):
        parent[path[-1]] = old[:-6] + "Z"
    elif how == "drop" and isinstance(parent, dict):
        del parent[path[-1]]
    elif how == "number" and type(old) is int:
        parent[path[-1]] = float(old)


@settings(max_examples=150)
@given(strategies.any_domain_value(), st.data())
def test_the_document_returned_is_always_the_wire_format(
    value: object, data: st.DataObject
) -> None:
    """However the input was spelt, the document is exactly unstructure() of the value."""
    if isinstance(value, domain.DomainEvent | domain.ProgramCalendar):
        return
    wire = unstructure(value)
    paths = _leaves(wire)
    how = data.draw(st.sampled_from(["reorder", "reverse", "upper", "offset", "drop", "number"]))
    if how == "drop" and paths:
        _respell(wire, data.draw(st.sampled_from(paths)), how)
    elif how != "drop":
        for path in reversed(paths):  # every part, the innermost first
            _respell(wire, path, how)
    try:
        found, document = structure_document(wire, type(value))
    except StructureError:
        return
    assert json.dumps(document, ensure_ascii=False, separators=(",", ":")) == dumps(found)
    assert document == unstructure(found)
