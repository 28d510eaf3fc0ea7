"""Review of reports: the review table as a property, and the workflow end to end on SQLite."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from program_support import CHIEF, CLERK, SRO, Town, build_town, open_program
from sro_core.domain import (
    REVIEW_TRANSITIONS,
    Actor,
    ActorRole,
    AuditOutcome,
    CampusZone,
    IllegalTransition,
    Incident,
    IncidentStatus,
    Location,
    LocationKind,
    ReportReviewed,
    ReviewState,
    ReviewStep,
    RuleViolation,
)
from sro_core.ports import Period
from sro_core.service import AccessDenied, Program, ProgramSettings
from sro_core.testing import strategies as sx

PACIFIC = dt.timezone(dt.timedelta(hours=-7))
LT = Actor(id="lt.okafor", name="Lt. Okafor", role=ActorRole.SUPERVISOR)
SUBMITTER = {ReviewState.SUBMITTED: "ofc.reyes"}
"""Who asks for each review state in the properties: the officer submits, a supervisor rules."""


def _unreviewed(incident: Incident) -> Incident:
    return attrs.evolve(incident, review=ReviewState.UNSUBMITTED, reviews=())


@settings(max_examples=100)
@given(
    incident=sx.incidents(status=IncidentStatus.REPORTED),
    requests=sx.review_requests(),
    start=sx.aware_datetimes(),
)
def test_no_sequence_of_review_requests_leaves_the_table(
    incident: Incident, requests: list[ReviewState], start: dt.datetime
) -> None:
    """Each move the table allows is made and kept; each other is refused and changes nothing."""
    report = _unreviewed(incident)
    for n, wanted in enumerate(requests):
        by = SUBMITTER.get(wanted, "sgt.lopez")
        at = start + dt.timedelta(minutes=n)
        if wanted in REVIEW_TRANSITIONS[report.review]:
            moved = report.under_review(wanted, by, at, "see the narrative")
            assert moved.review is wanted
            assert moved.reviews[:-1] == report.reviews
            assert moved.reviews[-1] == ReviewStep(wanted, by, at, "see the narrative")
            report = moved
        else:
            with pytest.raises(IllegalTransition):
                report.under_review(wanted, by, at, "see the narrative")
    assert attrs.evolve(report) == report  # the whole history passes the model's rules again


def _follows_table(steps: list[ReviewStep]) -> bool:
    """Return whether steps follow the table in time order, nobody approving their own."""
    current, submitter = ReviewState.UNSUBMITTED, None
    for before, step in zip([None, *steps], steps, strict=False):
        if step.state not in REVIEW_TRANSITIONS[current]:
            return False
        if before is not None and step.at < before.at:
            return False
        if step.state is ReviewState.APPROVED and step.actor_id == submitter:
            return False
        submitter = step.actor_id if step.state is ReviewState.SUBMITTED else submitter
        current = step.state
    return True


@settings(max_examples=150)
@given(
    incident=sx.incidents(status=IncidentStatus.REPORTED),
    steps=st.lists(sx.review_steps(), max_size=5),
    last=st.sampled_from(ReviewState),
)
def test_no_incident_holds_a_review_the_table_forbids(
    incident: Incident, steps: list[ReviewStep], last: ReviewState
) -> None:
    """An incident is built from review steps only if they follow the table and end at its state."""
    ends = steps[-1].state if steps else ReviewState.UNSUBMITTED
    legal = _follows_table(steps) and last is ends
    try:
        attrs.evolve(incident, review=last, reviews=tuple(steps))
    except RuleViolation:
        assert not legal
    else:
        assert legal


REVIEW_COMMANDS = ("submit", "approve", "return", "amend", "move")
"""What the property asks of the program: review commands, an amendment, a move of the case."""
ACTORS = (SRO, CHIEF, LT, CLERK)
_ASKED = {"submit": ReviewState.SUBMITTED, "approve": ReviewState.APPROVED}


def _command(program: Program, name: str, actor: Actor, incident: Incident, n: int) -> Incident:
    key = incident.id
    commands = {
        "submit": lambda: program.submit_report(actor, key),
        "approve": lambda: program.approve_report(actor, key),
        "return": lambda: program.return_report(actor, key, "Say who saw it."),
        "amend": lambda: program.amend_incident(actor, key, narrative=f"Step {n}."),
        "move": lambda: program.move_incident(actor, key, IncidentStatus.UNDER_INVESTIGATION),
    }
    return commands[name]()


_USUAL = {"submit": SRO, "approve": CHIEF, "return": LT, "amend": SRO, "move": SRO}
"""Who usually gives each command; the property also draws anyone else, to be refused."""


@st.composite
def _commands(draw: st.DrawFn) -> tuple[str, Actor, int]:
    """Draw a command, who gives it (most often the usual one), and which of two reports."""
    name = draw(st.sampled_from(REVIEW_COMMANDS))
    actor = draw(st.sampled_from((_USUAL[name],) * 3 + ACTORS))
    return name, actor, draw(st.sampled_from((0, 0, 0, 1)))


@settings(max_examples=100, deadline=None)
@given(commands=st.lists(_commands(), max_size=16))
def test_no_sequence_of_review_commands_reaches_a_state_the_table_forbids(
    commands: list[tuple[str, Actor, int]],
) -> None:
    """Through the program, every kept review follows the table; a refused command keeps nothing.

    A command the program takes moves the review where it was asked (an amendment of an
    approved report sends it back to submitted, any other amendment or a move of the case
    leaves it); the queue always holds exactly the reports whose review is submitted.
    """
    program, _ = open_program(review="on")
    town = build_town(program)
    incidents = [
        program.report_incident(SRO, _draft_of(town)),
        program.report_incident(SRO, _draft_of(town, category="theft")),
    ]
    for n, (name, actor, which) in enumerate(commands):
        before = program.incident(CHIEF, incidents[which].id).value
        try:
            _command(program, name, actor, before, n)
        except (AccessDenied, IllegalTransition, RuleViolation):
            assert program.incident(CHIEF, before.id).value == before
            continue
        after = program.incident(CHIEF, before.id).value
        assert _follows_table(list(after.reviews))
        assert after.review is (after.reviews[-1].state if after.reviews else before.review)
        assert after.reviews[: len(before.reviews)] == before.reviews  # steps are only added
        if name == "return":
            wanted = ReviewState.RETURNED
        elif name in _ASKED:
            wanted = _ASKED[name]
        elif name == "amend" and before.review is ReviewState.APPROVED:
            wanted = ReviewState.SUBMITTED
        else:
            wanted = before.review
        assert after.review is wanted, (name, actor.id, before.review)
        waiting = [i.id for i in incidents if program.incident(CHIEF, i.id).value.review
                   is ReviewState.SUBMITTED]  # fmt: skip
        assert sorted(w.incident.id for w in program.review_queue(CHIEF)) == sorted(waiting)
    program.close()


def test_a_return_says_why() -> None:
    """A return without a comment is refused."""
    with pytest.raises(RuleViolation, match="correct"):
        ReviewStep(ReviewState.RETURNED, "sgt.lopez", dt.datetime.now(dt.UTC), "  ")


def _draft_of(town: Town, **fields: object) -> Incident:
    values: dict[str, object] = {
        "reporting_officer_id": town.officer.id,
        "occurred_start": dt.datetime(2026, 9, 14, 12, 5, tzinfo=PACIFIC),
        "reported_at": dt.datetime(2026, 9, 14, 12, 30, tzinfo=PACIFIC),
        "location": Location(LocationKind.ON_CAMPUS, "53", CampusZone.CAFETERIA),
        "school_id": town.high.id,
        "category": "fight",
    }
    values.update(fields)
    return Incident(**values)  # type: ignore[arg-type]


@pytest.fixture
def reviewing(tmp_path: Path) -> tuple[Program, Town]:
    """Return a program that reviews reports, in a SQLite file, with the seed's town."""
    program, _ = open_program(f"sqlite:///{tmp_path / 'sro.db'}", review="on")
    return program, build_town(program)


def _trail(program: Program) -> list[tuple[str, AuditOutcome, str]]:
    return [(e.action, e.outcome, e.detail) for e in program.audit_trail(CHIEF, limit=1000)]


def test_a_report_is_submitted_returned_corrected_and_approved(
    reviewing: tuple[Program, Town], tmp_path: Path
) -> None:
    """The whole review on SQLite: each comment kept with its author and time, each step audited."""
    program, town = reviewing
    incident = program.report_incident(SRO, _draft_of(town))
    assert program.review_queue(CHIEF) == []
    program.submit_report(SRO, incident.id)
    [waiting] = program.review_queue(CHIEF)
    assert waiting.incident.id == incident.id
    assert waiting.age > dt.timedelta(0)
    returned = program.return_report(CHIEF, incident.id, "Name the witness in the narrative.")
    assert returned.review is ReviewState.RETURNED
    assert program.review_queue(CHIEF) == []
    program.amend_incident(SRO, incident.id, narrative="Witness: the cafeteria monitor.")
    program.submit_report(SRO, incident.id, "Witness named.")
    approved = program.approve_report(CHIEF, incident.id)
    assert approved.review is ReviewState.APPROVED
    program.close()
    reopened, _ = open_program(f"sqlite:///{tmp_path / 'sro.db'}", review="on")
    kept = reopened.incident(CHIEF, incident.id).value
    steps = [(s.state, s.actor_id, s.note) for s in kept.reviews]
    assert steps == [
        (ReviewState.SUBMITTED, SRO.id, ""),
        (ReviewState.RETURNED, CHIEF.id, "Name the witness in the narrative."),
        (ReviewState.SUBMITTED, SRO.id, "Witness named."),
        (ReviewState.APPROVED, CHIEF.id, ""),
    ]
    assert [s.at for s in kept.reviews] == sorted(s.at for s in kept.reviews)
    allowed = [(a, d) for a, o, d in _trail(reopened) if o is AuditOutcome.ALLOWED]
    assert [a for a, _ in allowed if a.endswith("_report")] == [
        "submit_report",
        "return_report",
        "submit_report",
        "approve_report",
    ]
    assert ("return_report", "returned") in allowed


def test_an_approved_report_that_is_amended_goes_back_to_review() -> None:
    """Amending an approved report queues it again, and says so; moving its case along does not."""
    program, recorded = open_program(review="on")
    town = build_town(program)
    incident = program.report_incident(SRO, _draft_of(town))
    program.submit_report(SRO, incident.id)
    program.approve_report(CHIEF, incident.id)
    moved = program.move_incident(SRO, incident.id, IncidentStatus.UNDER_INVESTIGATION)
    assert moved.review is ReviewState.APPROVED
    amended = program.amend_incident(SRO, incident.id, category="assault")
    assert amended.review is ReviewState.SUBMITTED
    assert amended.reviews[-1].note == "amended after approval"
    assert [w.incident.id for w in program.review_queue(CHIEF)] == [incident.id]
    moves = [(e.previous, e.review) for e in recorded.delivered if isinstance(e, ReportReviewed)]
    assert moves == [
        (ReviewState.UNSUBMITTED, ReviewState.SUBMITTED),
        (ReviewState.SUBMITTED, ReviewState.APPROVED),
        (ReviewState.APPROVED, ReviewState.SUBMITTED),
    ]


def test_the_queue_is_oldest_first(reviewing: tuple[Program, Town]) -> None:
    """Reports wait in the order they were submitted, whatever their numbers."""
    program, town = reviewing
    first = program.report_incident(SRO, _draft_of(town))
    second = program.report_incident(SRO, _draft_of(town, category="theft"))
    program.submit_report(SRO, second.id)
    program.submit_report(SRO, first.id)
    queue = program.review_queue(CHIEF)
    assert [w.incident.id for w in queue] == [second.id, first.id]
    assert queue[0].age > queue[1].age


def test_only_supervisors_review_and_not_their_own_reports(
    reviewing: tuple[Program, Town],
) -> None:
    """An SRO may not approve nor see the queue, a clerk not submit; nobody approves their own."""
    program, town = reviewing
    incident = program.report_incident(SRO, _draft_of(town))
    with pytest.raises(AccessDenied):
        program.submit_report(CLERK, incident.id)
    program.submit_report(SRO, incident.id)
    for refused in (
        lambda: program.approve_report(SRO, incident.id),
        lambda: program.return_report(SRO, incident.id, "no"),
        lambda: program.review_queue(SRO),
    ):
        with pytest.raises(AccessDenied):
            refused()
    own = program.report_incident(CHIEF, _draft_of(town, category="theft"))
    program.submit_report(CHIEF, own.id)
    with pytest.raises(RuleViolation, match="submitted"):
        program.approve_report(CHIEF, own.id)
    assert program.approve_report(LT, own.id).review is ReviewState.APPROVED
    denied = [(a, o) for a, o, _ in _trail(program) if o is AuditOutcome.DENIED]
    assert ("approve_report", AuditOutcome.DENIED) in denied
    assert ("review_queue", AuditOutcome.DENIED) in denied


def test_a_report_moves_only_as_the_table_allows(reviewing: tuple[Program, Town]) -> None:
    """Approving what was not submitted, or returning what was approved, is refused and audited."""
    program, town = reviewing
    incident = program.report_incident(SRO, _draft_of(town))
    with pytest.raises(IllegalTransition):
        program.approve_report(CHIEF, incident.id)
    program.submit_report(SRO, incident.id)
    program.approve_report(CHIEF, incident.id)
    with pytest.raises(IllegalTransition):
        program.return_report(CHIEF, incident.id, "too late")
    assert program.incident(CHIEF, incident.id).value.review is ReviewState.APPROVED
    errors = [a for a, o, _ in _trail(program) if o is AuditOutcome.ERROR]
    assert errors == ["approve_report", "return_report"]


def test_without_review_nothing_changes() -> None:
    """Review = "off" (the default): review commands are refused and amendments leave review be."""
    assert ProgramSettings().review == "off"
    with pytest.raises(RuleViolation, match="review"):
        ProgramSettings(review="sometimes")
    program, _ = open_program()
    town = build_town(program)
    incident = program.report_incident(SRO, _draft_of(town))
    with pytest.raises(RuleViolation, match="does not review"):
        program.submit_report(SRO, incident.id)
    amended = program.amend_incident(SRO, incident.id, category="assault")
    assert (amended.review, amended.reviews) == (ReviewState.UNSUBMITTED, ())
    assert program.review_queue(CHIEF) == []


def test_a_principal_sees_where_the_review_stands_but_not_the_comments(
    reviewing: tuple[Program, Town],
) -> None:
    """Review comments are narrative: a school administrator reads the state, not what was said."""
    program, town = reviewing
    incident = program.report_incident(SRO, _draft_of(town))
    program.submit_report(SRO, incident.id, "Witness named.")
    seen = program.incident(town.principal(), incident.id)
    assert seen.value.review is ReviewState.SUBMITTED
    assert seen.value.reviews == ()
    assert "reviews" in seen.hidden


def test_the_program_report_says_it_counts_unreviewed_reports(
    reviewing: tuple[Program, Town],
) -> None:
    """A reviewing program's report counts a report waiting for review, and says that it does."""
    program, town = reviewing
    incident = program.report_incident(SRO, _draft_of(town))
    program.submit_report(SRO, incident.id)
    september = Period(
        dt.datetime(2026, 9, 1, tzinfo=PACIFIC), dt.datetime(2026, 10, 1, tzinfo=PACIFIC)
    )
    report = program.program_report(CHIEF, period=september, label="September 2026")
    assert sum(f.count or 0 for f in report.monthly) == 1
    assert any("whether or not a supervisor has approved" in note for note in report.notes)
    quiet, _ = open_program()
    plain = quiet.program_report(CHIEF, period=september, label="September 2026")
    assert not any("supervisor" in note for note in plain.notes)


def test_a_report_cannot_arrive_already_reviewed(reviewing: tuple[Program, Town]) -> None:
    """A draft carrying an approval is refused when reported and when imported; nothing is kept."""
    program, town = reviewing
    approved = ReviewStep(ReviewState.APPROVED, CHIEF.id, dt.datetime(2026, 9, 15, tzinfo=PACIFIC))
    submitted = attrs.evolve(approved, state=ReviewState.SUBMITTED, actor_id=SRO.id)
    forged = _draft_of(town, review=ReviewState.APPROVED, reviews=(submitted, approved))
    with pytest.raises(RuleViolation, match="reviewed once reported"):
        program.report_incident(SRO, forged)
    checked = program.import_records(CHIEF, [forged], check_only=True, skip_bad=True)
    assert [p.field for p in checked.problems[0]] == ["review"]
    assert program.review_queue(CHIEF) == []
