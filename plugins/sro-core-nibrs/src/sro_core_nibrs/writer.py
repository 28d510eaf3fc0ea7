"""Writing NIBRS submission documents: one ``nibrs:Submission`` holding one ``nibrs:Report``.

The element order follows ``nibrs.xsd`` and the IEPD's samples; the namespaces carry the
samples' prefixes (``nibrs``, ``cjis``, ``j``, ``nc``, ``s`` …), all declared on the root as the
samples declare them. People are written once (``nc:Person``) and referred to by their roles
(``j:Victim``, ``j:Subject``, ``j:Arrestee``) through ``s:ref``, as NIEM does.
"""

from __future__ import annotations

import decimal
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

from sro_core_nibrs.reports import (
    DRUG_PROPERTY,
    Age,
    DeleteReport,
    GroupAReport,
    GroupBReport,
    Header,
    NibrsArrestee,
    NibrsDrug,
    NibrsItem,
    NibrsOffense,
    NibrsPerson,
    NibrsVictim,
    Report,
    ReportCategory,
    ZeroReport,
    category_of,
)

NAMESPACES: dict[str, str] = {
    "nibrs": "http://fbi.gov/cjis/nibrs/2019",
    "cjis": "http://fbi.gov/cjis/2.0",
    "cjiscodes": "http://fbi.gov/cjis/cjis-codes/2.0",
    "i": "http://release.niem.gov/niem/appinfo/3.0/",
    "ucr": "http://release.niem.gov/niem/codes/fbi_ucr/3.2/",
    "j": "http://release.niem.gov/niem/domains/jxdm/5.2/",
    "term": "http://release.niem.gov/niem/localTerminology/3.0/",
    "nc": "http://release.niem.gov/niem/niem-core/3.0/",
    "niem-xsd": "http://release.niem.gov/niem/proxy/xsd/3.0/",
    "s": "http://release.niem.gov/niem/structures/3.0/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "xsd": "http://www.w3.org/2001/XMLSchema",
    "nibrscodes": "http://fbi.gov/cjis/nibrs/nibrs-codes/2019",
}
"""The prefixes of the IEPD samples and their namespaces."""
_PREFIXES = {uri: prefix for prefix, uri in NAMESPACES.items()}

IMPLEMENTATION_VERSION = "2019"
"""``cjis:MessageImplementationVersion`` as the IEPD 2019.1 samples write it."""


def qname(name: str) -> str:
    """Return the ``{namespace}local`` name of a prefixed name such as ``nc:Person``."""
    prefix, _, local = name.partition(":")
    return f"{{{NAMESPACES[prefix]}}}{local}"


def _add(parent: ET.Element, name: str, text: str | None = None, **refs: str) -> ET.Element:
    element = ET.SubElement(parent, qname(name))
    for key, value in refs.items():
        element.set(qname(f"s:{key}"), value)
    if text is not None:
        element.text = text
    return element


def _path(parent: ET.Element, names: str, text: str) -> None:
    """Add a chain of nested elements (``a/b/c``) ending with a text."""
    for name in names.split("/"):
        parent = _add(parent, name)
    parent.text = text


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _decimal(value: decimal.Decimal) -> str:
    """Return a decimal as ``xs:decimal`` writes it: digits and a point, never an exponent."""
    return format(value, "f")


_ORI = "j:OrganizationAugmentation/j:OrganizationORIIdentification/nc:IdentificationID"


def _agency(parent: ET.Element, ori: str) -> None:
    _path(parent, _ORI, ori)


def _metadata(root: ET.Element, header: Header) -> None:
    metadata = _add(root, "cjis:MessageMetadata")
    _add(metadata, "cjis:MessageDateTime", header.created.isoformat(timespec="seconds"))
    _path(metadata, "cjis:MessageIdentification/nc:IdentificationID", header.message_id)
    _add(metadata, "cjis:MessageImplementationVersion", IMPLEMENTATION_VERSION)
    _agency(_add(metadata, "cjis:MessageSubmittingOrganization"), header.ori)


def _header(report_element: ET.Element, header: Header, report: Report) -> None:
    element = _add(report_element, "nibrs:ReportHeader")
    _add(element, "nibrs:NIBRSReportCategoryCode", category_of(report).value)
    _add(element, "nibrs:ReportActionCategoryCode", header.action.value)
    _path(element, "nibrs:ReportDate/nc:YearMonthDate", header.period)
    _agency(_add(element, "nibrs:ReportingAgency"), header.ori)


def _incident(parent: ET.Element, report: GroupAReport) -> None:
    incident = _add(parent, "nc:Incident")
    _path(incident, "nc:ActivityIdentification/nc:IdentificationID", report.incident_number)
    when = _add(incident, "nc:ActivityDate")
    if report.hour_known:
        _add(when, "nc:DateTime", report.occurred.strftime("%Y-%m-%dT%H:00:00"))
    else:
        _add(when, "nc:Date", report.occurred.date().isoformat())
    _path(incident, "cjis:IncidentAugmentation/cjis:IncidentReportDateIndicator", "false")
    clearance = _add(incident, "j:IncidentAugmentation")
    _add(clearance, "j:IncidentExceptionalClearanceCode", report.exceptional_clearance)
    if report.cleared_on is not None:
        _path(
            clearance, "j:IncidentExceptionalClearanceDate/nc:Date", report.cleared_on.isoformat()
        )


def _offense(parent: ET.Element, offense: NibrsOffense, n: int) -> None:
    element = _add(parent, "j:Offense", id=f"Offense{n}")
    _add(element, "nibrs:OffenseUCRCode", offense.code)
    for code in offense.criminal_activities:
        _add(element, "nibrs:CriminalActivityCategoryCode", code)
    for code in offense.bias_motivations:
        _add(element, "j:OffenseFactorBiasMotivationCode", code)
    if offense.premises_entered is not None:
        _add(element, "j:OffenseStructuresEnteredQuantity", str(offense.premises_entered))
    for code in offense.suspected_of_using:
        _path(element, "j:OffenseFactor/j:OffenseFactorCode", code)
    if offense.method_of_entry is not None:
        _path(element, "j:OffenseEntryPoint/j:PassagePointMethodCode", offense.method_of_entry)
    for code in offense.weapons:
        _path(element, "j:OffenseForce/j:ForceCategoryCode", code)
    _add(element, "j:OffenseAttemptedIndicator", _bool(offense.attempted))


def _item(parent: ET.Element, item: NibrsItem) -> None:
    element = _add(parent, "nc:Item")
    _path(element, "nc:ItemStatus/cjis:ItemStatusCode", item.status)
    if item.value is not None or item.recovered_on is not None:
        value = _add(element, "nc:ItemValue")
        if item.value is not None:
            _path(value, "nc:ItemValueAmount/nc:Amount", str(item.value))
        if item.recovered_on is not None:
            _path(value, "nc:ItemValueDate/nc:Date", item.recovered_on.isoformat())
    _add(element, "j:ItemCategoryNIBRSPropertyCategoryCode", item.description)
    if item.quantity is not None:
        _add(element, "nc:ItemQuantity", str(item.quantity))


def _drug(parent: ET.Element, drug: NibrsDrug) -> None:
    element = _add(parent, "nc:Substance")
    _path(element, "nc:ItemStatus/cjis:ItemStatusCode", drug.status)
    _add(element, "j:ItemCategoryNIBRSPropertyCategoryCode", DRUG_PROPERTY)
    _add(element, "j:DrugCategoryCode", drug.drug_type)
    if drug.quantity is not None and drug.unit is not None:
        measure = _add(element, "nc:SubstanceQuantityMeasure")
        _add(measure, "nc:MeasureDecimalValue", _decimal(drug.quantity))
        _add(measure, "j:SubstanceUnitCode", drug.unit)


def _age(parent: ET.Element, age: Age) -> None:
    measure = _add(parent, "nc:PersonAgeMeasure")
    if age.years is not None:
        _add(measure, "nc:MeasureIntegerValue", str(age.years))
    elif age.low is not None and age.high is not None:
        age_range = _add(measure, "nc:MeasureIntegerRange")
        _add(age_range, "nc:RangeMaximumIntegerValue", str(age.high))
        _add(age_range, "nc:RangeMinimumIntegerValue", str(age.low))
    else:
        _add(measure, "nc:MeasureValueText", age.text or "UNKNOWN")


def _person(parent: ET.Element, person: NibrsPerson, n: int) -> None:
    element = _add(parent, "nc:Person", id=f"Person{n}")
    if person.age is not None:
        _age(element, person.age)
    for name, code in (
        ("j:PersonEthnicityCode", person.ethnicity),
        ("j:PersonRaceNDExCode", person.race),
        ("j:PersonResidentCode", person.resident),
        ("j:PersonSexCode", person.sex),
    ):
        if code is not None:
            _add(element, name, code)


def _victim(parent: ET.Element, victim: NibrsVictim) -> None:
    element = _add(parent, "j:Victim", id=f"Victim{victim.sequence}")
    _add(element, "nc:RoleOfPerson", ref=f"Person{victim.person + 1}")
    _add(element, "j:VictimSequenceNumberText", str(victim.sequence))
    for code in victim.injuries:
        _path(element, "j:VictimInjury/j:InjuryCategoryCode", code)
    _add(element, "j:VictimCategoryCode", victim.victim_type)
    for code in victim.circumstances:
        _add(element, "j:VictimAggravatedAssaultHomicideFactorCode", code)


def _arrestee(parent: ET.Element, arrestee: NibrsArrestee) -> None:
    element = _add(parent, "j:Arrestee", id=f"Arrestee{arrestee.sequence}")
    _add(element, "nc:RoleOfPerson", ref=f"Person{arrestee.person + 1}")
    _add(element, "j:ArrestSequenceID", str(arrestee.sequence))
    for code in arrestee.armed_with:
        _add(element, "j:ArresteeArmedWithCode", code)
    if arrestee.juvenile_disposition is not None:
        _add(element, "j:ArresteeJuvenileDispositionCode", arrestee.juvenile_disposition)
    if arrestee.multiple_arrestee is not None:
        _add(element, "j:ArrestSubjectCountCode", arrestee.multiple_arrestee)


def _arrest(parent: ET.Element, arrestee: NibrsArrestee) -> None:
    element = _add(parent, "j:Arrest", id=f"Arrest{arrestee.sequence}")
    _path(element, "nc:ActivityIdentification/nc:IdentificationID", arrestee.arrest_number)
    _path(element, "nc:ActivityDate/nc:Date", arrestee.arrested_on.isoformat())
    _path(element, "j:ArrestCharge/nibrs:ChargeUCRCode", arrestee.offense_code)
    _add(element, "j:ArrestCategoryCode", arrestee.arrest_type)


def _arrest_link(parent: ET.Element, arrestee: NibrsArrestee) -> None:
    link = _add(parent, "j:ArrestSubjectAssociation")
    _add(link, "nc:Activity", ref=f"Arrest{arrestee.sequence}")
    _add(link, "j:Subject", ref=f"Arrestee{arrestee.sequence}")


def _roles(element: ET.Element, report: GroupAReport) -> None:
    """Write the people of a report, then their roles: victims, offenders, arrestees."""
    for n, person in enumerate(report.persons, 1):
        _person(element, person, n)
    for victim in report.victims:
        _victim(element, victim)
    for offender in report.offenders:
        subject = _add(element, "j:Subject", id=f"Subject{offender.sequence}")
        _add(subject, "nc:RoleOfPerson", ref=f"Person{offender.person + 1}")
        # Offender 00 says nothing is known of the offenders; the others are 1, 2 … as written
        # in the IEPD's samples.
        sequence = f"{offender.sequence:02d}" if offender.sequence == 0 else str(offender.sequence)
        _add(subject, "j:SubjectSequenceNumberText", sequence)
    for arrestee in report.arrestees:
        _arrestee(element, arrestee)
    for arrestee in report.arrestees:
        _arrest(element, arrestee)
    for arrestee in report.arrestees:
        _arrest_link(element, arrestee)


def _links(element: ET.Element, report: GroupAReport, offense_ids: dict[str, str]) -> None:
    """Write the associations: offense to location, offense to victim, victim to offender."""
    for offense_id in offense_ids.values():
        link = _add(element, "j:OffenseLocationAssociation")
        _add(link, "j:Offense", ref=offense_id)
        _add(link, "nc:Location", ref="Location1")
    for victim in report.victims:
        for code in victim.offense_codes:
            link = _add(element, "j:OffenseVictimAssociation")
            _add(link, "j:Offense", ref=offense_ids[code])
            _add(link, "j:Victim", ref=f"Victim{victim.sequence}")
    for victim in report.victims:
        for sequence, relationship in victim.relationships:
            link = _add(element, "j:SubjectVictimAssociation")
            _add(link, "j:Subject", ref=f"Subject{sequence}")
            _add(link, "j:Victim", ref=f"Victim{victim.sequence}")
            _add(link, "nibrs:VictimToSubjectRelationshipCode", relationship)


def _group_a(element: ET.Element, report: GroupAReport) -> None:
    _incident(element, report)
    offense_ids = {o.code: f"Offense{n}" for n, o in enumerate(report.offenses, 1)}
    for n, offense in enumerate(report.offenses, 1):
        _offense(element, offense, n)
    location = _add(element, "nc:Location", id="Location1")
    _add(location, "nibrs:LocationCategoryCode", report.location)
    for item in report.items:
        _item(element, item)
    for drug in report.drugs:
        _drug(element, drug)
    _roles(element, report)
    _links(element, report, offense_ids)


def _group_b(element: ET.Element, report: GroupBReport) -> None:
    arrestee = report.arrestee
    _person(element, report.person, arrestee.person + 1)
    _arrestee(element, arrestee)
    _arrest(element, arrestee)
    _arrest_link(element, arrestee)


def _delete(element: ET.Element, report: DeleteReport) -> None:
    if report.category is ReportCategory.GROUP_A:
        incident = _add(element, "nc:Incident")
        _path(incident, "nc:ActivityIdentification/nc:IdentificationID", report.number)
        if report.occurred is not None:
            when = report.occurred.strftime("%Y-%m-%dT%H:00:00")
            _path(incident, "nc:ActivityDate/nc:DateTime", when)
        return
    arrestee = _add(element, "j:Arrestee", id="Arrestee1")
    if report.sequence is not None:
        _add(arrestee, "j:ArrestSequenceID", str(report.sequence))
    arrest = _add(element, "j:Arrest", id="Arrest1")
    _path(arrest, "nc:ActivityIdentification/nc:IdentificationID", report.number)
    if report.arrested_on is not None:
        _path(arrest, "nc:ActivityDate/nc:Date", report.arrested_on.isoformat())
    link = _add(element, "j:ArrestSubjectAssociation")
    _add(link, "nc:Activity", ref="Arrest1")
    _add(link, "j:Subject", ref="Arrestee1")


def submission_element(report: Report, header: Header) -> ET.Element:
    """Return the ``nibrs:Submission`` element of a report, as an element tree."""
    root = ET.Element(qname("nibrs:Submission"))
    _metadata(root, header)
    element = _add(root, "nibrs:Report")
    _header(element, header, report)
    if isinstance(report, GroupAReport):
        _group_a(element, report)
    elif isinstance(report, GroupBReport):
        _group_b(element, report)
    elif isinstance(report, DeleteReport):
        _delete(element, report)
    elif not isinstance(report, ZeroReport):
        raise TypeError(f"not a NIBRS report: {report!r}")
    return root


def _name(tag: str) -> str:
    uri, _, local = tag[1:].partition("}")
    return f"{_PREFIXES[uri]}:{local}"


def _serialize(element: ET.Element, depth: int, out: list[str]) -> None:
    pad = "\n" + "\t" * depth
    name = _name(element.tag)
    attributes = "".join(f" {_name(k)}={quoteattr(v)}" for k, v in element.attrib.items())
    if len(element):
        out.append(f"{pad}<{name}{attributes}>")
        for child in element:
            _serialize(child, depth + 1, out)
        out.append(f"{pad}</{name}>")
    elif element.text is not None:
        out.append(f"{pad}<{name}{attributes}>{escape(element.text)}</{name}>")
    else:
        out.append(f"{pad}<{name}{attributes}/>")


def to_bytes(root: ET.Element) -> bytes:
    """Serialize a submission as UTF-8 XML, indented with tabs like the IEPD samples."""
    declarations = "".join(f"\n\txmlns:{p}={quoteattr(uri)}" for p, uri in NAMESPACES.items())
    out = [f'<?xml version="1.0" encoding="UTF-8"?>\n<{_name(root.tag)}{declarations}>']
    for child in root:
        _serialize(child, 1, out)
    out.append(f"\n</{_name(root.tag)}>\n")
    return "".join(out).encode("utf-8")


def render(report: Report, header: Header) -> bytes:
    """Return the submission document of one report, as UTF-8 XML bytes."""
    return to_bytes(submission_element(report, header))
