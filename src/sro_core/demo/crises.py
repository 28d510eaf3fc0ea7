"""The demo's crises, as scripts: who says what to whom, minute by minute.

The high school's lockdown drill in the fall, and the middle school's real lockdown after
winter break, where the SRO is the link between the principal and police command, as the
seed describes.
"""

from __future__ import annotations

import attrs

from sro_core.domain import CrisisRole


@attrs.frozen
class Line:
    """A message of a crisis script: its minute, who speaks, as what, to whom, and the text."""

    minute: int
    speaker: str
    author: CrisisRole
    audience: frozenset[CrisisRole]
    text: str


_ADMIN, _COMMAND, _SRO = CrisisRole.SCHOOL_ADMIN, CrisisRole.POLICE_COMMAND, CrisisRole.SRO
_PARENTS, _STAFF = CrisisRole.PARENTS, CrisisRole.STAFF

DRILL_SCRIPT = (
    Line(1, "principal", _ADMIN, frozenset({_COMMAND, _SRO}), "Lockdown drill starting now."),
    Line(2, "command", _COMMAND, frozenset({_ADMIN}), "Dispatch acknowledges the drill."),
    Line(
        18,
        "sro",
        _SRO,
        frozenset({_ADMIN}),
        "Sweep done: B-wing and gym doors were unlocked; two rooms had students visible "
        "through the door glass.",
    ),
)
"""The high school's lockdown drill."""

LOCKDOWN_SCRIPT = (
    Line(
        1,
        "principal",
        _ADMIN,
        frozenset({_COMMAND, _SRO}),
        "Student reports an Instagram story saying someone will bring a gun today. "
        "Lockdown called; all classrooms locked.",
    ),
    Line(
        3,
        "command",
        _COMMAND,
        frozenset({_ADMIN, _SRO}),
        "Two patrol units en route. The SRO leads on campus. Hold the lockdown until we clear.",
    ),
    Line(
        16,
        "sro",
        _SRO,
        frozenset({_COMMAND, _ADMIN}),
        "Author identified as a seventh grader, now in the office with the vice principal. "
        "Backpack and locker searched: no weapon.",
    ),
    Line(
        24,
        "command",
        _COMMAND,
        frozenset({_PARENTS}),
        "Almond Grove Middle School is in a precautionary lockdown. All students are safe. "
        "Please do not come to campus; updates will follow.",
    ),
    Line(
        33,
        "principal",
        _ADMIN,
        frozenset({_STAFF}),
        "Stay locked down until the all clear. Take attendance and report anyone missing.",
    ),
    Line(
        45,
        "sro",
        _SRO,
        frozenset({_COMMAND}),
        "Home checked with a patrol unit and the parents: no firearm accessible.",
    ),
    Line(
        51,
        "command",
        _COMMAND,
        frozenset({_ADMIN, _STAFF, _PARENTS}),
        "All clear at Almond Grove Middle School. Normal schedule after lunch.",
    ),
)
"""The middle school's real lockdown: the principal, police command and the SRO."""
