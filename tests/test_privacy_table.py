"""docs/privacy.md's role table is ROLE_ACTIONS, cell for cell."""

from __future__ import annotations

import re
from pathlib import Path

from sro_core.domain import ActorRole
from sro_core.service import ROLE_ACTIONS, Action

PRIVACY = Path(__file__).resolve().parents[1] / "docs" / "privacy.md"


def test_the_role_table_is_role_actions():
    """Each row of the table names an action and ticks exactly the roles ROLE_ACTIONS allows."""
    lines = PRIVACY.read_text(encoding="utf-8").splitlines()
    header = next(
        i for i, line in enumerate(lines) if line.startswith("| action | what it allows |")
    )
    roles = [cell.strip() for cell in lines[header].strip("|").split("|")][2:]
    assert roles == [role.value for role in ActorRole]
    table: dict[str, set[str]] = {}
    for line in lines[header + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        action = re.fullmatch(r"`(\w+)`", cells[0])
        assert action, line
        table[action[1]] = {role for role, cell in zip(roles, cells[2:], strict=True) if cell}
    assert table == {
        action.value: {role.value for role in ActorRole if action in ROLE_ACTIONS[role]}
        for action in Action
    }
