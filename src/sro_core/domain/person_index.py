"""The master person index: one record per person the program knows, and reversible merges.

Records name a person by the id they were recorded with: an involvement by its person's id, a
contact by ``person_id``, a referral by ``person_id`` (the person referred). Those ids are never
rewritten. A merge marks the duplicate record ``merged_into`` the kept one, and the index
resolves every id through those marks (:func:`resolve`); its undo clears the mark. So a merge
and its undo each change one index record, never an incident, a contact or a referral, and every
reference follows the merge at once.
"""

from __future__ import annotations

import datetime as dt
import functools
import types
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypedDict, cast, get_args, get_origin, get_type_hints

import attrs

from sro_core.domain.bounds import bounded
from sro_core.domain.errors import RuleViolation
from sro_core.domain.people import Demographics, Person, PersonKind, is_juvenile
from sro_core.domain.privacy import RecordClass, Sensitivity, sensitive, shared_as
from sro_core.domain.values import not_blank

_IDENTITY = sensitive(Sensitivity.JUVENILE_IDENTITY) | shared_as(RecordClass.JUVENILE_IDENTITY)
_CONTACT = sensitive(Sensitivity.CONTACT_DETAILS)


def _aliases(
    _instance: object, attribute: attrs.Attribute[tuple[str, ...]], value: tuple[str, ...]
) -> None:
    for alias in value:
        if not alias.strip():
            raise RuleViolation(attribute.name, value, "an alias must not be blank")


_PERSON = attrs.fields(Person)


@attrs.frozen(field_transformer=bounded)
class PersonRecord:
    """A person in the master index: names, date of birth, school, contact details, demographics.

    Each field carries the sensitivity and record class of the same field of
    :class:`~sro_core.domain.Person`. ``merged_into`` is the kept record this one was merged
    into (None: not merged); ``school_id`` the school the person attends or works at.
    """

    kind: PersonKind
    name: str | None = attrs.field(default=None, validator=not_blank, metadata=_IDENTITY)
    aliases: tuple[str, ...] = attrs.field(default=(), validator=_aliases, metadata=_IDENTITY)
    date_of_birth: dt.date | None = attrs.field(default=None, metadata=_IDENTITY)
    student_number: str | None = attrs.field(
        default=None, validator=not_blank, metadata=dict(_PERSON.student_number.metadata)
    )
    school_id: uuid.UUID | None = None
    grade: int | None = attrs.field(default=None, metadata=dict(_PERSON.grade.metadata))
    demographics: Demographics = attrs.field(
        factory=Demographics, metadata=sensitive(Sensitivity.DEMOGRAPHICS)
    )
    phone: str | None = attrs.field(default=None, validator=not_blank, metadata=_CONTACT)
    email: str | None = attrs.field(default=None, validator=not_blank, metadata=_CONTACT)
    address: str | None = attrs.field(default=None, validator=not_blank, metadata=_CONTACT)
    merged_into: uuid.UUID | None = None
    id: uuid.UUID = attrs.field(factory=uuid.uuid4)
    version: int = 0

    def __attrs_post_init__(self) -> None:
        self.as_person()  # a recorded person's rules: a grade in range, only a student has one
        if self.merged_into == self.id:
            raise RuleViolation(
                "merged_into", self.merged_into, "a person is not merged into itself"
            )

    @classmethod
    def of(cls, person: Person, school_id: uuid.UUID | None = None) -> PersonRecord:
        """Return the index record of a person as an incident or contact recorded them."""
        return cls(
            kind=person.kind,
            name=person.name,
            date_of_birth=person.date_of_birth,
            student_number=person.student_number,
            school_id=school_id,
            grade=person.grade,
            demographics=person.demographics,
            phone=person.phone,
            id=person.id,
        )

    def as_person(self) -> Person:
        """Return the person this record describes, as an involvement would hold them."""
        return Person(
            kind=self.kind,
            name=self.name,
            date_of_birth=self.date_of_birth,
            student_number=self.student_number,
            grade=self.grade,
            demographics=self.demographics,
            phone=self.phone,
            id=self.id,
        )

    @property
    def names(self) -> tuple[str, ...]:
        """Return the name and every alias, the name first."""
        return ((self.name,) if self.name else ()) + self.aliases

    def is_juvenile(self, on: dt.date) -> bool:
        """Return whether the person counts as a juvenile on a (program-local) date."""
        return is_juvenile(self.as_person(), on)

    def merged(self, keep: PersonRecord) -> PersonRecord:
        """Return this record merged into ``keep``, checking the merge rules.

        Neither record may already be merged, and a record is not merged into itself: so the
        marks never form a loop, and each undo restores exactly what its merge changed.
        """
        if keep.id == self.id:
            raise RuleViolation("duplicate", str(self.id), "a person is not merged into itself")
        if self.merged_into is not None:
            raise RuleViolation(
                "duplicate", str(self.id), f"is already merged into {self.merged_into}"
            )
        if keep.merged_into is not None:
            raise RuleViolation("keep", str(keep.id), f"is merged into {keep.merged_into}")
        return attrs.evolve(self, merged_into=keep.id)

    def corrected(self, changes: Mapping[str, object]) -> PersonRecord:
        """Return this record with its details corrected (fields of :data:`CORRECTABLE`).

        A merged record is not corrected: its kept record stands for it, so correct that one.
        A correction changes at least one field, and the corrected record keeps every rule of
        a recorded person (a grade only for a student, and in range).
        """
        if self.merged_into is not None:
            raise RuleViolation(
                "person", str(self.id), f"is merged into {self.merged_into}: correct that record"
            )
        for name, value in changes.items():
            if name not in CORRECTABLE:
                raise RuleViolation(name, value, "is not a detail a correction changes")
            if not isinstance(value, _accepted(name)):
                wanted = " or ".join(c.__name__ for c in _accepted(name))
                raise RuleViolation(name, value, f"must be {wanted}")
        if all(getattr(self, name) == value for name, value in changes.items()):
            raise RuleViolation("person", str(self.id), "the correction changes nothing")
        return attrs.evolve(self, **cast("dict[str, Any]", changes))

    def unmerged(self) -> PersonRecord:
        """Return this record apart again: the undo of its merge."""
        if self.merged_into is None:
            raise RuleViolation("duplicate", str(self.id), "is not merged into anyone")
        return attrs.evolve(self, merged_into=None)


class PersonDetails(TypedDict, total=False):
    """The details of an index record a correction may change (not its id, version or merge)."""

    kind: PersonKind
    name: str | None
    aliases: tuple[str, ...]
    date_of_birth: dt.date | None
    student_number: str | None
    school_id: uuid.UUID | None
    grade: int | None
    demographics: Demographics
    phone: str | None
    email: str | None
    address: str | None


CORRECTABLE: frozenset[str] = PersonDetails.__optional_keys__


@functools.cache
def _accepted(name: str) -> tuple[type, ...]:
    """Return the classes a corrected detail may be (a tuple of aliases: a tuple)."""
    hint = get_type_hints(PersonDetails)[name]
    parts = get_args(hint) if get_origin(hint) is types.UnionType else (hint,)
    return tuple(get_origin(part) or part for part in parts)


"""The details of an index record a correction may change (not its id, version or merge)."""

MAX_MERGE_DEPTH = 1_000
"""The longest chain of merges the index follows (merges cannot loop; this guards a bad store)."""


def resolve(key: uuid.UUID, find: Callable[[uuid.UUID], PersonRecord | None]) -> uuid.UUID:
    """Return the id a person id now belongs to: itself, or the record its merges lead to.

    An id the index does not hold resolves to itself.
    """
    for _ in range(MAX_MERGE_DEPTH):
        record = find(key)
        if record is None or record.merged_into is None:
            return key
        key = record.merged_into
    raise RuleViolation("merged_into", str(key), "the merges of this person loop")


def merged_family(key: uuid.UUID, records: Iterable[PersonRecord]) -> frozenset[uuid.UUID]:
    """Return ``key`` and every id whose merges lead to it: the ids its references carry."""
    into: dict[uuid.UUID, list[uuid.UUID]] = {}
    for record in records:
        if record.merged_into is not None:
            into.setdefault(record.merged_into, []).append(record.id)
    found = {key}
    waiting = [key]
    while waiting:
        for child in into.get(waiting.pop(), ()):
            if child not in found:
                found.add(child)
                waiting.append(child)
    return frozenset(found)
