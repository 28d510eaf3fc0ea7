"""Exports: records streamed to an exporter as flat rows, redacted for the requester's audience.

Rows are built page by page and handed on as they are made, so memory does not grow with the
data. A hidden field is written as ``[redacted]``, so a reader can tell hidden from empty.
Every export is audited, and so is every export that shows juveniles' identities.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import IO, Any

import attrs

from sro_core.domain import (
    Actor,
    AuditOutcome,
    Incident,
    InvolvementRole,
    RuleViolation,
    School,
    SchoolYear,
)
from sro_core.files import Target, opened, store_files
from sro_core.policy import (
    REDACTED,
    Decision,
    counts_sealed,
    document_decider,
    hide_document,
    hide_texts,
    reads_records,
    school_scope,
    serves,
)
from sro_core.ports import (
    CrdcCounts,
    CrdcExporter,
    CrdcStudentCount,
    ExportContext,
    Exporter,
    ExportInput,
    FlatRow,
    IncidentExporter,
    IncidentFilter,
    Page,
    PageOf,
    Period,
    RowExporter,
    Rows,
    Seen,
    SubmittedReport,
    UnitOfWork,
    check_options,
)
from sro_core.serialization import unstructure
from sro_core.service.core import Kernel
from sro_core.service.desk import Call, query
from sro_core.service.disclosures import Released, describe_selection
from sro_core.service.policy import AccessDenied, Action
from sro_core.service.reading import Records, scoped


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


NAMED_BY = {"school": "school_id", "reporting_officer": "reporting_officer_id"}
"""The columns that name what an id column holds: hidden where that id is."""


def _column_hidden(column: str, hidden: frozenset[str]) -> bool:
    """Return whether a column shows a field the reader may not see (from the hidden paths)."""
    if column == "arrestees":
        return any(p.endswith((".roles", ".arrest")) for p in hidden)
    field = column.split(".", maxsplit=1)[0]
    return any(p in (column, field) or p.startswith(column + ".") for p in hidden)


_READS: Mapping[str, tuple[str, ...]] = {
    "school": (),
    "reporting_officer": (),
    "offense_codes": ("offenses.ucr_code",),
    "victims": ("involvements.roles",),
    "offenders": ("involvements.roles",),
    "arrestees": ("involvements.roles", "involvements.arrest"),
    "juveniles": (),
}
"""The fields the columns that are not a field read (the names and the juvenile count: none
of the reader's view; they come from the names read once and from the whole document)."""

ROW_FIELDS = tuple(dict.fromkeys(f for c in INCIDENT_COLUMNS for f in _READS.get(c, (c,))))
"""The fields of an incident's document that its row reads: all a reader gets of it."""

_VICTIM, _OFFENDER, _ARRESTEE = (
    InvolvementRole.VICTIM.value,
    InvolvementRole.OFFENDER.value,
    InvolvementRole.ARRESTEE.value,
)

EXPORT_PAGE = 100
"""Incidents read in one unit of work while an export streams.

Small, so that a page's decoded documents are gone before the garbage collector's older
generations see them: at 500 the collector's full passes over the program's objects took
about a quarter of the export's time.
"""


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


_incident_row = FlatRow.maker(INCIDENT_COLUMNS)
_AT = {column: n for n, column in enumerate(INCIDENT_COLUMNS)}


def _document_cells(
    document: Mapping[str, Any], names: Mapping[str, str], juveniles: int
) -> list[object]:
    """Return the cells of an incident's row, in :data:`INCIDENT_COLUMNS` order, from its document.

    ``names`` are schools' names and officers' badges by id (the ``school`` and
    ``reporting_officer`` columns); ``juveniles`` is how many of its people are juveniles.
    """
    location, disposition = document["location"], document["disposition"]
    victims = offenders = arrestees = 0
    for involvement in document["involvements"]:
        roles = involvement["roles"]
        victims += _VICTIM in roles
        offenders += _OFFENDER in roles
        arrestees += _ARRESTEE in roles
    return [
        document["number"],
        document["status"],
        document["category"],
        names.get(document["school_id"] or ""),
        document["school_id"],
        names.get(document["reporting_officer_id"]),
        document["reporting_officer_id"],
        document["occurred_start"],
        document["occurred_end"],
        document["reported_at"],
        location["kind"],
        location["zone"],
        location["nibrs_code"],
        location["address"],
        ";".join(o["ucr_code"] for o in document["offenses"]),
        victims,
        offenders,
        arrestees,
        juveniles,
        disposition["kind"] if disposition else None,
        disposition["decided_on"] if disposition else None,
        document["referred_to_law_enforcement"],
        document["school_related_arrest"],
        ";".join(document["restrictions"]),
        document["origin"],
        document["escalated_from"],
        document["narrative"],
        document["id"],
        document["version"],
    ]


class Exports:
    """The desk of exports: records streamed through the registered exporters, each redacted."""

    def __init__(self, kernel: Kernel, records: Records) -> None:
        self.kernel = kernel
        self.records = records

    def _incident_rows(self, actor: Actor, where: IncidentFilter | None) -> Iterator[FlatRow]:
        """Yield flat incident rows, each decided for the reader, a page at a time.

        Each stored document is decided on like any read, without building the incident
        (:func:`~sro_core.policy.decide_document`), and its row is made from what the reader
        may see of the fields the row reads, a hidden column written as ``[redacted]``.
        """
        page = Page(size=EXPORT_PAGE)
        while True:

            def work(unit: UnitOfWork, after: Page = page) -> tuple[PageOf[Any], list[Any]]:
                scoped_where = scoped(unit, actor, where or IncidentFilter())
                found = unit.queries.find_incident_documents(scoped_where, after)
                now = self.kernel.clock()
                context = self.kernel.context(unit, actor, now)
                names = _names(unit)
                decide = document_decider(actor, context)
                rows = []
                for document in found.items:
                    decision = decide(document)
                    if self.kernel.read_as_decided(
                        unit,
                        actor,
                        decision,
                        kind="incident",
                        key=document["id"],
                        number=document["number"],
                        at=now,
                    ):
                        rows.append(self._seen_row(document, decision, names))
                return found, rows

            found, rows = self.kernel.read(
                actor, Action.READ_RECORDS, "export incidents", None, work
            )
            yield from rows
            if found.next is None:
                return
            page = Page(size=EXPORT_PAGE, after=found.next)

    def _seen_row(
        self, document: Mapping[str, Any], decision: Decision, names: Mapping[str, str]
    ) -> FlatRow:
        """Return the flat row of an incident as the reader sees it (names beside the ids).

        The juvenile count is the stored incident's, as it is for a reader who sees everything.
        Where the decision changes nothing but the narrative, the row is made from the document
        with the narrative as the reader sees it; otherwise from the fields read, hidden.
        """
        hiding = decision.hiding
        if hiding.nothing:
            return self._document_row(document, names, decision.juveniles)
        texts = hide_texts(Incident, document, hiding, ROW_FIELDS)
        if texts is None:
            view = hide_document(Incident, document, hiding, ROW_FIELDS)
            cells = _document_cells(view.value, names, decision.juveniles)
            hidden_paths = view.hidden
        else:
            cells = _document_cells(document, names, decision.juveniles)
            for name, text in texts.value.items():
                cells[_AT[name]] = text
            hidden_paths = texts.hidden
        if hidden_paths:
            for column in INCIDENT_COLUMNS:
                if _column_hidden(NAMED_BY.get(column, column), hidden_paths):
                    cells[_AT[column]] = REDACTED
        return _incident_row(cells)

    @staticmethod
    def _document_row(
        document: Mapping[str, Any], names: Mapping[str, str], juveniles: int
    ) -> FlatRow:
        """Return the flat row of an incident given in its wire format.

        ``names`` are schools' names and officers' badges by id: the ``school`` and
        ``reporting_officer`` columns a person reads beside the ids; ``juveniles`` is how many
        of its people are juveniles on its day (the policy's decision counts them).
        """
        return _incident_row(_document_cells(document, names, juveniles))

    def _rows(
        self, actor: Actor, kind: RecordKind, where: IncidentFilter | None, period: Period | None
    ) -> tuple[Sequence[str], Iterator[Mapping[str, object]]]:
        if kind is RecordKind.MONTHLY_COUNTS:
            if period is None:
                raise RuleViolation(
                    "period", None, "a monthly-counts export needs its period (period=Period(…))"
                )
            figures = self.records.monthly_counts(actor, period)
            rows = ({c: _value(getattr(f, c)) for c in MONTHLY_COLUMNS} for f in figures)
            return MONTHLY_COLUMNS, rows
        if not reads_records(actor):
            raise AccessDenied(actor, f"export {kind.value}", "analysts export aggregates only")
        if kind is RecordKind.INCIDENTS:
            return INCIDENT_COLUMNS, self._incident_rows(actor, where)
        if kind is RecordKind.CONTACTS:
            contacts = self.records.contacts(actor)
            return CONTACT_COLUMNS, (_flat(s, CONTACT_COLUMNS) for s in contacts)
        activities = self.records.activities(actor)
        return ACTIVITY_COLUMNS, (_flat(s, ACTIVITY_COLUMNS) for s in activities)

    def _write(
        self,
        actor: Actor,
        exporter: Exporter,
        out: IO[Any],
        context: ExportContext,
        *,
        kind: RecordKind,
        where: IncidentFilter | None,
        period: Period | None,
        school_year: SchoolYear | None,
    ) -> tuple[int, Released[Any]]:
        """Read for the actor what an exporter takes, hand it over; return what was written."""
        if isinstance(exporter, IncidentExporter):
            if not reads_records(actor):
                raise AccessDenied(actor, "export incidents", "analysts export aggregates only")
            seen = Released(self.records.incidents_of(actor, where), _incident_id)
            return exporter.write(seen, out, context), seen
        if isinstance(exporter, CrdcExporter):
            year = school_year or self.kernel.calendar.school_year(context.now)
            schools, counts = self._crdc_records(actor, year)
            nothing: Released[Any] = Released(iter(()), _row_id)
            return exporter.write(CrdcCounts(year, schools, counts), out, context), nothing
        if isinstance(exporter, RowExporter):
            columns, records = self._rows(actor, kind, where, period)
            rows = Released(records, _row_id)
            return exporter.write(Rows(columns, rows), out, context), rows
        raise ValueError(f"format: {exporter.name} writes the program report: use report()")

    def _crdc_records(
        self, actor: Actor, year: SchoolYear
    ) -> tuple[list[School], list[CrdcStudentCount]]:
        """Return each school the actor may see, and the year's per-student CRDC counts.

        The counts are per student: only an exporter that aggregates them (and suppresses small
        counts for analysts) takes them; the read is audited like every read of student data.
        """

        def work(unit: UnitOfWork) -> tuple[list[School], list[CrdcStudentCount]]:
            self.kernel.audit(
                unit,
                actor,
                "read_crdc_counts",
                str(year),
                outcome=AuditOutcome.ALLOWED,
                detail="",
                at=self.kernel.clock(),
            )
            scope = school_scope(actor)
            schools = [s for s in unit.schools.all() if scope is None or s.id in scope]
            mine = {s.id for s in schools}
            counts = unit.queries.crdc_counts(year, include_sealed=counts_sealed(actor))
            return schools, [c for c in counts if c.school_id in mine]

        return self.kernel.read(actor, Action.READ_AGGREGATES, "crdc_counts", str(year), work)

    @query(Action.EXPORT)
    def export(
        self,
        call: Call,
        format_name: str,
        to: Target,
        *,
        kind: RecordKind = RecordKind.INCIDENTS,
        where: IncidentFilter | None = None,
        period: Period | None = None,
        school_year: SchoolYear | None = None,
        options: Mapping[str, str] | None = None,
    ) -> int:
        """Write records in a registered format ``to`` a file or stream; return how many."""
        actor = call.actor
        call.allow(format_name)
        exporter = self.kernel.plugins.exporter_registry().get(format_name)
        audience = actor.audience
        context = export_context(self.kernel, actor, options)
        try:
            if not serves(actor, exporter.audiences):
                reason = f"the {format_name} format does not serve the {audience.value} audience"
                raise AccessDenied(actor, call.name, reason)
            check_options(exporter, options or {})
            with opened(
                to,
                binary=exporter.binary,
                protected=store_files(self.kernel.storage.settings.url),
                writer=f"the {format_name} format",
            ) as out:
                written, released = self._write(
                    actor,
                    exporter,
                    out,
                    context,
                    kind=kind,
                    where=where,
                    period=period,
                    school_year=school_year,
                )
        except Exception as error:
            self.kernel.audit_failure(actor, call.name, format_name, error)
            raise
        detail = (
            f"{exporter.takes.value} {kind.value if exporter.takes is ExportInput.ROWS else ''}"
        )
        self.kernel.audit_alone(
            actor,
            call.name,
            format_name,
            AuditOutcome.ALLOWED,
            f"{detail.strip()}: {written}; released {released.describe()}; "
            f"chosen by {describe_selection(where, period)}",
        )
        return written


def export_context(
    kernel: Kernel, actor: Actor, options: Mapping[str, str] | None, now: dt.datetime | None = None
) -> ExportContext:
    """Return what an exporter knows of an export by the actor: the time, options, the ledger.

    :param now: when the export reads (default: now, on the program's clock).
    """

    def reports(ori: str | None = None) -> list[SubmittedReport]:
        def work(unit: UnitOfWork) -> list[SubmittedReport]:
            return unit.submissions.reports(ori)

        return kernel.read(actor, Action.EXPORT, "submitted_reports", ori, work)

    when = kernel.clock() if now is None else now
    return ExportContext(actor, kernel, when, options or {}, _Ledger(reports))


@attrs.frozen
class _Ledger:
    """The NIBRS submission ledger as one actor reads it: what an export's context holds."""

    read: Callable[[str | None], list[SubmittedReport]]

    def reports(self, ori: str | None = None) -> list[SubmittedReport]:
        """Return the reports submitted before (for one ORI, or all), read as the actor."""
        return self.read(ori)


def _incident_id(seen: Seen[Incident]) -> str:
    return str(seen.value.id)


def _row_id(row: Mapping[str, object]) -> str | None:
    found = row.get("id")
    return str(found) if isinstance(found, uuid.UUID | str) and found != "" else None
