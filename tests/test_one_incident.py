"""One incident through the Program: each short cut of its path gives what the full path gives.

Reporting an incident reads the officer and the school in one statement, reports the draft
without validating it a second time, finds the days outside the program's window by fields
found once per class, decides on the returned incident for a department reader without reading
the store, copies redacted records without the pickling protocol, and claims its deliveries in
its own unit of work. These properties hold each short cut to the way it replaced.
"""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sro_core_postgres.dialect import POSTGRES

from program_support import CHIEF, SRO, Clock, open_program
from sro_core.builtin.sqlite.dialect import SQLITE
from sro_core.domain import (
    ROLE_AUDIENCE,
    ActorRole,
    Audience,
    AuditEntry,
    GradeSpan,
    Incident,
    IncidentStatus,
    Location,
    LocationKind,
    Officer,
    ReviewState,
    RuleViolation,
    School,
    SchoolLevel,
    outside_window,
    read_entry,
    readable,
)
from sro_core.policy import Context, Mask, decide, decided_alone, name_variants
from sro_core.policy.redaction import replaced
from sro_core.ports import DeliveryStatus
from sro_core.service.dispatch import DispatchReport
from sro_core.service.incidents import _reported
from sro_core.sql import audit as sql_audit
from sro_core.sql.audit import stored_row
from sro_core.sql.dialect import Dialect
from sro_core.testing import strategies
from test_policy_documents import CALENDAR, named_incidents, readings

_PLAIN = (str, int, uuid.UUID, frozenset, type(None))


def _walked(value: Any, path: str, first: dt.date, last: dt.date) -> list[tuple[str, Any]]:
    """Return the days of a record outside a window as the walk of every field found them.

    The walk before the fields that may hold a day were found once per class: every field of
    every record, by the type of its value.
    """
    found: list[tuple[str, Any]] = []
    for field in attrs.fields(type(value)) if attrs.has(type(value)) else ():
        inner = getattr(value, field.name)
        where = f"{path}.{field.name}" if path else field.name
        if isinstance(inner, _PLAIN):
            continue
        if isinstance(inner, dt.datetime):
            if not first <= inner.date() <= last:
                found.append((where, inner))
        elif isinstance(inner, dt.date):
            if not first <= inner <= last:
                found.append((where, inner))
        elif isinstance(inner, tuple):
            for index, item in enumerate(inner):
                if attrs.has(type(item)):
                    found += _walked(item, f"{where}[{index}]", first, last)
        elif attrs.has(type(inner)):
            found += _walked(inner, where, first, last)
    return found


RECORDS = st.one_of(
    strategies.incidents(edge_cases=True),
    strategies.community_contacts(),
    strategies.education_activities(),
    strategies.referrals(),
    strategies.crisis_events(),
    strategies.agreements(),
    strategies.assignments(),
    strategies.person_records(),
    strategies.schools(),
    strategies.officers(),
)
DAYS = st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31))


@attrs.frozen
class _Loose:
    """A record of a plugin's: not bounded, with a day in a field of any type."""

    day: Any
    inner: Any = None
    note: str = ""


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(RECORDS, DAYS, DAYS)
def test_the_days_outside_the_window_are_found_as_the_walk_of_every_field_found_them(
    record: Any, first: dt.date, last: dt.date
) -> None:
    """outside_window gives the same problems, in the same order, as the walk of every field."""
    first, last = min(first, last), max(first, last)
    problems = outside_window(record, first, last)
    assert [(p.field, p.value) for p in problems] == _walked(record, "", first, last)
    assert {p.rule for p in problems} <= {f"must be from {first} to {last}"}


@given(DAYS, DAYS, RECORDS)
def test_a_record_not_bounded_is_looked_at_in_every_field(
    day: dt.date, other: dt.date, record: Any
) -> None:
    """A record whose fields are not checked (a plugin's) has every field looked at."""
    loose = _Loose(day, (record, _Loose(other)), "text")
    first, last = dt.date(2000, 1, 1), dt.date(2030, 12, 31)
    problems = outside_window(loose, first, last)
    assert [(p.field, p.value) for p in problems] == _walked(loose, "", first, last)


def _placed_the_full_way(draft: Incident, number: str, level: SchoolLevel | None) -> Incident:
    """Return the draft placed at its school and reported as the service did: two evolves."""
    placed = draft
    if level is not None and draft.location.kind is LocationKind.ON_CAMPUS:
        location = draft.location.at_school(level)
        if location is not draft.location:
            placed = attrs.evolve(draft, location=location)
    return placed.reported(number)


@given(
    strategies.incidents(status=IncidentStatus.DRAFT, edge_cases=True),
    st.sampled_from([*SchoolLevel, None]),
    st.one_of(
        st.integers(1900, 2199).flatmap(
            lambda year: st.integers(1, 999_999).map(lambda n: f"{year:04d}-{n:06d}")
        ),
        st.sampled_from(["10000-000001", "2025-1", "2025-0000001", ""]),
    ),
)
def test_a_draft_is_reported_as_placing_then_reporting_it_reports_it(
    draft: Incident, level: SchoolLevel | None, number: str
) -> None:
    """_reported gives the incident (or the error) that placing then reporting the draft gives."""
    draft = attrs.evolve(draft, review=ReviewState.UNSUBMITTED, reviews=())
    if draft.school_id is None:
        level = None
    elif level is None:
        level = SchoolLevel.HIGH
    try:
        expected = _placed_the_full_way(draft, number, level)
    except RuleViolation as refused:
        message = str(refused)
    else:
        message = ""
    if message:
        with pytest.raises(RuleViolation) as raised:
            _reported(draft, number, level)
        assert str(raised.value) == message
        return
    reported = _reported(draft, number, level)
    assert reported == expected
    assert attrs.evolve(reported) == reported  # it keeps every rule of the class


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_decision_made_alone_is_the_decision_made_with_the_store(data: st.DataObject) -> None:
    """Where decided_alone says so, a bare context gives the decision the full context gives."""
    incident = data.draw(named_incidents())
    reader, context = data.draw(readings(incident))
    if data.draw(st.booleans()):
        roles = [r for r in ActorRole if ROLE_AUDIENCE[r] is Audience.DEPARTMENT]
        reader = data.draw(strategies.actors(role=data.draw(st.sampled_from(roles))))
    bare = Context(today=context.today, calendar=CALENDAR)
    alone = decided_alone(reader, incident)
    assert alone == (reader.audience is Audience.DEPARTMENT)
    if alone:
        assert decide(reader, incident, bare) == decide(reader, incident, context)


def _records_in(value: Any) -> list[Any]:
    """Return every attrs record inside a value, the value first."""
    if isinstance(value, tuple):
        return [r for item in value for r in _records_in(item)]
    if not attrs.has(type(value)):
        return []
    inner = [r for f in attrs.fields(type(value)) for r in _records_in(getattr(value, f.name))]
    return [value, *inner]


@given(st.one_of(RECORDS, st.builds(_Loose, DAYS)), st.data())
def test_a_replaced_record_is_a_copy_with_the_changes(value: Any, data: st.DataObject) -> None:
    """Replaced gives what copy.copy and setting the changes give, and leaves the record."""
    for record in _records_in(value):
        names = [f.name for f in attrs.fields(type(record))]
        chosen = data.draw(st.lists(st.sampled_from(names), unique=True))
        changes = {name: data.draw(st.sampled_from([None, "", ()])) for name in chosen}
        before = [getattr(record, name) for name in names]
        expected = copy.copy(record)
        for name, field_value in changes.items():
            object.__setattr__(expected, name, field_value)
        made = replaced(record, changes)
        assert type(made) is type(record)
        assert [getattr(made, n) for n in names] == [getattr(expected, n) for n in names]
        assert [getattr(record, name) for name in names] == before
        assert made is not record or not changes


SCHOOL = School("Bench High", "Bench USD", SchoolLevel.HIGH, GradeSpan(9, 12))


def test_a_reported_incident_is_delivered_once_from_claims_made_before_the_commit(
    tmp_path: Any,
) -> None:
    """The command's delivery is claimed with it, sent once after commit, and settled."""
    program, recorder = open_program(f"sqlite:///{tmp_path / 'claimed.db'}", name="claimed")
    school = program.register_school(CHIEF, SCHOOL)
    officer = program.register_officer(CHIEF, Officer(badge="3", name="Ofc. Lee"))
    recorder.delivered.clear()
    draft = _a_draft(officer, school)
    program.report_incident(SRO, draft)
    (event,) = recorder.delivered
    with program.storage.unit_of_work() as unit:
        (delivery,) = unit.outbox.deliveries(event.event_id)
        later, holder = Clock()() + dt.timedelta(minutes=1), "a later dispatcher"
        assert unit.outbox.claim("recorder", later, dt.timedelta(days=1), 9, token=holder) == []
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 1)
    assert program.dispatch(CHIEF).delivered == 0
    program.close()


def test_claims_left_unsent_by_a_process_that_ended_are_delivered_after_their_lease(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Claims made with the command but never sent wait for their lease, then go once."""
    program, recorder = open_program(f"sqlite:///{tmp_path / 'ended.db'}", name="ended")
    school = program.register_school(CHIEF, SCHOOL)
    officer = program.register_officer(CHIEF, Officer(badge="4", name="Ofc. Park"))
    recorder.delivered.clear()
    monkeypatch.setattr(type(program.kernel.dispatcher), "send", lambda *_: None)
    program.report_incident(SRO, _a_draft(officer, school))
    monkeypatch.undo()
    assert recorder.delivered == []
    assert program.dispatch(CHIEF).delivered == 0, "the claim holds until its lease runs out"
    lease = program.kernel.dispatcher.lease("recorder")
    clock = program.kernel.clock
    assert isinstance(clock, Clock)
    clock.now += lease
    assert program.dispatch(CHIEF).delivered == 1
    (event,) = recorder.delivered
    with program.storage.unit_of_work() as unit:
        (delivery,) = unit.outbox.deliveries(event.event_id)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)
    program.close()


def _a_draft(officer: Officer, school: School) -> Incident:
    """Return a draft of a fight on the school's campus, reported by the officer."""
    start = dt.datetime(2026, 9, 8, 10, 30, tzinfo=dt.UTC)
    return Incident(
        reporting_officer_id=officer.id,
        occurred_start=start,
        reported_at=start + dt.timedelta(hours=1),
        location=Location.on_campus(),
        category="fight",
        school_id=school.id,
    )


REPORTS = st.builds(DispatchReport, *(st.integers(0, 5) for _ in attrs.fields(DispatchReport)))


@given(REPORTS, REPORTS)
def test_reports_add_up_field_by_field(one: DispatchReport, other: DispatchReport) -> None:
    """A round's reports add up each count, and say whether anything happened, as before."""
    total = one + other
    assert attrs.astuple(total) == tuple(
        a + b for a, b in zip(attrs.astuple(one), attrs.astuple(other), strict=True)
    )
    assert total.anything == any(attrs.astuple(total))


@given(st.lists(st.tuples(st.sampled_from(["juvenile", "victim"]), st.text(max_size=12))))
def test_a_mask_masks_something_when_a_name_has_a_variant(people: list[tuple[str, str]]) -> None:
    """A mask is true when some name it holds has a variant to mask, as it was before."""
    assert bool(Mask.of(people)) == any(name_variants(name) for _, name in people)


@given(strategies.audit_entries(), st.sampled_from([SQLITE, POSTGRES]))
def test_an_audit_entry_is_read_back_from_its_row_as_it_was_appended(
    entry: AuditEntry, dialect: Dialect
) -> None:
    """The row an entry is stored as reads back as the entry: the head appended is not reread."""
    row = stored_row(entry, dialect)
    assert readable(read_entry(row)) == entry
    assert sql_audit._read(row) == entry


def test_the_head_is_read_from_the_store_when_it_is_not_the_entry_appended(
    tmp_path: Any,
) -> None:
    """A head another writer appended (a row unlike the one appended here) is read in full."""
    program, _ = open_program(f"sqlite:///{tmp_path / 'heads.db'}", name="heads")
    program.register_officer(CHIEF, Officer(badge="5", name="Ofc. Sato"))
    with program.storage.unit_of_work() as unit:
        head = unit.audit.head()
        assert head is not None
        unit.execute("UPDATE audit SET detail = 'altered' WHERE sequence = ?", (head.sequence,))
        again = sql_audit.SQLAudit(unit).head()
        assert again is not None
        assert again.detail == "altered"
        assert not again.intact(program.kernel.anchors.key)
    program.close()
