"""Shared pieces for the Program tests: a recording notifier plugin, actors, a seeded program."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from sro_core import PluginHost
from sro_core.builtin import BUILTIN_PLUGINS
from sro_core.domain import (
    Actor,
    ActorRole,
    Agreement,
    AssignmentRole,
    Clause,
    ClauseKind,
    DomainEvent,
    GradeSpan,
    Officer,
    Partner,
    PartnerKind,
    Permission,
    RecordClass,
    School,
    SchoolLevel,
)
from sro_core.hookspecs import hookimpl
from sro_core.ports import Notifier, NotifierRegistry, UnitOfWork
from sro_core.service import NotifierSetting, Program, ProgramSettings

PACIFIC_SUMMER = dt.timezone(dt.timedelta(hours=-7))
START_OF_TERM = dt.datetime(2026, 9, 8, 8, 0, tzinfo=PACIFIC_SUMMER)


class Clock:
    """A clock the test moves: every reading is one second after the last."""

    def __init__(self, start: dt.datetime = START_OF_TERM) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        """Return the next second, in UTC."""
        self.now += dt.timedelta(seconds=1)
        return self.now.astimezone(dt.UTC)


@attrs.define
class Recorder(Notifier):
    """A notifier that keeps what it delivered, and fails at random when told to."""

    kind: str = "recorder"
    delivered: list[DomainEvent] = attrs.field(factory=list)
    attempts: list[uuid.UUID] = attrs.field(factory=list)
    fail_rate: float = 0.0
    rng: random.Random = attrs.field(factory=lambda: random.Random(0))

    def deliver(self, event: DomainEvent, idempotency_key: uuid.UUID) -> None:
        """Record the event, or fail before recording it."""
        self.attempts.append(idempotency_key)
        if self.rng.random() < self.fail_rate:
            raise ConnectionError("the receiving end did not answer")
        self.delivered.append(event)


RECORDERS: dict[str, Recorder] = {}


class RecorderPlugin:
    """A plugin object registering the ``recorder`` notifier kind."""

    @hookimpl
    def sro_register_notifiers(self, registry: NotifierRegistry) -> None:
        """Register the recorder; its ``name`` option picks the instance in RECORDERS."""

        def make(options: Mapping[str, str]) -> Notifier:
            recorder = Recorder(fail_rate=float(options.get("fail_rate", "0")))
            RECORDERS[options.get("name", "default")] = recorder
            return recorder

        registry.register("recorder", make, "keeps deliveries in memory for tests")


def open_program(
    url: str = "memory:", *, fail_rate: float = 0.0, name: str = "default", **settings: Any
) -> tuple[Program, Recorder]:
    """Open a program with the recorder as its only notifier."""
    host = PluginHost.load(builtins=(*BUILTIN_PLUGINS, RecorderPlugin()), entry_points=False)
    options = (("name", name), ("fail_rate", str(fail_rate)))
    config = ProgramSettings(notifiers=(NotifierSetting("recorder", options),), **settings)
    program = Program.open(url, config, plugins=host, clock=Clock())
    return program, RECORDERS[name]


CHIEF = Actor(
    id="sgt.lopez",
    name="Sgt. Lopez",
    role=ActorRole.SUPERVISOR,
    permissions=frozenset({Permission.JUVENILE_RECORDS, Permission.SEALED_RECORDS}),
)
SRO = Actor(id="ofc.reyes", name="Ofc. Reyes", role=ActorRole.SRO)
CLERK = Actor(id="clerk.kim", name="R. Kim", role=ActorRole.RECORDS_CLERK)
ANALYST = Actor(id="analyst.wu", name="J. Wu", role=ActorRole.ANALYST)


@attrs.frozen
class Town:
    """The seed's small city: a high school, a middle school, an SRO, the task forces."""

    high: School
    middle: School
    officer: Officer
    district: Partner
    madnet: Partner
    madget: Partner
    mou: Agreement

    def principal(self) -> Actor:
        """Return the high school's principal."""
        return Actor(
            id="principal.hs",
            name="Principal",
            role=ActorRole.SCHOOL_ADMINISTRATOR,
            schools=frozenset({self.high.id}),
        )

    def liaison(self, partner: Partner) -> Actor:
        """Return a partner's liaison."""
        return Actor(
            id=f"liaison.{partner.name.lower()}",
            name=partner.name,
            role=ActorRole.PARTNER_LIAISON,
            partner_id=partner.id,
        )


def build_town(program: Program) -> Town:
    """Register the seed's schools, officer, partners and the MOU covering the task forces."""
    high = program.register_school(
        CHIEF,
        School(
            "Chowchilla Union High School",
            "Chowchilla Union HSD",
            SchoolLevel.HIGH,
            GradeSpan(9, 12),
        ),
    )
    middle = program.register_school(
        CHIEF,
        School(
            "Wilson Middle School", "Chowchilla Elementary SD", SchoolLevel.MIDDLE, GradeSpan(6, 8)
        ),
    )
    officer = program.register_officer(CHIEF, Officer(badge="4127", name="Dana Reyes"))
    program.assign(CHIEF, officer.id, high.id, AssignmentRole.PRIMARY, start=dt.date(2026, 7, 1))
    district = program.register_partner(
        CHIEF, Partner("Chowchilla Union HSD", PartnerKind.DISTRICT)
    )
    madnet = program.register_partner(CHIEF, Partner("MADNET", PartnerKind.NARCOTICS_TASK_FORCE))
    madget = program.register_partner(CHIEF, Partner("MADGET", PartnerKind.GANG_TASK_FORCE))
    mou = program.sign_agreement(
        CHIEF,
        Agreement(
            title="SRO program MOU",
            partner_ids=frozenset({district.id, madnet.id, madget.id}),
            signed_on=dt.date(2026, 6, 15),
            effective_from=dt.date(2026, 7, 1),
            review_due=dt.date(2027, 5, 1),
            clauses=(
                Clause(ClauseKind.ROLES, "The SRO provides full police services on campus."),
                Clause(
                    ClauseKind.SUPERVISION, "The SRO answers to the department's chain of command."
                ),
                Clause(
                    ClauseKind.DISCIPLINE_SEPARATION, "School discipline stays with the school."
                ),
                Clause(
                    ClauseKind.INFORMATION_SHARING,
                    "Narcotics cases go to MADNET with their narrative.",
                    partner_id=madnet.id,
                    shares=frozenset(
                        {RecordClass.INCIDENT_SUMMARY, RecordClass.INCIDENT_NARRATIVE}
                    ),
                ),
                Clause(
                    ClauseKind.INFORMATION_SHARING,
                    "Gang cases go to MADGET, juveniles' identities included.",
                    partner_id=madget.id,
                    shares=frozenset({RecordClass.INCIDENT_SUMMARY, RecordClass.JUVENILE_IDENTITY}),
                ),
            ),
        ),
    )
    return Town(high, middle, officer, district, madnet, madget, mou)


def snapshot(program: Program) -> dict[str, Any]:
    """Return everything the store holds except the audit log, to compare before and after."""
    with program.storage.unit_of_work() as unit:
        return _snapshot(unit)


def _snapshot(unit: UnitOfWork) -> dict[str, Any]:
    repositories: Iterator[tuple[str, Any]] = (
        (name, getattr(unit, name))
        for name in (
            "officers",
            "schools",
            "assignments",
            "people",
            "incidents",
            "contacts",
            "activities",
            "partners",
            "agreements",
            "referrals",
            "crises",
        )
    )
    state: dict[str, Any] = {name: list(repo.all()) for name, repo in repositories}
    state["outbox"] = [entry.event for entry in unit.outbox.entries()]
    return state
