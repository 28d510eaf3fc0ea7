"""The NIBRS submission ledger: what a program submitted, read and recorded by the records clerk.

An export plugin works out what a month's submission adds, replaces or deletes from what was
submitted before, writes the submission, then records its reports here: in the program's own
store, so another machine, or a restore, knows what the FBI holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sro_core.domain import Actor, DomainEvent
from sro_core.ports import SubmittedReport, UnitOfWork
from sro_core.service.core import ProgramCore
from sro_core.service.policy import Action


class Submissions(ProgramCore):
    """Queries and commands on the NIBRS submission ledger."""

    def submitted_reports(self, actor: Actor, ori: str | None = None) -> list[SubmittedReport]:
        """Return the reports submitted (for one agency's ORI, or all), in the order recorded."""

        def work(unit: UnitOfWork) -> list[SubmittedReport]:
            return unit.submissions.reports(ori)

        return self._read(actor, Action.EXPORT, "submitted_reports", ori, work)

    def record_submission(self, actor: Actor, reports: Sequence[SubmittedReport]) -> int:
        """Record the reports of a submission once its file is written; return how many."""
        files = sorted({r.submission for r in reports})

        def work(unit: UnitOfWork, _now: dt.datetime) -> tuple[int, list[DomainEvent]]:
            unit.submissions.record(reports)
            return len(reports), []

        target = ", ".join(files) or None
        return self._command(actor, Action.EXPORT, "record_submission", target, work)
