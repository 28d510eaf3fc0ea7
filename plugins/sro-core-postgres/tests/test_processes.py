"""Several OS processes writing and updating one PostgreSQL store at once."""

from __future__ import annotations

import multiprocessing

from pg_support import close, fresh_storage
from pg_writers import (
    OFFICER,
    PROGRAM_ROUNDS,
    PROGRAM_WRITERS,
    ROUNDS,
    WRITERS,
    YEAR,
    report_through_the_program,
    write,
)

from sro_core.domain import Officer, incident_number, verify_chain


def test_processes_writing_at_once_lose_nothing_and_number_without_gaps():
    """Four processes report and update at once: nothing lost, no update overwritten, 1…N once."""
    storage = fresh_storage()
    try:
        with storage.unit_of_work() as unit:
            unit.officers.add(Officer(badge="1", name="Shared", id=OFFICER))
        context = multiprocessing.get_context("spawn")
        start = context.Barrier(WRITERS)
        results = context.Queue()
        children = [
            context.Process(target=write, args=(storage.settings.url, writer, start, results))
            for writer in range(1, WRITERS + 1)
        ]
        for child in children:
            child.start()
        try:
            reports = {w: (e, c) for w, e, c in (results.get(timeout=300) for _ in children)}
        finally:
            for child in children:
                child.join(timeout=60)
            results.close()
            results.join_thread()
        for child in children:
            assert child.exitcode == 0
            child.close()
        assert {w: errors for w, (errors, _) in reports.items()} == {
            w: [] for w in range(1, WRITERS + 1)
        }
        kinds = {kind for _, conflicts in reports.values() for kind in conflicts}
        assert kinds <= {"officer", "audit entry", "unit of work", "incident number"}

        total = WRITERS * ROUNDS
        with storage.unit_of_work() as unit:
            stored = list(unit.incidents.all())
            officer = unit.officers.get(OFFICER)
            entries = unit.audit.entries()
            events = unit.outbox.entries()
        assert sorted(i.number or "" for i in stored) == [
            incident_number(YEAR, n) for n in range(1, total + 1)
        ]
        assert officer.version == 1 + total, "an update was overwritten or lost"
        marks = officer.name.removeprefix("Shared").split()
        assert sorted(marks) == sorted(str(w) for w in range(1, WRITERS + 1) for _ in range(ROUNDS))
        assert len(entries) == total
        assert verify_chain(entries) is None
        assert sorted(e.event.incident_id for e in events) == sorted(i.id for i in stored)
    finally:
        close(storage)


def test_eight_program_writers_meet_no_audit_conflict():
    """Eight processes report through the Program, never retrying: none is refused, one chain."""
    storage = fresh_storage()
    try:
        with storage.unit_of_work() as unit:
            unit.officers.add(Officer(badge="1", name="Shared", id=OFFICER))
        context = multiprocessing.get_context("spawn")
        start = context.Barrier(PROGRAM_WRITERS)
        results = context.Queue()
        children = [
            context.Process(
                target=report_through_the_program,
                args=(storage.settings.url, writer, start, results),
            )
            for writer in range(1, PROGRAM_WRITERS + 1)
        ]
        for child in children:
            child.start()
        try:
            reports = [results.get(timeout=300) for _ in children]
        finally:
            for child in children:
                child.join(timeout=60)
            results.close()
            results.join_thread()
        assert [(errors, refused) for _, errors, refused in reports] == [([], [])] * len(children)
        with storage.unit_of_work() as unit:
            entries = unit.audit.entries()
            numbers = sorted(i.number or "" for i in unit.incidents.all())
        total = PROGRAM_WRITERS * PROGRAM_ROUNDS
        assert numbers == [
            incident_number(YEAR + writer, n)
            for writer in range(1, PROGRAM_WRITERS + 1)
            for n in range(1, PROGRAM_ROUNDS + 1)
        ]
        assert [e.action for e in entries] == ["report_incident"] * total
        assert verify_chain(entries) is None
    finally:
        close(storage)
