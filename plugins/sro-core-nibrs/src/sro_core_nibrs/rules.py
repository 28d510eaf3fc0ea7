"""The FBI data-quality rules a department's records can break, checked before export.

Each rule returns ``Problem``s whose ``field`` starts with the incident number, then the path
of the field (``2026-000123 offenses[0].attempted``), so a records clerk can find and fix it.
An incident with problems is left out of the submission. Warnings (``warnings``) do not leave
an incident out. The rules are those of the NIBRS Technical Specification that an SRO
program's records can break; the schema checks the rest of the form, and the FBI's own edits
(XCOTA) check what needs the FBI's database. ``docs/nibrs.md`` lists them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import attrs

from sro_core.codes import (
    ALWAYS_COMPLETED_OFFENSES,
    GROUP_A_OFFENSES,
    GROUP_B_OFFENSES,
    RETIRED_OFFENSES,
    SCHOOL_LOCATION_CODES,
    CrimeAgainst,
    crime_against,
)
from sro_core.domain import (
    PERSON_VICTIM_TYPES,
    SOCIETY,
    DispositionKind,
    Incident,
    InvolvementRole,
    LocationKind,
    Problem,
    Sex,
    code_problems,
)
from sro_core.ports import ProgramContext
from sro_core_nibrs.mapping import OFFENDER_ROLES, has_group_a, incident_day

MAX_OFFENSES = 10
"""NIBRS reports up to ten offenses per incident (element 6)."""
OFFICER_VICTIM_OFFENSES = frozenset({"09A", "13A", "13B", "13C"})
"""The offenses whose victim may be a law enforcement officer (victim type L)."""
RETIRED_SINCE = "2011-01"
"""The first reporting month in which 90I (Runaway) is no longer collected."""
K12_SCHOOL = "53"


@attrs.frozen
class Finding:
    """One FBI rule an incident breaks, as a records clerk reads it.

    ``segment`` and ``element`` name where NIBRS holds the fact (``Victim``, ``25``), ``rule``
    the FBI's error number of the NIBRS Technical Specification (``465``), ``path`` the field
    of the incident to fix, ``says`` what the rule says.
    """

    number: str
    segment: str
    element: str
    rule: str
    path: str
    value: object
    says: str

    def line(self) -> str:
        """Return ``<number> <segment> <element>: <what the rule says> (rule NNN)``."""
        return f"{self.number} {self.segment} {self.element}: {self.says} (rule {self.rule})"

    def problem(self) -> Problem:
        """Return the finding as a :class:`~sro_core.domain.Problem` on the incident's field."""
        return Problem(f"{self.number} {self.path}", self.value, f"{self.says} (rule {self.rule})")


@attrs.frozen
class _Ref:
    segment: str
    element: str
    rule: str


Broken = tuple[str, object, str, _Ref]
Rule = Callable[[Incident, "Context"], Iterator[Broken]]

ADMIN, OFFENSE, PROPERTY_SEGMENT = "Administrative", "Offense", "Property"
VICTIM, OFFENDER, ARRESTEE = "Victim", "Offender", "Arrestee"


class Context:
    """What the rules know beyond the incident: the program, the period and the number."""

    def __init__(self, program: ProgramContext, period: str, number: str | None) -> None:
        self.program = program
        self.period = period
        self.number = number
        year, month = (int(part) for part in period.split("-"))
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        self.period_end = following - dt.timedelta(days=1)


_CODE_ELEMENTS = {
    "location.nibrs_code": (OFFENSE, "9"),
    "disposition.exceptional_clearance": (ADMIN, "4"),
    "ucr_code": (OFFENSE, "6"),
    "weapons": (OFFENSE, "13"),
    "bias_motivations": (OFFENSE, "8A"),
    "criminal_activities": (OFFENSE, "12"),
    "suspected_of_using": (OFFENSE, "8"),
    "method_of_entry": (OFFENSE, "11"),
    "loss_type": (PROPERTY_SEGMENT, "14"),
    "description": (PROPERTY_SEGMENT, "15"),
    "drug_type": (PROPERTY_SEGMENT, "20"),
    "unit": (PROPERTY_SEGMENT, "22"),
    "victim_type": (VICTIM, "25"),
    "injuries": (VICTIM, "33"),
    "circumstances": (VICTIM, "31"),
    "code": (VICTIM, "35"),
    "resident_status": (VICTIM, "30"),
    "offense_code": (ARRESTEE, "45"),
    "arrest_type": (ARRESTEE, "43"),
    "multiple_arrestee": (ARRESTEE, "44"),
    "armed_with": (ARRESTEE, "46"),
}
"""Where each coded field of an incident goes: segment and NIBRS data element."""
_INVALID_CODE = {ADMIN: "104", OFFENSE: "204", PROPERTY_SEGMENT: "304", VICTIM: "404"}
_INVALID_CODE[ARRESTEE] = "604"


def _code_ref(path: str) -> _Ref:
    """Return the segment, element and FBI rule (x04, not on the validation table) of a code."""
    if path in _CODE_ELEMENTS:
        segment, element = _CODE_ELEMENTS[path]
    else:
        last = path.rsplit(".", 1)[-1].split("[", 1)[0]
        segment, element = _CODE_ELEMENTS.get(last, (OFFENSE, "6"))
        if ".arrest." in path:
            segment = ARRESTEE
            element = {"resident_status": "51"}.get(last, element)
    return _Ref(segment, element, _INVALID_CODE[segment])


def _number(incident: Incident, context: Context) -> Iterator[Broken]:
    if context.number is None and incident.number is None:
        rule = "a draft incident has no number: it is not reported to NIBRS yet"
        yield "number", None, rule, _Ref(ADMIN, "2", "101")


def _codes(incident: Incident, context: Context) -> Iterator[Broken]:
    for problem in code_problems(incident, context.program.code_tables):
        if problem.field != "category":
            yield problem.field, problem.value, problem.rule, _code_ref(problem.field)
    if context.period >= RETIRED_SINCE:
        retired = "no longer collected (since 2011)"
        for n, offense in enumerate(incident.offenses):
            if offense.ucr_code in RETIRED_OFFENSES:
                yield (
                    f"offenses[{n}].ucr_code",
                    offense.ucr_code,
                    retired,
                    _Ref(OFFENSE, "6", "204"),
                )
        for n, involvement in enumerate(incident.involvements):
            if involvement.arrest and involvement.arrest.offense_code in RETIRED_OFFENSES:
                field = f"involvements[{n}].arrest.offense_code"
                code = involvement.arrest.offense_code
                yield field, code, retired, _Ref(ARRESTEE, "45", "604")


def _dates(incident: Incident, context: Context) -> Iterator[Broken]:
    day = incident_day(incident, context.program)
    end = context.period_end
    after = f"after the month of submission {context.period}"
    if day > end:
        yield "occurred_start", day.isoformat(), after, _Ref(ADMIN, "3", "105")
    for n, involvement in enumerate(incident.involvements):
        arrest = involvement.arrest
        if arrest is None:
            continue
        field = f"involvements[{n}].arrest.arrested_on"
        if arrest.arrested_on < day:
            rule = f"before the incident day {day}"
            yield field, arrest.arrested_on.isoformat(), rule, _Ref(ARRESTEE, "42", "665")
        if arrest.arrested_on > end:
            yield field, arrest.arrested_on.isoformat(), after, _Ref(ARRESTEE, "42", "605")


def _offenses(incident: Incident, _context: Context) -> Iterator[Broken]:
    group_a = [(n, o) for n, o in enumerate(incident.offenses) if o.ucr_code in GROUP_A_OFFENSES]
    if len(group_a) > MAX_OFFENSES:
        rule = f"NIBRS reports at most {MAX_OFFENSES} offenses"
        yield "offenses", len(group_a), rule, _Ref(OFFENSE, "6", "263")
    first: dict[str, int] = {}
    for n, offense in group_a:
        code = offense.ucr_code
        if code in first:
            rule = f"{code} is already offenses[{first[code]}]: each offense code once"
            yield f"offenses[{n}].ucr_code", code, rule, _Ref(OFFENSE, "6", "262")
        first.setdefault(code, n)
        if offense.attempted and code in ALWAYS_COMPLETED_OFFENSES:
            rule = f"{code} is always reported completed"
            yield f"offenses[{n}].attempted", True, rule, _Ref(OFFENSE, "7", "204")
        if code == "35A" and not offense.attempted and not incident.drugs:
            rule = "a completed drug/narcotic violation (35A) needs the drug type (element 20)"
            yield "drugs", (), rule, _Ref(PROPERTY_SEGMENT, "20", "365")


def _people(incident: Incident, _context: Context) -> Iterator[Broken]:
    if not has_group_a(incident):
        return
    offenders = {i.person.id for i in incident.involvements if i.roles & OFFENDER_ROLES}
    if not offenders and not incident.offender_unknown:
        rule = (
            "a Group A incident needs an offender or suspect (element 36); record an arrestee"
            " as an offender too, and an offender of whom nothing is known as unknown (00)"
        )
        yield "involvements", None, rule, _Ref(OFFENDER, "36", "501")
    codes = {o.ucr_code for o in incident.offenses if o.ucr_code in GROUP_A_OFFENSES}
    for n, involvement in enumerate(incident.involvements):
        victim = involvement.victim
        if InvolvementRole.VICTIM in involvement.roles and victim is None:
            rule = "a victim needs victim details: type and the offenses against them"
            yield f"involvements[{n}].victim", None, rule, _Ref(VICTIM, "25", "401")
        if victim is None:
            continue
        at = f"involvements[{n}].victim"
        if victim.victim_type not in PERSON_VICTIM_TYPES:
            rule = (
                f"a victim of type {victim.victim_type} is not a person: record it as a victim"
                " that is not a person (age, sex, race and residence are for I and L only)"
            )
            yield f"{at}.victim_type", victim.victim_type, rule, _Ref(VICTIM, "25", "458")
        connected = [c for c in victim.offense_codes if c in codes]
        if not connected:
            rule = "a victim is connected to a Group A offense of the incident (element 24)"
            yield f"{at}.offense_codes", victim.offense_codes, rule, _Ref(VICTIM, "24", "401")
        for code in connected:
            yield from _victim_type(f"{at}.victim_type", code, victim.victim_type)
        for k, relationship in enumerate(victim.relationships):
            if relationship.offender not in offenders:
                field = f"{at}.relationships[{k}].offender"
                rule = "related to a person who is not an offender or suspect (element 34)"
                yield field, str(relationship.offender), rule, _Ref(VICTIM, "34", "070")


def _other_victims(incident: Incident, _context: Context) -> Iterator[Broken]:
    """Victims that are not people: one society victim, of a type each offense accepts."""
    if not has_group_a(incident):
        return
    society = [v for v in incident.non_person_victims if v.victim_type == SOCIETY]
    if len(society) > 1:
        rule = "crimes against society have one society victim"
        yield "non_person_victims", len(society), rule, _Ref(VICTIM, "25", "080")
    for n, other in enumerate(incident.with_society_victim().non_person_victims):
        for code in (c for c in other.offense_codes if c in GROUP_A_OFFENSES):
            yield from _victim_type(f"non_person_victims[{n}].victim_type", code, other.victim_type)


def _connected(incident: Incident, _context: Context) -> Iterator[Broken]:
    """Each Group A offense has a victim; a crime against society has society by rule."""
    if not has_group_a(incident):
        return
    served = {c for i in incident.involvements if i.victim for c in i.victim.offense_codes}
    served |= {
        c for v in incident.with_society_victim().non_person_victims for c in v.offense_codes
    }
    for n, offense in enumerate(incident.offenses):
        code = offense.ucr_code
        if code in GROUP_A_OFFENSES and code not in served:
            rule = "a Group A offense needs a victim connected to it (element 24)"
            yield f"offenses[{n}].ucr_code", code, rule, _Ref(VICTIM, "24", "065")
            served.add(code)


def _victim_type(field: str, code: str, victim_type: str) -> Iterator[Broken]:
    against = crime_against(code)
    ref = _Ref(VICTIM, "25", "")
    if victim_type == "L" and code not in OFFICER_VICTIM_OFFENSES:
        rule = f"an officer victim (L) is for 09A and 13A-13C, not {code}"
        yield field, victim_type, rule, attrs.evolve(ref, rule="482")
    elif against is CrimeAgainst.PERSON and victim_type not in PERSON_VICTIM_TYPES:
        rule = f"{code} is a crime against a person: its victim is a person (I)"
        yield field, victim_type, rule, attrs.evolve(ref, rule="464")
    elif against is CrimeAgainst.SOCIETY and victim_type != SOCIETY:
        rule = f"{code} is a crime against society: its victim is society (S), not a person"
        yield field, victim_type, rule, attrs.evolve(ref, rule="465")
    elif against is CrimeAgainst.PROPERTY and victim_type == SOCIETY:
        rule = f"{code} is a crime against property: society (S) is no victim"
        yield field, victim_type, rule, attrs.evolve(ref, rule="467")


def _arrestees(incident: Incident, context: Context) -> Iterator[Broken]:
    day = incident_day(incident, context.program)
    group_a = has_group_a(incident)
    for n, involvement in enumerate(incident.involvements):
        arrest = involvement.arrest
        if arrest is None:
            continue
        at = f"involvements[{n}]"
        ref = _Ref(ARRESTEE, "52", "652")
        if involvement.is_juvenile(day) and arrest.juvenile_disposition is None:
            rule = "an arrestee under 18 needs a juvenile disposition (element 52)"
            yield f"{at}.arrest.juvenile_disposition", None, rule, ref
        age = involvement.age_on(day)
        if arrest.juvenile_disposition is not None and age is not None and age >= 18:
            rule = f"a juvenile disposition is for arrestees under 18 (this one is {age})"
            value = arrest.juvenile_disposition.value
            yield f"{at}.arrest.juvenile_disposition", value, rule, attrs.evolve(ref, rule="653")
        if involvement.person.demographics.sex is Sex.UNKNOWN:
            rule = "an arrestee's sex is M or F (element 48)"
            yield f"{at}.person.demographics.sex", "U", rule, _Ref(ARRESTEE, "48", "667")
        code = arrest.offense_code
        if group_a and code not in GROUP_A_OFFENSES:
            rule = "in a Group A incident an arrest is for a Group A offense (element 45)"
            yield f"{at}.arrest.offense_code", code, rule, _Ref(ARRESTEE, "45", "604")
        elif not group_a and code not in GROUP_B_OFFENSES:
            rule = f"arrested for Group A offense {code}, which the incident does not record"
            yield f"{at}.arrest.offense_code", code, rule, _Ref(ARRESTEE, "45", "760")


def _clearance(incident: Incident, context: Context) -> Iterator[Broken]:
    disposition = incident.disposition
    if disposition is None or disposition.kind is not DispositionKind.EXCEPTIONALLY_CLEARED:
        return
    if not has_group_a(incident):
        return
    code = disposition.exceptional_clearance
    if incident.with_role(InvolvementRole.ARRESTEE):
        rule = "an incident cleared exceptionally has no arrestee (element 4)"
        yield "disposition.exceptional_clearance", code, rule, _Ref(ADMIN, "4", "071")
    if incident.offender_unknown:
        rule = "an incident cleared exceptionally knows its offender: not unknown (00)"
        yield "offender_unknown", True, rule, _Ref(OFFENDER, "36", "557")
    day = incident_day(incident, context.program)
    decided = disposition.decided_on.isoformat()
    if disposition.decided_on < day:
        rule = f"the exceptional clearance date is before the incident day {day} (element 5)"
        yield "disposition.decided_on", decided, rule, _Ref(ADMIN, "5", "155")
    if disposition.decided_on > context.period_end:
        rule = f"the exceptional clearance date is after the month of submission {context.period}"
        yield "disposition.decided_on", decided, rule, _Ref(ADMIN, "5", "105")


def _property(incident: Incident, _context: Context) -> Iterator[Broken]:
    if not has_group_a(incident):
        return
    first: dict[tuple[str, str], int] = {}
    for n, item in enumerate(incident.property):
        key = (item.loss_type, item.description)
        if key in first:
            rule = f"the same loss type and description as property[{first[key]}]: one item each"
            value = f"{item.loss_type} {item.description}"
            yield f"property[{n}]", value, rule, _Ref(PROPERTY_SEGMENT, "15", "306")
        first.setdefault(key, n)


RULES: tuple[Rule, ...] = (
    _number,
    _codes,
    _dates,
    _offenses,
    _people,
    _other_victims,
    _connected,
    _arrestees,
    _clearance,
    _property,
)
"""Every pre-export rule, in the order their problems are listed."""


def _name(incident: Incident, number: str | None) -> str:
    return number or incident.nibrs_number or incident.number or f"draft {incident.id}"


def incident_findings(
    incident: Incident, program: ProgramContext, period: str, *, number: str | None = None
) -> list[Finding]:
    """Return the FBI rules an incident breaks, by segment, data element and rule number.

    :param period: the reporting period (``YYYY-MM``): no date may be after it.
    :param number: the NIBRS incident number, when it is not the incident's own number.
    """
    context = Context(program, period, number)
    name = _name(incident, number)
    return [
        Finding(name, ref.segment, ref.element, ref.rule or "-", field, value, says)
        for check in RULES
        for field, value, says, ref in check(incident, context)
    ]


def incident_problems(
    incident: Incident, program: ProgramContext, period: str, *, number: str | None = None
) -> list[Problem]:
    """Return the FBI data-quality rules an incident breaks; empty when it may be exported.

    Each problem's field is the incident number and the path of the field to fix; its rule
    ends with the FBI's rule number (``(rule 465)``). :func:`incident_findings` gives the
    same by segment and data element.
    """
    return [f.problem() for f in incident_findings(incident, program, period, number=number)]


def incident_warnings(incident: Incident, *, number: str | None = None) -> list[Problem]:
    """Return what is likely wrong, or not sent, but does not stop the export.

    An incident on a school campus whose location code is not a school code (52 college, 53
    elementary/secondary) is probably coded wrong; 22 is the old school/college code. A Group
    B offense in a Group A incident is not sent: NIBRS takes Group B offenses as arrest charges.
    """
    name = _name(incident, number)
    warnings = []
    if has_group_a(incident):
        for n, offense in enumerate(incident.offenses):
            if offense.ucr_code in GROUP_B_OFFENSES:
                rule = "a Group B offense: NIBRS takes it as an arrest charge only; not sent"
                warnings.append(Problem(f"{name} offenses[{n}].ucr_code", offense.ucr_code, rule))
    if incident.location.kind is not LocationKind.ON_CAMPUS:
        return warnings
    code = incident.location.nibrs_code
    field = f"{name} location.nibrs_code"
    if code not in SCHOOL_LOCATION_CODES:
        rule = f"the incident is on a school campus but its location is not a school ({K12_SCHOOL})"
        warnings.append(Problem(field, code, rule))
    elif code == "22":
        rule = f"22 is the old school/college code: {K12_SCHOOL} is K-12"
        warnings.append(Problem(field, code, rule))
    return warnings
