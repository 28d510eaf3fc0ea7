"""A SQLite store written by the release before the shared SQL layer opens and reads the same.

``tests/data/sqlite_store_before_sql_layer.sql`` is the SQL dump of a store that the release
before :mod:`sro_core.sql` wrote with :func:`write_story`; regenerate such a dump with that
release installed: ``python tests/test_sqlite_previous_release.py OUT.sql``.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

from sro_core.builtin.memory import MemoryStorage
from sro_core.builtin.sqlite import SQLiteStorage
from sro_core.domain import (
    Arrest,
    Demographics,
    Incident,
    IncidentStatus,
    Involvement,
    InvolvementRole,
    JuvenileDisposition,
    Location,
    LocationKind,
    Officer,
    Person,
    PersonKind,
    ProgramCalendar,
    SchoolYear,
    Sex,
)
from sro_core.ports import (
    Delivery,
    DeliveryStatus,
    IncidentFilter,
    Page,
    Period,
    Storage,
    StorageSettings,
    SubmittedReport,
)
from test_sqlite import _audit_chain, _events

DUMP = Path(__file__).parent / "data" / "sqlite_store_before_sql_layer.sql"
LA = ProgramCalendar("America/Los_Angeles")
AT = dt.datetime(2025, 10, 6, 9, 30, tzinfo=dt.UTC)
SCHOOL = uuid.UUID(int=0xA)
OFFICER = uuid.UUID(int=0xF1)
EVENTS = _events()


def _incident(n: int, student: Person) -> Incident:
    return Incident(
        reporting_officer_id=OFFICER,
        occurred_start=AT + dt.timedelta(days=n),
        reported_at=AT + dt.timedelta(days=n, hours=1),
        location=Location(LocationKind.ON_CAMPUS, "52"),
        category="fight" if n % 2 else "theft",
        school_id=SCHOOL,
        status=IncidentStatus.REPORTED,
        number=f"2025-{n:06}",
        narrative=f"Incident {n}: Émile and a student.",
        involvements=(
            Involvement(
                student,
                frozenset({InvolvementRole.ARRESTEE, InvolvementRole.SUSPECT}),
                arrest=Arrest(
                    (AT + dt.timedelta(days=n)).date(),
                    "13B",
                    juvenile_disposition=JuvenileDisposition.HANDLED_WITHIN_DEPARTMENT,
                ),
            ),
        ),
        referred_to_law_enforcement=True,
        school_related_arrest=True,
        id=uuid.UUID(int=n),
    )


def write_story(storage: Storage) -> None:
    """Write one of each kind of row through the storage API (what the dump holds)."""
    student = Person(
        PersonKind.STUDENT,
        name="Kim",
        demographics=Demographics(sex=Sex.FEMALE, idea=True),
        id=uuid.UUID(int=0x5),
    )
    with storage.unit_of_work() as unit:
        unit.officers.add(Officer(badge="101", name="Ada Park", id=OFFICER))
        for n in (1, 2, 3):
            unit.next_incident_number(2025)
            unit.incidents.add(_incident(n, student))
        unit.outbox.put(EVENTS, AT)
        unit.outbox.record(Delivery(EVENTS[0].event_id, "log", DeliveryStatus.DELIVERED, 1))
        unit.outbox.record(Delivery(EVENTS[1].event_id, "log", DeliveryStatus.DEAD, 5, None, "x"))
        for entry in _audit_chain(3):
            unit.audit.append(entry)
        unit.submissions.record(
            [
                SubmittedReport(
                    ori="CA0190000",
                    category="GroupAIncidentReport",
                    number="2025-000001",
                    action="I",
                    period="2025-10",
                    submission="nibrs-2025-10.zip",
                    document="2025-000001.xml",
                    message_id="m-1",
                    written_at=AT,
                    actor="clerk-1",
                    fingerprint="f00d",
                    incident_id=uuid.UUID(int=1),
                    arrested_on=dt.date(2025, 10, 7),
                )
            ]
        )


def _read(storage: Storage) -> dict[str, Any]:
    """Return what a store holds, read through every kind of query; then go on writing."""
    period = Period(AT - dt.timedelta(days=40), AT + dt.timedelta(days=40))
    with storage.unit_of_work() as unit:
        found: dict[str, Any] = {
            "officers": list(unit.officers.all()),
            "by_badge": unit.officers.by_badge("101"),
            "incidents": unit.queries.find_incidents(IncidentFilter(text="INCIDENT"), Page()).items,
            "monthly": unit.queries.monthly_counts(period),
            "crdc": unit.queries.crdc_counts(SchoolYear(2025)),
            "outbox": unit.outbox.entries(),
            "dead": unit.outbox.dead_letters(),
            "audit": unit.audit.entries(),
            "submissions": unit.submissions.reports("CA0190000"),
        }
    with storage.unit_of_work() as unit:
        found["next number"] = unit.next_incident_number(2025)
        found["updated"] = unit.incidents.update(unit.incidents.get(uuid.UUID(int=2))).version
    return found


def _opened_dump(folder: Path) -> SQLiteStorage:
    path = folder / "before.db"
    raw = sqlite3.connect(path)
    raw.executescript(DUMP.read_text(encoding="utf-8"))
    raw.execute("PRAGMA application_id = 0x53524F43")  # a dump leaves out the header
    raw.close()
    return SQLiteStorage(StorageSettings(f"sqlite:///{path}", LA))


def test_a_store_of_the_previous_release_reads_as_the_reference(tmp_path: Path):
    """Every row the previous release wrote reads back as the memory reference's, and goes on."""
    reference = MemoryStorage(StorageSettings("memory:", LA))
    write_story(reference)
    with _opened_dump(tmp_path) as before:
        assert before.schema_version() == before.migrate()
        assert _read(before) == _read(reference)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        written = Path(folder) / "story.db"
        with SQLiteStorage(StorageSettings(f"sqlite:///{written}", LA)) as storage:
            write_story(storage)
        dump = sqlite3.connect(written)
        Path(sys.argv[1]).write_text("\n".join(dump.iterdump()) + "\n", encoding="utf-8")
        dump.close()
