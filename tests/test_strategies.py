"""The conformance kit's strategies draw valid values, and the edge cases they promise."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from typing import Any

import attrs
import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from sro_core import domain
from sro_core.codes import default_tables
from sro_core.domain import (
    EVENT_TYPES,
    INCIDENT_TRANSITIONS,
    REFERRAL_TRANSITIONS,
    ActorRole,
    CrisisStatus,
    DomainEvent,
    IncidentStatus,
    IncidentStatusChanged,
    InvolvementRole,
    ProgramCalendar,
    ReferralStatus,
    check_assignments,
    check_incident,
    code_problems,
    is_juvenile,
    verify_chain,
)
from sro_core.testing import strategies as sx

DAY = dt.timedelta(days=1)
SEARCH = settings(database=None, derandomize=True, phases=[Phase.generate], max_examples=2_000)
"""How the edge-case searches look: generate only, no shrinking, stop at the first hit."""

_SINGLE_VALUES: list[tuple[str, Any, type]] = [
    ("addresses", sx.addresses(), domain.Address),
    ("program_calendars", sx.program_calendars(), domain.ProgramCalendar),
    ("school_years", sx.school_years(), domain.SchoolYear),
    ("certifications", sx.certifications(), domain.Certification),
    ("officers", sx.officers(), domain.Officer),
    ("grade_spans", sx.grade_spans(), domain.GradeSpan),
    ("school_ids", sx.school_ids(), domain.SchoolIds),
    ("schools", sx.schools(), domain.School),
    ("assignments", sx.assignments(), domain.Assignment),
    ("open_ended_assignments", sx.open_ended_assignments(), domain.Assignment),
    ("demographics", sx.demographics(), domain.Demographics),
    ("people", sx.people(), domain.Person),
    ("person_records", sx.person_records(), domain.PersonRecord),
    ("match_candidates", sx.match_candidates(), domain.Candidate),
    ("offenses", sx.offenses(), domain.Offense),
    ("property_items", sx.property_items(), domain.PropertyItem),
    ("drugs", sx.drugs(), domain.Drug),
    ("age_ranges", sx.age_ranges(), domain.AgeRange),
    ("relationships", sx.relationships(), domain.Relationship),
    ("victim_details", sx.victim_details(), domain.VictimDetails),
    ("non_person_victims", sx.non_person_victims(), domain.NonPersonVictim),
    ("arrests", sx.arrests(), domain.Arrest),
    ("involvements", sx.involvements(), domain.Involvement),
    ("locations", sx.locations(), domain.Location),
    ("dispositions", sx.dispositions(), domain.Disposition),
    ("incidents", sx.incidents(), domain.Incident),
    ("community_contacts", sx.community_contacts(), domain.CommunityContact),
    ("education_activities", sx.education_activities(), domain.EducationActivity),
    ("partners", sx.partners(), domain.Partner),
    ("actor_entries", sx.actor_entries(), domain.ActorEntry),
    ("clauses", sx.clauses(), domain.Clause),
    ("agreements", sx.agreements(), domain.Agreement),
    ("referrals", sx.referrals(), domain.Referral),
    ("crisis_messages", sx.crisis_messages(), domain.CrisisMessage),
    ("crisis_events", sx.crisis_events(), domain.CrisisEvent),
    ("review_steps", sx.review_steps(), domain.ReviewStep),
    ("actors", sx.actors(), domain.Actor),
    ("audit_entries", sx.audit_entries(), domain.AuditEntry),
    ("audit_keys", sx.audit_keys(), domain.AuditKey),
    ("audit_checkpoints", sx.audit_checkpoints(), domain.AuditCheckpoint),
    ("unreadable_entries", sx.unreadable_entries(), domain.UnreadableEntry),
    ("domain_events", sx.domain_events(), domain.DomainEvent),
]


@pytest.mark.parametrize(
    ("strategy", "kind"), [pytest.param(s, k, id=name) for name, s, k in _SINGLE_VALUES]
)
@given(data=st.data())
def test_each_strategy_draws_valid_values_of_its_type(strategy, kind, data):
    """Every single-value strategy draws its type, and the value rebuilds through its checks."""
    value = data.draw(strategy)
    assert isinstance(value, kind)
    assert attrs.evolve(value) == value


def test_every_domain_type_has_a_strategy():
    """Each public attrs class of the domain is drawn by one of the strategies above."""
    covered = {kind for _, _, kind in _SINGLE_VALUES}
    public = {
        getattr(domain, name)
        for name in domain.__all__
        if isinstance(getattr(domain, name), type) and attrs.has(getattr(domain, name))
    }
    missing = {
        kind for kind in public - covered if not issubclass(kind, DomainEvent | domain.ChainBreak)
    }
    assert missing == set()


@given(sx.any_domain_value())
def test_any_domain_value_draws_domain_values(value):
    """any_domain_value draws attrs values of the domain, for round-trip tests."""
    assert type(value).__module__.startswith("sro_core.domain")
    assert attrs.has(type(value))


@given(sx.program_calendars(), st.sampled_from(IncidentStatus), st.booleans(), st.data())
def test_incidents_pass_every_domain_check(calendar, status, edge_cases, data):
    """Generated incidents pass check_incident for their calendar and have no code problems."""
    incident = data.draw(sx.incidents(status, calendar, edge_cases=edge_cases))
    assert incident.status is status
    check_incident(incident, calendar)
    assert code_problems(incident, default_tables()) == []
    assert (incident.number is None) is (status is IncidentStatus.DRAFT)
    if status is IncidentStatus.CLOSED:
        assert incident.disposition is not None
    day = calendar.local_date(incident.occurred_start)
    for involvement in incident.with_role(InvolvementRole.ARRESTEE):
        assert involvement.arrest is not None
        if involvement.is_juvenile(day):
            assert involvement.arrest.juvenile_disposition is not None


def _eighteenth_birthday(born: dt.date) -> dt.date:
    """Return the 18th birthday as a date; a February 29 birth turns 18 on March 1."""
    try:
        return dt.date(born.year + 18, born.month, born.day)
    except ValueError:
        return dt.date(born.year + 18, 3, 1)


@given(sx.program_calendars(), st.sampled_from([-1, 0, 1]), st.data())
def test_birthday_incidents_fall_on_the_eighteenth_birthday(calendar, offset, data):
    """The first person's 18th birthday is the local incident date (or the day either side)."""
    incident = data.draw(sx.juvenile_birthday_incidents(calendar, days_from_birthday=offset))
    person = incident.involvements[0].person
    assert person.date_of_birth is not None
    day = calendar.local_date(incident.occurred_start)
    assert day == _eighteenth_birthday(person.date_of_birth) + offset * DAY
    assert is_juvenile(person, day) is (offset < 0)
    check_incident(incident, calendar)
    assert code_problems(incident, default_tables()) == []


def test_birthday_incidents_include_leap_day_births():
    """Some birthday incidents are of people born on February 29."""
    found = find(
        sx.juvenile_birthday_incidents(),
        lambda i: (
            (born := i.involvements[0].person.date_of_birth) is not None
            and (born.month, born.day) == (2, 29)
        ),
        settings=SEARCH,
    )
    assert found.involvements[0].person.date_of_birth.day == 29


@given(sx.program_calendars(), st.data())
def test_midnight_spanning_incidents_cross_local_midnight(calendar, data):
    """A midnight-spanning incident starts on one local day and ends on the next."""
    incident = data.draw(sx.midnight_spanning_incidents(calendar))
    assert incident.occurred_end is not None
    start = calendar.local_date(incident.occurred_start)
    assert calendar.local_date(incident.occurred_end) == start + DAY
    check_incident(incident, calendar)


@given(sx.program_calendars(observing_dst=True), st.data())
def test_dst_incidents_start_within_a_day_of_a_transition(calendar, data):
    """A DST incident starts within a day of a change of the program zone's UTC offset."""
    incident = data.draw(sx.dst_incidents(calendar))
    start = incident.occurred_start
    # Within a day, ends included: the offset a day (and a microsecond) before differs.
    before = (start - DAY - dt.timedelta(microseconds=1)).astimezone(calendar.zone).utcoffset()
    after = (start + DAY).astimezone(calendar.zone).utcoffset()
    assert before != after
    check_incident(incident, calendar)


@given(sx.program_calendars(observing_dst=False), st.data())
def test_dst_incidents_refuse_a_zone_without_dst(calendar, data):
    """Asking for DST incidents in a zone that never changes its offset is an invalid argument."""
    with pytest.raises(InvalidArgument):
        data.draw(sx.dst_incidents(calendar))


def _sunday(year: int, month: int, nth: int) -> dt.date:
    """Return the nth Sunday of a month (-1: the last)."""
    if nth > 0:
        first = dt.date(year, month, 1)
        return first + ((6 - first.weekday()) % 7 + 7 * (nth - 1)) * DAY
    last = dt.date(year + month // 12, month % 12 + 1, 1) - DAY
    return last - ((last.weekday() + 1) % 7) * DAY


@pytest.mark.parametrize(
    "time_zone",
    ["America/Los_Angeles", "America/New_York", "America/Chicago", "America/Denver"],
)
def test_dst_transitions_are_the_us_rule_days_at_two_in_the_morning(time_zone):
    """The scanned transitions of US zones fall on the rule Sundays, at 02:00 local time."""
    calendar = ProgramCalendar(time_zone)
    transitions = sx.dst_transitions(calendar)
    for year in range(2000, 2041):
        if year >= 2007:
            spring, autumn = _sunday(year, 3, 2), _sunday(year, 11, 1)
        else:
            spring, autumn = _sunday(year, 4, 1), _sunday(year, 10, -1)
        these = [t for t in transitions if t.year == year]
        assert [calendar.local_date(t - dt.timedelta(seconds=1)) for t in these] == [
            spring,
            autumn,
        ]
        local = [(t - dt.timedelta(seconds=1)).astimezone(calendar.zone) for t in these]
        assert [(w.hour, w.minute) for w in local] == [(1, 59), (1, 59)]


@pytest.mark.parametrize("time_zone", ["America/Phoenix", "Pacific/Honolulu", "UTC"])
def test_zones_without_dst_have_no_transitions(time_zone):
    """Zones that keep one offset all year have no transitions to draw around."""
    assert sx.dst_transitions(ProgramCalendar(time_zone)) == ()


@given(sx.program_calendars(), st.data())
def test_aware_datetimes_carry_an_offset_and_stay_in_range(calendar, data):
    """aware_datetimes are aware and fall between 2000 and 2040 (within a day of the ends)."""
    instant = data.draw(sx.aware_datetimes(calendar))
    assert instant.tzinfo is not None
    assert instant.utcoffset() is not None
    earliest = dt.datetime(2000, 1, 1, tzinfo=dt.UTC) - DAY
    latest = dt.datetime(2041, 1, 1, tzinfo=dt.UTC) + DAY
    assert earliest <= instant <= latest


def test_aware_datetimes_reach_the_repeated_autumn_hour():
    """Some drawn times are written in the program zone's repeated hour, after the change."""
    found = find(
        sx.aware_datetimes(),
        lambda t: getattr(t.tzinfo, "key", None) == "America/Los_Angeles" and t.fold == 1,
        settings=SEARCH,
    )
    assert found.fold == 1


@given(sx.assignment_sets())
def test_assignment_sets_are_accepted(assignments):
    """assignment_sets draws sets that check_assignments accepts, with distinct ids."""
    check_assignments(assignments)
    assert len({a.id for a in assignments}) == len(assignments)


@given(sx.open_ended_assignments())
def test_open_ended_assignments_have_no_end(assignment):
    """open_ended_assignments never carry an end date."""
    assert assignment.end is None


@given(sx.incident_lifecycles())
def test_lifecycles_start_from_a_draft(lifecycle):
    """incident_lifecycles gives a draft incident and a list of requested statuses."""
    draft, requests = lifecycle
    assert draft.status is IncidentStatus.DRAFT
    assert all(isinstance(s, IncidentStatus) for s in requests)


def _legal_and_illegal(lifecycle: tuple[Any, list[IncidentStatus]]) -> bool:
    current, legal, illegal = IncidentStatus.DRAFT, False, False
    for status in lifecycle[1]:
        if status in INCIDENT_TRANSITIONS[current]:
            current, legal = status, True
        else:
            illegal = True
    return legal and illegal and current is IncidentStatus.REOPENED


def test_lifecycles_mix_legal_and_illegal_requests():
    """Some lifecycles hold legal and illegal requests and reach a reopened incident."""
    found = find(
        sx.incident_lifecycles(),
        _legal_and_illegal,
        settings=SEARCH,
    )
    assert found[1]


@given(sx.audit_chains())
def test_audit_chains_verify(chain):
    """Audit chains are sealed in sequence from 1, in time order, and verify."""
    assert [e.sequence for e in chain] == list(range(1, len(chain) + 1))
    assert all(a.at <= b.at for a, b in itertools.pairwise(chain))
    assert verify_chain(chain) is None


@given(sx.crisis_events())
def test_crisis_messages_are_in_time_order(crisis):
    """Crisis messages follow the declaration in time order; an all clear comes after them."""
    times = [crisis.declared_at, *(m.at for m in crisis.messages)]
    assert times == sorted(times)
    if crisis.status is CrisisStatus.ALL_CLEAR:
        assert crisis.ended_at is not None
        assert crisis.ended_at >= times[-1]


@given(sx.actors())
def test_actors_hold_the_scope_of_their_role(actor):
    """An SRO names its officer; only department roles hold the juvenile-records permission."""
    if actor.role is ActorRole.SRO:
        assert actor.officer_id is not None
    if actor.permissions:
        assert actor.role in {
            ActorRole.SRO,
            ActorRole.SUPERVISOR,
            ActorRole.RECORDS_CLERK,
            ActorRole.SYSTEM,
        }


@given(
    st.dates(dt.date(2005, 1, 1), dt.date(2035, 12, 31)).flatmap(
        lambda day: st.tuples(st.just(day), sx.agreements(active_on=day))
    )
)
def test_agreements_can_be_drawn_in_force_on_a_day(drawn):
    """agreements(active_on=day) draws agreements in force on that day."""
    day, agreement = drawn
    assert agreement.active_on(day)


@given(sx.referrals())
def test_closed_referrals_have_an_outcome(referral):
    """A drawn referral in the closed status records its outcome."""
    if referral.status is ReferralStatus.CLOSED:
        assert referral.outcome is not None
    assert set(REFERRAL_TRANSITIONS) == set(ReferralStatus)


@pytest.mark.parametrize("event_type", EVENT_TYPES, ids=lambda t: t.__name__)
@given(data=st.data())
def test_domain_events_draw_every_event_type(event_type, data):
    """domain_events(T) draws events of exactly type T, for each type of EVENT_TYPES."""
    event = data.draw(sx.domain_events(event_type))
    assert type(event) is event_type
    assert isinstance(event.event_id, uuid.UUID)
    if isinstance(event, IncidentStatusChanged):
        assert event.status in INCIDENT_TRANSITIONS[event.previous]
        assert (event.disposition is not None) is (event.status is IncidentStatus.CLOSED)
