"""docs/privacy.md's tables are the policy's own tables, cell for cell, so the docs cannot drift."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from pathlib import Path

import attrs

from sro_core import domain
from sro_core.domain import (
    ROLE_AUDIENCE,
    Actor,
    ActorRole,
    Audience,
    Permission,
    field_classes,
    field_sensitivity,
)
from sro_core.policy import (
    AUDIENCE_BASELINE,
    AUDIENCE_NEVER,
    CRISIS_AUTHOR,
    REFERRAL_NEEDS,
    RESTRICTIONS,
    counts_sealed,
)
from sro_core.service import ROLE_ACTIONS, Action

PRIVACY = Path(__file__).resolve().parents[1] / "docs" / "privacy.md"


def _table(header: str) -> list[list[str]]:
    """Return the rows (cells stripped) of the docs table whose header line starts so."""
    lines = PRIVACY.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def _codes(cell: str) -> set[str]:
    """Return the code-quoted words of a cell."""
    return set(re.findall(r"`([\w.]+)`", cell))


def _fields(read: object) -> dict[str, set[str]]:
    """Return, for each value of the metadata ``read`` gives, the ``Class.field`` carrying it."""
    found: dict[str, set[str]] = {}
    for name in domain.__all__:
        cls = getattr(domain, name)
        if isinstance(cls, type) and attrs.has(cls):
            for field, values in read(cls).items():  # type: ignore[operator]
                for value in values:
                    found.setdefault(value.value, set()).add(f"{name}.{field}")
    return found


def test_the_role_table_is_role_actions():
    """Each row of the table names an action and ticks exactly the roles ROLE_ACTIONS allows."""
    lines = PRIVACY.read_text(encoding="utf-8").splitlines()
    header = next(
        i for i, line in enumerate(lines) if line.startswith("| action | what it allows |")
    )
    roles = [cell.strip() for cell in lines[header].strip("|").split("|")][2:]
    assert roles == [role.value for role in ActorRole]
    table: dict[str, set[str]] = {}
    for cells in _table("| action | what it allows |"):
        action = re.fullmatch(r"`(\w+)`", cells[0])
        assert action, cells
        table[action[1]] = {role for role, cell in zip(roles, cells[2:], strict=True) if cell}
    assert table == {
        action.value: {role.value for role in ActorRole if action in ROLE_ACTIONS[role]}
        for action in Action
    }


def test_the_record_class_table_is_the_field_metadata():
    """Each record class lists exactly the fields that carry it in their attrs metadata."""
    table = {_codes(r[0]).pop(): _codes(r[1]) for r in _table("| record class | fields |")}
    assert table == _fields(field_classes)


def test_the_sensitivity_table_is_the_field_metadata():
    """Each sensitivity lists exactly the fields that declare it."""
    table = {_codes(r[0]).pop(): _codes(r[1]) for r in _table("| sensitivity | fields |")}
    assert table == _fields(field_sensitivity)


def test_the_audience_table_is_the_baseline_and_the_never_seen():
    """The classes each audience sees without an agreement, and the sensitivities it never sees."""
    rows = {_codes(r[0]).pop(): r for r in _table("| audience | roles | reads |")}
    assert set(rows) == {a.value for a in Audience}
    for audience in Audience:
        row = rows[audience.value]
        baseline = {c.value for c in AUDIENCE_BASELINE[audience]}
        never = {s.value for s in AUDIENCE_NEVER[audience]}
        assert _codes(row[3]) - {"juvenile_records"} == baseline or (
            row[3].startswith("every class") and len(baseline) == len(domain.RecordClass)
        )
        assert _codes(row[4]) == never or (
            row[4] == "every sensitivity" and len(never) == len(domain.Sensitivity)
        )


def _pairs(header: str) -> dict[str, str]:
    return {_codes(r[0]).pop(): r[1] for r in _table(header)}


def test_the_restriction_table_is_restrictions():
    """Each restriction's row says what RESTRICTIONS says it does."""
    assert _pairs("| restriction | what it does |") == {
        r.value: text for r, text in RESTRICTIONS.items()
    }


def test_the_referral_table_is_referral_needs():
    """Each referral reason lists the classes REFERRAL_NEEDS says it needs."""
    table = {k: _codes(v) for k, v in _pairs("| reason | classes needed").items()}
    assert table == {r.value: {c.value for c in needs} for r, needs in REFERRAL_NEEDS.items()}


def test_the_crisis_author_table_is_crisis_author():
    """Each author's role posts as the role CRISIS_AUTHOR gives it."""
    table: Mapping[str, set[str]] = {
        k: _codes(v) for k, v in _pairs("| author's role | posts as |").items()
    }
    assert table == {a.value: {r.value} for a, r in CRISIS_AUTHOR.items()}


def test_the_audience_table_says_who_counts_sealed_incidents():
    """The counts column names the permission where the policy counts sealed incidents."""
    rows = {_codes(r[0]).pop(): r[5] for r in _table("| audience | roles | reads |")}
    for role in ActorRole:
        reader = Actor(
            id="reader",
            name="Reader",
            role=role,
            permissions=frozenset({Permission.SEALED_RECORDS}),
            schools=frozenset({uuid.uuid4()} if role is ActorRole.SCHOOL_ADMINISTRATOR else ()),
            partner_id=uuid.uuid4() if role is ActorRole.PARTNER_LIAISON else None,
        )
        cell = rows[ROLE_AUDIENCE[role].value]
        if counts_sealed(reader):
            assert "sealed incidents counted only with the `sealed_records` permission" in cell
        else:
            assert cell == "none" or "sealed incidents never counted" in cell, role
