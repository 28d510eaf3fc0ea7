"""The program report as a report format receives it: a period's figures, read for an audience.

The service gathers a :class:`ProgramReport` (counts only, never records: small counts already
suppressed for analysts, a school administrator's report covering their own schools) and hands
it to a :class:`~sro_core.ports.ReportExporter`. A figure whose count is None was suppressed.
"""

from __future__ import annotations

import datetime as dt

import attrs

from sro_core.domain import (
    Audience,
    ContactParty,
    ContactPurpose,
    CrisisKind,
    CrisisStatus,
    LocationKind,
    ReferralReason,
    ReferralStatus,
    TriadRole,
)
from sro_core.ports.queries import CrdcMeasure, Period

__all__ = [
    "AgreementFigure",
    "CategoryFigure",
    "ContactFigure",
    "CrdcFigure",
    "CrisisFigure",
    "HeadlineFigure",
    "LocationFigure",
    "ProgramReport",
    "ReferralFigure",
    "TriadFigure",
]


@attrs.frozen
class CategoryFigure:
    """Incidents of a category in a local month, over the report's schools; None: suppressed."""

    month: str
    category: str
    count: int | None


@attrs.frozen
class LocationFigure:
    """Incidents in a local month by kind of place; ``count`` is None when suppressed."""

    month: str
    location_kind: LocationKind
    count: int | None


@attrs.frozen
class TriadFigure:
    """An officer's logged time in one role of the triad."""

    officer: str
    triad_role: TriadRole
    contacts: int
    activities: int
    minutes: int


@attrs.frozen
class ContactFigure:
    """Contacts by who came and what about; ``count`` is None when suppressed."""

    party: ContactParty
    purpose: ContactPurpose
    count: int | None
    minutes: int | None


@attrs.frozen
class ReferralFigure:
    """Referrals to a partner for a reason at a status; ``count`` is None when suppressed."""

    partner: str
    reason: ReferralReason
    status: ReferralStatus
    count: int | None


@attrs.frozen
class CrdcFigure:
    """A school's CRDC totals for one measure: instances and students (None when suppressed)."""

    school: str
    measure: CrdcMeasure
    instances: int | None
    students: int | None
    students_with_idea: int | None
    students_with_504: int | None


@attrs.frozen
class CrisisFigure:
    """A crisis of the period: where, what, when it began and ended, how many messages."""

    school: str
    kind: CrisisKind
    declared_at: dt.datetime
    ended_at: dt.datetime | None
    status: CrisisStatus
    messages: int


@attrs.frozen
class AgreementFigure:
    """An agreement whose review falls due by the end of the period."""

    title: str
    review_due: dt.date
    overdue: bool


@attrs.frozen
class HeadlineFigure:
    """A headline figure of the period and of the same period a year before; None: suppressed.

    For analysts a figure is suppressed when it is small, and also when any of the counts it
    sums is, so that no suppressed count can be worked out from it.
    """

    label: str
    count: int | None
    last_year: int | None


@attrs.frozen
class ProgramReport:
    """Everything the program report shows, already read for its audience."""

    program_name: str
    scope: str
    period: Period
    period_label: str
    audience: Audience
    suppression_threshold: int
    time_zone: str
    generated_at: dt.datetime
    monthly: tuple[CategoryFigure, ...]
    locations: tuple[LocationFigure, ...]
    triad: tuple[TriadFigure, ...]
    contacts: tuple[ContactFigure, ...]
    referrals: tuple[ReferralFigure, ...]
    crdc: tuple[CrdcFigure, ...]
    crises: tuple[CrisisFigure, ...]
    agreements_due: tuple[AgreementFigure, ...]
    categories: tuple[tuple[str, str], ...]
    """The category codes the report uses, with their descriptions."""
    notes: tuple[str, ...] = ()
    """What the report leaves out for its audience, and why, in a sentence each."""
    headline: tuple[HeadlineFigure, ...] = ()
    """The period's main figures, each beside the same period a year before."""
