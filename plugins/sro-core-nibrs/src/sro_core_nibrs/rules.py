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

Rule = Callable[[Incident, "Context"], Iterator[tuple[str, object, str]]]


class Context:
    """What the rules know beyond the incident: the program, the period and the number."""

    def __init__(self, program: ProgramContext, period: str, number: str | None) -> None:
        self.program = program
        self.period = period
        self.number = number
        year, month = (int(part) for part in period.split("-"))
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        self.period_end = following - dt.timedelta(days=1)


def _number(incident: Incident, context: Context) -> Iterator[tuple[str, object, str]]:
    if context.number is None and incident.number is None:
        yield "number", None, "a draft incident has no number: it is not reported to NIBRS yet"


def _codes(incident: Incident, context: Context) -> Iterator[tuple[str, object, str]]:
    for problem in code_problems(incident, context.program.code_tables):
        if problem.field != "category":
            yield problem.field, problem.value, problem.rule
    if context.period >= RETIRED_SINCE:
        for n, offense in enumerate(incident.offenses):
            if offense.ucr_code in RETIRED_OFFENSES:
                yield (
                    f"offenses[{n}].ucr_code",
                    offense.ucr_code,
                    "no longer collected (since 2011)",
                )
        for n, involvement in enumerate(incident.involvements):
            if involvement.arrest and involvement.arrest.offense_code in RETIRED_OFFENSES:
                field = f"involvements[{n}].arrest.offense_code"
                yield field, involvement.arrest.offense_code, "no longer collected (since 2011)"


def _dates(incident: Incident, context: Context) -> Iterator[tuple[str, object, str]]:
    day = incident_day(incident, context.program)
    end = context.period_end
    if day > end:
        yield "occurred_start", day.isoformat(), f"after the reporting period {context.period}"
    for n, involvement in enumerate(incident.involvements):
        arrest = involvement.arrest
        if arrest is None:
            continue
        field = f"involvements[{n}].arrest.arrested_on"
        if arrest.arrested_on < day:
            yield field, arrest.arrested_on.isoformat(), f"before the incident day {day}"
        if arrest.arrested_on > end:
            period = context.period
            yield field, arrest.arrested_on.isoformat(), f"after the reporting period {period}"


def _offenses(incident: Incident, _context: Context) -> Iterator[tuple[str, object, str]]:
    group_a = [(n, o) for n, o in enumerate(incident.offenses) if o.ucr_code in GROUP_A_OFFENSES]
    if len(group_a) > MAX_OFFENSES:
        yield "offenses", len(group_a), f"NIBRS reports at most {MAX_OFFENSES} offenses"
    first: dict[str, int] = {}
    for n, offense in group_a:
        code = offense.ucr_code
        if code in first:
            rule = f"{code} is already offenses[{first[code]}]: each offense code once"
            yield f"offenses[{n}].ucr_code", code, rule
        first.setdefault(code, n)
        if offense.attempted and code in ALWAYS_COMPLETED_OFFENSES:
            yield f"offenses[{n}].attempted", True, f"{code} is always reported completed"
        if code == "35A" and not offense.attempted and not incident.drugs:
            rule = "a completed drug/narcotic violation (35A) needs the drug type (element 20)"
            yield "drugs", (), rule


def _people(incident: Incident, _context: Context) -> Iterator[tuple[str, object, str]]:
    if not has_group_a(incident):
        return
    offenders = {i.person.id for i in incident.involvements if i.roles & OFFENDER_ROLES}
    if not offenders:
        rule = (
            "a Group A incident needs an offender or suspect (element 36); record an arrestee"
            " as an offender too, and an unknown offender as a person without a name"
        )
        yield "involvements", None, rule
    codes = {o.ucr_code for o in incident.offenses if o.ucr_code in GROUP_A_OFFENSES}
    victims_of: dict[str, list[str]] = {code: [] for code in codes}
    for n, involvement in enumerate(incident.involvements):
        victim = involvement.victim
        if InvolvementRole.VICTIM in involvement.roles and victim is None:
            rule = "a victim needs victim details: type and the offenses against them"
            yield f"involvements[{n}].victim", None, rule
        if victim is None:
            continue
        connected = [c for c in victim.offense_codes if c in codes]
        if not connected:
            rule = "a victim is connected to a Group A offense of the incident (element 24)"
            yield f"involvements[{n}].victim.offense_codes", victim.offense_codes, rule
        for code in connected:
            victims_of[code].append(victim.victim_type)
            yield from _victim_type(n, code, victim.victim_type)
        for k, relationship in enumerate(victim.relationships):
            if relationship.offender not in offenders:
                field = f"involvements[{n}].victim.relationships[{k}].offender"
                rule = "related to a person who is not an offender or suspect (element 34)"
                yield field, str(relationship.offender), rule
    for n, offense in enumerate(incident.offenses):
        if offense.ucr_code in codes and not victims_of[offense.ucr_code]:
            rule = "a Group A offense needs a victim connected to it (element 24)"
            yield f"offenses[{n}].ucr_code", offense.ucr_code, rule
            victims_of[offense.ucr_code].append("reported")


def _victim_type(n: int, code: str, victim_type: str) -> Iterator[tuple[str, object, str]]:
    field = f"involvements[{n}].victim.victim_type"
    against = crime_against(code)
    if victim_type == "L" and code not in OFFICER_VICTIM_OFFENSES:
        yield field, victim_type, f"an officer victim (L) is for 09A and 13A-13C, not {code}"
    elif against is CrimeAgainst.PERSON and victim_type not in {"I", "L"}:
        yield field, victim_type, f"{code} is a crime against a person: its victim is a person (I)"
    elif against is CrimeAgainst.SOCIETY and victim_type != "S":
        yield field, victim_type, f"{code} is a crime against society: its victim is society (S)"
    elif against is CrimeAgainst.PROPERTY and victim_type == "S":
        yield field, victim_type, f"{code} is a crime against property: society (S) is no victim"


def _arrestees(incident: Incident, context: Context) -> Iterator[tuple[str, object, str]]:
    day = incident_day(incident, context.program)
    group_a = has_group_a(incident)
    for n, involvement in enumerate(incident.involvements):
        arrest = involvement.arrest
        if arrest is None:
            continue
        at = f"involvements[{n}]"
        if involvement.is_juvenile(day) and arrest.juvenile_disposition is None:
            rule = "an arrestee under 18 needs a juvenile disposition (element 52)"
            yield f"{at}.arrest.juvenile_disposition", None, rule
        age = involvement.age_on(day)
        if arrest.juvenile_disposition is not None and age is not None and age >= 18:
            rule = f"a juvenile disposition is for arrestees under 18 (this one is {age})"
            yield f"{at}.arrest.juvenile_disposition", arrest.juvenile_disposition.value, rule
        if involvement.person.demographics.sex is Sex.UNKNOWN:
            yield f"{at}.person.demographics.sex", "U", "an arrestee's sex is M or F (element 48)"
        code = arrest.offense_code
        if group_a and code not in GROUP_A_OFFENSES:
            rule = "in a Group A incident an arrest is for a Group A offense (element 45)"
            yield f"{at}.arrest.offense_code", code, rule
        elif not group_a and code not in GROUP_B_OFFENSES:
            rule = f"arrested for Group A offense {code}, which the incident does not record"
            yield f"{at}.arrest.offense_code", code, rule


def _clearance(incident: Incident, context: Context) -> Iterator[tuple[str, object, str]]:
    disposition = incident.disposition
    if disposition is None or disposition.kind is not DispositionKind.EXCEPTIONALLY_CLEARED:
        return
    if not has_group_a(incident):
        return
    if incident.with_role(InvolvementRole.ARRESTEE):
        rule = "an incident cleared exceptionally has no arrestee (element 4)"
        yield "disposition.exceptional_clearance", disposition.exceptional_clearance, rule
    day = incident_day(incident, context.program)
    if disposition.decided_on < day:
        rule = f"the exceptional clearance date is before the incident day {day} (element 5)"
        yield "disposition.decided_on", disposition.decided_on.isoformat(), rule
    if disposition.decided_on > context.period_end:
        rule = f"the exceptional clearance date is after the reporting period {context.period}"
        yield "disposition.decided_on", disposition.decided_on.isoformat(), rule


def _property(incident: Incident, _context: Context) -> Iterator[tuple[str, object, str]]:
    if not has_group_a(incident):
        return
    first: dict[tuple[str, str], int] = {}
    for n, item in enumerate(incident.property):
        key = (item.loss_type, item.description)
        if key in first:
            rule = f"the same loss type and description as property[{first[key]}]: one item each"
            yield f"property[{n}]", f"{item.loss_type} {item.description}", rule
        first.setdefault(key, n)


RULES: tuple[Rule, ...] = (
    _number,
    _codes,
    _dates,
    _offenses,
    _people,
    _arrestees,
    _clearance,
    _property,
)
"""Every pre-export rule, in the order their problems are listed."""


def _name(incident: Incident, number: str | None) -> str:
    return number or incident.number or f"draft {incident.id}"


def incident_problems(
    incident: Incident, program: ProgramContext, period: str, *, number: str | None = None
) -> list[Problem]:
    """Return the FBI data-quality rules an incident breaks; empty when it may be exported.

    :param period: the reporting period (``YYYY-MM``): no date may be after it.
    :param number: the NIBRS incident number, when it is not the incident's own number.
    """
    context = Context(program, period, number)
    name = _name(incident, number)
    return [
        Problem(f"{name} {field}", value, rule)
        for check in RULES
        for field, value, rule in check(incident, context)
    ]


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
