"""Properties of the Program over random records, actors and failing notifiers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from program_support import CHIEF, Town, build_town, open_program
from sro_core.domain import (
    Actor,
    ActorRole,
    Officer,
    Permission,
)
from sro_core.service import Program

SETTINGS = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


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
