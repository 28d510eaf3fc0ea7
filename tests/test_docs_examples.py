"""Every fenced `python` block of the README and docs/ runs, each page's blocks in order."""

from __future__ import annotations

import re
import types
from pathlib import Path
from typing import Any

import pytest

from sro_core import PluginHost
from sro_core.builtin import BUILTIN_PLUGINS

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
IEP_SAMPLE = ROOT / "plugins" / "sro-core-nibrs" / "tests" / "iep-sample"

TOWN = """
import datetime as dt

from program_support import CHIEF as sergeant, build_town
from sro_core import Incident, Location, Offense, Period, PluginHost, Program, ProgramSettings

program = Program.open("memory:", ProgramSettings(agency_ori="CA0200200"))
town = build_town(program)
officer, high = town.officer, town.high
supervisor = sergeant
pacific = dt.timezone(dt.timedelta(hours=-7))
program.report_incident(
    sergeant,
    Incident(
        reporting_officer_id=officer.id,
        occurred_start=dt.datetime(2026, 3, 9, 12, 5, tzinfo=pacific),
        reported_at=dt.datetime(2026, 3, 9, 12, 30, tzinfo=pacific),
        location=Location.on_campus(),
        school_id=high.id,
        category="fight",
        offenses=(Offense("13B"),),
    ),
)
incidents = [seen.value for seen in program.incidents_of(sergeant, None)]
period = Period(*program.calendar.span(dt.date(2026, 3, 1), dt.date(2026, 3, 31)))
from sro_core import Actor, ActorRole
analyst = Actor(id="analyst.wu", name="J. Wu", role=ActorRole.ANALYST)
"""
"""The program a page's excerpts run in where the page says it comes from elsewhere."""

PRELUDES = {
    "people.md": TOWN
    + """
from sro_core.domain import PersonKind, PersonRecord
zoe = program.record_person(sergeant, PersonRecord(PersonKind.STUDENT, "Zoë Ramírez")).person
typo = program.record_person(sergeant, PersonRecord(PersonKind.STUDENT, "Zoe Ramirez")).person
""",
    "crdc.md": TOWN,
    "nibrs.md": TOWN + "from pathlib import Path\n"
    f"data = Path({str(IEP_SAMPLE / 'nibrs_GroupAIncident_Sample.xml')!r}).read_bytes()\n"
    """
import decimal

import attrs as _attrs
from sro_core import Person
from sro_core.domain import Drug, IncidentStatus, PersonKind

student = Person(PersonKind.STUDENT, "J. Doe", dt.date(2010, 5, 2))
owner = Person(PersonKind.BUSINESS_OWNER, "R. Patel")
clerk = Actor(id="clerk.kim", name="R. Kim", role=ActorRole.RECORDS_CLERK)


def draft_with(**changes):
    return _attrs.evolve(
        incidents[0], status=IncidentStatus.DRAFT, number=None, version=0, **changes
    )
""",
    "report.md": TOWN,
    "plugins.md": TOWN
    + """
import uuid as _uuid

import attrs as _attrs

from sro_core.domain import Incident
from sro_core.serialization import structure_document, unstructure

storage = PluginHost.load(entry_points=False).open_storage("memory:")
rows = [
    unstructure(_attrs.evolve(incidents[0], id=_uuid.uuid4(), version=0, number=f"2026-{n:06d}"))
    for n in (7, 8, 9)
]
""",
}
"""What each page's blocks take as given (a page not named here is whole on its own)."""


def _blocks(page: Path) -> list[tuple[int, str]]:
    text = page.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start()) + 2, m.group(1)) for m in BLOCK.finditer(text)]


def test_the_pages_have_python_blocks() -> None:
    """The block pattern finds the examples (a changed fence would silently test nothing)."""
    assert sum(len(_blocks(page)) for page in PAGES) >= 20


@pytest.mark.parametrize(
    "page", [p for p in PAGES if _blocks(p)], ids=lambda p: str(p.relative_to(ROOT))
)
def test_every_python_block_of_a_page_runs(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each block runs after the ones before it on its page, in an empty folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SRO_AUDIT_KEY", "5f" * 32)  # the audit key the audit page sets up
    namespace: dict[str, Any] = {"__name__": f"docs_{page.stem}"}
    if page.name == "plugins.md":
        _with_the_guides_plugin(monkeypatch, namespace)
    exec(compile(PRELUDES.get(page.name, ""), f"prelude of {page.name}", "exec"), namespace)  # noqa: S102 - the docs' own examples
    for line, code in _blocks(page):
        exec(compile(code, f"{page.name}:{line}", "exec"), namespace)  # noqa: S102 - the docs' own examples


def _with_the_guides_plugin(monkeypatch: pytest.MonkeyPatch, namespace: dict[str, Any]) -> None:
    """Load, with every plugin host, the hooks the guide's blocks define (as if installed)."""
    load = PluginHost.load.__func__  # type: ignore[attr-defined]

    def with_guide(cls: type[PluginHost], **options: Any) -> PluginHost:
        hooks = {k: v for k, v in namespace.items() if k.startswith("sro_") and callable(v)}
        guide = types.ModuleType("guide")
        for name, hook in hooks.items():
            setattr(guide, name, hook)
        builtins = (*options.pop("builtins", BUILTIN_PLUGINS), guide)
        return load(cls, builtins=builtins if hooks else builtins[:-1], **options)  # type: ignore[no-any-return]

    monkeypatch.setattr(PluginHost, "load", classmethod(with_guide))


def test_no_page_cites_files_users_do_not_have() -> None:
    """The docs and README never send a reader to the project's internal design notes."""
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        assert "DESIGN.md" not in text, page.name
        assert "shared/" not in text, page.name
