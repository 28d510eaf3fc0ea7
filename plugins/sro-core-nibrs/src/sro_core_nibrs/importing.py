"""NIBRS import: a department's existing NIBRS submissions read into the domain's incidents.

A submission is one XML document or a zip archive of them (what the ``nibrs-xml`` export
writes). Everything is read before anything is returned: if any document has a problem, no
incident is returned at all, so a caller never stores part of a submission. What the domain has
no place for is listed in ``not_kept`` with the path of the element.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
import zipfile
from collections.abc import Iterable

import attrs

from sro_core.codes import SCHOOL_LOCATION_CODES
from sro_core.domain import (
    INCIDENT_NUMBER,
    PERSON_VICTIM_TYPES,
    AgeRange,
    Arrest,
    Demographics,
    Disposition,
    DispositionKind,
    Drug,
    Incident,
    IncidentStatus,
    Involvement,
    InvolvementRole,
    JuvenileDisposition,
    Location,
    LocationKind,
    NonPersonVictim,
    Offense,
    Person,
    PersonKind,
    Problem,
    PropertyItem,
    Race,
    Relationship,
    RuleViolation,
    Sex,
    VictimDetails,
    check_incident,
    code_problems,
)
from sro_core.ports import ProgramContext
from sro_core_nibrs.mapping import UNKNOWN_OFFENDER
from sro_core_nibrs.reader import Document, read_document
from sro_core_nibrs.reports import (
    UNDER_ONE_YEAR,
    Age,
    DeleteReport,
    GroupAReport,
    GroupBReport,
    NibrsArrestee,
    NibrsPerson,
    NibrsVictim,
    ZeroReport,
)

MAX_DOCUMENT = 16 * 1024 * 1024
"""The largest document read from an archive; one NIBRS report is a few kilobytes."""
CYBERSPACE = "58"
OTHER_UNKNOWN_LOCATION = "25"
"""The location code a Group B arrest is recorded with: it carries no location."""


@attrs.frozen
class ImportResult:
    """What reading a submission gave.

    ``incidents`` is empty whenever ``problems`` is not: nothing partial. ``numbers`` pairs each
    incident's id with its NIBRS incident (or arrest transaction) number as submitted, which
    ``nibrs_submission(numbers=…)`` takes back so that later reports replace these. ``not_kept``
    lists each element read but not carried into the domain. ``deletions`` and
    ``zero_reports`` (periods) are the delete and zero reports found.
    """

    incidents: tuple[Incident, ...] = ()
    problems: tuple[Problem, ...] = ()
    not_kept: tuple[Problem, ...] = ()
    numbers: tuple[tuple[uuid.UUID, str], ...] = ()
    deletions: tuple[DeleteReport, ...] = ()
    zero_reports: tuple[str, ...] = ()

    def number_of(self, incident_id: uuid.UUID) -> str:
        """Return the NIBRS number an imported incident was submitted under."""
        return dict(self.numbers)[incident_id]


@attrs.frozen
class ImportSettings:
    """What an import fills in that NIBRS does not carry.

    ``reporting_officer_id``: the officer the records are filed under; ``category``: the SRO
    incident category (``sro.incident_category``); ``school_id``: the school the records belong
    to, if any (a school location code then makes the incident on campus); ``person_kind``: the
    kind of every person (NIBRS does not say who is a student).
    """

    reporting_officer_id: uuid.UUID
    category: str = "other"
    school_id: uuid.UUID | None = None
    person_kind: PersonKind = PersonKind.COMMUNITY_MEMBER


def _at(where: str, path: str) -> str:
    """Return a path within a document of a submission (the file name first, in an archive)."""
    return f"{where} {path}" if where else path


def _documents(data: bytes) -> tuple[list[tuple[str, bytes]], list[Problem]]:
    """Return the documents of a submission (one, or each XML file of a zip), or problems."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return [("", data)], []
    documents, problems = [], []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            if not info.filename.endswith(".xml"):
                continue
            if info.file_size > MAX_DOCUMENT:
                rule = f"a NIBRS document is far smaller than {MAX_DOCUMENT} bytes"
                problems.append(Problem(info.filename, info.file_size, rule))
                continue
            documents.append((info.filename, archive.read(info)))
    return documents, problems


def _estimate(age: Age | None) -> AgeRange | None:
    if age is None:
        return None
    if age.years is not None:
        return AgeRange(age.years, age.years)
    if age.low is not None and age.high is not None:
        return AgeRange(age.low, age.high)
    if age.text in UNDER_ONE_YEAR:
        return AgeRange(0, 0)
    return None


def _demographics(person: NibrsPerson) -> Demographics:
    return Demographics(
        sex=Sex(person.sex) if person.sex else Sex.UNKNOWN,
        races=frozenset({Race(person.race)}) if person.race and person.race != "U" else frozenset(),
        hispanic_or_latino={"H": True, "N": False}.get(person.ethnicity or "U"),
    )


def _non_person_victims(report: GroupAReport) -> list[NibrsVictim]:
    """Return the victims of a report that are not people and play no other part in it."""
    others = {o.person for o in report.offenders} | {a.person for a in report.arrestees}
    return [
        v
        for v in report.victims
        if v.victim_type not in PERSON_VICTIM_TYPES and v.person not in others
    ]


def _arrest(arrestee: NibrsArrestee, incident_number: str) -> Arrest:
    disposition = arrestee.juvenile_disposition
    return Arrest(
        arrested_on=arrestee.arrested_on,
        offense_code=arrestee.offense_code,
        arrest_type=arrestee.arrest_type,
        armed_with=arrestee.armed_with,
        juvenile_disposition=JuvenileDisposition(disposition) if disposition else None,
        multiple_arrestee=arrestee.multiple_arrestee or "N",
        transaction_number=(
            arrestee.arrest_number if arrestee.arrest_number != incident_number else None
        ),
    )


class _Importer:
    """Turns the reports of one submission into incidents, collecting problems and notes."""

    def __init__(self, program: ProgramContext, settings: ImportSettings) -> None:
        self.program = program
        self.settings = settings
        self.notes: list[Problem] = []

    def person(self, facts: NibrsPerson) -> Person:
        return Person(kind=self.settings.person_kind, demographics=_demographics(facts))

    def start(self, when: dt.datetime) -> dt.datetime:
        """Return a local wall-clock time (or an aware one) as an aware instant."""
        return when if when.tzinfo else when.replace(tzinfo=self.program.calendar.zone)

    def location(self, code: str) -> Location:
        school = self.settings.school_id
        if school is not None and code in SCHOOL_LOCATION_CODES:
            return Location(LocationKind.ON_CAMPUS, code)
        if code == CYBERSPACE:
            return Location(LocationKind.ONLINE, code)
        return Location(LocationKind.COMMUNITY, code)

    def numbered(self, number: str) -> tuple[str | None, IncidentStatus, str | None]:
        """Return the number, status and NIBRS number of a record numbered ``number``.

        A number of this library's form (``YYYY-NNNNNN``) is the incident's own; another
        system's number is kept as the incident's NIBRS number, and the incident is a draft
        the program numbers when it stores it.
        """
        if INCIDENT_NUMBER.fullmatch(number):
            return number, IncidentStatus.REPORTED, None
        return None, IncidentStatus.DRAFT, number

    def note(self, where: str, path: str, value: object, rule: str) -> None:
        """List something read but not kept in the domain."""
        self.notes.append(Problem(_at(where, path), value, f"not kept: {rule}"))

    def note_losses(self, report: GroupAReport, where: str, victims: Iterable[int]) -> None:
        """List what of a Group A report the domain has no place for."""
        arrested = {a.person for a in report.arrestees}
        for n, facts in enumerate(report.persons):
            if facts.resident is not None and n not in victims and n not in arrested:
                rule = "the SRO domain keeps resident status for victims and arrestees only"
                self.note(where, f"persons[{n}].resident", facts.resident, rule)
            if facts.age is not None and facts.age.text in {"NEONATAL", "NEWBORN"}:
                rule = "kept as under one year; written BABY when exported again"
                self.note(where, f"persons[{n}].age", facts.age.text, rule)
        if not report.hour_known:
            day = report.occurred.date().isoformat()
            self.note(where, "occurred", day, "the hour is not known; recorded at midnight")

    def involvements(self, report: GroupAReport, where: str) -> tuple[Involvement, ...]:
        """Return the people of a Group A report as involvements, one per ``nc:Person``.

        Victims that are not people, and the unknown offender (00), are no involvement:
        see :meth:`non_person_victims` and :func:`_offender_unknown`.
        """
        people = [self.person(p) for p in report.persons]
        roles: dict[int, set[InvolvementRole]] = {}
        victims: dict[int, VictimDetails] = {}
        arrests: dict[int, Arrest] = {}
        offender_of = {o.sequence: o.person for o in report.offenders}
        for offender in report.offenders:
            if offender.sequence != UNKNOWN_OFFENDER:
                roles.setdefault(offender.person, set()).add(InvolvementRole.OFFENDER)
        not_people = {v.person for v in _non_person_victims(report)}
        facts_of = report.persons.__getitem__
        for victim in report.victims:
            if victim.person in not_people:
                continue
            if victim.person in victims:
                field = _at(where, f"victims[{victim.sequence}].person")
                raise RuleViolation(field, victim.person, "one person is one victim of an incident")
            roles.setdefault(victim.person, set()).add(InvolvementRole.VICTIM)
            victims[victim.person] = VictimDetails(
                victim_type=victim.victim_type,
                offense_codes=victim.offense_codes,
                injuries=victim.injuries,
                relationships=tuple(
                    Relationship(people[offender_of[s]].id, code)
                    for s, code in victim.relationships
                ),
                circumstances=victim.circumstances,
                resident_status=report.persons[victim.person].resident,
            )
        for arrestee in report.arrestees:
            if arrestee.person in arrests:
                field = _at(where, f"arrestees[{arrestee.sequence}].person")
                rule = "one person is one arrestee of an incident"
                raise RuleViolation(field, arrestee.person, rule)
            roles.setdefault(arrestee.person, set()).add(InvolvementRole.ARRESTEE)
            resident = None if arrestee.person in victims else facts_of(arrestee.person).resident
            arrests[arrestee.person] = attrs.evolve(
                self.arrest(arrestee, where, report.incident_number), resident_status=resident
            )
        self.note_losses(report, where, victims)
        return tuple(
            Involvement(
                people[n],
                frozenset(roles[n]),
                victim=victims.get(n),
                arrest=arrests.get(n),
                estimated_age=_estimate(report.persons[n].age),
            )
            for n in sorted(roles)
        )

    def group_a(self, report: GroupAReport, where: str) -> Incident:
        """Return the incident of a Group A incident report."""
        involvements = self.involvements(report, where)
        number, status, foreign = self.numbered(report.incident_number)
        disposition = None
        if report.exceptional_clearance != "N" and report.cleared_on is not None:
            disposition = Disposition(
                DispositionKind.EXCEPTIONALLY_CLEARED,
                report.cleared_on,
                report.exceptional_clearance,
            )
            if number is not None:
                status = IncidentStatus.CLOSED
        start = self.start(report.occurred)
        return Incident(
            reporting_officer_id=self.settings.reporting_officer_id,
            occurred_start=start,
            reported_at=start,
            location=self.location(report.location),
            category=self.settings.category,
            school_id=self.settings.school_id,
            offenses=tuple(
                Offense(
                    ucr_code=o.code,
                    attempted=o.attempted,
                    weapons=o.weapons,
                    bias_motivations=o.bias_motivations,
                    criminal_activities=o.criminal_activities,
                    suspected_of_using=o.suspected_of_using,
                    premises_entered=o.premises_entered,
                    method_of_entry=o.method_of_entry,
                )
                for o in report.offenses
            ),
            involvements=involvements,
            property=tuple(
                PropertyItem(i.status, i.description, i.value, i.recovered_on, i.quantity)
                for i in report.items
            ),
            drugs=tuple(Drug(d.drug_type, d.quantity, d.unit, d.status) for d in report.drugs),
            status=status,
            disposition=disposition,
            number=number,
            non_person_victims=tuple(
                NonPersonVictim(v.victim_type, v.offense_codes) for v in _non_person_victims(report)
            ),
            offender_unknown=any(o.sequence == UNKNOWN_OFFENDER for o in report.offenders),
            nibrs_number=foreign,
        )

    def arrest(self, arrestee: NibrsArrestee, where: str, number: str) -> Arrest:
        """Return the domain's arrest of an arrestee, noting an indicator filled in."""
        if arrestee.multiple_arrestee is None:
            path = f"arrestees[{arrestee.sequence}].multiple_arrestee"
            self.note(where, path, None, "element 44 is missing; recorded as N (not applicable)")
        return _arrest(arrestee, number)

    def group_b(self, number: str, reports: list[GroupBReport]) -> Incident:
        """Return one incident for the Group B arrest reports of one arrest transaction."""
        reports = sorted(reports, key=lambda r: r.arrestee.sequence)
        where = f"arrest {number}"
        first = min(r.arrestee.arrested_on for r in reports)
        start = dt.datetime.combine(first, dt.time(), self.program.calendar.zone)
        codes = dict.fromkeys(r.arrestee.offense_code for r in reports)
        incident_number, status, foreign = self.numbered(number)
        return Incident(
            reporting_officer_id=self.settings.reporting_officer_id,
            occurred_start=start,
            reported_at=start,
            location=Location(LocationKind.COMMUNITY, OTHER_UNKNOWN_LOCATION),
            category=self.settings.category,
            school_id=self.settings.school_id,
            offenses=tuple(Offense(code) for code in codes),
            involvements=tuple(
                Involvement(
                    self.person(r.person),
                    frozenset({InvolvementRole.ARRESTEE}),
                    arrest=attrs.evolve(
                        self.arrest(r.arrestee, where, number), resident_status=r.person.resident
                    ),
                    estimated_age=_estimate(r.person.age),
                )
                for r in reports
            ),
            status=status,
            number=incident_number,
            nibrs_number=foreign,
        )

    def checked(self, incident: Incident, where: str) -> list[Problem]:
        """Return the domain rules and code tables an imported incident breaks."""
        problems = [
            Problem(_at(where, p.field), p.value, p.rule)
            for p in code_problems(incident, self.program.code_tables)
            if p.field != "category"
        ]
        try:
            check_incident(incident, self.program.calendar)
        except RuleViolation as error:
            problems.append(Problem(_at(where, error.field), error.value, error.rule))
        return problems


def read_submission(
    data: bytes,
    *,
    program: ProgramContext,
    reporting_officer_id: uuid.UUID,
    category: str = "other",
    school_id: uuid.UUID | None = None,
    person_kind: PersonKind = PersonKind.COMMUNITY_MEMBER,
) -> ImportResult:
    """Read a NIBRS submission (one XML document, or a zip of them) into incidents.

    Group A incident reports become incidents; Group B arrest reports of one arrest transaction
    number become one incident; zero and delete reports are listed. Each incident is checked
    against the domain's rules and the program's code tables. When anything cannot be read,
    ``problems`` says exactly where and why and no incident is returned.

    :param program: the program importing (its calendar gives the local time of NIBRS dates,
        its settings the ORI every report must carry, its code tables the codes in force).
    :param reporting_officer_id: the officer the records are filed under.
    :param category: the SRO incident category given to every incident.
    :param school_id: the school the records belong to, if any.
    :param person_kind: the kind given to every person (NIBRS does not record it).
    """
    settings = ImportSettings(reporting_officer_id, category, school_id, person_kind)
    importer = _Importer(program, settings)
    documents: list[tuple[str, Document]] = []
    contents, problems = _documents(data)
    for name, content in contents:
        document, trouble = read_document(content, name)
        problems += trouble
        if document is not None:
            documents.append((name, document))
            importer.notes += document.not_kept
    if not documents and not problems:
        problems.append(Problem("/", None, "no NIBRS document in the submission"))
    ori = program.settings.agency_ori
    for name, document in documents:
        if ori is not None and document.header.ori != ori:
            rule = f"a report of another agency: this program's ORI is {ori}"
            field = _at(name, "nibrs:ReportingAgency")
            problems.append(Problem(field, document.header.ori, rule))
    incidents: list[Incident] = []
    numbers: list[tuple[uuid.UUID, str]] = []
    arrests: dict[str, list[GroupBReport]] = {}
    for name, document in documents:
        report = document.report
        if isinstance(report, GroupAReport):
            try:
                incident = importer.group_a(report, name)
            except RuleViolation as error:
                where = error.field if error.field.startswith(name) else _at(name, error.field)
                problems.append(Problem(where, error.value, error.rule))
                continue
            problems += importer.checked(incident, name)
            incidents.append(incident)
            numbers.append((incident.id, report.incident_number))
        elif isinstance(report, GroupBReport):
            arrests.setdefault(report.arrestee.arrest_number, []).append(report)
    for number, group in arrests.items():
        try:
            incident = importer.group_b(number, group)
        except RuleViolation as error:
            problems.append(Problem(f"arrest {number} {error.field}", error.value, error.rule))
            continue
        problems += importer.checked(incident, f"arrest {number}")
        incidents.append(incident)
        numbers.append((incident.id, number))
    deletions = tuple(d.report for _, d in documents if isinstance(d.report, DeleteReport))
    zeros = tuple(d.header.period for _, d in documents if isinstance(d.report, ZeroReport))
    if problems:
        return ImportResult(problems=tuple(problems), not_kept=tuple(importer.notes))
    return ImportResult(
        incidents=tuple(incidents),
        not_kept=tuple(importer.notes),
        numbers=tuple(numbers),
        deletions=deletions,
        zero_reports=zeros,
    )
