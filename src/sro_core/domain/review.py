"""Review of reports: an SRO submits an incident report, a supervisor approves or returns it.

The review has its own lifecycle, :data:`REVIEW_TRANSITIONS`, beside the incident's status: a
report is reviewed whatever stage its case is at, and a department that does not review never
moves it. Each step is kept on the incident (:class:`ReviewStep`): who, when, and the comment.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping, Sequence

import attrs

from sro_core.domain.bounds import bounded
from sro_core.domain.errors import RuleViolation
from sro_core.domain.privacy import free_text
from sro_core.domain.values import aware, not_blank, utc


class ReviewState(enum.Enum):
    """Where a report stands in its supervisor's review."""

    UNSUBMITTED = "unsubmitted"
    """Not submitted for review (every report, in a department that does not review)."""
    SUBMITTED = "submitted"
    """Waiting for a supervisor."""
    RETURNED = "returned"
    """Sent back to its officer with comments, to correct and submit again."""
    APPROVED = "approved"


_R = ReviewState
REVIEW_TRANSITIONS: Mapping[ReviewState, frozenset[ReviewState]] = {
    _R.UNSUBMITTED: frozenset({_R.SUBMITTED}),
    _R.SUBMITTED: frozenset({_R.APPROVED, _R.RETURNED}),
    _R.RETURNED: frozenset({_R.SUBMITTED}),
    # An approved report that is amended goes back to review.
    _R.APPROVED: frozenset({_R.SUBMITTED}),
}
"""The review lifecycle: for each state, the states it may move to. Nothing else moves it."""


@attrs.frozen(field_transformer=bounded)
class ReviewStep:
    """One step of a report's review: the state it moved to, the actor who moved it, when, and why.

    A return carries the supervisor's comments in ``note``; a submission may carry the
    officer's answer to them.
    """

    state: ReviewState
    actor_id: str = attrs.field(validator=not_blank)
    at: dt.datetime = attrs.field(converter=utc, validator=aware)
    note: str = attrs.field(default="", metadata=free_text())

    def __attrs_post_init__(self) -> None:
        if self.state is ReviewState.UNSUBMITTED:
            raise RuleViolation("review.state", self.state.value, "no step leads back to it")
        if self.state is ReviewState.RETURNED and not self.note.strip():
            raise RuleViolation("review.note", self.note, "a returned report says what to correct")


def check_review(state: ReviewState, steps: Sequence[ReviewStep]) -> None:
    """Raise unless the steps follow :data:`REVIEW_TRANSITIONS` in time order and end at ``state``.

    A supervisor does not approve a report they submitted themselves.
    """
    current, submitter, last = ReviewState.UNSUBMITTED, None, None
    for n, step in enumerate(steps):
        if step.state not in REVIEW_TRANSITIONS[current]:
            rule = f"review cannot move from {current.value} to {step.state.value}"
            raise RuleViolation(f"reviews[{n}].state", step.state.value, rule)
        if last is not None and step.at < last:
            raise RuleViolation(f"reviews[{n}].at", step.at, "before the step it follows")
        if step.state is ReviewState.APPROVED and step.actor_id == submitter:
            rule = "a supervisor does not approve a report they submitted"
            raise RuleViolation(f"reviews[{n}].actor_id", step.actor_id, rule)
        if step.state is ReviewState.SUBMITTED:
            submitter = step.actor_id
        current, last = step.state, step.at
    if state is not current:
        rule = f"the review steps end at {current.value}"
        raise RuleViolation("review", state.value, rule)


def waiting_since(steps: Sequence[ReviewStep]) -> dt.datetime | None:
    """Return when a report was last submitted, if it still waits for review."""
    if steps and steps[-1].state is ReviewState.SUBMITTED:
        return steps[-1].at
    return None
