"""Reading NIBRS submission documents into reports, saying precisely what could not be read.

A document is parsed without fetching anything it names, validated against the packaged
schema, then read element by element. Every element the reader does not carry into the report
is listed as *not kept* with its path, so nothing is dropped silently; content that cannot be
read (a missing required element, a broken reference, two offenses of one code …) is a
*problem*, and a document with problems gives no report.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Iterator
from typing import TypeVar
from xml.etree import ElementTree as ET

import attrs

from sro_core.domain import Problem
from sro_core_nibrs.reports import (
    DRUG_PROPERTY,
    UNDER_ONE_YEAR,
    UNKNOWN_AGE,
    Age,
    DeleteReport,
    GroupAReport,
    GroupBReport,
    Header,
    NibrsArrestee,
    NibrsDrug,
    NibrsItem,
    NibrsOffender,
    NibrsOffense,
    NibrsPerson,
    NibrsVictim,
    Report,
    ReportAction,
    ReportCategory,
    ZeroReport,
)
from sro_core_nibrs.schema import UnreadableDocument, parse, schema_errors
from sro_core_nibrs.writer import NAMESPACES, qname

T = TypeVar("T")

_PREFIXES = {uri: prefix for prefix, uri in NAMESPACES.items()}

WHY_NOT_KEPT: dict[str, str] = {
    "j:EnforcementOfficial": "officer data (LEOKA, elements 25A to 25C): the SRO domain keeps none",
    "j:OffenseCargoTheftIndicator": "cargo theft (element 2A): the SRO domain keeps none",
    "j:VictimJustifiableHomicideFactorCode": (
        "justifiable homicide circumstance (element 32): the SRO domain keeps none"
    ),
    "nc:YearMonthDate": "a year and month beside the incident date: the date is kept",
    "cjis:IncidentReportDateIndicator": "the date given is the report date, not the incident's",
    "j:ArresteeClearanceIndicator": "the SRO domain keeps no arrestee clearance indicator",
}
"""Why well-known NIBRS elements are not carried into the domain, by element name."""


class _Unreadable(Exception):
    """A required part of the document is missing or wrong; carries the problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@attrs.frozen
class Document:
    """One submission document read: its header, its report, and what was not kept."""

    header: Header
    report: Report
    not_kept: tuple[Problem, ...] = ()


def _name(element: ET.Element) -> str:
    uri, _, local = element.tag[1:].partition("}")
    return f"{_PREFIXES.get(uri, uri)}:{local}"


class _Reading:
    """The state of reading one document: its root, ids, and what has been looked at."""

    def __init__(self, root: ET.Element, where: str) -> None:
        self.root = root
        self.where = where
        self.seen: set[int] = {id(root)}
        self.notes: list[Problem] = []
        self.ids: dict[str, ET.Element] = {}
        self.parents: dict[int, ET.Element] = {}
        for parent in root.iter():
            for child in parent:
                self.parents[id(child)] = parent
            key = parent.get(qname("s:id"))
            if key is not None:
                self.ids[key] = parent

    def path(self, element: ET.Element) -> str:
        parts = []
        node: ET.Element | None = element
        while node is not None:
            key = node.get(qname("s:id"))
            parent = self.parents.get(id(node))
            alike = parent.findall(node.tag) if parent is not None and not key else []
            place = f"[{alike.index(node) + 1}]" if len(alike) > 1 else ""
            parts.append(_name(node) + (f"[@s:id={key!r}]" if key else place))
            node = parent
        return self.where + "/" + "/".join(reversed(parts))

    def fail(self, element: ET.Element, value: object, rule: str) -> _Unreadable:
        return _Unreadable(Problem(self.path(element), value, rule))

    def note(self, element: ET.Element, rule: str) -> None:
        """Report an element (with all it holds) as read but not kept."""
        self.seen.update(id(e) for e in element.iter())
        self.notes.append(Problem(self.path(element), _text_of(element), f"not kept: {rule}"))

    def children(self, parent: ET.Element, name: str) -> list[ET.Element]:
        found = parent.findall(qname(name))
        self.seen.update(id(e) for e in found)
        return found

    def child(self, parent: ET.Element, name: str) -> ET.Element | None:
        found = self.children(parent, name)
        for extra in found[1:]:
            self.note(extra, f"a second {name}: the first is kept")
        return found[0] if found else None

    def text(self, parent: ET.Element, path: str) -> str | None:
        """Return the text at a path of child names (``a/b``), marking the path as read."""
        element: ET.Element | None = parent
        for name in path.split("/"):
            element = self.child(element, name) if element is not None else None
        if element is None or element.text is None:
            return None
        return element.text.strip()

    def texts(self, parent: ET.Element, path: str) -> tuple[str, ...]:
        """Return the texts of every element at a path whose last step repeats."""
        *steps, last = path.split("/")
        holders = [parent]
        for name in steps:
            holders = [c for h in holders for c in self.children(h, name)]
        return tuple((e.text or "").strip() for h in holders for e in self.children(h, last))

    def need(self, parent: ET.Element, path: str) -> str:
        value = self.text(parent, path)
        if not value:
            raise self.fail(parent, None, f"{path} is required here")
        return value

    def convert(self, parent: ET.Element, path: str, kind: Callable[[str], T]) -> T | None:
        value = self.text(parent, path)
        if value is None:
            return None
        try:
            return kind(value)
        except (ValueError, ArithmeticError):
            raise self.fail(parent, value, f"{path} is not a valid value here") from None

    def target(self, link: ET.Element, name: str) -> ET.Element:
        """Return the element an association's ``s:ref`` child points to."""
        pointer = self.child(link, name)
        key = pointer.get(qname("s:ref")) if pointer is not None else None
        element = self.ids.get(key) if key is not None else None
        if element is None:
            raise self.fail(link, key, f"{name} must refer (s:ref) to an element of the report")
        return element

    def unread(self) -> Iterator[ET.Element]:
        """Yield the top-most elements nobody read."""
        for parent in self.root.iter():
            if id(parent) not in self.seen:
                continue
            for child in parent:
                if isinstance(child.tag, str) and id(child) not in self.seen:
                    yield child


def _text_of(element: ET.Element) -> str | None:
    text = " ".join(part.strip() for part in element.itertext() if part.strip())
    return text or None


def _integer(value: str) -> int:
    number = decimal.Decimal(value)
    if number != number.to_integral_value():
        raise ValueError(value)
    return int(number)


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value[:10])


def _header(reading: _Reading) -> tuple[Header, ReportCategory, ET.Element]:
    root = reading.root
    metadata = reading.child(root, "cjis:MessageMetadata")
    report = reading.child(root, "nibrs:Report")
    if metadata is None or report is None:
        raise reading.fail(root, None, "a submission holds message metadata and one report")
    head = reading.child(report, "nibrs:ReportHeader")
    if head is None:
        raise reading.fail(report, None, "nibrs:ReportHeader is required")
    agency = "nibrs:ReportingAgency/j:OrganizationAugmentation/j:OrganizationORIIdentification"
    ori = reading.need(head, f"{agency}/nc:IdentificationID")
    submitter = (
        "cjis:MessageSubmittingOrganization/j:OrganizationAugmentation/"
        "j:OrganizationORIIdentification/nc:IdentificationID"
    )
    submitted_by = reading.text(metadata, submitter)
    if submitted_by is not None and submitted_by != ori:
        holder = reading.child(metadata, "cjis:MessageSubmittingOrganization")
        if holder is not None:
            reading.note(holder, f"the submitting agency differs from the reporting agency {ori}")
    reading.text(metadata, "cjis:MessageImplementationVersion")
    created = reading.convert(metadata, "cjis:MessageDateTime", dt.datetime.fromisoformat)
    if created is None:
        raise reading.fail(metadata, None, "cjis:MessageDateTime is required")
    header = Header(
        ori=ori,
        period=_period(reading, head),
        action=ReportAction(reading.need(head, "nibrs:ReportActionCategoryCode")),
        message_id=reading.text(metadata, "cjis:MessageIdentification/nc:IdentificationID") or "",
        created=created,
    )
    category = ReportCategory(reading.need(head, "nibrs:NIBRSReportCategoryCode"))
    return header, category, report


def _period(reading: _Reading, head: ET.Element) -> str:
    """Return the report's year and month, however ``nibrs:ReportDate`` gives it."""
    holder = reading.child(head, "nibrs:ReportDate")
    if holder is not None:
        for name in ("nc:YearMonthDate", "nc:Date", "nc:DateTime"):
            value = reading.text(holder, name)
            if value:
                return value[:7]
    raise reading.fail(head, None, "nibrs:ReportDate (the report's year and month) is required")


def _when(reading: _Reading, incident: ET.Element) -> tuple[dt.datetime, bool]:
    """Return the incident's start and whether its hour is known (element 3)."""
    holder = reading.child(incident, "nc:ActivityDate")
    if holder is None:
        raise reading.fail(incident, None, "nc:ActivityDate (element 3) is required")
    at = reading.convert(holder, "nc:DateTime", dt.datetime.fromisoformat)
    day = reading.convert(holder, "nc:Date", _date)
    if at is not None:
        if day is not None and day != at.date():
            reading.note(holder, f"nc:Date {day} disagrees with nc:DateTime: the date-time is kept")
        return at, True
    if day is None:
        raise reading.fail(holder, None, "nc:DateTime or nc:Date (element 3) is required")
    return dt.datetime.combine(day, dt.time()), False


def _clearance(reading: _Reading, incident: ET.Element) -> tuple[str, dt.date | None]:
    augmentation = reading.child(incident, "j:IncidentAugmentation")
    for extra in reading.children(incident, "cjis:IncidentAugmentation"):
        flag = reading.child(extra, "cjis:IncidentReportDateIndicator")
        if flag is not None and (flag.text or "").strip() == "true":
            reading.note(flag, WHY_NOT_KEPT["cjis:IncidentReportDateIndicator"])
    if augmentation is None:
        return "N", None
    code = reading.text(augmentation, "j:IncidentExceptionalClearanceCode") or "N"
    day = reading.convert(augmentation, "j:IncidentExceptionalClearanceDate/nc:Date", _date)
    if code != "N" and day is None:
        raise reading.fail(
            augmentation, code, "an exceptional clearance needs its date (element 5)"
        )
    return code, day if code != "N" else None


def _offense(reading: _Reading, element: ET.Element) -> NibrsOffense:
    attempted = reading.need(element, "j:OffenseAttemptedIndicator")
    return NibrsOffense(
        code=reading.need(element, "nibrs:OffenseUCRCode"),
        attempted=attempted in {"true", "1"},
        criminal_activities=reading.texts(element, "nibrs:CriminalActivityCategoryCode"),
        bias_motivations=reading.texts(element, "j:OffenseFactorBiasMotivationCode"),
        premises_entered=reading.convert(element, "j:OffenseStructuresEnteredQuantity", _integer),
        suspected_of_using=reading.texts(element, "j:OffenseFactor/j:OffenseFactorCode"),
        method_of_entry=reading.text(element, "j:OffenseEntryPoint/j:PassagePointMethodCode"),
        weapons=reading.texts(element, "j:OffenseForce/j:ForceCategoryCode"),
    )


def _value(reading: _Reading, element: ET.Element) -> tuple[int | None, dt.date | None]:
    holder = reading.child(element, "nc:ItemValue")
    if holder is None:
        return None, None
    amount = reading.convert(holder, "nc:ItemValueAmount/nc:Amount", decimal.Decimal)
    when = reading.child(holder, "nc:ItemValueDate")
    day = None
    if when is not None:
        day = reading.convert(when, "nc:Date", _date)
        for stamp in reading.children(when, "nc:DateTime"):
            if day is None:
                day = _date((stamp.text or "").strip())
            else:
                reading.note(stamp, "a date-time beside the recovery date: the date is kept")
    if amount is not None and amount != amount.to_integral_value():
        reading.note(holder, "NIBRS values are whole dollars: the value is rounded")
    value = int(amount.to_integral_value(decimal.ROUND_HALF_UP)) if amount is not None else None
    return value, day


def _item(reading: _Reading, element: ET.Element) -> NibrsItem | None:
    status = reading.need(element, "nc:ItemStatus/cjis:ItemStatusCode")
    description = reading.text(element, "j:ItemCategoryNIBRSPropertyCategoryCode")
    value, day = _value(reading, element)
    quantity = reading.convert(element, "nc:ItemQuantity", _integer)
    if description is None:
        if status == "NONE" and value is None and quantity is None:
            reading.note(element, "loss type NONE without property: the incident has no property")
            return None
        raise reading.fail(element, status, "an item needs its property description (element 15)")
    return NibrsItem(status, description, value, day, quantity)


def _drugs(reading: _Reading, element: ET.Element) -> list[NibrsDrug]:
    status = reading.need(element, "nc:ItemStatus/cjis:ItemStatusCode")
    description = reading.text(element, "j:ItemCategoryNIBRSPropertyCategoryCode")
    if description not in {None, DRUG_PROPERTY}:
        rule = f"a substance is kept as drugs ({DRUG_PROPERTY}), not as property {description}"
        reading.note(element, rule)
    holder = reading.child(element, "nc:ItemValue")
    if holder is not None:
        reading.note(holder, "the SRO domain keeps no value or date of seized drugs")
    for extra in reading.children(element, "nc:ItemQuantity"):
        reading.note(extra, "the SRO domain keeps no item count of seized drugs")
    types = reading.texts(element, "j:DrugCategoryCode")
    measures = reading.children(element, "nc:SubstanceQuantityMeasure")
    if not types:
        raise reading.fail(element, status, "a substance needs its drug type (element 20)")
    if measures and len(measures) != len(types):
        rule = "each drug type (element 20) needs its own quantity (21) and unit (22), or none"
        raise reading.fail(element, types, rule)
    quantities: list[tuple[decimal.Decimal | None, str | None]] = [
        (
            reading.convert(m, "nc:MeasureDecimalValue", decimal.Decimal),
            reading.text(m, "j:SubstanceUnitCode"),
        )
        for m in measures
    ] or [(None, None)] * len(types)
    return [NibrsDrug(status, t, q, u) for t, (q, u) in zip(types, quantities, strict=True)]


def _age(reading: _Reading, person: ET.Element) -> Age | None:
    measure = reading.child(person, "nc:PersonAgeMeasure")
    if measure is None:
        return None
    years = reading.convert(measure, "nc:MeasureIntegerValue", _integer)
    age_range = reading.child(measure, "nc:MeasureIntegerRange")
    text = reading.text(measure, "nc:MeasureValueText")
    fraction = measure.find(qname("nc:MeasureDecimalValue"))
    if fraction is not None:
        raise reading.fail(fraction, fraction.text, "an age is whole years, a range, or a text")
    if years is not None:
        return Age(years=years)
    if age_range is not None:
        low = reading.convert(age_range, "nc:RangeMinimumIntegerValue", _integer)
        high = reading.convert(age_range, "nc:RangeMaximumIntegerValue", _integer)
        if low is None or high is None or low > high:
            raise reading.fail(age_range, (low, high), "an age range needs its low and high ages")
        return Age(low=low, high=high)
    if text is not None:
        if text.upper() not in UNDER_ONE_YEAR | {UNKNOWN_AGE}:
            allowed = "NEONATAL, NEWBORN, BABY or UNKNOWN"
            raise reading.fail(measure, text, f"an age text is {allowed}")
        return Age(text=text.upper())
    return None


def _person(reading: _Reading, element: ET.Element) -> NibrsPerson:
    return NibrsPerson(
        age=_age(reading, element),
        sex=reading.text(element, "j:PersonSexCode"),
        race=reading.text(element, "j:PersonRaceNDExCode"),
        ethnicity=reading.text(element, "j:PersonEthnicityCode"),
        resident=reading.text(element, "j:PersonResidentCode"),
    )


def _sequence(reading: _Reading, element: ET.Element, path: str) -> int:
    value = reading.convert(element, path, _integer)
    if value is None or value < 0:
        raise reading.fail(element, value, f"{path} (a sequence number) is required")
    return value


S = TypeVar("S", NibrsVictim, NibrsOffender, NibrsArrestee)


def _in_order(reading: _Reading, report: ET.Element, roles: list[S], what: str) -> list[S]:
    """Return roles by sequence number, which must be unique in the report."""
    numbers = [r.sequence for r in roles]
    if len(set(numbers)) != len(numbers):
        raise reading.fail(report, numbers, f"each {what} has its own sequence number")
    return sorted(roles, key=lambda r: r.sequence)


class _People:
    """The persons of a report by index, found through the roles that refer to them."""

    def __init__(self, reading: _Reading, report: ET.Element) -> None:
        self.reading = reading
        self.elements = reading.children(report, "nc:Person")
        self.persons = [_person(reading, e) for e in self.elements]
        self.index = {id(e): n for n, e in enumerate(self.elements)}
        self.used: set[int] = set()

    def of(self, role: ET.Element) -> int:
        """Return the index of a role's person; a role without one gets an empty person."""
        pointer = self.reading.child(role, "nc:RoleOfPerson")
        if pointer is None:
            self.persons.append(NibrsPerson())
            self.used.add(len(self.persons) - 1)
            return len(self.persons) - 1
        key = pointer.get(qname("s:ref"))
        target = self.reading.ids.get(key) if key else None
        if target is None or id(target) not in self.index:
            raise self.reading.fail(pointer, key, "nc:RoleOfPerson must refer to an nc:Person")
        self.used.add(self.index[id(target)])
        return self.index[id(target)]

    def check_used(self) -> None:
        for n, element in enumerate(self.elements):
            if n not in self.used:
                self.reading.note(element, "a person in no role of the report")


def _arrestees(reading: _Reading, report: ET.Element, people: _People) -> list[NibrsArrestee]:
    arrests: dict[int, ET.Element] = {}
    for link in reading.children(report, "j:ArrestSubjectAssociation"):
        arrests[id(reading.target(link, "j:Subject"))] = reading.target(link, "nc:Activity")
    reading.children(report, "j:Arrest")
    result = []
    for element in reading.children(report, "j:Arrestee"):
        arrest = arrests.get(id(element))
        if arrest is None:
            raise reading.fail(element, None, "an arrestee needs its j:Arrest (elements 41 to 45)")
        for extra in reading.children(element, "j:SubjectSequenceNumberText"):
            reading.note(extra, "an arrestee's offender number: the arrestee sequence is kept")
        arrested_on = reading.convert(arrest, "nc:ActivityDate/nc:Date", _date)
        if arrested_on is None:
            raise reading.fail(arrest, None, "nc:ActivityDate/nc:Date (element 42) is required")
        result.append(
            NibrsArrestee(
                sequence=_sequence(reading, element, "j:ArrestSequenceID"),
                person=people.of(element),
                arrest_number=reading.need(arrest, "nc:ActivityIdentification/nc:IdentificationID"),
                arrested_on=arrested_on,
                arrest_type=reading.need(arrest, "j:ArrestCategoryCode"),
                offense_code=reading.need(arrest, "j:ArrestCharge/nibrs:ChargeUCRCode"),
                armed_with=reading.texts(element, "j:ArresteeArmedWithCode"),
                juvenile_disposition=reading.text(element, "j:ArresteeJuvenileDispositionCode"),
                multiple_arrestee=reading.text(element, "j:ArrestSubjectCountCode"),
            )
        )
    return _in_order(reading, report, result, "arrestee")


def _location(reading: _Reading, report: ET.Element) -> str:
    locations = reading.children(report, "nc:Location")
    codes = {id(e): reading.text(e, "nibrs:LocationCategoryCode") for e in locations}
    used: set[str | None] = set()
    for link in reading.children(report, "j:OffenseLocationAssociation"):
        reading.target(link, "j:Offense")
        used.add(codes.get(id(reading.target(link, "nc:Location"))))
    if not used:
        used = set(codes.values())
    if len(used) != 1 or None in used:
        rule = "one location code for the incident: the SRO domain records one place"
        raise reading.fail(report, sorted(str(c) for c in used), rule)
    return str(next(iter(used)))


def _victims(
    reading: _Reading,
    report: ET.Element,
    people: _People,
    offenses: dict[int, str],
    offenders: dict[int, int],
) -> list[NibrsVictim]:
    elements = reading.children(report, "j:Victim")
    connected: dict[int, list[str]] = {id(e): [] for e in elements}
    related: dict[int, list[tuple[int, str]]] = {id(e): [] for e in elements}
    for link in reading.children(report, "j:OffenseVictimAssociation"):
        offense = reading.target(link, "j:Offense")
        victim = reading.target(link, "j:Victim")
        if id(offense) not in offenses or id(victim) not in connected:
            raise reading.fail(link, None, "an offense-victim link joins a j:Offense to a j:Victim")
        connected[id(victim)].append(offenses[id(offense)])
    for link in reading.children(report, "j:SubjectVictimAssociation"):
        subject = reading.target(link, "j:Subject")
        victim = reading.target(link, "j:Victim")
        if id(subject) not in offenders or id(victim) not in related:
            raise reading.fail(link, None, "a relationship joins a j:Subject to a j:Victim")
        code = reading.need(link, "nibrs:VictimToSubjectRelationshipCode")
        related[id(victim)].append((offenders[id(subject)], code))
    order = list(offenses.values())
    result = [
        NibrsVictim(
            sequence=_sequence(reading, element, "j:VictimSequenceNumberText"),
            person=people.of(element),
            victim_type=reading.need(element, "j:VictimCategoryCode"),
            offense_codes=tuple(sorted(set(connected[id(element)]), key=order.index)),
            injuries=reading.texts(element, "j:VictimInjury/j:InjuryCategoryCode"),
            circumstances=reading.texts(element, "j:VictimAggravatedAssaultHomicideFactorCode"),
            relationships=tuple(related[id(element)]),
        )
        for element in elements
    ]
    return _in_order(reading, report, result, "victim")


def _group_a(reading: _Reading, report: ET.Element) -> GroupAReport:
    incident = reading.child(report, "nc:Incident")
    if incident is None:
        raise reading.fail(report, None, "a Group A incident report needs its nc:Incident")
    number = reading.need(incident, "nc:ActivityIdentification/nc:IdentificationID")
    occurred, hour_known = _when(reading, incident)
    clearance, cleared_on = _clearance(reading, incident)
    offense_elements = reading.children(report, "j:Offense")
    offenses = {id(e): _offense(reading, e) for e in offense_elements}
    codes = [o.code for o in offenses.values()]
    if len(set(codes)) != len(codes):
        raise reading.fail(report, codes, "each offense code once per incident")
    offense_codes = {key: o.code for key, o in offenses.items()}
    people = _People(reading, report)
    subjects = reading.children(report, "j:Subject")
    offender_list = [
        NibrsOffender(_sequence(reading, e, "j:SubjectSequenceNumberText"), people.of(e))
        for e in subjects
    ]
    offender_numbers = {id(e): o.sequence for e, o in zip(subjects, offender_list, strict=True)}
    victims = _victims(reading, report, people, offense_codes, offender_numbers)
    arrestees = _arrestees(reading, report, people)
    people.check_used()
    items = [i for e in reading.children(report, "nc:Item") if (i := _item(reading, e))]
    drugs = [d for e in reading.children(report, "nc:Substance") for d in _drugs(reading, e)]
    return GroupAReport(
        incident_number=number,
        occurred=occurred,
        location=_location(reading, report),
        exceptional_clearance=clearance,
        cleared_on=cleared_on,
        offenses=tuple(offenses.values()),
        items=tuple(items),
        drugs=tuple(drugs),
        persons=tuple(people.persons),
        victims=tuple(victims),
        offenders=tuple(_in_order(reading, report, offender_list, "offender")),
        arrestees=tuple(arrestees),
        hour_known=hour_known,
    )


def _group_b(reading: _Reading, report: ET.Element) -> GroupBReport:
    people = _People(reading, report)
    arrestees = _arrestees(reading, report, people)
    people.check_used()
    if len(arrestees) != 1:
        raise reading.fail(report, len(arrestees), "a Group B arrest report holds one arrestee")
    arrestee = arrestees[0]
    return GroupBReport(people.persons[arrestee.person], attrs.evolve(arrestee, person=0))


def _delete(reading: _Reading, report: ET.Element, category: ReportCategory) -> DeleteReport:
    if category is ReportCategory.GROUP_A:
        incident = reading.child(report, "nc:Incident")
        if incident is None:
            raise reading.fail(report, None, "a Group A delete names its nc:Incident")
        number = reading.need(incident, "nc:ActivityIdentification/nc:IdentificationID")
        holder = reading.child(incident, "nc:ActivityDate")
        at = None
        if holder is not None:
            at = reading.convert(holder, "nc:DateTime", dt.datetime.fromisoformat)
            reading.text(holder, "nc:Date")
        return DeleteReport(category, number, occurred=at)
    arrest = reading.child(report, "j:Arrest")
    if arrest is None:
        raise reading.fail(report, None, "a Group B delete names its j:Arrest")
    arrestee = reading.child(report, "j:Arrestee")
    for link in reading.children(report, "j:ArrestSubjectAssociation"):
        reading.target(link, "nc:Activity")
        reading.target(link, "j:Subject")
    sequence = None
    if arrestee is not None:
        sequence = reading.convert(arrestee, "j:ArrestSequenceID", _integer)
    return DeleteReport(
        category,
        reading.need(arrest, "nc:ActivityIdentification/nc:IdentificationID"),
        sequence=sequence,
        arrested_on=reading.convert(arrest, "nc:ActivityDate/nc:Date", _date),
    )


def _report(reading: _Reading) -> tuple[Header, Report]:
    header, category, report = _header(reading)
    if header.action is ReportAction.DELETE and category is not ReportCategory.ZERO:
        return header, _delete(reading, report, category)
    if category is ReportCategory.ZERO:
        return header, ZeroReport()
    if category is ReportCategory.GROUP_A:
        return header, _group_a(reading, report)
    return header, _group_b(reading, report)


def read_document(document: bytes, where: str = "") -> tuple[Document | None, list[Problem]]:
    """Read one submission document; return it, or None and the problems that stop it.

    :param where: a prefix for the paths in problems and notes (the file's name in an archive).
    """
    try:
        resource = parse(document)
    except UnreadableDocument as error:
        return None, [Problem(f"{where}/", None, str(error))]
    errors = schema_errors(resource)
    if errors:
        return None, [
            Problem(f"{where}{e.path}", None, f"not valid against nibrs.xsd: {e.reason}")
            for e in errors
        ]
    reading = _Reading(resource.root, where)
    try:
        header, report = _report(reading)
    except _Unreadable as error:
        return None, [error.problem]
    except ValueError as error:
        return None, [Problem(f"{where}/", None, f"unreadable: {error}")]
    for element in reading.unread():
        reading.note(element, WHY_NOT_KEPT.get(_name(element), "not a NIBRS element this reads"))
    return Document(header, report, tuple(reading.notes)), []
