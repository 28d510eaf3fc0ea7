from __future__ import annotations

import datetime as dt
import multiprocessing
import uuid
from pathlib import Path
from typing import Any

from sro_core.builtin.sqlite import SQLiteStorage
from sro_core.domain import Incident, IncidentStatus, Location, LocationKind, incident_number
from sro_core.ports import IncidentFilter, Page, StorageSettings

WRITERS = 4
INCIDENTS_EACH = 40
YEAR = 2025


def _write_incidents(url: str, writer: int, start: Any, results: Any) -> None:
    """Open the store (racing the others to create it) and record incidents one unit at a time.

    Runs in a child process; every error is sent back to the test rather than raised.
    """
    errors: list[str] = []
    try:
        start.wait(timeout=120)
        with SQLiteStorage(StorageSettings(url)) as store:
            for n in range(INCIDENTS_EACH):
                with store.unit_of_work() as unit:
                    number = unit.next_incident_number(YEAR)
                    began = dt.datetime(YEAR, 3, 1, 8, tzinfo=dt.UTC) + dt.timedelta(minutes=n)
                    unit.incidents.add(
                        Incident(
                            reporting_officer_id=uuid.UUID(int=writer),
                            occurred_start=began,
                            reported_at=began,
                            location=Location(LocationKind.COMMUNITY, "13"),
                            category="theft",
                            narrative=f"writer {writer}, incident {n}",
                            status=IncidentStatus.REPORTED,
                            number=number,
                        )
                    )
    except BaseException as error:  # noqa: BLE001 - the child reports every error to the test
        errors.append(f"{type(error).__name__}: {error}")
    results.put((writer, errors))


def test_processes_writing_at_once_keep_every_incident_and_number(tmp_path: Path):
    """Four processes writing to one new file lose no incident, number 1…N once, never lock up."""
    url = f"sqlite:///{tmp_path / 'shared' / 'sro.db'}"
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(WRITERS)
    results = context.Queue()
    children = [
        context.Process(target=_write_incidents, args=(url, writer, start, results))
        for writer in range(1, WRITERS + 1)
    ]
    for child in children:
        child.start()
    try:
        reports = dict(results.get(timeout=300) for _ in children)
    finally:
        for child in children:
            child.join(timeout=60)
        results.close()
        results.join_thread()
    for child in children:
        assert child.exitcode == 0
        child.close()
    assert reports == {writer: [] for writer in range(1, WRITERS + 1)}

    total = WRITERS * INCIDENTS_EACH
    with SQLiteStorage(StorageSettings(url)) as store, store.unit_of_work() as unit:
        stored = list(unit.incidents.all())
        page = unit.queries.find_incidents(IncidentFilter(text="writer 1,"), Page(size=1000))
    assert len(stored) == total
    assert sorted(i.number or "" for i in stored) == [
        incident_number(YEAR, n) for n in range(1, total + 1)
    ]
    assert len(page.items) == INCIDENTS_EACH
    for writer in range(1, WRITERS + 1):
        own = [i for i in stored if i.reporting_officer_id == uuid.UUID(int=writer)]
        assert len(own) == INCIDENTS_EACH
