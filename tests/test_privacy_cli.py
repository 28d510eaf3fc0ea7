"""`sro … --json` answers through the same decision as the API: seal, find, disclosures."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from program_support import CHIEF
from sro_core.cli import cli
from sro_core.cli.app import user
from sro_core.domain import (
    GradeSpan,
    Incident,
    Involvement,
    InvolvementRole,
    Location,
    LocationKind,
    Officer,
    Person,
    PersonKind,
    School,
    SchoolLevel,
)
from sro_core.service import Program

PACIFIC = dt.timezone(dt.timedelta(hours=-7))
NAME = "Quentin Fairweather"


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """Return a SQLite store holding one incident about a juvenile, and the incident's number."""
    for name in ("SRO_STORE", "SRO_ACTOR", "SRO_CONFIG", "SRO_PLUGINS"):
        monkeypatch.delenv(name, raising=False)
    url = f"sqlite:///{(tmp_path / 'sro.db').as_posix()}"
    with Program.open(url) as program:
        school = program.register_school(
            CHIEF, School("Alder High", "North USD", SchoolLevel.HIGH, GradeSpan(9, 12))
        )
        officer = program.register_officer(CHIEF, Officer(badge="1", name="Officer One"))
        at = dt.datetime(2026, 9, 4, 10, tzinfo=PACIFIC)
        student = Person(PersonKind.STUDENT, NAME, dt.date(2011, 2, 2))
        incident = program.report_incident(
            CHIEF,
            Incident(
                reporting_officer_id=officer.id,
                occurred_start=at,
                reported_at=at,
                location=Location(LocationKind.ON_CAMPUS, "53"),
                school_id=school.id,
                category="fight",
                involvements=(Involvement(student, frozenset({InvolvementRole.SUSPECT})),),
                narrative=f"{NAME} pushed a classmate.",
            ),
        )
    return url, incident.number or ""


def _sro(tmp_path: Path, url: str, *args: str) -> tuple[int, str]:
    config = tmp_path / "sro.toml"
    config.write_text('[program]\nname = "Test"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--store", url, "--config", str(config), *args])
    return result.exit_code, result.output


def test_the_cli_json_shows_what_the_decision_allows(
    store: tuple[str, str], tmp_path: Path
) -> None:
    """A principal's --json holds no juvenile name; sealed, the incident is gone from it."""
    url, number = store
    assert _sro(tmp_path, url, "init")[0] == 0
    for actor, *scope in (
        ("p.alder", "--role", "school_administrator", "--school", "Alder High"),
        ("clerk.c", "--role", "records_clerk"),
    ):
        assert _sro(tmp_path, url, "actors", "add", actor, *scope)[0] == 0
    granted = _sro(tmp_path, url, "actors", "change", user(), "--permission", "sealed_records")
    assert granted[0] == 0
    principal, clerk, sealer = ("--as", "p.alder"), ("--as", "clerk.c"), ()
    code, out = _sro(tmp_path, url, *principal, "incidents", "find", "--json")
    assert code == 0, out
    [item] = json.loads(out)["items"]
    assert item["record"]["number"] == number
    assert "Fairweather" not in out
    assert "Quentin" not in out
    code, out = _sro(tmp_path, url, *clerk, "restrictions", "seal", number, "--order", "26-1")
    assert code == 1
    code, out = _sro(tmp_path, url, *sealer, "restrictions", "seal", number, "--order", "26-1")
    assert (code, f"sealed incident {number}") == (0, out[: len(number) + 16]), out
    code, out = _sro(tmp_path, url, *principal, "incidents", "find", "--json")
    assert json.loads(out)["items"] == []
    code, out = _sro(tmp_path, url, *principal, "incidents", "show", number, "--json")
    assert code == 1
    code, out = _sro(tmp_path, url, *sealer, "disclosures", number, "--json")
    assert [d["record"]["recipient"] for d in json.loads(out)["items"]] == ["p.alder"]
    trail = _sro(tmp_path, url, "audit", "show", "--json")[1]
    assert "order 26-1" in trail
    assert "Fairweather" not in trail


def test_sro_export_counts_a_sealed_incident_only_for_a_sealer(
    store: tuple[str, str], tmp_path: Path
) -> None:
    """`sro export --kind monthly_counts` on SQLite: sealed, the clerk's count is gone."""
    url, number = store
    assert _sro(tmp_path, url, "init")[0] == 0
    assert _sro(tmp_path, url, "actors", "add", "clerk.c", "--role", "records_clerk")[0] == 0
    granted = _sro(tmp_path, url, "actors", "change", user(), "--permission", "sealed_records")
    assert granted[0] == 0
    counts = ("export", "--format", "jsonl", "--kind", "monthly_counts", "--school-year", "2026")

    def counted(*actor: str) -> list[int]:
        code, out = _sro(tmp_path, url, *actor, *counts)
        assert code == 0, out
        rows = [line for line in out.splitlines() if line.startswith("{")]
        return [json.loads(row)["count"] for row in rows]

    assert counted("--as", "clerk.c") == counted() == [1]
    assert _sro(tmp_path, url, "restrictions", "seal", number, "--order", "26-1")[0] == 0
    assert counted("--as", "clerk.c") == []
    assert counted() == [1]
