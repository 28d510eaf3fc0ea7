"""Every event CJIS §5.4.1.1 asks for reaches the audit trail, once, naming what it acted on."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from program_support import CHIEF, open_program
from sro_core.domain import (
    AuditOutcome,
    CommunityContact,
    ContactParty,
    ContactPurpose,
    Incident,
    IncidentStatus,
    Location,
    LocationKind,
    Officer,
    TriadRole,
)
from sro_core.ports import NotFound
from sro_core.service import Program
from sro_core.service.disclosures import LISTED, Released
from sro_core.service.exports import RecordKind

BEGAN = dt.datetime(2026, 9, 14, 19, 5, tzinfo=dt.UTC)


def _stored(program: Program, count: int) -> list[Incident]:
    """Store reported incidents directly (their own commands are not what is tested here)."""
    with program.storage.unit_of_work() as unit:
        return [
            unit.incidents.add(
                Incident(
                    reporting_officer_id=uuid.UUID(int=1),
                    occurred_start=BEGAN + dt.timedelta(minutes=n),
                    reported_at=BEGAN + dt.timedelta(minutes=n),
                    location=Location(LocationKind.COMMUNITY, "13"),
                    category="theft",
                    status=IncidentStatus.REPORTED,
                    number=unit.next_incident_number(2026),
                )
            )
            for n in range(count)
        ]


def _actions(program: Program) -> list[tuple[str, AuditOutcome, str | None, str]]:
    with program.storage.unit_of_work() as unit:
        return [(e.action, e.outcome, e.target, e.detail) for e in unit.audit.entries()]


def test_a_checked_then_stored_import_is_one_entry():
    """A dry run before an import is not audited as the import: one import_records entry."""
    program, _ = open_program()
    officer = program.register_officer(CHIEF, Officer(badge="1", name="A"))
    contact = CommunityContact(
        officer_id=officer.id,
        at=BEGAN,
        party=ContactParty.PARENT_GUARDIAN,
        purpose=ContactPurpose.ADVICE,
        school_related=False,
        minutes=5,
        triad_role=TriadRole.INFORMAL_COUNSELOR_MENTOR,
    )
    assert program.import_records(CHIEF, [contact], check_only=True).problems == {}
    program.import_records(CHIEF, [contact])
    actions = [a for a, *_ in _actions(program)]
    assert actions.count("import_records") == 1
    assert "check_import" not in actions


def test_an_early_refusal_is_audited():
    """An import refused before any record is read (a kind it does not take) is an error entry."""
    program, _ = open_program()
    officer = Officer(badge="1", name="A")
    with pytest.raises(ValueError, match="not a kind of record"):
        program.import_records(CHIEF, [officer])  # type: ignore[list-item]
    [(action, outcome, _, detail)] = _actions(program)
    assert (action, outcome) == ("import_records", AuditOutcome.ERROR)
    assert "not a kind of record" in detail


def test_reading_and_verifying_the_trail_are_audited():
    """Reading the audit trail and verifying it leave entries of their own."""
    program, _ = open_program()
    program.audit_trail(CHIEF)
    assert program.verify_audit(CHIEF) is None
    assert [(a, o) for a, o, *_ in _actions(program)] == [
        ("audit_trail", AuditOutcome.ALLOWED),
        ("verify_audit", AuditOutcome.ALLOWED),
    ]
    assert _actions(program)[1][3] == "the trail verifies"


def test_a_probe_of_an_unknown_id_is_audited():
    """Asking for an incident that does not exist is an error entry naming the id asked for."""
    program, _ = open_program()
    probe = uuid.uuid4()
    with pytest.raises(NotFound):
        program.incident(CHIEF, probe)
    [(action, outcome, target, _)] = _actions(program)
    assert (action, outcome, target) == ("incident", AuditOutcome.ERROR, str(probe))


def test_a_failure_of_any_type_is_audited():
    """An export that fails with a non-domain error (a closed stream) is an error entry."""
    program, _ = open_program()
    _stored(program, 1)
    out = io.StringIO()
    out.close()
    with pytest.raises(ValueError, match="closed file"):
        program.export(CHIEF, "csv", out, kind=RecordKind.INCIDENTS)
    action, outcome, target, detail = _actions(program)[-1]
    assert (action, outcome, target) == ("export", AuditOutcome.ERROR, "csv")
    assert detail == "ValueError"  # named by its type: its message could echo a value


@pytest.mark.parametrize("count", [2, LISTED + 5])
def test_an_export_names_what_it_released(count: int):
    """An export's entry lists the ids it released, or their count and digest, and its filter."""
    program, _ = open_program()
    stored = _stored(program, count)
    out = io.StringIO()
    program.export(CHIEF, "jsonl", out, kind=RecordKind.INCIDENTS)
    _, outcome, _, detail = _actions(program)[-1]
    assert outcome is AuditOutcome.ALLOWED
    assert "chosen by everything the actor may read" in detail
    if count <= LISTED:
        assert all(str(i.id) in detail for i in stored)
    else:
        assert f"{count} records, ids sha256:" in detail


@settings(max_examples=50)
@given(st.lists(st.uuids(), max_size=3 * LISTED, unique=True))
def test_released_ids_are_listed_or_digested(ids):
    """Up to LISTED ids are named one by one; more by their count and the SHA-256 of their ids."""
    released = Released(iter([{"id": str(key)} for key in ids]), lambda row: row["id"])
    assert [r["id"] for r in released] == [str(key) for key in ids]
    described = released.describe()
    if not ids:
        assert described == "no records by id"
    elif len(ids) <= LISTED:
        assert described == "ids " + " ".join(str(key) for key in ids)
    else:
        digest = hashlib.sha256("".join(f"{key}\n" for key in ids).encode()).hexdigest()
        assert described == f"{len(ids)} records, ids sha256:{digest}"
