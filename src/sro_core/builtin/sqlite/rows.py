"""How each aggregate becomes a row of its table, and a row becomes a record again.

A row is the record's JSON document (the wire format of :mod:`sro_core.serialization`) and the
columns the queries and uniqueness rules read. Rows are built straight from the attrs records
and their wire format, with no plugin hook called per row: the bulk path writes thousands a
second.
"""

from __future__ import annotations

import datetime as dt
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
from sro_core.ports import Aggregate, BadQuery, StorageError
from sro_core.serialization import StructureError, converter, structure

R = TypeVar("R", bound=Aggregate)

_MIDDLE_YEAR = 5000

_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def utc_text(moment: dt.datetime) -> str:
    """Return an aware time as UTC text in the store's one fixed format, so text order is time.

    Raise BadQuery for a time without an offset (a caller's query; records are always aware).
    """
    if moment.utcoffset() is None:
        raise BadQuery(f"{moment.isoformat()}: a time must carry its time zone")
    try:
        return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")
    except OverflowError:
        # Outside the years 1 to 9999 in UTC: before, or after, any time a record can hold.
        return "" if moment.year < _MIDDLE_YEAR else "~"


def encode(data: Any) -> str:
    """Return unstructured data as compact JSON text."""
    return _json.encode(data)


def decode(text: str, cls: Any, where: str, what: object) -> Any:
    """Return the value a stored JSON document describes, or raise StorageError naming it."""
    try:
        return structure(json.loads(text), cls)
    except (ValueError, StructureError) as error:
        raise StorageError(
            f"{where} is not an sro_core database or is damaged: {what} does not read back "
            f"({error})"
        ) from error


@attrs.frozen
class Unique:
    """A unique column: the value a record holds there, and the rule a clash breaks."""

    value: Callable[[Any], object]
    reason: str


Data = dict[str, Any]
"""A record in its wire format, as the converter unstructures it."""

Values = Callable[[Any, Data, ProgramCalendar], tuple[object, ...]]
"""Returns a record's column values, from the record and its wire format."""


def _no_values(_record: object, _data: Data, _calendar: ProgramCalendar) -> tuple[object, ...]:
    return ()


class Table(Generic[R]):
    """One aggregate's table: its columns, how a record fills them, and its statements.

    Column values are taken from the record's wire format where it holds them already (ids
    as text, enums as values), which spares converting them twice on the bulk path.
    """

    def __init__(
        self,
        name: str,
        kind: str,
        record_type: type[R],
        *,
        columns: tuple[str, ...] = (),
        values: Values = _no_values,
        unique: Mapping[str, Unique] | None = None,
    ) -> None:
        self.name = name
        self.kind = kind
        self.record_type = record_type
        self.unique = dict(unique or {})
        self._values = values
        self._unstructure = converter.get_unstructure_hook(record_type)
        self._fields = tuple(a.name for a in attrs.fields(cast("type[AttrsInstance]", record_type)))
        listed = "".join(f"{n}, " for n in columns)
        marks = "?, " * len(columns)
        assigned = "".join(f"{n} = ?, " for n in columns)
        # Table and column names come from this module, never from input.
        self.insert_sql = (
            f"INSERT INTO {name} (id, version, {listed}document) "  # noqa: S608 - see above
            f"VALUES (?, ?, {marks}?)"
        )
        self.update_sql = (
            f"UPDATE {name} SET version = ?, {assigned}document = ? "  # noqa: S608 - see above
            "WHERE id = ? AND version = ?"
        )
        self.select_sql = f"SELECT document FROM {name}"  # noqa: S608 - see above
        self.get_sql = f"{self.select_sql} WHERE id = ?"
        self.exists_sql = f"SELECT version FROM {name} WHERE id = ?"  # noqa: S608 - see above

    def insert_row(
        self, record: R, calendar: ProgramCalendar, document: Mapping[str, Any] | None = None
    ) -> tuple[object, ...]:
        """Return the parameters of ``insert_sql`` for a record as stored.

        ``document`` is the record's wire document at another version, if the caller has it.
        """
        data = (
            self._unstructure(record)
            if document is None
            else {**document, "version": record.version}
        )
        values = self._values(record, data, calendar)
        return (data["id"], record.version, *values, _json.encode(data))

    def update_row(
        self, record: R, read_version: int, calendar: ProgramCalendar
    ) -> tuple[object, ...]:
        """Return the parameters of ``update_sql`` for a record as stored over ``read_version``."""
        data = self._unstructure(record)
        values = self._values(record, data, calendar)
        return (record.version, *values, _json.encode(data), data["id"], read_version)

    def read(self, document: str, where: str) -> R:
        """Return the record a stored document describes."""
        record: R = decode(document, self.record_type, where, f"a stored {self.kind}")
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
    columns=("badge",),
    values=lambda officer, _data, _calendar: (officer.badge,),
    unique={"badge": Unique(lambda officer: officer.badge, "another officer has this badge")},
)

ASSIGNMENTS = Table(
    "assignments",
    "assignment",
    Assignment,
    columns=("officer_id", "school_id"),
    values=lambda _assignment, data, _calendar: (data["officer_id"], data["school_id"]),
)


def _incident(incident: Incident, data: Data, calendar: ProgramCalendar) -> tuple[object, ...]:
    start = incident.occurred_start
    return (
        incident.number,
        data["school_id"],
        data["reporting_officer_id"],
        data["status"],
        incident.category,
        data["location"]["kind"],
        utc_text(start),
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
        "number",
        "school_id",
        "reporting_officer_id",
        "status",
        "category",
        "location_kind",
        "occurred_at",
        "local_month",
        "referred_to_law_enforcement",
        "school_related_arrest",
        "narrative",
    ),
    values=_incident,
    unique={"number": Unique(lambda incident: incident.number, "another incident has this number")},
)

CONTACTS = Table(
    "contacts",
    "contact",
    CommunityContact,
    columns=("officer_id", "at", "triad_role", "minutes", "school_id", "party", "purpose"),
    values=lambda contact, data, _calendar: (
        data["officer_id"],
        utc_text(contact.at),
        data["triad_role"],
        contact.minutes,
        data["school_id"],
        data["party"],
        data["purpose"],
    ),
)

ACTIVITIES = Table(
    "activities",
    "activity",
    EducationActivity,
    columns=("officer_id", "held_at", "triad_role", "minutes", "school_id"),
    values=lambda activity, data, _calendar: (
        data["officer_id"],
        utc_text(activity.held_at),
        data["triad_role"],
        activity.minutes,
        data["school_id"],
    ),
)

REFERRALS = Table(
    "referrals",
    "referral",
    Referral,
    columns=("incident_id", "partner_id", "status", "reason", "sent_at"),
    values=lambda referral, data, _calendar: (
        data["incident_id"],
        data["partner_id"],
        data["status"],
        data["reason"],
        utc_text(referral.sent_at),
    ),
)

CRISES = Table(
    "crises",
    "crisis",
    CrisisEvent,
    columns=("school_id", "status"),
    values=lambda _crisis, data, _calendar: (data["school_id"], data["status"]),
)

INVOLVEMENT_INSERT = "INSERT INTO involvements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

_ROLES = (
    InvolvementRole.VICTIM,
    InvolvementRole.SUSPECT,
    InvolvementRole.OFFENDER,
    InvolvementRole.ARRESTEE,
    InvolvementRole.WITNESS,
    InvolvementRole.REPORTING_PARTY,
)


def involvement_rows(incident: Incident, incident_id: str) -> list[tuple[object, ...]]:
    """Return the ``involvements`` rows of an incident: who, which roles, CRDC demographics."""
    rows: list[tuple[object, ...]] = []
    for involvement in incident.involvements:
        person = involvement.person
        known = person.demographics
        race = known.crdc_race_ethnicity
        roles = involvement.roles
        rows.append(
            (
                incident_id,
                str(person.id),
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
