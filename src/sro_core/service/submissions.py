"""The NIBRS submission ledger: what a program submitted, read and recorded by the records clerk.

An export plugin works out what a month's submission adds, replaces or deletes from what was
submitted before, writes the submission, then records its reports here: in the program's own
store, so another machine, or a restore, knows what the FBI holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sro_core.domain import DomainEvent
from sro_core.ports import SubmittedReport, UnitOfWork
from sro_core.service.core import Kernel
from sro_core.service.desk import Call, command, query
from sro_core.service.policy import Action


class Submissions:
    """The desk of the NIBRS submission ledger."""

    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel

    @query(Action.EXPORT)
    def submitted_reports(self, call: Call, ori: str | None = None) -> list[SubmittedReport]:
        """Return the reports submitted (for one agency's ORI, or all), in the order recorded."""

        def work(unit: UnitOfWork) -> list[SubmittedReport]:
            return unit.submissions.reports(ori)

        return call.read(ori, work)

    @command(Action.EXPORT)
    def record_submission(self, call: Call, reports: Sequence[SubmittedReport]) -> int:
        """Record the reports of a submission once its file is written; return how many."""
        files = sorted({r.submission for r in reports})

        def work(unit: UnitOfWork, _now: dt.datetime) -> tuple[int, list[DomainEvent]]:
            unit.submissions.record(reports)
            return len(reports), []

        target = ", ".join(files) or None
        return call.run(target, work)
