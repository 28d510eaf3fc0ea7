"""Redaction driven by the sensitivity metadata on fields.

Nothing here knows a field by name: a field declared sensitive in the domain is blanked for an
audience that may not see it, so a sensitive field added later is redacted everywhere at once.
A blanked field takes its declared default (``None``, ``""`` or an empty value); the paths of
what was blanked are returned with the record, so a reader can tell hidden from absent.
"""

from __future__ import annotations

import datetime as dt
import typing
from typing import Any, Generic, TypeVar

import attrs

from sro_core.domain import SENSITIVITY_KEY, Incident, Person, Sensitivity, is_juvenile

T = TypeVar("T")

REDACTED = "[redacted]"
"""What a flat export writes in place of a blanked value."""


@attrs.frozen
class Seen(Generic[T]):
    """A record as an audience may see it, and the paths of the fields that were hidden."""

    value: T
    hidden: frozenset[str] = frozenset()


@attrs.frozen
class Visibility:
    """What an audience may not see: sensitivities always hidden, and juvenile identities."""

    hidden: frozenset[Sensitivity] = frozenset()
    juvenile_identities: bool = True
    """Whether juveniles' identities may be seen (for adults the identity is never hidden)."""

    @property
    def everything(self) -> bool:
        """Return whether nothing is hidden from this audience."""
        return not self.hidden and self.juvenile_identities


def _default(field: attrs.Attribute[Any]) -> Any:
    default: Any = field.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        return default.factory()
    if default is attrs.NOTHING:
        msg = f"sensitive field {field.name} has no default to redact it to"
        raise TypeError(msg)
    return default


def _blank(value: Any, hidden: frozenset[Sensitivity], path: str, out: set[str]) -> Any:
    """Return an attrs value with every field hidden by ``hidden`` set to its default."""
    if not attrs.has(type(value)):
        if isinstance(value, tuple):
            return tuple(_blank(v, hidden, f"{path}[{n}]", out) for n, v in enumerate(value))
        return value
    changes: dict[str, Any] = {}
    for field in attrs.fields(type(value)):
        current = getattr(value, field.name)
        at = f"{path}.{field.name}" if path else field.name
        if field.metadata.get(SENSITIVITY_KEY, frozenset()) & hidden:
            blank = _default(field)
            if current != blank:
                changes[field.name] = blank
                out.add(at)
        elif attrs.has(type(current)) or (current and isinstance(current, tuple)):
            inner = _blank(current, hidden, at, out)
            if inner is not current and inner != current:
                changes[field.name] = inner
    return attrs.evolve(value, **changes) if changes else value


def redact(value: T, visibility: Visibility, on: dt.date) -> Seen[T]:
    """Return a record as an audience with ``visibility`` may see it.

    ``on`` is the program-local date that decides who is a juvenile for a record that is not an
    incident (the program's today; an incident uses its own date, through
    :func:`redact_incident`).
    """
    if isinstance(value, Incident):
        raise TypeError("use redact_incident for an incident: its date decides who is juvenile")
    hidden_paths: set[str] = set()
    hidden = visibility.hidden
    if not visibility.juvenile_identities and isinstance(value, Person) and is_juvenile(value, on):
        hidden = hidden | {Sensitivity.JUVENILE_IDENTITY}
    return Seen(_blank(value, hidden, "", hidden_paths), frozenset(hidden_paths))


def redact_incident(incident: Incident, visibility: Visibility, day: dt.date) -> Seen[Incident]:
    """Return an incident as an audience may see it; ``day`` is its program-local date."""
    if visibility.everything:
        return Seen(incident)
    hidden_paths: set[str] = set()
    top = _blank(incident, visibility.hidden, "", hidden_paths)
    if not visibility.juvenile_identities:
        juvenile_hidden = visibility.hidden | {Sensitivity.JUVENILE_IDENTITY}
        involvements = tuple(
            _blank(inv, juvenile_hidden, f"involvements[{n}]", hidden_paths)
            if inv.is_juvenile(day)
            else inv
            for n, inv in enumerate(top.involvements)
        )
        top = attrs.evolve(top, involvements=involvements)
    return Seen(top, frozenset(hidden_paths))


def sensitivity_of(cls: type[Any], path: str) -> frozenset[Sensitivity]:
    """Return the sensitivities of the field a dotted path names in an attrs class.

    A path that is not a field (a computed column) has none.
    """
    kinds: frozenset[Sensitivity] = frozenset()
    for name in path.split("."):
        if not attrs.has(cls):
            return frozenset()
        fields = {f.name: f for f in attrs.fields(cls)}
        if name not in fields:
            return frozenset()
        kinds = kinds | fields[name].metadata.get(SENSITIVITY_KEY, frozenset())
        hint = typing.get_type_hints(cls).get(name)
        cls = next((t for t in (hint, *typing.get_args(hint)) if isinstance(t, type)), object)
    return kinds
