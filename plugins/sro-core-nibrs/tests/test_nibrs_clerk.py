"""The records clerk's month on the demo's school year: `sro nibrs check` and `sro nibrs export`."""

from __future__ import annotations

import inspect
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sro_core_nibrs import read_document, schema_errors
from sro_core_nibrs.mapping import group_b_arrestees, has_group_a
from sro_core_nibrs.reports import GroupAReport, GroupBReport, ReportCategory

from sro_core import PluginHost
from sro_core.cli import cli
from sro_core.demo import DEFAULT_SEED, DEFAULT_YEAR, StoryClock, build_school_year
from sro_core.demo.town import SERGEANT
from sro_core.domain import (
    DispositionKind,
    Incident,
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


def _settings() -> ProgramSettings:
    log = NotifierSetting("log", (("level", "DEBUG"),))
    return ProgramSettings(agency_ori=ORI, notifiers=(log,), dispatch_after_commit=False)


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the demo's school year (default seed, full scale) in a SQLite file."""
    path = tmp_path_factory.mktemp("demo") / "sro.db"
    clock = StoryClock()
    host = PluginHost.load(only=("nibrs",))
    with Program.open(f"sqlite:///{path.as_posix()}", _settings(), plugins=host, clock=clock) as p:
        build_school_year(p, clock, seed=DEFAULT_SEED, year=DEFAULT_YEAR)
    return path


def _config(folder: Path, *, ori: str | None = ORI) -> Path:
    config = folder / "sro.toml"
    line = f'agency_ori = "{ori}"\n' if ori else ""
    config.write_text(
        f'[program]\nname = "Demo"\n{line}\n[actor]\nrole = "records_clerk"\nid = "clerk.1"\n'
        'permissions = ["juvenile_records"]\n',
        encoding="utf-8",
    )
    return config


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
    """Each month exported in turn: every reportable incident is sent, every document is valid."""
    clerk = Clerk(_copy(demo_store, tmp_path), _config(tmp_path))
    out = tmp_path / "nibrs"
    for month in MONTHS:
        checked = clerk("nibrs", "check", "--month", month)
        assert checked.exit_code == 0, (month, checked.stdout, checked.stderr)
        result = clerk("nibrs", "export", "--month", month, "--to", str(out))
        assert result.exit_code in (0, 1), (month, result.stdout, result.stderr)
        assert "left out" not in result.stdout.replace("left out: 0", ""), result.stdout
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
    with Program.open(clerk.store, _settings(), plugins=PluginHost.load(only=("nibrs",))) as p:
        incidents = [s.value for s in p.incidents_of(SERGEANT)]
        reportable = {i.number for i in incidents if _reportable(i)}
        recorded = p.submitted_reports(SERGEANT, ORI)
    assert len(reportable) > 150
    # The demo records nothing wrong on purpose: every reportable incident went out.
    assert reportable - sent == set()
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
