"""The table registry: how each aggregate becomes a row of its table, and a row a record again.

A row is the record's JSON document (the wire format of :mod:`sro_core.serialization`) and the
columns the queries and uniqueness rules read. Rows are built straight from the attrs records,
with no plugin hook called per row: the bulk path writes thousands a second. Each column names
its SQL type (``uuid``, ``timestamptz``, ``text``, ``int4``, ``bool``), which a store's bulk
path may need (binary ``COPY``); each store's own migrations say how it declares them.

A record's rows are built in one pass, as cheaply as a hand-written loader builds them: the
document is encoded once, by one encoder made once; a text the wire document already holds (an
id in SQLite, an enum's value) is taken from it rather than made again; the rows a record keeps
in the table beside its own (an incident's involvements) come from the same pass.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
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

Row = tuple[object, ...]
"""A row's values as the store binds them, in its table's column order."""

Values = Callable[[Any, Data, ProgramCalendar, Dialect], Row]
"""Returns a record's column values (besides id, version and document), encoded.

An identifier is encoded by ``d.wire_key(record.x, data["x"])``: a store that holds ids as
their text takes the wire format's, which spares converting them twice on the bulk path. An
enum's value is read from ``data`` too (``data["status"]``): it is the value's text already.
"""


def _no_values(
    _record: object, _data: Data, _calendar: ProgramCalendar, _d: Dialect
) -> tuple[object, ...]:
    return ()


Beside = Callable[[Any, object, Data, Dialect], list[Row]]
"""Returns the rows a record keeps in the table beside its own, given its id as bound and data."""


def _nothing_beside(_record: object, _key: object, _data: Data, _d: Dialect) -> list[Row]:
    return []


class Table(Generic[R]):
    """One aggregate's table: its columns and their types, how a record fills them, its SQL.

    Inserts skip a row whose id or unique value is taken (``ON CONFLICT DO NOTHING``), and an
    update touches no row when the record moved on or its unique value is taken by another:
    the repository tells which from the row count, and the transaction stays usable. A table
    may have another beside it (``beside``: the incidents' involvements), whose rows each
    record fills in the same pass as its own.
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
        beside: Involvements | None = None,
    ) -> None:
        self.name = name
        self.kind = kind
        self.record_type = record_type
        self.unique = unique
        self.beside = beside
        """The table of the rows each record keeps beside its own, if any."""
        self._beside: Beside = _nothing_beside if beside is None else beside.rows
        self._values = values
        self._unstructure = converter.get_unstructure_hook(record_type)
        fields = [a.name for a in attrs.fields(cast("type[AttrsInstance]", record_type))]
        self._read_fields = operator.attrgetter(*fields)  # id and version: a tuple, always
        self._set_fields = tuple(getattr(record_type, field).__set__ for field in fields)
        self._set_version = self._set_fields[fields.index("version")]
        names = [name for name, _ in columns]
        self.columns = ("id", "version", *names, "document")
        """The columns a row fills, in the order of :meth:`rows`."""
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

    def rows(
        self,
        records: Sequence[R],
        calendar: ProgramCalendar,
        d: Dialect,
        wires: Sequence[Mapping[str, Any]] | None = None,
    ) -> tuple[list[Row], list[Row]]:
        """Return the rows of records as stored, in ``insert_sql`` order, and the rows beside.

        ``wires`` are the records' wire documents at another version, if the caller has them:
        each is then written at its record's version, not unstructured and checked again. The
        rows beside are those the records keep in the ``beside`` table (none if it has none).
        """
        if wires is None:
            documents: Iterable[Data] = map(self._unstructure, records)
        else:
            documents = (
                {**wire, "version": record.version}
                for record, wire in zip(records, wires, strict=True)
            )
        values, beside, encode_json = self._values, self._beside, _json.encode
        rows: list[Row] = []
        besides: list[Row] = []
        for record, data in zip(records, documents, strict=False):
            key = d.wire_key(record.id, data["id"])
            rows.append(
                (key, record.version, *values(record, data, calendar, d), encode_json(data))
            )
            besides += beside(record, key, data, d)
        return rows, besides

    def update_rows(
        self, record: R, read_version: int, calendar: ProgramCalendar, d: Dialect
    ) -> tuple[Row, list[Row]]:
        """Return the parameters of ``update_sql`` for a record stored over ``read_version``.

        And the rows it keeps beside its own, which replace those of the version it was read at.
        """
        data = self._unstructure(record)
        key = d.wire_key(record.id, data["id"])
        guard: Row = ()
        if self.unique is not None:
            guard = (self.unique.value(record), key)
        values = self._values(record, data, calendar, d)
        parameters = (record.version, *values, _json.encode(data), key, read_version, *guard)
        return parameters, self._beside(record, key, data, d)

    def read(self, document: str, where: str) -> R:
        """Return the record a stored document describes."""
        record: R = decode(document, self.record_type, where, f"a stored {self.kind}")
        return record

    def stored(self, record: R, version: int) -> R:
        """Return a copy of a valid record with another version, without validating it again.

        The record's fields were checked when it was built (a frozen record cannot change
        after) and the version takes part in no rule, so the copy is an equal, valid record:
        ``attrs.evolve`` would run every validator again, which costs the bulk path more than
        writing the row. The fields are read in one call and set through their slots, as the
        class's own ``__init__`` sets them.
        """
        copy = object.__new__(type(record))
        for set_field, value in zip(self._set_fields, self._read_fields(record), strict=True):
            set_field(copy, value)
        self._set_version(copy, version)  # over the version copied with the rest
        return copy


SCHOOLS = Table("schools", "school", School)
PEOPLE = Table(
    "people",
    "person",
    PersonRecord,
    columns=(("merged_into", "uuid"),),
    values=lambda person, data, _calendar, d: (
        d.wire_key(person.merged_into, data["merged_into"]),
    ),
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


_MONTHS: dict[tuple[int, int], str] = {}
"""The text of each local month met, by its year and month: made once, not once per row."""


def local_month(calendar: ProgramCalendar, instant: dt.datetime) -> str:
    """Return ``calendar.local_month(instant)``, its text made once per month, not per row.

    The instant's local time is the calendar's own conversion; only the formatting is cached,
    and it depends on the year and month alone, whatever the zone.
    """
    local = calendar.local(instant)
    month = _MONTHS.get((local.year, local.month))
    if month is None:
        month = _MONTHS[local.year, local.month] = calendar.local_month(local)
    return month


class _RoleFlags(dict[frozenset[InvolvementRole], tuple[bool, ...]]):
    """Whether a set of roles holds each role of ``_ROLES``, worked out once per set.

    A frozenset keeps its hash, so finding a set here costs less than asking it about each
    role (an enum member hashes in Python).
    """

    def __missing__(self, roles: frozenset[InvolvementRole]) -> tuple[bool, ...]:
        flags = self[roles] = tuple(role in roles for role in _ROLES)
        return flags


_ROLES = (
    InvolvementRole.VICTIM,
    InvolvementRole.SUSPECT,
    InvolvementRole.OFFENDER,
    InvolvementRole.ARRESTEE,
    InvolvementRole.WITNESS,
    InvolvementRole.REPORTING_PARTY,
)
_ROLE_FLAGS = _RoleFlags()


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
    key = operator.itemgetter(0, 1)
    """A row's primary key (incident, person): the order the table keeps (SQLite: by key)."""

    @staticmethod
    def rows(incident: Incident, key: object, data: Data, d: Dialect) -> list[Row]:
        """Return an incident's rows: who, which roles, CRDC demographics.

        ``key`` is the incident's id as the store binds it and ``data`` its wire document,
        whose texts (ids, kinds, sexes) are taken as they are.
        """
        rows: list[Row] = []
        wires = data["involvements"]
        for involvement, wire in zip(incident.involvements, wires, strict=True):
            person, told = involvement.person, wire["person"]
            known = person.demographics
            race = known.crdc_race_ethnicity
            rows.append(
                (
                    key,
                    d.wire_key(person.id, told["id"]),
                    told["kind"],
                    *_ROLE_FLAGS[involvement.roles],
                    told["demographics"]["sex"],
                    None if race is None else race.value,
                    known.idea,
                    known.section_504,
                    known.english_learner,
                )
            )
        return rows


INVOLVEMENTS = Involvements()


def _incident(incident: Incident, data: Data, calendar: ProgramCalendar, d: Dialect) -> Row:
    start = incident.occurred_start
    since = waiting_since_of(incident)
    return (
        incident.number,
        d.wire_key(incident.school_id, data["school_id"]),
        d.wire_key(incident.reporting_officer_id, data["reporting_officer_id"]),
        data["status"],
        incident.category,
        data["location"]["kind"],
        d.time(start),
        local_month(calendar, start),
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
    beside=INVOLVEMENTS,
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
        data["triad_role"],
        contact.minutes,
        d.wire_key(contact.school_id, data["school_id"]),
        data["party"],
        data["purpose"],
        d.wire_key(contact.person_id, data["person_id"]),
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
        data["triad_role"],
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
        data["status"],
        data["reason"],
        d.time(referral.sent_at),
        d.wire_key(referral.person_id, data["person_id"]),
    ),
)

CRISES = Table(
    "crises",
    "crisis",
    CrisisEvent,
    columns=(("school_id", "uuid"), ("status", "text"), ("incident_id", "uuid")),
    values=lambda crisis, data, _calendar, d: (
        d.wire_key(crisis.school_id, data["school_id"]),
        data["status"],
        d.wire_key(crisis.incident_id, data["incident_id"]),
    ),
)
