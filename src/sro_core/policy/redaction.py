"""Applying a decision to a record: hidden fields blanked, free text masked or blanked.

Nothing here knows a field by name: a field is hidden by the sensitivity and record-class
metadata declared on it in the domain, so a field declared later is hidden everywhere at once.
A blanked field takes its declared default (``None``, ``""`` or an empty value); the paths of
what was blanked are returned with the record, so a reader can tell hidden from absent. A
redacted value is a view for one reader: it is built without re-running the record's
validators (an arrest hidden from a closed incident leaves it without its disposition).
"""

from __future__ import annotations

import copy
import typing
from typing import Any, TypeVar

import attrs

from sro_core.domain import (
    FREE_TEXT_KEY,
    RECORD_CLASS_KEY,
    SENSITIVITY_KEY,
    Involvement,
    InvolvementRole,
    Person,
    RecordClass,
    Sensitivity,
)
from sro_core.policy.masking import Mask
from sro_core.ports.seen import Seen

T = TypeVar("T")

REDACTED = "[redacted]"
"""What a flat export writes in place of a blanked value."""


@attrs.frozen
class Hiding:
    """What to hide of one record: sensitivities, record classes, people, and free text."""

    sensitivities: frozenset[Sensitivity] = frozenset()
    classes: frozenset[RecordClass] = frozenset()
    people: frozenset[typing.Any] = frozenset()
    """Ids of the people whose identity is hidden (juveniles, protected victims)."""
    mask: Mask = attrs.field(factory=Mask)
    free_text_hidden: bool = False

    @property
    def nothing(self) -> bool:
        """Return whether nothing at all is hidden or masked."""
        return not (
            self.sensitivities or self.classes or self.people or self.mask or self.free_text_hidden
        )


def _default(field: attrs.Attribute[Any]) -> Any:
    default: Any = field.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        return default.factory()
    if default is attrs.NOTHING:
        msg = f"hidden field {field.name} has no default to blank it to"
        raise TypeError(msg)
    return default


def replaced(value: T, changes: dict[str, Any]) -> T:
    """Return a copy of an attrs value with fields replaced, its validators not run again."""
    if not changes:
        return value
    new = copy.copy(value)
    for name, field_value in changes.items():
        object.__setattr__(new, name, field_value)
    return new


def _hidden_by(field: attrs.Attribute[Any], hidden: frozenset[Sensitivity], hiding: Hiding) -> bool:
    """Return whether a field's metadata puts it among what is hidden."""
    return bool(
        field.metadata.get(SENSITIVITY_KEY, frozenset()) & hidden
        or field.metadata.get(RECORD_CLASS_KEY, frozenset()) & hiding.classes
    )


def _free_text(text: str, hiding: Hiding, field: attrs.Attribute[Any]) -> str:
    """Return free text as the reader may see it: masked, or blanked where masking cannot do."""
    if hiding.free_text_hidden and text:
        return str(_default(field))
    return hiding.mask.apply(text) if hiding.mask else text


def _hide(
    value: Any, hiding: Hiding, path: str, out: set[str], extra: frozenset[Sensitivity]
) -> Any:
    """Return a value with every field ``hiding`` hides blanked and its free text masked."""
    if not attrs.has(type(value)):
        if isinstance(value, tuple):
            return tuple(_hide(v, hiding, f"{path}[{n}]", out, extra) for n, v in enumerate(value))
        return value
    if isinstance(value, Person) and value.id in hiding.people:
        extra = extra | {Sensitivity.JUVENILE_IDENTITY}
    hidden = hiding.sensitivities | extra
    changes: dict[str, Any] = {}
    for field in attrs.fields(type(value)):
        current = getattr(value, field.name)
        at = f"{path}.{field.name}" if path else field.name
        if _hidden_by(field, hidden, hiding):
            blank = _default(field)
            if current != blank:
                changes[field.name] = blank
                out.add(at)
        elif field.metadata.get(FREE_TEXT_KEY) and isinstance(current, str):
            text = _free_text(current, hiding, field)
            if text != current:
                changes[field.name] = text
                if hiding.free_text_hidden:
                    out.add(at)
        elif attrs.has(type(current)) or (current and isinstance(current, tuple)):
            inner = _hide(current, hiding, at, out, extra)
            if inner is not current and inner != current:
                changes[field.name] = inner
    if (
        isinstance(value, Involvement)
        and RecordClass.ARREST in hiding.classes
        and InvolvementRole.ARRESTEE in value.roles
    ):
        changes["roles"] = value.roles - {InvolvementRole.ARRESTEE}
        out.add(f"{path}.roles")
    return replaced(value, changes)


def hide(value: T, hiding: Hiding) -> Seen[T]:
    """Return a record with what ``hiding`` says blanked or masked, and the hidden paths."""
    if hiding.nothing:
        return Seen(value)
    out: set[str] = set()
    return Seen(_hide(value, hiding, "", out, frozenset()), frozenset(out))


def metadata_of(cls: type[Any], path: str, key: str) -> frozenset[Any]:
    """Return the metadata under ``key`` of the fields a dotted path crosses in an attrs class.

    A path that is not a field (a computed column) has none.
    """
    kinds: frozenset[Any] = frozenset()
    for name in path.split("."):
        if not attrs.has(cls):
            return frozenset()
        fields = {f.name: f for f in attrs.fields(cls)}
        if name not in fields:
            return frozenset()
        kinds = kinds | fields[name].metadata.get(key, frozenset())
        hint = typing.get_type_hints(cls).get(name)
        cls = next((t for t in (hint, *typing.get_args(hint)) if isinstance(t, type)), object)
    return kinds


def sensitivity_of(cls: type[Any], path: str) -> frozenset[Sensitivity]:
    """Return the sensitivities of the field a dotted path names in an attrs class."""
    return metadata_of(cls, path, SENSITIVITY_KEY)


def classes_of(cls: type[Any], path: str) -> frozenset[RecordClass]:
    """Return the record classes of the field a dotted path names in an attrs class."""
    return metadata_of(cls, path, RECORD_CLASS_KEY)
