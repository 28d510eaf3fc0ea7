"""A month's NIBRS submission: the reports of the incidents given, checked, written, validated.

The schema allows one report per ``nibrs:Submission`` document, so a submission is a set of
documents, written as a zip archive: a Group A incident report per incident with a Group A
offense, a Group B arrest report per arrestee of an incident without one, a delete for what
was sent before and is no longer reportable (unfounded, or its offenses changed), and a zero
report when the month has nothing at all. Whether a report adds or replaces follows the ledger
of what was sent before; a report the FBI already holds unchanged is not sent again.

Every incident is checked against :mod:`.rules` first, and every document against the schema:
an incident with a problem is left out, with its problems listed, and the rest go out. In a
program that reviews reports, an incident NIBRS takes (a report, or a delete of one sent
before) is left out until a supervisor has approved its report.
The ledger is the program's store (:class:`~sro_core.ports.SubmittedReport`): the reports of a
submission are recorded there only after the submission file has been written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import uuid
import zipfile
from collections.abc import Collection, Iterable, Mapping
from typing import IO

import attrs

from sro_core.domain import (
    DispositionKind,
    DomainError,
    Incident,
    Problem,
    ReviewState,
    RuleViolation,
)
from sro_core.ports import ProgramContext, SubmittedReport
from sro_core_nibrs.mapping import (
    group_a_report,
    group_b_arrestees,
    group_b_reports,
    has_group_a,
    local_hour,
)
from sro_core_nibrs.reports import (
    DeleteReport,
    GroupBReport,
    Header,
    Report,
    ReportAction,
    ReportCategory,
    ZeroReport,
    category_of,
)
from sro_core_nibrs.rules import Finding, incident_findings, incident_warnings
from sro_core_nibrs.schema import schema_errors
from sro_core_nibrs.writer import render

NIBRS_PERSON_FIELDS = ("date_of_birth", "demographics")
"""The person fields a NIBRS report is made from: an incident with them hidden is left out."""
PERIOD = re.compile(r"(?P<year>\d{4})-(?P<month>0[1-9]|1[0-2])")
MEDIA_TYPE = "application/zip"
HIDDEN = (
    "hidden from the exporting actor; NIBRS needs it: export as an actor with the"
    " juvenile-records permission"
)
_SHORT = {ReportCategory.GROUP_A: "A", ReportCategory.GROUP_B: "B", ReportCategory.ZERO: "Z"}


class NibrsConfigurationError(DomainError):
    """The program is not set up to report to NIBRS (no agency ORI)."""


MISSING_ORI = (
    "agency_ori is not set: a NIBRS submission names the agency by its nine-character ORI;"
    ' put it in the configuration file\'s [program] table, agency_ori = "CA0200200"'
    " (in the API: ProgramSettings(agency_ori=...))"
)
DEFAULT_NOW = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
"""A fixed stamp for callers that give no clock (tests, previews): never the wall clock."""


@attrs.frozen
class SubmissionDocument:
    """One document of a submission: its file name, XML, and what it reports."""

    name: str
    xml: bytes
    category: ReportCategory
    action: ReportAction
    number: str
    sequence: int | None = None


@attrs.frozen
class SubmissionResult:
    """A month's submission, ready to write, and what was left out and why.

    ``exported``: the incident numbers with a document here (add, replace or delete);
    ``problems``: why each incident left out was left out (``field`` starts with its number);
    ``warnings``: what is likely wrong in incidents that went out all the same;
    ``unchanged``: incidents the FBI already holds as they are; ``not_reported``: incidents
    with nothing NIBRS takes (no Group A offense, no Group B arrest); ``entries``: the reports
    to record in the program's ledger once the submission is written.
    """

    period: str
    documents: tuple[SubmissionDocument, ...] = ()
    exported: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    unchanged: tuple[str, ...] = ()
    not_reported: tuple[str, ...] = ()
    entries: tuple[SubmittedReport, ...] = ()

    def archive(self) -> bytes:
        """Return the documents as a zip archive, one XML file each, in order."""
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for document in self.documents:
                archive.writestr(document.name, document.xml)
        return out.getvalue()

    def write(self, out: IO[bytes]) -> None:
        """Write the archive to ``out``; record :attr:`entries` in the ledger after."""
        out.write(self.archive())
        out.flush()


Key = tuple[str, str, str, int | None]


def held(reports: Iterable[SubmittedReport]) -> dict[Key, SubmittedReport]:
    """Return the reports the FBI holds, by key: every report replayed, deletes removing.

    A Group B delete without an arrestee sequence removes every report of its number.
    """
    state: dict[Key, SubmittedReport] = {}
    for report in reports:
        if report.action != ReportAction.DELETE.value:
            state[report.key] = report
            continue
        for key in [k for k in state if k[:3] == report.key[:3]]:
            if report.sequence is None or key[3] == report.sequence:
                del state[key]
    return state


def check_period(period: str) -> str:
    """Return a reporting period (``YYYY-MM``), or raise RuleViolation."""
    if not PERIOD.fullmatch(period):
        raise RuleViolation("period", period, "a reporting period reads YYYY-MM")
    return period


def fingerprint(report: Report) -> str:
    """Return a digest of a report's facts: equal reports, equal digests."""
    facts = json.dumps(attrs.asdict(report), sort_keys=True, default=str)
    return hashlib.sha256(facts.encode("utf-8")).hexdigest()


@attrs.frozen
class _Plan:
    """A document planned for a submission, before it is checked and named."""

    report: Report
    header: Header
    xml: bytes
    number: str
    sequence: int | None = None
    arrested_on: dt.date | None = None


def _unfounded(incident: Incident) -> bool:
    disposition = incident.disposition
    return disposition is not None and disposition.kind is DispositionKind.UNFOUNDED


class SubmissionBuilder:
    """Builds a submission incident by incident, so an exporter can stream it.

    :param submitted: the reports submitted before (the program's ledger, any agency's).
    :param numbers: NIBRS numbers of incidents whose records carry another number (imported
        from another system: :attr:`ImportResult.numbers`), by incident id.
    :param now: the time the documents are stamped with: the program's clock.
    :param submission: the name of the file the submission is written to (for the ledger).
    :param actor: who submits (for the ledger).
    :param submitted_in: the month the submission is made in, when later than ``period``
        (``nibrs:ReportDate`` is the month a report is created; no date may be after it).
        A zero report is dated with ``period``, the month it says had nothing.
    """

    def __init__(
        self,
        program: ProgramContext,
        period: str,
        submitted: Iterable[SubmittedReport] = (),
        *,
        numbers: Mapping[uuid.UUID, str] | None = None,
        now: dt.datetime,
        submission: str = "",
        actor: str = "",
        submitted_in: str | None = None,
    ) -> None:
        ori = program.settings.agency_ori
        if ori is None:
            raise NibrsConfigurationError(MISSING_ORI)
        self.program = program
        self.ori = ori
        self.period = check_period(period)
        self.submitted_in = max(check_period(submitted_in or period), self.period)
        self.numbers = dict(numbers or {})
        self.now = now
        self.submission = submission
        self.actor = actor
        before = [r for r in submitted if r.ori == ori]
        self.held = held(before)
        self.sent_periods = {r.period for r in before}
        self.documents: list[SubmissionDocument] = []
        self.findings: list[Finding] = []
        self.entries: list[SubmittedReport] = []
        self.exported: list[str] = []
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.unchanged: list[str] = []
        self.not_reported: list[str] = []
        self.used: dict[str, uuid.UUID] = {}
        self.written = 0

    def _header(self, action: ReportAction, month: str) -> Header:
        created = self.program.calendar.local(self.now)
        return Header(self.ori, month, action, str(uuid.uuid4()), created)

    def _plan(
        self,
        report: Report,
        action: ReportAction,
        number: str,
        *,
        sequence: int | None = None,
        arrested_on: dt.date | None = None,
    ) -> _Plan:
        month = self.period if isinstance(report, ZeroReport) else self.submitted_in
        header = self._header(action, month)
        return _Plan(report, header, render(report, header), number, sequence, arrested_on)

    def _accept(self, plan: _Plan, incident_id: uuid.UUID | None) -> SubmissionDocument:
        """Name a checked document, keep it, and keep its ledger entry for after writing."""
        self.written += 1
        category, action = category_of(plan.report), plan.header.action
        tail = f"-{plan.sequence}" if plan.sequence is not None else ""
        name = f"{self.written:04d}-{_SHORT[category]}-{action.value}-{plan.number}{tail}.xml"
        document = SubmissionDocument(name, plan.xml, category, action, plan.number, plan.sequence)
        self.documents.append(document)
        self.entries.append(
            SubmittedReport(
                ori=self.ori,
                category=category.value,
                number=plan.number,
                action=action.value,
                period=self.period,
                submission=self.submission,
                document=name,
                message_id=plan.header.message_id,
                written_at=self.now,
                actor=self.actor,
                fingerprint="" if action is ReportAction.DELETE else fingerprint(plan.report),
                sequence=plan.sequence,
                incident_id=incident_id,
                arrested_on=plan.arrested_on,
            )
        )
        return document

    def _wanted(self, incident: Incident, number: str) -> list[tuple[Report, int | None]]:
        if _unfounded(incident):
            return []
        if has_group_a(incident):
            return [(group_a_report(incident, self.program, number=number), None)]
        return [
            (report, report.arrestee.sequence)
            for report in group_b_reports(incident, self.program, number=number)
        ]

    def _planned(self, incident: Incident, number: str) -> tuple[list[_Plan], bool]:
        """Return the documents an incident needs, and whether it has anything to report."""
        wanted = self._wanted(incident, number)
        held = self.held_for(number)
        planned = []
        keys = set()
        for report, sequence in wanted:
            category = category_of(report)
            key = (self.ori, category.value, number, sequence)
            keys.add(key)
            prior = self.held.get(key)
            if prior is not None and prior.fingerprint == fingerprint(report):
                continue
            if prior is not None:
                action = ReportAction.REPLACE
            elif category is ReportCategory.GROUP_A:
                action = ReportAction.INCIDENT
            else:
                action = ReportAction.ADD
            arrested_on = report.arrestee.arrested_on if isinstance(report, GroupBReport) else None
            planned.append(
                self._plan(report, action, number, sequence=sequence, arrested_on=arrested_on)
            )
        when = local_hour(incident, self.program)
        planned += [self._delete(p, when) for p in held if p.key not in keys]
        return planned, bool(wanted or held)

    def held_for(self, number: str) -> list[SubmittedReport]:
        """Return the reports the FBI holds for one incident or arrest transaction number."""
        return [
            r
            for r in self.held.values()
            if r.number == number and r.category != ReportCategory.ZERO.value
        ]

    def _delete(self, prior: SubmittedReport, when: dt.datetime | None) -> _Plan:
        category = ReportCategory(prior.category)
        at = when if category is ReportCategory.GROUP_A else None
        delete = DeleteReport(category, prior.number, at, prior.sequence, prior.arrested_on)
        return self._plan(
            delete,
            ReportAction.DELETE,
            prior.number,
            sequence=prior.sequence,
            arrested_on=prior.arrested_on,
        )

    def gone(self, incident_id: uuid.UUID) -> list[SubmissionDocument]:
        """Return the deletes of what was submitted for an incident no longer in the store."""
        documents = []
        for prior in [r for r in self.held.values() if r.incident_id == incident_id]:
            plan = self._delete(prior, None)
            documents.append(self._accept(plan, incident_id))
            if prior.number not in self.exported:
                self.exported.append(prior.number)
        return documents

    def _problems(
        self, incident: Incident, number: str | None, given: str | None, hidden: Collection[str]
    ) -> list[Problem]:
        """Return why an incident cannot go: its rules, hidden facts, a number used twice."""
        problems: list[Problem] = []
        if not _unfounded(incident):
            found = incident_findings(incident, self.program, self.submitted_in, number=given)
            self.findings += found
            problems = [f.problem() for f in found]
        # An unfounded incident is only deleted, by its number: its other facts do not matter.
        name = number or f"draft {incident.id}"
        # A program that reviews reports sends only approved ones (older contexts lack the setting);
        # an incident NIBRS has nothing of waits for no one.
        reviews = getattr(self.program.settings, "review", "off") == "on"
        if (
            reviews
            and incident.review is not ReviewState.APPROVED
            and self._for_nibrs(incident, number)
        ):
            rule = f"not approved by a supervisor (review: {incident.review.value})"
            problems.append(Problem(f"{name} review", incident.review.value, rule))
        for path in sorted(hidden):
            if any(part in path for part in NIBRS_PERSON_FIELDS) and not _unfounded(incident):
                problems.append(Problem(f"{name} {path}", None, HIDDEN))
        if number is not None and number in self.used:
            other = self.used[number]
            given = "this incident is given twice" if other == incident.id else f"incident {other}"
            rule = f"the number is already in the submission: {given}"
            problems.append(Problem(f"{number} number", number, rule))
        return problems

    def _for_nibrs(self, incident: Incident, number: str | None) -> bool:
        """Return whether NIBRS takes anything of an incident: a report, or a delete of one."""
        held = number is not None and bool(self.held_for(number))
        if _unfounded(incident):
            return held
        return held or has_group_a(incident) or bool(group_b_arrestees(incident))

    def add(self, incident: Incident, *, hidden: Collection[str] = ()) -> list[SubmissionDocument]:
        """Check an incident and return the documents it adds to the submission (maybe none).

        :param hidden: the paths of the fields redaction blanked for the exporting actor; an
            incident whose NIBRS facts (dates of birth, demographics) were hidden is left out
            rather than reported with ages and races made unknown.
        """
        given = self.numbers.get(incident.id)
        number = given or incident.nibrs_number or incident.number
        problems = self._problems(incident, number, given, hidden)
        if problems or number is None:
            self.problems += problems
            return []
        self.used[number] = incident.id
        planned, reportable = self._planned(incident, number)
        for plan in planned:
            for error in schema_errors(plan.xml):
                rule = f"the document breaks nibrs.xsd: {error.reason}"
                problems.append(Problem(f"{number} {error.path}", None, rule))
        if problems:
            self.problems += problems
            return []
        self.warnings += incident_warnings(incident, number=number)
        if not reportable:
            self.not_reported.append(number)
        elif not planned:
            self.unchanged.append(number)
        else:
            self.exported.append(number)
        return [self._accept(plan, incident.id) for plan in planned]

    def finish(self) -> list[SubmissionDocument]:
        """Return the zero report, when the month has nothing to report.

        Nothing to report: no document in this submission, none sent before for the period,
        and no incident held back by a problem (it has something to report once fixed).
        """
        quiet = not (self.documents or self.problems)
        if not quiet or self.period in self.sent_periods:
            return []
        return [self._accept(self._plan(ZeroReport(), ReportAction.ADD, self.period), None)]

    def result(self) -> SubmissionResult:
        """Return what was built so far."""
        return SubmissionResult(
            period=self.period,
            documents=tuple(self.documents),
            exported=tuple(self.exported),
            problems=tuple(self.problems),
            warnings=tuple(self.warnings),
            unchanged=tuple(self.unchanged),
            not_reported=tuple(self.not_reported),
            entries=tuple(self.entries),
        )


def nibrs_submission(
    incidents: Iterable[Incident],
    *,
    program: ProgramContext,
    period: str,
    submitted: Iterable[SubmittedReport] = (),
    numbers: Mapping[uuid.UUID, str] | None = None,
    now: dt.datetime = DEFAULT_NOW,
    submission: str = "",
    actor: str = "",
) -> SubmissionResult:
    """Return the NIBRS submission of the incidents given, for a reporting period.

    Nothing is recorded here: record ``result.entries`` in the program's ledger
    (``Program.record_submission``) once the submission is written.

    :param incidents: the incidents to report this month (new, changed, or to delete).
    :param program: the program reporting: its ORI, calendar and code tables.
    :param period: the reporting period, ``YYYY-MM`` (``nibrs:ReportDate``).
    :param submitted: what was submitted before (``Program.submitted_reports``).
    :param numbers: NIBRS numbers for incidents recorded under another number.
    :param now: the time to stamp the documents with (the program's clock).
    :param submission: the file name the submission is written to, for the ledger.
    :param actor: who submits, for the ledger.
    """
    builder = SubmissionBuilder(
        program,
        period,
        submitted,
        numbers=numbers,
        now=now,
        submission=submission,
        actor=actor,
    )
    for incident in incidents:
        builder.add(incident)
    builder.finish()
    return builder.result()
