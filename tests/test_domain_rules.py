"""Properties for every rule of the domain (DESIGN.md §3), over the kit's own strategies."""

from __future__ import annotations

import datetime as dt
import functools
import re
import uuid
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st

from sro_core.codes import default_tables
from sro_core.domain import (
    AGE_OF_MAJORITY,
    GENESIS_HASH,
    INCIDENT_TRANSITIONS,
    REFERRABLE,
    REFERRAL_TRANSITIONS,
    Actor,
    ActorRole,
    Agreement,
    Arrest,
    Assignment,
    AssignmentRole,
    AuditEntry,
    AuditOutcome,
    ClauseKind,
    CrisisKind,
    CrisisStatus,
    Disposition,
    DispositionKind,
    EducationActivity,
    GradeSpan,
    IllegalTransition,
    Incident,
    IncidentStatus,
    Involvement,
    InvolvementRole,
    JuvenileDisposition,
    Location,
    LocationKind,
    OfficerStatus,
    Partner,
    PartnerKind,
    Person,
    PersonKind,
    ProgramCalendar,
    RecordClass,
    ReferralReason,
    ReferralStatus,
    RuleViolation,
    SchoolIds,
    SharingRefused,
    check_assignable,
    check_assignments,
    check_badges_unique,
    check_incident,
    check_messages_appended,
    check_one_active_crisis,
    check_partner_names_unique,
    check_school_ids_unique,
    check_sharing,
    code_problems,
    coverage,
    is_juvenile,
    refer,
    verify_chain,
)
from sro_core.testing import strategies as sx

DAY = dt.timedelta(days=1)
LA = ProgramCalendar()

CARRIED = settings(max_examples=max(10, settings.default.max_examples // 4))
"""For a rule that a generated incident only carries (the rule does not depend on what the
incident holds): a quarter of the profile's examples keeps the suite within its time."""

# --- assignments -----------------------------------------------------------------------------


def _boundary_days(assignments: list[Assignment]) -> set[dt.date]:
    """Return every day an assignment starts or ends, and the days either side.

    Two closed periods overlap exactly when the later start lies in both, so these days are
    where any double cover would show; checking them is the brute force over all days.
    """
    days: set[dt.date] = set()
    for a in assignments:
        for edge in (a.start, a.end):
            if edge is not None:
                days |= {edge - DAY, edge, edge + DAY}
    return days


@given(sx.assignment_sets())
def test_accepted_assignments_give_one_primary_per_officer_and_one_cover_per_role(assignments):
    """An accepted assignment set never double-books an officer's primary nor a school's role."""
    check_assignments(assignments)
    schools = {a.school_id for a in assignments}
    for day in _boundary_days(assignments):
        in_force = [a for a in assignments if a.start <= day and (a.end is None or day <= a.end)]
        primaries = [a.officer_id for a in in_force if a.role is AssignmentRole.PRIMARY]
        assert len(primaries) == len(set(primaries))
        for school_id in schools:
            covering = [a for a in in_force if a.school_id == school_id]
            by_role = {a.role: a.officer_id for a in covering}
            assert len(by_role) == len(covering)
            assert coverage(assignments, school_id, day) == by_role


@given(sx.assignment_sets(), st.data())
def test_a_forced_overlap_is_refused(assignments, data):
    """An assignment sharing a day with one of its school and role, or a primary, is refused."""
    taken = data.draw(st.sampled_from(assignments)) if assignments else data.draw(sx.assignments())
    last = taken.end or taken.start + 400 * DAY
    day = data.draw(st.dates(taken.start, last))
    start = day - data.draw(st.integers(0, 30)) * DAY
    end = data.draw(st.none() | st.integers(0, 30).map(lambda n: day + n * DAY))
    newcomer = uuid.UUID(int=1 << 64)  # drawn ids are random; this one is no officer yet
    clash = Assignment(newcomer, taken.school_id, taken.role, start, end)
    with pytest.raises(RuleViolation) as refused:
        check_assignments([*assignments, taken, clash])
    assert refused.value.field == "role"
    if taken.role is AssignmentRole.PRIMARY:
        second = Assignment(taken.officer_id, newcomer, AssignmentRole.PRIMARY, start, end)
        with pytest.raises(RuleViolation) as refused:
            check_assignments([*assignments, taken, second])
        assert refused.value.field == "start"


def test_adjacent_assignments_do_not_overlap():
    """An assignment ending on a day and the next starting the day after are both accepted."""
    officer, school = uuid.uuid4(), uuid.uuid4()
    first = Assignment(
        officer, school, AssignmentRole.PRIMARY, dt.date(2025, 8, 1), dt.date(2026, 6, 30)
    )
    second = Assignment(officer, school, AssignmentRole.PRIMARY, dt.date(2026, 7, 1))
    check_assignments([first, second])
    with pytest.raises(RuleViolation):
        check_assignments(
            [first, attrs.evolve(second, start=dt.date(2026, 6, 30), id=uuid.uuid4())]
        )


@given(sx.assignments(), st.integers(-400, 400))
def test_an_assignment_never_ends_before_it_starts(assignment, days):
    """Assignment end ≥ start: an earlier end is refused, naming the end field."""
    end = assignment.start + days * DAY
    if days < 0:
        with pytest.raises(RuleViolation) as refused:
            attrs.evolve(assignment, end=end)
        assert refused.value.field == "end"
    else:
        assert attrs.evolve(assignment, end=end).end == end


@given(sx.officers())
def test_only_an_active_officer_is_assignable(officer):
    """check_assignable accepts an active officer and refuses every other status."""
    if officer.status is OfficerStatus.ACTIVE:
        check_assignable(officer)
    else:
        with pytest.raises(RuleViolation) as refused:
            check_assignable(officer)
        assert refused.value.field == "officer.status"


@given(sx.certifications(), st.integers(-400, 400))
def test_a_certification_never_expires_before_it_is_issued(certification, days):
    """Certification expires ≥ issued."""
    expires = certification.issued + days * DAY
    if days < 0:
        with pytest.raises(RuleViolation):
            attrs.evolve(certification, expires=expires)
    else:
        assert attrs.evolve(certification, expires=expires).valid_on(expires)


# --- uniqueness ------------------------------------------------------------------------------


@given(st.lists(sx.officers(), min_size=1, max_size=6, unique_by=lambda o: o.badge), st.data())
def test_badges_are_unique(officers, data):
    """Officers with distinct badges pass; a second officer with a taken badge is refused."""
    check_badges_unique([*officers, officers[0]])  # the same officer twice is no clash
    taken = data.draw(st.sampled_from(officers))
    impostor = attrs.evolve(data.draw(sx.officers()), badge=taken.badge, id=uuid.uuid4())
    with pytest.raises(RuleViolation) as refused:
        check_badges_unique([*officers, impostor])
    assert refused.value.field == "badge"


@given(st.lists(sx.schools(), min_size=1, max_size=5), st.data())
def test_school_identifiers_are_unique(schools, data):
    """Schools with distinct external ids pass; another school with a taken id is refused."""
    schools = [
        attrs.evolve(s, ids=SchoolIds(**{k: f"{v}-{n}" for k, v in s.ids.known().items()}))
        for n, s in enumerate(schools)
    ]
    check_school_ids_unique(schools)
    kind = data.draw(st.sampled_from(("state_school_code", "nces_id", "ed_fi_id")))
    taken = data.draw(st.sampled_from(schools))
    value = taken.ids.known().get(kind, "shared-id")
    first = attrs.evolve(taken, ids=attrs.evolve(taken.ids, **{kind: value}))
    other = attrs.evolve(data.draw(sx.schools()), ids=SchoolIds(**{kind: value}), id=uuid.uuid4())
    with pytest.raises(RuleViolation) as refused:
        check_school_ids_unique([first, other])
    assert refused.value.field == f"ids.{kind}"


@given(
    st.lists(
        sx.partners(), min_size=1, max_size=6, unique_by=lambda p: (p.kind, p.name.casefold())
    ),
    st.data(),
)
def test_partner_names_are_unique_per_kind(partners, data):
    """A partner name is unique within its kind, and may be reused by another kind."""
    check_partner_names_unique(partners)
    taken = data.draw(st.sampled_from(partners))
    twin = Partner(taken.name, taken.kind)
    with pytest.raises(RuleViolation) as refused:
        check_partner_names_unique([*partners, twin])
    assert refused.value.field == "name"
    other_kind = data.draw(st.sampled_from([k for k in PartnerKind if k is not taken.kind]))
    check_partner_names_unique([taken, Partner(taken.name, other_kind)])


def test_partner_names_clash_whatever_their_case():
    """MADNET and madnet, both narcotics task forces, are one name."""
    with pytest.raises(RuleViolation):
        check_partner_names_unique(
            [
                Partner("MADNET", PartnerKind.NARCOTICS_TASK_FORCE),
                Partner("madnet", PartnerKind.NARCOTICS_TASK_FORCE),
            ]
        )


@given(st.integers(-3, 15), st.integers(-3, 15))
def test_grade_spans_are_valid(lowest, highest):
    """A grade span runs within PK..12 and its highest grade is not below its lowest."""
    valid = -1 <= lowest <= highest <= 12
    if valid:
        span = GradeSpan(lowest, highest)
        assert all(g in span for g in range(lowest, highest + 1))
    else:
        with pytest.raises(RuleViolation):
            GradeSpan(lowest, highest)


# --- juveniles -------------------------------------------------------------------------------


def _eighteenth_birthday(born: dt.date) -> dt.date:
    """Return the day a person turns 18, as a calendar date (Feb 29 births: March 1)."""
    try:
        return dt.date(born.year + AGE_OF_MAJORITY, born.month, born.day)
    except ValueError:
        return dt.date(born.year + AGE_OF_MAJORITY, 3, 1)


@given(
    sx.people(born=st.dates(dt.date(1980, 1, 1), dt.date(2030, 12, 31))),
    st.dates(dt.date(1995, 1, 1), dt.date(2050, 12, 31)),
)
def test_juvenile_status_agrees_with_the_eighteenth_birthday(person, day):
    """A person is a juvenile on a day exactly when it is before their 18th birthday."""
    expected = day < _eighteenth_birthday(person.date_of_birth)
    assert is_juvenile(person, day) is expected
    involvement = Involvement(person, frozenset({InvolvementRole.WITNESS}))
    assert involvement.is_juvenile(day) is expected


@pytest.mark.parametrize(
    ("born", "day", "juvenile"),
    [
        (dt.date(2008, 2, 29), dt.date(2026, 2, 27), True),
        (dt.date(2008, 2, 29), dt.date(2026, 2, 28), True),
        (dt.date(2008, 2, 29), dt.date(2026, 3, 1), False),
        (dt.date(2010, 6, 15), dt.date(2028, 6, 14), True),
        (dt.date(2010, 6, 15), dt.date(2028, 6, 15), False),
        (dt.date(2010, 12, 31), dt.date(2029, 1, 1), False),
    ],
)
def test_the_eighteenth_birthday_ends_juvenile_status(born, day, juvenile):
    """A person is 18 on their 18th birthday; a February 29 birth comes of age on March 1."""
    assert is_juvenile(Person(PersonKind.STUDENT, date_of_birth=born), day) is juvenile


@given(st.sampled_from(PersonKind), sx.age_ranges() | st.none(), st.dates(dt.date(2000, 1, 1)))
def test_without_a_birth_date_a_student_is_a_juvenile(kind, estimate, day):
    """No date of birth: the estimate's low age decides, else only a student is a juvenile."""
    person = Person(kind)
    involvement = Involvement(person, frozenset({InvolvementRole.SUSPECT}), estimated_age=estimate)
    assert is_juvenile(person, day) is (kind is PersonKind.STUDENT)
    if estimate is None:
        assert involvement.is_juvenile(day) is (kind is PersonKind.STUDENT)
    else:
        assert involvement.is_juvenile(day) is (estimate.low < AGE_OF_MAJORITY)


# --- the incident lifecycle ------------------------------------------------------------------

WARNING = Disposition(DispositionKind.WARNING, dt.date(2030, 1, 1))


def _request(incident: Incident, status: IncidentStatus) -> Incident:
    """Ask an incident to move, the way a command would: reporting and closing carry their data."""
    if status is IncidentStatus.REPORTED:
        return incident.reported("2030-000001")
    if status is IncidentStatus.CLOSED:
        return incident.closed(WARNING)
    if status is IncidentStatus.REOPENED:
        return incident.reopened()
    return incident.moved_to(status)


@given(sx.incident_lifecycles())
def test_transitions_follow_the_lifecycle_table(lifecycle):
    """Random requests move an incident only along INCIDENT_TRANSITIONS; others raise."""
    incident, requests = lifecycle
    for status in requests:
        allowed = status in INCIDENT_TRANSITIONS[incident.status]
        if allowed:
            moved = _request(incident, status)
            assert moved.status is status
            incident = moved
        else:
            with pytest.raises(IllegalTransition) as refused:
                _request(incident, status)
            assert (refused.value.current, refused.value.requested) == (incident.status, status)
        assert incident.status is IncidentStatus.DRAFT or incident.number is not None
        assert incident.status is not IncidentStatus.CLOSED or incident.disposition is not None


_CLOSABLE = [s for s in IncidentStatus if IncidentStatus.CLOSED in INCIDENT_TRANSITIONS[s]]


@CARRIED
@given(st.sampled_from(_CLOSABLE).flatmap(sx.incidents))
def test_closing_needs_a_disposition(incident):
    """An incident moved to closed without a disposition is refused; closed() records one."""
    bare = attrs.evolve(incident, disposition=None)
    with pytest.raises(RuleViolation) as refused:
        bare.moved_to(IncidentStatus.CLOSED)
    assert not isinstance(refused.value, IllegalTransition)
    assert refused.value.field == "disposition"
    assert bare.closed(WARNING).disposition == WARNING


@CARRIED
@given(st.sampled_from(_CLOSABLE).flatmap(sx.incidents))
def test_an_arrest_disposition_needs_an_arrestee(incident):
    """Closing with an arrest is refused while nobody is arrested."""
    nobody = attrs.evolve(incident, involvements=(), disposition=None, school_related_arrest=False)
    arrest = Disposition(DispositionKind.ARREST, dt.date(2030, 1, 1))
    with pytest.raises(RuleViolation) as refused:
        nobody.closed(arrest)
    assert refused.value.field == "disposition.kind"
    if incident.with_role(InvolvementRole.ARRESTEE):
        assert attrs.evolve(incident, disposition=None).closed(arrest).disposition == arrest


def _arrestee(born: dt.date, day: dt.date, disposition: JuvenileDisposition | None) -> Involvement:
    return Involvement(
        Person(PersonKind.STUDENT, date_of_birth=born),
        frozenset({InvolvementRole.ARRESTEE}),
        arrest=Arrest(day, "13B", juvenile_disposition=disposition),
    )


def _ages_in_days() -> st.SearchStrategy[int]:
    """Draw ages in days, many of them within days of the 18th birthday."""
    eighteen = 18 * 365 + 4
    return st.integers(10 * 365, 30 * 365) | st.integers(eighteen - 4, eighteen + 4)


@given(sx.program_calendars(), st.data())
def test_a_juvenile_arrestee_needs_a_juvenile_disposition(calendar, data):
    """check_incident refuses a juvenile arrestee without a juvenile disposition, on local dates."""
    incident = data.draw(sx.incidents(calendar=calendar, edge_cases=True))
    check_incident(incident, calendar)
    day = calendar.local_date(incident.occurred_start)
    born = day - data.draw(_ages_in_days()) * DAY
    n = len(incident.involvements)
    without = incident.involving(_arrestee(born, day, None))
    if day < _eighteenth_birthday(born):
        with pytest.raises(RuleViolation) as refused:
            check_incident(without, calendar)
        assert refused.value.field == f"involvements[{n}].arrest.juvenile_disposition"
    else:
        check_incident(without, calendar)
    handled = JuvenileDisposition.HANDLED_WITHIN_DEPARTMENT
    check_incident(incident.involving(_arrestee(born, day, handled)), calendar)


def test_juvenile_status_is_taken_on_the_local_incident_date():
    """At 23:30 PST on Feb 28 (07:30 UTC, Mar 1) someone turning 18 on Mar 1 is a juvenile."""
    occurred = dt.datetime(2026, 3, 1, 7, 30, tzinfo=dt.UTC)
    incident = Incident(
        uuid.uuid4(), occurred, occurred, Location(LocationKind.COMMUNITY, "13"), "other"
    )
    day = LA.local_date(occurred)
    assert day == dt.date(2026, 2, 28)
    arrested = incident.involving(_arrestee(dt.date(2008, 3, 1), dt.date(2026, 3, 1), None))
    with pytest.raises(RuleViolation) as refused:
        check_incident(arrested, LA)
    assert refused.value.field == "involvements[0].arrest.juvenile_disposition"
    check_incident(arrested, ProgramCalendar("UTC"))


@CARRIED
@given(sx.incidents(), st.integers(1, 30))
def test_an_arrest_is_never_dated_before_the_incident_day(incident, days_early):
    """check_incident refuses an arrest dated before the program-local incident day."""
    day = LA.local_date(incident.occurred_start)
    arrestee = _arrestee(dt.date(1980, 1, 1), day - days_early * DAY, None)
    n = len(incident.involvements)
    with pytest.raises(RuleViolation) as refused:
        check_incident(incident.involving(arrestee), LA)
    assert refused.value.field == f"involvements[{n}].arrest.arrested_on"


def test_only_closed_leads_to_reopened():
    """The lifecycle table lets an incident reopen from closed and from nowhere else."""
    sources = {
        s for s, targets in INCIDENT_TRANSITIONS.items() if IncidentStatus.REOPENED in targets
    }
    assert sources == {IncidentStatus.CLOSED}


@CARRIED
@given(st.sampled_from(IncidentStatus).flatmap(sx.incidents))
def test_only_a_closed_incident_is_reopened(incident):
    """reopened() works from closed, keeping the disposition, and raises from any other status."""
    if incident.status is IncidentStatus.CLOSED:
        reopened = incident.reopened()
        assert reopened.status is IncidentStatus.REOPENED
        assert reopened.disposition == incident.disposition
    else:
        with pytest.raises(IllegalTransition):
            incident.reopened()


@CARRIED
@given(
    st.sampled_from([s for s in IncidentStatus if s is not IncidentStatus.DRAFT]).flatmap(
        sx.incidents
    )
)
def test_a_reported_incident_has_a_number(incident):
    """Past draft, an incident carries a YYYY-NNNNNN number; taking it away is refused."""
    assert incident.number is not None
    assert re.fullmatch(r"\d{4}-\d{6}", incident.number)
    with pytest.raises(RuleViolation) as refused:
        attrs.evolve(incident, number=None)
    assert refused.value.field == "number"


@CARRIED
@given(sx.incidents(status=IncidentStatus.DRAFT))
def test_an_on_campus_incident_has_a_school(incident):
    """An on-campus incident without its school is refused."""
    on_campus = Location(LocationKind.ON_CAMPUS, "53")
    with pytest.raises(RuleViolation) as refused:
        attrs.evolve(incident, location=on_campus, school_id=None)
    assert refused.value.field == "school_id"


@CARRIED
@given(sx.incidents(), st.data())
def test_each_person_is_involved_once(incident, data):
    """Listing the same person twice in an incident is refused."""
    if not incident.involvements:
        return
    again = data.draw(st.sampled_from(incident.involvements))
    with pytest.raises(RuleViolation) as refused:
        attrs.evolve(incident, involvements=(*incident.involvements, again))
    assert refused.value.field == "involvements"


def _victims(incident: Incident) -> list[int]:
    return [n for n, i in enumerate(incident.involvements) if i.victim is not None]


@given(sx.incidents(edge_cases=True), st.data())
def test_a_victim_connects_only_to_the_incidents_offenses(incident, data):
    """A victim connected to an offense the incident does not have is refused."""
    if not _victims(incident):
        return
    n = data.draw(st.sampled_from(_victims(incident)))
    involvement = incident.involvements[n]
    assert involvement.victim is not None
    strays = sorted(
        {"09A", "13A", "13B", "220", "35A", "520"} - {o.ucr_code for o in incident.offenses}
    )
    codes = (*involvement.victim.offense_codes, data.draw(st.sampled_from(strays)))
    victim = attrs.evolve(involvement.victim, offense_codes=codes)
    with pytest.raises(RuleViolation) as refused:
        attrs.evolve(
            incident,
            involvements=_replaced(
                incident.involvements, n, attrs.evolve(involvement, victim=victim)
            ),
        )
    assert refused.value.field == f"involvements[{n}].victim.offense_codes"


@given(sx.incidents(edge_cases=True), st.data())
def test_a_victim_relates_only_to_the_incidents_offenders(incident, data):
    """A victim related to someone who is not an offender, suspect or arrestee is refused."""
    if not _victims(incident):
        return
    n = data.draw(st.sampled_from(_victims(incident)))
    involvement = incident.involvements[n]
    assert involvement.victim is not None
    stranger = data.draw(sx.relationships())
    related = (*involvement.victim.relationships, stranger)
    victim = attrs.evolve(involvement.victim, relationships=related)
    changed = _replaced(incident.involvements, n, attrs.evolve(involvement, victim=victim))
    with pytest.raises(RuleViolation) as refused:
        attrs.evolve(incident, involvements=changed)
    assert refused.value.field == f"involvements[{n}].victim.relationships"


def _replaced(items: tuple[Any, ...], n: int, item: Any) -> tuple[Any, ...]:
    return (*items[:n], item, *items[n + 1 :])


# --- the daily log and activities ------------------------------------------------------------


@CARRIED
@given(sx.community_contacts(escalated=False), sx.incidents())
def test_escalation_links_both_ways_and_only_once(contact, incident):
    """An escalated contact points at its incident, the incident back at it, and only once."""
    escalated = attrs.evolve(incident, escalated_from=contact.id)
    linked = contact.escalated_to(escalated)
    assert linked.incident_id == escalated.id
    assert escalated.escalated_from == linked.id
    with pytest.raises(RuleViolation) as refused:
        linked.escalated_to(escalated)
    assert refused.value.field == "incident_id"
    with pytest.raises(RuleViolation) as refused:
        contact.escalated_to(attrs.evolve(incident, escalated_from=uuid.uuid4()))
    assert refused.value.field == "escalated_from"


@given(sx.education_activities(), st.integers(-5, 5), st.integers(-5, 5))
def test_attendance_is_never_negative_and_minutes_are_positive(activity, attendance, minutes):
    """An activity needs attendance ≥ 0 and minutes > 0."""
    if attendance >= 0 and minutes > 0:
        changed = attrs.evolve(activity, attendance=attendance, minutes=minutes)
        assert isinstance(changed, EducationActivity)
    else:
        with pytest.raises(RuleViolation) as refused:
            attrs.evolve(activity, attendance=attendance, minutes=minutes)
        broken = {"attendance"} if attendance < 0 else set()
        broken |= {"minutes"} if minutes < 1 else set()
        assert refused.value.field in broken


@given(sx.community_contacts(), st.integers(-5, 0))
def test_a_contact_lasts_at_least_a_minute(contact, minutes):
    """A contact of zero or fewer minutes is refused."""
    with pytest.raises(RuleViolation):
        attrs.evolve(contact, minutes=minutes)


# --- agreements and referrals ----------------------------------------------------------------


def _in_force(agreement: Agreement, day: dt.date) -> bool:
    return agreement.effective_from <= day and (
        agreement.effective_to is None or day <= agreement.effective_to
    )


def _agreement_days(agreements: list[Agreement]) -> st.SearchStrategy[dt.date]:
    """Draw days on and around the edges of the agreements' effective periods."""
    edges = {dt.date(2020, 1, 1)}
    for a in agreements:
        for edge in (a.effective_from, a.effective_to):
            if edge is not None:
                edges |= {edge - DAY, edge, edge + DAY}
    return st.sampled_from(sorted(edges))


@st.composite
def _agreement_world(draw):
    """Draw a few partners, agreements among them, and a (partner, record class, day) to ask."""
    pool = draw(st.lists(st.uuids(), min_size=1, max_size=3, unique=True))
    agreements = draw(st.lists(sx.agreements(pool), max_size=3))
    partner = draw(st.sampled_from([*pool, uuid.UUID(int=0)]))
    record = draw(st.sampled_from(RecordClass))
    return agreements, partner, record, draw(_agreement_days(agreements))


@given(_agreement_world())
def test_sharing_needs_an_active_agreement_allowing_the_record_class(world):
    """check_sharing allows exactly what an in-force agreement's clause grants that partner."""
    agreements, partner, record, day = world
    allowing = [
        a
        for a in agreements
        if _in_force(a, day)
        and partner in a.partner_ids
        and any(
            c.kind is ClauseKind.INFORMATION_SHARING
            and c.partner_id == partner
            and record in c.shares
            for c in a.clauses
        )
    ]
    if allowing:
        assert check_sharing(agreements, partner, record, day) == allowing[0]
    else:
        with pytest.raises(SharingRefused) as refused:
            check_sharing(agreements, partner, record, day)
        assert refused.value.field == "partner_id"


@CARRIED
@given(
    st.sampled_from(IncidentStatus).flatmap(sx.incidents),
    _agreement_world(),
    st.sampled_from(ReferralReason),
)
def test_referral_needs_an_open_reported_incident_and_a_covered_partner(incident, world, reason):
    """refer() takes an open, reported incident to a partner that an in-force agreement covers."""
    agreements, partner, _, day = world
    sent_at = dt.datetime.combine(day, dt.time(12), dt.UTC)
    covering = [a for a in agreements if _in_force(a, day) and partner in a.partner_ids]
    call = functools.partial(
        refer, incident, partner, reason, sent_at=sent_at, day=day, agreements=agreements
    )
    if incident.status in {IncidentStatus.DRAFT, IncidentStatus.CLOSED}:
        with pytest.raises(RuleViolation) as refused:
            call()
        assert refused.value.field == "incident.status"
    elif not covering:
        with pytest.raises(SharingRefused):
            call()
    else:
        referral = call()
        assert (referral.incident_id, referral.partner_id) == (incident.id, partner)
        assert referral.agreement_id == covering[0].id
        assert referral.status is ReferralStatus.SENT


def test_only_draft_and_closed_incidents_are_not_referrable():
    """REFERRABLE holds every status from reported on, except closed."""
    assert set(IncidentStatus) - REFERRABLE == {IncidentStatus.DRAFT, IncidentStatus.CLOSED}


@given(
    sx.referrals(ReferralStatus.SENT),
    st.lists(st.tuples(st.sampled_from(ReferralStatus), st.none() | st.just("diverted"))),
)
def test_referral_transitions_follow_the_table_and_closing_records_an_outcome(referral, requests):
    """A referral moves only along REFERRAL_TRANSITIONS, and is closed only with an outcome."""
    for status, outcome in requests:
        legal = status in REFERRAL_TRANSITIONS[referral.status]
        if not legal:
            with pytest.raises(IllegalTransition):
                referral.moved_to(status, outcome)
        elif status is ReferralStatus.CLOSED and (outcome or referral.outcome) is None:
            with pytest.raises(RuleViolation) as refused:
                referral.moved_to(status, outcome)
            assert refused.value.field == "outcome"
        else:
            referral = referral.moved_to(status, outcome)
            assert referral.status is status
        assert referral.status is not ReferralStatus.CLOSED or referral.outcome is not None


# --- crises ----------------------------------------------------------------------------------


@st.composite
def _crises_at_two_schools(draw):
    """Draw crises at two schools, of two kinds, so that clashes are common."""
    schools = [uuid.UUID(int=1), uuid.UUID(int=2)]
    kinds = [CrisisKind.LOCKDOWN, CrisisKind.MEDICAL]
    return [
        draw(
            sx.crisis_events(
                school_id=draw(st.sampled_from(schools)), kind=draw(st.sampled_from(kinds))
            )
        )
        for _ in range(draw(st.integers(0, 5)))
    ]


@given(_crises_at_two_schools())
def test_one_active_crisis_of_a_kind_per_school(crises):
    """check_one_active_crisis refuses two active crises of one kind at one school, only that."""
    active = [(c.school_id, c.kind) for c in crises if c.status is CrisisStatus.ACTIVE]
    if len(active) == len(set(active)):
        check_one_active_crisis(crises)
    else:
        with pytest.raises(RuleViolation) as refused:
            check_one_active_crisis(crises)
        assert refused.value.field == "kind"


@given(sx.crisis_events(CrisisStatus.ACTIVE), st.data())
def test_crisis_messages_are_appended_in_time_order(crisis, data):
    """A later message is appended after the others; an earlier one, or an edit, is refused."""
    last = crisis.messages[-1].at if crisis.messages else crisis.declared_at
    later = last + data.draw(st.timedeltas(dt.timedelta(0), dt.timedelta(hours=2)))
    after = crisis.posted(data.draw(sx.crisis_messages(later)))
    check_messages_appended(crisis, after)
    assert after.messages[: len(crisis.messages)] == crisis.messages
    earlier = last - data.draw(st.timedeltas(dt.timedelta(microseconds=1), dt.timedelta(hours=2)))
    with pytest.raises(RuleViolation) as refused:
        crisis.posted(data.draw(sx.crisis_messages(earlier)))
    assert refused.value.field == f"messages[{len(crisis.messages)}].at"
    if crisis.messages:
        edited = attrs.evolve(crisis.messages[0], text=crisis.messages[0].text + " (edited)")
        rewritten = attrs.evolve(after, messages=(edited, *after.messages[1:]))
        with pytest.raises(RuleViolation):
            check_messages_appended(crisis, rewritten)
        with pytest.raises(RuleViolation):
            check_messages_appended(crisis, attrs.evolve(after, messages=after.messages[1:]))


@given(sx.crisis_events(CrisisStatus.ACTIVE), st.data())
def test_the_all_clear_ends_a_crisis(crisis, data):
    """After the all clear nothing more is posted, and it cannot be given twice or too early."""
    last = crisis.messages[-1].at if crisis.messages else crisis.declared_at
    ended = crisis.all_clear(
        last + data.draw(st.timedeltas(dt.timedelta(0), dt.timedelta(hours=2)))
    )
    assert ended.status is CrisisStatus.ALL_CLEAR
    with pytest.raises(RuleViolation):
        ended.posted(data.draw(sx.crisis_messages(ended.ended_at)))
    with pytest.raises(RuleViolation):
        ended.all_clear(ended.ended_at)
    with pytest.raises(RuleViolation) as refused:
        crisis.all_clear(last - dt.timedelta(microseconds=1))
    assert refused.value.field == "ended_at"
    check_one_active_crisis([ended, attrs.evolve(crisis, id=uuid.uuid4())])


# --- actors ----------------------------------------------------------------------------------


@given(
    st.sampled_from(ActorRole),
    st.frozensets(st.uuids(), max_size=2),
    st.none() | st.uuids(),
)
def test_an_actors_scope_matches_its_role(role, schools, partner_id):
    """Only a school administrator has schools (and must); only a partner liaison has a partner."""
    fits = (role is ActorRole.SCHOOL_ADMINISTRATOR) == bool(schools) and (
        role is ActorRole.PARTNER_LIAISON
    ) == (partner_id is not None)
    make = functools.partial(Actor, "u1", "User One", role, schools=schools, partner_id=partner_id)
    if fits:
        assert make().role is role
    else:
        with pytest.raises(RuleViolation) as refused:
            make()
        assert refused.value.field in {"schools", "partner_id"}


# --- the audit chain -------------------------------------------------------------------------


def _altered(entry: AuditEntry, field: str) -> AuditEntry:
    """Return the entry with one field changed to another valid value."""
    value = getattr(entry, field)
    changes: dict[str, Callable[[Any], Any]] = {
        "sequence": lambda v: v + 1,
        "at": lambda v: v + dt.timedelta(microseconds=1),
        "actor_id": lambda v: v + "x",
        "actor_role": lambda v: next(r for r in ActorRole if r is not v),
        "component": lambda v: v + "x",
        "action": lambda v: v + "x",
        "outcome": lambda v: next(o for o in AuditOutcome if o is not v),
        "target": lambda v: "other" if v is None else None,
        "detail": lambda v: v + "x",
        "previous_hash": lambda v: ("1" if v[0] == "0" else "0") + v[1:],
        "hash": lambda v: ("1" if v[0] == "0" else "0") + v[1:],
        "key_id": lambda v: v + "f",
    }
    return attrs.evolve(entry, **{field: changes[field](value)})


_AUDIT_FIELDS = [f.name for f in attrs.fields(AuditEntry)]


@given(sx.audit_chains(), st.data())
def test_audit_chains_verify_and_any_altered_field_is_found(chain, data):
    """A sealed chain verifies; altering any one field of one entry is reported at that entry."""
    assert verify_chain(chain) is None
    assert chain[0].previous_hash == GENESIS_HASH
    n = data.draw(st.integers(0, len(chain) - 1))
    field = data.draw(st.sampled_from(_AUDIT_FIELDS))
    tampered = [*chain[:n], _altered(chain[n], field), *chain[n + 1 :]]
    broken = verify_chain(tampered)
    assert broken is not None
    assert broken.sequence == chain[n].sequence


@given(sx.audit_chains(min_size=2), st.data())
def test_a_removed_or_reordered_audit_entry_is_found(chain, data):
    """Removing an entry (not the last) or swapping two is reported at the first one missing."""
    n = data.draw(st.integers(0, len(chain) - 2))
    broken = verify_chain([*chain[:n], *chain[n + 1 :]])
    assert broken is not None
    assert broken.sequence == n + 1
    m = data.draw(st.integers(n + 1, len(chain) - 1))
    swapped = list(chain)
    swapped[n], swapped[m] = swapped[m], swapped[n]
    broken = verify_chain(swapped)
    assert broken is not None
    assert broken.sequence == n + 1


# --- code tables -----------------------------------------------------------------------------

BAD_CODE = "§not-a-code"


def _code_paths(incident: Incident) -> list[str]:
    """Return the path of every coded field of an incident whose code may be replaced alone."""
    paths = ["category", "location.nibrs_code"]
    if incident.disposition and incident.disposition.exceptional_clearance:
        paths.append("disposition.exceptional_clearance")
    connected = {c for i in incident.involvements if i.victim for c in i.victim.offense_codes}
    codes = [o.ucr_code for o in incident.offenses]
    for n, o in enumerate(incident.offenses):
        if o.ucr_code not in connected or codes.count(o.ucr_code) > 1:
            paths.append(f"offenses[{n}].ucr_code")
        for name in ("weapons", "bias_motivations", "criminal_activities", "suspected_of_using"):
            paths += [f"offenses[{n}].{name}[{k}]" for k in range(len(getattr(o, name)))]
        if o.method_of_entry is not None:
            paths.append(f"offenses[{n}].method_of_entry")
    for n in range(len(incident.property)):
        paths += [f"property[{n}].loss_type", f"property[{n}].description"]
    for n, d in enumerate(incident.drugs):
        paths += [f"drugs[{n}].drug_type", f"drugs[{n}].loss_type"]
        if d.unit is not None:
            paths.append(f"drugs[{n}].unit")
    for n, i in enumerate(incident.involvements):
        at = f"involvements[{n}]"
        if v := i.victim:
            paths.append(f"{at}.victim.victim_type")
            paths += [f"{at}.victim.injuries[{k}]" for k in range(len(v.injuries))]
            paths += [f"{at}.victim.circumstances[{k}]" for k in range(len(v.circumstances))]
            paths += [f"{at}.victim.relationships[{k}].code" for k in range(len(v.relationships))]
            if v.resident_status is not None:
                paths.append(f"{at}.victim.resident_status")
        if a := i.arrest:
            paths += [
                f"{at}.arrest.{name}"
                for name in ("offense_code", "arrest_type", "multiple_arrestee")
            ]
            paths += [f"{at}.arrest.armed_with[{k}]" for k in range(len(a.armed_with))]
    return paths


_STEP = re.compile(r"(?P<name>\w+)(\[(?P<index>\d+)\])?")


def _set_path(value: Any, path: list[str], new: Any) -> Any:
    """Return ``value`` with the field at a dotted path (``offenses[0].weapons[1]``) replaced."""
    step = _STEP.fullmatch(path[0])
    assert step is not None
    name, index = step["name"], step["index"]
    current = getattr(value, name)
    if index is None:
        changed = new if len(path) == 1 else _set_path(current, path[1:], new)
    else:
        k = int(index)
        item = new if len(path) == 1 else _set_path(current[k], path[1:], new)
        changed = _replaced(current, k, item)
    return attrs.evolve(value, **{name: changed})


@given(sx.incidents(edge_cases=True), st.data())
def test_code_problems_name_the_path_of_a_bad_code(incident, data):
    """Generated incidents have no code problems; one bad code is reported at its field path."""
    tables = default_tables()
    assert code_problems(incident, tables) == []
    path = data.draw(st.sampled_from(_code_paths(incident)))
    try:
        changed = _set_path(incident, path.split("."), BAD_CODE)
    except RuleViolation:
        reject()  # an offense code a victim names cannot change alone: the model refuses it
    problems = code_problems(changed, tables)
    assert [(p.field, p.value) for p in problems] == [(path, BAD_CODE)]


# --- the program calendar --------------------------------------------------------------------

_STANDARD_HOURS = {
    "America/New_York": (-5, True),
    "America/Chicago": (-6, True),
    "America/Denver": (-7, True),
    "America/Los_Angeles": (-8, True),
    "America/Anchorage": (-9, True),
    "America/Phoenix": (-7, False),
    "America/Puerto_Rico": (-4, False),
    "Pacific/Honolulu": (-10, False),
    "UTC": (0, False),
}
"""Each zone's standard offset and whether it follows the US daylight-saving rules."""


def _sunday(year: int, month: int, nth: int) -> dt.date:
    """Return the nth Sunday of a month (-1: the last)."""
    if nth > 0:
        first = dt.date(year, month, 1)
        return first + ((6 - first.weekday()) % 7 + 7 * (nth - 1)) * DAY
    last = dt.date(year + month // 12, month % 12 + 1, 1) - DAY
    return last - ((last.weekday() + 1) % 7) * DAY


def _manual_wall_clock(instant: dt.datetime, time_zone: str) -> dt.datetime:
    """Convert an instant to a zone's wall clock by the US rules of 1987-2006 and 2007 on."""
    standard, daylight_saving = _STANDARD_HOURS[time_zone]
    utc = instant.astimezone(dt.UTC).replace(tzinfo=None)
    offset = standard
    if daylight_saving:
        if utc.year >= 2007:
            begins, ends = _sunday(utc.year, 3, 2), _sunday(utc.year, 11, 1)
        else:
            begins, ends = _sunday(utc.year, 4, 1), _sunday(utc.year, 10, -1)
        # 2:00 local standard time, and 2:00 local daylight time, in UTC.
        start = dt.datetime.combine(begins, dt.time(2)) - dt.timedelta(hours=standard)
        end = dt.datetime.combine(ends, dt.time(2)) - dt.timedelta(hours=standard + 1)
        if start <= utc < end:
            offset += 1
    return utc + dt.timedelta(hours=offset)


@given(sx.program_calendars(), st.data())
def test_local_days_months_and_school_years_agree_with_a_manual_conversion(calendar, data):
    """ProgramCalendar's local date, month and school year match the US rules worked by hand."""
    instant = data.draw(sx.aware_datetimes(calendar))
    wall = _manual_wall_clock(instant, calendar.time_zone)
    assert calendar.local(instant).replace(tzinfo=None) == wall
    assert calendar.local_date(instant) == wall.date()
    assert calendar.local_month(instant) == f"{wall.year:04d}-{wall.month:02d}"
    start_year = wall.year if wall.month >= 7 else wall.year - 1
    assert calendar.school_year(instant).start_year == start_year
    assert wall.date() in calendar.school_year(instant)


@given(sx.program_calendars(), st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 30)))
def test_a_local_day_runs_from_its_midnight_to_the_next(calendar, day):
    """day_bounds gives the UTC instants of local midnight, 23 to 25 hours apart around DST."""
    start, end = calendar.day_bounds(day)
    assert calendar.local_date(start) == day
    assert calendar.local_date(end - dt.timedelta(microseconds=1)) == day
    assert calendar.local_date(end) == day + DAY
    assert dt.timedelta(hours=23) <= end - start <= dt.timedelta(hours=25)


@pytest.mark.parametrize(
    ("instant", "month", "school_year"),
    [
        # 2025-07-01 06:30 UTC is still June 30 in Los Angeles: the old school year.
        (dt.datetime(2025, 7, 1, 6, 30, tzinfo=dt.UTC), "2025-06", 2024),
        (dt.datetime(2025, 7, 1, 7, 0, tzinfo=dt.UTC), "2025-07", 2025),
        # 2026-03-01 07:59 UTC is February 28, 23:59 PST.
        (dt.datetime(2026, 3, 1, 7, 59, tzinfo=dt.UTC), "2026-02", 2025),
    ],
)
def test_month_and_school_year_are_taken_in_los_angeles_time(instant, month, school_year):
    """Month and school-year boundaries fall at local midnight, not at UTC midnight."""
    assert LA.local_month(instant) == month
    assert LA.school_year(instant).start_year == school_year


# --- times must be aware ---------------------------------------------------------------------

_AWARE_FIELDS: list[tuple[str, st.SearchStrategy[Any], str]] = [
    ("incident", sx.incidents(), "occurred_start"),
    ("incident", sx.incidents(), "reported_at"),
    ("incident", sx.incidents(), "occurred_end"),
    ("contact", sx.community_contacts(), "at"),
    ("activity", sx.education_activities(), "held_at"),
    ("crisis", sx.crisis_events(), "declared_at"),
    ("crisis", sx.crisis_events(CrisisStatus.ALL_CLEAR), "ended_at"),
    ("message", sx.crisis_messages(), "at"),
    ("referral", sx.referrals(), "sent_at"),
    ("audit", sx.audit_entries(), "at"),
    ("event", sx.domain_events(), "occurred_at"),
]


@CARRIED
@pytest.mark.parametrize(
    ("strategy", "field"),
    [pytest.param(s, f, id=f"{kind}.{f}") for kind, s, f in _AWARE_FIELDS],
)
@given(data=st.data())
def test_a_naive_time_is_refused_naming_its_field(strategy, field, data):
    """Every time field refuses a datetime without a time zone, with a RuleViolation naming it."""
    value = data.draw(strategy)
    current = getattr(value, field) or value.occurred_start
    with pytest.raises(RuleViolation) as refused:
        attrs.evolve(value, **{field: current.replace(tzinfo=None)})
    assert refused.value.field == field


def test_the_calendar_refuses_a_naive_instant():
    """ProgramCalendar.local refuses a naive datetime, naming the instant."""
    naive = dt.datetime(2026, 1, 1, tzinfo=dt.UTC).replace(tzinfo=None)
    with pytest.raises(RuleViolation) as refused:
        LA.local_month(naive)
    assert refused.value.field == "instant"


def test_an_unknown_time_zone_is_refused():
    """A program calendar in a zone IANA does not know is refused, naming the field."""
    with pytest.raises(RuleViolation) as refused:
        ProgramCalendar("America/Springfield")
    assert refused.value.field == "time_zone"
