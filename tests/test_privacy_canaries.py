"""Canary property: no hidden token reaches a reader through any channel; every visible one does.

Random programs (three schools in two districts, three partners, one agreement each with random
classes and dates, incidents with random restrictions, juveniles and adults whose names are
unique random tokens also written into the narratives and the referral notes) are read by every
role through every channel: each query, each command's return value, every installed export
format, the report HTML, audit entries, notification payloads and exception messages. The test
asserts that no token the reader may not see appears in any byte the reader receives, and that
every token the reader may see does appear (so it cannot pass by hiding everything). Its oracle
is the policy restated here, independently of ``sro_core.policy``.

Mutations tried (each one, applied alone to ``sro_core.policy``, makes this test fail):

- ``_restricted``: the sealed rule removed (sealed incidents read without the permission);
- ``_restricted``: the ongoing-investigation rule removed (principals read them);
- ``_incident_in_scope``: a principal's school check removed;
- ``_incident_in_scope``: a partner's referral check removed;
- ``_audience_shares``: the reading day dropped from the days an agreement must be active on;
- ``_audience_shares``: the record's day dropped from them;
- ``_school_parties``: every school-side partner counted for every school (the old bug);
- ``_identities``: the juvenile-records permission ignored for the department;
- ``_protected``: the sexual-offense-victim rule removed;
- ``_hiding``: the free-text mask left empty (names in narratives shown);
- ``AUDIENCE_NEVER``: ``narrative`` removed for school administrators;
- ``SENSITIVITY_CLASS``: the narrative's class removed (partners read unshared narratives);
- ``_decide_referral``: the own-partner check removed (a partner reads others' notes);
- ``_decide_crisis``: every message shown to school administrators (those to the SRO too);
- ``_decide_crisis``: a principal's school check removed (other schools' crises read).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import tempfile
import uuid
import zipfile
from collections.abc import Iterator
from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from program_support import CHIEF, PACIFIC_SUMMER, Clock, RecorderPlugin
from sro_core import PluginHost
from sro_core.builtin import BUILTIN_PLUGINS
from sro_core.domain import (
    Actor,
    ActorRole,
    Agreement,
    AuditEntry,
    Clause,
    ClauseKind,
    CrisisKind,
    CrisisRole,
    DomainError,
    GradeSpan,
    Incident,
    Involvement,
    InvolvementRole,
    Location,
    LocationKind,
    Officer,
    Partner,
    PartnerKind,
    Permission,
    Person,
    PersonKind,
    RecordClass,
    RecordRestriction,
    ReferralReason,
    School,
    SchoolLevel,
    SchoolYear,
)
from sro_core.policy import event_payload
from sro_core.ports import ExportInput, IncidentFilter, Period
from sro_core.serialization import unstructure
from sro_core.service import Program, ProgramSettings

TODAY = dt.date(2026, 9, 8)
SEPTEMBER = Period(
    dt.datetime(2026, 7, 1, tzinfo=PACIFIC_SUMMER), dt.datetime(2026, 10, 1, tzinfo=PACIFIC_SUMMER)
)
SCHOOLS = (("Alder High", "North USD"), ("Birch Middle", "North USD"), ("Cedar High", "South USD"))
PARTNERS = (
    ("North USD", PartnerKind.DISTRICT),
    ("South USD", PartnerKind.DISTRICT),
    ("Narcotics TF", PartnerKind.NARCOTICS_TASK_FORCE),
    ("Probation", PartnerKind.PROBATION),
)
RESTRICTIONS = (
    RecordRestriction.SEALED,
    RecordRestriction.SEXUAL_OFFENSE_VICTIM,
    RecordRestriction.CONFIDENTIAL_SOURCE,
    RecordRestriction.ONGOING_INVESTIGATION,
)
SHAREABLE = (
    RecordClass.INCIDENT_SUMMARY,
    RecordClass.INCIDENT_NARRATIVE,
    RecordClass.JUVENILE_IDENTITY,
)


class Tokens:
    """Unique random-looking tokens: nothing in a program can hold one by chance."""

    def __init__(self, seed: int) -> None:
        self.n = seed * 1000

    def __call__(self, kind: str) -> str:
        """Return a new token of a kind."""
        self.n += 1
        return f"Q{kind}{self.n:07d}x"


@attrs.frozen
class Deal:
    """A partner's agreement: what it shares and when it is in force."""

    shares: frozenset[RecordClass]
    start: dt.date
    end: dt.date | None

    def active(self, *days: dt.date) -> bool:
        """Return whether it is in force on every day."""
        return all(self.start <= d and (self.end is None or d <= self.end) for d in days)


@attrs.frozen
class Case:
    """An incident drawn for the test, and its tokens."""

    school: int
    day: dt.date
    juveniles: tuple[str, ...]
    adult: str
    victim_is_juvenile: bool
    restrictions: frozenset[RecordRestriction]
    narrative: str
    referrals: tuple[tuple[int, str], ...]
    """(partner index, note token) of each referral asked for."""


def _case(draw: st.DrawFn, token: Tokens) -> Case:
    juveniles = tuple(token("juv") for _ in range(draw(st.integers(1, 2))))
    adult = token("adult")
    narrative = token("narr")
    referrals = tuple(
        (p, token("note")) for p in draw(st.sets(st.sampled_from([0, 1, 2, 3]), max_size=3))
    )
    return Case(
        school=draw(st.integers(0, 2)),
        day=TODAY - dt.timedelta(days=draw(st.sampled_from([1, 30]))),
        juveniles=juveniles,
        adult=adult,
        victim_is_juvenile=draw(st.booleans()),
        restrictions=frozenset(draw(st.sets(st.sampled_from(RESTRICTIONS), max_size=2))),
        narrative=narrative,
        referrals=referrals,
    )


LIKELY = st.sampled_from([True, True, False])
"""Two chances in three: agreements mostly share and are in force, so records do go out."""


@st.composite
def worlds(draw: st.DrawFn) -> tuple[list[Deal], list[Case]]:
    """Draw the partners' agreements and the incidents."""
    token = Tokens(draw(st.integers(0, 10**6)))
    deals = [
        Deal(
            frozenset(c for c in SHAREABLE if draw(LIKELY)),
            draw(st.sampled_from([dt.date(2026, 7, 1)] * 2 + [TODAY - dt.timedelta(days=10)])),
            draw(st.sampled_from([None, None, TODAY - dt.timedelta(days=3)])),
        )
        for _ in PARTNERS
    ]
    cases = [_case(draw, token) for _ in range(draw(st.integers(1, 3)))]
    return deals, cases


@attrs.frozen
class World:
    """The program built from a draw, and what the oracle needs of it."""

    program: Program
    schools: list[School]
    partners: list[Partner]
    deals: list[Deal]
    cases: dict[uuid.UUID, Case]
    referred: dict[uuid.UUID, dict[int, str]]
    """For each incident, the partners it was referred to and the note token."""
    crises: dict[int, tuple[str, str]]
    """For each school with a crisis, the tokens of its message to the SRO and to the school."""


def _open() -> Program:
    """Open a program in memory with every installed plugin: every export format is a channel."""
    host = PluginHost.load(builtins=(*BUILTIN_PLUGINS, RecorderPlugin()))
    settings = ProgramSettings(agency_ori="CA0200200")
    return Program.open("memory:", settings, plugins=host, clock=Clock())


def _build(deals: list[Deal], cases: list[Case]) -> World:
    program = _open()
    schools = [
        program.register_school(CHIEF, School(name, district, SchoolLevel.HIGH, GradeSpan(9, 12)))
        for name, district in SCHOOLS
    ]
    partners = [program.register_partner(CHIEF, Partner(n, k)) for n, k in PARTNERS]
    for partner, deal in zip(partners, deals, strict=True):
        sharing = (
            (Clause(ClauseKind.INFORMATION_SHARING, "Shares.", partner.id, deal.shares),)
            if deal.shares
            else ()
        )
        program.sign_agreement(
            CHIEF,
            Agreement(
                title=f"MOU {partner.name}",
                partner_ids=frozenset({partner.id}),
                signed_on=dt.date(2026, 6, 1),
                effective_from=deal.start,
                effective_to=deal.end,
                review_due=dt.date(2027, 6, 1),
                clauses=(Clause(ClauseKind.ROLES, "Roles."), *sharing),
            ),
        )
    officer = program.register_officer(CHIEF, Officer(badge="1", name="Officer One"))
    stored: dict[uuid.UUID, Case] = {}
    referred: dict[uuid.UUID, dict[int, str]] = {}
    for case in cases:
        incident = program.report_incident(CHIEF, _draft(case, schools, officer))
        stored[incident.id] = case
        referred[incident.id] = {}
        for partner, note in case.referrals:
            reason = ReferralReason.TASK_FORCE_INVESTIGATION
            with contextlib.suppress(DomainError):
                program.refer_incident(
                    CHIEF, incident.id, partners[partner].id, reason, note=_note(note, case)
                )
                referred[incident.id][partner] = note
    crises: dict[int, tuple[str, str]] = {}
    for n in sorted({c.school for c in cases}):
        crisis = program.declare_crisis(CHIEF, schools[n].id, CrisisKind.THREAT)
        to_sro, to_school = f"Qcrisis{n}sro", f"Qcrisis{n}school"
        program.post_crisis_message(CHIEF, crisis.id, None, frozenset({CrisisRole.SRO}), to_sro)
        program.post_crisis_message(
            CHIEF, crisis.id, None, frozenset({CrisisRole.SCHOOL_ADMIN}), to_school
        )
        crises[n] = (to_sro, to_school)
    return World(program, schools, partners, deals, stored, referred, crises)


def _note(note: str, case: Case) -> str:
    return f"{note}: talked to {case.juveniles[0]}'s family."


def _draft(case: Case, schools: list[School], officer: Officer) -> Incident:
    at = dt.datetime.combine(case.day, dt.time(10), tzinfo=PACIFIC_SUMMER)
    involvements = [
        Involvement(
            Person(PersonKind.STUDENT, name, dt.date(2011, 1, 1), student_number=name + "S"),
            frozenset(
                {
                    InvolvementRole.VICTIM
                    if n == 0 and case.victim_is_juvenile
                    else InvolvementRole.SUSPECT
                }
            ),
        )
        for n, name in enumerate(case.juveniles)
    ]
    involvements.append(
        Involvement(
            Person(
                PersonKind.PARENT_GUARDIAN, case.adult, dt.date(1980, 1, 1), phone=case.adult + "P"
            ),
            frozenset(
                {InvolvementRole.WITNESS if case.victim_is_juvenile else InvolvementRole.VICTIM}
            ),
        )
    )
    names = " and ".join(case.juveniles)
    return Incident(
        reporting_officer_id=officer.id,
        occurred_start=at,
        reported_at=at,
        location=Location(LocationKind.ON_CAMPUS, "53"),
        school_id=schools[case.school].id,
        category="fight",
        involvements=tuple(involvements),
        narrative=(
            f"{case.narrative}: {names} fought; {case.adult.upper()} saw {case.juveniles[0]}'s bag."
        ),
        restrictions=case.restrictions,
    )


# The oracle: the policy as docs/privacy.md states it, written again for the test.


def _readers(world: World) -> list[Actor]:
    return [
        CHIEF,
        Actor(id="sro", name="SRO", role=ActorRole.SRO),
        Actor(id="clerk", name="Clerk", role=ActorRole.RECORDS_CLERK),
        Actor(
            id="sro.j",
            name="SRO J",
            role=ActorRole.SRO,
            permissions=frozenset({Permission.JUVENILE_RECORDS}),
        ),
        *(
            Actor(
                id=f"principal.{n}",
                name="Principal",
                role=ActorRole.SCHOOL_ADMINISTRATOR,
                schools=frozenset({s.id}),
            )
            for n, s in enumerate(world.schools)
        ),
        *(
            Actor(
                id=f"liaison.{n}", name="Liaison", role=ActorRole.PARTNER_LIAISON, partner_id=p.id
            )
            for n, p in enumerate(world.partners)
        ),
        Actor(id="analyst", name="Analyst", role=ActorRole.ANALYST),
    ]


def _department(reader: Actor) -> bool:
    return reader.role in (ActorRole.SUPERVISOR, ActorRole.SRO, ActorRole.RECORDS_CLERK)


def _shared(world: World, reader: Actor, case: Case) -> frozenset[RecordClass]:
    """Return what the agreements governing the case share with the reader."""
    if reader.role is ActorRole.SCHOOL_ADMINISTRATOR:
        district = SCHOOLS[case.school][1]
        index = next(n for n, (name, _) in enumerate(PARTNERS) if name == district)
    elif reader.role is ActorRole.PARTNER_LIAISON:
        index = next(n for n, p in enumerate(world.partners) if p.id == reader.partner_id)
    else:
        return frozenset()
    deal = world.deals[index]
    return deal.shares if deal.active(case.day, TODAY) else frozenset()


def _partner_index(world: World, reader: Actor) -> int | None:
    return next((n for n, p in enumerate(world.partners) if p.id == reader.partner_id), None)


def _readable(world: World, reader: Actor, incident_id: uuid.UUID) -> bool:
    case = world.cases[incident_id]
    restricted = case.restrictions
    if reader.role is ActorRole.ANALYST:
        return False
    if RecordRestriction.SEALED in restricted and not (
        _department(reader) and Permission.SEALED_RECORDS in reader.permissions
    ):
        return False
    if _department(reader):
        return True
    if reader.role is ActorRole.SCHOOL_ADMINISTRATOR:
        return (
            reader.schools == {world.schools[case.school].id}
            and RecordRestriction.ONGOING_INVESTIGATION not in restricted
        )
    index = _partner_index(world, reader)
    return index in world.referred[incident_id] and RecordClass.INCIDENT_SUMMARY in _shared(
        world, reader, case
    )


def _visible_tokens(world: World, reader: Actor) -> tuple[set[str], set[str]]:
    """Return the tokens the reader must see, and those it must never see."""
    shown: set[str] = set()
    everything: set[str] = set()
    for incident_id, case in world.cases.items():
        juveniles = set(case.juveniles) | {j + "S" for j in case.juveniles}
        notes = set(world.referred[incident_id].values())
        everything |= juveniles | {case.adult, case.adult + "P", case.narrative} | notes
        if not _readable(world, reader, incident_id):
            continue
        shared = _shared(world, reader, case)
        inside = _department(reader)
        identities = (
            Permission.JUVENILE_RECORDS in reader.permissions
            if inside
            else RecordClass.JUVENILE_IDENTITY in shared
        )
        protected_victim = (
            RecordRestriction.SEXUAL_OFFENSE_VICTIM in case.restrictions and not inside
        )
        for n, name in enumerate(case.juveniles):
            victim = n == 0 and case.victim_is_juvenile
            if identities and not (victim and protected_victim):
                # The student number is an education record too: no agreement here shares it.
                shown |= {name, name + "S"} if inside else {name}
        if not (protected_victim and not case.victim_is_juvenile):
            shown.add(case.adult)
        if inside:
            shown.add(case.adult + "P")
        narrative = inside or (
            reader.role is ActorRole.PARTNER_LIAISON
            and RecordClass.INCIDENT_NARRATIVE in shared
            and RecordRestriction.CONFIDENTIAL_SOURCE not in case.restrictions
        )
        if narrative:
            shown.add(case.narrative)
        index = _partner_index(world, reader)
        for partner, note in world.referred[incident_id].items():
            if inside or (partner == index and narrative):
                shown.add(note)
    for n, (to_sro, to_school) in world.crises.items():
        everything |= {to_sro, to_school}
        if _department(reader) and reader.role is not ActorRole.RECORDS_CLERK:  # clerks: no crises
            shown |= {to_sro, to_school}
        elif reader.schools == {world.schools[n].id}:
            shown.add(to_school)
    return shown, everything - shown


# The channels: everything a reader can receive, as text.


SLOW_FORMATS = frozenset({"report-html", "nibrs-xml"})
"""Formats that take long to write: the second property reads them for every reader."""

PRINTED_FORMATS = frozenset({"report-pdf"})
"""Formats that print another format's page: report-pdf is Chromium's print of the report-html
page that the second property reads (its own bytes are compressed, so tokens cannot be read
from them), and launching a browser for every example would take minutes."""


def _channels(world: World, reader: Actor, slow: bool) -> Iterator[tuple[str, str]]:
    program = world.program
    yield from _attempt(
        "find_incidents", lambda: [unstructure(s.value) for s in program.incidents_of(reader)]
    )
    for incident_id, case in world.cases.items():
        yield from _attempt(
            "incident", lambda i=incident_id: unstructure(program.incident(reader, i).value)
        )
        yield from _attempt(
            "referrals", lambda i=incident_id: unstructure(program.referrals(reader, i))
        )
        for word in (case.narrative, case.juveniles[0], case.adult):
            where = IncidentFilter(text=word)
            yield from _attempt(
                "search", lambda w=where: [str(s.value.id) for s in program.incidents_of(reader, w)]
            )
        yield from _attempt(
            "amend",
            lambda i=incident_id: unstructure(program.amend_incident(reader, i, category="fight")),
        )
    yield from _attempt(
        "contacts", lambda: [unstructure(s.value) for s in program.contacts(reader)]
    )
    yield from _attempt("crises", lambda: unstructure(program.crises(reader)))
    yield from _attempt("monthly", lambda: unstructure(program.monthly_counts(reader, SEPTEMBER)))
    yield from _attempt("triad", lambda: unstructure(program.triad_split(reader, SEPTEMBER)))
    for exporter in program.plugins.exporter_registry().exporters():
        if exporter.name in PRINTED_FORMATS or (exporter.name in SLOW_FORMATS) is not slow:
            continue
        if exporter.takes is ExportInput.REPORT:
            out = io.BytesIO()
            yield from _attempt(
                exporter.name,
                lambda e=exporter.name, o=out: (
                    program.report(reader, o, period=SEPTEMBER, format_name=e),
                    o.getvalue().decode(),
                ),
            )
        else:
            yield from _attempt(exporter.name, lambda e=exporter.name: _export(program, reader, e))


def _export(program: Program, reader: Actor, name: str) -> str:
    """Return what an export in a format writes for the reader, as text."""
    with tempfile.TemporaryDirectory() as folder:
        options = {"period": "2026-09", "ledger": f"{folder}/ledger.json"}
        return _written(program, reader, name, options if name.startswith("nibrs") else {})


def _written(program: Program, reader: Actor, name: str, options: dict[str, str]) -> str:
    """Return an export written to text, or to bytes (a zip's members decoded) if it is binary."""
    try:
        text = io.StringIO()
        program.export(reader, name, text, options=options)
        return text.getvalue()
    except TypeError:
        binary = io.BytesIO()
        program.export(reader, name, binary, options=options, school_year=SchoolYear(2026))
        data = binary.getvalue()
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(archive.read(n).decode(errors="replace") for n in archive.namelist())
    return data.decode(errors="replace")


def _attempt(name: str, read: Any) -> Iterator[tuple[str, str]]:
    """Yield what a read returns, or its error's message: both reach the reader."""
    try:
        value = read()
    except Exception as error:  # noqa: BLE001 - an error's message reaches the reader too
        yield name, f"{type(error).__name__}: {error}"
    else:
        yield name, json.dumps(value, default=str)


def _audit(program: Program) -> list[AuditEntry]:
    return program.audit_trail(CHIEF, 0, 100_000)


SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SETTINGS
@given(worlds())
def test_no_hidden_token_reaches_a_reader_and_every_visible_one_does(
    world_draw: tuple[list[Deal], list[Case]],
) -> None:
    """Every role, every channel: hidden tokens never appear, visible ones always do."""
    _check(_build(*world_draw), slow=False)


@settings(SETTINGS, max_examples=5)
@given(worlds())
def test_no_hidden_token_reaches_a_reader_through_the_slow_formats(
    world_draw: tuple[list[Deal], list[Case]],
) -> None:
    """The report HTML and the NIBRS submission, for every role, with every other channel."""
    _check(_build(*world_draw), slow=True)


def _check(world: World, *, slow: bool) -> None:
    """Assert the canary property of one world, reading the slow formats or the others."""
    for reader in _readers(world):
        shown, hidden = _visible_tokens(world, reader)
        received = {name: text.casefold() for name, text in _gather(world, reader, slow)}
        everything = "\n".join(received.values())
        for token in hidden:
            leaks = [name for name, text in received.items() if token.casefold() in text]
            assert not leaks, f"{reader.id} received hidden {token} through {leaks}"
        for token in shown:
            seen = received["find_incidents"] + received["referrals"] + received["crises"]
            assert token.casefold() in seen, (
                f"{reader.id} did not receive {token}, which it may see"
            )
        assert everything
    trail = json.dumps([unstructure(e) for e in _audit(world.program)]).casefold()
    _, every_token = _visible_tokens(world, Actor(id="x", name="x", role=ActorRole.ANALYST))
    assert not [t for t in every_token if t.casefold() in trail], "an audit echoes a token"
    with world.program.storage.unit_of_work() as unit:
        events = [e.event for e in unit.outbox.entries()]
    payloads = json.dumps(
        [event_payload(e, a.audience) for e in events for a in _readers(world)], default=str
    )
    assert not [t for t in every_token if t in payloads]


def _gather(world: World, reader: Actor, slow: bool) -> Iterator[tuple[str, str]]:
    """Return every channel's text, those of one name joined."""
    joined: dict[str, list[str]] = {}
    for name, text in _channels(world, reader, slow):
        joined.setdefault(name, []).append(text)
    for name, texts in joined.items():
        yield name, "\n".join(texts)
