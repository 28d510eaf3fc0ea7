"""The questions every storage backend answers natively, and the shapes of their answers."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import enum
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Generic, TypeVar

import attrs

from sro_core.domain import (
    CommunityContact,
    ContactParty,
    ContactPurpose,
    CrdcRaceEthnicity,
    CrisisEvent,
    Incident,
    IncidentStatus,
    LocationKind,
    Referral,
    ReferralReason,
    ReferralStatus,
    Sex,
    TriadRole,
    waiting_since,
)
from sro_core.errors import BadQuery as BadQuery

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000


def _page_size(_instance: object, _attribute: object, value: int) -> None:
    if not 1 <= value <= MAX_PAGE_SIZE:
        raise BadQuery(f"size: a page holds 1 to {MAX_PAGE_SIZE} records (got {value})")


def _ids(value: uuid.UUID | Iterable[uuid.UUID] | None) -> frozenset[uuid.UUID] | None:
    """Return one id or many as a set (None: any)."""
    if value is None:
        return None
    return frozenset({value}) if isinstance(value, uuid.UUID) else frozenset(value)


def _texts(value: str | Iterable[str] | None) -> frozenset[str] | None:
    """Return one text or many as a set: a string is one value, not its letters."""
    if value is None:
        return None
    return frozenset({value}) if isinstance(value, str) else frozenset(value)


def _statuses(
    value: IncidentStatus | Iterable[IncidentStatus] | None,
) -> frozenset[IncidentStatus] | None:
    """Return one status or many as a set (None: any)."""
    if value is None:
        return None
    return frozenset({value}) if isinstance(value, IncidentStatus) else frozenset(value)


@attrs.frozen
class IncidentFilter:
    """Which incidents to find; every criterion given must hold (``None`` means any).

    ``occurred_from`` is inclusive and ``occurred_before`` exclusive, on the incident's start.
    ``school_ids``, ``categories``, ``statuses`` and ``ids`` take one value or many:
    ``categories="fight"`` is ``categories={"fight"}`` (a string is one category).
    ``text`` matches a part of the number, the narrative or the category, ignoring the case of
    the ASCII letters A to Z only (as SQL's ``lower`` does everywhere, see :func:`ascii_lower`):
    ``é`` and ``É`` differ, ``ß`` is not ``ss``, and ``%`` and ``_`` are plain characters.
    """

    school_ids: frozenset[uuid.UUID] | None = attrs.field(default=None, converter=_ids)
    occurred_from: dt.datetime | None = None
    occurred_before: dt.datetime | None = None
    categories: frozenset[str] | None = attrs.field(default=None, converter=_texts)
    statuses: frozenset[IncidentStatus] | None = attrs.field(default=None, converter=_statuses)
    officer_id: uuid.UUID | None = None
    text: str | None = None
    ids: frozenset[uuid.UUID] | None = attrs.field(default=None, converter=_ids)
    """Only these incidents (a partner liaison's referred incidents, say)."""


@attrs.frozen
class Page:
    """Which page of results to return: its size and the cursor of the page before it."""

    size: int = attrs.field(default=DEFAULT_PAGE_SIZE, validator=_page_size)
    after: str | None = None


@attrs.frozen
class PageOf(Generic[T]):
    """A page of results, newest first, and the cursor of the next page (None on the last)."""

    items: tuple[T, ...]
    next: str | None


@attrs.frozen
class MonthlyCount:
    """Incidents of one category at one school (None: not at a school) in one local month."""

    school_id: uuid.UUID | None
    month: str
    category: str
    count: int


@attrs.frozen
class LocationCount:
    """Incidents at one school (None: not at a school) in one local month, by kind of place."""

    school_id: uuid.UUID | None
    month: str
    location_kind: LocationKind
    count: int


@attrs.frozen
class ContactCount:
    """Community contacts at one school (None: none named) by who came and what about."""

    school_id: uuid.UUID | None
    party: ContactParty
    purpose: ContactPurpose
    contacts: int
    minutes: int


@attrs.frozen
class ReferralCount:
    """Referrals to one partner for one reason that now stand at one status."""

    partner_id: uuid.UUID
    reason: ReferralReason
    status: ReferralStatus
    count: int


@attrs.frozen
class TriadTime:
    """How much of an officer's logged time went to one role of the triad."""

    officer_id: uuid.UUID
    triad_role: TriadRole
    contacts: int
    activities: int
    minutes: int


class CrdcMeasure(enum.Enum):
    """The two CRDC counts the program reports."""

    REFERRAL = "referral"
    """Referred to law enforcement."""
    ARREST = "arrest"
    """A school-related arrest."""


@attrs.frozen
class CrdcStudentCount:
    """One student's CRDC count at one school in a school year for one measure.

    ``instances`` counts incidents; demographics come from the student's record
    (None where not collected).
    """

    school_id: uuid.UUID
    measure: CrdcMeasure
    person_id: uuid.UUID
    instances: int
    sex: Sex
    race_ethnicity: CrdcRaceEthnicity | None
    idea: bool | None
    section_504: bool | None
    english_learner: bool | None


@attrs.frozen
class PersonRecords:
    """The records that name some person ids: what a person's history is made of, each by id.

    Incidents that involve one of the ids; contacts with one of them; referrals that name one
    of them, or name no one and refer an incident that involves one; crises linked to one of
    those incidents.
    """

    incidents: tuple[Incident, ...] = ()
    contacts: tuple[CommunityContact, ...] = ()
    referrals: tuple[Referral, ...] = ()
    crises: tuple[CrisisEvent, ...] = ()


@attrs.frozen
class Period:
    """A span of time, from ``start`` (inclusive) to ``end`` (exclusive)."""

    start: dt.datetime
    end: dt.datetime


def ascii_lower(text: str) -> str:
    """Return text with A-Z lowered and every other character kept, as SQL's ``lower`` does."""
    return text.translate(_ASCII_LOWER)


_ASCII_LOWER = {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}


def incident_cursor(occurred_start: dt.datetime, incident_id: uuid.UUID) -> str:
    """Return the opaque cursor after an incident, in newest-first order."""
    key = f"{occurred_start.astimezone(dt.UTC).isoformat()}|{incident_id}"
    return base64.urlsafe_b64encode(key.encode()).decode()


def read_incident_cursor(cursor: str) -> tuple[dt.datetime, uuid.UUID]:
    """Return the (start, id) a cursor was made from, or raise BadQuery."""
    try:
        start, _, key = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        moment, identifier = dt.datetime.fromisoformat(start), uuid.UUID(key)
    except (binascii.Error, UnicodeError, ValueError):
        raise BadQuery(f"after: not a cursor this store issued ({cursor!r})") from None
    if moment.utcoffset() is None:
        raise BadQuery(f"after: not a cursor this store issued ({cursor!r})")
    return moment, identifier


def document_cursor(document: Mapping[str, Any]) -> str:
    """Return the cursor after an incident given in its wire format."""
    start = dt.datetime.fromisoformat(document["occurred_start"])
    return incident_cursor(start, uuid.UUID(document["id"]))


S = TypeVar("S")


def page_of(
    found: Sequence[S], size: int, read: Callable[[S], T], after: Callable[[T], str]
) -> PageOf[T]:
    """Return a page from a query that fetched one row more than ``size``.

    ``read`` makes an item of a row (only of the rows kept); ``after`` gives an item's cursor.
    The extra row only says that a next page exists.
    """
    items = tuple(read(row) for row in found[:size])
    return PageOf(items, after(items[-1]) if len(found) > size else None)


def incident_after(incident: Incident) -> str:
    """Return the cursor after an incident."""
    return incident_cursor(incident.occurred_start, incident.id)


def waiting_order(incident: Incident) -> tuple[dt.datetime, str, uuid.UUID]:
    """Return where a waiting report stands in the review queue: by when it was last submitted.

    Ties (one instant) go by number, then by id. A report that does not wait sorts by its
    report time; ``review_queue`` never returns one.
    """
    since = waiting_since(incident.reviews) or incident.reported_at
    return since, incident.number or "", incident.id
