"""Flat exports: every column of an incident row agrees with the incident it came from."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from program_support import CHIEF, open_program
from sro_core.domain import Incident, IncidentStatus, InvolvementRole, incident_number
from sro_core.ports import spreadsheet_safe
from sro_core.serialization import unstructure
from sro_core.service import REDACTED
from sro_core.service.exports import INCIDENT_COLUMNS, RecordKind
from sro_core.testing import strategies


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
