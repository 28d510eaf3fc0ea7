"""The desks behind Program: each holds the kernel, inherits from nothing, declares its calls.

A desk's commands and queries are declared with ``@command(Action…)`` / ``@query(Action…)``:
the audit trail names each by its function, and each argument is checked as it is called.
"""

from __future__ import annotations

import datetime as dt
import inspect
import tomllib
import uuid
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from program_support import ANALYST, CHIEF, build_town, open_program, snapshot
from sro_core.domain import AuditOutcome, DomainEvent, Officer, OfficerStatus, RuleViolation
from sro_core.ports import NotFound, UnitOfWork
from sro_core.service import AccessDenied, Action, Program
from sro_core.service.core import Kernel
from sro_core.service.desk import Call, Declaration, command, query


class Roster:
    """A desk written as a department app's developer or a helper would write one."""

    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel

    @query(Action.READ_DIRECTORY)
    def badge(self, call: Call, officer_id: uuid.UUID) -> str:
        """Return an officer's badge."""
        return call.read(str(officer_id), lambda unit: unit.officers.get(officer_id).badge)

    @command(Action.MANAGE_OFFICERS)
    def put_on_leave(self, call: Call, officer_id: uuid.UUID) -> Officer:
        """Put an officer on leave."""

        def work(unit: UnitOfWork, _now: dt.datetime) -> tuple[Officer, list[DomainEvent]]:
            officer = unit.officers.get(officer_id)
            return unit.officers.update(officer.with_status(OfficerStatus.ON_LEAVE)), []

        return call.run(str(officer_id), work)

    @query(Action.READ_DIRECTORY)
    def retire_quietly(self, call: Call, officer_id: uuid.UUID) -> Officer:
        """Try to change the store from a query."""
        return self.put_on_leave.__wrapped__(self, call, officer_id)  # type: ignore[attr-defined,no-any-return]

    @command()
    def undeclared(self, call: Call) -> None:
        """Run under no action at all: a programming error, named."""
        call.run(None, lambda _unit, _now: (None, []))


def _desks(program: Program) -> list[object]:
    return [v for v in vars(program).values() if getattr(v, "kernel", None) is program.kernel]


def test_every_desk_holds_the_one_kernel_and_inherits_from_nothing() -> None:
    """Program's desks share its kernel; no desk is built on another desk or on the kernel."""
    program, _ = open_program()
    desks = _desks(program)
    assert len(desks) >= 8
    for desk in desks:
        assert type(desk).__bases__ == (object,), type(desk)
        assert type(desk).__module__.startswith("sro_core.service.")


def test_the_import_contract_places_every_desk_between_program_and_the_kernel() -> None:
    """The service's import contract names each desk's module once, so lint-imports holds them."""
    with (Path(__file__).parents[1] / "pyproject.toml").open("rb") as handle:
        contracts = tomllib.load(handle)["tool"]["importlinter"]["contracts"]
    [layers] = [c["layers"] for c in contracts if c.get("containers") == ["sro_core.service"]]
    assert (layers[0], layers[-2], layers[-1]) == ("program", "desk", "core")
    listed = [module for layer in layers[1:-2] for module in layer.split(" | ")]
    program, _ = open_program()
    modules = [type(desk).__module__.removeprefix("sro_core.service.") for desk in _desks(program)]
    assert sorted(listed) == sorted(set(modules))


def test_every_public_method_with_an_actor_is_a_declared_call_of_one_desk() -> None:
    """Each Program method taking an actor hands it to the one desk declaring that name."""
    program, _ = open_program()
    desks = _desks(program)
    for name, method in inspect.getmembers(Program, inspect.isfunction):
        if name.startswith("_") or list(inspect.signature(method).parameters)[1:2] != ["actor"]:
            continue
        if name == "acting_as":
            continue
        declared = [getattr(type(d), name).declared for d in desks if hasattr(type(d), name)]
        assert len(declared) == 1, name
        assert isinstance(declared[0], Declaration)
        assert declared[0].kind in {"command", "query"}


def test_the_audit_name_is_the_function_name_but_for_the_named_exceptions() -> None:
    """Only the calls the trail has always named otherwise say so with ``audited_as``."""
    program, _ = open_program()
    renamed = {}
    for desk in _desks(program):
        for name, member in vars(type(desk)).items():
            declaration = getattr(member, "declared", None)
            if declaration is not None and declaration.name != name:
                renamed[name] = declaration.name
    assert renamed == {
        "check_lines": "check_import",
        "store_lines": "import_records",
        "checkpoint_audit": "audit_checkpoint",
        "backup": "backup_store",
        "restore": "restore_store",
    }


def test_a_declared_query_is_called_with_the_actor_and_shows_it_in_its_signature() -> None:
    """``desk.badge(actor, id)`` runs the body with a Call; the signature reads ``actor``."""
    program, _ = open_program()
    town = build_town(program)
    roster = Roster(program.kernel)
    assert roster.badge(CHIEF, town.officer.id) == town.officer.badge
    assert list(inspect.signature(Roster.badge).parameters) == ["self", "actor", "officer_id"]


def test_a_refused_call_is_audited_under_its_function_name() -> None:
    """An actor whose role lacks the declared action is refused and audited as denied."""
    program, _ = open_program()
    town = build_town(program)
    with pytest.raises(AccessDenied):
        Roster(program.kernel).put_on_leave(ANALYST, town.officer.id)
    last = program.audit_trail(CHIEF, 0, 1_000)[-1]
    assert (last.action, last.outcome, last.target) == (
        "put_on_leave",
        AuditOutcome.DENIED,
        str(town.officer.id),
    )
    assert program.officer(CHIEF, town.officer.id).status is OfficerStatus.ACTIVE


def test_a_wrong_argument_is_refused_by_name_and_audited_before_anything_runs() -> None:
    """A string where a UUID is declared raises a RuleViolation naming it, audited as an error."""
    program, _ = open_program()
    build_town(program)
    with pytest.raises(RuleViolation, match="officer_id"):
        Roster(program.kernel).put_on_leave(CHIEF, "4127")  # type: ignore[arg-type]
    last = program.audit_trail(CHIEF, 0, 1_000)[-1]
    assert (last.action, last.outcome) == ("put_on_leave", AuditOutcome.ERROR)
    assert "4127" not in last.detail


def test_a_call_declared_without_an_action_must_name_one_when_it_runs() -> None:
    """``@command()`` leaves the action to the body; running without one is a TypeError."""
    program, _ = open_program()
    with pytest.raises(TypeError, match="undeclared declares no action"):
        Roster(program.kernel).undeclared(CHIEF)


def test_a_query_cannot_run_a_commands_unit_of_work() -> None:
    """A body declared with @query that calls ``call.run`` is refused, and nothing is stored."""
    program, _ = open_program()
    town = build_town(program)
    with pytest.raises(TypeError, match="retire_quietly is declared a query"):
        Roster(program.kernel).retire_quietly(CHIEF, town.officer.id)
    assert program.officer(CHIEF, town.officer.id).status is OfficerStatus.ACTIVE


class _Wrong:
    """A value of no type any command or query declares."""

    def __repr__(self) -> str:
        return "<wrong>"


def _declared_calls() -> list[str]:
    """Return the Program methods that take an actor and something more."""
    names = []
    for name, method in inspect.getmembers(Program, inspect.isfunction):
        parameters = list(inspect.signature(method).parameters.values())
        if name.startswith("_") or [p.name for p in parameters[1:2]] != ["actor"]:
            continue
        if any(p.kind is not p.VAR_KEYWORD for p in parameters[2:]):
            names.append(name)
    return names


@pytest.mark.parametrize("name", _declared_calls())
def test_every_declared_call_refuses_a_wrong_argument_by_name_before_anything_runs(
    name: str,
) -> None:
    """Each command and query names a wrong argument, audits it under its name, stores nothing."""
    program, _ = open_program()
    build_town(program)
    before = snapshot(program)
    method = getattr(program, name)
    wrong: dict[str, object] = {}
    for parameter in list(inspect.signature(method).parameters.values())[1:]:
        if parameter.kind is not parameter.VAR_KEYWORD:
            wrong[parameter.name] = _Wrong()
    with pytest.raises(RuleViolation) as refused:
        method(CHIEF, **wrong)  # even a generator's arguments are checked as it is called
    assert refused.value.field in wrong
    declared = next(
        getattr(type(d), name).declared for d in _desks(program) if hasattr(type(d), name)
    )
    last = program.audit_trail(CHIEF, 0, 10_000)[-1]
    assert (last.action, last.outcome) == (declared.name, AuditOutcome.ERROR)
    assert last.detail.startswith(f"{refused.value.field}: must be")
    assert "<wrong>" not in last.detail
    assert snapshot(program) == before


@settings(max_examples=60, deadline=None)
@given(
    st.one_of(
        st.uuids(), st.text(), st.integers(), st.booleans(), st.none(), st.binary(), st.floats()
    )
)
def test_a_declared_argument_is_taken_exactly_when_it_has_its_declared_type(value: object) -> None:
    """A UUID parameter takes any UUID (an unknown one is "not found"), and refuses the rest."""
    program, _ = open_program()
    roster = Roster(program.kernel)
    if isinstance(value, uuid.UUID):
        with pytest.raises(NotFound):
            roster.badge(CHIEF, value)
    else:
        with pytest.raises(RuleViolation, match="officer_id") as refused:
            roster.badge(CHIEF, value)  # type: ignore[arg-type]
        assert refused.value.rule == "must be UUID"
