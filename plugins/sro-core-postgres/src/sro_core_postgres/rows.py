"""How each aggregate becomes a row of its table, and a row becomes a record again.

A row is the record's JSON document (the wire format of :mod:`sro_core.serialization`) and the
columns the queries and uniqueness rules read, as Python values psycopg sends as they are
(``UUID``, aware ``datetime``, ``bool``). Rows are built straight from the attrs records, with
no plugin hook called per row, and the same tuple feeds ``INSERT`` and binary ``COPY``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar, cast

import attrs
from attrs import AttrsInstance

from sro_core.domain import (
    ActorEntry,
    Agreement,
    Assignment,
    CommunityContact,
    CrisisEvent,
    EducationActivity,
    Incident,
    InvolvementRole,
    Officer,
    Partner,
    PersonRecord,
    ProgramCalendar,
    Referral,
    School,
)
from sro_core.ports import Aggregate, StorageError
from sro_core.serialization import StructureError, converter, structure

R = TypeVar("R", bound=Aggregate)

_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def encode(data: Any) -> str:
    """Return unstructured data as compact JSON text."""
    return _json.encode(data)


def decode(text: str, cls: Any, where: str, what: object) -> Any:
    """Return the value a stored JSON document describes, or raise StorageError naming it."""
    try:
        return structure(json.loads(text), cls)
    except (ValueError, StructureError) as error:
        raise StorageError(f"{where} is damaged: {what} does not read back ({error})") from error


@attrs.frozen
class Unique:
    """A unique column besides the id: the value a record holds there, and the rule it keeps."""

    column: str
    value: Callable[[Any], object]
    reason: str


Values = Callable[[Any, ProgramCalendar], tuple[object, ...]]
"""Returns a record's column values (besides id, version and document)."""


def _no_values(_record: object, _calendar: ProgramCalendar) -> tuple[object, ...]:
    return ()


class Table(Generic[R]):
    """One aggregate's table: its columns and their types, how a record fills them, its SQL."""

    def __init__(
        self,
        name: str,
        kind: str,
        record_type: type[R],
        *,
        columns: tuple[tuple[str, str], ...] = (),
        values: Values = _no_values,
        unique: Unique | None = None,
    ) -> None:
        self.name = name
        self.kind = kind
        self.record_type = record_type
        self.unique = unique
        self._values = values
        self._unstructure = converter.get_unstructure_hook(record_type)
        self._structure = converter.get_structure_hook(record_type)
        self._fields = tuple(a.name for a in attrs.fields(cast("type[AttrsInstance]", record_type)))
        names = [name for name, _ in columns]
        listed = ", ".join(["id", "version", *names, "document"])
        marks = ", ".join(["%s"] * (len(names) + 3))
        assigned = "".join(f"{n} = %s, " for n in names)
        self.copy_types = ["uuid", "int4", *(kind for _, kind in columns), "text"]
        # Table and column names come from this module, never from input.
        self.insert_sql = f"INSERT INTO {name} ({listed}) VALUES ({marks}) ON CONFLICT DO NOTHING"  # noqa: S608
        guard = ""
        if unique is not None:
            guard = (
                f" AND NOT EXISTS (SELECT 1 FROM {name} AS other "  # noqa: S608 - see above
                f"WHERE other.{unique.column} = %s AND other.id <> %s)"
            )
        self.update_sql = (
            f"UPDATE {name} SET version = %s, {assigned}document = %s "  # noqa: S608 - see above
            f"WHERE id = %s AND version = %s{guard}"
        )
        self.copy_sql = f"COPY {name} ({listed}) FROM STDIN (FORMAT BINARY)"
        self.select_sql = f"SELECT document FROM {name}"  # noqa: S608 - see above
        self.get_sql = f"{self.select_sql} WHERE id = %s"
        self.exists_sql = f"SELECT version FROM {name} WHERE id = %s"  # noqa: S608 - see above
        self.clash_sql = (
            "" if unique is None else f"SELECT 1 FROM {name} WHERE {unique.column} = %s"  # noqa: S608 - see above
        )

    def row(
        self, record: R, calendar: ProgramCalendar, wire: Mapping[str, Any] | None = None
    ) -> tuple[object, ...]:
        """Return the values of a record's row as stored, in ``insert_sql`` order.

        ``wire`` is the record's wire document at another version, if the caller has it.
        """
        data = self._unstructure(record) if wire is None else {**wire, "version": record.version}
        document = _json.encode(data)
        return (record.id, record.version, *self._values(record, calendar), document)

    def update_row(
        self, record: R, read_version: int, calendar: ProgramCalendar
    ) -> tuple[object, ...]:
        """Return the parameters of ``update_sql`` for a record stored over ``read_version``."""
        document = _json.encode(self._unstructure(record))
        guard: tuple[object, ...] = ()
        if self.unique is not None:
            guard = (self.unique.value(record), record.id)
        values = self._values(record, calendar)
        return (record.version, *values, document, record.id, read_version, *guard)

    def read(self, document: str, where: str) -> R:
        """Return the record a stored document describes."""
        try:
            record: R = self._structure(json.loads(document), self.record_type)
        except Exception as error:
            raise StorageError(
                f"{where} is damaged: a stored {self.kind} does not read back ({error})"
            ) from error
        return record

    def stored(self, record: R, version: int) -> R:
        """Return a copy of a valid record with another version, without validating it again.

        The record's fields were checked when it was built and the version takes part in no
        rule; skipping ``attrs.evolve``'s checks halves the cost of the bulk path.
        """
        copy = object.__new__(type(record))
        for name in self._fields:
            object.__setattr__(copy, name, getattr(record, name))
        object.__setattr__(copy, "version", version)
        return copy


SCHOOLS = Table("schools", "school", School)
PEOPLE = Table("people", "person", PersonRecord)
PARTNERS = Table("partners", "partner", Partner)
ACTORS = Table("actors", "actor", ActorEntry)
AGREEMENTS = Table("agreements", "agreement", Agreement)

OFFICERS = Table(
    "officers",
    "officer",
    Officer,
    columns=(("badge", "text"),),
    values=lambda officer, _calendar: (officer.badge,),
    unique=Unique("badge", lambda officer: officer.badge, "another officer has this badge"),
)

ASSIGNMENTS = Table(
    "assignments",
    "assignment",
    Assignment,
    columns=(("officer_id", "uuid"), ("school_id", "uuid")),
    values=lambda assignment, _calendar: (assignment.officer_id, assignment.school_id),
)


def _incident(incident: Incident, calendar: ProgramCalendar) -> tuple[object, ...]:
    start = incident.occurred_start
    return (
        incident.number,
        incident.school_id,
        incident.reporting_officer_id,
        incident.status.value,
        incident.category,
        incident.location.kind.value,
        start,
        calendar.local_month(start),
        incident.referred_to_law_enforcement,
        incident.school_related_arrest,
        incident.narrative,
    )


INCIDENTS = Table(
    "incidents",
    "incident",
    Incident,
    columns=(
        ("number", "text"),
        ("school_id", "uuid"),
        ("reporting_officer_id", "uuid"),
        ("status", "text"),
        ("category", "text"),
        ("location_kind", "text"),
        ("occurred_at", "timestamptz"),
        ("local_month", "text"),
        ("referred_to_law_enforcement", "bool"),
        ("school_related_arrest", "bool"),
        ("narrative", "text"),
    ),
    values=_incident,
    unique=Unique("number", lambda incident: incident.number, "another incident has this number"),
)

CONTACTS = Table(
    "contacts",
    "contact",
    CommunityContact,
    columns=(
        ("officer_id", "uuid"),
        ("at", "timestamptz"),
        ("triad_role", "text"),
        ("minutes", "int4"),
        ("school_id", "uuid"),
        ("party", "text"),
        ("purpose", "text"),
    ),
    values=lambda contact, _calendar: (
        contact.officer_id,
        contact.at,
        contact.triad_role.value,
        contact.minutes,
        contact.school_id,
        contact.party.value,
        contact.purpose.value,
    ),
)

ACTIVITIES = Table(
    "activities",
    "activity",
    EducationActivity,
    columns=(
        ("officer_id", "uuid"),
        ("held_at", "timestamptz"),
        ("triad_role", "text"),
        ("minutes", "int4"),
        ("school_id", "uuid"),
    ),
    values=lambda activity, _calendar: (
        activity.officer_id,
        activity.held_at,
        activity.triad_role.value,
        activity.minutes,
        activity.school_id,
    ),
)

REFERRALS = Table(
    "referrals",
    "referral",
    Referral,
    columns=(
        ("incident_id", "uuid"),
        ("partner_id", "uuid"),
        ("status", "text"),
        ("reason", "text"),
        ("sent_at", "timestamptz"),
    ),
    values=lambda referral, _calendar: (
        referral.incident_id,
        referral.partner_id,
        referral.status.value,
        referral.reason.value,
        referral.sent_at,
    ),
)

CRISES = Table(
    "crises",
    "crisis",
    CrisisEvent,
    columns=(("school_id", "uuid"), ("status", "text")),
    values=lambda crisis, _calendar: (crisis.school_id, crisis.status.value),
)

INVOLVEMENT_COLUMNS = (
    "incident_id, person_id, person_kind, victim, suspect, offender, arrestee, witness, "
    "reporting_party, sex, race_ethnicity, idea, section_504, english_learner"
)
INVOLVEMENT_INSERT = (
    f"INSERT INTO involvements ({INVOLVEMENT_COLUMNS}) VALUES "  # noqa: S608 - our columns
    "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
INVOLVEMENT_COPY = f"COPY involvements ({INVOLVEMENT_COLUMNS}) FROM STDIN (FORMAT BINARY)"
INVOLVEMENT_TYPES = [
    "uuid",
    "uuid",
    "text",
    "bool",
    "bool",
    "bool",
    "bool",
    "bool",
    "bool",
    "text",
    "text",
    "bool",
    "bool",
    "bool",
]

_ROLES = (
    InvolvementRole.VICTIM,
    InvolvementRole.SUSPECT,
    InvolvementRole.OFFENDER,
    InvolvementRole.ARRESTEE,
    InvolvementRole.WITNESS,
    InvolvementRole.REPORTING_PARTY,
)


def involvement_rows(incident: Incident) -> list[tuple[object, ...]]:
    """Return the ``involvements`` rows of an incident: who, which roles, CRDC demographics."""
    rows: list[tuple[object, ...]] = []
    key = incident.id
    for involvement in incident.involvements:
        person = involvement.person
        known = person.demographics
        race = known.crdc_race_ethnicity
        roles = involvement.roles
        rows.append(
            (
                key,
                person.id,
                person.kind.value,
                *(role in roles for role in _ROLES),
                known.sex.value,
                None if race is None else race.value,
                known.idea,
                known.section_504,
                known.english_learner,
            )
        )
    return rows
