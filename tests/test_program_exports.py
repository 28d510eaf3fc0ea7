"""Exports: rows that agree with their incidents, where an export goes, what an exporter is told."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tempfile
import types
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from program_support import CHIEF, CLERK, Clock, open_program
from sro_core import PluginHost, Program, ProgramSettings, hookimpl
from sro_core.builtin import BUILTIN_PLUGINS
from sro_core.domain import (
    Audience,
    AuditOutcome,
    Incident,
    IncidentStatus,
    InvolvementRole,
    RuleViolation,
    incident_number,
)
from sro_core.files import opened
from sro_core.ports import (
    ExportContext,
    FlatRow,
    Period,
    RowExporter,
    Rows,
    SubmittedReport,
    cells_of,
    spreadsheet_safe,
)
from sro_core.serialization import unstructure
from sro_core.service import REDACTED
from sro_core.service.exports import INCIDENT_COLUMNS, RecordKind
from sro_core.testing import strategies

YEAR = Period(dt.datetime(2025, 8, 1, tzinfo=dt.UTC), dt.datetime(2026, 8, 1, tzinfo=dt.UTC))


def _expected(incident: Incident, day_of: Any) -> dict[str, object]:
    """Work out an incident's row from the incident itself, column by column."""
    day = day_of(incident.occurred_start)
    wire = unstructure(incident)
    disposition = incident.disposition
    row: dict[str, object] = {
        "offense_codes": ";".join(o.ucr_code for o in incident.offenses),
        "victims": len(incident.with_role(InvolvementRole.VICTIM)),
        "offenders": len(incident.with_role(InvolvementRole.OFFENDER)),
        "arrestees": len(incident.with_role(InvolvementRole.ARRESTEE)),
        "juveniles": sum(i.is_juvenile(day) for i in incident.involvements),
        "disposition.kind": disposition.kind.value if disposition else None,
        "disposition.decided_on": disposition.decided_on.isoformat() if disposition else None,
        "restrictions": ";".join(sorted(r.value for r in incident.restrictions)),
    }
    for column in INCIDENT_COLUMNS:
        if column not in row and column not in ("school", "reporting_officer"):
            value: Any = wire
            for part in column.split("."):
                value = value[part]
            row[column] = value
    return row


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(strategies.incidents(edge_cases=True), min_size=1, max_size=6))
def test_every_column_of_an_incident_row_agrees_with_the_incident(
    drafts: list[Incident],
) -> None:
    """CSV and JSON-lines rows, read back, hold what the stored incidents hold."""
    program, _ = open_program()
    with program.storage.unit_of_work() as unit:
        stored = [
            unit.incidents.add(
                attrs.evolve(
                    draft,
                    number=None
                    if draft.status is IncidentStatus.DRAFT
                    else incident_number(2030, n),
                    version=0,
                )
            )
            for n, draft in enumerate(drafts, start=1)
        ]
    expected = {str(i.id): _expected(i, program.calendar.local_date) for i in stored}
    for row in expected.values():  # no school or officer of theirs is registered: no names
        row["school"] = row["reporting_officer"] = None
    lines = io.StringIO()
    assert program.export(CHIEF, "jsonl", lines, kind=RecordKind.INCIDENTS) == len(stored)
    rows = [json.loads(line) for line in lines.getvalue().split("\n") if line]
    assert {r["id"]: r for r in rows} == expected
    table = io.StringIO()
    program.export(CHIEF, "csv", table, kind=RecordKind.INCIDENTS)
    for row in csv.DictReader(io.StringIO(table.getvalue())):
        want = expected[row["id"]]
        assert row == {k: _csv(spreadsheet_safe(v)) for k, v in want.items()}
        assert REDACTED not in row.values()


def _csv(value: object) -> str:
    """Return a value as csv.writer writes it."""
    return "" if value is None else str(value)


class ContextKept(RowExporter):
    """A binary row format that writes its column names and keeps the context it was given."""

    name = "context-kept"
    known_options = MappingProxyType({"a": "kept for the test"})
    media_type = "application/octet-stream"
    audiences = frozenset(Audience)
    binary = True

    def __init__(self) -> None:
        self.contexts: list[ExportContext] = []
        self.submitted: list[SubmittedReport] = []

    def write(self, records: Rows, out: IO[bytes], context: ExportContext) -> int:
        """Keep the context, read the ledger through it, write the columns; return the rows."""
        self.contexts.append(context)
        self.submitted = context.ledger.reports()
        out.write(",".join(records.columns).encode())
        return sum(1 for _ in records)


def _with(exporter: RowExporter) -> Program:
    """Return a memory program with the built-in formats and one more."""
    plugin = types.ModuleType("context_kept")
    plugin.sro_register_exporters = hookimpl(lambda registry: registry.register(exporter))  # type: ignore[attr-defined]
    host = PluginHost.load(builtins=(*BUILTIN_PLUGINS, plugin), entry_points=False)
    return Program.open("memory:", ProgramSettings(), plugins=host, clock=Clock())


def test_a_path_is_written_whole_with_what_a_stream_gets(tmp_path: Path) -> None:
    """export(to=path) writes the same text as to a stream, and a failed one leaves the file."""
    program, _ = open_program()
    streamed = io.StringIO()
    program.export(CHIEF, "csv", streamed, kind=RecordKind.CONTACTS)
    target = tmp_path / "contacts.csv"
    assert program.export(CHIEF, "csv", to=target, kind=RecordKind.CONTACTS) == 0
    assert target.read_bytes() == streamed.getvalue().encode()
    target.write_text("the export before", encoding="utf-8")
    with pytest.raises(RuleViolation, match="period"):
        program.export(CHIEF, "csv", str(target), kind=RecordKind.MONTHLY_COUNTS)
    assert target.read_text(encoding="utf-8") == "the export before"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contacts.csv"]


def test_a_binary_stream_gets_a_text_format_as_utf8_and_stays_open() -> None:
    """A text format given a binary stream writes UTF-8 into it; the stream is not closed."""
    program, _ = open_program()
    text, binary = io.StringIO(), io.BytesIO()
    program.export(CHIEF, "jsonl", text, kind=RecordKind.ACTIVITIES)
    program.export(CHIEF, "csv", binary, kind=RecordKind.ACTIVITIES)
    assert not binary.closed
    assert binary.getvalue().decode("utf-8").startswith("id,officer_id,kind,topic")


def test_a_binary_format_writes_through_a_text_streams_buffer_or_says_what_it_needs() -> None:
    """A binary format writes to a text stream's buffer; without one, the error names it."""
    program = _with(ContextKept())
    underlying = io.BytesIO()
    console = io.TextIOWrapper(underlying, encoding="utf-8")
    program.export(CHIEF, "context-kept", console, kind=RecordKind.MONTHLY_COUNTS, period=YEAR)
    assert underlying.getvalue() == b"month,school_id,category,count"
    with pytest.raises(TypeError, match="the context-kept format writes bytes"):
        program.export(CHIEF, "context-kept", io.StringIO(), kind=RecordKind.CONTACTS)


def test_what_is_neither_a_path_nor_a_stream_is_refused_naming_to() -> None:
    """export(to=42) is a RuleViolation naming the argument ``to``, and is audited."""
    program, _ = open_program()
    with pytest.raises(RuleViolation) as refused:
        program.export(CHIEF, "csv", 42, kind=RecordKind.CONTACTS)  # type: ignore[arg-type]
    assert refused.value.field == "to"
    last = [e for e in program.audit_trail(CHIEF) if e.action == "export"][-1]
    assert last.outcome is AuditOutcome.ERROR


def test_the_exporter_gets_the_actor_the_programs_time_its_options_and_the_ledger() -> None:
    """The context holds the actor, the program's time, read-only options and the ledger."""
    kept = ContextKept()
    program = _with(kept)
    sent = SubmittedReport(
        "CA0200200", "A", "2025-000001", "I", "2025-09", "CA0200200-2025-09.zip", "1.xml",
        "m1", program.clock(), CLERK.id,
    )  # fmt: skip
    program.record_submission(CLERK, [sent])
    before = program.clock()
    program.export(
        CLERK, "context-kept", io.BytesIO(), kind=RecordKind.CONTACTS, options={"a": "b"}
    )
    [context] = kept.contexts
    assert (context.actor, context.audience) == (CLERK, Audience.DEPARTMENT)
    assert context.program is program.kernel
    assert before < context.now < program.clock()
    assert dict(context.options) == {"a": "b"}
    with pytest.raises(TypeError):
        context.options["a"] = "c"  # type: ignore[index]
    assert kept.submitted == [sent]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(), max_size=5))
def test_text_reaches_a_path_a_text_and_a_binary_stream_alike(pieces: list[str]) -> None:
    """What a text format writes arrives alike, newlines too, at a path, a text or binary stream."""
    text, binary = io.StringIO(newline=""), io.BytesIO()
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "out.txt"
        for to in (text, binary, target):
            with opened(to, binary=False) as out:
                for piece in pieces:
                    out.write(piece)
        on_disk = target.read_bytes()
    expected = "".join(pieces)
    assert text.getvalue() == expected
    assert binary.getvalue() == on_disk == expected.encode("utf-8")


def test_what_moved_into_ports_is_still_importable_where_it_was() -> None:
    """ProgramReport, its figures and Seen keep their old import paths, as the same classes."""
    import sro_core  # noqa: PLC0415 - the package's lazy names are what is checked
    import sro_core.policy  # noqa: PLC0415
    import sro_core.ports  # noqa: PLC0415
    import sro_core.service  # noqa: PLC0415
    import sro_core.service.report  # noqa: PLC0415

    moved = ["ProgramReport", "CategoryFigure", "HeadlineFigure", "CrdcFigure", "TriadFigure"]
    for name in moved:
        new = getattr(sro_core.ports, name)
        assert getattr(sro_core.service, name) is new
        assert getattr(sro_core.service.report, name) is new
    seen = sro_core.ports.Seen
    assert sro_core.policy.Seen is sro_core.service.Seen is sro_core.Seen is seen


def test_a_flat_row_reads_as_the_mapping_of_its_columns() -> None:
    """A row the program hands over is a mapping of every column; a format may take its cells."""
    make = FlatRow.maker(("id", "narrative"))
    row = make(("7", "left early"))
    assert row == {"id": "7", "narrative": "left early"}
    assert (row["id"], row.get("narrative"), row.get("absent", "-"), len(row)) == (
        "7",
        "left early",
        "-",
        2,
    )
    assert list(row) == ["id", "narrative"]
    assert cells_of(row, ("id", "narrative")) == ("7", "left early")
    assert cells_of(row, ("narrative", "id")) == ["left early", "7"]  # other columns: by name
    assert cells_of({"id": "8"}, ("id", "narrative")) == ["8", None]  # any mapping
