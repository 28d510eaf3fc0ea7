from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from sro_core.builtin.memory import MemoryStorage
from sro_core.builtin.sqlite import LATEST, SQLiteStorage, schema, sro_register_storage
from sro_core.builtin.sqlite.database import DEFAULT_TIMEOUT, Address
from sro_core.domain import (
    ActivityAudience,
    ActivityKind,
    ActorRole,
    Arrest,
    AuditEntry,
    AuditOutcome,
    CommunityContact,
    ContactParty,
    ContactPurpose,
    CrdcRaceEthnicity,
    CrisisDeclared,
    CrisisKind,
    Demographics,
    EducationActivity,
    Incident,
    IncidentReported,
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
    Race,
    ReviewState,
    School,
    SchoolLevel,
    SchoolYear,
    Sex,
    TriadRole,
    incident_number,
)
from sro_core.domain.schools import GradeSpan
from sro_core.ports import (
    BadQuery,
    Capability,
    Conflict,
    Delivery,
    DeliveryStatus,
    IncidentFilter,
    NotFound,
    Page,
    Period,
    SchemaTooNew,
    Storage,
    StorageError,
    StorageRegistry,
    StorageSettings,
    UnitOfWork,
)
from sro_core.testing.examples import REVIEW_START, Term, reviewed, reviewer, term

LA = ProgramCalendar("America/Los_Angeles")
UTC = dt.UTC
SCHOOL_A = uuid.UUID("00000000-0000-4000-8000-00000000000a")
SCHOOL_B = uuid.UUID("00000000-0000-4000-8000-00000000000b")
OFFICER = uuid.UUID("00000000-0000-4000-8000-0000000000f1")
OTHER_OFFICER = uuid.UUID("00000000-0000-4000-8000-0000000000f2")


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


def _open(path: Path, calendar: ProgramCalendar = LA) -> SQLiteStorage:
    return SQLiteStorage(StorageSettings(_url(path), calendar))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStorage]:
    """Give a test a new file-backed store in Los Angeles time."""
    with _open(tmp_path / "sro.db") as opened:
        yield opened


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _student(name: str, **known: Any) -> Person:
    return Person(
        PersonKind.STUDENT,
        name=name,
        demographics=Demographics(**known),
        id=uuid.uuid5(SCHOOL_A, name),
    )


def _incident(
    start: str,
    category: str = "fight",
    *,
    school: uuid.UUID | None = SCHOOL_A,
    number: int | None = None,
    status: IncidentStatus = IncidentStatus.REPORTED,
    narrative: str = "",
    officer: uuid.UUID = OFFICER,
    involvements: tuple[Involvement, ...] = (),
    key: int | None = None,
    **facts: Any,
) -> Incident:
    begun = _at(start)
    place = Location(LocationKind.ON_CAMPUS if school else LocationKind.COMMUNITY, "52")
    return Incident(
        reporting_officer_id=officer,
        occurred_start=begun,
        reported_at=begun + dt.timedelta(hours=1),
        location=place,
        category=category,
        school_id=school,
        status=status,
        number=None if number is None else incident_number(begun.year, number),
        narrative=narrative,
        involvements=involvements,
        id=uuid.uuid5(OFFICER, f"{start} {category}") if key is None else uuid.UUID(int=key),
        **facts,
    )


def _arrested(person: Person, on: str) -> Involvement:
    return Involvement(
        person,
        frozenset({InvolvementRole.ARRESTEE}),
        arrest=Arrest(
            dt.date.fromisoformat(on),
            "13B",
            juvenile_disposition=JuvenileDisposition.HANDLED_WITHIN_DEPARTMENT,
        ),
    )


def _sample_incidents() -> list[Incident]:
    """Incidents around month ends and DST changes in Los Angeles, ties, drafts and students."""
    ana = _student("Ana", sex=Sex.FEMALE, races=frozenset({Race.ASIAN}), hispanic_or_latino=False)
    ana_later = attrs.evolve(
        ana, demographics=Demographics(sex=Sex.FEMALE, hispanic_or_latino=True, idea=True)
    )
    ben = _student("Ben", sex=Sex.MALE, english_learner=False)
    parent = Person(PersonKind.PARENT_GUARDIAN, name="Parent")
    suspect = frozenset({InvolvementRole.SUSPECT})
    return [
        # 23:59:59 PST on Feb 28: February locally, March in UTC.
        _incident("2025-03-01T07:59:59+00:00", "Fight", number=1, narrative="Fight near the Gym"),
        _incident("2025-03-01T08:00:00+00:00", "fight", number=2, narrative="école ÉCOLE"),
        # 01:30 PST on the morning clocks spring forward.
        _incident("2025-03-09T09:30:00+00:00", "theft", school=SCHOOL_B, number=3),
        # 23:59:59 PDT on Mar 31, and the next second, written with other offsets.
        _incident("2025-03-31T23:59:59-07:00", "theft", school=None, number=4),
        _incident("2025-04-01T09:00:00+02:00", "theft", school=None, number=5),
        _incident("2025-03-15T12:00:00+00:00", "draft", status=IncidentStatus.DRAFT),
        # Two incidents at the same instant: the id breaks the tie.
        _incident("2025-05-05T05:05:05+00:00", "vandalism", number=6, key=2),
        _incident("2025-05-05T05:05:05+00:00", "vandalism", number=7, key=1),
        # 01:30 on the morning clocks fall back, the first and the second time.
        _incident("2025-11-02T08:30:00+00:00", "drugs", number=8, officer=OTHER_OFFICER),
        _incident("2025-11-02T09:30:00+00:00", "drugs", number=9, officer=OTHER_OFFICER),
        _incident(
            "2024-10-10T10:00:00+00:00",
            "weapon",
            number=10,
            involvements=(Involvement(ana, suspect), Involvement(parent, suspect)),
            referred_to_law_enforcement=True,
        ),
        _incident(
            "2025-02-02T10:00:00+00:00",
            "weapon",
            number=11,
            involvements=(_arrested(ana_later, "2025-02-02"), Involvement(ben, suspect)),
            referred_to_law_enforcement=True,
            school_related_arrest=True,
        ),
        _incident(
            "2025-02-03T10:00:00+00:00",
            "weapon",
            school=SCHOOL_B,
            number=12,
            involvements=(_arrested(ben, "2025-02-03"),),
            school_related_arrest=True,
        ),
    ]


def _sample_log() -> tuple[list[CommunityContact], list[EducationActivity]]:
    def contact(at: str, role: TriadRole, minutes: int, officer: uuid.UUID) -> CommunityContact:
        return CommunityContact(
            officer_id=officer,
            at=_at(at),
            party=ContactParty.PARENT_GUARDIAN,
            purpose=ContactPurpose.ADVICE,
            triad_role=role,
            minutes=minutes,
        )

    def activity(at: str, role: TriadRole, minutes: int) -> EducationActivity:
        return EducationActivity(
            officer_id=OFFICER,
            kind=ActivityKind.CLASS_PRESENTATION,
            topic="Online safety",
            audience=ActivityAudience.STUDENTS,
            held_at=_at(at),
            minutes=minutes,
            attendance=25,
            triad_role=role,
        )

    contacts = [
        contact("2025-03-01T08:00:00+00:00", TriadRole.LAW_ENFORCEMENT, 15, OFFICER),
        contact("2025-03-02T08:00:00+00:00", TriadRole.LAW_ENFORCEMENT, 20, OFFICER),
        contact("2025-03-03T08:00:00+00:00", TriadRole.INFORMAL_COUNSELOR_MENTOR, 30, OFFICER),
        contact("2025-03-04T08:00:00+00:00", TriadRole.EDUCATOR, 5, OTHER_OFFICER),
        contact("2025-04-01T06:59:59+00:00", TriadRole.EDUCATOR, 7, OTHER_OFFICER),
    ]
    activities = [
        activity("2025-03-05T17:00:00+00:00", TriadRole.EDUCATOR, 45),
        activity("2025-03-06T17:00:00+00:00", TriadRole.LAW_ENFORCEMENT, 60),
        activity("2025-04-01T07:00:00+00:00", TriadRole.EDUCATOR, 50),
    ]
    return contacts, activities


def _fill(storage: Storage) -> None:
    contacts, activities = _sample_log()
    with storage.unit_of_work() as unit:
        unit.incidents.add_many(_sample_incidents())
        unit.contacts.add_many(contacts)
        unit.activities.add_many(activities)


def _pages(storage: Storage, where: IncidentFilter, size: int) -> list[tuple[list[str], bool]]:
    """Return every page of a search: the incident numbers (or ids) and whether more follow."""
    found = []
    after = None
    with storage.unit_of_work() as unit:
        while True:
            page = unit.queries.find_incidents(where, Page(size, after))
            found.append(([i.number or str(i.id) for i in page.items], page.next is not None))
            if page.next is None:
                return found
            after = page.next


def _both(tmp_path: Path) -> tuple[MemoryStorage, SQLiteStorage]:
    return MemoryStorage(StorageSettings("memory:", LA)), _open(tmp_path / "both.db")


FILTERS = [
    IncidentFilter(),
    IncidentFilter(school_ids=frozenset({SCHOOL_A})),
    IncidentFilter(school_ids=frozenset()),
    IncidentFilter(categories=frozenset({"theft", "Fight"})),
    IncidentFilter(statuses=frozenset({IncidentStatus.DRAFT})),
    IncidentFilter(officer_id=OTHER_OFFICER),
    IncidentFilter(
        occurred_from=_at("2025-03-01T00:00:00-08:00"),
        occurred_before=_at("2025-04-01T00:00:00-07:00"),
    ),
    IncidentFilter(text="FIGHT"),
    IncidentFilter(text="gym"),
    IncidentFilter(text="école"),
    IncidentFilter(text="ÉCOLE"),
    IncidentFilter(text="2025-0000"),
    IncidentFilter(text="ht"),
    IncidentFilter(text="nowhere"),
    IncidentFilter(ids=frozenset({uuid.UUID(int=1), uuid.UUID(int=2), uuid.UUID(int=3)})),
    IncidentFilter(ids=frozenset(), text="fight"),
    IncidentFilter(ids=frozenset(uuid.UUID(int=n) for n in range(1, 150))),
    IncidentFilter(school_ids=frozenset({SCHOOL_B, *(uuid.UUID(int=n) for n in range(200))})),
]


@pytest.mark.parametrize("where", FILTERS, ids=repr)
@pytest.mark.parametrize("size", [1, 2, 50])
def test_find_incidents_agrees_with_memory(tmp_path: Path, where: IncidentFilter, size: int):
    """Every page of a search, cursors included, matches the memory reference."""
    memory, sqlite = _both(tmp_path)
    with sqlite:
        _fill(memory)
        _fill(sqlite)
        assert _pages(sqlite, where, size) == _pages(memory, where, size)
        with memory.unit_of_work() as m, sqlite.unit_of_work() as s:
            page = Page(3)
            first = m.queries.find_incidents(where, page)
            assert s.queries.find_incidents(where, page) == first
            if first.next:
                after = Page(3, first.next)
                assert s.queries.find_incidents(where, after) == m.queries.find_incidents(
                    where, after
                )


PERIODS = [
    Period(_at("2024-01-01T00:00:00+00:00"), _at("2026-01-01T00:00:00+00:00")),
    Period(_at("2025-03-01T00:00:00-08:00"), _at("2025-04-01T00:00:00-07:00")),
    Period(_at("2025-03-01T08:00:00+00:00"), _at("2025-04-01T07:00:00+00:00")),
    Period(_at("2025-04-01T00:00:00+00:00"), _at("2025-03-01T00:00:00+00:00")),
    Period(
        dt.datetime.min.replace(tzinfo=dt.timezone(dt.timedelta(hours=5))),
        dt.datetime.max.replace(tzinfo=dt.timezone(dt.timedelta(hours=-5))),
    ),
]


@pytest.mark.parametrize("period", PERIODS, ids=repr)
def test_counts_agree_with_memory(tmp_path: Path, period: Period):
    """Monthly counts and the triad split match the memory reference, DST months included."""
    memory, sqlite = _both(tmp_path)
    with sqlite:
        _fill(memory)
        _fill(sqlite)
        with memory.unit_of_work() as m, sqlite.unit_of_work() as s:
            assert s.queries.monthly_counts(period) == m.queries.monthly_counts(period)
            assert s.queries.triad_split(period) == m.queries.triad_split(period)


def test_local_months_follow_los_angeles_time(store: SQLiteStorage):
    """Months are program-local: 23:59 PST on Feb 28 counts in February, not UTC's March."""
    _fill(store)
    whole = Period(_at("2024-01-01T00:00:00+00:00"), _at("2026-01-01T00:00:00+00:00"))
    with store.unit_of_work() as unit:
        counts = {
            (c.school_id, c.month, c.category): c.count for c in unit.queries.monthly_counts(whole)
        }
    assert counts[SCHOOL_A, "2025-02", "Fight"] == 1
    assert counts[SCHOOL_A, "2025-03", "fight"] == 1
    assert counts[None, "2025-03", "theft"] == 1
    assert counts[None, "2025-04", "theft"] == 1
    assert counts[SCHOOL_A, "2025-11", "drugs"] == 2
    assert not any(category == "draft" for _, _, category in counts)


@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_crdc_counts_agree_with_memory(tmp_path: Path, year: int):
    """CRDC counts per student match the reference, with the newest incident's demographics."""
    memory, sqlite = _both(tmp_path)
    with sqlite:
        _fill(memory)
        _fill(sqlite)
        with memory.unit_of_work() as m, sqlite.unit_of_work() as s:
            assert s.queries.crdc_counts(SchoolYear(year)) == m.queries.crdc_counts(
                SchoolYear(year)
            )


def test_crdc_demographics_come_from_the_newest_incident(store: SQLiteStorage):
    """Ana's referral count uses her demographics from February, not from October."""
    _fill(store)
    with store.unit_of_work() as unit:
        found = unit.queries.crdc_counts(SchoolYear(2024))
    ana = uuid.uuid5(SCHOOL_A, "Ana")
    referral = next(c for c in found if c.person_id == ana and c.measure.value == "referral")
    assert referral.instances == 2
    assert referral.race_ethnicity is CrdcRaceEthnicity.HISPANIC_LATINO
    assert referral.idea is True
    assert referral.english_learner is None


def test_a_bad_cursor_or_a_naive_time_is_a_bad_query(store: SQLiteStorage):
    """A cursor the store did not issue, or a time without offset, is BadQuery."""
    with store.unit_of_work() as unit:
        with pytest.raises(BadQuery):
            unit.queries.find_incidents(IncidentFilter(), Page(after="not a cursor"))
        naive = dt.datetime(2025, 1, 1)  # noqa: DTZ001 - the naive time under test
        with pytest.raises(BadQuery):
            unit.queries.monthly_counts(Period(naive, naive))


def _in_unit(storage: Storage, work: Callable[[Any], object]) -> object:
    """Do some work in a unit of work of its own."""
    with storage.unit_of_work() as unit:
        return work(unit)


def _officer(badge: str, name: str = "Officer") -> Officer:
    return Officer(badge=badge, name=name)


def test_records_outlive_the_store_that_wrote_them(tmp_path: Path):
    """A file-backed store closed and opened again has every record, number and entry."""
    path = tmp_path / "kept.db"
    officer = _officer("101")
    with _open(path) as first, first.unit_of_work() as unit:
        stored = unit.officers.add(officer)
        unit.incidents.add_many(_sample_incidents())
        assert unit.next_incident_number(2025) == "2025-000001"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.db"]
    with _open(path) as again, again.unit_of_work() as unit:
        assert unit.officers.get(officer.id) == stored
        assert len(list(unit.incidents.all())) == len(_sample_incidents())
        assert unit.next_incident_number(2025) == "2025-000002"


def test_a_new_file_gets_the_schema_and_migrate_is_idempotent(tmp_path: Path):
    """Opening makes the folder and the schema; migrate() again changes nothing."""
    path = tmp_path / "new" / "folder" / "sro.db"
    with _open(path) as opened:
        assert opened.schema_version() == LATEST
        assert opened.migrate() == LATEST
        assert opened.migrate() == LATEST
        assert opened.schema_version() == LATEST
    with sqlite3.connect(path) as raw:
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        versions = raw.execute("SELECT version FROM schema_version").fetchall()
        mode = raw.execute("PRAGMA journal_mode").fetchone()[0]
        indexes = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    raw.close()
    assert {"incidents", "involvements", "outbox", "deliveries", "audit"} <= tables
    assert {"incidents_by_school_category", "incidents_by_school"} <= indexes
    assert versions == [(n,) for n in range(1, LATEST + 1)]
    assert mode == "wal"


def test_an_older_schema_is_migrated_forward_on_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A file of schema 1 opened by code that knows migration 2 gets it, records kept."""
    path = tmp_path / "old.db"
    with _open(path) as old, old.unit_of_work() as unit:
        stored = unit.officers.add(_officer("7"))
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, "CREATE TABLE extra (x);"))
    monkeypatch.setattr(schema, "LATEST", LATEST + 1)
    with _open(path) as new:
        assert new.schema_version() == LATEST + 1
        with new.unit_of_work() as unit:
            assert unit.officers.get(stored.id) == stored
            assert unit.execute("SELECT count(*) FROM extra").fetchone() == (0,)


def test_a_newer_schema_is_refused(tmp_path: Path):
    """A file written by a newer sro_core is SchemaTooNew, and says to upgrade."""
    path = tmp_path / "newer.db"
    _open(path).close()
    with sqlite3.connect(path) as raw:
        raw.execute("INSERT INTO schema_version VALUES (?, '2030-01-01')", (LATEST + 5,))
    raw.close()
    newer = rf"schema {LATEST + 5}; this one knows up to {LATEST}\): upgrade"
    with pytest.raises(SchemaTooNew, match=newer):
        _open(path)


def _real_database(path: Path) -> bytes:
    with _open(path) as made, made.unit_of_work() as unit:
        unit.incidents.add_many(_sample_incidents())
        unit.officers.add_many([_officer(str(n), "x" * 200) for n in range(500)])
    return path.read_bytes()


def _damaged(kind: str, real: bytes) -> bytes:
    if kind == "random bytes":
        return os.urandom(len(real))
    if kind == "truncated":
        return real[: len(real) // 2]
    if kind == "first page overwritten":
        return real[:100] + os.urandom(4000) + real[4100:]
    return b"badge,name\n101,Ann\n"


@pytest.mark.parametrize(
    "kind", ["random bytes", "truncated", "first page overwritten", "not a database"]
)
def test_a_damaged_or_foreign_file_is_refused_and_left_as_it_was(tmp_path: Path, kind: str):
    """A corrupted, truncated or non-SQLite file is StorageError naming it; nothing is written."""
    path = tmp_path / "damaged.db"
    content = _damaged(kind, _real_database(tmp_path / "real.db"))
    path.write_bytes(content)
    with pytest.raises(StorageError, match="is not an sro_core database or is damaged") as caught:
        _open(path)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["damaged.db", "real.db"]


@pytest.mark.parametrize("table", ["people", "schema_version"])
def test_a_sqlite_database_of_another_program_is_refused(tmp_path: Path, table: str):
    """A SQLite file with tables but no sro_core schema is refused and left unchanged."""
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as raw:
        raw.execute(f"CREATE TABLE {table} (version INTEGER)")
        raw.execute(f"INSERT INTO {table} VALUES (1)")  # noqa: S608 - the test's own names
    raw.close()
    before = path.read_bytes()
    with pytest.raises(StorageError, match="not an sro_core one"):
        _open(path)
    assert path.read_bytes() == before


def test_a_path_that_cannot_be_a_database_is_refused(tmp_path: Path):
    """A folder, or a path under a plain file, is StorageError naming the path."""
    folder = tmp_path / "folder.db"
    folder.mkdir()
    with pytest.raises(StorageError, match="it is a folder"):
        _open(folder)
    plain = tmp_path / "plain"
    plain.write_text("not a folder")
    with pytest.raises(StorageError, match="its folder cannot be made"):
        _open(plain / "sro.db")
    assert plain.read_text() == "not a folder"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs file permissions")
def test_an_unreadable_file_is_refused(tmp_path: Path):
    """A file the program may not read is StorageError, and stays as it was."""
    path = tmp_path / "locked.db"
    _open(path).close()
    path.chmod(0)
    try:
        with pytest.raises(StorageError, match=str(path)):
            _open(path)
    finally:
        path.chmod(0o600)


def test_another_program_time_zone_is_refused(tmp_path: Path):
    """A store made for Los Angeles will not count months for Chicago."""
    path = tmp_path / "zoned.db"
    _open(path).close()
    with pytest.raises(StorageError, match=r"America/Los_Angeles.*America/Chicago"):
        _open(path, ProgramCalendar("America/Chicago"))
    _open(path).close()


def test_a_stale_update_is_a_conflict_and_its_unit_keeps_nothing(store: SQLiteStorage):
    """Updating over a version that moved on is Conflict; the unit's other writes are undone."""
    school = School("Lincoln High", "Metro", SchoolLevel.HIGH, GradeSpan(9, 12))
    with store.unit_of_work() as unit:
        stored = unit.officers.add(_officer("1", "Ann"))
    with store.unit_of_work() as unit:
        newer = unit.officers.update(attrs.evolve(stored, name="Ann Lee"))

    def stale(unit: UnitOfWork) -> None:
        unit.schools.add(school)
        unit.next_incident_number(2025)
        unit.officers.update(attrs.evolve(stored, name="Ann Smith"))

    with pytest.raises(Conflict, match="changed by someone else"):
        _in_unit(store, stale)
    with store.unit_of_work() as unit:
        assert unit.officers.get(stored.id) == newer
        assert newer.version == 2
        assert list(unit.schools.all()) == []
        assert unit.next_incident_number(2025) == "2025-000001"
        with pytest.raises(NotFound):
            unit.officers.update(_officer("2"))


def test_the_second_of_two_open_units_to_update_conflicts(store: SQLiteStorage):
    """Two units of one thread read a record; the later writer conflicts, the first wins."""
    with store.unit_of_work() as unit:
        stored = unit.officers.add(_officer("1", "Ann"))
    first, second = store.unit_of_work(), store.unit_of_work()
    first.officers.get(stored.id)
    read = second.officers.get(stored.id)
    winner = first.officers.update(attrs.evolve(stored, name="First"))
    first.commit()
    with pytest.raises(Conflict):
        second.officers.update(attrs.evolve(read, name="Second"))
    second.rollback()
    with store.unit_of_work() as unit:
        assert unit.officers.get(stored.id) == winner


def test_a_second_writer_in_one_thread_is_refused_at_once(store: SQLiteStorage):
    """While one unit writes, another unit of the same thread may read but not write."""
    with store.unit_of_work() as first:
        first.officers.add(_officer("1"))
        with store.unit_of_work() as second:
            assert list(second.officers.all()) == []
            began = time.monotonic()
            with pytest.raises(StorageError, match="one writer at a time"):
                second.officers.add(_officer("2"))
            assert time.monotonic() - began < 1


def test_badges_and_numbers_are_unique(store: SQLiteStorage):
    """A taken badge or incident number is Conflict on add and on update."""
    first = _officer("B-1")
    reported = _incident("2025-01-01T10:00:00+00:00", number=1)
    with store.unit_of_work() as unit:
        unit.officers.add(first)
        other = unit.officers.add(_officer("B-2"))
        unit.incidents.add(reported)
        draft = unit.incidents.add(
            _incident("2025-01-02T10:00:00+00:00", status=IncidentStatus.DRAFT)
        )
    cases: list[Callable[[Any], object]] = [
        lambda u: u.officers.add(_officer("B-1")),
        lambda u: u.officers.update(attrs.evolve(other, badge="B-1")),
        lambda u: u.incidents.add(_incident("2025-02-01T10:00:00+00:00", number=1)),
        lambda u: u.incidents.update(
            attrs.evolve(draft, number="2025-000001", status=IncidentStatus.REPORTED)
        ),
    ]
    for case in cases:
        with pytest.raises(Conflict, match=r"another (officer|incident) has this"):
            _in_unit(store, case)
    with store.unit_of_work() as unit:
        assert unit.officers.by_badge("B-1") == attrs.evolve(first, version=1)
        assert unit.incidents.by_number("2025-000001") == attrs.evolve(reported, version=1)
        with pytest.raises(NotFound):
            unit.officers.by_badge("B-3")


def test_adding_a_taken_id_is_a_conflict(store: SQLiteStorage):
    """A second record under a stored id is Conflict, even with a free badge."""
    officer = _officer("1")
    with store.unit_of_work() as unit:
        unit.officers.add(officer)
    with pytest.raises(Conflict, match="a record with this id exists"):
        _in_unit(store, lambda u: u.officers.add(attrs.evolve(officer, badge="2")))
    with pytest.raises(Conflict, match="a new record has version 0"):
        _in_unit(store, lambda u: u.officers.add(attrs.evolve(officer, version=3)))


def test_add_many_stops_where_add_would(tmp_path: Path):
    """A batch with a clash raises the same Conflict as memory and keeps the same records."""
    batch = [_officer("1"), _officer("2"), _officer("1"), _officer("3")]

    def attempt(storage: Storage) -> tuple[str, list[Officer]]:
        with storage.unit_of_work() as unit:
            with pytest.raises(Conflict) as caught:
                unit.officers.add_many(batch)
            return str(caught.value), list(unit.officers.all())

    memory, sqlite = _both(tmp_path)
    with sqlite:
        assert attempt(sqlite) == attempt(memory)


def test_an_exception_leaves_nothing_of_the_unit(store: SQLiteStorage):
    """A unit left by an exception keeps no record, number, outbox event or audit entry."""
    now = _at("2025-03-01T10:00:00+00:00")
    incident = _incident("2025-03-01T09:00:00+00:00", number=1)
    event = IncidentReported(
        occurred_at=now, incident_id=incident.id, number="2025-000001", school_id=None, category="x"
    )
    entry = AuditEntry.sealed(
        None,
        at=now,
        actor_id="sro-1",
        actor_role=ActorRole.SRO,
        component="incidents",
        action="report_incident",
        outcome=AuditOutcome.ALLOWED,
    )

    def abandoned(unit: UnitOfWork) -> None:
        unit.next_incident_number(2025)
        unit.incidents.add(incident)
        unit.outbox.put([event], now)
        unit.outbox.record(Delivery(event.event_id, "log", DeliveryStatus.PENDING))
        unit.audit.append(entry)
        raise RuntimeError

    with pytest.raises(RuntimeError):
        _in_unit(store, abandoned)
    with store.unit_of_work() as unit:
        assert list(unit.incidents.all()) == []
        assert unit.outbox.entries() == []
        assert unit.outbox.deliveries(event.event_id) == []
        assert unit.audit.head() is None
        assert unit.next_incident_number(2025) == "2025-000001"


def _events() -> list[Any]:
    at = _at("2025-03-01T10:00:00-08:00")
    return [
        IncidentReported(
            occurred_at=at,
            event_id=uuid.UUID(int=11),
            incident_id=uuid.UUID(int=1),
            number="2025-000001",
            school_id=SCHOOL_A,
            category="fight",
        ),
        CrisisDeclared(
            occurred_at=at,
            event_id=uuid.UUID(int=12),
            crisis_id=uuid.UUID(int=2),
            school_id=SCHOOL_A,
            kind=CrisisKind.LOCKDOWN,
        ),
        IncidentReported(
            occurred_at=at,
            event_id=uuid.UUID(int=13),
            incident_id=uuid.UUID(int=3),
            number="2025-000002",
            school_id=None,
            category="theft",
        ),
    ]


def _outbox_story(storage: Storage) -> list[Any]:
    """Put events, deliver some, give up on one; return everything the outbox answers."""
    events = _events()
    recorded = _at("2025-03-01T10:00:01-08:00")
    later = _at("2025-03-01T19:00:00+00:00")
    answers: list[Any] = []
    with storage.unit_of_work() as unit:
        unit.outbox.put(events[:2], recorded)
        unit.outbox.put(events[2:], later)
    with storage.unit_of_work() as unit:
        answers.append(unit.outbox.entries())
        answers.append(unit.outbox.entries(after=1, limit=1))
        answers.append(unit.outbox.due("log", later, 10))
        unit.outbox.record(Delivery(events[0].event_id, "log", DeliveryStatus.DELIVERED, 1))
        unit.outbox.record(
            Delivery(events[1].event_id, "log", DeliveryStatus.PENDING, 1, later, "timeout")
        )
        unit.outbox.record(Delivery(events[2].event_id, "mail", DeliveryStatus.DEAD, 5))
        unit.outbox.record(Delivery(events[0].event_id, "mail", DeliveryStatus.DEAD, 5))
    with storage.unit_of_work() as unit:
        answers.append(unit.outbox.due("log", later - dt.timedelta(seconds=1), 10))
        answers.append(unit.outbox.due("log", later, 10))
        answers.append(unit.outbox.due("mail", later, 10))
        answers.append(unit.outbox.deliveries(events[0].event_id))
        answers.append(unit.outbox.dead_letters())
    return answers


def test_the_outbox_agrees_with_memory(tmp_path: Path):
    """Outbox entries, due events (urgent first), deliveries and dead letters match memory."""
    memory, sqlite = _both(tmp_path)
    with sqlite:
        assert _outbox_story(sqlite) == _outbox_story(memory)


def test_the_audit_chain_appends_in_order(store: SQLiteStorage):
    """Audit entries come back as appended; one that does not follow the head is Conflict."""
    at = _at("2025-03-01T10:00:00-08:00")
    chain: list[AuditEntry] = []
    for n in range(3):
        chain.append(
            AuditEntry.sealed(
                chain[-1] if chain else None,
                at=at + dt.timedelta(minutes=n),
                actor_id="sro-1",
                actor_role=ActorRole.SRO,
                component="incidents",
                action="read",
                outcome=AuditOutcome.DENIED,
                target=None if n else "incident 1",
            )
        )
    with store.unit_of_work() as unit:
        for entry in chain:
            unit.audit.append(entry)
    with pytest.raises(Conflict, match="the next entry is 4"), store.unit_of_work() as unit:
        unit.audit.append(chain[1])
    with store.unit_of_work() as unit:
        assert unit.audit.entries() == chain
        assert unit.audit.entries(after=1, limit=1) == chain[1:2]
        assert unit.audit.head() == chain[-1]


def test_bulk_load_stores_every_record(store: SQLiteStorage):
    """add_many of thousands of incidents stores each, with its involvements, as add would."""
    ana = _student("Ana", sex=Sex.FEMALE)
    batch = [
        _incident(
            "2025-01-01T00:00:00+00:00",
            number=n,
            involvements=(Involvement(ana, frozenset({InvolvementRole.WITNESS})),),
            key=n,
        )
        for n in range(1, 2001)
    ]
    with store.unit_of_work() as unit:
        stored = unit.incidents.add_many(batch)
    assert stored == [attrs.evolve(i, version=1) for i in batch]
    with store.unit_of_work() as unit:
        assert list(unit.incidents.all()) == sorted(stored, key=lambda i: i.id)
        count = unit.execute("SELECT count(*) FROM involvements WHERE witness").fetchone()
    assert count == (2000,)


def test_an_update_replaces_the_involvements(store: SQLiteStorage):
    """After an update the CRDC rows follow the incident as it now is."""
    ben = _student("Ben", sex=Sex.MALE)
    incident = _incident(
        "2025-02-02T10:00:00+00:00",
        number=1,
        involvements=(Involvement(ben, frozenset({InvolvementRole.SUSPECT})),),
        referred_to_law_enforcement=True,
    )
    with store.unit_of_work() as unit:
        stored = unit.incidents.add(incident)
    with store.unit_of_work() as unit:
        unit.incidents.update(attrs.evolve(stored, involvements=(_arrested(ben, "2025-02-02"),)))
        counts = unit.queries.crdc_counts(SchoolYear(2024))
        rows = unit.execute("SELECT suspect, arrestee FROM involvements").fetchall()
    assert rows == [(0, 1)]
    assert [(c.measure.value, c.instances) for c in counts] == [("referral", 1)]


@pytest.mark.parametrize("url", ["sqlite://", "sqlite://:memory:", "sqlite:///:memory:"])
def test_in_memory_urls(url: str):
    """Each in-memory URL opens a private, working store that claims no persistence."""
    with SQLiteStorage(StorageSettings(url)) as opened:
        assert Capability.PERSISTENT not in opened.capabilities
        assert Capability.SEVERAL_WRITER_PROCESSES not in opened.capabilities
        assert {Capability.BULK_LOAD, Capability.MIGRATIONS} <= opened.capabilities
        assert Capability.FULL_TEXT_SEARCH not in opened.capabilities
        with opened.unit_of_work() as unit:
            unit.officers.add(_officer("1"))
        with opened.unit_of_work() as unit:
            assert len(list(unit.officers.all())) == 1
        assert opened.schema_version() == LATEST
    with SQLiteStorage(StorageSettings(url)) as other, other.unit_of_work() as unit:
        assert list(unit.officers.all()) == []


def test_an_in_memory_store_gives_its_connection_to_one_unit_at_a_time():
    """A second unit of the thread holding the one connection is refused at once."""
    with SQLiteStorage(StorageSettings("sqlite://")) as opened:
        with opened.unit_of_work() as first:
            first.officers.add(_officer("1"))
            with pytest.raises(StorageError, match="finish that unit first"):
                _in_unit(opened, lambda u: u.officers.all())
        with opened.unit_of_work() as unit:
            assert len(list(unit.officers.all())) == 1


@pytest.mark.parametrize(
    ("url", "path", "timeout"),
    [
        ("sqlite:///relative/sro.db", "relative/sro.db", DEFAULT_TIMEOUT),
        ("sqlite:////var/lib/sro/sro.db", "/var/lib/sro/sro.db", DEFAULT_TIMEOUT),
        ("sqlite:///with%20space.db?timeout=2.5", "with space.db", 2.5),
        ("sqlite+pysqlite:///x.db?timeout=0", "x.db", 0.0),
        ("sqlite://", ":memory:", DEFAULT_TIMEOUT),
    ],
)
def test_storage_urls_name_their_file(url: str, path: str, timeout: float):
    """SQLAlchemy-style URLs: three slashes then the path; four for an absolute one."""
    assert Address.from_url(url) == Address(path, timeout)


@pytest.mark.parametrize(
    "url",
    ["sqlite://host/sro.db", "sqlite:///sro.db?timeout=soon", "sqlite:///sro.db?mode=ro"],
)
def test_a_bad_storage_url_is_refused(url: str):
    """A host, an unknown option or a bad timeout is StorageError naming the URL."""
    with pytest.raises(StorageError, match="store 'sqlite"):
        Address.from_url(url)


def test_the_plugin_registers_the_sqlite_scheme():
    """The sro_register_storage hook makes sqlite: URLs open a SQLiteStorage."""
    registry = StorageRegistry()
    sro_register_storage(registry)
    with registry.open("sqlite://:memory:", LA) as opened:
        assert isinstance(opened, SQLiteStorage)
        assert opened.settings.calendar == LA


def test_a_closed_store_or_an_ended_unit_refuses_work(tmp_path: Path):
    """Work on a closed store or through a finished unit is StorageError, not a crash."""
    opened = _open(tmp_path / "closing.db")
    with opened.unit_of_work() as unit:
        unit.officers.add(_officer("1"))
    with pytest.raises(StorageError, match="has ended"):
        unit.officers.all()
    opened.close()
    with pytest.raises(StorageError, match="is closed"):
        opened.unit_of_work()


def test_threads_writing_at_once_share_out_every_number(store: SQLiteStorage):
    """Threads each with their own units allocate 1…n once each and lose no incident."""
    errors: list[BaseException] = []

    def write() -> None:
        try:
            for _ in range(20):
                with store.unit_of_work() as unit:
                    number = unit.next_incident_number(2025)
                    reported = _incident("2025-05-01T10:00:00+00:00", number=1)
                    unit.incidents.add(attrs.evolve(reported, number=number, id=uuid.uuid4()))
        except BaseException as error:  # noqa: BLE001 - the thread reports it to the test
            errors.append(error)

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with store.unit_of_work() as unit:
        numbers = sorted(i.number or "" for i in unit.incidents.all())
    assert numbers == [incident_number(2025, n) for n in range(1, 81)]


def test_a_store_from_before_the_queue_finds_its_waiting_reports_once_migrated(tmp_path: Path):
    """The queue's migration finds the reports waiting in the stored documents: the same queue.

    The store's incidents are taken back to before the migration (no column, no index), and
    its script is run on them as the runner runs it (the runner has tests of its own).
    """
    records = reviewed(term(LA))
    reference = MemoryStorage(StorageSettings("memory:", LA))
    path = tmp_path / "before.db"
    with _open(path) as old, old.unit_of_work() as unit:
        unit.incidents.add_many(records.incidents)
    with sqlite3.connect(path) as raw:
        raw.execute("DROP INDEX incidents_waiting")
        raw.execute("ALTER TABLE incidents DROP COLUMN review_since")
        for statement in schema.statements(schema.MIGRATIONS[schema.REVIEW_QUEUE - 1]):
            raw.execute(statement)
    raw.close()
    with _open(path) as migrated:
        with migrated.unit_of_work() as unit:
            assert unit.queries.review_queue() == _queue(reference, records)
            plan = unit.execute(f"EXPLAIN QUERY PLAN {_WAITING}").fetchall()
        # 1 waits again since the instant 8 has waited since: the column's times and the
        # migrated ones must order alike (the lower number first)
        for store in (migrated, reference):
            with store.unit_of_work() as unit:
                unit.incidents.update(_resubmitted(unit.incidents.get(records.incidents[0].id)))
        with migrated.unit_of_work() as unit:
            found = unit.queries.review_queue()
    assert found == _queue(reference)
    assert [i.number for i in found] == [incident_number(2025, n) for n in (2, 3, 1, 8)]
    assert "incidents_waiting" in " ".join(str(row) for row in plan)


def _queue(store: Storage, records: Term | None = None) -> list[Incident]:
    """Return a store's review queue, after adding the records given."""
    with store.unit_of_work() as unit:
        if records is not None:
            unit.incidents.add_many(records.incidents)
        return unit.queries.review_queue()


def _resubmitted(incident: Incident) -> Incident:
    """Return a waiting report returned and submitted again at once, at 20:00 UTC that day."""
    at = REVIEW_START + dt.timedelta(hours=4)
    returned = incident.under_review(ReviewState.RETURNED, reviewer(ReviewState.RETURNED), at, "?")
    return returned.under_review(ReviewState.SUBMITTED, reviewer(ReviewState.SUBMITTED), at)


_WAITING = (
    "SELECT document FROM incidents WHERE review_since IS NOT NULL "
    "ORDER BY review_since, number, id"
)
"""The review queue's statement (``sro_core.sql.queries``), to ask SQLite for its plan."""
