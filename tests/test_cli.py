"""The `sro` command, run through its real entry points: click's runner and `python -m sro_core`."""

from __future__ import annotations

import csv
import inspect
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any

import click
import pytest
from click.testing import CliRunner, Result

from sro_core import PluginHost
from sro_core.builtin import BUILTIN_PLUGINS
from sro_core.cli import cli
from sro_core.cli.app import user
from sro_core.domain import Audience, DomainEvent
from sro_core.hookspecs import hookimpl
from sro_core.ports import (
    DeliveryFailed,
    ExportContext,
    ExporterRegistry,
    Notifier,
    NotifierRegistry,
    ProgramReport,
    ReportExporter,
    RowExporter,
    Rows,
    StorageError,
)

SRC = Path(__file__).parent.parent / "src"
HIGH = "Chowchilla Union High School"
MIDDLE = "Wilson Middle School"


def _runner() -> CliRunner:
    """Return a runner that keeps standard error apart (click 8.1 needs to be asked)."""
    if "mix_stderr" in inspect.signature(CliRunner.__init__).parameters:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    return CliRunner()


class Sro:
    """Runs `sro` on one store with one configuration file, as a user would type it."""

    def __init__(self, store: str, config: Path) -> None:
        self.store = store
        self.config = config

    def __call__(self, *args: str, input: str | None = None, obj: object = None) -> Result:  # noqa: A002 - click's name
        """Run `sro --store … ARGS` and return what it did."""
        return _runner().invoke(
            cli, ["--store", self.store, "--config", str(self.config), *args], input=input, obj=obj
        )

    def ok(self, *args: str, input: str | None = None, obj: object = None) -> str:  # noqa: A002 - click's name
        """Run `sro` and return its standard output, failing the test if it did not succeed."""
        result = self(*args, input=input, obj=obj)
        assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
        return result.stdout

    def json(self, *args: str, obj: object = None) -> Any:
        """Run a query with --json and return what it printed, parsed."""
        return json.loads(self.ok(*args, "--json", obj=obj))

    def records(self, *args: str, obj: object = None) -> list[Any]:
        """Run a list command with --json and return its items' records (one page)."""
        listing = self.json(*args, obj=obj)
        assert set(listing) == {"items", "next"}, listing
        return [item["record"] for item in listing["items"]]


@pytest.fixture
def sro(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Sro:
    """Return `sro` on a fresh SQLite store, with an empty configuration and no actor set."""
    for name in ("SRO_STORE", "SRO_ACTOR", "SRO_CONFIG", "SRO_PLUGINS"):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "sro.toml"
    config.write_text('[program]\nname = "Test SRO Program"\n', encoding="utf-8")
    sro = Sro(f"sqlite:///{(tmp_path / 'sro.db').as_posix()}", config)
    assert f"registered {user()} as the store's first supervisor" in sro.ok("init")
    sro.ok("actors", "change", user(), "--permission", "juvenile_records")
    return sro


@pytest.fixture
def town(sro: Sro, tmp_path: Path) -> dict[str, str]:
    """Register, through the command, two schools, an SRO, MADNET, the district and an MOU."""
    sro.ok("schools", "add", HIGH, "--district", "Chowchilla Union HSD", "--level", "high",
           "--grades", "9-12", "--enrollment", "1100", "--state-code", "2073961")  # fmt: skip
    sro.ok("schools", "add", MIDDLE, "--district", "Chowchilla ESD", "--level", "middle",
           "--grades", "6-8")  # fmt: skip
    sro.ok("officers", "add", "4127", "Dana Reyes")
    sro.ok("assignments", "add", "4127", HIGH, "--start", "2026-07-01")
    sro.ok("partners", "add", "MADNET", "--kind", "narcotics_task_force")
    sro.ok("partners", "add", "Chowchilla Union HSD", "--kind", "district")
    partners = {p["name"]: p["id"] for p in sro.records("partners", "list")}
    mou = {
        "title": "SRO program MOU",
        "partner_ids": sorted(partners.values()),
        "signed_on": "2026-06-15",
        "effective_from": "2026-07-01",
        "review_due": "2027-05-01",
        "clauses": [
            {"kind": "roles", "text": "The SRO provides police services on campus."},
            {
                "kind": "information_sharing",
                "text": "Narcotics cases go to MADNET.",
                "partner_id": partners["MADNET"],
                "shares": ["incident_summary", "incident_narrative"],
            },
        ],
    }
    file = tmp_path / "mou.json"
    file.write_text(json.dumps(mou), encoding="utf-8")
    sro.ok("agreements", "sign", str(file))
    schools = {s["name"]: s["id"] for s in sro.records("schools", "list")}
    [officer] = sro.records("officers", "list")
    [agreement] = sro.records("agreements", "list")
    return {
        "high": schools[HIGH],
        "middle": schools[MIDDLE],
        "officer": officer["id"],
        "madnet": partners["MADNET"],
        "mou": agreement["id"],
    }


def _report(sro: Sro, *extra: str) -> str:
    """Report a fight at the high school; return its number."""
    out = sro.ok(
        "incidents", "report", "--officer", "4127", "--school", HIGH,
        "--occurred", "2026-09-14T12:05", "--reported", "2026-09-14T12:30",
        "--category", "fight", "--offense", "13B", "--zone", "cafeteria", *extra,
    )  # fmt: skip
    return out.split()[2]


def test_help_lists_every_workflow(sro: Sro) -> None:
    """`sro --help` names every group of commands."""
    out = sro.ok("--help")
    for name in ("officers", "schools", "assignments", "incidents", "contacts", "activities",
                 "partners", "agreements", "referrals", "crises", "init", "migrate", "import",
                 "export", "report", "plugins", "audit", "outbox", "demo"):  # fmt: skip
        assert name in out


def test_unknown_subcommand_or_option_gives_usage_not_a_traceback(sro: Sro) -> None:
    """A mistyped command or option prints usage and exits 2."""
    for args in (("incidnets", "find"), ("incidents", "find", "--bogus"), ("officers",)):
        result = sro(*args)
        assert result.exit_code == 2 if args != ("officers",) else result.exit_code in (0, 2)
        assert "Usage:" in result.output
        assert "Traceback" not in result.output


def test_init_and_migrate_report_the_schema_version(sro: Sro) -> None:
    """`sro init` makes the store; `sro migrate` prints the schema version."""
    assert "store ready" in sro.ok("init")
    assert "schema version" in sro.ok("migrate")


def test_directory_commands(sro: Sro, town: dict[str, str]) -> None:
    """Officers, schools, assignments, partners and agreements are kept and listed."""
    assert "4127" in sro.ok("officers", "list", "--format", "plain")
    assert "on_leave" in sro.ok("officers", "status", "4127", "on_leave")
    sro.ok("officers", "status", town["officer"], "active")
    sro.ok("officers", "certify", "4127", "basic_sro", "--issued", "2026-01-10")
    [officer] = sro.records("officers", "list")
    assert officer["certifications"][0]["kind"] == "basic_sro"
    coverage = sro.json("assignments", "coverage", HIGH, "--on", "2026-09-08")["items"]
    assert [(c["role"], c["record"]["badge"]) for c in coverage] == [("primary", "4127")]
    [assignment] = sro.records("assignments", "list", "--school", HIGH)
    assert "ends on 2027-06-30" in sro.ok(
        "assignments", "end", assignment["id"], "--on", "2027-06-30"
    )
    assert HIGH in sro.ok("assignments", "list", "--format", "plain")
    assert sro.json("assignments", "coverage", HIGH, "--on", "2027-07-01")["items"] == []
    assert MIDDLE in sro.ok("schools", "list", "--format", "plain")
    assert "MADNET" in sro.ok("partners", "list", "--format", "plain")
    assert [a["title"] for a in sro.records("agreements", "due", "--by", "2027-05-01")] == [
        "SRO program MOU"
    ]
    assert sro.records("agreements", "due", "--by", "2027-04-30") == []
    sro.ok("agreements", "renew", town["mou"], "--signed-on", "2027-04-20",
           "--review-due", "2028-05-01")  # fmt: skip
    assert "2028-05-01" in sro.ok("agreements", "list", "--format", "plain")


@pytest.mark.usefixtures("town")
def test_incident_lifecycle(sro: Sro, tmp_path: Path) -> None:
    """An incident is reported, found, shown, moved, amended, closed and reopened."""
    number = _report(sro, "--narrative", "Two students fought in the cafeteria.")
    assert number == "2026-000001"
    found = sro.json("incidents", "find", "--school", HIGH, "--category", "fight",
                     "--status", "reported", "--from", "2026-09-01")  # fmt: skip
    assert [i["record"]["number"] for i in found["items"]] == [number]
    assert found["next"] is None
    assert number in sro.ok("incidents", "find", "--text", "cafeteria")
    shown = sro.json("incidents", "show", number)
    assert shown["record"]["location"]["zone"] == "cafeteria"
    assert shown["hidden"] == []
    assert "under_investigation" in sro.ok("incidents", "move", number, "under_investigation")
    sro.ok("incidents", "amend", number, "--set", "referred_to_law_enforcement=true",
           "--narrative", "Amended narrative.")  # fmt: skip
    sro.ok("incidents", "add-offense", number, "13C")
    student = {
        "person": {"kind": "student", "name": "B. Student", "date_of_birth": "2010-01-20"},
        "roles": ["offender", "arrestee"],
        "arrest": {"arrested_on": "2026-09-14", "offense_code": "13B",
                   "juvenile_disposition": "R"},
    }  # fmt: skip
    file = tmp_path / "involvement.json"
    file.write_text(json.dumps(student), encoding="utf-8")
    sro.ok("incidents", "involve", number, "--file", str(file))
    sro.ok("incidents", "amend", number, "--set", "school_related_arrest=true")
    assert "closed" in sro.ok(
        "incidents", "close", number, "--disposition", "arrest", "--on", "2026-09-15"
    )
    record = sro.json("incidents", "show", number)["record"]
    assert (record["status"], record["narrative"]) == ("closed", "Amended narrative.")
    assert [o["ucr_code"] for o in record["offenses"]] == ["13B", "13C"]
    assert "reopened" in sro.ok("incidents", "reopen", record["id"])
    assert "B. Student" in sro.ok("incidents", "show", number)


def test_incident_reported_from_a_json_file(sro: Sro, town: dict[str, str], tmp_path: Path) -> None:
    """`incidents report --file` takes a draft in the wire format; options and a file clash."""
    draft = {
        "reporting_officer_id": town["officer"],
        "occurred_start": "2026-09-15T10:00:00-07:00",
        "reported_at": "2026-09-15T10:20:00-07:00",
        "location": {"kind": "school_adjacent", "nibrs_code": "18"},
        "category": "parking_traffic",
        "school_id": town["high"],
    }
    file = tmp_path / "draft.json"
    file.write_text(json.dumps(draft), encoding="utf-8")
    assert "reported incident 2026-000001" in sro.ok("incidents", "report", "--file", str(file))
    clash = sro("incidents", "report", "--file", str(file), "--category", "fight")
    assert clash.exit_code == 2
    assert "--file or as options" in clash.output


@pytest.mark.usefixtures("town")
def test_domain_errors_print_one_line_and_exit_1(sro: Sro) -> None:
    """A refused command prints `error: …` on one line, exits 1, and shows no traceback."""
    number = _report(sro)
    for args in (
        ("officers", "add", "4127", "Someone Else"),
        ("incidents", "close", number, "--disposition", "arrest"),
        ("incidents", "move", number, "draft"),
        ("schools", "add", "Bad", "--district", "D", "--level", "high", "--grades", "12-9"),
        ("incidents", "show", "2026-999999"),
        ("incidents", "amend", number, "--set", "number=2026-000009"),
    ):
        result = sro(*args)
        assert result.exit_code == 1, (args, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, (args, lines)
        assert lines[0].startswith("error: "), (args, lines)
        assert "Traceback" not in result.output


@pytest.mark.usefixtures("town")
def test_debug_lets_the_traceback_through(sro: Sro) -> None:
    """With --debug, a refused command's exception is not turned into one line."""
    result = _runner().invoke(
        cli, ["--store", sro.store, "--config", str(sro.config), "--debug", "officers", "add",
              "4127", "Again"],
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.exception is not None
    assert not isinstance(result.exception, SystemExit)


def test_contacts_are_logged_listed_and_escalated(sro: Sro, town: dict[str, str]) -> None:
    """A business owner's complaint is logged, then escalated into a linked incident."""
    out = sro.ok("contacts", "log", "--officer", "4127", "--at", "2026-09-10T15:40",
                 "--party", "business_owner", "--purpose", "complaint", "--minutes", "25",
                 "--school", HIGH, "--summary", "Students shoplifting snacks.")  # fmt: skip
    contact = out.split()[-1]
    sro.ok("contacts", "log", "--officer", "4127", "--party", "parent_guardian",
           "--purpose", "advice", "--minutes", "10", "--not-school-related")  # fmt: skip
    escalated = sro.ok("contacts", "escalate", contact, "--category", "theft",
                       "--offense", "23C", "--location", "school_adjacent",
                       "--nibrs-location", "07", "--occurred", "2026-09-10T15:15")  # fmt: skip
    number = escalated.split()[3]
    record = sro.json("incidents", "show", number)["record"]
    assert record["escalated_from"] == contact
    assert record["reporting_officer_id"] == town["officer"]
    listed = sro.records("contacts", "list", "--school", HIGH)
    assert [c["incident_id"] for c in listed] == [record["id"]]
    assert len(sro.records("contacts", "list", "--officer", "4127", "--limit", "0")) == 2
    mentoring = sro.records("contacts", "list", "--from", "2026-09-11")
    assert [c["triad_role"] for c in mentoring] == ["informal_counselor_mentor"]
    assert "business_owner" in sro.ok("contacts", "list", "--format", "plain")


@pytest.mark.usefixtures("town")
def test_activities_are_recorded_and_listed(sro: Sro) -> None:
    """A class presentation is recorded and listed with its grades."""
    sro.ok("activities", "record", "--officer", "4127", "--kind", "class_presentation",
           "--topic", "Vaping: facts and myths", "--audience", "students",
           "--at", "2026-10-01T10:00", "--minutes", "50", "--attendance", "31",
           "--school", HIGH, "--grades", "9-9")  # fmt: skip
    [activity] = sro.records("activities", "list", "--school", HIGH)
    assert activity["grades"] == {"lowest": 9, "highest": 9}
    assert activity["triad_role"] == "educator"
    assert "Vaping" in sro.ok("activities", "list", "--format", "plain")
    missing = sro("activities", "record", "--officer", "4127", "--kind", "drill")
    assert missing.exit_code == 2


@pytest.mark.usefixtures("town")
def test_referrals_are_made_answered_and_listed(sro: Sro) -> None:
    """A drug case goes to MADNET; the liaison, acting as itself, accepts and closes it."""
    number = _report(sro)
    made = sro.ok("referrals", "make", number, "MADNET", "--reason", "task_force_investigation")
    referral = made.split()[-1]
    sro.ok("actors", "add", "liaison.madnet", "--role", "partner_liaison", "--partner", "MADNET",
           "--login", "madnet")  # fmt: skip
    liaison = ("--as", "liaison.madnet")
    assert "accepted" in sro.ok(*liaison, "referrals", "answer", referral, "accepted")
    sro.ok(*liaison, "referrals", "answer", referral, "closed", "--outcome", "Charged.")
    [listed] = sro.records("referrals", "list", number)
    assert (listed["status"], listed["outcome"]) == ("closed", "Charged.")
    assert "MADNET" in sro.ok("referrals", "list", number)
    seen = sro.json(*liaison, "incidents", "find")
    assert [i["record"]["number"] for i in seen["items"]] == [number]
    sro.ok("partners", "add", "County Probation", "--kind", "probation")
    refused = sro("referrals", "make", number, "County Probation", "--reason", "probation")
    assert refused.exit_code == 1
    assert "agreement" in refused.stderr


@pytest.mark.usefixtures("town")
def test_crisis_between_the_principal_and_police_command(sro: Sro) -> None:
    """A principal declares a lockdown; messages pass both ways; the all clear ends it."""
    for actor, school in (("principal.hs", HIGH), ("principal.ms", MIDDLE)):
        sro.ok("actors", "add", actor, "--role", "school_administrator", "--school", school)
    sro.ok("actors", "add", "wu", "--role", "analyst")
    principal = ("--as", "principal.hs")
    crisis = sro.ok(*principal, "crises", "declare", HIGH, "lockdown").split()[-1]
    sro.ok(*principal, "crises", "message", crisis, "All classrooms locked.",
           "--from", "school_admin", "--to", "police_command", "--to", "sro")  # fmt: skip
    sro.ok("crises", "message", crisis, "Units on scene.", "--from", "police_command",
           "--to", "school_admin")  # fmt: skip
    [active] = sro.records("crises", "list", "--active")
    assert active["status"] == "active"
    assert "all clear" in sro.ok("crises", "all-clear", crisis)
    [ended] = sro.records(*principal, "crises", "list", "--school", HIGH)
    assert (ended["status"], len(ended["messages"])) == ("all_clear", 2)
    assert sro.records("crises", "list", "--active") == []
    other = sro("--as", "principal.ms", "crises", "declare", HIGH, "lockout")
    assert other.exit_code == 1
    assert "no school" in other.stderr
    assert sro("--as", "wu", "crises", "list").exit_code == 1


@pytest.mark.usefixtures("town")
def test_the_command_acts_only_as_a_registered_actor(sro: Sro, tmp_path: Path) -> None:
    """--as names a registered actor a supervisor may act as; the audit records both."""
    sro.ok("actors", "add", "wu", "--role", "analyst")
    sro.ok("actors", "add", "sgt.two", "--role", "supervisor", "--login", "two")
    for claimed in ("janitor", "sgt.two"):
        refused = sro("--as", claimed, "incidents", "find")
        assert refused.exit_code == 1
        assert "directory" in refused.stderr or "may not act as" in refused.stderr
    denied = sro("--as", "wu", "incidents", "find")
    assert denied.exit_code == 1
    assert "may not" in denied.stderr
    trail = sro.records("audit", "show", "--limit", "1000")
    assert any(
        e["actor_id"] == "wu" and e["outcome"] == "denied" and f"by {user()}" in e["detail"]
        for e in trail
    )
    assert any(e["action"] == "identify" and e["outcome"] == "denied" for e in trail)
    other = Sro(f"sqlite:///{(tmp_path / 'other.db').as_posix()}", sro.config)
    unregistered = other("schools", "list")
    assert unregistered.exit_code == 1
    assert "sro init" in unregistered.stderr


@pytest.mark.usefixtures("town")
def test_configuration_file_sets_the_program_and_the_actor(sro: Sro) -> None:
    """The TOML file names the program's settings and the actor; unknown keys are refused."""
    sro.ok("actors", "add", "ofc.reyes", "--role", "sro")
    sro.config.write_text(
        '[program]\nname = "Chowchilla PD"\nsuppression_threshold = 3\n\n'
        '[actor]\nid = "ofc.reyes"\n',
        encoding="utf-8",
    )
    refused = sro("officers", "add", "9999", "New Officer")
    assert refused.exit_code == 1
    assert "ofc.reyes (sro) may not" in refused.stderr
    sro.config.write_text('[actor]\nrole = "supervisor"\n', encoding="utf-8")
    assert "store's directory" in sro("officers", "list").stderr
    sro.config.write_text("[program]\nsupression_threshold = 3\n", encoding="utf-8")
    misspelt = sro("officers", "list")
    assert misspelt.exit_code == 1
    assert "supression_threshold" in misspelt.stderr
    sro.config.write_text("[program\n", encoding="utf-8")
    assert "not valid TOML" in sro("officers", "list").stderr


def _contact_row(town: dict[str, str], **changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "id": str(uuid.uuid4()),
        "officer_id": town["officer"],
        "at": "2026-09-10T15:40:00-07:00",
        "party": "parent_guardian",
        "purpose": "advice",
        "triad_role": "informal_counselor_mentor",
        "minutes": 15,
        "school_id": town["high"],
    }
    row.update(changes)
    return row


def _lines(rows: list[dict[str, object]]) -> str:
    return "".join(json.dumps(row) + "\n" for row in rows)


def test_import_reports_every_bad_row_and_stores_nothing(
    sro: Sro, town: dict[str, str], tmp_path: Path
) -> None:
    """A bad date, an unknown school and a wrong enum are named by line and field; none stored."""
    rows = [
        _contact_row(town),
        _contact_row(town, at="2026-13-40T99:00:00-07:00"),
        _contact_row(town, school_id=str(uuid.uuid4())),
        _contact_row(town, party="neighbour"),
        _contact_row(town),
    ]
    file = tmp_path / "contacts.jsonl"
    file.write_text(_lines(rows), encoding="utf-8")
    result = sro("import", "contacts", str(file))
    assert result.exit_code == 1
    assert "line 2: at:" in result.stderr
    assert "line 3: school_id: no school has this id" in result.stderr
    assert "line 4: party: not one of" in result.stderr
    assert "nothing was stored" in result.stderr
    assert "line 1:" not in result.stderr
    assert "line 5:" not in result.stderr
    assert sro.records("contacts", "list") == []


def test_import_of_a_bad_csv_names_lines_and_fields(
    sro: Sro, town: dict[str, str], tmp_path: Path
) -> None:
    """CSV rows are read by field name; bad cells are reported by line and column."""
    file = tmp_path / "contacts.csv"
    columns = ["id", "officer_id", "at", "party", "purpose", "triad_role", "minutes",
               "school_related", "school_id"]  # fmt: skip
    with file.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        good = _contact_row(town, school_related="false")
        writer.writerow([good.get(c, "") for c in columns])
        writer.writerow([_contact_row(town, minutes="ten").get(c, "") for c in columns])
        writer.writerow([_contact_row(town, at="yesterday").get(c, "") for c in columns])
        writer.writerow([_contact_row(town, triad_role="cop").get(c, "") for c in columns])
    result = sro("import", "contacts", str(file))
    assert result.exit_code == 1
    assert "line 3: minutes: not a whole number" in result.stderr
    assert "line 4: at:" in result.stderr
    assert "line 5: triad_role: not one of" in result.stderr
    assert sro.records("contacts", "list") == []
    assert "imported 1 contacts" in sro.ok("import", "contacts", str(file), "--skip-bad")
    [stored] = sro.records("contacts", "list")
    assert stored["school_related"] is False


def test_import_skip_bad_stores_the_good_rows_and_reruns_are_idempotent(
    sro: Sro, town: dict[str, str], tmp_path: Path
) -> None:
    """--skip-bad stores the good rows; importing the file again stores nothing twice."""
    rows = [_contact_row(town), _contact_row(town, minutes=0), _contact_row(town)]
    file = tmp_path / "contacts.jsonl"
    file.write_text(_lines(rows), encoding="utf-8")
    first = sro.ok("import", "contacts", str(file), "--skip-bad")
    assert "imported 2 contacts" in first
    assert "1 bad rows skipped (lines 2)" in first
    again = sro.ok("import", "contacts", str(file), "--skip-bad")
    assert "imported 0 contacts" in again
    assert "2 already stored (lines 1, 3)" in again
    assert len(sro.records("contacts", "list")) == 2


def test_import_of_incidents_checks_the_program_rules(
    sro: Sro, town: dict[str, str], tmp_path: Path
) -> None:
    """Incident rows are checked against codes and calendar rules before any is stored."""
    base = {
        "reporting_officer_id": town["officer"],
        "occurred_start": "2026-09-15T10:00:00-07:00",
        "reported_at": "2026-09-15T10:20:00-07:00",
        "location": {"kind": "on_campus", "nibrs_code": "53"},
        "category": "fight",
        "school_id": town["high"],
    }
    rows = [
        {**base, "id": str(uuid.uuid4()), "offenses": [{"ucr_code": "13B"}]},
        {**base, "id": str(uuid.uuid4()), "offenses": [{"ucr_code": "99X"}]},
        {**base, "id": str(uuid.uuid4()), "category": "mischief"},
        {**base, "id": str(uuid.uuid4()), "school_id": None},
        {**base, "id": str(uuid.uuid4()), "reporting_officer_id": str(uuid.uuid4())},
    ]
    file = tmp_path / "incidents.jsonl"
    file.write_text(_lines(rows) + "not json\n", encoding="utf-8")
    result = sro("import", "incidents", str(file))
    assert result.exit_code == 1
    assert "line 2: offenses[0].ucr_code: not in code table nibrs.offense" in result.stderr
    assert "line 3: category: not in code table" in result.stderr
    assert "line 4: school_id: an on-campus incident needs its school" in result.stderr
    assert "line 5: reporting_officer_id: no officer has this id" in result.stderr
    assert "line 6: not JSON" in result.stderr
    assert sro.json("incidents", "find")["items"] == []
    assert "imported 1 incidents" in sro.ok("import", "incidents", str(file), "--skip-bad")
    assert sro.json("incidents", "find")["items"][0]["record"]["number"] == "2026-000001"


def test_an_import_that_fails_while_storing_stores_nothing(
    sro: Sro, town: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A storage fault partway through an import keeps none of its rows; a rerun stores all."""
    rows = [_contact_row(town) for _ in range(5)]
    file = tmp_path / "contacts.jsonl"
    file.write_text(_lines(rows), encoding="utf-8")
    repository = type(_sqlite_unit_contacts())
    real = repository.add_many

    def failing(self: Any, records: Any) -> Any:
        records = list(records)
        real(self, records[:2])
        raise StorageError("the disk is full")

    monkeypatch.setattr(repository, "add_many", failing)
    result = sro("import", "contacts", str(file))
    assert result.exit_code == 1
    assert "the disk is full" in result.stderr
    assert sro.records("contacts", "list") == []
    monkeypatch.setattr(repository, "add_many", real)
    assert "imported 5 contacts" in sro.ok("import", "contacts", str(file))
    assert len(sro.records("contacts", "list")) == 5


def _sqlite_unit_contacts() -> Any:
    """Return the contacts repository of a SQLite unit of work, to find its class."""
    from sro_core.builtin.sqlite import SQLiteStorage  # noqa: PLC0415 - only this test needs it
    from sro_core.ports import StorageSettings  # noqa: PLC0415

    storage = SQLiteStorage(StorageSettings("sqlite://:memory:"))
    try:
        return storage.unit_of_work().contacts
    finally:
        storage.close()


@pytest.mark.usefixtures("town")
def test_export_writes_files_and_standard_output(sro: Sro, tmp_path: Path) -> None:
    """Exports go to a file or to standard output, in a registered format, filtered."""
    _report(sro)
    target = tmp_path / "incidents.csv"
    assert "exported 1 incident as csv" in sro.ok("export", "--output", str(target),
                                                   "--school", HIGH)  # fmt: skip
    with target.open(encoding="utf-8", newline="") as exported:
        rows = list(csv.DictReader(exported))
    assert [r["number"] for r in rows] == ["2026-000001"]
    lines = sro.ok("export", "--format", "jsonl", "--kind", "monthly_counts",
                   "--school-year", "2026").splitlines()  # fmt: skip
    assert json.loads(lines[0])["count"] == 1
    assert sro("export", "--kind", "contacts", "--category", "fight").exit_code == 2
    assert sro("export", "--month", "2026-09").exit_code == 2
    assert sro("export", "--option", "period").exit_code == 2
    unknown = sro("export", "--format", "nibrs-xml-typo")
    assert unknown.exit_code == 1
    assert "no export format" in unknown.stderr


class ReportFormat(ReportExporter):
    """A stand-in for the report plugin's format: writes one line naming the report."""

    name = "report-html"
    media_type = "text/html"
    audiences = frozenset(Audience)
    binary = True

    def write(self, records: ProgramReport, out: IO[bytes], context: ExportContext) -> int:
        """Write the report's title."""
        del context
        out.write(f"<h1>{records.period_label}</h1>".encode())
        return 1


class ReportPlugin:
    """Registers the stand-in report format."""

    @hookimpl
    def sro_register_exporters(self, registry: ExporterRegistry) -> None:
        """Register `report-html`."""
        registry.register(ReportFormat())


class OptionsFormat(RowExporter):
    """A format that writes the settings it was given, to show they reach it."""

    name = "options"
    known_options = MappingProxyType({"period": "a month", "against": "ledger"})
    media_type = "application/json"
    audiences = frozenset(Audience)

    def write(self, records: Rows, out: IO[str], context: ExportContext) -> int:
        """Write the options as JSON, and count the rows."""
        out.write(json.dumps(dict(context.options)))
        return sum(1 for _ in records)


class OptionsPlugin:
    """Registers the `options` format."""

    @hookimpl
    def sro_register_exporters(self, registry: ExporterRegistry) -> None:
        """Register `options`."""
        registry.register(OptionsFormat())


def _host(*plugins: object) -> PluginHost:
    return PluginHost.load(builtins=(*BUILTIN_PLUGINS, *plugins), entry_points=False)


@pytest.mark.usefixtures("town")
def test_export_hands_the_format_its_options(sro: Sro, tmp_path: Path) -> None:
    """`--option KEY=VALUE` reaches the format (the NIBRS period, planning against the ledger)."""
    _report(sro)
    target = tmp_path / "options.json"
    sro.ok("export", "--format", "options", "--option", "period=2026-09",
           "--option", "against=ledger", "--output", str(target),
           obj=_host(OptionsPlugin()))  # fmt: skip
    assert json.loads(target.read_text(encoding="utf-8")) == {
        "period": "2026-09",
        "against": "ledger",
    }


@pytest.mark.usefixtures("town")
def test_report_writes_the_file_and_prints_its_path(sro: Sro, tmp_path: Path) -> None:
    """`sro report` writes the chosen period's report where asked and prints the path."""
    _report(sro)
    target = tmp_path / "september.html"
    out = sro.ok("report", "--month", "2026-09", "--school", HIGH, "--output", str(target),
                 obj=_host(ReportPlugin()))  # fmt: skip
    assert out.strip() == str(target)
    assert target.read_text(encoding="utf-8") == "<h1>September 2026</h1>"
    year = sro.ok("report", "--school-year", "2026", "--output", str(tmp_path / "y.html"),
                  obj=_host(ReportPlugin()))  # fmt: skip
    assert (tmp_path / "y.html").read_text(encoding="utf-8") == "<h1>school year 2026-27</h1>"
    assert year.strip().endswith("y.html")
    both = sro("report", "--month", "2026-09", "--school-year", "2026")
    assert both.exit_code == 2


@pytest.mark.usefixtures("town")
def test_report_without_the_plugin_says_how_to_install_it(sro: Sro, tmp_path: Path) -> None:
    """Without the report plugin, `sro report` prints the install hint and exits 1."""
    result = sro("report", "--output", str(tmp_path / "r.html"), obj=_host())
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "error: the program report needs the report plugin: pip install sro-core-report "
        "(from plugins/sro-core-report in this repository)"
    )
    assert not list(tmp_path.glob("r.html*"))


class Hello:
    """A plugin adding `sro hello` through the sro_cli_commands hook."""

    @hookimpl
    def sro_cli_commands(self, cli: object) -> None:
        """Add `hello`."""

        @click.command("hello")
        def hello() -> None:
            """Say hello."""
            click.echo("hello from a plugin")

        assert isinstance(cli, click.Group)
        cli.add_command(hello)


def test_plugins_are_listed_and_may_add_commands(sro: Sro) -> None:
    """`sro plugins` lists what is loaded; a plugin's subcommand runs like a built-in one."""
    host = _host(Hello())
    try:
        assert sro.ok("hello", obj=host).strip() == "hello from a plugin"
        listing = sro.json("plugins", obj=host)
        names = [p["name"] for p in listing["items"]]
        assert "sro_core.builtin.sqlite" in names
        assert {"scheme": "sqlite", "plugin": "sro_core.builtin.sqlite"} in listing["storage"]
        assert "csv" in [e["name"] for e in listing["exporters"]]
        assert "sro_core.builtin.memory" in sro.ok("plugins", obj=host)
    finally:
        cli.commands.pop("hello", None)


@pytest.mark.usefixtures("town")
def test_audit_trail_verifies_and_is_shown(sro: Sro) -> None:
    """`sro audit verify` checks the hash chain; `sro audit show` lists entries."""
    assert sro.ok("audit", "verify").strip() == "the audit trail verifies"
    entries = sro.records("audit", "show", "--limit", "3")
    assert [e["sequence"] for e in entries] == [1, 2, 3]
    assert "register_school" in sro.ok("audit", "show", "--format", "plain")


class Broken(Notifier):
    """A notifier whose receiver is gone for good."""

    kind = "broken"

    def deliver(self, event: DomainEvent, idempotency_key: uuid.UUID) -> None:  # noqa: ARG002 - the Notifier's signature
        """Refuse every event."""
        raise DeliveryFailed("the receiver is gone", permanent=True)


class BrokenPlugin:
    """Registers the `broken` notifier kind."""

    @hookimpl
    def sro_register_notifiers(self, registry: NotifierRegistry) -> None:
        """Register `broken`."""

        def make(_options: Mapping[str, str]) -> Notifier:
            return Broken()

        registry.register("broken", make, "fails every delivery")


def test_outbox_dead_letters_are_listed_dispatched_and_replayed(sro: Sro) -> None:
    """A delivery that fails for good is a dead letter, listed and replayed by the operator."""
    sro.config.write_text(
        '[program]\ndispatch_after_commit = false\n[[program.notifiers]]\nkind = "broken"\n',
        encoding="utf-8",
    )
    host = _host(BrokenPlugin())
    assert sro.ok("outbox", "status", obj=host).strip() == "no dead letters"
    sro.ok("officers", "add", "4127", "Dana Reyes", obj=host)
    assert "dead 1" in sro.ok("outbox", "dispatch", obj=host)
    [dead] = sro.records("outbox", "status", obj=host)
    assert dead["notifier"] == "broken"
    assert "the receiver is gone" in sro.ok("outbox", "status", "--format", "plain", obj=host)
    replayed = sro.ok("outbox", "replay", dead["event_id"], obj=host)
    assert replayed.startswith("replayed 1 dead deliveries")
    assert sro("outbox", "replay", "not-an-id", obj=host).exit_code == 2


def _python(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run `python -m sro_core ARGS` in a fresh process, isolated from the user's files."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
        "SRO_CONFIG": str(tmp_path / "sro.toml"),
        "SRO_STORE": f"sqlite:///{(tmp_path / 'sro.db').as_posix()}",
        "SRO_PLUGINS": "",
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    env.pop("SRO_ACTOR", None)
    return subprocess.run(
        [sys.executable, "-m", "sro_core", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )


def test_python_m_sro_core_runs_the_command(tmp_path: Path) -> None:
    """`python -m sro_core` runs `sro`: help, a command, a refusal and a usage mistake."""
    (tmp_path / "sro.toml").write_text("", encoding="utf-8")
    assert "School Resource Officer" in _python("--help", tmp_path=tmp_path).stdout
    init = _python("init", tmp_path=tmp_path)
    assert init.returncode == 0, init.stderr
    assert "store ready" in init.stdout
    _python("officers", "add", "4127", "Dana Reyes", tmp_path=tmp_path)
    listed = _python("officers", "list", "--json", tmp_path=tmp_path)
    assert [o["record"]["badge"] for o in json.loads(listed.stdout)["items"]] == ["4127"]
    again = _python("officers", "add", "4127", "Dana Reyes", tmp_path=tmp_path)
    assert again.returncode == 1
    assert again.stderr.startswith("error: ")
    assert len(again.stderr.strip().splitlines()) == 1
    typo = _python("oficers", "list", tmp_path=tmp_path)
    assert typo.returncode == 2
    assert "Usage:" in typo.stderr
    assert "Traceback" not in typo.stderr


def test_python_m_sro_core_imports_from_standard_input(tmp_path: Path) -> None:
    """`sro import … -` reads the rows from standard input in a real process."""
    (tmp_path / "sro.toml").write_text("", encoding="utf-8")
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
        "SRO_CONFIG": str(tmp_path / "sro.toml"),
        "SRO_STORE": f"sqlite:///{(tmp_path / 'sro.db').as_posix()}",
        "SRO_PLUGINS": "",
    }
    subprocess.run(
        [sys.executable, "-m", "sro_core", "init"], env=environment, check=True, timeout=60
    )
    result = subprocess.run(
        [sys.executable, "-m", "sro_core", "import", "contacts", "-"],
        input='{"id": "nope"}\n',
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
            "SRO_CONFIG": str(tmp_path / "sro.toml"),
            "SRO_STORE": f"sqlite:///{(tmp_path / 'sro.db').as_posix()}",
            "SRO_PLUGINS": "",
        },
        check=False,
        timeout=60,
    )
    assert result.returncode == 1
    assert "line 1: id: not a UUID" in result.stderr
    assert "line 1: officer_id: required" in result.stderr
