"""Hostile input: bounded fields, imports that never crash, files never destroyed, safe output.

A bad-input corpus goes through the CLI (SQLite: the store's bytes unchanged; PostgreSQL: its
rows unchanged) and through the API; a fuzz of the importers over arbitrary bytes and JSON sees
only the library's own errors.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import io
import json
import os
import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from program_support import CHIEF, SRO, Town, build_town, open_program, snapshot
from sro_core.cli import cli
from sro_core.cli.importing import csv_rows, json_lines
from sro_core.cli.output import visible
from sro_core.domain import (
    FREE_TEXT_LENGTH,
    AgeRange,
    AuditOutcome,
    CommunityContact,
    ContactParty,
    ContactPurpose,
    DomainError,
    Drug,
    Incident,
    Location,
    LocationKind,
    Person,
    PersonKind,
    RuleViolation,
    School,
    TriadRole,
    one_line,
)
from sro_core.files import OutputRefused, written_whole
from sro_core.ports import IncidentFilter, shown_url, spreadsheet_safe
from sro_core.serialization import StructureError, json_value, loads
from sro_core.service import ImportLine, LineSet, Program

HIGH = "Chowchilla Union High School"


# --- the bounds of the domain ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "field", "rule"),
    [
        (lambda: Person(PersonKind.VISITOR, name="Ann\x00"), "name", "control character"),
        (lambda: Person(PersonKind.VISITOR, name="Ann\u202eeno"), "name", "bidi control"),
        (lambda: Person(PersonKind.VISITOR, name="\ud800"), "name", "lone surrogate"),
        (lambda: Person(PersonKind.VISITOR, name="A" * 201), "name", "at most 200"),
        (lambda: Person(PersonKind.VISITOR, name=123), "name", "not a text"),
        (
            lambda: Person(PersonKind.VISITOR, date_of_birth=dt.date(1, 1, 1)),
            "date_of_birth",
            "from 1900-01-01",
        ),
        (lambda: AgeRange(30, 121), "high", "from 0 to 120"),
        (lambda: AgeRange(10**30, 31), "low", "64-bit"),
        (lambda: Drug("A", quantity=decimal.Decimal("1E+999999999")), "quantity", "digits"),
        (lambda: Drug("A", quantity=decimal.Decimal("NaN")), "quantity", "finite"),
        (lambda: School(HIGH, "D", "high", None), "level", "not a SchoolLevel"),  # type: ignore[arg-type]
    ],
)
def test_a_value_out_of_bounds_is_a_rule_violation_naming_field_and_bound(
    build: Any, field: str, rule: str
) -> None:
    """Each class of out-of-bounds value is refused by the one error type, naming the bound."""
    with pytest.raises(RuleViolation) as refused:
        build()
    assert refused.value.field == field
    assert rule in refused.value.rule


def _contact(where: Town, **changes: Any) -> CommunityContact:
    values: dict[str, Any] = {
        "officer_id": where.officer.id,
        "at": dt.datetime(2026, 9, 9, 22, tzinfo=dt.UTC),
        "party": ContactParty.STAFF,
        "purpose": ContactPurpose.ADVICE,
        "triad_role": TriadRole.INFORMAL_COUNSELOR_MENTOR,
        "minutes": 10,
    }
    values.update(changes)
    return CommunityContact(**values)


@given(st.text(max_size=40), st.integers())
@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
def test_any_text_or_count_is_a_record_or_a_rule_violation(summary: str, minutes: int) -> None:
    """A contact from any text and count is built within its bounds, or refused by name."""
    at = dt.datetime(2026, 9, 9, tzinfo=dt.UTC)
    fields: set[str] = set()
    contact = None
    try:
        contact = CommunityContact(
            uuid.uuid4(), at, ContactParty.STAFF, ContactPurpose.ADVICE,
            TriadRole.EDUCATOR, minutes, summary=summary,
        )  # fmt: skip
    except RuleViolation as refused:
        fields.add(refused.field)
    if contact is None:
        assert fields <= {"minutes", "summary"}
        return
    assert 1 <= contact.minutes <= 24 * 60
    assert len(contact.summary) <= FREE_TEXT_LENGTH
    assert "\x00" not in contact.summary


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def town(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Program, Town]]:
    """Return a program with the seed's town, in memory, on SQLite and on PostgreSQL."""
    url, schema, server = "memory:", None, None
    if request.param == "sqlite":
        url = f"sqlite:///{(tmp_path / 'api.db').as_posix()}"
    elif request.param == "postgresql":
        server = _postgres_url()
        if server is None:
            pytest.skip("no PostgreSQL server answers")
        schema = f"sro_hostile_{secrets.token_hex(4)}"
        url = f"{server}?schema={schema}"
    program = Program.open(url) if server is not None else open_program(url)[0]
    try:
        yield program, build_town(program)
    finally:
        program.close()
        if server is not None:
            _drop(server, str(schema))


def test_a_wrong_type_through_the_api_is_refused_audited_and_not_stored(
    town: tuple[Program, Town],
) -> None:
    """amend_incident(narrative=123) is a named rule violation, audited, and nothing changes."""
    program, where = town
    at = dt.datetime(2026, 9, 9, 19, tzinfo=dt.UTC)
    draft = Incident(
        where.officer.id, at, at, Location(LocationKind.ON_CAMPUS, "53"), "fight",
        school_id=where.high.id,
    )  # fmt: skip
    reported = program.report_incident(SRO, draft)
    before = snapshot(program)
    with pytest.raises(RuleViolation) as refused:
        program.amend_incident(CHIEF, reported.id, narrative=123)
    assert refused.value.field == "narrative"
    with pytest.raises(RuleViolation):
        program.report_incident(SRO, {"category": "fight"})  # type: ignore[arg-type]
    assert snapshot(program) == before
    *_, amended, wrong = program.audit_trail(CHIEF)
    assert (amended.action, amended.outcome) == ("amend_incident", AuditOutcome.ERROR)
    assert "narrative: not a text" in amended.detail
    assert (wrong.action, wrong.outcome) == ("report_incident", AuditOutcome.ERROR)


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"narrative": "x" * 10_000_000}, "narrative: at most 100000 characters"),
        ({"narrative": "a\x00b"}, "narrative: holds a control character (U+0000)"),
        ({"category": "\x1b[2J"}, "category: holds a control character (U+001B)"),
        ({"occurred_start": dt.datetime(1, 1, 1, tzinfo=dt.UTC)}, "occurred_start: must be"),
        ({"occurred_end": dt.datetime(2199, 1, 1, tzinfo=dt.UTC)}, "occurred_end: must be from"),
        ({"offenses": ("13B",)}, "offenses[0]: not an Offense"),
    ],
)
def test_an_amendment_out_of_bounds_is_refused_by_name(
    town: tuple[Program, Town], changes: dict[str, object], named: str
) -> None:
    """Each bad amendment is refused naming field and bound; the store is unchanged."""
    program, where = town
    at = dt.datetime(2026, 9, 9, 19, tzinfo=dt.UTC)
    draft = Incident(
        where.officer.id, at, at, Location(LocationKind.ON_CAMPUS, "53"), "fight",
        school_id=where.high.id,
    )  # fmt: skip
    reported = program.report_incident(SRO, draft)
    before = snapshot(program)
    with pytest.raises(DomainError) as refused:
        program.amend_incident(CHIEF, reported.id, **changes)
    assert named in str(refused.value)
    assert len(str(refused.value)) < 500
    assert snapshot(program) == before


def test_a_narrative_at_its_bound_is_stored_and_found(town: tuple[Program, Town]) -> None:
    """A narrative of exactly the longest free text, tabs and line breaks in it, round-trips."""
    program, where = town
    at = dt.datetime(2026, 9, 9, 19, tzinfo=dt.UTC)
    longest = ("Line\tof the report.\r\n" * FREE_TEXT_LENGTH)[: FREE_TEXT_LENGTH - 6] + "needle"
    draft = Incident(
        where.officer.id, at, at, Location(LocationKind.ON_CAMPUS, "53"), "fight",
        school_id=where.high.id, narrative=longest,
    )  # fmt: skip
    reported = program.report_incident(SRO, draft)
    assert program.incident(CHIEF, reported.id).value.narrative == longest
    found = program.find_incidents(CHIEF, IncidentFilter(text="needle"))
    assert [seen.value.id for seen in found.items] == [reported.id]


def test_a_record_dated_outside_the_program_window_is_refused(
    town: tuple[Program, Town],
) -> None:
    """A contact in year 9999 or 1899 is refused naming the window; nothing is stored."""
    program, where = town
    before = snapshot(program)
    for year in (2199, 1899):
        with pytest.raises(DomainError) as refused:
            program.log_contact(SRO, _contact(where, at=dt.datetime(year, 1, 1, tzinfo=dt.UTC)))
        assert "at" in str(refused.value)
    assert snapshot(program) == before


# --- import: named errors per line, never a crash ----------------------------------------------


def _runner() -> CliRunner:
    import inspect  # noqa: PLC0415

    if "mix_stderr" in inspect.signature(CliRunner.__init__).parameters:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    return CliRunner()


class Store:
    """A store the `sro` command is run on, with the town registered through the command."""

    def __init__(self, url: str, folder: Path) -> None:
        self.url = url
        self.folder = folder
        self.config = folder / "sro.toml"
        self.config.write_text('[program]\nname = "Hostile"\n', encoding="utf-8")

    def __call__(self, *args: str) -> Result:
        """Run `sro` on the store."""
        return _runner().invoke(cli, ["--store", self.url, "--config", str(self.config), *args])

    def ok(self, *args: str) -> str:
        """Run `sro` and fail the test unless it succeeded."""
        result = self(*args)
        assert result.exit_code == 0, (result.stdout, result.stderr)
        return result.stdout

    def records(self, *args: str) -> list[Any]:
        """Run a listing with --json and return the records it lists."""
        return [item["record"] for item in json.loads(self.ok(*args, "--json"))["items"]]

    def seed(self) -> dict[str, str]:
        """Register a school and an officer; return their ids."""
        self.ok("init")
        self.ok("schools", "add", HIGH, "--district", "D", "--level", "high", "--grades", "9-12")
        self.ok("officers", "add", "4127", "Dana Reyes")
        [school] = self.records("schools", "list")
        [officer] = self.records("officers", "list")
        return {"school": school["id"], "officer": officer["id"]}

    def state(self) -> object:
        """Return what the store holds: its records, and its audit entries of allowed acts.

        A refused attempt is audited (CJIS asks for failed attempts too): that entry is the
        one thing a refused import adds, so entries of refusals are left out here. The trail
        is read through the store, since reading it through the program is audited.
        """
        with Program.open(self.url) as program:
            with program.storage.unit_of_work() as unit:
                allowed = [
                    (e.sequence, e.action)
                    for e in unit.audit.entries()
                    if e.outcome is AuditOutcome.ALLOWED
                ]
            return snapshot(program), allowed


def _postgres_url() -> str | None:
    url = os.environ.get("SRO_TEST_POSTGRES_URL") or "postgresql://postgres@127.0.0.1:5432/test"
    try:
        import psycopg  # noqa: PLC0415 - the PostgreSQL plugin's driver

        with psycopg.connect(url, connect_timeout=3):
            pass
    except Exception as error:  # noqa: BLE001 - any failure means no server
        if os.environ.get("SRO_REQUIRE_SERVICES") == "1":
            pytest.fail(f"no PostgreSQL server: {error}")
        return None
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Return a seeded store on SQLite, or on PostgreSQL in a schema of its own."""
    if request.param == "sqlite":
        yield Store(f"sqlite:///{(tmp_path / 'sro.db').as_posix()}", tmp_path)
        return
    server = _postgres_url()
    if server is None:
        pytest.skip("no PostgreSQL server answers")
    schema = f"sro_hostile_{secrets.token_hex(4)}"
    yield Store(f"{server}?schema={schema}", tmp_path)
    _drop(server, schema)


def _drop(server: str, schema: str) -> None:
    import psycopg  # noqa: PLC0415 - the PostgreSQL plugin's driver

    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def _row(ids: dict[str, str], **changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "id": str(uuid.uuid4()),
        "officer_id": ids["officer"],
        "at": "2026-09-10T15:40:00-07:00",
        "party": "staff",
        "purpose": "advice",
        "triad_role": "educator",
        "minutes": 15,
        "school_id": ids["school"],
    }
    row.update(changes)
    return row


def _jsonl(*rows: dict[str, object]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in rows)


CORPUS: list[tuple[str, Any, str]] = [
    ("latin-1", lambda ids: _jsonl(_row(ids)) + "é\n".encode("latin-1"), "line 2: not UTF-8"),
    ("binary", lambda _ids: b"\x00\xff\xfe\x80" * 8 + b"\n", "line 1: not UTF-8"),
    ("deep", lambda _ids: b"[" * 5000 + b"]" * 5000 + b"\n", "line 1: nested deeper"),
    ("surrogate", lambda ids: _jsonl(_row(ids, summary="\ud800")), "line 1: summary: holds a lone"),
    ("year 1", lambda ids: _jsonl(_row(ids, at="0001-01-01T00:00:00+00:00")), "line 1: at:"),
    ("minutes", lambda ids: _jsonl(_row(ids, minutes=10**30)), "line 1: minutes:"),
    ("NUL", lambda ids: _jsonl(_row(ids, summary="a\x00b")), "line 1: summary: holds a control"),
    ("digits", lambda _ids: b'{"minutes": ' + b"9" * 5000 + b"}\n", "line 1: not JSON"),
    ("not object", lambda _ids: b"[1, 2]\n", "line 1: a row is a JSON object"),
    ("wrong type", lambda ids: _jsonl(_row(ids, minutes="ten")), "line 1: minutes: not a whole"),
    ("nested type", lambda ids: _jsonl(_row(ids, party=["staff"])), "line 1: party:"),
]


@pytest.mark.parametrize(("case", "content", "named"), CORPUS, ids=[c[0] for c in CORPUS])
def test_a_bad_import_file_is_named_by_line_and_changes_nothing(
    store: Store, case: str, content: Any, named: str
) -> None:
    """Each bad file exits 1 naming the line and field; the store is unchanged."""
    ids = store.seed()
    file = store.folder / f"{case.replace(' ', '-')}.jsonl"
    file.write_bytes(content(ids))
    before = store.state()
    result = store("import", "contacts", str(file))
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert named in result.stderr
    assert "unexpected" not in result.stderr
    assert store.state() == before


def test_a_csv_with_an_unterminated_quote_is_refused(store: Store) -> None:
    """A quote left open refuses its row by line; nothing is stored."""
    ids = store.seed()
    file = store.folder / "open.csv"
    file.write_text(
        "officer_id,at,party,purpose,triad_role,minutes,summary\n"
        f'{ids["officer"]},2026-09-10T15:40:00-07:00,staff,advice,educator,5,"never closed\n',
        encoding="utf-8",
    )
    before = store.state()
    result = store("import", "contacts", str(file))
    assert result.exit_code == 1
    assert "line 2: not CSV" in result.stderr
    assert store.state() == before


def test_skip_bad_that_skips_every_row_fails(store: Store) -> None:
    """--skip-bad with no good row exits 1 and stores nothing."""
    ids = store.seed()
    file = store.folder / "bad.jsonl"
    file.write_bytes(_jsonl(_row(ids, minutes=0), _row(ids, minutes=-1)))
    before = store.state()
    result = store("import", "contacts", str(file), "--skip-bad")
    assert result.exit_code == 1
    assert "all 2 rows are bad" in result.stderr
    assert store.state() == before


def test_two_lines_of_one_id_refuse_the_import_naming_the_second(tmp_path: Path) -> None:
    """A file holding one id twice is refused at the second line; nothing is stored."""
    store = Store(f"sqlite:///{(tmp_path / 'sro.db').as_posix()}", tmp_path)
    ids = store.seed()
    row = _row(ids)
    file = tmp_path / "twice.jsonl"
    file.write_bytes(_jsonl(_row(ids), row, row))
    result = store("import", "contacts", str(file))
    assert result.exit_code == 1
    assert "line 3: id: another line of the file has the same id" in result.stderr
    assert "nothing was stored" in result.stderr
    assert store.records("contacts", "list") == []


def test_an_import_leaves_its_events_in_the_outbox(tmp_path: Path) -> None:
    """The command commits the rows and says the events wait for the next dispatch."""
    store = Store(f"sqlite:///{(tmp_path / 'sro.db').as_posix()}", tmp_path)
    ids = store.seed()
    file = tmp_path / "good.jsonl"
    file.write_bytes(_jsonl(_row(ids), _row(ids)))
    out = store.ok("import", "contacts", str(file))
    assert "imported 2 contacts" in out
    assert "wait in the outbox" in out
    with Program.open(store.url) as program, program.storage.unit_of_work() as unit:
        pending = [e for e in unit.outbox.entries() if type(e.event).__name__ == "ContactLogged"]
    assert len(pending) == 2


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=12,
)


def _imported(program: Program, lines: Any) -> None:
    """Check the lines as the import command would; any outcome but a foreign error is fine."""

    def rows() -> Iterator[ImportLine]:
        for row in lines:
            try:
                record = loads(json.dumps(row.data), CommunityContact) if not row.problems else None
            except StructureError as error:
                yield ImportLine(row.line, None, tuple(error.problems))
            else:
                yield ImportLine(row.line, record, row.problems)

    program.check_lines(SRO, CommunityContact, rows, lambda _line, _problems: None)


@given(st.binary(max_size=300))
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
def test_the_importers_read_any_bytes_with_only_their_own_errors(data: bytes) -> None:
    """Arbitrary bytes, as JSON lines or CSV, give rows or named problems, never a crash."""
    program, _ = open_program()
    try:
        _imported(program, list(json_lines(io.BytesIO(data))))
        for row in csv_rows(io.BytesIO(data), CommunityContact):
            assert all(p.rule for p in row.problems)
    except DomainError:
        pass


@given(_JSON)
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
def test_the_importers_read_any_json_with_only_their_own_errors(value: object) -> None:
    """Any JSON value on a line, or merged into a contact, is a record or a named problem."""
    program, _ = open_program()
    where = build_town(program)
    base = json.loads(
        json.dumps(_row({"officer": str(where.officer.id), "school": str(where.high.id)}))
    )
    lines = [json.dumps(value)]
    if isinstance(value, dict):
        lines.append(json.dumps({**base, **value}))
    with contextlib.suppress(DomainError):
        _imported(program, list(json_lines(io.BytesIO("\n".join(lines).encode()))))


@given(st.sets(st.integers(1, 60)), st.integers(0, 61))
def test_a_line_set_holds_its_lines_as_ranges(lines: set[int], probe: int) -> None:
    """LineSet answers membership and size as a set would, with runs kept as ranges."""
    kept = LineSet()
    for line in sorted(lines):
        kept.add(line)
    assert (probe in kept) == (probe in lines)
    assert len(kept) == len(lines)
    runs = sum(1 for n in lines if n - 1 not in lines)
    assert len(str(kept).split(", ")) == max(runs, 1)


def test_json_nested_too_deep_is_a_named_error_in_loads_too() -> None:
    """serialization.loads refuses 5,000 levels of nesting with StructureError, not recursion."""
    with pytest.raises(StructureError) as refused:
        loads("[" * 5000 + "]" * 5000, CommunityContact)
    assert "nested deeper" in str(refused.value)
    assert json_value(json.dumps({"a": "[" * 40})) == {"a": "[" * 40}


# --- files: whole or not at all, never the store ----------------------------------------------


def test_an_option_the_format_does_not_take_is_refused_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    """`--option formula=raw` (a typo) is refused naming the option and the ones csv takes."""
    store = Store(f"sqlite:///{(tmp_path / 's.db').as_posix()}", tmp_path)
    store.seed()
    out = tmp_path / "x.csv"
    typo = store("export", "--output", str(out), "--option", "formula=raw")
    assert typo.exit_code == 1
    assert "options: the csv format takes no such option" in typo.stderr, typo.stderr
    assert "formula" in typo.stderr, typo.stderr
    assert "it takes: formulas" in typo.stderr, typo.stderr
    assert not out.exists()
    assert store("export", "--output", str(out), "--option", "formulas=raw").exit_code == 0
    assert out.exists()


def test_an_export_over_the_store_is_refused_before_anything_is_opened(tmp_path: Path) -> None:
    """`export --output` naming the store, its WAL or journal is refused; the store survives."""
    store = Store(f"sqlite:///{(tmp_path / 's.db').as_posix()}", tmp_path)
    store.seed()
    before = store.state()
    for name in ("s.db", "s.db-wal", "s.db-journal"):
        result = store("export", "--output", str(tmp_path / name))
        assert result.exit_code == 1
        assert "the store's own file" in result.stderr
    assert store.state() == before
    assert store.records("schools", "list")[0]["name"] == HIGH


def test_a_refused_export_leaves_the_existing_file_untouched(tmp_path: Path) -> None:
    """An export the policy refuses does not delete or change the file it would replace."""
    store = Store(f"sqlite:///{(tmp_path / 's.db').as_posix()}", tmp_path)
    store.seed()
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n", encoding="utf-8")
    store.ok("actors", "add", "wu", "--role", "analyst")
    result = store("--as", "wu", "export", "--output", str(notes))
    assert result.exit_code == 1
    assert "may not" in result.stderr
    assert notes.read_text(encoding="utf-8") == "my notes\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".notes")] == []


def test_a_failed_write_leaves_the_target_whole_and_no_temporary_file(tmp_path: Path) -> None:
    """A write that fails midway keeps the old file; one that succeeds replaces it whole."""
    target = tmp_path / "report.csv"
    target.write_text("old\n", encoding="utf-8")

    def failing() -> None:
        with written_whole(target) as out:
            out.write("half")
            raise RuntimeError("the disk is full")

    with pytest.raises(RuntimeError):
        failing()
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.csv"]
    with written_whole(target) as out:
        out.write("new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    with pytest.raises(OutputRefused):
        written_whole(tmp_path)


# --- output content: formulas, control sequences, newlines, secrets ----------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_a_spreadsheet_would_run_is_neutralised(start: str) -> None:
    """OWASP: a text starting with a formula character gets a leading quote, unless raw."""
    cell = f'{start}HYPERLINK("http://x","y")'
    assert spreadsheet_safe(cell) == "'" + cell
    assert spreadsheet_safe(cell, {"formulas": "raw"}) == cell
    assert spreadsheet_safe(-5) == -5
    assert spreadsheet_safe("plain") == "plain"


def test_a_csv_export_writes_a_formula_narrative_as_text(tmp_path: Path) -> None:
    """A narrative starting with = reaches the CSV file quoted; formulas=raw keeps it."""
    store = Store(f"sqlite:///{(tmp_path / 's.db').as_posix()}", tmp_path)
    store.seed()
    store.ok(
        "incidents", "report", "--officer", "4127", "--school", HIGH,
        "--occurred", "2026-09-14T12:05", "--reported", "2026-09-14T12:30",
        "--category", "fight", "--offense", "13B", "--zone", "cafeteria",
        "--narrative", '=HYPERLINK("http://evil","click")',
    )  # fmt: skip
    out = tmp_path / "incidents.csv"
    store.ok("export", "--output", str(out))
    assert "'=HYPERLINK" in out.read_text(encoding="utf-8")
    store.ok("export", "--output", str(out), "--option", "formulas=raw")
    assert ',"=HYPERLINK' in out.read_text(encoding="utf-8")


def test_terminal_output_shows_control_sequences_as_escapes(tmp_path: Path) -> None:
    """ESC, CR and bidi controls reach the terminal as visible escapes; a school cannot hold one."""
    assert visible("a\x1b[31mred\r\u202e\tb\nc") == "a\\x1b[31mred\\x0d\\u202e\tb\nc"
    store = Store(f"sqlite:///{(tmp_path / 's.db').as_posix()}", tmp_path)
    store.ok("init")
    result = store("schools", "add", "\x1b[2JEvil", "--district", "D", "--level", "high",
                   "--grades", "9-12")  # fmt: skip
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr
    assert "\\x1b" in result.stderr


def test_audit_and_log_text_keeps_to_one_line() -> None:
    """A newline in a target or detail is escaped, so no text can start a line of its own."""
    assert one_line("a\nb\r\\") == "a\\nb\\r\\\\"
    assert len(one_line("x" * 50, 10)) == 10


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        ("postgresql://u:hunter2@127.0.0.1:1/db", "hunter2"),
        ("postgresql://u@127.0.0.1:1/db?password=hunter2", "hunter2"),
        ("postgresql://127.0.0.1:1/db?sslpassword=hunter2&sslmode=require", "hunter2"),
        ("postgresql://127.0.0.1:1/db?passfile=/home/u/.hunter2", "hunter2"),
    ],
)
def test_secrets_are_masked_in_every_shown_url(url: str, secret: str) -> None:
    """User info and password-like parameters are masked, in shown_url and in CLI errors."""
    assert secret not in shown_url(url)
    assert "***" in shown_url(url)
    assert "sslmode=require" in shown_url(url) or "sslmode" not in url
    result = _runner().invoke(
        cli, ["--store", url + ("&" if "?" in url else "?") + "timeout=-1", "schools", "list"]
    )
    assert result.exit_code != 0
    assert secret not in result.stderr + result.stdout
