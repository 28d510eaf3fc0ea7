"""The records clerk's month on the demo's school year: `sro nibrs check` and `sro nibrs export`."""

from __future__ import annotations

import datetime as dt
import inspect
import re
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
import pytest
from click.testing import CliRunner, Result
from nibrs_cases import base
from sro_core_nibrs import read_document, schema_errors
from sro_core_nibrs.mapping import group_b_arrestees, has_group_a
from sro_core_nibrs.monthly import build_month, check_month
from sro_core_nibrs.reports import GroupAReport, GroupBReport, ReportCategory

from sro_core import PluginHost
from sro_core.cli import cli
from sro_core.cli.app import user
from sro_core.demo import (
    DEFAULT_SEED,
    DEFAULT_YEAR,
    DemoSummary,
    StoryClock,
    build_school_year,
)
from sro_core.demo.town import SERGEANT
from sro_core.domain import (
    ActorEntry,
    ActorRole,
    Disposition,
    DispositionKind,
    GradeSpan,
    Incident,
    IncidentStatus,
    Location,
    Offense,
    Officer,
    Permission,
    School,
    SchoolLevel,
)
from sro_core.service import NotifierSetting, Program, ProgramSettings

ORI = "CA0200200"
MONTHS = [f"{DEFAULT_YEAR.start_year}-{m:02d}" for m in range(7, 13)] + [
    f"{DEFAULT_YEAR.start_year + 1}-{m:02d}" for m in range(1, 7)
]
"""The school year's months, July to June, in the order a clerk submits them."""
LINE = re.compile(
    r"\S+ (Administrative|Offense|Property|Victim|Offender|Arrestee) \w+: .+ \(rule [\d-]+\)"
)


def _runner() -> CliRunner:
    if "mix_stderr" in inspect.signature(CliRunner.__init__).parameters:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    return CliRunner()


class Clerk:
    """Runs `sro` as the records clerk on one store, with one configuration file."""

    def __init__(self, store: Path, config: Path) -> None:
        self.store = f"sqlite:///{store.as_posix()}"
        self.config = config

    def __call__(self, *args: str) -> Result:
        """Run `sro --store … --config … ARGS` and return what it did."""
        return _runner().invoke(cli, ["--store", self.store, "--config", str(self.config), *args])


def _settings(review: str = "off") -> ProgramSettings:
    """Return the program's settings; the demo's program reviews reports, as `sro demo`'s."""
    log = NotifierSetting("log", (("level", "DEBUG"),))
    return ProgramSettings(
        agency_ori=ORI, notifiers=(log,), dispatch_after_commit=False, review=review
    )


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoSummary]:
    """Build the demo's school year (default seed, full scale) in a SQLite file."""
    path = tmp_path_factory.mktemp("demo") / "sro.db"
    clock = StoryClock()
    host = PluginHost.load(only=("nibrs",))
    settings = _settings(review="on")
    with Program.open(f"sqlite:///{path.as_posix()}", settings, plugins=host, clock=clock) as p:
        summary = build_school_year(p, clock, seed=DEFAULT_SEED, year=DEFAULT_YEAR)
        _register_clerk(p)
    return path, summary


def _config(folder: Path, *, ori: str | None = ORI, review: str = "off") -> Path:
    config = folder / "sro.toml"
    line = f'agency_ori = "{ori}"\n' if ori else ""
    config.write_text(f'[program]\nname = "Demo"\nreview = "{review}"\n{line}', encoding="utf-8")
    return config


CLERK = ActorEntry(
    "clerk.1",
    "R. Ortiz",
    ActorRole.RECORDS_CLERK,
    permissions=frozenset({Permission.JUVENILE_RECORDS}),
    logins=frozenset({user()}),
)
"""The records clerk, whose login is the user running the tests."""


def _register_clerk(program: Program) -> None:
    program.register_actor(SERGEANT, CLERK)


def _copy(store: Path, folder: Path) -> Path:
    target = folder / "sro.db"
    target.write_bytes(store.read_bytes())
    return target


def _reportable(incident: Incident) -> bool:
    """Return whether NIBRS takes the incident: a Group A offense, or a Group B arrest."""
    disposition = incident.disposition
    if disposition is not None and disposition.kind is DispositionKind.UNFOUNDED:
        return False
    return has_group_a(incident) or bool(group_b_arrestees(incident))


def _documents(folder: Path) -> list[tuple[str, bytes]]:
    found = []
    for path in sorted(folder.glob("*.zip")):
        with zipfile.ZipFile(path) as archive:
            found += [(f"{path.name}/{n}", archive.read(n)) for n in archive.namelist()]
    return found


def test_the_demo_year_goes_out_whole_and_every_document_validates(demo_store, tmp_path):
    """The year month by month: all but the slip and the report waiting for review is sent.

    Every document is valid; the report still waiting for review at the year's end is left
    out, saying why.
    """
    store, summary = demo_store
    [slip] = summary.nibrs_slips  # the story's one mistake: NIBRS_SLIP
    late = summary.late_report  # submitted after the sergeant's last review of the year
    assert summary.waiting == (late,)
    clerk = Clerk(_copy(store, tmp_path), _config(tmp_path, review="on"))
    out = tmp_path / "nibrs"
    host = PluginHost.load(only=("nibrs",))
    with Program.open(clerk.store, _settings(review="on"), plugins=host) as p:
        found = [f for month in MONTHS for f in check_month(p, SERGEANT, month).findings]
    assert [(f.number, f.segment, f.element, f.rule) for f in found] == [
        (slip, "Property", "20", "365")
    ]
    left_out = []
    for month in MONTHS:
        result = clerk("nibrs", "export", "--month", month, "--to", str(out))
        assert result.exit_code in (0, 1), (month, result.stdout, result.stderr)
        left_out += [line for line in result.stdout.splitlines() if line.startswith("left out: 2")]
    assert left_out == [
        f"left out: {slip} drugs: {found[0].says} (rule 365)",
        f"left out: {late} review: not approved by a supervisor (review: submitted)",
    ]
    documents = _documents(out)
    assert len(documents) > 150
    sent: set[str] = set()
    for name, xml in documents:
        assert schema_errors(xml) == [], name
        read, trouble = read_document(xml)
        assert trouble == [], name
        assert read is not None
        assert read.header.ori == ORI
        number = _number(read.report)
        if number is not None:
            sent.add(number)
    host = PluginHost.load(only=("nibrs",))
    with Program.open(clerk.store, _settings(review="on"), plugins=host) as p:
        incidents = [s.value for s in p.incidents_of(SERGEANT)]
        reportable = {i.number for i in incidents if _reportable(i)}
        recorded = p.submitted_reports(SERGEANT, ORI)
    assert len(reportable) > 150
    assert late in reportable
    assert reportable - sent == {slip, late}
    assert recorded, "nothing recorded"
    assert {r.number for r in recorded if r.category != ReportCategory.ZERO.value} == sent
    assert {r.submission for r in recorded} == {p.name for p in out.glob("*.zip")}


def _number(report: object) -> str | None:
    """Return the incident (or arrest transaction) number a report is sent under."""
    if isinstance(report, GroupAReport):
        return report.incident_number
    if isinstance(report, GroupBReport):
        return report.arrestee.arrest_number
    return None


# --- the clerk's commands on a small store ----------------------------------------------------


class Clock:
    """A program clock a test moves by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        """Return the clock's time."""
        return self.now


@pytest.fixture
def small(tmp_path: Path) -> tuple[Path, Incident]:
    """Return a store holding one March assault (the NIBRS cases' base), and the incident."""
    path = tmp_path / "sro.db"
    clock = Clock(dt.datetime(2026, 4, 2, 16, tzinfo=dt.UTC))
    host = PluginHost.load(only=("nibrs",))
    with Program.open(f"sqlite:///{path.as_posix()}", _settings(), plugins=host, clock=clock) as p:
        officer = p.register_officer(SERGEANT, Officer(badge="4127", name="Dana Reyes"))
        school = p.register_school(
            SERGEANT, School("High", "District", SchoolLevel.HIGH, GradeSpan(9, 12))
        )
        draft = attrs.evolve(
            base(), status=IncidentStatus.DRAFT, number=None, version=0,
            reporting_officer_id=officer.id, school_id=school.id,
            location=Location.on_campus(),
        )  # fmt: skip
        incident = p.report_incident(SERGEANT, draft)
        _register_clerk(p)
    return path, incident


def test_a_month_is_checked_line_by_line_with_the_rule_numbers(small, tmp_path):
    """`sro nibrs check` names incident, segment, data element, what the rule says, its number."""
    path, incident = small
    host = PluginHost.load(only=("nibrs",))
    with Program.open(f"sqlite:///{path.as_posix()}", _settings(), plugins=host) as p:
        p.amend_incident(SERGEANT, incident.id, offenses=(Offense("13B", attempted=True),))
    clerk = Clerk(path, _config(tmp_path))
    result = clerk("nibrs", "check", "--month", "2026-03")
    assert result.exit_code == 1
    [line] = result.stdout.splitlines()
    assert LINE.fullmatch(line), line
    assert line == (f"{incident.number} Offense 7: 13B is always reported completed (rule 204)")
    assert "1 incidents checked, 1 break a rule" in result.stderr


def test_the_location_of_a_campus_incident_follows_its_school(small, tmp_path):
    """Recorded on campus without a code, the incident takes its school's; the CLI says so."""
    path, incident = small
    assert (incident.location.nibrs_code, incident.location.derived) == ("53", True)
    clerk = Clerk(path, _config(tmp_path))
    shown = clerk("incidents", "show", str(incident.number))
    assert shown.exit_code == 0, shown.stderr
    assert "on_campus 53 (from the school's level)" in shown.stdout


def test_export_writes_the_zip_named_by_ori_and_month_then_replaces_and_deletes(small, tmp_path):
    """March goes out (I); amended, it is replaced (R) in a second file; unfounded, deleted (D)."""
    path, incident = small
    clerk = Clerk(path, _config(tmp_path))
    out = tmp_path / "out"
    first = clerk("nibrs", "export", "--month", "2026-03", "--to", str(out))
    assert first.exit_code == 0, first.stderr
    assert f"{out / 'CA0200200-2026-03.zip'}: 1 incidents in the submission (1 new)" in first.stdout
    again = clerk("nibrs", "export", "--month", "2026-03", "--to", str(out))
    assert again.exit_code == 1
    assert "nothing new to send: 1 incidents in the month, 1 already submitted" in again.stderr
    host = PluginHost.load(only=("nibrs",))
    with Program.open(f"sqlite:///{path.as_posix()}", _settings(), plugins=host) as p:
        p.amend_incident(SERGEANT, incident.id, offenses=(Offense("13B", weapons=("90",)),))
    replaced = clerk("nibrs", "export", "--month", "2026-04", "--to", str(out))
    assert replaced.exit_code == 0, replaced.stderr
    assert "(1 replaced)" in replaced.stdout
    assert "sent again from earlier months: 1" in replaced.stdout
    with Program.open(f"sqlite:///{path.as_posix()}", _settings(), plugins=host) as p:
        closed = Disposition(DispositionKind.UNFOUNDED, dt.date(2026, 5, 4))
        p.close_incident(SERGEANT, incident.id, closed)
        deleted = clerk("nibrs", "export", "--month", "2026-05", "--to", str(out))
        assert deleted.exit_code == 0, deleted.stderr
        assert "(1 deleted)" in deleted.stdout
        actions = [(r.period, r.action) for r in p.submitted_reports(SERGEANT, ORI)]
    assert actions == [("2026-03", "I"), ("2026-04", "R"), ("2026-05", "D")]
    assert sorted(f.name for f in out.iterdir()) == [
        "CA0200200-2026-03.zip", "CA0200200-2026-04.zip", "CA0200200-2026-05.zip",
    ]  # fmt: skip


def test_an_empty_month_stops_unless_a_zero_report_is_asked_for(small, tmp_path):
    """A month with nothing says so and exits 1; --allow-empty submits its zero report."""
    path, _ = small
    clerk = Clerk(path, _config(tmp_path))
    out = tmp_path / "out"
    empty = clerk("nibrs", "export", "--month", "2026-02", "--to", str(out))
    assert empty.exit_code == 1
    assert "2026-02: nothing to report" in empty.stderr
    assert "--allow-empty" in empty.stderr
    assert not out.exists() or not list(out.iterdir())
    zero = clerk("nibrs", "export", "--month", "2026-02", "--to", str(out), "--allow-empty")
    assert zero.exit_code == 0, zero.stderr
    assert "a zero report" in zero.stdout
    [(name, xml)] = _documents(out)
    read, _ = read_document(xml)
    assert read is not None
    assert read.header.period == "2026-02"
    assert name.startswith("CA0200200-2026-02.zip/")


def test_a_missing_ori_is_named_with_its_setting_and_an_example(small, tmp_path):
    """Without agency_ori the commands stop and say where it goes, with an example."""
    path, _ = small
    clerk = Clerk(path, _config(tmp_path, ori=None))
    for command in (("check",), ("export", "--to", str(tmp_path / "out"))):
        result = clerk("nibrs", *command, "--month", "2026-03")
        assert result.exit_code == 1
        assert "agency_ori is not set" in result.stderr
        assert '[program] table, agency_ori = "CA0200200"' in result.stderr


def test_documents_are_stamped_by_the_program_clock_not_the_wall_clock(small):
    """MessageDateTime is the program's clock at export: a clock in 2031 stamps 2031."""
    path, _ = small
    clock = Clock(dt.datetime(2031, 1, 15, 20, tzinfo=dt.UTC))
    host = PluginHost.load(only=("nibrs",))
    with Program.open(f"sqlite:///{path.as_posix()}", _settings(), plugins=host, clock=clock) as p:
        built = build_month(p, SERGEANT, "2026-03", name="x.zip")
    [document] = built.result.documents
    read, _ = read_document(document.xml)
    assert read is not None
    assert read.header.created == dt.datetime(
        2031, 1, 15, 12, tzinfo=ZoneInfo("America/Los_Angeles")
    )
    assert read.header.period == "2031-01"  # nibrs:ReportDate: the month the report is made
