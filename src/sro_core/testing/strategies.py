"""Hypothesis strategies for every type of the SRO domain, valid by construction.

Plugin authors use them to test a backend against the reference one; the project uses them to
test the domain's rules. Each public function returns a strategy named after the type it draws
(``officers()``, ``incidents()``, ``audit_chains()`` …). Nothing here filters: every value is
built to satisfy the rules, so Hypothesis's health checks stay quiet.

Edge cases are drawn on request: ``incidents(edge_cases=True)`` mixes in the dedicated
strategies ``juvenile_birthday_incidents``, ``midnight_spanning_incidents`` and
``dst_incidents``; ``open_ended_assignments`` and ``assignment_sets`` cover the assignment rules.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import uuid
import zoneinfo
from collections.abc import Mapping, Sequence
from typing import Any, Final, TypeVar, cast

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import DrawFn, SearchStrategy

from sro_core.codes import CodeTables, default_tables
from sro_core.domain import (
    AGE_OF_MAJORITY,
    AUDIT_COLUMNS,
    CORRECTABLE,
    EVENT_TYPES,
    INCIDENT_TRANSITIONS,
    MINIMUM_KEY_BYTES,
    MINUTES_IN_A_DAY,
    MOST_ATTENDING,
    OLDEST_AGE,
    PERSON_VICTIM_TYPES,
    PRE_KINDERGARTEN,
    REVIEW_TRANSITIONS,
    TWELFTH_GRADE,
    ActivityAudience,
    ActivityKind,
    ActivityRecorded,
    Actor,
    ActorEntry,
    ActorRole,
    Address,
    AgeRange,
    Agreement,
    AgreementSigned,
    Arrest,
    Assignment,
    AssignmentEnded,
    AssignmentRole,
    AuditCheckpoint,
    AuditEntry,
    AuditKey,
    AuditOutcome,
    CampusZone,
    Candidate,
    Certification,
    CertificationKind,
    Clause,
    ClauseKind,
    CommunityContact,
    ContactLogged,
    ContactParty,
    ContactPurpose,
    CrisisDeclared,
    CrisisEvent,
    CrisisKind,
    CrisisMessage,
    CrisisMessagePosted,
    CrisisResolved,
    CrisisRole,
    CrisisStatus,
    Demographics,
    Disposition,
    DispositionKind,
    DomainEvent,
    Drug,
    EducationActivity,
    GradeSpan,
    Incident,
    IncidentEscalated,
    IncidentReported,
    IncidentStatus,
    IncidentStatusChanged,
    Involvement,
    InvolvementRole,
    JuvenileDisposition,
    Location,
    LocationKind,
    MatchReason,
    MergeUndone,
    NonPersonVictim,
    Offense,
    Officer,
    OfficerAssigned,
    OfficerRegistered,
    OfficerStatus,
    Partner,
    PartnerKind,
    PartnerRegistered,
    PeopleMerged,
    Permission,
    Person,
    PersonCorrected,
    PersonKind,
    PersonRecord,
    PersonRecorded,
    ProgramCalendar,
    PropertyItem,
    Race,
    RecordClass,
    RecordOrigin,
    RecordRestriction,
    Referral,
    ReferralMade,
    ReferralReason,
    ReferralStatus,
    ReferralUpdated,
    Relationship,
    ReportReviewed,
    ReviewState,
    ReviewStep,
    School,
    SchoolIds,
    SchoolLevel,
    SchoolRegistered,
    SchoolYear,
    Sex,
    TriadRole,
    UnreadableEntry,
    VictimDetails,
    incident_number,
)

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "TIME_ZONES",
    "actor_entries",
    "actors",
    "addresses",
    "age_ranges",
    "agreements",
    "any_domain_value",
    "arrests",
    "assignment_sets",
    "assignments",
    "audit_chains",
    "audit_checkpoints",
    "audit_entries",
    "audit_keys",
    "aware_datetimes",
    "certifications",
    "clauses",
    "community_contacts",
    "crisis_events",
    "crisis_messages",
    "demographics",
    "dispositions",
    "domain_events",
    "drugs",
    "dst_incidents",
    "dst_transitions",
    "education_activities",
    "grade_spans",
    "incident_lifecycles",
    "incidents",
    "involvements",
    "juvenile_birthday_incidents",
    "locations",
    "match_candidates",
    "midnight_spanning_incidents",
    "non_person_victims",
    "offenses",
    "officers",
    "open_ended_assignments",
    "partners",
    "people",
    "person_records",
    "program_calendars",
    "property_items",
    "referrals",
    "relationships",
    "review_histories",
    "review_requests",
    "review_steps",
    "school_ids",
    "school_years",
    "schools",
    "unreadable_entries",
    "victim_details",
]

T = TypeVar("T")

FIRST_YEAR: Final = 2000
LAST_YEAR: Final = 2040
"""Generated times and dates fall between the start of FIRST_YEAR and the end of LAST_YEAR."""

TIME_ZONES: Final = (
    "America/Los_Angeles",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Anchorage",
    "America/Puerto_Rico",
    "Pacific/Honolulu",
    "UTC",
)
"""Program time zones drawn by :func:`program_calendars`: with and without daylight saving."""

_FIRST_DAY: Final = dt.date(FIRST_YEAR, 1, 1)
_LAST_DAY: Final = dt.date(LAST_YEAR, 12, 31)
_FIRST_INSTANT: Final = dt.datetime(FIRST_YEAR, 1, 1, tzinfo=dt.UTC)
_LAST_INSTANT: Final = dt.datetime(LAST_YEAR, 12, 31, 23, 59, 59, 999_999, tzinfo=dt.UTC)
_DAY: Final = dt.timedelta(days=1)
_MICROSECOND: Final = dt.timedelta(microseconds=1)
_DEFAULT_CALENDAR: Final = ProgramCalendar()
_CACHE_SIZE: Final = 1_024
"""How many strategies built from drawn values (dates, identifiers) the caches below keep."""

# A note on speed: Hypothesis validates every strategy object the first time it is drawn from,
# so the strategies drawn from again and again are built once (cached) and the composite
# builders call plain ``_draw_*`` helpers rather than building a new strategy per value.


# --- building blocks -------------------------------------------------------------------------


@functools.cache
def _codes(table: str, *, leave_out: frozenset[str] = frozenset()) -> SearchStrategy[str]:
    """Draw one code of a code table in force."""
    tables: CodeTables = default_tables()
    return st.sampled_from([c.value for c in tables.get(table).codes if c.value not in leave_out])


@functools.cache
def _code_tuples(
    table: str, *, min_size: int = 0, max_size: int, leave_out: frozenset[str] = frozenset()
) -> SearchStrategy[tuple[str, ...]]:
    """Draw distinct codes of a table, as NIBRS multi-valued elements are."""
    codes = _codes(table, leave_out=leave_out)
    return st.lists(codes, min_size=min_size, max_size=max_size, unique=True).map(tuple)


_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@functools.cache
def _texts(max_size: int = 24, *, free: bool = False) -> SearchStrategy[str]:
    """Draw a text that is not blank: a printable head, then any Unicode the bounds allow.

    No control character (free text: tab, newline and carriage return only), no lone surrogate
    and no bidi control (see :mod:`sro_core.domain.bounds`).
    """
    head = st.characters(categories=("L", "N", "P", "S"), codec="utf-8")
    body = st.characters(
        codec="utf-8", exclude_categories=("Cc", "Cs"), exclude_characters=_BIDI_CONTROLS
    )
    if free:
        body = body | st.sampled_from("\t\n\r")
    return st.tuples(head, st.text(body, max_size=max_size - 1)).map("".join)


@functools.cache
def _numbered(template: str, low: int, high: int) -> SearchStrategy[str]:
    """Draw identifiers made of a number: a badge, a phone number, a state school code."""
    return st.integers(low, high).map(template.format)


_OPTIONALS: dict[SearchStrategy[Any], SearchStrategy[Any]] = {}


def _optional(strategy: SearchStrategy[T]) -> SearchStrategy[T | None]:
    """Return ``strategy`` or None; built once per strategy, so Hypothesis validates it once."""
    if strategy not in _OPTIONALS:
        if len(_OPTIONALS) >= _CACHE_SIZE:
            _OPTIONALS.clear()
        _OPTIONALS[strategy] = st.none() | strategy
    return cast("SearchStrategy[T | None]", _OPTIONALS[strategy])


_SUBSETS: dict[tuple[tuple[Any, ...], int], SearchStrategy[Any]] = {}


def _subsets(values: Sequence[T], *, min_size: int = 0) -> SearchStrategy[frozenset[T]]:
    """Return subsets of ``values`` of at least ``min_size``; built once per argument."""
    key = (tuple(values), min_size)
    if key not in _SUBSETS:
        if len(_SUBSETS) >= _CACHE_SIZE:
            _SUBSETS.clear()
        _SUBSETS[key] = (
            st.frozensets(st.sampled_from(key[0]), min_size=min_size)
            if values
            else st.just(frozenset())
        )
    return cast("SearchStrategy[frozenset[T]]", _SUBSETS[key])


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _dates(
    min_value: dt.date = _FIRST_DAY, max_value: dt.date = _LAST_DAY
) -> SearchStrategy[dt.date]:
    return st.dates(min_value=min_value, max_value=max_value)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _spans(
    most: dt.timedelta, least: dt.timedelta = dt.timedelta(0)
) -> SearchStrategy[dt.timedelta]:
    return st.timedeltas(min_value=least, max_value=most)


@functools.cache
def _versions() -> SearchStrategy[int]:
    return st.integers(min_value=0, max_value=1_000)


def _day_after(day: dt.date, draw: DrawFn, most_days: int) -> dt.date:
    """Return a day from ``day`` to ``most_days`` after it."""
    return day + draw(st.integers(0, most_days)) * _DAY


def _fresh(candidate: uuid.UUID, taken: set[uuid.UUID]) -> uuid.UUID:
    """Return ``candidate``, or the next identifier after it that is not taken (no rejection)."""
    while candidate in taken:
        candidate = uuid.UUID(int=(candidate.int + 1) % (1 << 128))
    return candidate


# --- calendar and time -----------------------------------------------------------------------


@functools.cache
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


@functools.cache
def _transitions(time_zone: str, first_year: int, last_year: int) -> tuple[dt.datetime, ...]:
    """Find every change of UTC offset of a zone by scanning day by day, then bisecting."""
    zone = _zone(time_zone)

    def offset(seconds: int) -> dt.timedelta | None:
        return dt.datetime.fromtimestamp(seconds, dt.UTC).astimezone(zone).utcoffset()

    step = 86_400
    first = int(dt.datetime(first_year, 1, 1, tzinfo=dt.UTC).timestamp())
    last = int(dt.datetime(last_year + 1, 1, 1, tzinfo=dt.UTC).timestamp())
    found: list[dt.datetime] = []
    for day in range(first, last, step):
        low, high = day, day + step
        if offset(low) == offset(high):
            continue
        # Invariant: offset(low) is the old offset, offset(high) the new one.
        while high - low > 1:
            middle = (low + high) // 2
            if offset(middle) == offset(low):
                low = middle
            else:
                high = middle
        found.append(dt.datetime.fromtimestamp(high, dt.UTC))
    return tuple(found)


def dst_transitions(
    calendar: ProgramCalendar, first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR
) -> tuple[dt.datetime, ...]:
    """Return the UTC instants at which the program zone's offset changes, in order.

    Found by scanning the zone's own rules (no dates are written in), so a zone's history and
    its future rule are both honoured. Empty for a zone without daylight saving time.
    """
    return _transitions(calendar.time_zone, first_year, last_year)


def program_calendars(observing_dst: bool | None = None) -> SearchStrategy[ProgramCalendar]:
    """Draw program calendars in real IANA zones (see :data:`TIME_ZONES`).

    ``observing_dst`` keeps only the zones that do (True) or do not (False) change their offset
    between :data:`FIRST_YEAR` and :data:`LAST_YEAR`.
    """
    zones = [
        name
        for name in TIME_ZONES
        if observing_dst is None or bool(_transitions(name, FIRST_YEAR, LAST_YEAR)) is observing_dst
    ]
    return st.sampled_from(zones).map(ProgramCalendar)


def school_years() -> SearchStrategy[SchoolYear]:
    """Draw school years starting between FIRST_YEAR and LAST_YEAR."""
    return st.builds(SchoolYear, st.integers(min_value=FIRST_YEAR, max_value=LAST_YEAR))


@functools.cache
def _representations(calendar: ProgramCalendar) -> SearchStrategy[dt.tzinfo]:
    """Draw a time zone to write an instant in: UTC, the program's, another, or any offset."""
    offsets = st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59).map(
        lambda minutes: dt.timezone(dt.timedelta(minutes=minutes))
    )
    named = st.sampled_from([_zone(name) for name in TIME_ZONES])
    return st.one_of(st.just(dt.UTC), st.just(calendar.zone), named, offsets)


def _written(draw: DrawFn, instant: dt.datetime, calendar: ProgramCalendar) -> dt.datetime:
    """Return the instant written in a drawn time zone: the same instant, another offset."""
    return instant.astimezone(draw(_representations(calendar)))


def _within(draw: DrawFn, start: dt.datetime, most: dt.timedelta) -> dt.datetime:
    """Return a UTC instant from ``start`` to ``start + most`` (inclusive), to the microsecond.

    The sum is taken in UTC: adding to a wall-clock time in a DST zone would count wall time
    and lose the fold of the repeated autumn hour.
    """
    return start.astimezone(dt.UTC) + draw(_spans(most))


def _instant_on(draw: DrawFn, calendar: ProgramCalendar, day: dt.date) -> dt.datetime:
    """Return an instant on a program-local day, however long DST makes that day."""
    start, end = calendar.day_bounds(day)
    return _within(draw, start, end - start - _MICROSECOND)


_PLACES: Final = ("anywhere", "transition", "midnight")


def _draw_instant(draw: DrawFn, calendar: ProgramCalendar) -> dt.datetime:
    """Draw an instant: anywhere, within a day of a DST transition, or around local midnight."""
    transitions = dst_transitions(calendar)
    near = draw(st.sampled_from(_PLACES))
    if near == "transition" and transitions:
        instant = _within(draw, draw(st.sampled_from(transitions)) - _DAY, 2 * _DAY)
    elif near == "midnight":
        _, midnight = calendar.day_bounds(draw(_dates(max_value=_LAST_DAY - _DAY)))
        instant = _within(draw, midnight - dt.timedelta(hours=1), dt.timedelta(hours=2))
    else:
        instant = _within(draw, _FIRST_INSTANT, _LAST_INSTANT - _FIRST_INSTANT)
    return _written(draw, instant, calendar)


@st.composite
def _aware_datetimes(draw: DrawFn, calendar: ProgramCalendar) -> dt.datetime:
    return _draw_instant(draw, calendar)


@functools.cache
def _aware_datetimes_in(calendar: ProgramCalendar) -> SearchStrategy[dt.datetime]:
    return _aware_datetimes(calendar)


def aware_datetimes(calendar: ProgramCalendar | None = None) -> SearchStrategy[dt.datetime]:
    """Draw timezone-aware datetimes between FIRST_YEAR and LAST_YEAR, to the microsecond.

    Written with any offset (UTC, the program's zone, another real zone, or a fixed offset of
    up to ±23:59); a third of them lie within a day of a DST transition of the program zone
    (default America/Los_Angeles), including the repeated autumn hour, and a third within an
    hour of a local midnight.
    """
    return _aware_datetimes_in(calendar or _DEFAULT_CALENDAR)


# --- officers, schools, assignments ----------------------------------------------------------


def addresses() -> SearchStrategy[Address]:
    """Draw postal addresses."""
    return st.builds(
        Address,
        line1=_texts(),
        city=_texts(16),
        state=st.sampled_from(("CA", "NY", "AZ", "HI", "WI", "TX", "PR")),
        postal_code=_optional(_numbered("{:05d}", 0, 99_999)),
        line2=_optional(_texts()),
    )


def _draw_certification(draw: DrawFn, kind: CertificationKind | None) -> Certification:
    issued = draw(_dates())
    expires = _day_after(issued, draw, 3_650) if draw(st.booleans()) else None
    return Certification(kind or draw(st.sampled_from(CertificationKind)), issued, expires)


@st.composite
def certifications(draw: DrawFn, kind: CertificationKind | None = None) -> Certification:
    """Draw certifications, some without an expiry date."""
    return _draw_certification(draw, kind)


_RANKS: Final = ("Officer", "Deputy", "Corporal", "Sergeant", "Lieutenant")


@functools.cache
def _badges() -> SearchStrategy[str]:
    """Draw badge numbers: plain numbers, and some unit-prefixed ones."""
    return _numbered("{:d}", 1, 999_999) | _numbered("K9-{:03d}", 1, 999)


@st.composite
def officers(draw: DrawFn, status: OfficerStatus | None = None) -> Officer:
    """Draw officers in any status (or the given one), with up to three certifications."""
    held = [_draw_certification(draw, None) for _ in range(draw(st.integers(0, 3)))]
    return Officer(
        badge=draw(_badges()),
        name=draw(_texts()),
        rank=draw(st.sampled_from(_RANKS)),
        status=status or draw(st.sampled_from(OfficerStatus)),
        certifications=tuple(held),
        id=draw(st.uuids()),
        version=draw(_versions()),
    )


def _draw_grade_span(draw: DrawFn) -> GradeSpan:
    lowest = draw(st.integers(min_value=PRE_KINDERGARTEN, max_value=TWELFTH_GRADE))
    return GradeSpan(lowest, draw(st.integers(min_value=lowest, max_value=TWELFTH_GRADE)))


@st.composite
def grade_spans(draw: DrawFn) -> GradeSpan:
    """Draw valid grade spans from PK (-1) to 12."""
    return _draw_grade_span(draw)


def school_ids() -> SearchStrategy[SchoolIds]:
    """Draw the external identifiers of a school, any of them unknown."""
    return _school_ids()


@functools.cache
def _school_ids() -> SearchStrategy[SchoolIds]:
    return st.builds(
        SchoolIds,
        state_school_code=_optional(_numbered("{:07d}", 0, 9_999_999)),
        nces_id=_optional(_numbered("{:012d}", 0, 999_999_999_999)),
        ed_fi_id=_optional(_numbered("{:d}", 100_000, 999_999_999)),
    )


@st.composite
def schools(draw: DrawFn) -> School:
    """Draw schools."""
    return School(
        name=draw(_texts()),
        district=draw(_texts()),
        level=draw(st.sampled_from(SchoolLevel)),
        grades=_draw_grade_span(draw),
        ids=draw(school_ids()),
        enrollment=draw(_optional(st.integers(min_value=0, max_value=MOST_ATTENDING))),
        address=draw(_optional(_addresses())),
        id=draw(st.uuids()),
        version=draw(_versions()),
    )


@functools.cache
def _addresses() -> SearchStrategy[Address]:
    return addresses()


@st.composite
def assignments(
    draw: DrawFn,
    *,
    officer_id: uuid.UUID | None = None,
    school_id: uuid.UUID | None = None,
    role: AssignmentRole | None = None,
    open_ended: bool | None = None,
) -> Assignment:
    """Draw assignments; ``open_ended`` True gives no end date, False always one."""
    start = draw(_dates())
    if open_ended is None:
        open_ended = draw(st.booleans())
    return Assignment(
        officer_id=officer_id or draw(st.uuids()),
        school_id=school_id or draw(st.uuids()),
        role=role or draw(st.sampled_from(AssignmentRole)),
        start=start,
        end=None if open_ended else _day_after(start, draw, 1_500),
        id=draw(st.uuids()),
        version=draw(_versions()),
    )


def open_ended_assignments() -> SearchStrategy[Assignment]:
    """Draw assignments with no end date: still in force."""
    return assignments(open_ended=True)


def _draw_periods(draw: DrawFn, start: dt.date) -> list[tuple[dt.date, dt.date | None]]:
    """Draw consecutive, non-overlapping (start, end) periods; only the last may be open."""
    periods: list[tuple[dt.date, dt.date]] = []
    for _ in range(draw(st.integers(0, 4))):
        if periods:
            # A gap of 0 makes the next period start the day after: adjacent, not overlapping.
            start = _day_after(periods[-1][1] + _DAY, draw, 60)
        periods.append((start, _day_after(start, draw, 400)))
    open_last = draw(st.booleans())
    last = len(periods) - 1
    return [(s, None if open_last and n == last else e) for n, (s, e) in enumerate(periods)]


def _share_a_day(start: dt.date, end: dt.date | None, other: Assignment) -> bool:
    """Return whether a period (``end`` None: open) shares a day with an assignment."""
    starts_in_time = end is None or other.start <= end
    return starts_in_time and (other.end is None or start <= other.end)


@st.composite
def assignment_sets(draw: DrawFn) -> list[Assignment]:
    """Draw a set of assignments that :func:`~sro_core.domain.check_assignments` accepts.

    A few officers and schools; each school's timeline per role is a run of non-overlapping
    periods (some adjacent, the last maybe open-ended); a primary period goes to an officer with
    no primary then, else to a new officer. Identifiers are all distinct; the list is shuffled.
    """
    officer_ids = draw(st.lists(st.uuids(), min_size=1, max_size=4, unique=True))
    school_list = draw(st.lists(st.uuids(), min_size=1, max_size=3, unique=True))
    taken = {*officer_ids, *school_list}
    primaries: dict[uuid.UUID, list[Assignment]] = {}
    result: list[Assignment] = []
    base = draw(_dates(max_value=dt.date(LAST_YEAR - 8, 12, 31)))
    for school_id in school_list:
        for role in AssignmentRole:
            for start, end in _draw_periods(draw, _day_after(base, draw, 200)):
                officer_id = draw(st.sampled_from(officer_ids))
                if role is AssignmentRole.PRIMARY and any(
                    _share_a_day(start, end, a) for a in primaries.get(officer_id, ())
                ):
                    officer_id = _fresh(draw(st.uuids()), taken)
                assignment_id = _fresh(draw(st.uuids()), taken)
                taken |= {officer_id, assignment_id}
                assignment = Assignment(officer_id, school_id, role, start, end, assignment_id)
                if role is AssignmentRole.PRIMARY:
                    primaries.setdefault(officer_id, []).append(assignment)
                result.append(assignment)
    return draw(st.permutations(result))


# --- persons ---------------------------------------------------------------------------------


def demographics() -> SearchStrategy[Demographics]:
    """Draw demographics, any element of them not collected."""
    return _demographics()


@functools.cache
def _demographics() -> SearchStrategy[Demographics]:
    maybe = _optional(st.booleans())
    return st.builds(
        Demographics,
        sex=st.sampled_from(Sex),
        races=_subsets(list(Race)),
        hispanic_or_latino=maybe,
        idea=maybe,
        section_504=maybe,
        english_learner=maybe,
    )


def _draw_person(
    draw: DrawFn,
    kind: PersonKind | None,
    born: dt.date | None,
    person_id: uuid.UUID | None,
) -> Person:
    kind = kind or draw(st.sampled_from(PersonKind))
    student = kind is PersonKind.STUDENT
    return Person(
        kind=kind,
        name=draw(_optional(_texts())),
        date_of_birth=born,
        student_number=draw(_optional(_numbered("S{:07d}", 0, 9_999_999))) if student else None,
        grade=draw(_optional(st.integers(PRE_KINDERGARTEN, TWELFTH_GRADE))) if student else None,
        demographics=draw(demographics()),
        phone=draw(_optional(_numbered("+1{:d}", 2_000_000_000, 9_999_999_999))),
        id=person_id or draw(st.uuids()),
        version=draw(_versions()),
    )


@st.composite
def person_records(
    draw: DrawFn,
    kind: PersonKind | None = None,
    *,
    names: SearchStrategy[str | None] | None = None,
    born: SearchStrategy[dt.date | None] | None = None,
    school_ids: SearchStrategy[uuid.UUID | None] | None = None,
) -> PersonRecord:
    """Draw master-index records (unmerged, version 0); ``names`` draws names and aliases."""
    birth = draw(born if born is not None else _optional(_dates(dt.date(1930, 1, 1))))
    person = _draw_person(draw, kind, birth, None)
    named = names if names is not None else _optional(_texts())
    aliases = draw(st.lists(named, max_size=2))
    return PersonRecord(
        kind=person.kind,
        name=draw(named),
        aliases=tuple(a for a in aliases if a is not None),
        date_of_birth=birth,
        student_number=person.student_number,
        school_id=draw(school_ids if school_ids is not None else _optional(st.uuids())),
        grade=person.grade,
        demographics=person.demographics,
        phone=person.phone,
        email=draw(_optional(_numbered("p{:d}@example.org", 1, 99_999))),
        address=draw(_optional(_texts())),
        id=draw(st.uuids()),
    )


def match_candidates() -> SearchStrategy[Candidate]:
    """Draw candidates of a match: an index record and at least one reason."""
    return st.builds(Candidate, person_records(), _subsets(list(MatchReason), min_size=1))


@st.composite
def people(
    draw: DrawFn,
    kind: PersonKind | None = None,
    *,
    born: SearchStrategy[dt.date | None] | None = None,
    person_id: uuid.UUID | None = None,
) -> Person:
    """Draw persons; ``born`` draws their date of birth (default: any since 1930, or unknown)."""
    birth = draw(born if born is not None else _optional(_dates(dt.date(1930, 1, 1))))
    return _draw_person(draw, kind, birth, person_id)


@functools.cache
def _ages_in_days() -> SearchStrategy[int | None]:
    """Draw ages in days: children and teens, many close to 18, adults, or unknown."""
    eighteen = AGE_OF_MAJORITY * 365 + 4
    return _optional(
        st.one_of(
            st.integers(4 * 365, 20 * 365),
            st.integers(eighteen - 3, eighteen + 3),
            st.integers(20 * 365, 80 * 365),
        )
    )


def _draw_birth_date(draw: DrawFn, day: dt.date) -> dt.date | None:
    """Draw the date of birth of someone involved on a day, or None (unknown)."""
    age = draw(_ages_in_days())
    return None if age is None else day - age * _DAY


# --- offenses, property, drugs ---------------------------------------------------------------


def _draw_offense(draw: DrawFn, ucr_code: str | None) -> Offense:
    biased = draw(st.booleans())
    bias = _code_tuples(
        "nibrs.bias_motivation", min_size=1, max_size=5, leave_out=frozenset({"NONE"})
    )
    return Offense(
        ucr_code=ucr_code or draw(_codes("nibrs.offense")),
        attempted=draw(st.booleans()),
        weapons=draw(_code_tuples("nibrs.force", max_size=3)),
        bias_motivations=draw(bias) if biased else ("NONE",),
        criminal_activities=draw(_code_tuples("nibrs.criminal_activity", max_size=3)),
        suspected_of_using=draw(
            _code_tuples("nibrs.offender_suspected_of_using", min_size=1, max_size=3)
        ),
        premises_entered=draw(_optional(st.integers(1, 99))),
        method_of_entry=draw(_optional(_codes("nibrs.method_of_entry"))),
    )


@st.composite
def offenses(draw: DrawFn, ucr_code: str | None = None) -> Offense:
    """Draw NIBRS offenses (of any code, or the given one) with codes from the tables in force."""
    return _draw_offense(draw, ucr_code)


def property_items() -> SearchStrategy[PropertyItem]:
    """Draw property items with NIBRS loss and description codes."""
    return _property_items()


@functools.cache
def _property_items() -> SearchStrategy[PropertyItem]:
    return st.builds(
        PropertyItem,
        loss_type=_codes("nibrs.property_loss"),
        description=_codes("nibrs.property_description"),
        value=_optional(st.integers(0, 999_999_999)),
        recovered_on=_optional(_dates()),
        quantity=_optional(st.integers(1, 99)),
    )


@functools.cache
def _quantities() -> SearchStrategy[decimal.Decimal | None]:
    return _optional(
        st.decimals(
            min_value=decimal.Decimal("0.001"),
            max_value=decimal.Decimal("999999999.999"),
            places=3,
            allow_nan=False,
            allow_infinity=False,
        )
    )


@st.composite
def drugs(draw: DrawFn) -> Drug:
    """Draw drugs, with a quantity and its unit or neither."""
    quantity = draw(_quantities())
    return Drug(
        drug_type=draw(_codes("nibrs.drug_type")),
        quantity=quantity,
        unit=None if quantity is None else draw(_codes("nibrs.drug_unit")),
        loss_type=draw(_codes("nibrs.property_loss")),
    )


@functools.cache
def _incident_parts() -> tuple[
    SearchStrategy[list[Offense]], SearchStrategy[list[PropertyItem]], SearchStrategy[list[Drug]]
]:
    """Return the list strategies of an incident's offenses, property and drugs, built once."""
    return (
        st.lists(offenses(), max_size=3),
        st.lists(property_items(), max_size=2),
        st.lists(drugs(), max_size=2),
    )


# --- involvements ----------------------------------------------------------------------------


def _draw_age_range(draw: DrawFn) -> AgeRange:
    low = draw(st.integers(0, OLDEST_AGE))
    return AgeRange(low, draw(st.integers(low, min(low + 15, OLDEST_AGE))))


@st.composite
def age_ranges(draw: DrawFn) -> AgeRange:
    """Draw estimated age ranges."""
    return _draw_age_range(draw)


def relationships(offender: uuid.UUID | None = None) -> SearchStrategy[Relationship]:
    """Draw a victim's relationship to an offender (any, or the one given)."""
    return st.builds(
        Relationship,
        offender=st.just(offender) if offender else st.uuids(),
        code=_codes("nibrs.relationship"),
    )


def _draw_victim(
    draw: DrawFn,
    offense_codes: Sequence[str] | None,
    offender_ids: Sequence[uuid.UUID] | None,
) -> VictimDetails:
    if offense_codes is None:
        connected: tuple[str, ...] = draw(_code_tuples("nibrs.offense", max_size=3))
    else:
        connected = tuple(sorted(draw(_subsets(offense_codes))))
    if offender_ids is None:
        offender_ids = draw(st.lists(st.uuids(), max_size=2, unique=True))
    related = [
        Relationship(offender, draw(_codes("nibrs.relationship")))
        for offender in offender_ids
        if draw(st.booleans())
    ]
    return VictimDetails(
        victim_type=draw(_codes("nibrs.victim_type")),
        offense_codes=connected,
        injuries=draw(_code_tuples("nibrs.injury", max_size=5)),
        relationships=tuple(related),
        circumstances=draw(_code_tuples("nibrs.aggravated_assault_circumstance", max_size=2)),
        resident_status=draw(_optional(_codes("nibrs.resident_status"))),
    )


@st.composite
def victim_details(
    draw: DrawFn,
    *,
    offense_codes: Sequence[str] | None = None,
    offender_ids: Sequence[uuid.UUID] | None = None,
) -> VictimDetails:
    """Draw victim details connected to some of ``offense_codes``, related to ``offender_ids``.

    Without them, the codes and offenders are drawn freely (valid alone, not in an incident).
    """
    return _draw_victim(draw, offense_codes, offender_ids)


def _draw_non_person_victim(draw: DrawFn, offense_codes: Sequence[str] | None) -> NonPersonVictim:
    if offense_codes is None:
        connected: tuple[str, ...] = draw(_code_tuples("nibrs.offense", max_size=3))
    else:
        connected = tuple(sorted(draw(_subsets(offense_codes))))
    return NonPersonVictim(
        victim_type=draw(_codes("nibrs.victim_type", leave_out=PERSON_VICTIM_TYPES)),
        offense_codes=connected,
        name=draw(_optional(_texts())),
        id=draw(st.uuids()),
    )


@st.composite
def non_person_victims(
    draw: DrawFn, *, offense_codes: Sequence[str] | None = None
) -> NonPersonVictim:
    """Draw victims that are not people (business, society …) connected to ``offense_codes``."""
    return _draw_non_person_victim(draw, offense_codes)


def _draw_arrest(
    draw: DrawFn,
    offense_codes: Sequence[str] | None,
    not_before: dt.date | None,
    juvenile: bool | None,
) -> Arrest:
    if juvenile is None:
        juvenile = draw(st.booleans())
    offense = st.sampled_from(offense_codes) if offense_codes else _codes("nibrs.offense")
    return Arrest(
        arrested_on=_day_after(not_before, draw, 30) if not_before else draw(_dates()),
        offense_code=draw(offense),
        arrest_type=draw(_codes("nibrs.arrest_type")),
        armed_with=draw(_code_tuples("nibrs.arrestee_weapon", min_size=1, max_size=2)),
        juvenile_disposition=draw(st.sampled_from(JuvenileDisposition)) if juvenile else None,
        multiple_arrestee=draw(_codes("nibrs.multiple_arrestee")),
        transaction_number=draw(_optional(_numbered("A{}", 1, 99_999_999))),
        resident_status=draw(_optional(_codes("nibrs.resident_status"))),
    )


@st.composite
def arrests(
    draw: DrawFn,
    *,
    offense_codes: Sequence[str] | None = None,
    not_before: dt.date | None = None,
    juvenile: bool | None = None,
) -> Arrest:
    """Draw arrests for one of ``offense_codes``, within 30 days from ``not_before``.

    ``juvenile`` True always gives a juvenile disposition, False never; None draws either.
    """
    return _draw_arrest(draw, offense_codes, not_before, juvenile)


_NOT_ARRESTEE: Final = tuple(r for r in InvolvementRole if r is not InvolvementRole.ARRESTEE)
_OFFENDERS: Final = frozenset({InvolvementRole.OFFENDER, InvolvementRole.SUSPECT})
_OFFENDING: Final = frozenset(
    {InvolvementRole.OFFENDER, InvolvementRole.SUSPECT, InvolvementRole.ARRESTEE}
)


def _draw_roles(draw: DrawFn, arrestee: bool | None) -> frozenset[InvolvementRole]:
    """Draw a non-empty set of roles; ``arrestee`` forces the arrestee role in or out."""
    if arrestee is None:
        arrestee = draw(st.booleans())
    roles = draw(_subsets(_NOT_ARRESTEE, min_size=0 if arrestee else 1))
    return roles | {InvolvementRole.ARRESTEE} if arrestee else roles


def _draw_involvement(
    draw: DrawFn,
    person: Person,
    roles: frozenset[InvolvementRole],
    *,
    day: dt.date,
    offense_codes: Sequence[str] | None,
    offender_ids: Sequence[uuid.UUID] | None,
) -> Involvement:
    """Build one involvement: victim details with the victim role, an arrest with the arrestee's.

    An arrestee who is a juvenile on ``day`` (the program-local incident date) gets a juvenile
    disposition, as :func:`~sro_core.domain.check_incident` requires.
    """
    estimated = None
    if person.date_of_birth is None and draw(st.booleans()):
        estimated = _draw_age_range(draw)
    victim = None
    if InvolvementRole.VICTIM in roles and draw(st.booleans()):
        others = None if offender_ids is None else [o for o in offender_ids if o != person.id]
        victim = _draw_victim(draw, offense_codes, others)
    arrest = None
    if InvolvementRole.ARRESTEE in roles:
        witness = Involvement(person, frozenset({InvolvementRole.WITNESS}), estimated_age=estimated)
        arrest = _draw_arrest(draw, offense_codes, day, witness.is_juvenile(day))
    return Involvement(person, roles, victim=victim, arrest=arrest, estimated_age=estimated)


@st.composite
def involvements(draw: DrawFn, on: dt.date | None = None) -> Involvement:
    """Draw a person's involvement in an incident on a day (valid alone, not in an incident)."""
    day = on or draw(_dates())
    person = _draw_person(draw, None, _draw_birth_date(draw, day), None)
    roles = _draw_roles(draw, None)
    return _draw_involvement(draw, person, roles, day=day, offense_codes=None, offender_ids=None)


# --- incidents -------------------------------------------------------------------------------


def _draw_location(draw: DrawFn, kind: LocationKind | None) -> Location:
    kind = kind or draw(st.sampled_from(LocationKind))
    on_campus = kind is LocationKind.ON_CAMPUS
    return Location(
        kind=kind,
        nibrs_code=draw(_codes("nibrs.location")),
        zone=draw(_optional(st.sampled_from(CampusZone))) if on_campus else None,
        address=draw(_optional(_texts())),
        derived=on_campus and draw(st.booleans()),
    )


@st.composite
def locations(draw: DrawFn, kind: LocationKind | None = None) -> Location:
    """Draw incident locations; only an on-campus one has a campus zone."""
    return _draw_location(draw, kind)


def _draw_disposition(
    draw: DrawFn, kind: DispositionKind | None, not_before: dt.date | None
) -> Disposition:
    kind = kind or draw(st.sampled_from(DispositionKind))
    clearance = None
    if kind is DispositionKind.EXCEPTIONALLY_CLEARED:
        clearance = draw(_codes("nibrs.exceptional_clearance", leave_out=frozenset({"N"})))
    decided_on = _day_after(not_before, draw, 60) if not_before else draw(_dates())
    return Disposition(kind, decided_on, clearance)


@st.composite
def dispositions(
    draw: DrawFn, kind: DispositionKind | None = None, *, not_before: dt.date | None = None
) -> Disposition:
    """Draw dispositions; an exceptional clearance carries its code (A to E)."""
    return _draw_disposition(draw, kind, not_before)


Occurrence = tuple[dt.datetime, dt.datetime | None]
"""When an incident happened: its start and optional end."""


def _coming_of_age(born: dt.date) -> dt.date:
    """Return the day a person born on ``born`` turns 18 (March 1 for a February 29 birth)."""
    year = born.year + AGE_OF_MAJORITY
    try:
        return born.replace(year=year)
    except ValueError:  # February 29, and the 18th year is not a leap year
        return dt.date(year, 3, 1)


def _ordinary_occurrence(draw: DrawFn, calendar: ProgramCalendar) -> Occurrence:
    start = _draw_instant(draw, calendar)
    if not draw(st.booleans()):
        return start, None
    return start, _written(draw, _within(draw, start, 2 * _DAY), calendar)


def _midnight_occurrence(draw: DrawFn, calendar: ProgramCalendar) -> Occurrence:
    _, midnight = calendar.day_bounds(draw(_dates(max_value=_LAST_DAY - _DAY)))
    six_hours = dt.timedelta(hours=6)
    start = midnight - draw(_spans(six_hours, _MICROSECOND))
    end = _within(draw, midnight, six_hours)
    return _written(draw, start, calendar), _written(draw, end, calendar)


def _dst_occurrence(draw: DrawFn, calendar: ProgramCalendar) -> Occurrence:
    transitions = dst_transitions(calendar)
    if not transitions:
        raise InvalidArgument(f"{calendar.time_zone} has no DST transition to draw around")
    start = _within(draw, draw(st.sampled_from(transitions)) - _DAY, 2 * _DAY)
    if not draw(st.booleans()):
        return _written(draw, start, calendar), None
    end = _within(draw, start, dt.timedelta(hours=6))
    return _written(draw, start, calendar), _written(draw, end, calendar)


def _draw_status(draw: DrawFn, status: IncidentStatus | None) -> IncidentStatus:
    return status or draw(st.sampled_from(IncidentStatus))


def _draw_disposition_for(draw: DrawFn, status: IncidentStatus, day: dt.date) -> Disposition | None:
    """Draw the disposition an incident in a status carries: needed closed, maybe kept reopened."""
    if status is IncidentStatus.CLOSED or (
        status is IncidentStatus.REOPENED and draw(st.booleans())
    ):
        return _draw_disposition(draw, None, day)
    return None


def _draw_cast(
    draw: DrawFn,
    *,
    day: dt.date,
    offense_codes: Sequence[str],
    needs_arrestee: bool,
    first: Person | None,
) -> tuple[Involvement, ...]:
    """Draw the people of an incident and their roles, victims tied to its offenses and offenders.

    ``first`` puts a given person first; with ``needs_arrestee`` the first person is arrested.
    """
    count = draw(st.integers(1 if needs_arrestee or first else 0, 4))
    ids = draw(st.lists(st.uuids(), min_size=count, max_size=count, unique=True))
    if first is not None:
        ids = [first.id, *(_fresh(person_id, {first.id}) for person_id in ids[1:])]
    cast: list[tuple[Person, frozenset[InvolvementRole]]] = []
    for n, person_id in enumerate(ids):
        if n == 0 and first is not None:
            person = first
        else:
            person = _draw_person(draw, None, _draw_birth_date(draw, day), person_id)
        cast.append((person, _draw_roles(draw, True if n == 0 and needs_arrestee else None)))
    offender_ids = [person.id for person, roles in cast if roles & _OFFENDING]
    return tuple(
        _draw_involvement(
            draw, person, roles, day=day, offense_codes=offense_codes, offender_ids=offender_ids
        )
        for person, roles in cast
    )


def _draw_incident(
    draw: DrawFn,
    *,
    calendar: ProgramCalendar,
    status: IncidentStatus,
    occurrence: Occurrence,
    first: Person | None = None,
) -> Incident:
    """Build an incident valid in a status around an occurrence; see :func:`incidents`."""
    start, end = occurrence
    day = calendar.local_date(start)
    reported_at = _written(draw, _within(draw, start, 14 * _DAY), calendar)
    location = _draw_location(draw, None)
    school_id = draw(st.uuids()) if location.kind is LocationKind.ON_CAMPUS else None
    offense_lists, property_lists, drug_lists = _incident_parts()
    offense_list = draw(offense_lists)
    disposition = _draw_disposition_for(draw, status, day)
    cast = _draw_cast(
        draw,
        day=day,
        offense_codes=sorted({o.ucr_code for o in offense_list}),
        needs_arrestee=disposition is not None and disposition.kind is DispositionKind.ARREST,
        first=first,
    )
    arrested = any(i.arrest is not None for i in cast)
    number = None
    review: tuple[ReviewState, tuple[ReviewStep, ...]] = (ReviewState.UNSUBMITTED, ())
    if status is not IncidentStatus.DRAFT:
        year = calendar.local_date(reported_at).year
        number = incident_number(year, draw(st.integers(1, 999_999)))
        review = draw(review_histories(reported_at))
    return Incident(
        reporting_officer_id=draw(st.uuids()),
        occurred_start=start,
        reported_at=reported_at,
        location=location,
        category=draw(_codes("sro.incident_category")),
        school_id=school_id or draw(_optional(st.uuids())),
        occurred_end=end,
        offenses=tuple(offense_list),
        involvements=cast,
        property=tuple(draw(property_lists)),
        drugs=tuple(draw(drug_lists)),
        narrative=draw(st.just("") | _texts(80, free=True)),
        status=status,
        disposition=disposition,
        referred_to_law_enforcement=draw(st.booleans()),
        school_related_arrest=arrested and draw(st.booleans()),
        restrictions=draw(_subsets(list(RecordRestriction))),
        origin=draw(st.sampled_from(RecordOrigin)),
        escalated_from=draw(_optional(st.uuids())),
        review=review[0],
        reviews=review[1],
        number=number,
        non_person_victims=tuple(
            _draw_non_person_victim(draw, sorted({o.ucr_code for o in offense_list}))
            for _ in range(draw(st.integers(0, 2)))
        ),
        offender_unknown=not any(i.roles & _OFFENDERS for i in cast) and draw(st.booleans()),
        nibrs_number=draw(_optional(_numbered("NB{}", 1, 99_999_999))),
        id=draw(st.uuids()),
        version=draw(_versions()),
    )


_OFFICERS = ("ofc.reyes", "ofc.tan")
_SUPERVISORS = ("sgt.lopez", "lt.okafor")


@st.composite
def review_histories(
    draw: DrawFn, reported_at: dt.datetime, most: int = 5
) -> tuple[ReviewState, tuple[ReviewStep, ...]]:
    """Draw a report's review: steps along :data:`REVIEW_TRANSITIONS` after it was reported.

    Officers submit, supervisors approve and return (with a comment); the steps are in time
    order, and the state is where the last one leads (unsubmitted when there is none).
    """
    state, steps, at = ReviewState.UNSUBMITTED, [], reported_at
    for _ in range(draw(st.integers(0, most))):
        state = draw(st.sampled_from(sorted(REVIEW_TRANSITIONS[state], key=lambda s: s.value)))
        at = _within(draw, at, 3 * _DAY)
        submits = state is ReviewState.SUBMITTED
        note = draw(_texts(80, free=True)) if state is ReviewState.RETURNED else ""
        by = draw(st.sampled_from(_OFFICERS if submits else _SUPERVISORS))
        steps.append(ReviewStep(state=state, actor_id=by, at=at, note=note))
    return state, tuple(steps)


def review_steps() -> SearchStrategy[ReviewStep]:
    """Draw one step of a report's review (a return always carries its comment)."""
    return st.builds(
        ReviewStep,
        state=st.sampled_from([s for s in ReviewState if s is not ReviewState.UNSUBMITTED]),
        actor_id=st.sampled_from(_OFFICERS + _SUPERVISORS),
        at=aware_datetimes(),
        note=_texts(80, free=True),
    )


@st.composite
def review_requests(draw: DrawFn) -> list[ReviewState]:
    """Draw the review states a report is asked to move to, in order.

    About half the requests are legal from where the report would stand if the legal ones
    before them were granted; the others are any state, legal or not.
    """
    current, requests = ReviewState.UNSUBMITTED, []
    for _ in range(draw(st.integers(0, 12))):
        legal = sorted(REVIEW_TRANSITIONS[current], key=lambda s: s.value)
        wanted = draw(
            st.sampled_from(legal) if draw(st.booleans()) else st.sampled_from(ReviewState)
        )
        requests.append(wanted)
        if wanted in REVIEW_TRANSITIONS[current]:
            current = wanted
    return requests


@functools.cache
def _births_for_birthdays() -> SearchStrategy[dt.date]:
    """Draw births whose 18th birthday falls in the generated years, leap days among them."""
    earliest = dt.date(FIRST_YEAR - AGE_OF_MAJORITY, 1, 2)
    latest = dt.date(LAST_YEAR - AGE_OF_MAJORITY, 12, 30)
    leap_days = [dt.date(y, 2, 29) for y in range(earliest.year, latest.year + 1) if y % 4 == 0]
    return _dates(earliest, latest) | st.sampled_from(leap_days)


def _draw_birthday_incident(
    draw: DrawFn,
    calendar: ProgramCalendar,
    status: IncidentStatus | None,
    days_from_birthday: int | None,
) -> Incident:
    if days_from_birthday is None:
        days_from_birthday = draw(st.integers(-1, 1))
    born = draw(_births_for_birthdays())
    kind = draw(st.sampled_from(PersonKind) | st.just(PersonKind.STUDENT))
    person = _draw_person(draw, kind, born, None)
    day = _coming_of_age(born) + days_from_birthday * _DAY
    start = _written(draw, _instant_on(draw, calendar, day), calendar)
    return _draw_incident(
        draw,
        calendar=calendar,
        status=_draw_status(draw, status),
        occurrence=(start, None),
        first=person,
    )


@st.composite
def juvenile_birthday_incidents(
    draw: DrawFn,
    calendar: ProgramCalendar | None = None,
    *,
    status: IncidentStatus | None = None,
    days_from_birthday: int | None = None,
) -> Incident:
    """Draw incidents whose first involved person turns 18 around the program-local date.

    The incident's local date is the person's 18th birthday plus ``days_from_birthday`` (-1, 0
    or 1; None draws one of them). A person born on February 29 turns 18 on March 1 when the
    year is not a leap year. The person is often an arrestee, so the juvenile-disposition rule
    is exercised on both sides of the birthday.
    """
    calendar = calendar or _DEFAULT_CALENDAR
    return _draw_birthday_incident(draw, calendar, status, days_from_birthday)


@st.composite
def midnight_spanning_incidents(
    draw: DrawFn, calendar: ProgramCalendar | None = None, *, status: IncidentStatus | None = None
) -> Incident:
    """Draw incidents that start before a program-local midnight and end at or after it."""
    calendar = calendar or _DEFAULT_CALENDAR
    return _draw_incident(
        draw,
        calendar=calendar,
        status=_draw_status(draw, status),
        occurrence=_midnight_occurrence(draw, calendar),
    )


@st.composite
def dst_incidents(
    draw: DrawFn, calendar: ProgramCalendar | None = None, *, status: IncidentStatus | None = None
) -> Incident:
    """Draw incidents that start within a day of a DST transition of the program zone.

    The transitions are the zone's own (see :func:`dst_transitions`); a zone without daylight
    saving time raises :class:`hypothesis.errors.InvalidArgument`.
    """
    calendar = calendar or _DEFAULT_CALENDAR
    return _draw_incident(
        draw,
        calendar=calendar,
        status=_draw_status(draw, status),
        occurrence=_dst_occurrence(draw, calendar),
    )


@st.composite
def incidents(
    draw: DrawFn,
    status: IncidentStatus | None = None,
    calendar: ProgramCalendar | None = None,
    edge_cases: bool = False,
) -> Incident:
    """Draw incidents in any status (or the given one), valid by construction.

    Reported and later incidents have a number; a closed one has a disposition; an arrest
    disposition comes with an arrestee; victims connect only to the incident's offenses and
    relate only to its offenders; a juvenile arrestee (on the incident's local date in
    ``calendar``, default America/Los_Angeles) has a juvenile disposition. Every code is in
    :func:`~sro_core.codes.default_tables`, so ``check_incident(incident, calendar)`` passes
    and ``code_problems(incident, default_tables())`` is empty.

    ``edge_cases`` mixes in the 18th-birthday, midnight-spanning and DST incidents.
    """
    calendar = calendar or _DEFAULT_CALENDAR
    status = _draw_status(draw, status)
    edges = ["ordinary"]
    if edge_cases:
        edges += ["birthday", "midnight"] + (["dst"] if dst_transitions(calendar) else [])
    edge = draw(st.sampled_from(edges))
    if edge == "birthday":
        return _draw_birthday_incident(draw, calendar, status, None)
    if edge == "midnight":
        occurrence = _midnight_occurrence(draw, calendar)
    elif edge == "dst":
        occurrence = _dst_occurrence(draw, calendar)
    else:
        occurrence = _ordinary_occurrence(draw, calendar)
    return _draw_incident(draw, calendar=calendar, status=status, occurrence=occurrence)


def _by_value(statuses: frozenset[IncidentStatus]) -> list[IncidentStatus]:
    return sorted(statuses, key=lambda s: s.value)


@st.composite
def incident_lifecycles(
    draw: DrawFn, calendar: ProgramCalendar | None = None
) -> tuple[Incident, list[IncidentStatus]]:
    """Draw a draft incident and the statuses it is then asked to move to, in order.

    About half the requests are legal from where the incident would stand if the legal ones
    before them were granted; the others are any status, legal or not.
    """
    calendar = calendar or _DEFAULT_CALENDAR
    draft = _draw_incident(
        draw,
        calendar=calendar,
        status=IncidentStatus.DRAFT,
        occurrence=_ordinary_occurrence(draw, calendar),
    )
    current, requests = IncidentStatus.DRAFT, []
    for _ in range(draw(st.integers(0, 12))):
        legal = _by_value(INCIDENT_TRANSITIONS[current])
        keep_to_table: bool = draw(st.booleans())
        wanted = draw(
            st.sampled_from(legal) if legal and keep_to_table else st.sampled_from(IncidentStatus)
        )
        requests.append(wanted)
        if wanted in INCIDENT_TRANSITIONS[current]:
            current = wanted
    return draft, requests


# --- the daily log, activities ---------------------------------------------------------------


@st.composite
def community_contacts(draw: DrawFn, *, escalated: bool | None = None) -> CommunityContact:
    """Draw community contacts; ``escalated`` False keeps them not yet linked to an incident."""
    school_related = draw(st.booleans())
    linked = draw(st.booleans()) if escalated is None else escalated
    return CommunityContact(
        officer_id=draw(st.uuids()),
        at=_draw_instant(draw, _DEFAULT_CALENDAR),
        party=draw(st.sampled_from(ContactParty)),
        purpose=draw(st.sampled_from(ContactPurpose)),
        triad_role=draw(st.sampled_from(TriadRole)),
        minutes=draw(st.integers(1, MINUTES_IN_A_DAY)),
        school_related=school_related,
        school_id=draw(st.uuids()) if school_related else draw(_optional(st.uuids())),
        person_id=draw(_optional(st.uuids())),
        summary=draw(st.just("") | _texts(80, free=True)),
        follow_up_due=draw(_optional(_dates())),
        incident_id=draw(st.uuids()) if linked else None,
        id=draw(st.uuids()),
        version=draw(_versions()),
    )


@st.composite
def education_activities(draw: DrawFn) -> EducationActivity:
    """Draw education activities: attendance of zero or more, at least one minute."""
    return EducationActivity(
        officer_id=draw(st.uuids()),
        kind=draw(st.sampled_from(ActivityKind)),
        topic=draw(_texts()),
        audience=draw(st.sampled_from(ActivityAudience)),
        held_at=_draw_instant(draw, _DEFAULT_CALENDAR),
        minutes=draw(st.integers(1, MINUTES_IN_A_DAY)),
        attendance=draw(st.integers(0, MOST_ATTENDING)),
        triad_role=draw(st.sampled_from(TriadRole)),
        school_id=draw(_optional(st.uuids())),
        grades=_draw_grade_span(draw) if draw(st.booleans()) else None,
        id=draw(st.uuids()),
        version=draw(_versions()),
    )


# --- partners, agreements, referrals ---------------------------------------------------------


def partners(kind: PartnerKind | None = None) -> SearchStrategy[Partner]:
    """Draw partners of any kind (or the given one)."""
    return st.builds(
        Partner,
        name=_texts(),
        kind=st.just(kind) if kind else st.sampled_from(PartnerKind),
        id=st.uuids(),
        version=_versions(),
    )


def _draw_clause(draw: DrawFn, partner_ids: Sequence[uuid.UUID] | None) -> Clause:
    kind = draw(st.sampled_from(ClauseKind))
    text = draw(_texts(60, free=True))
    if kind is not ClauseKind.INFORMATION_SHARING:
        return Clause(kind, text)
    partner_id = draw(st.sampled_from(partner_ids) if partner_ids else st.uuids())
    return Clause(kind, text, partner_id, draw(_subsets(list(RecordClass))))


@st.composite
def clauses(draw: DrawFn, partner_ids: Sequence[uuid.UUID] | None = None) -> Clause:
    """Draw agreement clauses; a sharing clause names one of ``partner_ids`` (or any partner)."""
    return _draw_clause(draw, partner_ids)


@st.composite
def agreements(
    draw: DrawFn,
    partner_ids: Sequence[uuid.UUID] | None = None,
    *,
    active_on: dt.date | None = None,
) -> Agreement:
    """Draw agreements among some of ``partner_ids`` (or new partners).

    ``active_on`` makes the agreement in force on that day; otherwise it may be in force or not.
    """
    if partner_ids:
        parties = draw(_subsets(partner_ids, min_size=1))
    else:
        parties = frozenset(draw(st.lists(st.uuids(), min_size=1, max_size=3)))
    if active_on is None:
        effective_from = draw(_dates(max_value=dt.date(LAST_YEAR - 5, 12, 31)))
        effective_to = _day_after(effective_from, draw, 5 * 366) if draw(st.booleans()) else None
    else:
        effective_from = active_on - draw(st.integers(0, 3 * 366)) * _DAY
        effective_to = _day_after(active_on, draw, 3 * 366) if draw(st.booleans()) else None
    ordered = sorted(parties)
    return Agreement(
        title=draw(_texts()),
        partner_ids=parties,
        signed_on=effective_from - draw(st.integers(0, 90)) * _DAY,
        effective_from=effective_from,
        review_due=_day_after(effective_from, draw, 3 * 366),
        effective_to=effective_to,
        clauses=tuple(_draw_clause(draw, ordered) for _ in range(draw(st.integers(0, 4)))),
        id=draw(st.uuids()),
        version=draw(_versions()),
    )


@st.composite
def referrals(draw: DrawFn, status: ReferralStatus | None = None) -> Referral:
    """Draw referrals in any status (or the given one); a closed one has its outcome."""
    status = status or draw(st.sampled_from(ReferralStatus))
    if status is ReferralStatus.CLOSED:
        outcome: str | None = draw(_texts())
    elif status is ReferralStatus.DECLINED:
        outcome = draw(_optional(_texts()))
    else:
        outcome = None
    return Referral(
        incident_id=draw(st.uuids()),
        partner_id=draw(st.uuids()),
        reason=draw(st.sampled_from(ReferralReason)),
        sent_at=_draw_instant(draw, _DEFAULT_CALENDAR),
        agreement_id=draw(st.uuids()),
        person_id=draw(_optional(st.uuids())),
        note=draw(st.just("") | _texts(free=True)),
        status=status,
        outcome=outcome,
        id=draw(st.uuids()),
        version=draw(_versions()),
    )


# --- crises ----------------------------------------------------------------------------------


def _draw_message(draw: DrawFn, at: dt.datetime | None) -> CrisisMessage:
    return CrisisMessage(
        at=at or _draw_instant(draw, _DEFAULT_CALENDAR),
        author_role=draw(st.sampled_from(CrisisRole)),
        audience=draw(_subsets(list(CrisisRole), min_size=1)),
        text=draw(_texts(60, free=True)),
        id=draw(st.uuids()),
    )


@st.composite
def crisis_messages(draw: DrawFn, at: dt.datetime | None = None) -> CrisisMessage:
    """Draw crisis messages, posted at ``at`` (or any time)."""
    return _draw_message(draw, at)


@st.composite
def crisis_events(
    draw: DrawFn,
    status: CrisisStatus | None = None,
    *,
    school_id: uuid.UUID | None = None,
    kind: CrisisKind | None = None,
) -> CrisisEvent:
    """Draw crises with their messages in time order; an all-clear one has ended after them."""
    calendar = _DEFAULT_CALENDAR
    status = status or draw(st.sampled_from(CrisisStatus))
    declared_at = _draw_instant(draw, calendar)
    at, messages = declared_at, []
    for _ in range(draw(st.integers(0, 5))):
        at = _within(draw, at, dt.timedelta(minutes=90))
        messages.append(_draw_message(draw, _written(draw, at, calendar)))
    ended_at = None
    if status is CrisisStatus.ALL_CLEAR:
        ended_at = _written(draw, _within(draw, at, dt.timedelta(hours=3)), calendar)
    return CrisisEvent(
        school_id=school_id or draw(st.uuids()),
        kind=kind or draw(st.sampled_from(CrisisKind)),
        declared_by=draw(_texts()),
        declared_at=declared_at,
        status=status,
        ended_at=ended_at,
        messages=tuple(messages),
        incident_id=draw(_optional(st.uuids())),
        id=draw(st.uuids()),
        version=draw(_versions()),
    )


# --- actors and audit ------------------------------------------------------------------------

_DEPARTMENT: Final = frozenset(
    {ActorRole.SRO, ActorRole.SUPERVISOR, ActorRole.RECORDS_CLERK, ActorRole.SYSTEM}
)
_USERS: Final = ("jdoe", "asmith", "mgarcia", "clerk", "analyst", "principal", "liaison")


@functools.cache
def _user_ids() -> SearchStrategy[str]:
    """Draw user identities such as ``jdoe17``."""
    return st.tuples(st.sampled_from(_USERS), st.integers(0, 99)).map(lambda u: f"{u[0]}{u[1]}")


@st.composite
def actors(draw: DrawFn, role: ActorRole | None = None) -> Actor:
    """Draw actors whose scope fits their role.

    A school administrator has one or more schools, a partner liaison one partner, an SRO an
    officer id (a supervisor maybe); only department roles may hold the juvenile-records
    permission.
    """
    role = role or draw(st.sampled_from(ActorRole))
    schools: frozenset[uuid.UUID] = frozenset()
    if role is ActorRole.SCHOOL_ADMINISTRATOR:
        schools = frozenset(draw(st.lists(st.uuids(), min_size=1, max_size=3)))
    officer_id = None
    if role is ActorRole.SRO or (role is ActorRole.SUPERVISOR and draw(st.booleans())):
        officer_id = draw(st.uuids())
    return Actor(
        id=draw(_user_ids()),
        name=draw(_texts()),
        role=role,
        schools=schools,
        partner_id=draw(st.uuids()) if role is ActorRole.PARTNER_LIAISON else None,
        officer_id=officer_id,
        permissions=draw(_subsets(list(Permission))) if role in _DEPARTMENT else frozenset(),
    )


@st.composite
def actor_entries(draw: DrawFn, role: ActorRole | None = None) -> ActorEntry:
    """Draw directory entries: an actor, its logins and maybe the days it is active."""
    actor = draw(actors(role))
    start = draw(_optional(_dates()))
    until = None
    if draw(st.booleans()):
        until = (start or _FIRST_DAY) + draw(st.integers(0, 3_000)) * _DAY
    return ActorEntry(
        actor_id=actor.id,
        name=actor.name,
        role=actor.role,
        schools=actor.schools,
        partner_id=actor.partner_id,
        officer_id=actor.officer_id,
        permissions=actor.permissions,
        logins=frozenset(draw(st.lists(_user_ids(), max_size=2))),
        active_from=start,
        active_until=until,
    )


_COMPONENTS: Final = ("incidents", "referrals", "crises", "export", "audit", "assignments")
_ACTIONS: Final = (
    "report_incident",
    "read_incident",
    "read_juvenile_record",
    "share_record",
    "refer_incident",
    "declare_crisis",
    "export",
)


@st.composite
def audit_chains(draw: DrawFn, min_size: int = 1, max_size: int = 8) -> list[AuditEntry]:
    """Draw audit chains sealed entry by entry with :meth:`AuditEntry.sealed`, times in order."""
    chain: list[AuditEntry] = []
    at = _draw_instant(draw, _DEFAULT_CALENDAR)
    for _ in range(draw(st.integers(min_size, max_size))):
        at = _within(draw, at, dt.timedelta(minutes=30))
        chain.append(
            AuditEntry.sealed(
                chain[-1] if chain else None,
                at=_written(draw, at, _DEFAULT_CALENDAR),
                actor_id=draw(_user_ids()),
                actor_role=draw(st.sampled_from(ActorRole)),
                component=draw(st.sampled_from(_COMPONENTS)),
                action=draw(st.sampled_from(_ACTIONS) | _texts(16)),
                outcome=draw(st.sampled_from(AuditOutcome)),
                target=str(draw(st.uuids())) if draw(st.booleans()) else None,
                detail=draw(st.just("") | _texts(40, free=True)),
            )
        )
    return chain


def audit_entries() -> SearchStrategy[AuditEntry]:
    """Draw sealed audit entries, each one link of a valid chain."""
    return audit_chains(min_size=1, max_size=4).flatmap(st.sampled_from)


def audit_keys() -> SearchStrategy[AuditKey]:
    """Draw audit keys of 32 to 64 bytes."""
    return st.binary(min_size=MINIMUM_KEY_BYTES, max_size=64).map(AuditKey)


@st.composite
def audit_checkpoints(draw: DrawFn) -> AuditCheckpoint:
    """Draw checkpoints sealed with an audit key, of a drawn chain's head or of an empty one."""
    chain = draw(audit_chains(min_size=0, max_size=3))
    head = chain[-1] if chain else None
    at = head.at if head is not None else _draw_instant(draw, _DEFAULT_CALENDAR)
    return AuditCheckpoint.of(head, at, draw(audit_keys()))


@st.composite
def unreadable_entries(draw: DrawFn) -> UnreadableEntry:
    """Draw what reading a stored entry with one value that cannot be read gives."""
    field = draw(st.sampled_from(AUDIT_COLUMNS[1:]))
    return UnreadableEntry(draw(st.integers(1, 10**6)), field, draw(_texts(8)), "cannot be read")


# --- domain events ---------------------------------------------------------------------------


@functools.cache
def _incident_numbers() -> SearchStrategy[str]:
    return st.builds(incident_number, st.integers(FIRST_YEAR, LAST_YEAR), st.integers(1, 999_999))


@st.composite
def _status_changes(draw: DrawFn) -> IncidentStatusChanged:
    """Draw a legal move of the lifecycle table; a move to closed carries its disposition."""
    moves = [(a, b) for a in IncidentStatus for b in _by_value(INCIDENT_TRANSITIONS[a])]
    previous, status = draw(st.sampled_from(moves))
    closing = status is IncidentStatus.CLOSED
    return IncidentStatusChanged(
        occurred_at=draw(aware_datetimes()),
        event_id=draw(st.uuids()),
        incident_id=draw(st.uuids()),
        number=draw(_incident_numbers()),
        previous=previous,
        status=status,
        disposition=draw(st.sampled_from(DispositionKind)) if closing else None,
    )


@functools.cache
def _event_fields() -> Mapping[type[DomainEvent], Mapping[str, SearchStrategy[Any]]]:
    ids = st.uuids()
    return {
        OfficerRegistered: {"officer_id": ids, "badge": _badges()},
        SchoolRegistered: {"school_id": ids},
        OfficerAssigned: {
            "assignment_id": ids,
            "officer_id": ids,
            "school_id": ids,
            "role": st.sampled_from(AssignmentRole),
            "start": _dates(),
        },
        AssignmentEnded: {"assignment_id": ids, "end": _dates()},
        IncidentReported: {
            "incident_id": ids,
            "number": _incident_numbers(),
            "school_id": _optional(ids),
            "category": _codes("sro.incident_category"),
        },
        IncidentEscalated: {"contact_id": ids, "incident_id": ids},
        PersonRecorded: {"person_id": ids},
        PersonCorrected: {
            "person_id": ids,
            "fields": st.lists(st.sampled_from(sorted(CORRECTABLE)), min_size=1, unique=True).map(
                tuple
            ),
        },
        PeopleMerged: {"keep_id": ids, "duplicate_id": ids},
        MergeUndone: {"keep_id": ids, "duplicate_id": ids},
        ReportReviewed: {
            "incident_id": ids,
            "number": _incident_numbers(),
            "previous": st.sampled_from(ReviewState),
            "review": st.sampled_from(ReviewState),
        },
        ContactLogged: {
            "contact_id": ids,
            "officer_id": ids,
            "purpose": st.sampled_from(ContactPurpose),
            "triad_role": st.sampled_from(TriadRole),
        },
        ActivityRecorded: {
            "activity_id": ids,
            "officer_id": ids,
            "attendance": st.integers(0, 3_000),
        },
        PartnerRegistered: {"partner_id": ids},
        AgreementSigned: {"agreement_id": ids, "review_due": _dates()},
        ReferralMade: {
            "referral_id": ids,
            "incident_id": ids,
            "partner_id": ids,
            "reason": st.sampled_from(ReferralReason),
        },
        ReferralUpdated: {"referral_id": ids, "status": st.sampled_from(ReferralStatus)},
        CrisisDeclared: {
            "crisis_id": ids,
            "school_id": ids,
            "kind": st.sampled_from(CrisisKind),
        },
        CrisisMessagePosted: {
            "crisis_id": ids,
            "message_id": ids,
            "author_role": st.sampled_from(CrisisRole),
            "audience": _subsets(list(CrisisRole), min_size=1),
        },
        CrisisResolved: {"crisis_id": ids, "school_id": ids},
    }


def _events_of(event_type: type[DomainEvent]) -> SearchStrategy[DomainEvent]:
    if event_type is IncidentStatusChanged:
        return _status_changes()
    fields = _event_fields()
    if event_type not in fields:
        raise InvalidArgument(f"no strategy for the event type {event_type.__name__}")
    return st.builds(
        event_type,
        occurred_at=aware_datetimes(),
        event_id=st.uuids(),
        **fields[event_type],
    )


def domain_events(*event_types: type[DomainEvent]) -> SearchStrategy[DomainEvent]:
    """Draw domain events of the given types, or of every type of ``EVENT_TYPES``."""
    return st.one_of([_events_of(t) for t in event_types or EVENT_TYPES])


# --- everything ------------------------------------------------------------------------------


def any_domain_value() -> SearchStrategy[Any]:
    """Draw a value of any domain type, for round-trip tests of converters and storage."""
    return st.one_of(
        addresses(),
        program_calendars(),
        school_years(),
        certifications(),
        officers(),
        grade_spans(),
        school_ids(),
        schools(),
        assignments(),
        demographics(),
        people(),
        offenses(),
        property_items(),
        drugs(),
        age_ranges(),
        relationships(),
        victim_details(),
        non_person_victims(),
        arrests(),
        involvements(),
        locations(),
        dispositions(),
        incidents(edge_cases=True),
        review_steps(),
        community_contacts(),
        education_activities(),
        partners(),
        clauses(),
        agreements(),
        referrals(),
        crisis_messages(),
        crisis_events(),
        actors(),
        actor_entries(),
        audit_entries(),
        domain_events(),
    )
