"""The table registry: how each aggregate becomes a row of its table, and a row a record again.

A row is the record's JSON document (the wire format of :mod:`sro_core.serialization`) and the
columns the queries and uniqueness rules read. Rows are built straight from the attrs records,
with no plugin hook called per row: the bulk path writes thousands a second. Each column names
its SQL type (``uuid``, ``timestamptz``, ``text``, ``int4``, ``bool``), which a store's bulk
path may need (binary ``COPY``); each store's own migrations say how it declares them.
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
    IncidentStatus,
    InvolvementRole,
    Officer,
    Partner,
    PersonRecord,
    ProgramCalendar,
    Referral,
    ReviewState,
    School,
    waiting_since,
)
from sro_core.ports import Aggregate, StorageError
from sro_core.serialization import StructureError, converter, structure
from sro_core.sql.dialect import Dialect

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
        raise damaged(where, what, error) from error


def damaged(where: str, what: object, error: Exception) -> StorageError:
    """Return the error for a stored document that does not read back."""
    return StorageError(
        f"{where} is not an sro_core database or is damaged: {what} does not read back ({error})"
    )


@attrs.frozen
class Unique:
    """A unique column besides the id: the value a record holds there, and the rule it keeps."""

    column: str
    value: Callable[[Any], object]
    reason: str


Data = dict[str, Any]
"""A record in its wire format, as the converter unstructures it."""

Values = Callable[[Any, Data, ProgramCalendar, Dialect], tuple[object, ...]]
"""Returns a record's column values (besides id, version and document), encoded.

An identifier is encoded by ``d.wire_key(record.x, data["x"])``: a store that holds ids as
their text takes the wire format's, which spares converting them twice on the bulk path.
"""


def _no_values(
    _record: object, _data: Data, _calendar: ProgramCalendar, _d: Dialect
) -> tuple[object, ...]:
    return ()


class Table(Generic[R]):
    """One aggregate's table: its columns and their types, how a record fills them, its SQL.

    Inserts skip a row whose id or unique value is taken (``ON CONFLICT DO NOTHING``), and an
    update touches no row when the record moved on or its unique value is taken by another:
    the repository tells which from the row count, and the transaction stays usable.
    """

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
        self._fields = tuple(a.name for a in attrs.fields(cast("type[AttrsInstance]", record_type)))
        names = [name for name, _ in columns]
        self.columns = ("id", "version", *names, "document")
        """The columns a row fills, in the order of :meth:`row`."""
        self.types = ("uuid", "int4", *(kind for _, kind in columns), "text")
        """The SQL type of each column, in the same order."""
        listed = ", ".join(self.columns)
        marks = ", ".join("?" * len(self.columns))
        assigned = "".join(f"{n} = ?, " for n in names)
        # Table and column names come from this module, never from input.
        self.insert_sql = f"INSERT INTO {name} ({listed}) VALUES ({marks}) ON CONFLICT DO NOTHING"  # noqa: S608
        guard = ""
        if unique is not None:
            guard = (
                f" AND NOT EXISTS (SELECT 1 FROM {name} AS other "  # noqa: S608 - see above
                f"WHERE other.{unique.column} = ? AND other.id <> ?)"
            )
        self.update_sql = (
            f"UPDATE {name} SET version = ?, {assigned}document = ? "  # noqa: S608 - see above
            f"WHERE id = ? AND version = ?{guard}"
        )
        self.select_sql = f"SELECT document FROM {name}"  # noqa: S608 - see above
        self.get_sql = f"{self.select_sql} WHERE id = ?"
        self.exists_sql = f"SELECT version FROM {name} WHERE id = ?"  # noqa: S608 - see above

    def row(
        self,
        record: R,
        calendar: ProgramCalendar,
        d: Dialect,
        wire: Mapping[str, Any] | None = None,
    ) -> tuple[object, ...]:
        """Return the values of a record's row as stored, in ``insert_sql`` order.

        ``wire`` is the record's wire document at another version, if the caller has it.
        """
        data = self._unstructure(record) if wire is None else {**wire, "version": record.version}
        key = d.wire_key(record.id, data["id"])
        return (key, record.version, *self._values(record, data, calendar, d), _json.encode(data))

    def update_row(
        self, record: R, read_version: int, calendar: ProgramCalendar, d: Dialect
    ) -> tuple[object, ...]:
        """Return the parameters of ``update_sql`` for a record stored over ``read_version``."""
        data = self._unstructure(record)
        key = d.wire_key(record.id, data["id"])
        guard: tuple[object, ...] = ()
        if self.unique is not None:
            guard = (self.unique.value(record), key)
        values = self._values(record, data, calendar, d)
        return (record.version, *values, _json.encode(data), key, read_version, *guard)

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
PEOPLE = Table(
    "people",
    "person",
    PersonRecord,
    columns=(("merged_into", "uuid"),),
    values=lambda person, _data, _calendar, d: (d.key(person.merged_into),),
)
PARTNERS = Table("partners", "partner", Partner)
ACTORS = Table("actors", "actor", ActorEntry)
AGREEMENTS = Table("agreements", "agreement", Agreement)

OFFICERS = Table(
    "officers",
    "officer",
    Officer,
    columns=(("badge", "text"),),
    values=lambda officer, _data, _calendar, _d: (officer.badge,),
    unique=Unique("badge", lambda officer: officer.badge, "another officer has this badge"),
)

ASSIGNMENTS = Table(
    "assignments",
    "assignment",
    Assignment,
    columns=(("officer_id", "uuid"), ("school_id", "uuid")),
    values=lambda assignment, data, _calendar, d: (
        d.wire_key(assignment.officer_id, data["officer_id"]),
        d.wire_key(assignment.school_id, data["school_id"]),
    ),
)


def waiting_since_of(incident: Incident) -> dt.datetime | None:
    """Return since when a reported incident's report waits for review (None: it does not).

    The ``review_since`` column: the partial index of the waiting reports is read in its order
    (:func:`~sro_core.ports.waiting_order`) by the review queue.
    """
    if incident.status is IncidentStatus.DRAFT or incident.review is not ReviewState.SUBMITTED:
        return None
    return waiting_since(incident.reviews)


def _incident(
    incident: Incident, data: Data, calendar: ProgramCalendar, d: Dialect
) -> tuple[object, ...]:
    start = incident.occurred_start
    since = waiting_since_of(incident)
    return (
        incident.number,
        d.wire_key(incident.school_id, data["school_id"]),
        d.wire_key(incident.reporting_officer_id, data["reporting_officer_id"]),
        incident.status.value,
        incident.category,
        incident.location.kind.value,
        d.time(start),
        calendar.local_month(start),
        incident.referred_to_law_enforcement,
        incident.school_related_arrest,
        incident.narrative,
        None if since is None else d.time(since),
        incident.sealed,
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
        ("review_since", "timestamptz"),
        ("sealed", "bool"),
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
        ("person_id", "uuid"),
    ),
    values=lambda contact, data, _calendar, d: (
        d.wire_key(contact.officer_id, data["officer_id"]),
        d.time(contact.at),
        contact.triad_role.value,
        contact.minutes,
        d.wire_key(contact.school_id, data["school_id"]),
        contact.party.value,
        contact.purpose.value,
        d.key(contact.person_id),
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
    values=lambda activity, data, _calendar, d: (
        d.wire_key(activity.officer_id, data["officer_id"]),
        d.time(activity.held_at),
        activity.triad_role.value,
        activity.minutes,
        d.wire_key(activity.school_id, data["school_id"]),
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
        ("person_id", "uuid"),
    ),
    values=lambda referral, data, _calendar, d: (
        d.wire_key(referral.incident_id, data["incident_id"]),
        d.wire_key(referral.partner_id, data["partner_id"]),
        referral.status.value,
        referral.reason.value,
        d.time(referral.sent_at),
        d.key(referral.person_id),
    ),
)

CRISES = Table(
    "crises",
    "crisis",
    CrisisEvent,
    columns=(("school_id", "uuid"), ("status", "text"), ("incident_id", "uuid")),
    values=lambda crisis, data, _calendar, d: (
        d.wire_key(crisis.school_id, data["school_id"]),
        crisis.status.value,
        d.wire_key(crisis.incident_id, data["incident_id"]),
    ),
)


@attrs.frozen
class Involvements:
    """The ``involvements`` table: who took part in an incident, in which roles, CRDC facts."""

    name = "involvements"
    columns = (
        "incident_id",
        "person_id",
        "person_kind",
        "victim",
        "suspect",
        "offender",
        "arrestee",
        "witness",
        "reporting_party",
        "sex",
        "race_ethnicity",
        "idea",
        "section_504",
        "english_learner",
    )
    types = ("uuid", "uuid", "text", *["bool"] * 6, "text", "text", "bool", "bool", "bool")
    insert_sql = (
        f"INSERT INTO involvements ({', '.join(columns)}) "  # noqa: S608 - our columns
        f"VALUES ({', '.join('?' * len(columns))})"
    )
    delete_sql = "DELETE FROM involvements WHERE incident_id = ?"

    @staticmethod
    def rows(incident: Incident, d: Dialect) -> list[tuple[object, ...]]:
        """Return an incident's rows: who, which roles, CRDC demographics."""
        rows: list[tuple[object, ...]] = []
        key = d.key(incident.id)
        for involvement in incident.involvements:
            person = involvement.person
            known = person.demographics
            race = known.crdc_race_ethnicity
            roles = involvement.roles
            rows.append(
                (
                    key,
                    d.key(person.id),
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


INVOLVEMENTS = Involvements()

_ROLES = (
    InvolvementRole.VICTIM,
    InvolvementRole.SUSPECT,
    InvolvementRole.OFFENDER,
    InvolvementRole.ARRESTEE,
    InvolvementRole.WITNESS,
    InvolvementRole.REPORTING_PARTY,
)
