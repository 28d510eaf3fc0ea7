"""Bad input at the Program's API: a clear error naming what is wrong, and nothing stored."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from program_support import CHIEF, SRO, Town, build_town, open_program, snapshot
from sro_core.domain import (
    AuditOutcome,
    CrisisKind,
    Disposition,
    DispositionKind,
    IllegalTransition,
    Incident,
    IncidentStatus,
    Location,
    LocationKind,
    Officer,
    Partner,
    PartnerKind,
    ReferralReason,
    RuleViolation,
    SharingRefused,
)
from sro_core.ports import Conflict, NotFound
from sro_core.service import Program, RecordRejected

PACIFIC = dt.timezone(dt.timedelta(hours=-7))


@pytest.fixture
def town() -> tuple[Program, Town, Incident]:
    """Return a program with the seed's town and one reported incident."""
    program, _ = open_program()
    where = build_town(program)
    incident = program.report_incident(
        SRO,
        Incident(
            reporting_officer_id=where.officer.id,
            occurred_start=dt.datetime(2026, 9, 14, 12, tzinfo=PACIFIC),
            reported_at=dt.datetime(2026, 9, 14, 13, tzinfo=PACIFIC),
            location=Location(LocationKind.ON_CAMPUS, "53"),
            school_id=where.high.id,
            category="vandalism",
        ),
    )
    program.register_partner(CHIEF, Partner("County Probation", PartnerKind.PROBATION))
    return program, where, incident


def _probation(program: Program) -> uuid.UUID:
    return next(p.id for p in program.partners(CHIEF) if p.kind is PartnerKind.PROBATION)


def _draft(where: Town, **fields: Any) -> Incident:
    values: dict[str, Any] = {
        "reporting_officer_id": where.officer.id,
        "occurred_start": dt.datetime(2026, 9, 15, 9, tzinfo=PACIFIC),
        "reported_at": dt.datetime(2026, 9, 15, 10, tzinfo=PACIFIC),
        "location": Location(LocationKind.COMMUNITY, "20"),
        "category": "theft",
    }
    values.update(fields)
    return Incident(**values)


CASES: list[tuple[str, Callable[[Program, Town, Incident], object], type[Exception], str]] = [
    (
        "a status given as text",
        lambda p, _w, i: p.move_incident(SRO, i.id, "closed"),  # type: ignore[arg-type]
        RuleViolation,
        "status: must be IncidentStatus",
    ),
    (
        "an id given as text",
        lambda p, _w, i: p.add_offense(SRO, str(i.id), None),  # type: ignore[arg-type]
        RuleViolation,
        "incident_id: must be UUID",
    ),
    (
        "an officer given as a dict",
        lambda p, _w, _i: p.register_officer(CHIEF, {"badge": "9"}),  # type: ignore[arg-type]
        RuleViolation,
        "officer: must be Officer",
    ),
    (
        "an unknown incident",
        lambda p, _w, _i: p.move_incident(
            SRO, uuid.UUID(int=7), IncidentStatus.UNDER_INVESTIGATION
        ),
        NotFound,
        "no incident 00000000-0000-0000-0000-000000000007",
    ),
    (
        "an unknown reporting officer",
        lambda p, w, _i: p.report_incident(SRO, _draft(w, reporting_officer_id=uuid.UUID(int=3))),
        NotFound,
        "no officer",
    ),
    (
        "an unknown school for a crisis",
        lambda p, _w, _i: p.declare_crisis(SRO, uuid.UUID(int=5), CrisisKind.LOCKDOWN),
        NotFound,
        "no school",
    ),
    (
        "an illegal transition",
        lambda p, _w, i: p.reopen_incident(SRO, i.id),
        IllegalTransition,
        "status: incident status cannot move from reported to reopened",
    ),
    (
        "closing an arrest with no arrestee",
        lambda p, _w, i: p.close_incident(
            SRO, i.id, Disposition(DispositionKind.ARREST, dt.date(2026, 9, 14))
        ),
        RuleViolation,
        "an arrest disposition needs an arrestee",
    ),
    (
        "a code that is not in the tables",
        lambda p, w, _i: p.report_incident(SRO, _draft(w, category="jaywalking")),
        RecordRejected,
        "category: not in code table sro.incident_category",
    ),
    (
        "an amendment of the status",
        lambda p, _w, i: p.amend_incident(SRO, i.id, status=IncidentStatus.CLOSED),
        RuleViolation,
        "status: not a field an amendment may change",
    ),
    (
        "a referral to a partner without an agreement",
        lambda p, _, i: p.refer_incident(SRO, i.id, _probation(p), ReferralReason.PROBATION),
        SharingRefused,
        "probation referral needs incident_summary shared with this partner",
    ),
    (
        "a badge already taken",
        lambda p, _w, _i: p.register_officer(CHIEF, Officer(badge="4127", name="Someone Else")),
        Conflict,
        "another officer has this badge",
    ),
]


@pytest.mark.parametrize(
    ("command", "error", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_is_refused_clearly_and_changes_nothing(
    town: tuple[Program, Town, Incident],
    command: Callable[[Program, Town, Incident], object],
    error: type[Exception],
    words: str,
) -> None:
    """Each kind of bad input raises our error naming what is wrong; the store is unchanged."""
    program, where, incident = town
    before = snapshot(program)
    before_audit = len(program.audit_trail(CHIEF, limit=10_000))
    with pytest.raises(error) as caught:
        command(program, where, incident)
    assert words in str(caught.value)
    after = snapshot(program)
    assert after == before
    last = program.audit_trail(CHIEF, after=before_audit, limit=10_000)[-1]
    expected = AuditOutcome.DENIED if error is SharingRefused else AuditOutcome.ERROR
    assert last.outcome is expected
