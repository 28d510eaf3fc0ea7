"""The master person index: matching, merges and their undo, and a person's history per reader."""

from __future__ import annotations

import datetime as dt
import uuid

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from program_support import CHIEF, CLERK, SRO, Town, build_town, open_program, snapshot
from sro_core.domain import (
    Actor,
    ActorRole,
    AuditOutcome,
    CommunityContact,
    ContactParty,
    ContactPurpose,
    Incident,
    Involvement,
    InvolvementRole,
    Location,
    LocationKind,
    MatchReason,
    Offense,
    Person,
    PersonCorrected,
    PersonKind,
    PersonRecord,
    ReferralReason,
    RuleViolation,
    TriadRole,
    alike,
    candidates,
    folded,
    record_keys,
)
from sro_core.policy import Context, decide
from sro_core.ports import NotFound
from sro_core.service import AccessDenied, Program
from sro_core.testing import strategies

PACIFIC = dt.timezone(dt.timedelta(hours=-7))
NAMES = (
    "José Hernández",
    "Jose Hernandez",
    "JOSÉ HERNÁNDEZ",
    "Josefina Hernandes",
    "Katherine Smith",
    "Catherine Smyth",
    "Maria Garcia",
    "María García-López",
    None,
)
"""A small pool of names, so that drawn records often match: accents, case, spellings."""
BIRTHS = st.sampled_from([None, dt.date(2010, 4, 2), dt.date(2011, 1, 9)])
RECORDS = strategies.person_records(
    PersonKind.STUDENT, names=st.sampled_from(NAMES), born=BIRTHS, school_ids=st.none()
).map(lambda r: attrs.evolve(r, student_number=r.student_number and r.student_number[-2:]))
"""Index records over the pool, with two-digit student numbers that collide."""


# --- matching --------------------------------------------------------------------------------


@given(one=RECORDS, other=RECORDS)
def test_matching_is_symmetric(one: PersonRecord, other: PersonRecord) -> None:
    """Whether and why two records match does not depend on which is asked about."""
    assert alike(one, other) == alike(other, one)


@given(records=st.lists(RECORDS, max_size=6, unique_by=lambda r: r.id), data=st.data())
def test_candidates_never_include_the_person_and_are_mutual(
    records: list[PersonRecord], data: st.DataObject
) -> None:
    """A person is never their own candidate; b is a's candidate exactly when a is b's."""
    if not records:
        return
    person = data.draw(st.sampled_from(records))
    found = {c.record.id for c in candidates(person, records)}
    assert person.id not in found
    for other in records:
        mine = {c.record.id for c in candidates(other, records)}
        assert (other.id in found) == (person.id in mine)


@given(one=RECORDS, other=RECORDS)
def test_candidates_share_a_matching_key(one: PersonRecord, other: PersonRecord) -> None:
    """Two records alike for any reason share a key, so a store's key lookup misses none."""
    if alike(one, other):
        assert record_keys(one) & record_keys(other)


def test_the_matching_keys_of_a_record() -> None:
    """Number, each folded name, and each sound pair of a name's first and last words."""
    record = PersonRecord(
        PersonKind.STUDENT, "José Hernández", aliases=("Li",), student_number=" S-9 "
    )
    assert record_keys(record) == {
        "number:s-9",
        "name:jose hernandez",
        "sound:HS:HRNNTS",
        "sound:JS:HRNNTS",
        "name:li",
        "sound:L:L",
    }


@given(record=RECORDS, keep=st.uuids())
def test_a_merged_record_is_no_candidate(record: PersonRecord, keep: uuid.UUID) -> None:
    """A record merged into another is proposed for no one: its kept record stands for it."""
    if keep == record.id:
        return
    record = attrs.evolve(record, name="Maria Garcia")
    merged = attrs.evolve(record, merged_into=keep)
    twin = attrs.evolve(record, id=uuid.uuid4())
    assert alike(twin, record)
    assert not alike(twin, merged)


def _record(name: str | None, **fields: object) -> PersonRecord:
    return PersonRecord(kind=PersonKind.STUDENT, name=name, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("one", "other", "reasons"),
    [
        (_record("José Hernández"), _record("jose  HERNANDEZ"), {MatchReason.SAME_NAME}),
        (_record("Katherine Smith"), _record("Catherine Smyth"), {MatchReason.SOUNDS_ALIKE}),
        (
            _record("Maria Garcia", date_of_birth=dt.date(2010, 4, 2)),
            _record("María García", date_of_birth=dt.date(2010, 4, 2)),
            {MatchReason.SAME_NAME, MatchReason.DATE_OF_BIRTH},
        ),
        (
            _record("Maria Garcia", date_of_birth=dt.date(2010, 4, 2)),
            _record("Maria Garcia", date_of_birth=dt.date(2011, 4, 2)),
            set(),
        ),
        (
            _record("A. One", student_number="S-1"),
            _record("B. Two", student_number=" s-1 "),
            {MatchReason.STUDENT_NUMBER},
        ),
        (
            _record("Maria Garcia", student_number="S-1"),
            _record("Maria Garcia", student_number="S-2"),
            set(),
        ),
        (
            _record("Maria Garcia", aliases=("Mari Jones",)),
            _record("Mary Jones"),
            {MatchReason.SOUNDS_ALIKE},
        ),
        (_record("Ana Ruiz"), _record("Maria Garcia"), set()),
    ],
)
def test_the_matching_rule(
    one: PersonRecord, other: PersonRecord, reasons: set[MatchReason]
) -> None:
    """Accents and case are folded; sounds compare first and last words; conflicts rule out."""
    assert alike(one, other) == frozenset(reasons)


def test_folding_drops_accents_case_and_punctuation() -> None:
    """A folded name keeps letters and single spaces only."""
    assert folded("  María  García-LÓPEZ ") == "maria garcia lopez"


# --- a town with people in its records -----------------------------------------------------------


STUDENT = Person(
    PersonKind.STUDENT, "Zoë Ramírez", dt.date(2010, 3, 1), student_number="S-881", grade=11
)
TYPO = Person(PersonKind.STUDENT, "Zoe Ramirez", dt.date(2010, 3, 1), student_number="S-881")
PARENT = Person(PersonKind.PARENT_GUARDIAN, "Harold Quint", dt.date(1975, 1, 1))


@pytest.fixture
def town() -> tuple[Program, Town]:
    """Return a program in memory with the seed's town."""
    program, _ = open_program()
    return program, build_town(program)


def _incident(
    program: Program, town: Town, person: Person, day: int, *, middle: bool = False
) -> Incident:
    return program.report_incident(
        CHIEF,
        Incident(
            reporting_officer_id=town.officer.id,
            occurred_start=dt.datetime(2026, 9, day, 12, 5, tzinfo=PACIFIC),
            reported_at=dt.datetime(2026, 9, day, 12, 30, tzinfo=PACIFIC),
            location=Location(LocationKind.ON_CAMPUS, "53"),
            school_id=(town.middle if middle else town.high).id,
            category="theft",
            offenses=(Offense("23H"),),
            involvements=(Involvement(person, frozenset({InvolvementRole.SUSPECT})),),
            narrative=f"{person.name} took a phone.",
        ),
    )


def _contact(program: Program, town: Town, person: Person, day: int) -> CommunityContact:
    try:
        program.show_person(CHIEF, person.id)
    except NotFound:
        program.record_person(CHIEF, PersonRecord.of(person, town.high.id))
    return program.log_contact(
        CHIEF,
        CommunityContact(
            officer_id=town.officer.id,
            at=dt.datetime(2026, 9, day, 9, tzinfo=PACIFIC),
            party=ContactParty.STUDENT,
            purpose=ContactPurpose.MENTORING,
            triad_role=TriadRole.INFORMAL_COUNSELOR_MENTOR,
            minutes=20,
            school_id=town.high.id,
            person_id=person.id,
            summary=f"Talked with {person.name}.",
        ),
    )


def _ids(program: Program, reader: Actor, person: uuid.UUID) -> list[uuid.UUID]:
    return [e.record.id for e in program.person_history(reader, person).entries]


def test_reporting_an_incident_puts_its_people_in_the_index(town: tuple[Program, Town]) -> None:
    """Each person of a reported incident has an index record, at the incident's school."""
    program, where = town
    _incident(program, where, STUDENT, 4)
    seen = program.show_person(CHIEF, STUDENT.id).value
    assert (seen.name, seen.student_number, seen.school_id) == (
        STUDENT.name,
        "S-881",
        where.high.id,
    )


def test_a_merge_moves_every_record_and_its_undo_gives_them_back(
    town: tuple[Program, Town],
) -> None:
    """After a merge the kept person's history holds the duplicate's; after the undo, not."""
    program, where = town
    first = _incident(program, where, STUDENT, 4)
    second = _incident(program, where, TYPO, 5)
    contact = _contact(program, where, TYPO, 6)
    referral = program.refer_incident(
        CHIEF, second.id, where.madget.id, ReferralReason.DIVERSION, person_id=TYPO.id
    )
    assert _ids(program, CHIEF, STUDENT.id) == [first.id]
    found = program.find_people(CHIEF, "Zoe Ramirez", date_of_birth=dt.date(2010, 3, 1))
    assert {c.record.id for c in found} == {STUDENT.id, TYPO.id}

    merged = program.merge_people(CHIEF, STUDENT.id, TYPO.id, "same student number")
    assert merged.merged_into == STUDENT.id
    by_time = [first.id, second.id, contact.id, referral.id]
    assert _ids(program, CHIEF, STUDENT.id) == by_time
    assert _ids(program, CHIEF, TYPO.id) == by_time, "a merged id's history is its kept person's"
    assert program.find_people(CHIEF, "Zoe Ramirez")[0].record.id == STUDENT.id

    program.undo_merge(CHIEF, TYPO.id, "two students after all")
    assert _ids(program, CHIEF, STUDENT.id) == [first.id]
    assert set(_ids(program, CHIEF, TYPO.id)) == {second.id, contact.id, referral.id}
    with program.storage.unit_of_work() as unit:
        assert unit.incidents.get(second.id).version == second.version + 1, "only the referral"


def test_merges_and_undos_are_audited_with_their_reason(town: tuple[Program, Town]) -> None:
    """Each merge and undo leaves an audit entry naming the kept person and the reason."""
    program, where = town
    _incident(program, where, STUDENT, 4)
    _incident(program, where, TYPO, 5)
    program.merge_people(CLERK, STUDENT.id, TYPO.id, "typo in the name")
    program.undo_merge(CLERK, TYPO.id, "twins")
    trail = [(e.action, e.target, e.detail) for e in program.audit_trail(CHIEF)]
    assert ("merge_people", str(TYPO.id), f"{STUDENT.id}: typo in the name") in trail
    assert ("undo_merge", str(TYPO.id), "undo: twins") in trail


def test_only_the_department_merges_and_a_bad_merge_changes_nothing(
    town: tuple[Program, Town],
) -> None:
    """An SRO may not merge (denied, audited); merging twice or into oneself is refused."""
    program, where = town
    _incident(program, where, STUDENT, 4)
    _incident(program, where, TYPO, 5)
    _incident(program, where, PARENT, 6)
    with pytest.raises(AccessDenied):
        program.merge_people(SRO, STUDENT.id, TYPO.id, "same")
    assert program.audit_trail(CHIEF)[-1].outcome is AuditOutcome.DENIED
    with pytest.raises(RuleViolation, match="itself"):
        program.merge_people(CHIEF, STUDENT.id, STUDENT.id, "same")
    with pytest.raises(RuleViolation, match="reason"):
        program.merge_people(CHIEF, STUDENT.id, TYPO.id, " ")
    program.merge_people(CHIEF, STUDENT.id, TYPO.id, "same")
    with pytest.raises(RuleViolation, match="already merged"):
        program.merge_people(CHIEF, STUDENT.id, TYPO.id, "same")
    with pytest.raises(RuleViolation, match="is merged into"):
        program.merge_people(CHIEF, TYPO.id, PARENT.id, "same")
    with pytest.raises(NotFound):
        program.merge_people(CHIEF, STUDENT.id, uuid.uuid4(), "same")


def test_recording_a_person_proposes_candidates_and_merges_nothing(
    town: tuple[Program, Town],
) -> None:
    """A newly recorded person comes back with the records that may be them, all unmerged.

    An SRO without the juvenile-records permission records the same person and gets none:
    the match was made on an identity they may not see.
    """
    program, where = town
    _incident(program, where, STUDENT, 4)
    new = PersonRecord(
        kind=PersonKind.STUDENT, name="Zoe Ramires", date_of_birth=dt.date(2010, 3, 1)
    )
    recorded = program.record_person(CHIEF, new)
    assert [c.record.id for c in recorded.candidates] == [STUDENT.id]
    assert recorded.candidates[0].reasons == {MatchReason.SOUNDS_ALIKE, MatchReason.DATE_OF_BIRTH}
    assert program.show_person(CHIEF, STUDENT.id).value.merged_into is None
    again = program.record_person(SRO, attrs.evolve(new, id=uuid.uuid4()))
    assert again.candidates == ()


def test_a_reader_without_juvenile_records_gets_no_candidate_matched_on_hidden_fields(
    town: tuple[Program, Town],
) -> None:
    """A juvenile's identity hidden from the reader keeps the juvenile out of their matches."""
    program, where = town
    _incident(program, where, STUDENT, 4)
    assert program.find_people(SRO, "Zoë Ramírez") == []
    assert [c.record.id for c in program.find_people(CHIEF, "Zoë Ramírez")] == [STUDENT.id]
    seen = program.show_person(SRO, STUDENT.id)
    assert seen.value.name is None
    assert {"name", "date_of_birth", "student_number"} <= seen.hidden


# --- corrections ---------------------------------------------------------------------------------

CORRECTIONS = st.fixed_dictionaries(
    {},
    optional={
        "name": st.sampled_from(NAMES),
        "date_of_birth": BIRTHS,
        "student_number": st.sampled_from([None, "S-881", "S-17"]),
        "aliases": st.sampled_from([(), ("Zoe R.",), ("Josie",)]),
        "phone": st.sampled_from([None, "555-0101"]),
    },
)
"""Corrections of an index record: some of its details, often matching others' (the pool)."""


@settings(max_examples=15, deadline=None)
@given(changes=CORRECTIONS)
def test_a_correction_is_seen_by_every_later_read_through_the_index(
    changes: dict[str, object],
) -> None:
    """After a correction, show, find and history show the corrected details; the report not."""
    program, _ = open_program()
    where = build_town(program)
    incident = _incident(program, where, STUDENT, 4)
    before = program.show_person(CHIEF, STUDENT.id).value
    if all(getattr(before, k) == v for k, v in changes.items()):
        with pytest.raises(RuleViolation, match="changes nothing"):
            program.correct_person(CHIEF, STUDENT.id, reason="typo", **changes)  # type: ignore[arg-type]
        return
    corrected = program.correct_person(CHIEF, STUDENT.id, reason="typo", **changes)  # type: ignore[arg-type]
    expected = attrs.evolve(before, **changes, version=before.version + 1)  # type: ignore[arg-type]
    assert corrected == expected
    assert program.show_person(CHIEF, STUDENT.id).value == expected
    history = program.person_history(CHIEF, STUDENT.id)
    assert history.person is not None
    assert history.person.value == expected
    assert [e.record.id for e in history.entries] == [incident.id]
    if expected.name is not None or expected.student_number is not None:
        found = program.find_people(CHIEF, expected.name, student_number=expected.student_number)
        assert [c.record for c in found if c.record.id == STUDENT.id] == [expected]
    [recorded] = program.incident(CHIEF, incident.id).value.involvements
    assert recorded.person == STUDENT, "the report keeps the person as it recorded them"


@settings(max_examples=10, deadline=None)
@given(changes=CORRECTIONS.filter(bool))
def test_a_correction_of_a_merged_away_record_is_refused_and_changes_nothing(
    changes: dict[str, object],
) -> None:
    """Whatever it changes, correcting a duplicate merged away is refused; no store write."""
    program, _ = open_program()
    where = build_town(program)
    _incident(program, where, STUDENT, 4)
    _incident(program, where, TYPO, 5)
    program.merge_people(CHIEF, STUDENT.id, TYPO.id, "same student")
    before = snapshot(program)
    with pytest.raises(RuleViolation, match="correct that record"):
        program.correct_person(CHIEF, TYPO.id, reason="typo", **changes)  # type: ignore[arg-type]
    assert snapshot(program) == before


def test_a_correction_is_audited_by_the_fields_it_names_never_their_values(
    town: tuple[Program, Town],
) -> None:
    """The audit names the fields and the reason; neither name appears; an event is recorded."""
    program, where = town
    _incident(program, where, TYPO, 4)
    program.correct_person(CLERK, TYPO.id, name="Zoë Ramírez", grade=11, reason="accents")
    trail = program.audit_trail(CHIEF)
    assert [(e.target, e.detail) for e in trail if e.action == "correct_person"] == [
        (str(TYPO.id), "grade, name: accents")
    ]
    with program.storage.unit_of_work() as unit:
        [event] = [e.event for e in unit.outbox.entries() if isinstance(e.event, PersonCorrected)]
    assert (event.person_id, event.fields) == (TYPO.id, ("grade", "name"))
    trail = " ".join(str(e.detail) for e in trail)
    assert "Zoë" not in trail
    assert "Zoe" not in trail
    found = program.find_people(CHIEF, "Zoë Ramírez", date_of_birth=dt.date(2010, 3, 1))
    assert [(c.record.id, c.record.name) for c in found] == [(TYPO.id, "Zoë Ramírez")]


def test_a_bad_correction_is_refused_and_changes_nothing(
    town: tuple[Program, Town],
) -> None:
    """An unknown field, a wrong type, no reason, an unknown school, a school admin: refused."""
    program, where = town
    _incident(program, where, STUDENT, 4)
    before = snapshot(program)
    with pytest.raises(RuleViolation, match="not a detail"):
        program.correct_person(CHIEF, STUDENT.id, reason="x", merged_into=None)  # type: ignore[call-arg]
    with pytest.raises(RuleViolation, match="date_of_birth"):
        program.correct_person(CHIEF, STUDENT.id, reason="x", date_of_birth="2010-03-01")  # type: ignore[arg-type]
    with pytest.raises(RuleViolation, match="reason"):
        program.correct_person(CHIEF, STUDENT.id, name="Zoe", reason=" ")
    with pytest.raises(NotFound):
        program.correct_person(CHIEF, STUDENT.id, school_id=uuid.uuid4(), reason="moved")
    with pytest.raises(AccessDenied):
        program.correct_person(_principal(where), STUDENT.id, name="Zoe", reason="typo")
    assert snapshot(program) == before


# --- the history, per reader ---------------------------------------------------------------------


def _principal(town: Town) -> Actor:
    return Actor(
        id="principal.hs",
        name="Principal",
        role=ActorRole.SCHOOL_ADMINISTRATOR,
        schools=frozenset({town.high.id}),
    )


@settings(max_examples=15, deadline=None)
@given(
    plan=st.lists(
        st.tuples(st.sampled_from(["incident", "middle", "contact", "refer"]), st.booleans()),
        min_size=1,
        max_size=6,
    )
)
def test_each_readers_history_is_the_departments_decided_record_by_record(
    plan: list[tuple[str, bool]],
) -> None:
    """For every reader, the history is the department's with the policy applied per record."""
    program, _ = open_program()
    where = build_town(program)
    incidents: list[Incident] = []
    if all(kind == "refer" for kind, _ in plan):
        return
    for day, (kind, typo) in enumerate(plan, 1):
        person = TYPO if typo else STUDENT
        if kind == "contact":
            _contact(program, where, person, day)
        elif kind == "refer" and incidents:
            program.refer_incident(
                CHIEF, incidents[-1].id, where.madget.id, ReferralReason.DIVERSION
            )
        else:
            incidents.append(_incident(program, where, person, day, middle=kind == "middle"))
    if len(program.find_people(CHIEF, "Zoe Ramirez")) == 2:
        program.merge_people(CHIEF, STUDENT.id, TYPO.id, "same student")
    named = {typo for kind, typo in plan if kind != "refer"}
    subject = STUDENT.id if False in named else TYPO.id
    history = program.person_history(CHIEF, subject)
    times = [e.at for e in history.entries]
    assert times == sorted(times), "in time order"
    now = program.clock()
    readers = [
        SRO,
        CLERK,
        _principal(where),
        where.liaison(where.madget),
        where.liaison(where.madnet),
    ]
    for reader in readers:
        with program.storage.unit_of_work() as unit:
            context: Context = program.kernel.context(unit, reader, now)
        expected = [
            decide(reader, e.record, context).seen(e.record).value  # type: ignore[arg-type]
            for e in history.entries
            if decide(reader, e.record, context).readable  # type: ignore[arg-type]
        ]
        found = [e.record for e in program.person_history(reader, subject).entries]
        assert found == expected, reader.id


POOL = tuple(
    Person(PersonKind.STUDENT, f"Student {n}", dt.date(2010, 1, n + 1), grade=10) for n in range(4)
)


@settings(max_examples=10, deadline=None)
@given(
    cast=st.lists(st.sampled_from(range(4)), min_size=1, max_size=5),
    merges=st.lists(st.tuples(st.sampled_from(range(4)), st.sampled_from(range(4))), max_size=5),
)
def test_no_merge_loses_a_reference(cast: list[int], merges: list[tuple[int, int]]) -> None:
    """Each record is in the history of its id's kept person alone; after the undos, its own."""
    program, _ = open_program()
    where = build_town(program)
    named = {
        _incident(program, where, POOL[n], day).id: POOL[n].id for day, n in enumerate(cast, 1)
    }
    people = sorted({POOL[n].id for n in cast})

    def owners() -> dict[uuid.UUID, uuid.UUID]:
        with program.storage.unit_of_work() as unit:
            roots = {unit.people.resolve(p) for p in people}
        owned: dict[uuid.UUID, uuid.UUID] = {}
        for root in roots:
            for record in _ids(program, CHIEF, root):
                assert record not in owned, "a record in two histories"
                owned[record] = root
        return owned

    before = owners()
    assert before == named
    done = []
    for keep, duplicate in merges:
        try:
            program.merge_people(CHIEF, POOL[keep].id, POOL[duplicate].id, "same")
        except (RuleViolation, NotFound):
            continue
        done.append(POOL[duplicate].id)
    with program.storage.unit_of_work() as unit:
        expected = {k: unit.people.resolve(p) for k, p in named.items()}
    assert owners() == expected
    for duplicate in reversed(done):
        program.undo_merge(CHIEF, duplicate, "apart again")
    assert owners() == named
