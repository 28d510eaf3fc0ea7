"""Exports: records streamed to an exporter as flat rows, redacted for the requester's audience.

Rows are built page by page and handed on as they are made, so memory does not grow with the
data. A hidden field is written as ``[redacted]``, so a reader can tell hidden from empty.
Every export is audited, and so is every export that shows juveniles' identities.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator, Mapping, Sequence
from typing import IO, Any

from sro_core.domain import (
    Actor,
    ActorRole,
    Audience,
    AuditOutcome,
    Incident,
    InvolvementRole,
    PersonKind,
    School,
    SchoolYear,
    age_in_years,
    counts_as_juvenile,
)
from sro_core.ports import (
    CrdcStudentCount,
    Exporter,
    ExportInput,
    IncidentFilter,
    Page,
    PageOf,
    Period,
    UnitOfWork,
)
from sro_core.serialization import unstructure
from sro_core.service.policy import AccessDenied, Action
from sro_core.service.reading import Reading
from sro_core.service.redaction import REDACTED, Seen, sensitivity_of


class RecordKind(enum.Enum):
    """What an export holds."""

    INCIDENTS = "incidents"
    CONTACTS = "contacts"
    ACTIVITIES = "activities"
    MONTHLY_COUNTS = "monthly_counts"


def _value(value: Any) -> object:
    """Return a field's value as a flat row holds it: wire format, sets and lists joined by ;."""
    if isinstance(value, frozenset):
        return ";".join(sorted(str(unstructure(v)) for v in value))
    wire = unstructure(value)
    if isinstance(wire, list):
        return ";".join(str(v) for v in wire)
    return wire


def _flat(
    seen: Seen[Any], columns: Sequence[str], extra: Mapping[str, object] | None = None
) -> dict[str, object]:
    row: dict[str, object] = {}
    for column in columns:
        if column in (extra or {}):
            row[column] = (extra or {})[column]
        elif column in seen.hidden:
            row[column] = REDACTED
        else:
            target: Any = seen.value
            for part in column.split("."):
                target = getattr(target, part)
            row[column] = _value(target)
    return row


INCIDENT_COLUMNS = (
    "number",
    "status",
    "category",
    "school",
    "school_id",
    "reporting_officer",
    "reporting_officer_id",
    "occurred_start",
    "occurred_end",
    "reported_at",
    "location.kind",
    "location.zone",
    "location.nibrs_code",
    "location.address",
    "offense_codes",
    "victims",
    "offenders",
    "arrestees",
    "juveniles",
    "disposition.kind",
    "disposition.decided_on",
    "referred_to_law_enforcement",
    "school_related_arrest",
    "restrictions",
    "origin",
    "escalated_from",
    "narrative",
    "id",
    "version",
)

INCIDENT_SENSITIVITY = {
    column: sensitivity_of(Incident, column)
    for column in INCIDENT_COLUMNS
    if sensitivity_of(Incident, column)
}
"""The incident columns that hold a sensitive field, with its sensitivities (from metadata)."""

EXPORT_PAGE = 500
"""Incidents read in one unit of work while an export streams."""


def _juvenile(involvement: Mapping[str, Any], day: dt.date) -> bool:
    """Return whether an involvement in its wire format is a juvenile's on a local day."""
    person = involvement["person"]
    born, estimate = person["date_of_birth"], involvement["estimated_age"]
    if born is not None:
        age: int | None = age_in_years(dt.date.fromisoformat(born), day)
    else:
        age = None if estimate is None else estimate["low"]
    return counts_as_juvenile(age, PersonKind(person["kind"]))


CONTACT_COLUMNS = (
    "id",
    "officer_id",
    "at",
    "party",
    "purpose",
    "triad_role",
    "minutes",
    "school_related",
    "school_id",
    "person_id",
    "follow_up_due",
    "incident_id",
    "summary",
)

ACTIVITY_COLUMNS = (
    "id",
    "officer_id",
    "kind",
    "topic",
    "audience",
    "held_at",
    "minutes",
    "attendance",
    "triad_role",
    "school_id",
)

MONTHLY_COLUMNS = ("month", "school_id", "category", "count")


def _names(unit: UnitOfWork) -> dict[str, str]:
    """Return each school's name and each officer's badge by id (as the wire format writes it)."""
    return {
        **{str(s.id): s.name for s in unit.schools.all()},
        **{str(o.id): o.badge for o in unit.officers.all()},
    }


class Exports(Reading):
    """Streaming exports through the registered exporters."""

    def _incident_rows(
        self, actor: Actor, where: IncidentFilter | None
    ) -> Iterator[dict[str, object]]:
        """Yield flat incident rows straight from the stored wire format, a page at a time.

        No domain object is built: a hidden column is chosen once from the sensitivity of its
        field, and a row carries no identity, so no juvenile identity can show through it.
        """
        shown = self._read(
            actor,
            Action.READ_RECORDS,
            "export incidents",
            None,
            lambda unit: self._visibility(unit, actor),
        )
        hidden = frozenset(c for c, kinds in INCIDENT_SENSITIVITY.items() if kinds & shown.hidden)
        names = self._read(actor, Action.READ_RECORDS, "export incidents", None, _names)
        page = Page(size=EXPORT_PAGE)
        while True:

            def work(unit: UnitOfWork, after: Page = page) -> PageOf[Mapping[str, Any]]:
                scoped = self._scoped(unit, actor, where or IncidentFilter())
                return unit.queries.find_incident_documents(scoped, after)

            found = self._read(actor, Action.READ_RECORDS, "export incidents", None, work)
            for document in found.items:
                yield self._document_row(document, hidden, names)
            if found.next is None:
                return
            page = Page(size=EXPORT_PAGE, after=found.next)

    def _document_row(
        self,
        document: Mapping[str, Any],
        hidden: frozenset[str],
        names: Mapping[str, str] | None = None,
    ) -> dict[str, object]:
        """Return the flat row of an incident given in its wire format.

        ``names`` are schools' names and officers' badges by id: the ``school`` and
        ``reporting_officer`` columns a person reads beside the ids.
        """
        named = names or {}
        location, disposition = document["location"], document["disposition"]
        day = self.calendar.local_date(dt.datetime.fromisoformat(document["occurred_start"]))
        involvements = document["involvements"]

        def count(role: InvolvementRole) -> int:
            return sum(role.value in i["roles"] for i in involvements)

        row: dict[str, object] = {
            "number": document["number"],
            "status": document["status"],
            "category": document["category"],
            "school": named.get(document["school_id"] or ""),
            "school_id": document["school_id"],
            "reporting_officer": named.get(document["reporting_officer_id"]),
            "reporting_officer_id": document["reporting_officer_id"],
            "occurred_start": document["occurred_start"],
            "occurred_end": document["occurred_end"],
            "reported_at": document["reported_at"],
            "location.kind": location["kind"],
            "location.zone": location["zone"],
            "location.nibrs_code": location["nibrs_code"],
            "location.address": location["address"],
            "offense_codes": ";".join(o["ucr_code"] for o in document["offenses"]),
            "victims": count(InvolvementRole.VICTIM),
            "offenders": count(InvolvementRole.OFFENDER),
            "arrestees": count(InvolvementRole.ARRESTEE),
            "juveniles": sum(_juvenile(i, day) for i in involvements),
            "disposition.kind": disposition["kind"] if disposition else None,
            "disposition.decided_on": disposition["decided_on"] if disposition else None,
            "referred_to_law_enforcement": document["referred_to_law_enforcement"],
            "school_related_arrest": document["school_related_arrest"],
            "restrictions": ";".join(document["restrictions"]),
            "origin": document["origin"],
            "escalated_from": document["escalated_from"],
            "narrative": document["narrative"],
            "id": document["id"],
            "version": document["version"],
        }
        for column in hidden:
            if row[column] not in (None, ""):
                row[column] = REDACTED
        return row

    def _rows(
        self, actor: Actor, kind: RecordKind, where: IncidentFilter | None, period: Period | None
    ) -> tuple[Sequence[str], Iterator[dict[str, object]]]:
        if kind is RecordKind.MONTHLY_COUNTS:
            if period is None:
                raise ValueError("period: a monthly-counts export needs its period")
            figures = self.monthly_counts(actor, period)
            rows = ({c: _value(getattr(f, c)) for c in MONTHLY_COLUMNS} for f in figures)
            return MONTHLY_COLUMNS, rows
        if actor.audience is Audience.AGGREGATE:
            raise AccessDenied(actor, f"export {kind.value}", "analysts export aggregates only")
        if kind is RecordKind.INCIDENTS:
            return INCIDENT_COLUMNS, self._incident_rows(actor, where)
        if kind is RecordKind.CONTACTS:
            contacts = self.contacts(actor)
            return CONTACT_COLUMNS, (_flat(s, CONTACT_COLUMNS) for s in contacts)
        activities = self.activities(actor)
        return ACTIVITY_COLUMNS, (_flat(s, ACTIVITY_COLUMNS) for s in activities)

    def _records(
        self,
        actor: Actor,
        exporter: Exporter,
        *,
        kind: RecordKind,
        where: IncidentFilter | None,
        period: Period | None,
        school_year: SchoolYear | None,
    ) -> tuple[Sequence[str], Iterator[Mapping[str, object]]]:
        """Return the columns and the records an exporter takes, read for the actor."""
        if exporter.takes is ExportInput.INCIDENTS:
            if actor.audience is Audience.AGGREGATE:
                raise AccessDenied(actor, "export incidents", "analysts export aggregates only")
            seen = self.incidents_of(actor, where)
            return ("incident", "hidden"), ({"incident": s.value, "hidden": s.hidden} for s in seen)
        if exporter.takes is ExportInput.CRDC_COUNTS:
            year = school_year or self.calendar.school_year(self.clock())
            return ("school", "count"), self._crdc_records(actor, year)
        if exporter.takes is ExportInput.REPORT:
            raise ValueError(f"format: {exporter.name} writes the program report: use report()")
        return self._rows(actor, kind, where, period)

    def _crdc_records(self, actor: Actor, year: SchoolYear) -> Iterator[Mapping[str, object]]:
        """Yield each school the actor may see, then the year's per-student CRDC counts.

        The counts are per student: only an exporter that aggregates them (and suppresses small
        counts for analysts) takes them; the read is audited like every read of student data.
        """

        def work(unit: UnitOfWork) -> tuple[list[School], list[CrdcStudentCount]]:
            self._audit(
                unit,
                actor,
                "read_crdc_counts",
                str(year),
                outcome=AuditOutcome.ALLOWED,
                detail="",
                at=self.clock(),
            )
            schools = [
                s
                for s in unit.schools.all()
                if actor.role is not ActorRole.SCHOOL_ADMINISTRATOR or s.id in actor.schools
            ]
            mine = {s.id for s in schools}
            return schools, [c for c in unit.queries.crdc_counts(year) if c.school_id in mine]

        schools, counts = self._read(actor, Action.READ_AGGREGATES, "crdc_counts", str(year), work)
        yield from ({"school": school} for school in schools)
        yield from ({"count": count} for count in counts)

    def export(
        self,
        actor: Actor,
        format_name: str,
        out: IO[str] | IO[bytes],
        *,
        kind: RecordKind = RecordKind.INCIDENTS,
        where: IncidentFilter | None = None,
        period: Period | None = None,
        school_year: SchoolYear | None = None,
        options: Mapping[str, str] | None = None,
    ) -> int:
        """Write records in a registered format to ``out``; return how many were written.

        A format that takes flat rows gets records of ``kind``; one that takes whole incidents
        gets those ``where`` selects; one that takes CRDC counts gets ``school_year``'s (default:
        the current one). Everything is redacted for the actor's audience; analysts may export
        aggregates only. ``options`` are the format's own settings (the NIBRS reporting period).
        """
        self._allow(actor, Action.EXPORT, "export", format_name)
        exporter = self.plugins.exporter_registry().get(format_name)
        audience = actor.audience
        try:
            if audience not in exporter.audiences:
                reason = f"the {format_name} format does not serve the {audience.value} audience"
                raise AccessDenied(actor, "export", reason)
            columns, records = self._records(
                actor, exporter, kind=kind, where=where, period=period, school_year=school_year
            )
        except AccessDenied as denied:
            self._audit_alone(actor, "export", format_name, AuditOutcome.DENIED, denied.reason)
            raise
        written = exporter.write(
            records, out, fields=columns, audience=audience, program=self, options=options or {}
        )
        detail = (
            f"{exporter.takes.value} {kind.value if exporter.takes is ExportInput.ROWS else ''}"
        )
        self._audit_alone(
            actor, "export", format_name, AuditOutcome.ALLOWED, f"{detail.strip()}: {written}"
        )
        return written
