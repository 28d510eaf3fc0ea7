"""What `sro export` writes, `sro import` reads back: into the same store and into an empty one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from program_support import CHIEF
from sro_core import PluginHost
from sro_core.cli.app import user
from sro_core.demo import StoryClock, build_school_year
from sro_core.domain import IncidentStatus, SchoolYear
from sro_core.serialization import structure, unstructure
from sro_core.service import BUNDLE_TYPES, Bundle, NotifierSetting, Program, ProgramSettings
from sro_core.testing import strategies
from test_cli import Sro

YEAR = SchoolYear(2025)


def _facts(bundle: Bundle) -> dict[str, dict[Any, Any]]:
    """Return a bundle's records by kind and id, versions aside (a version is a lock token)."""
    found: dict[str, dict[Any, Any]] = {}
    for kind, record in bundle.records():
        found.setdefault(kind, {})[record.id] = attrs.evolve(record, version=0)
    return found


def _through_json_lines(bundle: Bundle) -> Bundle:
    """Return the bundle after writing it as `sro export --kind all` does and reading it back."""
    lines = [
        json.dumps({"kind": kind, "record": unstructure(record)})
        for kind, record in bundle.records()
    ]
    rows = [json.loads(line) for line in lines]
    return Bundle.of((r["kind"], structure(r["record"], BUNDLE_TYPES[r["kind"]])) for r in rows)


@st.composite
def bundles(draw: st.DrawFn) -> Bundle:
    """Draw a small program: officers, a school, a partner and agreement, and their records."""
    officers = draw(
        st.lists(strategies.officers(), min_size=1, max_size=3, unique_by=lambda o: o.badge)
    )
    school = draw(strategies.schools())
    partner = draw(strategies.partners())
    agreement = draw(strategies.agreements([partner.id]))
    officer_ids = st.sampled_from([o.id for o in officers])
    assignment = draw(strategies.assignments(officer_id=officers[0].id, school_id=school.id))
    drawn = draw(
        st.lists(
            strategies.incidents(
                status=draw(st.sampled_from([IncidentStatus.REPORTED, IncidentStatus.CLOSED]))
            ),
            max_size=3,
        )
    )
    incidents = tuple(
        attrs.evolve(
            incident,
            reporting_officer_id=draw(officer_ids),
            school_id=school.id,
            number=f"2026-{n:06d}",
        )
        for n, incident in enumerate(drawn, start=1)
    )
    contacts = tuple(
        attrs.evolve(c, officer_id=draw(officer_ids), school_id=school.id, person_id=None)
        for c in draw(st.lists(strategies.community_contacts(escalated=False), max_size=3))
    )
    activities = tuple(
        attrs.evolve(a, officer_id=draw(officer_ids), school_id=school.id)
        for a in draw(st.lists(strategies.education_activities(), max_size=3))
    )
    return Bundle(
        officers=tuple(officers),
        schools=(school,),
        partners=(partner,),
        agreements=(agreement,),
        assignments=(assignment,),
        incidents=incidents,
        contacts=contacts,
        activities=activities,
    )


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(bundle=bundles())
def test_a_bundle_restores_whole_into_an_empty_store_and_a_second_time_adds_nothing(
    bundle: Bundle,
) -> None:
    """Restore, through JSON lines, gives back the same facts; restoring again skips them all."""
    with Program.open("memory:", plugins=PluginHost.load(entry_points=False)) as program:
        first = program.restore_bundle(CHIEF, _through_json_lines(bundle))
        total = sum(1 for _ in bundle.records())
        assert sum(first.stored.values()) == total
        assert _facts(program.bundle(CHIEF)) == _facts(bundle)
        again = program.restore_bundle(CHIEF, bundle)
        assert (sum(again.stored.values()), sum(again.skipped.values())) == (0, total)


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Sro:
    """Return `sro` on a store holding the demo's school year at a twentieth of its volume."""
    folder = tmp_path_factory.mktemp("year")
    url = f"sqlite:///{(folder / 'sro.db').as_posix()}"
    clock = StoryClock()
    settings_ = ProgramSettings(
        notifiers=(NotifierSetting("log", (("level", "DEBUG"),)),), dispatch_after_commit=False
    )
    with Program.open(url, settings_, clock=clock) as program:
        build_school_year(program, clock, seed=11, scale=0.05, year=YEAR)
    config = folder / "sro.toml"
    config.write_text("", encoding="utf-8")
    return _registered(Sro(url, config))


def _registered(sro: Sro) -> Sro:
    """Return `sro` on a store that knows you as a supervisor who reads every record whole."""
    sro.ok("init")
    sro.ok("actors", "change", user(), "--permission", "juvenile_records",
           "--permission", "sealed_records")  # fmt: skip
    return sro


def _bundle_of(store: str) -> Bundle:
    with Program.open(store) as program:
        return program.bundle(CHIEF)


def test_the_demo_year_goes_through_sro_export_all_and_import_all(
    demo_store: Sro, tmp_path: Path
) -> None:
    """`sro export --kind all` then `sro import all` fills an empty store with the same facts."""
    bundle = tmp_path / "all.jsonl"
    assert "as a bundle" in demo_store.ok("export", "--kind", "all", "--output", str(bundle))
    empty = _registered(Sro(f"sqlite:///{(tmp_path / 'empty.db').as_posix()}", demo_store.config))
    restored = empty.ok("import", "all", str(bundle))
    assert "0 already stored" in restored
    assert _facts(_bundle_of(empty.store)) == _facts(_bundle_of(demo_store.store))
    assert "(none new)" in empty.ok("import", "all", str(bundle))
    numbered = empty.ok("incidents", "report", "--officer", _first_badge(empty),
                        "--occurred", "2026-05-01T10:00", "--category", "fight")  # fmt: skip
    highest = max(i.number or "" for i in _bundle_of(demo_store.store).incidents)
    assert numbered.split()[2] > highest


def _first_badge(sro: Sro) -> str:
    return str(sro.records("officers", "list")[0]["badge"])


@pytest.mark.parametrize("kind", ["contacts", "activities"])
def test_json_lines_of_the_demo_read_back_into_the_same_store_are_recognised(
    demo_store: Sro, tmp_path: Path, kind: str
) -> None:
    """Every exported contact or activity, escalated or not, is recognised as stored and skipped."""
    file = tmp_path / f"{kind}.jsonl"
    demo_store.ok("export", "--format", "jsonl", "--kind", kind, "--output", str(file))
    rows = len(file.read_text(encoding="utf-8").splitlines())
    again = demo_store.ok("import", kind, str(file))
    assert f"imported 0 {kind} from {file}; {rows} already stored" in again


def test_a_bad_bundle_line_is_named_and_nothing_is_restored(
    demo_store: Sro, tmp_path: Path
) -> None:
    """A bundle with an unknown kind or a broken record names the line and restores nothing."""
    file = tmp_path / "bad.jsonl"
    file.write_text('{"kind": "school", "record": {}}\n{"kind": "pony", "record": {}}\n', "utf-8")
    empty = _registered(Sro(f"sqlite:///{(tmp_path / 'empty.db').as_posix()}", demo_store.config))
    result = empty("import", "all", str(file))
    assert result.exit_code == 1
    assert "line 1: " in result.stderr
    assert "line 2: kind: a bundle line is a record of officer" in result.stderr
    assert empty.records("schools", "list") == []
