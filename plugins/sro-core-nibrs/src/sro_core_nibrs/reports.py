"""NIBRS reports as plain values: what one submission document carries, element by element.

The writer turns these into XML, the reader turns XML back into them, and the mapping builds
them from (and turns them into) the domain's incidents. Two reports compare equal when they
carry the same NIBRS facts, which is how round trips are checked. Codes are the XML code values
of the IEPD 2019.1 (``nibrs_CodesTables.xlsx``), not the legacy flat-file codes.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum

import attrs


class ReportCategory(enum.Enum):
    """``nibrs:NIBRSReportCategoryCode``: the kind of report a document holds."""

    GROUP_A = "GROUP A INCIDENT REPORT"
    GROUP_B = "GROUP B ARREST REPORT"
    ZERO = "ZERO REPORT"


class ReportAction(enum.Enum):
    """``nibrs:ReportActionCategoryCode``: what the FBI is to do with the report.

    A new Group A incident is sent as ``I`` (incident report), a new Group B arrest or zero
    report as ``A`` (add), as in the IEPD's samples; ``R`` replaces and ``D`` deletes.
    """

    INCIDENT = "I"
    ADD = "A"
    REPLACE = "R"
    DELETE = "D"


UNDER_ONE_YEAR = frozenset({"NEONATAL", "NEWBORN", "BABY"})
"""The age texts for a person under one year old (under 24 hours, 1 to 6 days, 7 days to 1 year)."""
UNKNOWN_AGE = "UNKNOWN"
OLDEST_AGE = 99
"""NIBRS writes any age over 98 as 99."""


@attrs.frozen
class Age:
    """``nc:PersonAgeMeasure``: exact years, a range of years, or a text (UNKNOWN, BABY …)."""

    years: int | None = None
    low: int | None = None
    high: int | None = None
    text: str | None = None


@attrs.frozen
class NibrsPerson:
    """``nc:Person``: age, sex, race, ethnicity and resident status; None where not written.

    A victim that is not a person (a business, society …) has an empty ``nc:Person``.
    """

    age: Age | None = None
    sex: str | None = None
    race: str | None = None
    ethnicity: str | None = None
    resident: str | None = None


@attrs.frozen
class NibrsOffense:
    """``j:Offense`` (Offense Segment, elements 6 to 13)."""

    code: str
    attempted: bool
    criminal_activities: tuple[str, ...] = ()
    bias_motivations: tuple[str, ...] = ()
    premises_entered: int | None = None
    suspected_of_using: tuple[str, ...] = ()
    method_of_entry: str | None = None
    weapons: tuple[str, ...] = ()


@attrs.frozen
class NibrsItem:
    """``nc:Item`` (property, elements 14 to 19): loss type, description, value, recovery."""

    status: str
    description: str
    value: int | None = None
    recovered_on: dt.date | None = None
    quantity: int | None = None


DRUG_PROPERTY = "10"
"""The property description of ``nc:Substance``: drugs/narcotics."""


@attrs.frozen
class NibrsDrug:
    """``nc:Substance`` (elements 14, 20 to 22): loss type, drug type, quantity and unit."""

    status: str
    drug_type: str
    quantity: decimal.Decimal | None = None
    unit: str | None = None


@attrs.frozen
class NibrsVictim:
    """``j:Victim`` and its associations (Victim Segment, elements 23 to 35).

    ``person`` is the index of the victim's ``nc:Person`` in the report's ``persons``;
    ``offense_codes`` are the offenses connected to the victim (element 24), in the report's
    offense order; ``relationships`` pair an offender's sequence number with the victim's
    relationship to that offender (elements 34 and 35).
    """

    sequence: int
    person: int
    victim_type: str
    offense_codes: tuple[str, ...] = ()
    injuries: tuple[str, ...] = ()
    circumstances: tuple[str, ...] = ()
    relationships: tuple[tuple[int, str], ...] = ()


@attrs.frozen
class NibrsOffender:
    """``j:Subject`` (Offender Segment, elements 36 to 39A): sequence number and person."""

    sequence: int
    person: int


@attrs.frozen
class NibrsArrestee:
    """``j:Arrestee`` with its ``j:Arrest`` (Arrestee Segment, elements 40 to 52)."""

    sequence: int
    person: int
    arrest_number: str
    arrested_on: dt.date
    arrest_type: str
    offense_code: str
    armed_with: tuple[str, ...] = ()
    juvenile_disposition: str | None = None
    multiple_arrestee: str | None = None


@attrs.frozen
class GroupAReport:
    """A Group A Incident Report: the incident, its offenses, property, and the people in it.

    ``occurred`` is the program-local wall-clock hour the incident started (element 3), or
    midnight with ``hour_known`` false when only the date is known. One location (element 9)
    serves every offense, as the SRO domain records one place per incident.
    """

    incident_number: str
    occurred: dt.datetime
    location: str
    exceptional_clearance: str = "N"
    cleared_on: dt.date | None = None
    offenses: tuple[NibrsOffense, ...] = ()
    items: tuple[NibrsItem, ...] = ()
    drugs: tuple[NibrsDrug, ...] = ()
    persons: tuple[NibrsPerson, ...] = ()
    victims: tuple[NibrsVictim, ...] = ()
    offenders: tuple[NibrsOffender, ...] = ()
    arrestees: tuple[NibrsArrestee, ...] = ()
    hour_known: bool = True


@attrs.frozen
class GroupBReport:
    """A Group B Arrest Report: one arrestee arrested for a Group B offense.

    Its arrest transaction number (element 41) is ``arrestee.arrest_number``; reports of one
    arrest share it and differ by arrestee sequence number (element 40).
    """

    person: NibrsPerson
    arrestee: NibrsArrestee


@attrs.frozen
class ZeroReport:
    """A Zero Report: the agency had nothing to report for the month of the submission."""


@attrs.frozen
class DeleteReport:
    """A delete of a report sent before: a Group A incident, or a Group B arrest.

    A Group A delete names the incident number (``number``); a Group B delete names the arrest
    transaction number, the arrest date and, for one arrestee only, the arrestee's sequence.
    """

    category: ReportCategory
    number: str
    occurred: dt.datetime | None = None
    sequence: int | None = None
    arrested_on: dt.date | None = None


Report = GroupAReport | GroupBReport | ZeroReport | DeleteReport
"""What one NIBRS submission document carries."""


@attrs.frozen
class Header:
    """The message metadata and report header of a document.

    ``period`` is the report's year and month (``YYYY-MM``); ``ori`` the reporting agency
    (element 1), which is also the submitting organization; ``created`` the message time.
    """

    ori: str
    period: str
    action: ReportAction
    message_id: str
    created: dt.datetime


def category_of(report: Report) -> ReportCategory:
    """Return the report category code a report is sent under."""
    if isinstance(report, GroupAReport):
        return ReportCategory.GROUP_A
    if isinstance(report, GroupBReport):
        return ReportCategory.GROUP_B
    if isinstance(report, ZeroReport):
        return ReportCategory.ZERO
    return report.category
