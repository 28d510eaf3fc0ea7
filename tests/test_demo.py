"""`sro demo`: a school year built through the Program API keeps every rule and repeats itself."""

from __future__ import annotations

import collections
import inspect
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from sro_core import PluginHost
from sro_core.builtin import BUILTIN_PLUGINS
from sro_core.cli import cli
from sro_core.demo import DemoSummary, StoryClock, build_school_year
from sro_core.demo.review import COMMENTS
from sro_core.demo.town import SERGEANT
from sro_core.domain import (
    CrisisKind,
    CrisisStatus,
    Incident,
    IncidentStatus,
    ReviewState,
    SchoolYear,
    check_incident,
    code_problems,
)
from sro_core.ports import Period
from sro_core.service import NotifierSetting, Program, ProgramSettings
from test_cli import ReportPlugin

YEAR = SchoolYear(2025)
SCALE = 0.1
SEED = 7


def _open(path: Path) -> tuple[Program, StoryClock]:
    clock = StoryClock()
    settings = ProgramSettings(
        notifiers=(NotifierSetting("log", (("level", "DEBUG"),)),),
        dispatch_after_commit=False,
        review="on",
    )
    host = PluginHost.load(entry_points=False)
    url = f"sqlite:///{path.as_posix()}"
    return Program.open(url, settings, plugins=host, clock=clock), clock


def _build(path: Path, seed: int = SEED) -> tuple[Program, DemoSummary]:
    program, clock = _open(path)
    summary = build_school_year(program, clock, seed=seed, scale=SCALE, year=YEAR)
    return program, summary


def _figures(program: Program) -> dict[str, Any]:
    """Return the figures a rerun must repeat: monthly counts, triad split, CRDC counts."""
    start, end = program.calendar.span(YEAR.first_day, YEAR.last_day)
    period = Period(start, end)
    return {
        "monthly": program.monthly_counts(SERGEANT, period),
        "triad": program.triad_split(SERGEANT, period),
        "crdc": program.crdc_counts(SERGEANT, YEAR),
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Program, DemoSummary]:
    """Return a program holding the demo's school year at a tenth of its volume."""
    program, summary = _build(tmp_path_factory.mktemp("demo") / "sro.db")
    yield program, summary  # type: ignore[misc]
    program.close()


def _incidents(program: Program) -> list[Incident]:
    return [seen.value for seen in program.incidents_of(SERGEANT)]


def test_every_incident_keeps_every_domain_rule(built: tuple[Program, DemoSummary]) -> None:
    """Each stored incident passes check_incident and has no code outside the code tables."""
    program, summary = built
    incidents = _incidents(program)
    assert len(incidents) == summary.tally.incidents > 20
    for incident in incidents:
        check_incident(incident, program.calendar)
        assert code_problems(incident, program.code_tables) == [], incident.number
    assert program.verify_audit(SERGEANT) is None


def test_the_year_has_the_programs_whole_range_of_work(
    built: tuple[Program, DemoSummary],
) -> None:
    """Contacts, activities, escalations, arrests, referrals and both crises are all there."""
    program, summary = built
    tally = summary.tally
    assert (summary.schools, summary.officers, summary.partners) == (5, 6, 4)
    assert tally.contacts > 10 * tally.incidents / 2 > 0
    assert tally.activities > 30
    incidents = _incidents(program)
    escalated = [i for i in incidents if i.escalated_from is not None]
    assert escalated
    contacts = {seen.value.id: seen.value for seen in program.contacts(SERGEANT)}
    for incident in escalated:
        assert contacts[incident.escalated_from].incident_id == incident.id  # type: ignore[index]
    arrests = [
        (incident, involvement)
        for incident in incidents
        for involvement in incident.involvements
        if involvement.arrest is not None
    ]
    assert any(
        involvement.is_juvenile(program.calendar.local_date(incident.occurred_start))
        and involvement.arrest is not None
        and involvement.arrest.juvenile_disposition is not None
        for incident, involvement in arrests
    )
    assert any(i.status is IncidentStatus.CLOSED for i in incidents)
    assert tally.referrals > 0
    with program.storage.unit_of_work() as unit:
        crises = list(unit.crises.all())
    assert {c.kind for c in crises} == {CrisisKind.DRILL, CrisisKind.LOCKDOWN}
    assert all(c.status is CrisisStatus.ALL_CLEAR and c.messages for c in crises)
    lockdown = next(c for c in crises if c.kind is CrisisKind.LOCKDOWN)
    assert lockdown.incident_id is not None
    assert program.dead_letters(SERGEANT) == []


def test_the_seasons_of_a_school_year_show(built: tuple[Program, DemoSummary]) -> None:
    """September is busier than July: the start of term spikes, summer is quiet."""
    program, _ = built
    by_month: collections.Counter[str] = collections.Counter()
    for figure in _figures(program)["monthly"]:
        by_month[figure.month] += figure.count or 0
    assert by_month["2025-09"] > by_month["2025-07"]
    assert by_month["2025-08"] + by_month["2025-09"] > by_month["2026-06"] + by_month["2025-07"]


def test_the_same_seed_builds_the_same_year(
    built: tuple[Program, DemoSummary], tmp_path: Path
) -> None:
    """Two runs with one seed give the same monthly counts, triad split and CRDC counts."""
    first, first_summary = built
    second, second_summary = _build(tmp_path / "again.db")
    try:
        assert _figures(second) == _figures(first)
        assert second_summary.tally == first_summary.tally
        assert second_summary.review == first_summary.review
        assert second_summary.waiting == first_summary.waiting
    finally:
        second.close()
    other, _ = _build(tmp_path / "other.db", seed=SEED + 1)
    try:
        assert _figures(other)["monthly"] != _figures(first)["monthly"]
    finally:
        other.close()


def test_the_sergeant_reviews_the_years_reports(built: tuple[Program, DemoSummary]) -> None:
    """Most reports approved, a few returned with a comment and corrected, the last one waits."""
    program, summary = built
    incidents = _incidents(program)
    late = summary.late_report
    assert summary.waiting == (late,)
    assert [i.number for i in incidents if i.review is not ReviewState.APPROVED] == [late]
    returned = [i for i in incidents if ReviewState.RETURNED in {s.state for s in i.reviews}]
    assert 0 < len(returned) <= len(incidents) // 5
    assert summary.review.returned == len(returned)
    answers = dict(COMMENTS)
    for incident in returned:
        states = [s.state for s in incident.reviews]
        at = states.index(ReviewState.RETURNED)
        comment = incident.reviews[at]
        assert comment.actor_id == SERGEANT.id
        assert comment.note in answers
        assert states[at + 1 :][:2] == [ReviewState.SUBMITTED, ReviewState.APPROVED]
        assert answers[comment.note] in incident.narrative
    for incident in incidents:
        submitters = {s.actor_id for s in incident.reviews if s.state is ReviewState.SUBMITTED}
        assert submitters, incident.number
        assert SERGEANT.id not in submitters, incident.number
    [waiting] = program.review_queue(SERGEANT)
    assert waiting.incident.number == late
    assert waiting.since == waiting.incident.reviews[-1].at
    assert waiting.since.astimezone(program.calendar.zone).date() == YEAR.last_day


def test_the_report_of_the_reviewed_year_says_it_counts_unreviewed_reports(
    built: tuple[Program, DemoSummary],
) -> None:
    """The year's program report counts the waiting report, and says it counts such reports."""
    program, _ = built
    start, end = program.calendar.span(YEAR.first_day, YEAR.last_day)
    report = program.program_report(SERGEANT, period=Period(start, end), label=str(YEAR))
    counted = sum(f.count or 0 for f in report.monthly)
    assert counted == len(_incidents(program))
    assert any("whether or not a supervisor has approved" in note for note in report.notes)


def _runner() -> CliRunner:
    if "mix_stderr" in inspect.signature(CliRunner.__init__).parameters:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    return CliRunner()


def _store(tmp_path: Path) -> str:
    return f"sqlite:///{(tmp_path / 'sro.db').as_posix()}"


def _demo(tmp_path: Path, host: PluginHost, *extra: str, input: str | None = None) -> Result:  # noqa: A002 - click's name
    config = tmp_path / "sro.toml"
    config.write_text("", encoding="utf-8")
    return _runner().invoke(
        cli,
        ["--store", _store(tmp_path), "--config", str(config), "demo", "--scale", "0.05", *extra],
        obj=host,
        input=input,
    )


def test_sro_demo_prints_the_report_path_last(tmp_path: Path) -> None:
    """`sro demo` builds the year, writes the report and prints its path as the last line."""
    host = PluginHost.load(builtins=(*BUILTIN_PLUGINS, ReportPlugin()), entry_points=False)
    target = tmp_path / "year.html"
    result = _demo(tmp_path, host, "--output", str(target))
    assert result.exit_code == 0, (result.stderr, result.exception)
    assert result.stdout.strip().splitlines()[-2:] == [
        f"store: {_store(tmp_path)}",
        str(target.absolute()),
    ]
    assert target.read_text(encoding="utf-8") == "<h1>school year 2025-26</h1>"
    assert 'review = "on"' in result.stderr  # the configuration does not review: say how to
    again = _demo(tmp_path, host)
    assert again.exit_code == 1
    assert "already holds records" in again.stderr
    assert "--reset" in again.stderr


def test_sro_demo_reset_asks_then_builds_the_year_again(tmp_path: Path) -> None:
    """`sro demo --reset` asks before deleting the store (--yes does not ask); no is a no."""
    host = PluginHost.load(builtins=(*BUILTIN_PLUGINS, ReportPlugin()), entry_points=False)
    target = str(tmp_path / "year.html")
    assert _demo(tmp_path, host, "--output", target).exit_code == 0
    declined = _demo(tmp_path, host, "--reset", "--output", target, input="n\n")
    assert declined.exit_code == 1
    assert "delete every record" in declined.stderr
    asked = _demo(tmp_path, host, "--reset", "--output", target, input="y\n")
    assert asked.exit_code == 0, (asked.stderr, asked.exception)
    told = _demo(tmp_path, host, "--reset", "--yes", "--output", target)
    assert told.exit_code == 0, (told.stderr, told.exception)
    assert "delete every record" not in told.stderr
    program = Program.open(_store(tmp_path))
    try:
        assert len(program.schools(SERGEANT)) == 5
    finally:
        program.close()


def test_sro_demo_without_the_report_plugin_still_builds_and_exits_0(tmp_path: Path) -> None:
    """Without the report plugin the data is built, the hint is printed, and it exits 0."""
    result = _demo(tmp_path, PluginHost.load(entry_points=False), "--seed", "3")
    assert result.exit_code == 0, (result.stderr, result.exception)
    assert "pip install sro-core-report" in result.stderr
    assert result.stdout == f"store: {_store(tmp_path)}\n"
    program = Program.open(f"sqlite:///{(tmp_path / 'sro.db').as_posix()}")
    try:
        assert len(program.schools(SERGEANT)) == 5
    finally:
        program.close()
