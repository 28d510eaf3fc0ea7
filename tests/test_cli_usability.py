"""What a person meets at an 80-column terminal or a pipe: formats, codes, stores, wording."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import click
import pytest
from click.shell_completion import ShellComplete
from rich.console import Console

import test_cli
from sro_core.cli import cli, output
from sro_core.cli.output import FORMATS, fitted_widths, plural, wrapped
from sro_core.ports import shown_url
from test_cli import HIGH, Sro, _report

sro = test_cli.sro
town = test_cli.town

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

LISTS = (
    ("officers", "list"),
    ("schools", "list"),
    ("assignments", "list"),
    ("partners", "list"),
    ("agreements", "list"),
    ("agreements", "due", "--by", "2027-05-01"),
    ("incidents", "find"),
    ("contacts", "list"),
    ("activities", "list"),
    ("crises", "list"),
    ("audit", "show", "--limit", "5"),
    ("outbox", "status"),
    ("codes",),
)
"""Every list command, with what it needs to list something."""


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, click.Command]]:
    """Return every command under a group by its path, loading the lazily added ones."""
    context = click.Context(group)
    found: list[tuple[str, click.Command]] = []
    for name in sorted(group.list_commands(context)):
        command = group.get_command(context, name)
        assert command is not None, name
        if isinstance(command, click.Group):
            found += _commands(command, (*path, name))
        else:
            found.append((" ".join((*path, name)), command))
    return found


@pytest.fixture(autouse=True)
def _eighty_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every run here is at an 80-column terminal width, piped (click's runner), no colour set."""
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("NO_COLOR", raising=False)


def test_every_list_and_show_command_takes_format_and_json() -> None:
    """Each command that had --json also takes --format with the five formats."""
    with_json = {name: c for name, c in _commands(cli) if any("--json" in p.opts for p in c.params)}
    assert {"officers list", "incidents find", "incidents show", "codes", "info"} <= set(with_json)
    for name, command in with_json.items():
        [chosen] = [p for p in command.params if "--format" in p.opts]
        assert isinstance(chosen.type, click.Choice), name
        assert tuple(chosen.type.choices) == FORMATS, name


@pytest.mark.usefixtures("town")
def test_lists_have_one_json_shape_and_records_another(sro: Sro) -> None:
    """A list is {items, next}, each item a record {record, hidden}; --json is --format json."""
    _report(sro)
    for command in LISTS:
        listing = sro.json(*command)
        assert set(listing) == {"items", "next"}, command
        assert json.loads(sro.ok(*command, "--format", "json")) == listing
        if command != ("codes",):
            for item in listing["items"]:
                assert set(item) == {"record", "hidden"}, command
    shown = sro.json("incidents", "show", "2026-000001")
    assert set(shown) == {"record", "hidden"}
    assert shown["record"]["number"] == "2026-000001"


@pytest.mark.usefixtures("town")
def test_tables_fit_80_columns_and_never_cut_identifiers(sro: Sro) -> None:
    """Piped at COLUMNS=80, the incident table fits; numbers, times and every id stay whole."""
    number = _report(sro)
    found = sro.ok("incidents", "find")
    assert all(len(line) <= 80 for line in found.splitlines()), found
    assert number in found
    assert "2026-09-14 12:05" in found
    assert "\x1b[" not in found
    ids = {s["id"] for s in sro.records("schools", "list")}
    assert set(UUID.findall(sro.ok("schools", "list"))) == ids
    contacts = sro.ok("schools", "list", "--format", "plain")
    assert all(HIGH in line for line in contacts.splitlines() if "high" in line.split())


def test_widths_wrap_free_text_first_and_keep_identifiers() -> None:
    """The free-text column is narrowed; an id column keeps its width even past the limit."""
    rows = [["2026-000001", "a long narrative " * 6, "e3ed7ea9-1cb0-4d22-b572-db38dbdef7e3"]]
    widths = fitted_widths(("number", "narrative", "id"), rows, 80)
    assert widths[0] == 11
    assert widths[2] == 36
    assert sum(widths) + 4 <= 80
    assert fitted_widths(("number", "id"), [[rows[0][0], rows[0][2]]], 20) == [11, 36]
    codes = [["school_discipline", "suspicious_activity"]]
    assert fitted_widths(("disposition", "category"), codes, 30, break_words=False) == [17, 19]
    assert fitted_widths(("disposition", "category"), codes, 30) == [14, 14]  # 14 + 2 + 14


def test_codes_too_long_for_their_column_break_after_separators() -> None:
    """A code wider than its column breaks after its dots, slashes or underscores, not mid-word."""
    assert wrapped("drugs.possession", 12) == ["drugs.", "possession"]
    assert wrapped("school_discipline referral", 12) == ["school_", "discipline", "referral"]
    source = "NIBRS IEPD 2019.1 nibrs/2019/nibrs-codes.xsd#OffenseCodeSimpleType"
    assert wrapped(source, 32) == [
        "NIBRS IEPD 2019.1 nibrs/2019/",
        "nibrs-codes.xsd#",
        "OffenseCodeSimpleType",
    ]
    assert wrapped("a" * 30, 12) == ["a" * 12, "a" * 12, "a" * 6]
    assert wrapped("two\nlines", 12) == ["two", "lines"]


@pytest.mark.usefixtures("town")
def test_plain_tsv_and_csv_hold_one_row_a_line(sro: Sro) -> None:
    """Plain is one line a row, never wrapped; TSV and CSV have a heading row and the names."""
    plain = sro.ok("schools", "list", "--format", "plain").splitlines()
    assert len(plain) == 3
    assert plain[0].split()[:3] == ["name", "district", "level"]
    tsv = sro.ok("schools", "list", "--format", "tsv").splitlines()
    assert [len(line.split("\t")) for line in tsv] == [6, 6, 6]
    rows = list(csv.DictReader(io.StringIO(sro.ok("assignments", "list", "--format", "csv"))))
    assert [(r["school"], r["officer"], r["role"]) for r in rows] == [(HIGH, "4127", "primary")]


def test_colour_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    """Headings are styled on a terminal only, and never when NO_COLOR is set."""

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(output.sys, "stdout", Terminal())
    assert output._colour()
    monkeypatch.setenv("NO_COLOR", "1")
    assert not output._colour()
    monkeypatch.setattr(output.sys, "stdout", io.StringIO())
    monkeypatch.delenv("NO_COLOR")
    assert not output._colour()


@pytest.mark.usefixtures("town")
def test_incidents_show_reads_as_words(sro: Sro) -> None:
    """`incidents show` says yes/no and lists restrictions as words, never Python's reprs."""
    shown = sro.ok("incidents", "show", _report(sro), "--format", "plain")
    assert "frozenset" not in shown
    assert "True" not in shown
    assert "False" not in shown
    assert re.search(r"referred to law enforcement\s+no", shown)


def test_counts_have_their_plurals() -> None:
    """One arrest, two arrests, three activities, a school row."""
    assert plural(1, "arrest") == "1 arrest"
    assert plural(2, "arrest") == "2 arrests"
    assert plural(3, "activity") == "3 activities"
    assert plural(0, "school row") == "0 school rows"
    assert plural(2, "crisis", "crises") == "2 crises"


@pytest.mark.usefixtures("town")
def test_export_says_what_it_wrote_and_writes_the_report_format(sro: Sro, tmp_path: Path) -> None:
    """`sro export` counts in the right noun, names schools and officers, writes report-html."""
    _report(sro)
    assert "exported 1 incident as csv" in sro.ok("export", "--output", str(tmp_path / "i.csv"))
    with (tmp_path / "i.csv").open(encoding="utf-8", newline="") as exported:
        [row] = list(csv.DictReader(exported))
    assert (row["school"], row["reporting_officer"]) == (HIGH, "4127")  # names beside the ids
    target = tmp_path / "report.html"
    out = sro.ok("export", "--format", "report-html", "--school-year", "2026", "--output",
                 str(target))  # fmt: skip
    assert out.strip() == str(target)
    assert "<html" in target.read_text(encoding="utf-8")


def test_a_store_that_does_not_exist_is_an_error_naming_sro_init(tmp_path: Path) -> None:
    """A typo in --store is an error that says `sro init`, and creates nothing."""
    store = f"sqlite:///{(tmp_path / 'typo.db').as_posix()}"
    config = tmp_path / "sro.toml"
    config.write_text("", encoding="utf-8")
    shown = Sro(store, config)("schools", "list")
    assert shown.exit_code == 1
    assert "sro" in shown.stderr
    assert "init" in shown.stderr
    assert not (tmp_path / "typo.db").exists()
    Sro(store, config).ok("init")
    assert Sro(store, config).ok("schools", "list", "--format", "plain").startswith("name")


def test_info_shows_the_store_masked_the_config_plugins_and_versions(sro: Sro) -> None:
    """`sro info` names the store (no password), the config file, plugins and versions."""
    facts = sro.json("info")["record"]
    assert facts["store"] == sro.store
    assert facts["store state"].startswith("schema version")
    assert facts["config file"] == str(sro.config)
    assert "plugin sro_core.builtin.sqlite" in facts
    assert {"sro_core", "python", "attrs", "click"} <= set(facts)
    assert shown_url("postgresql://u:secret@db:5432/sro") == "postgresql://u:***@db:5432/sro"
    assert shown_url("sqlite:////var/lib/sro.db") == "sqlite:////var/lib/sro.db"  # as typed
    hidden = Sro("postgresql://u:secret@127.0.0.1:1/x", sro.config).ok("info")
    assert "secret" not in hidden


def test_codes_lists_tables_and_their_codes_with_labels(sro: Sro) -> None:
    """`sro codes` lists the tables; `sro codes TABLE` lists codes and labels; typos suggest."""
    assert "sro.incident_category" in sro.ok("codes", "--format", "plain")
    rows = sro.ok("codes", "sro.incident_category", "--format", "tsv").splitlines()
    assert rows[0] == "code\tlabel"
    assert any(row.startswith("fight\tFight") for row in rows)
    typo = sro("codes", "sro.incident_categry")
    assert typo.exit_code == 2
    assert "did you mean 'sro.incident_category'" in typo.stderr


@pytest.mark.usefixtures("town")
def test_a_mistyped_code_names_the_nearest_and_where_to_find_all(sro: Sro) -> None:
    """`--category fite` suggests fight and `sro codes`; an enum typo suggests its value too."""
    typo = sro("incidents", "find", "--category", "fite")
    assert typo.exit_code == 2
    assert "did you mean 'fight'?" in typo.stderr
    assert "sro codes sro.incident_category" in typo.stderr
    status = sro("incidents", "find", "--status", "closd")
    assert "did you mean 'closed'?" in status.stderr
    offense = sro("incidents", "report", "--officer", "4127", "--occurred", "2026-09-14T12:05",
                  "--category", "fight", "--offense", "13X")  # fmt: skip
    assert offense.exit_code == 2
    assert "nibrs.offense" in offense.stderr
    assert "--category" in sro.ok("incidents", "report", "--help")
    assert "sro codes sro.incident_category" in " ".join(
        sro.ok("incidents", "report", "--help").split()
    )


def test_every_option_has_help_and_every_command_an_example() -> None:
    """Each built-in command's options say what they are, and its help shows an example."""
    for name, command in _commands(cli):
        if command.callback is None or not command.callback.__module__.startswith("sro_core.cli"):
            continue
        assert "Example" in (command.help or ""), name
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"{name} {param.opts[0]}"


def test_shell_completion_offers_commands_and_choices() -> None:
    """Click's completion (documented for bash, zsh, fish) completes subcommands and formats."""
    complete = ShellComplete(cli, {}, "sro", "_SRO_COMPLETE")
    assert "find" in [c.value for c in complete.get_completions(["incidents"], "fi")]
    formats = complete.get_completions(["schools", "list", "--format"], "")
    assert [c.value for c in formats] == list(FORMATS)


@pytest.mark.usefixtures("town")
def test_the_default_report_covers_the_year_of_the_newest_incident(
    sro: Sro, tmp_path: Path
) -> None:
    """`sro report` and a CRDC export with no year take the year the records are in, and say it."""
    sro.ok("incidents", "report", "--officer", "4127", "--school", HIGH,
           "--occurred", "2025-10-01T10:00", "--category", "fight")  # fmt: skip
    target = tmp_path / "report.html"
    sro.ok("report", "--output", str(target))
    page = target.read_text(encoding="utf-8")
    assert "Program report: school year 2025-26" in page
    crdc = sro("export", "--format", "crdc-arrs", "--output", str(tmp_path / "crdc.csv"))
    assert crdc.exit_code == 0, crdc.stderr
    assert "CRDC counts of school year 2025-26" in crdc.stderr
    assert "exported 2 school rows as crdc-arrs" in crdc.stdout


def test_a_progress_without_a_total_shows_no_count_stuck_at_zero() -> None:
    """A spinner for work of unknown size shows its name and time, never a count stuck at 0."""
    shown = output.Output()
    drawn = io.StringIO()
    shown.err = Console(file=drawn, force_terminal=True, width=80)
    with shown.progress("writing the program report"):
        pass
    text = drawn.getvalue()
    assert "writing the program report" in text
    assert not re.search(r"report\s+0\s", text)
    with shown.progress("school year 2025-26", 365) as advance:
        advance(365)
    assert "365/365" in drawn.getvalue()


def test_a_bad_configuration_names_file_key_and_value(sro: Sro) -> None:
    """Wrong values in the configuration are one line naming the file, keys and values; exit 1."""
    sro.config.write_text(
        '[program]\nsuppression_threshold = "ten"\nretention_days = "0"\n', encoding="utf-8"
    )
    refused = sro("officers", "list")
    assert refused.exit_code == 1
    assert refused.stderr.count("\n") == 1, refused.stderr
    assert f"config {sro.config}" in refused.stderr
    assert "program.suppression_threshold: not a whole number (got 'ten')" in refused.stderr
    assert "program.retention_days: not a number (got '0')" in refused.stderr
    assert "Traceback" not in refused.stderr
