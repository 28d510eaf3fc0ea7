"""What the PostgreSQL store does beyond the contract: URLs, errors, schema versions, months."""

from __future__ import annotations

import datetime as dt
import threading
import time
import tomllib
import uuid
from pathlib import Path

import attrs
import psycopg
import pytest
from pg_support import SCHEMAS, SERVER_URL, admin, close, fresh_storage, reopen, with_options
from psycopg import sql
from sro_core_postgres import schema
from sro_core_postgres.store import PostgresStorage

from sro_core.builtin import BUILTIN_PLUGINS
from sro_core.builtin.memory import MemoryStorage
from sro_core.domain import (
    Incident,
    IncidentStatus,
    Location,
    LocationKind,
    Officer,
    ProgramCalendar,
    ReviewState,
    RuleViolation,
    incident_number,
)
from sro_core.plugins import PluginHost
from sro_core.ports import Period, SchemaTooNew, Storage, StorageError, StorageSettings
from sro_core.testing.examples import REVIEW_START, reviewed, term

PLUGIN_ROOT = Path(__file__).parent.parent


def _open(url: str, calendar: ProgramCalendar | None = None) -> PostgresStorage:
    return PostgresStorage(StorageSettings(url, calendar or ProgramCalendar()))


def _incident(start: dt.datetime, sequence: int, school: uuid.UUID | None = None) -> Incident:
    return Incident(
        reporting_officer_id=uuid.UUID(int=1),
        occurred_start=start,
        reported_at=start,
        location=Location(LocationKind.COMMUNITY, "13"),
        category="theft",
        school_id=school,
        status=IncidentStatus.REPORTED,
        number=f"2024-{sequence:06d}",
    )


def test_the_plugin_registers_postgresql_and_postgres_urls():
    """The plugin host opens postgresql://, postgres:// and postgresql+psycopg:// stores."""
    host = PluginHost.load(builtins=(*BUILTIN_PLUGINS, "sro_core_postgres"), entry_points=False)
    name = SCHEMAS.new()
    url = SCHEMAS.url(name)
    for scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        store = host.open_storage(url.replace("postgresql", scheme, 1))
        try:
            assert isinstance(store, PostgresStorage)
            assert store.schema_version() == schema.LATEST
        finally:
            SCHEMAS.reopened(name)
            close(store)
    SCHEMAS.closed(name)


def test_the_entry_point_names_the_plugin_module():
    """pyproject.toml declares the ``postgres`` entry point of the ``sro_core`` group."""
    project = tomllib.loads((PLUGIN_ROOT / "pyproject.toml").read_text())
    assert project["project"]["entry-points"]["sro_core"] == {"postgres": "sro_core_postgres"}


def test_importing_the_plugin_does_not_import_the_driver():
    """The plugin host imports the plugin at start-up; psycopg waits for a PostgreSQL store."""
    import subprocess  # noqa: PLC0415 - only this test runs a child interpreter
    import sys  # noqa: PLC0415

    code = "import sys, sro_core_postgres; print('psycopg' in sys.modules)"
    found = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert found.stdout.strip() == "False"


def test_an_unreachable_server_is_a_storage_error_within_the_connect_timeout():
    """A closed port is StorageError naming the store, quickly, not a driver traceback."""
    began = time.monotonic()
    with pytest.raises(StorageError, match="cannot be reached"):
        _open("postgresql://postgres@127.0.0.1:1/test?connect_timeout=2")
    assert time.monotonic() - began < 10


def test_credentials_the_server_refuses_are_a_storage_error():
    """An unknown role (or a wrong password) is StorageError saying the credentials failed."""
    url = SERVER_URL.replace("://", "://no_such_role_sro:secret@", 1).replace("postgres@", "", 1)
    with pytest.raises(StorageError, match="refused the credentials") as raised:
        _open(url)
    assert "secret" not in str(raised.value), "the password is never shown"


def test_a_missing_database_is_a_storage_error():
    """A database that does not exist is StorageError saying so."""
    url = SERVER_URL.rsplit("/", 1)[0] + "/no_such_database_sro"
    with pytest.raises(StorageError, match="does not exist"):
        _open(url)


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("schema", "bad-name", "schema is a name"),
        ("timeout", "soon", "timeout is a number"),
        ("timeout", "0", "timeout is a number"),
        ("pool_size", "1.5", "pool_size is a whole number"),
        ("no_such_option", "1", "no_such_option"),
    ],
)
def test_a_bad_url_option_is_a_storage_error(option: str, value: str, message: str):
    """A URL option this backend or libpq does not take is StorageError naming it."""
    with pytest.raises(StorageError, match=message):
        _open(with_options(SERVER_URL, **{option: value}))


def test_a_url_of_another_scheme_is_refused():
    """The store opens PostgreSQL URLs only."""
    with pytest.raises(StorageError, match="postgresql://"):
        _open("mysql://localhost/test")


def test_a_new_schema_is_made_at_the_latest_version_and_migrating_keeps_it():
    """A new schema gets the whole schema; migrate() again changes nothing."""
    storage = fresh_storage()
    try:
        assert storage.schema_version() == schema.LATEST
        assert storage.migrate() == schema.LATEST
        assert storage.schema_version() == schema.LATEST
    finally:
        close(storage)


def test_a_newer_schema_is_refused_with_schema_too_new():
    """A schema written by a newer sro_core is refused, saying which versions."""
    storage = fresh_storage()
    close(storage)
    with admin() as connection:
        connection.execute(
            sql.SQL("INSERT INTO {}.schema_version VALUES (%s, now())").format(
                sql.Identifier(storage.address.schema)
            ),
            (schema.LATEST + 1,),
        )
    with pytest.raises(SchemaTooNew, match=f"schema {schema.LATEST + 1}"):
        reopen(storage)
    SCHEMAS.closed(storage.address.schema)


def test_a_store_from_before_the_queue_finds_its_waiting_reports_once_migrated():
    """The queue's migration finds the reports waiting in the stored documents: the same queue.

    The store's incidents are taken back to before the migration (no column, no index), and
    its script is run on them as the runner runs it. A report submitted again later at the very
    instant another migrated one waits since is ordered with it by number, as in memory.
    """
    calendar = ProgramCalendar("America/Los_Angeles")
    records = reviewed(term(calendar))
    reference = MemoryStorage(StorageSettings("memory:", calendar))
    storage = fresh_storage(calendar)
    for store in (storage, reference):
        with store.unit_of_work() as unit:
            unit.incidents.add_many(records.incidents)
    close(storage)
    with admin() as connection:
        connection.execute(
            sql.SQL("SET search_path TO {}").format(sql.Identifier(storage.address.schema))
        )
        connection.execute("DROP INDEX incidents_waiting")
        connection.execute("ALTER TABLE incidents DROP COLUMN review_since")
        connection.execute(schema.MIGRATIONS[schema.REVIEW_QUEUE - 1].encode())
    migrated = reopen(storage)
    try:
        assert _queue(migrated) == _queue(reference)
        at = REVIEW_START + dt.timedelta(hours=4)
        for store in (migrated, reference):
            with store.unit_of_work() as unit:
                waiting = unit.incidents.get(records.incidents[0].id)
                returned = waiting.under_review(ReviewState.RETURNED, "sgt.lopez", at, "?")
                unit.incidents.update(returned.under_review(ReviewState.SUBMITTED, "ofc.reyes", at))
        found = _queue(migrated)
    finally:
        close(migrated)
    assert found == _queue(reference)
    assert [i.number for i in found] == [incident_number(2025, n) for n in (2, 3, 1, 8)]


def _queue(store: Storage) -> list[Incident]:
    with store.unit_of_work() as unit:
        return unit.queries.review_queue()


def test_a_schema_holding_other_tables_is_refused():
    """A schema with tables but no sro_core schema version is someone else's: refused."""
    name = SCHEMAS.new()
    with admin() as connection:
        connection.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE TABLE {}.theirs (x int)").format(sql.Identifier(name)))
    with pytest.raises(StorageError, match="not an sro_core schema"):
        _open(SCHEMAS.url(name))
    SCHEMAS.closed(name)


def test_a_store_opened_under_another_time_zone_is_refused():
    """Local months were computed in the store's zone: another zone is refused."""
    storage = fresh_storage(ProgramCalendar("America/Los_Angeles"))
    close(storage)
    settings = StorageSettings(storage.settings.url, ProgramCalendar("America/New_York"))
    with pytest.raises(StorageError, match="America/Los_Angeles"):
        PostgresStorage(settings)
    again = reopen(storage)
    close(again)


def test_many_processes_opening_a_new_schema_at_once_make_it_once():
    """Stores opened at once on a new schema take turns to make it; all of them open."""
    name = SCHEMAS.new()
    url = SCHEMAS.url(name)
    opened: list[PostgresStorage] = []
    errors: list[BaseException] = []

    def open_one() -> None:
        try:
            opened.append(_open(url))
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    threads = [threading.Thread(target=open_one) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for store in opened:
        store.close()
    SCHEMAS.closed(name)
    assert errors == []
    assert len(opened) == 6


def test_a_unit_waiting_for_a_busy_pool_gives_up_with_a_storage_error():
    """With every pooled connection taken, a unit waits ``timeout`` seconds, then StorageError."""
    name = SCHEMAS.new()
    storage = _open(with_options(SCHEMAS.url(name), pool_size="1", timeout="0.5"))
    try:
        holder, waiting = storage.unit_of_work(), storage.unit_of_work()
        try:
            list(holder.officers.all())
            began = time.monotonic()
            with pytest.raises(StorageError, match=r"no connection within 0\.5 s"):
                list(waiting.officers.all())
            assert time.monotonic() - began < 5
        finally:
            waiting.rollback()
            holder.rollback()
    finally:
        storage.close()
        SCHEMAS.closed(name)


def test_a_unit_waiting_for_a_locked_number_gives_up_with_a_storage_error():
    """A year's number is locked by an open unit: another waits ``timeout``, then StorageError."""
    name = SCHEMAS.new()
    storage = _open(with_options(SCHEMAS.url(name), timeout="0.5"))
    try:
        first, second = storage.unit_of_work(), storage.unit_of_work()
        try:
            assert first.next_incident_number(2025) == "2025-000001"
            with pytest.raises(StorageError, match="locked"):
                second.next_incident_number(2025)
        finally:
            second.rollback()
            first.commit()
        with storage.unit_of_work() as unit:
            assert unit.next_incident_number(2025) == "2025-000002"
    finally:
        storage.close()
        SCHEMAS.closed(name)


def test_text_postgresql_cannot_hold_is_a_storage_error():
    """A NUL the domain's bounds would refuse is still a StorageError naming it, if it gets by."""
    with pytest.raises(RuleViolation, match="badge: holds a control character"):
        Officer(badge="7\x00", name="Nul")
    storage = fresh_storage()
    try:
        with (
            attrs.validators.disabled(),
            pytest.raises(StorageError, match=r"NUL|0x00"),
            storage.unit_of_work() as unit,
        ):
            unit.officers.add(Officer(badge="7\x00", name="Nul"))
        with storage.unit_of_work() as unit:
            assert list(unit.officers.all()) == []
    finally:
        close(storage)


def _months(storage: Storage, period: Period) -> list[tuple[object, ...]]:
    with storage.unit_of_work() as unit:
        return [
            (c.school_id, c.month, c.category, c.count) for c in unit.queries.monthly_counts(period)
        ]


@pytest.mark.parametrize(
    ("zone", "instants"),
    [
        (
            "America/Los_Angeles",
            [
                "2024-11-01T06:59:59.999999+00:00",  # Oct 31, 23:59 PDT
                "2024-11-01T07:00:00+00:00",  # Nov 1, 00:00 PDT
                "2024-11-03T08:30:00+00:00",  # the repeated hour, second time
                "2024-12-01T07:59:59+00:00",  # Nov 30, 23:59 PST
                "2024-12-01T08:00:00+00:00",  # Dec 1, 00:00 PST
                "2025-03-09T10:00:00+00:00",  # the first instant of PDT
                "2025-04-01T06:59:59+00:00",  # Mar 31, 23:59 PDT
            ],
        ),
        (
            "Australia/Sydney",
            [
                "2024-03-31T12:59:59+00:00",  # Mar 31, 23:59 AEDT
                "2024-03-31T13:00:00+00:00",  # Apr 1, 00:00 AEDT (DST ends Apr 7)
                "2024-09-30T13:59:59+00:00",  # Sep 30, 23:59 AEST
                "2024-09-30T14:00:00+00:00",  # Oct 1, 00:00 AEST (DST starts Oct 6)
            ],
        ),
    ],
)
def test_monthly_counts_take_the_local_month_across_daylight_saving(zone: str, instants: list[str]):
    """Incidents a second either side of local month starts, in DST or not, count as memory."""
    calendar = ProgramCalendar(zone)
    school = uuid.UUID(int=5)
    incidents = [
        _incident(dt.datetime.fromisoformat(text), n, school if n % 2 else None)
        for n, text in enumerate(instants, start=1)
    ]
    reference = MemoryStorage(StorageSettings("memory:", calendar))
    storage = fresh_storage(calendar)
    try:
        for store in (storage, reference):
            with store.unit_of_work() as unit:
                unit.incidents.add_many(incidents)
        whole = Period(
            dt.datetime(2024, 1, 1, tzinfo=dt.UTC), dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        )
        expected = _months(reference, whole)
        assert _months(storage, whole) == expected
        assert len({month for _, month, _, _ in expected}) >= 3
        with psycopg.connect(SERVER_URL) as connection:
            connection.execute(
                sql.SQL("SET search_path TO {}").format(sql.Identifier(storage.address.schema))
            )
            months = connection.execute(
                "SELECT local_month, to_char(occurred_at AT TIME ZONE %s, 'YYYY-MM') "
                "FROM incidents",
                (zone,),
            ).fetchall()
        assert all(stored == computed for stored, computed in months), months
    finally:
        close(storage)
