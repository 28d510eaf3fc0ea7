"""The program report: a period's aggregates, read for the actor, handed to a report format.

The report holds counts only, never records: incidents by month and category, on campus and in
the community, the triad split per officer, contacts by who and why, referrals by partner and
status, the CRDC referral and arrest totals per school, the crises of the period, and the
agreements due for review. Counts are suppressed for analysts like every aggregate, and a
school administrator's report covers their own schools only.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import TypeVar

from sro_core.domain import (
    Actor,
    AuditOutcome,
    ContactParty,
    ContactPurpose,
    LocationKind,
    ProgramCalendar,
    School,
    SchoolYear,
)
from sro_core.files import Target, opened, store_files
from sro_core.policy import counts_sealed, school_scope, serves, suppressed, suppresses
from sro_core.ports import (
    AgreementFigure,
    CategoryFigure,
    ContactCount,
    ContactFigure,
    CrdcFigure,
    CrdcMeasure,
    CrisisFigure,
    HeadlineFigure,
    LocationFigure,
    NotFound,
    Period,
    ProgramReport,
    ReferralFigure,
    ReportExporter,
    TriadFigure,
    UnitOfWork,
    check_options,
)
from sro_core.service.core import Kernel
from sro_core.service.desk import Call, query
from sro_core.service.exports import export_context
from sro_core.service.policy import AccessDenied, Action
from sro_core.service.reading import Records

_DEPARTMENT_WIDE = (
    "The triad split and the referrals cover the whole department, not single schools, so "
    "they are not in a school administrator's report."
)

UNREVIEWED_INCLUDED = (
    "The counts include every reported incident, whether or not a supervisor has approved its "
    "report yet: they count what happened, and the review changes how it is written."
)
"""The note of a program that reviews reports: its report counts unreviewed reports too."""

K = TypeVar("K", str, LocationKind)
S = TypeVar("S", bound=Hashable)

Keep = Callable[[uuid.UUID | None], bool]
"""Whether a school's figures belong in the report."""
Name = Callable[[uuid.UUID | None], str]
"""A school's name, as the report prints it."""


def _year_before(period: Period, calendar: ProgramCalendar) -> Period:
    """Return the same local span a year earlier (29 February becomes the 28th)."""

    def earlier(moment: dt.datetime) -> dt.datetime:
        local = calendar.local(moment)
        day = min(local.day, 28) if (local.month, local.day) == (2, 29) else local.day
        return local.replace(year=local.year - 1, day=day)

    return Period(earlier(period.start), earlier(period.end))


class Reports:
    """The desk of the program report: gathered for a reader, written by a report format."""

    def __init__(self, kernel: Kernel, records: Records) -> None:
        self.kernel = kernel
        self.records = records

    def _suppressed(
        self,
        actor: Actor,
        counts: Mapping[S, int],
        groups: Iterable[Callable[[S], Hashable]] = (),
    ) -> dict[S, int | None]:
        """Return counts suppressed for the reader: small ones, and those that would give them."""
        if not suppresses(actor):
            return dict(counts)
        return suppressed(counts, self.kernel.settings.suppression_threshold, groups)

    @query(Action.READ_AGGREGATES)
    def program_report(
        self, call: Call, *, period: Period, label: str, school_id: uuid.UUID | None = None
    ) -> ProgramReport:
        """Read the program report of a period for an actor, program-wide or for one school."""
        contacts = (
            None if school_scope(call.actor) is None else self._own_contacts(call.actor, period)
        )

        def work(unit: UnitOfWork) -> ProgramReport:
            schools = {s.id: s for s in unit.schools.all()}
            if school_id is not None and school_id not in schools:
                unit.schools.get(school_id)
            wanted = self._report_schools(call.actor, school_id)
            return self._gather(
                unit, call.actor, period, label, wanted=wanted, schools=schools, contacts=contacts
            )

        return call.read(label, work)

    def _own_contacts(self, actor: Actor, period: Period) -> list[ContactCount]:
        """Return the counts of the contacts of a period that the actor may read."""
        sums: dict[tuple[uuid.UUID | None, ContactParty, ContactPurpose], list[int]] = {}
        for seen in self.records.contacts(actor):
            c = seen.value
            if period.start <= c.at < period.end:
                row = sums.setdefault((c.school_id, c.party, c.purpose), [0, 0])
                row[0] += 1
                row[1] += c.minutes
        return [ContactCount(s, party, purpose, *row) for (s, party, purpose), row in sums.items()]

    def _report_schools(
        self, actor: Actor, school_id: uuid.UUID | None
    ) -> frozenset[uuid.UUID | None] | None:
        """Return the schools a report covers (None: the whole program, community included)."""
        scope = school_scope(actor)
        if scope is not None:
            if school_id is not None and school_id not in scope:
                raise NotFound("school", school_id)
            return frozenset({school_id} if school_id else scope)
        if school_id is not None:
            return frozenset({school_id})
        return None

    def _gather(
        self,
        unit: UnitOfWork,
        actor: Actor,
        period: Period,
        label: str,
        *,
        wanted: frozenset[uuid.UUID | None] | None,
        schools: dict[uuid.UUID, School],
        contacts: list[ContactCount] | None,
    ) -> ProgramReport:
        queries = unit.queries
        sealed = counts_sealed(actor)

        def mine(school: uuid.UUID | None) -> bool:
            return wanted is None or school in wanted

        def name(school: uuid.UUID | None) -> str:
            found = schools.get(school) if school else None
            return found.name if found else "Not at a school"

        monthly = _sum_by(
            ((r.month, r.category), r.count)
            for r in queries.monthly_counts(period, include_sealed=sealed)
            if mine(r.school_id)
        )
        locations = _sum_by(
            ((r.month, r.location_kind), r.count)
            for r in queries.location_counts(period, include_sealed=sealed)
            if mine(r.school_id)
        )
        department_wide = school_scope(actor) is None
        officers = {o.id: o.name for o in unit.officers.all()}
        triad = tuple(
            TriadFigure(
                officers.get(t.officer_id, str(t.officer_id)),
                t.triad_role,
                t.contacts,
                t.activities,
                t.minutes,
            )
            for t in (queries.triad_split(period) if department_wide else ())
        )
        contact_sums: dict[tuple[ContactParty, ContactPurpose], list[int]] = {}
        for c in queries.contact_counts(period) if contacts is None else contacts:
            if mine(c.school_id):
                row = contact_sums.setdefault((c.party, c.purpose), [0, 0])
                row[0] += c.contacts
                row[1] += c.minutes
        partners = {p.id: p.name for p in unit.partners.all()}
        referral_rows = (
            queries.referral_counts(period, include_sealed=sealed) if department_wide else []
        )
        referral_counts = self._suppressed(
            actor, {(r.partner_id, r.reason, r.status): r.count for r in referral_rows}
        )
        referrals = tuple(
            ReferralFigure(
                partners.get(r.partner_id, str(r.partner_id)),
                r.reason,
                r.status,
                referral_counts[r.partner_id, r.reason, r.status],
            )
            for r in referral_rows
        )
        shown_monthly = self._suppressed(actor, dict(monthly), (lambda k: k[0],))
        shown_locations = self._suppressed(actor, dict(locations), (lambda k: k[0],))
        ordered_contacts = sorted(
            contact_sums.items(), key=lambda item: (item[0][0].value, item[0][1].value)
        )
        shown_contacts = self._suppressed(actor, {k: n for k, (n, _) in ordered_contacts})
        return ProgramReport(
            program_name=self.kernel.settings.name,
            scope=", ".join(sorted(name(s) for s in wanted)) if wanted else "Program-wide",
            period=period,
            period_label=label,
            audience=actor.audience,
            suppression_threshold=self.kernel.settings.suppression_threshold,
            time_zone=self.kernel.settings.time_zone,
            generated_at=self.kernel.clock(),
            monthly=tuple(
                CategoryFigure(month, category, shown_monthly[month, category])
                for (month, category), _ in monthly
            ),
            locations=tuple(
                LocationFigure(month, kind, shown_locations[month, kind])
                for (month, kind), _ in locations
            ),
            triad=triad,
            contacts=tuple(
                ContactFigure(
                    party,
                    purpose,
                    shown_contacts[party, purpose],
                    minutes if shown_contacts[party, purpose] is not None else None,
                )
                for (party, purpose), (_, minutes) in ordered_contacts
            ),
            referrals=referrals,
            crdc=self._crdc(unit, actor, period, mine, name),
            crises=self._crises(unit, period, mine, name),
            agreements_due=self._agreements_due(unit, period),
            categories=tuple(
                (code.value, code.description)
                for code in self.kernel.code_tables.get("sro.incident_category").codes
            ),
            notes=(() if department_wide else (_DEPARTMENT_WIDE,))
            + ((UNREVIEWED_INCLUDED,) if self.kernel.settings.review == "on" else ()),
            headline=self._headline(unit, actor, period, mine, department_wide=department_wide),
        )

    def _headline(
        self,
        unit: UnitOfWork,
        actor: Actor,
        period: Period,
        mine: Keep,
        *,
        department_wide: bool,
    ) -> tuple[HeadlineFigure, ...]:
        """Return the headline figures of a period beside the same period a year earlier."""
        queries = unit.queries
        sealed = counts_sealed(actor)

        def parts(within: Period) -> dict[str, list[int]]:
            incidents = queries.monthly_counts(within, include_sealed=sealed)
            found = {
                "Incidents": [r.count for r in incidents if mine(r.school_id)],
                "Community contacts": [
                    c.contacts for c in queries.contact_counts(within) if mine(c.school_id)
                ],
                "Crises": [
                    1
                    for c in unit.crises.all()
                    if within.start <= c.declared_at < within.end and mine(c.school_id)
                ],
            }
            if department_wide:
                referrals = queries.referral_counts(within, include_sealed=sealed)
                found["Referrals to partners"] = [r.count for r in referrals]
            return found

        def shown(counts: list[int]) -> int | None:
            small = any(0 < n < self.kernel.settings.suppression_threshold for n in counts)
            if suppresses(actor) and small:
                return None
            return self._suppressed(actor, {"total": sum(counts)})["total"]

        now, before = parts(period), parts(_year_before(period, self.kernel.calendar))
        return tuple(
            HeadlineFigure(label, shown(counts), shown(before[label]))
            for label, counts in now.items()
        )

    def _crdc(
        self, unit: UnitOfWork, actor: Actor, period: Period, mine: Keep, name: Name
    ) -> tuple[CrdcFigure, ...]:
        """Return each school's CRDC totals for the school years the period touches."""
        first = self.kernel.calendar.school_year(period.start)
        last = self.kernel.calendar.school_year(period.end - dt.timedelta(microseconds=1))
        totals: dict[tuple[uuid.UUID, CrdcMeasure], list[int]] = {}
        for start_year in range(first.start_year, last.start_year + 1):
            year = SchoolYear(start_year)
            for count in unit.queries.crdc_counts(year, include_sealed=counts_sealed(actor)):
                if not mine(count.school_id):
                    continue
                row = totals.setdefault((count.school_id, count.measure), [0, 0, 0, 0])
                row[0] += count.instances
                row[1] += 1
                row[2] += bool(count.idea)
                row[3] += bool(count.section_504)
        cells = {(key, n): value for key, row in totals.items() for n, value in enumerate(row)}
        shown = self._suppressed(actor, cells, (lambda k: (k[0][1], k[1]), lambda k: k[0]))
        return tuple(
            CrdcFigure(name(school), measure, *(shown[(school, measure), n] for n in range(4)))
            for (school, measure) in sorted(totals, key=lambda key: (str(key[0]), key[1].value))
        )

    def _crises(
        self, unit: UnitOfWork, period: Period, mine: Keep, name: Name
    ) -> tuple[CrisisFigure, ...]:
        found = [
            c
            for c in unit.crises.all()
            if period.start <= c.declared_at < period.end and mine(c.school_id)
        ]
        found.sort(key=lambda c: (c.declared_at, c.id))
        return tuple(
            CrisisFigure(
                name(c.school_id), c.kind, c.declared_at, c.ended_at, c.status, len(c.messages)
            )
            for c in found
        )

    def _agreements_due(self, unit: UnitOfWork, period: Period) -> tuple[AgreementFigure, ...]:
        last_day = self.kernel.calendar.local_date(period.end - dt.timedelta(microseconds=1))
        today = self.kernel.today()
        due = sorted(
            (a for a in unit.agreements.all() if a.review_due <= last_day),
            key=lambda a: (a.review_due, a.title),
        )
        return tuple(AgreementFigure(a.title, a.review_due, a.review_due < today) for a in due)

    @query(Action.EXPORT)
    def report(
        self,
        call: Call,
        to: Target,
        *,
        period: Period,
        label: str | None = None,
        school_id: uuid.UUID | None = None,
        format_name: str = "report-html",
        options: Mapping[str, str] | None = None,
    ) -> int:
        """Write the program report of a period in a report format; every report is audited."""
        actor = call.actor
        call.allow(format_name)
        exporter = self.kernel.plugins.exporter_registry().get(format_name)
        if not isinstance(exporter, ReportExporter) or not serves(actor, exporter.audiences):
            audience = actor.audience.value
            reason = f"{format_name} writes no program report for the {audience} audience"
            self.kernel.audit_alone(actor, call.name, format_name, AuditOutcome.DENIED, reason)
            raise AccessDenied(actor, call.name, reason)
        check_options(exporter, options or {})
        label = label or _label(self.kernel.calendar, period)
        data = self.program_report(actor, period=period, label=label, school_id=school_id)
        context = export_context(self.kernel, actor, options, data.generated_at)
        protected = store_files(self.kernel.storage.settings.url)
        writer = f"the {format_name} format"
        with opened(to, binary=exporter.binary, protected=protected, writer=writer) as out:
            written = exporter.write(data, out, context)
        self.kernel.audit_alone(actor, call.name, format_name, AuditOutcome.ALLOWED, label)
        return written


def _label(calendar: ProgramCalendar, period: Period) -> str:
    first = calendar.local_date(period.start)
    last = calendar.local_date(period.end - dt.timedelta(microseconds=1))
    return f"{first.isoformat()} to {last.isoformat()}"


def _sum_by(pairs: Iterable[tuple[tuple[str, K], int]]) -> list[tuple[tuple[str, K], int]]:
    """Sum counts by (month, key) over the report's schools, in month and key order."""
    sums: dict[tuple[str, K], int] = {}
    for key, count in pairs:
        sums[key] = sums.get(key, 0) + count
    return sorted(sums.items(), key=lambda item: (item[0][0], _order(item[0][1])))


def _order(key: str | LocationKind) -> str:
    return key.value if isinstance(key, LocationKind) else key
