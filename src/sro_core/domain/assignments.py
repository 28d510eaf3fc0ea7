"""Long-term assignments of officers to schools, and who covers a school on a day."""

from __future__ import annotations

import datetime as dt
import enum
import itertools
import uuid
from collections.abc import Iterable

import attrs

from sro_core.domain.bounds import bounded
from sro_core.domain.errors import RuleViolation
from sro_core.domain.officers import Officer, OfficerStatus
from sro_core.domain.values import ends_after_start


class AssignmentRole(enum.Enum):
    """How an officer serves a school."""

    PRIMARY = "primary"
    """The school's own SRO, assigned for the long term."""
    SECONDARY = "secondary"
    """A second SRO at a large campus, or an SRO shared with a nearby school."""
    RELIEF = "relief"
    """Covers while the school's SRO is away."""


@attrs.frozen(field_transformer=bounded)
class Assignment:
    """An officer assigned to a school in a role from ``start`` to an optional ``end`` (inclusive).

    Rules: end ≥ start; an officer has at most one primary assignment on any date, and a school
    has at most one officer per role on any date (:func:`check_assignments`).
    """

    officer_id: uuid.UUID
    school_id: uuid.UUID
    role: AssignmentRole
    start: dt.date
    end: dt.date | None = None
    id: uuid.UUID = attrs.field(factory=uuid.uuid4)
    version: int = 0

    def __attrs_post_init__(self) -> None:
        ends_after_start("start", "end")(self)

    def covers(self, day: dt.date) -> bool:
        """Return whether the assignment is in force on a day."""
        return self.start <= day and (self.end is None or day <= self.end)

    def overlaps(self, other: Assignment) -> bool:
        """Return whether two assignments share at least one day."""
        return (self.end is None or other.start <= self.end) and (
            other.end is None or self.start <= other.end
        )

    def ended(self, end: dt.date) -> Assignment:
        """Return the assignment ending on ``end``."""
        return attrs.evolve(self, end=end)


def check_assignable(officer: Officer) -> None:
    """Raise unless the officer is active: only an active officer can be assigned."""
    if officer.status is not OfficerStatus.ACTIVE:
        raise RuleViolation("officer.status", officer.status.value, "only an active officer")


def check_assignments(assignments: Iterable[Assignment]) -> None:
    """Raise if a set of assignments breaks the overlap rules.

    An officer has at most one primary assignment on any date, and "who covers school S on day D"
    has one answer per role: no two assignments of a school in the same role share a day.
    """
    unique = {a.id: a for a in assignments}.values()
    by_officer: dict[uuid.UUID, list[Assignment]] = {}
    by_school_role: dict[tuple[uuid.UUID, AssignmentRole], list[Assignment]] = {}
    for a in unique:
        if a.role is AssignmentRole.PRIMARY:
            by_officer.setdefault(a.officer_id, []).append(a)
        by_school_role.setdefault((a.school_id, a.role), []).append(a)
    for officer_id, group in by_officer.items():
        if clash := _first_overlap(group):
            raise RuleViolation(
                "start", clash[1].start, f"officer {officer_id} already has primary {clash[0].id}"
            )
    for (school_id, role), group in by_school_role.items():
        if clash := _first_overlap(group):
            raise RuleViolation(
                "role", role.value, f"school {school_id} is already covered by {clash[0].id}"
            )


def _first_overlap(group: list[Assignment]) -> tuple[Assignment, Assignment] | None:
    """Return the first two assignments of a group that share a day, sorted by start."""
    ordered = sorted(group, key=lambda a: a.start)
    for earlier, later in itertools.pairwise(ordered):
        if earlier.overlaps(later):
            return earlier, later
    return None


def coverage(
    assignments: Iterable[Assignment], school_id: uuid.UUID, day: dt.date
) -> dict[AssignmentRole, uuid.UUID]:
    """Return who covers a school on a day: the officer id for each role that is filled."""
    return {a.role: a.officer_id for a in assignments if a.school_id == school_id and a.covers(day)}
