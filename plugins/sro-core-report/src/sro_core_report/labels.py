"""The words the report prints for the domain's codes, months and times."""

from __future__ import annotations

import datetime as dt
import enum

from sro_core.domain import (
    Audience,
    ContactParty,
    ContactPurpose,
    CrisisStatus,
    LocationKind,
    TriadRole,
)
from sro_core.ports import CrdcMeasure

_LABELS: dict[enum.Enum, str] = {
    Audience.DEPARTMENT: "the department (SROs, supervisors, records clerks)",
    Audience.SCHOOL_ADMINISTRATION: "school administration",
    Audience.PARTNER: "a partner agency",
    Audience.AGGREGATE: "analysts and the public (aggregates only)",
    LocationKind.ON_CAMPUS: "On campus",
    LocationKind.SCHOOL_ADJACENT: "Next to a school",
    LocationKind.COMMUNITY: "In the community",
    LocationKind.ONLINE: "Online",
    TriadRole.LAW_ENFORCEMENT: "Law enforcement",
    TriadRole.INFORMAL_COUNSELOR_MENTOR: "Informal counselor / mentor",
    TriadRole.EDUCATOR: "Educator",
    ContactParty.PARENT_GUARDIAN: "Parent or guardian",
    ContactParty.PARTNER_AGENCY: "Partner agency",
    ContactPurpose.FOLLOW_UP: "Follow-up",
    CrisisStatus.ALL_CLEAR: "All clear",
    CrdcMeasure.REFERRAL: "Referred to law enforcement",
    CrdcMeasure.ARREST: "School-related arrest",
}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
"""Month abbreviations, fixed so that the page does not depend on the process's locale."""


def label(member: enum.Enum) -> str:
    """Return how the report names a code of the domain (``Next to a school``)."""
    known = _LABELS.get(member)
    if known is not None:
        return known
    text = str(member.value).replace("_", " ")
    return text[:1].upper() + text[1:]


def month_label(month: str, *, two_lines: bool = False) -> str:
    """Return ``Sep 2026`` for ``2026-09``, on two lines (for a chart's axis) when asked."""
    year, number = month.split("-")
    separator = "\n" if two_lines else " "
    return f"{_MONTHS[int(number) - 1]}{separator}{year}"


def local_time(instant: dt.datetime) -> str:
    """Return a program-local time as ``2026-09-08 08:00 PDT``."""
    return f"{instant:%Y-%m-%d %H:%M} {instant.tzname() or ''}".rstrip()


def duration(start: dt.datetime, end: dt.datetime) -> str:
    """Return how long a span lasted, to the minute (``1 h 05 min``, ``under a minute``)."""
    minutes = int((end - start).total_seconds() // 60)
    if minutes < 1:
        return "under a minute"
    hours, minutes = divmod(minutes, 60)
    if hours >= 24:
        days, hours = divmod(hours, 24)
        return f"{days} d {hours} h {minutes:02d} min"
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"
