"""The errors the domain raises when a value or a change would break one of its rules."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error ``sro_core`` raises on purpose."""


class RuleViolation(DomainError, ValueError):
    """A value or a change breaks a rule of the SRO program's domain.

    ``field`` names what is wrong (a dotted path where it helps), ``value`` is what was given,
    and ``rule`` says which rule it breaks, in the program's words.
    """

    def __init__(self, field: str, value: Any, rule: str) -> None:
        self.field = field
        self.value = value
        self.rule = rule
        super().__init__(f"{field}: {rule} (got {value!r})")


class IllegalTransition(RuleViolation):
    """An incident, referral or crisis was asked to move to a status its table does not allow."""

    def __init__(self, kind: str, current: Any, requested: Any) -> None:
        self.current = current
        self.requested = requested
        super().__init__(
            "status",
            requested,
            f"{kind} status cannot move from {current.value} to {requested.value}",
        )


class Problem:
    """A rule a record breaks, reported rather than raised (by code checks and department rules).

    ``field`` is the path of the offending field, ``value`` what it holds, ``rule`` the rule.
    """

    __slots__ = ("field", "rule", "value")

    def __init__(self, field: str, value: Any, rule: str) -> None:
        self.field = field
        self.value = value
        self.rule = rule

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Problem):
            return NotImplemented
        return (self.field, self.value, self.rule) == (other.field, other.value, other.rule)

    def __hash__(self) -> int:
        return hash((self.field, repr(self.value), self.rule))

    def __repr__(self) -> str:
        return f"Problem({self.field!r}, {self.value!r}, {self.rule!r})"

    def __str__(self) -> str:
        return f"{self.field}: {self.rule} (got {self.value!r})"

    def violation(self) -> RuleViolation:
        """Return the problem as an exception, for a command that must refuse it."""
        return RuleViolation(self.field, self.value, self.rule)
