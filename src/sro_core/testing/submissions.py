"""The NIBRS submission ledger's part of the storage contract, as a pytest test base.

A backend's test file adds one subclass beside its :class:`~sro_core.testing.StorageContract`::

    class TestMyLedger(SubmissionLedgerContract):
        def make_storage(self, calendar: ProgramCalendar) -> Storage:
            return MyStorage(StorageSettings(f"my:///{self.storage_dir()}/db", calendar))

The ledger is what a department's NIBRS submissions said to the FBI: it must come back exactly
as recorded, in the order recorded, for one agency or all, and go with a rolled-back unit of
work; a persistent store keeps it for the next process.
"""

# ruff: noqa: S101 - a test kit checks with assert, as pytest's own tests do; pytest rewrites it

from __future__ import annotations

import abc
import contextlib
import datetime as dt
import functools
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from sro_core.domain import Officer, ProgramCalendar
from sro_core.ports import Capability, Storage, SubmittedReport
from sro_core.testing.strategies import aware_datetimes

ORIS = ("CA0100000", "CA0200200", "NY0303000")
"""Agencies the generated reports come from: a few, so that filtering by ORI matters."""
CATEGORIES = ("GROUP A INCIDENT REPORT", "GROUP B ARREST REPORT", "ZERO REPORT")
ACTIONS = ("I", "A", "R", "D")
_LEDGER = settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
"""Each example opens a store (a PostgreSQL schema): a few examples cover the ledger's rows."""


@st.composite
def submitted_reports(draw: DrawFn, ori: str | None = None) -> SubmittedReport:
    """Draw a report as a NIBRS submission records it: any agency, category and action."""
    year, month = draw(st.integers(2019, 2030)), draw(st.integers(1, 12))
    deleted = draw(st.sampled_from(ACTIONS)) == "D"
    return SubmittedReport(
        ori=ori or draw(st.sampled_from(ORIS)),
        category=draw(st.sampled_from(CATEGORIES)),
        number=f"{year}-{draw(st.integers(1, 999_999)):06d}",
        action="D" if deleted else draw(st.sampled_from(ACTIONS[:3])),
        period=f"{year}-{month:02d}",
        submission=f"nibrs-{year}-{month:02d}.zip",
        document=f"{draw(st.integers(1, 9999)):04d}-A-I-{year}.xml",
        message_id=str(draw(st.uuids())),
        written_at=draw(aware_datetimes()),
        actor=str(draw(st.uuids())),
        fingerprint="" if deleted else draw(st.text("0123456789abcdef", min_size=64, max_size=64)),
        sequence=draw(st.none() | st.integers(1, 99)),
        incident_id=draw(st.none() | st.uuids()),
        arrested_on=draw(st.none() | st.dates(dt.date(2019, 1, 1), dt.date(2030, 12, 31))),
    )


_PROPERTIES: dict[str, dict[str, SearchStrategy[Any]]] = {
    "test_reports_come_back_as_recorded_in_order": {
        "batches": st.lists(st.lists(submitted_reports(), max_size=4), min_size=1, max_size=3)
    },
    "test_a_rolled_back_unit_records_nothing": {
        "kept": submitted_reports(),
        "dropped": submitted_reports(),
    },
}
"""The property tests, by name, and what each draws: made for each backend's subclass."""


_REPORT = SubmittedReport(
    ori="CA0100000",
    category="GROUP A INCIDENT REPORT",
    number="2026-000001",
    action="I",
    period="2026-03",
    submission="CA0100000-2026-03.zip",
    document="0001-A-I-2026-000001.xml",
    message_id="3f1d0c7e-5a55-4b0e-9b59-2b5f1f1f7a10",
    written_at=dt.datetime(2026, 4, 2, 16, 5, tzinfo=dt.UTC),
    actor="records clerk",
    fingerprint="0" * 64,
)


class SubmissionLedgerContract(abc.ABC):
    """The ledger tests every storage backend passes; subclass it and give ``make_storage``."""

    @abc.abstractmethod
    def make_storage(self, calendar: ProgramCalendar) -> Storage:
        """Open a new, empty store of the backend under test."""

    def close_storage(self, storage: Storage) -> None:
        """Close a store the test is done with (``storage.close()`` unless overridden)."""
        storage.close()

    def reopen_storage(self, storage: Storage) -> Storage:
        """Open a store again, as another process would (from its settings unless overridden)."""
        return type(storage)(storage.settings)

    def storage_dir(self) -> Path:
        """Return a new empty folder for a file-backed store; it goes when the test is done."""
        path = Path(tempfile.mkdtemp(prefix="sro-ledger-"))
        self.__dict__.setdefault("_sro_ledger_folders", []).append(path)
        return path

    @contextlib.contextmanager
    def opened(self) -> Iterator[Storage]:
        """Open a fresh store; close it, and remove its folders, after."""
        storage = self.make_storage(ProgramCalendar())
        try:
            yield storage
        finally:
            self.close_storage(storage)
            for folder in self.__dict__.pop("_sro_ledger_folders", []):
                shutil.rmtree(folder, ignore_errors=True)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # ``@given`` anew for each backend: Hypothesis keeps one executor per test function.
        super().__init_subclass__(**kwargs)
        for name, strategies in _PROPERTIES.items():
            test = getattr(SubmissionLedgerContract, f"_{name}")
            copy = functools.wraps(test)(lambda self, _t=test, **drawn: _t(self, **drawn))
            copy.__name__ = copy.__qualname__ = name
            setattr(cls, name, _LEDGER(given(**strategies)(copy)))

    def _test_reports_come_back_as_recorded_in_order(
        self, batches: list[list[SubmittedReport]]
    ) -> None:
        """Check reports recorded over several units come back equal, in order, by ORI or all."""
        with self.opened() as storage:
            for batch in batches:
                with storage.unit_of_work() as unit:
                    unit.submissions.record(batch)
            recorded = [report for batch in batches for report in batch]
            with storage.unit_of_work() as unit:
                assert unit.submissions.reports() == recorded
                for ori in ORIS:
                    mine = [r for r in recorded if r.ori == ori]
                    assert unit.submissions.reports(ori) == mine

    def _test_a_rolled_back_unit_records_nothing(
        self, kept: SubmittedReport, dropped: SubmittedReport
    ) -> None:
        """Check what a failed export recorded goes with its unit of work: the ledger never lies."""
        with self.opened() as storage:
            with storage.unit_of_work() as unit:
                unit.submissions.record([kept])
            with contextlib.suppress(RuntimeError), storage.unit_of_work() as unit:
                unit.submissions.record([dropped])
                raise RuntimeError("the archive could not be written")
            with storage.unit_of_work() as unit:
                assert unit.submissions.reports() == [kept]

    def test_a_submission_commits_with_the_other_writes_of_its_unit(self) -> None:
        """Reports recorded before another write of the same unit (its audit entry) are kept."""
        report = _REPORT
        officer = Officer(badge="4127", name="Dana Reyes")
        with self.opened() as storage:
            with storage.unit_of_work() as unit:
                unit.submissions.record([report])
                unit.officers.add(officer)
            with storage.unit_of_work() as unit:
                assert unit.submissions.reports() == [report]
                assert unit.officers.get(officer.id).badge == "4127"

    def test_the_ledger_outlives_the_process(self) -> None:
        """A persistent store gives the ledger back to the next process (another machine)."""
        report = _REPORT
        with self.opened() as storage:
            if Capability.PERSISTENT not in storage.capabilities:
                import pytest  # noqa: PLC0415 - only a persistent store's test needs it

                pytest.skip(f"{type(storage).__name__} does not claim persistent")
            with storage.unit_of_work() as unit:
                unit.submissions.record([report])
            again = self.reopen_storage(storage)
            try:
                with again.unit_of_work() as unit:
                    assert unit.submissions.reports() == [report]
            finally:
                self.close_storage(again)
