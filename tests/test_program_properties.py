"""Properties of the Program over random records, actors and failing notifiers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from program_support import CHIEF, Town, build_town, open_program
from sro_core.domain import (
    Actor,
    ActorRole,
    Demographics,
    Incident,
    IncidentStatus,
    Officer,
    Permission,
    Referral,
    ReferralReason,
    incident_number,
)
from sro_core.service import REDACTED, AccessDenied, Program
from sro_core.testing import strategies

SETTINGS = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _store(
    program: Program, town: Town, data: st.DataObject
) -> tuple[list[Incident], dict[uuid.UUID, set[uuid.UUID]]]:
    """Store generated incidents at the town's schools, some referred to the task forces."""
    drafts = data.draw(st.lists(strategies.incidents(calendar=program.calendar), max_size=6))
    stored: list[Incident] = []
    referred: dict[uuid.UUID, set[uuid.UUID]] = {town.madnet.id: set(), town.madget.id: set()}
    with program.storage.unit_of_work() as unit:
        for n, incident in enumerate(drafts, start=1):
            school = data.draw(st.sampled_from([town.high.id, town.middle.id]))
            number = None if incident.status is IncidentStatus.DRAFT else incident_number(2026, n)
            stored.append(
                unit.incidents.add(
                    attrs.evolve(incident, school_id=school, number=number, version=0)
                )
            )
            for partner in data.draw(st.sets(st.sampled_from(sorted(referred)))):
                referred[partner].add(incident.id)
                unit.referrals.add(
                    Referral(
                        incident.id,
                        partner,
                        ReferralReason.TASK_FORCE_INVESTIGATION,
                        incident.reported_at,
                        town.mou.id,
                    )
                )
    return stored, referred


def _juvenile_people(incident: Incident, program: Program) -> set[uuid.UUID]:
    day = program.calendar.local_date(incident.occurred_start)
    return {i.person.id for i in incident.involvements if i.is_juvenile(day)}


def _check_seen(
    actor: Actor, seen: Incident, stored: Incident, program: Program, town: Town
) -> None:
    """Assert what an actor saw of an incident against the audience table of DESIGN.md §3."""
    juveniles = _juvenile_people(stored, program)
    department = actor.role in (ActorRole.SUPERVISOR, ActorRole.SRO)
    juvenile_names = {
        ActorRole.SUPERVISOR: Permission.JUVENILE_RECORDS in actor.permissions,
        ActorRole.SRO: Permission.JUVENILE_RECORDS in actor.permissions,
        ActorRole.SCHOOL_ADMINISTRATOR: False,  # the MOU shares juveniles with MADGET only
        ActorRole.PARTNER_LIAISON: actor.partner_id == town.madget.id,
    }[actor.role]
    narrative = department or actor.partner_id == town.madnet.id
    assert seen.narrative == (stored.narrative if narrative else "")
    assert seen.offenses == stored.offenses
    assert seen.status is stored.status
    for shown, kept in zip(seen.involvements, stored.involvements, strict=True):
        person, original = shown.person, kept.person
        assert shown.roles == kept.roles
        if original.id in juveniles and not juvenile_names:
            assert (person.name, person.date_of_birth, person.student_number) == (None, None, None)
        else:
            assert (person.name, person.date_of_birth) == (original.name, original.date_of_birth)
        if not department:
            assert person.demographics == Demographics()
            assert person.phone is None
            assert seen.location.address is None
        elif juvenile_names or original.id not in juveniles:
            assert person == original


ACTOR_KINDS = ("chief", "sro", "sro_juvenile", "principal", "madnet", "madget", "analyst")


def _actor(kind: str, town: Town) -> Actor:
    return {
        "chief": CHIEF,
        "sro": Actor(id="sro", name="SRO", role=ActorRole.SRO),
        "sro_juvenile": Actor(
            id="sro.j",
            name="SRO",
            role=ActorRole.SRO,
            permissions=frozenset({Permission.JUVENILE_RECORDS}),
        ),
        "principal": town.principal(),
        "madnet": town.liaison(town.madnet),
        "madget": town.liaison(town.madget),
        "analyst": Actor(id="analyst", name="Analyst", role=ActorRole.ANALYST),
    }[kind]


@SETTINGS
@given(st.data(), st.sampled_from(ACTOR_KINDS))
def test_no_read_or_export_shows_a_field_the_audience_may_not_see(
    data: st.DataObject, kind: str
) -> None:
    """For random incidents and actors, queries and exports show only what the audience may see."""
    program, _ = open_program()
    town = build_town(program)
    stored, referred = _store(program, town, data)
    actor = _actor(kind, town)
    if actor.role is ActorRole.ANALYST:
        with pytest.raises(AccessDenied):
            program.find_incidents(actor)
        return
    readable = {
        i.id
        for i in stored
        if (actor.role is not ActorRole.SCHOOL_ADMINISTRATOR or i.school_id in actor.schools)
        and (actor.partner_id is None or i.id in referred[actor.partner_id])
    }
    seen = {s.value.id: s.value for s in program.incidents_of(actor)}
    assert set(seen) == readable
    for incident in stored:
        if incident.id in readable:
            _check_seen(actor, seen[incident.id], incident, program, town)
    out = io.StringIO()
    program.export(actor, "csv", out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {r["id"] for r in rows} == {str(i) for i in readable}
    narrative_hidden = (
        actor.role is ActorRole.SCHOOL_ADMINISTRATOR or actor.partner_id == town.madget.id
    )
    by_id = {i.id: i for i in stored}
    for row in rows:
        original = by_id[uuid.UUID(row["id"])]
        if narrative_hidden and original.narrative:
            assert row["narrative"] == REDACTED
        elif not narrative_hidden:
            assert row["narrative"] == original.narrative


def _run(program: Program, town: Town, command: tuple[str, Any]) -> None:
    """Run one command of the audit property; errors of any kind are part of the test."""
    name, argument = command
    actor = _actor(argument, town) if name != "badge" else CHIEF
    try:
        if name == "badge":
            program.register_officer(actor, Officer(badge=argument, name="Officer"))
        elif name == "read":
            program.find_incidents(actor)
        elif name == "crisis":
            program.dispatch(actor)
    except Exception:  # noqa: BLE001, S110 - allowed, denied or failed: each outcome is audited
        pass


COMMANDS = st.lists(
    st.one_of(
        st.tuples(st.just("badge"), st.sampled_from(["1", "2", "3"])),
        st.tuples(st.just("read"), st.sampled_from(ACTOR_KINDS)),
        st.tuples(st.just("crisis"), st.sampled_from(ACTOR_KINDS)),
    ),
    min_size=1,
    max_size=12,
)


@SETTINGS
@given(COMMANDS, st.data())
def test_the_audit_chain_verifies_and_any_altered_entry_is_found(
    commands: list[Any], data: st.DataObject
) -> None:
    """After any commands the chain verifies; altering or removing one entry is reported there."""
    program, _ = open_program()
    town = build_town(program)
    for command in commands:
        _run(program, town, command)
    assert program.verify_audit(CHIEF) is None
    state = program.storage._state  # type: ignore[attr-defined]
    chain = list(state.audit)
    k = data.draw(st.integers(0, len(chain) - 2))
    field = data.draw(st.sampled_from(["detail", "action", "actor_id", "target"]))
    state.audit[k] = attrs.evolve(chain[k], **{field: f"{getattr(chain[k], field)}!"})
    broken = program.verify_audit(CHIEF)
    assert broken is not None
    assert broken.sequence == chain[k].sequence
    state.audit[:] = chain[:k] + chain[k + 1 :]
    broken = program.verify_audit(CHIEF)
    assert broken is not None
    assert broken.sequence == chain[k].sequence


@SETTINGS
@given(st.floats(0.0, 0.9), st.integers(1, 10))
def test_a_failing_notifier_never_loses_an_event_nor_gets_one_twice(
    fail_rate: float, badges: int
) -> None:
    """With random failures, retries and replays deliver every event exactly once per notifier."""
    program, recorder = open_program(
        fail_rate=fail_rate, name="flaky", retry_backoff=dt.timedelta(0), max_delivery_attempts=3
    )
    for badge in range(badges):
        program.register_officer(CHIEF, Officer(badge=str(badge), name="Officer"))
    with program.storage.unit_of_work() as unit:
        recorded = {e.event.event_id for e in unit.outbox.entries()}
    for _ in range(200):
        if {e.event_id for e in recorder.delivered} == recorded:
            break
        program.dispatch(CHIEF)
        for dead in program.dead_letters(CHIEF):
            program.replay(CHIEF, dead.event_id, dead.notifier)
    delivered = [e.event_id for e in recorder.delivered]
    assert set(delivered) == recorded
    assert len(delivered) == len(set(delivered))
