"""The storage contract: what a backend implements so the program can keep its records.

A :class:`Storage` opens units of work; each unit of work is one transaction exposing a
repository per aggregate, the outbox, the audit log, the incident-number allocator and the
queries. Leaving the ``with`` block normally commits; leaving it by an exception rolls back,
so a command is all or nothing. The memory backend (:mod:`sro_core.builtin.memory`) is the
reference every other backend must agree with; the conformance kit checks that it does.
"""

from __future__ import annotations

import abc
import datetime as dt
import enum
import itertools
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any, Generic, Protocol, Self, TypeVar

import attrs

from sro_core.domain import (
    ActorEntry,
    Agreement,
    Assignment,
    AuditEntry,
    CommunityContact,
    CrisisEvent,
    DomainEvent,
    EducationActivity,
    Incident,
    IncidentStatus,
    Officer,
    Partner,
    Person,
    PersonRecord,
    ProgramCalendar,
    Referral,
    ReviewState,
    School,
    SchoolLevel,
    SchoolYear,
    UnreadableEntry,
)
from sro_core.domain.person_index import merged_family, resolve
from sro_core.domain.values import utc
from sro_core.errors import Conflict as Conflict
from sro_core.errors import NotFound as NotFound
from sro_core.errors import SchemaTooNew as SchemaTooNew
from sro_core.errors import StorageError as StorageError
from sro_core.errors import UnknownStore as UnknownStore
from sro_core.ports.queries import (
    MAX_PAGE_SIZE,
    ContactCount,
    CrdcStudentCount,
    IncidentFilter,
    LocationCount,
    MonthlyCount,
    Page,
    PageOf,
    Period,
    PersonRecords,
    ReferralCount,
    TriadTime,
    waiting_order,
)


class Aggregate(Protocol):
    """What storage needs of an aggregate: its id and its version."""

    @property
    def id(self) -> uuid.UUID:
        """The aggregate's identifier."""

    @property
    def version(self) -> int:
        """The version it was read at (0: never stored)."""


A = TypeVar("A", bound=Aggregate)


class Capability(enum.Enum):
    """What a backend can do beyond the contract's core; the kit skips what is not claimed."""

    PERSISTENT = "persistent"
    """Records outlive the process that wrote them."""
    SEVERAL_WRITER_PROCESSES = "several_writer_processes"
    """Several OS processes may write at once without losing or overwriting anything."""
    FULL_TEXT_SEARCH = "full_text_search"
    """``IncidentFilter.text`` is answered by a full-text index."""
    BULK_LOAD = "bulk_load"
    """``add_many`` takes a fast path (one statement for many rows)."""
    MIGRATIONS = "migrations"
    """The schema has versions and is migrated forward."""


class Repository(abc.ABC, Generic[A]):
    """The records of one aggregate within a unit of work.

    Versions give optimistic concurrency: ``add`` takes a record of version 0 and stores it as
    version 1; ``update`` takes the version it read and stores the next one. A record whose
    stored version has moved on is refused with :class:`Conflict`. Each returns the record as
    stored, with its new version.
    """

    kind: str
    """The aggregate's name in messages (``incident``, ``officer`` …)."""

    @abc.abstractmethod
    def get(self, key: uuid.UUID) -> A:
        """Return the record with an id, or raise :class:`NotFound`."""

    @abc.abstractmethod
    def add(self, record: A) -> A:
        """Store a new record (version 0); raise :class:`Conflict` if its id is taken."""

    @abc.abstractmethod
    def update(self, record: A) -> A:
        """Store a changed record over the version it was read at, or raise :class:`Conflict`."""

    @abc.abstractmethod
    def all(self) -> Iterator[A]:
        """Yield every record, in a stable order (by id)."""

    def after(self, key: uuid.UUID | None, limit: int) -> list[A]:
        """Return up to ``limit`` records with ids above ``key`` (None: from the first), by id.

        The way to read every record without holding them all: a page, then the page after
        its last id. This default reads through :meth:`all`; a backend overrides it with a
        query that reads only the page.
        """
        found = (r for r in self.all() if key is None or r.id > key)
        return list(itertools.islice(found, limit))

    def add_many(
        self, records: Iterable[A], documents: Sequence[Mapping[str, Any]] | None = None
    ) -> list[A]:
        """Store many new records at once; backends with ``BULK_LOAD`` do it in one statement.

        ``documents``, if given, holds each record's wire document, in the same order: exactly
        what ``sro_core.serialization.unstructure`` returns for it (the version it has, 0), as
        ``structure_document`` returns it beside the record it validated. A store that keeps
        documents then writes these, with the stored version, instead of unstructuring every
        record again; others may ignore them.
        """
        del documents  # each record goes through ``add``, which writes its own document
        return [self.add(record) for record in records]

    def exists(self, key: uuid.UUID) -> bool:
        """Return whether a record with an id is stored; a store answers without reading it."""
        return self.find(key) is not None

    def find(self, key: uuid.UUID) -> A | None:
        """Return the record with an id, or None."""
        try:
            return self.get(key)
        except NotFound:
            return None


class IncidentRepository(Repository[Incident]):
    """Incidents; numbers are unique."""

    kind = "incident"

    @abc.abstractmethod
    def by_number(self, number: str) -> Incident:
        """Return the incident with a human number, or raise :class:`NotFound`."""


class AssignmentRepository(Repository[Assignment]):
    """Assignments, looked up by officer or school."""

    kind = "assignment"

    @abc.abstractmethod
    def for_officer(self, officer_id: uuid.UUID) -> list[Assignment]:
        """Return every assignment of an officer, by id."""

    @abc.abstractmethod
    def for_school(self, school_id: uuid.UUID) -> list[Assignment]:
        """Return every assignment at a school, by id."""


class OfficerRepository(Repository[Officer]):
    """Officers; badges are unique."""

    kind = "officer"

    @abc.abstractmethod
    def by_badge(self, badge: str) -> Officer:
        """Return the officer with a badge, or raise :class:`NotFound`."""


class ReferralRepository(Repository[Referral]):
    """Referrals, looked up by incident or partner."""

    kind = "referral"

    @abc.abstractmethod
    def for_incident(self, incident_id: uuid.UUID) -> list[Referral]:
        """Return every referral of an incident, by id."""

    @abc.abstractmethod
    def for_partner(self, partner_id: uuid.UUID) -> list[Referral]:
        """Return every referral to a partner, by id."""


class CrisisRepository(Repository[CrisisEvent]):
    """Crises, looked up by school."""

    kind = "crisis"

    @abc.abstractmethod
    def active(self, school_id: uuid.UUID | None = None) -> list[CrisisEvent]:
        """Return the active crises, at one school or at all, by id."""


class PersonIndex(Repository[PersonRecord]):
    """The master person index: one record per person, merges marked by ``merged_into``.

    The defaults read through :meth:`all` and :meth:`find`; a backend overrides them with
    queries that read only what they need.
    """

    kind = "person"

    def lift(self, people: Iterable[tuple[Person, uuid.UUID | None]]) -> int:
        """Add an index record for each (person, school) whose id the index lacks; count them.

        How recorded people enter the index: a person already in it is left as it is (the
        index record, not the recorded copy, is where a person's details are kept up).
        """
        first: dict[uuid.UUID, tuple[Person, uuid.UUID | None]] = {}
        for person, school_id in people:
            first.setdefault(person.id, (person, school_id))
        missing = [key for key in first if not self.exists(key)]
        for key in missing:
            self.add(PersonRecord.of(*first[key]))
        return len(missing)

    def resolve(self, key: uuid.UUID) -> uuid.UUID:
        """Return the id a person id belongs to now: its own, or its merges' kept record's."""
        return resolve(key, self.find)

    def family(self, key: uuid.UUID) -> frozenset[uuid.UUID]:
        """Return ``key`` and every id merged into it, directly or through other merges."""
        return merged_family(key, self.all())

    def similar(self, person: PersonRecord) -> list[PersonRecord]:
        """Return unmerged records that may match a person (a superset; matching decides), by id.

        Every record :func:`~sro_core.domain.alike` the person must be among them. A backend
        may narrow to the records sharing one of the person's matching keys
        (:func:`~sro_core.domain.record_keys`), as the SQL stores do; this default (the
        reference's) returns every unmerged record.
        """
        del person
        return [r for r in self.all() if r.merged_into is None]


class DeliveryStatus(enum.Enum):
    """Where the delivery of one event to one notifier stands."""

    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"


@attrs.frozen
class OutboxEntry:
    """An event in the outbox, in the order it was recorded."""

    sequence: int
    event: DomainEvent
    recorded_at: dt.datetime


@attrs.frozen
class Claim:
    """A delivery one dispatcher holds until its lease runs out: the event, the try, the token."""

    entry: OutboxEntry
    notifier: str
    attempt: int
    """Which try this is (1 for the first); the claim counted it."""
    token: str
    """Who holds the claim; :meth:`Outbox.settle` records an outcome only under it."""
    lease_until: dt.datetime


@attrs.frozen
class Delivery:
    """The state of one event's delivery to one notifier."""

    event_id: uuid.UUID
    notifier: str
    status: DeliveryStatus
    attempts: int = 0
    next_attempt_at: dt.datetime | None = None
    last_error: str | None = None


class Outbox(abc.ABC):
    """Domain events recorded with the change that caused them, and their deliveries."""

    @abc.abstractmethod
    def put(self, events: Sequence[DomainEvent], at: dt.datetime) -> None:
        """Record events, in order, in this unit of work."""

    @abc.abstractmethod
    def entries(self, after: int = 0, limit: int | None = None) -> list[OutboxEntry]:
        """Return entries with a sequence above ``after``, oldest first."""

    @abc.abstractmethod
    def due(self, notifier: str, now: dt.datetime, limit: int) -> list[OutboxEntry]:
        """Return entries a notifier has still to receive and may be tried now.

        That is every entry with no delivery for the notifier, or a pending one whose next
        attempt is due; urgent events come first, then the oldest.
        """

    @abc.abstractmethod
    def record(self, delivery: Delivery) -> None:
        """Record (replace) the state of an event's delivery to a notifier, dropping any claim.

        ``delivered`` is final: recording over a delivered delivery changes nothing. Recording
        a pending delivery opens its event again (see :meth:`claim`), as a replay does.
        """

    @abc.abstractmethod
    def claim(
        self,
        notifier: str,
        now: dt.datetime,
        lease: dt.timedelta,
        limit: int,
        *,
        token: str,
        events: Collection[uuid.UUID] | None = None,
    ) -> list[Claim]:
        """Claim up to ``limit`` deliveries to a notifier, for ``lease``; return the claims.

        A delivery can be claimed when its event is open (not yet settled) and the notifier
        has no delivery of it, or a pending one whose next attempt is due and whose lease, if
        any, has run out. Claiming adds one to its attempts and gives it ``token`` until
        ``now + lease``: no other claim takes it before then. Urgent events come first, then
        the oldest; ``events`` limits the claim to those event ids. Two units of work, in two
        processes, never claim the same delivery while its lease runs. The work is done by
        the claim query, on the open events only: its cost does not grow with the number of
        delivered events.
        """

    def put_claimed(
        self,
        events: Sequence[DomainEvent],
        at: dt.datetime,
        claimed: Collection[uuid.UUID],
        leases: Mapping[str, tuple[str, dt.timedelta]],
    ) -> list[Claim]:
        """Record events, and claim at once the deliveries of those ``claimed`` to notifiers.

        ``leases`` gives each notifier's token and lease. The claims are those :meth:`claim`
        makes at ``at`` for those events just after :meth:`put` (the first try of each, in
        the claim's order, notifier by notifier): a dispatcher that sends the events once the
        unit commits claims nothing more, and if it never sends them, its leases run out and
        another dispatcher claims them. This default puts, then claims; a store may do both in
        fewer statements.
        """
        self.put(events, at)
        if not claimed:
            return []
        return [
            claim
            for notifier, (token, lease) in leases.items()
            for claim in self.claim(notifier, at, lease, len(claimed), token=token, events=claimed)
        ]

    @abc.abstractmethod
    def settle(
        self, claim: Claim, outcome: Delivery, notifiers: Collection[str], now: dt.datetime
    ) -> bool:
        """Record a claimed delivery's outcome if the claim still holds; return whether it did.

        The claim holds while the delivery is pending with the claim's token. When another
        dispatcher took it over (the lease ran out) or it was settled meanwhile, the outcome
        is discarded and the answer is False: a late result never overwrites a newer one,
        and ``delivered`` is never overwritten. When the outcome is final (delivered or
        dead) and every one of ``notifiers`` has a final delivery of the event, the event is
        settled at ``now``: it is no longer claimed, and :meth:`prune` may remove it.
        """

    @abc.abstractmethod
    def prune(self, before: dt.datetime, limit: int) -> int:
        """Remove up to ``limit`` events settled before ``before``, with their deliveries.

        Only events whose every delivery was delivered are removed; an event with a dead
        letter stays until it is replayed or the operator deals with it. Return how many
        were removed; call again until it returns less than ``limit``.
        """

    @abc.abstractmethod
    def deliveries(self, event_id: uuid.UUID) -> list[Delivery]:
        """Return the deliveries of an event, by notifier name."""

    @abc.abstractmethod
    def dead_letters(self) -> list[Delivery]:
        """Return every delivery that was given up on, oldest event first."""


class AuditLog(abc.ABC):
    """The audit hash chain; entries are only ever appended."""

    @abc.abstractmethod
    def head(self) -> AuditEntry | None:
        """Return the last entry, or None for an empty log."""

    @abc.abstractmethod
    def append(self, entry: AuditEntry) -> None:
        """Append the entry that follows the head, or raise :class:`Conflict` if it does not.

        It follows when its sequence is the head's plus one (1 for an empty log) and its
        ``previous_hash`` is the head's hash (the genesis hash for an empty log);
        :func:`~sro_core.ports.check_follows` applies the rule and names what is wrong.
        """

    @abc.abstractmethod
    def entries(self, after: int = 0, limit: int | None = None) -> list[AuditEntry]:
        """Return entries with a sequence above ``after``, in sequence order.

        An entry whose stored values cannot be read raises
        :class:`~sro_core.domain.UnreadableAudit` naming its sequence and field.
        """

    def append_next(self, seal: Callable[[AuditEntry | None], AuditEntry]) -> AuditEntry:
        """Append the entry ``seal`` makes from the head, and return it.

        How the program appends: a store whose writers race for the head (several processes)
        holds the head from the moment it is read to the end of the unit of work, so that the
        entry sealed from it is never refused as a race. This default reads the head, then
        appends (enough where the unit already holds the write lock, as memory's does).
        """
        entry = seal(self.head())
        self.append(entry)
        return entry

    def scan(self, after: int = 0, limit: int | None = None) -> list[AuditEntry | UnreadableEntry]:
        """Return the same entries as :meth:`entries`, an unreadable one as an UnreadableEntry.

        What verification reads, so that an altered value is a break at its entry rather than
        an error. A store that keeps rows decodes them with :func:`~sro_core.domain.read_entry`;
        this default suits a store that holds entries as objects.
        """
        return list(self.entries(after, limit))


@attrs.frozen
class SubmittedReport:
    """One NIBRS report written into a submission: which, how, for when, in which file, by whom.

    ``category`` is the report's ``nibrs:NIBRSReportCategoryCode``, ``number`` its incident
    number (Group A), arrest transaction number (Group B) or period (zero report), ``action``
    its ``nibrs:ReportActionCategoryCode`` (I, A, R, D), ``sequence`` the arrestee of a Group
    B report, ``submission`` the file the report went out in and ``document`` its name
    inside it, ``fingerprint`` a digest of what the report said (empty for a delete),
    ``actor`` who exported it, ``written_at`` when (held in UTC).
    """

    ori: str
    category: str
    number: str
    action: str
    period: str
    submission: str
    document: str
    message_id: str
    written_at: dt.datetime = attrs.field(converter=utc)
    actor: str
    fingerprint: str = ""
    sequence: int | None = None
    incident_id: uuid.UUID | None = None
    arrested_on: dt.date | None = None

    @property
    def key(self) -> tuple[str, str, str, int | None]:
        """Return what identifies the report at the FBI: agency, category, number, sequence."""
        return (self.ori, self.category, self.number, self.sequence)


class SubmissionLedger(abc.ABC):
    """What was submitted to NIBRS, so that a later report adds, replaces or deletes.

    Reports are only ever recorded, never changed: replaying them in order gives what the
    FBI holds (a delete removes what it names).
    """

    @abc.abstractmethod
    def record(self, reports: Sequence[SubmittedReport]) -> None:
        """Record reports, in order, in this unit of work."""

    @abc.abstractmethod
    def reports(self, ori: str | None = None) -> list[SubmittedReport]:
        """Return the reports recorded (for one agency, or all), in the order recorded."""


class Queries(abc.ABC):
    """The questions a backend answers natively, within the unit of work's transaction."""

    @abc.abstractmethod
    def find_incidents(self, where: IncidentFilter, page: Page) -> PageOf[Incident]:
        """Return a page of matching incidents, latest start first; at one start, higher id first.

        Raises :class:`~sro_core.ports.queries.BadQuery` for a cursor it did not issue.
        """

    @abc.abstractmethod
    def find_incident_documents(
        self, where: IncidentFilter, page: Page
    ) -> PageOf[Mapping[str, Any]]:
        """Return the same page as :meth:`find_incidents`, each incident in its wire format.

        The row path of exports: a store that keeps the wire format hands it over as read,
        without building domain objects; the memory reference unstructures its records.
        """

    @abc.abstractmethod
    def monthly_counts(self, period: Period, *, include_sealed: bool = False) -> list[MonthlyCount]:
        """Count reported incidents started in a period by school, local month and category.

        Drafts are not counted, nor sealed incidents unless ``include_sealed`` (the caller
        passes :func:`~sro_core.policy.counts_sealed` of its reader). Sorted by month, school
        (None first, then by id) and category; no zero rows.
        """

    @abc.abstractmethod
    def location_counts(
        self, period: Period, *, include_sealed: bool = False
    ) -> list[LocationCount]:
        """Count reported incidents started in a period by school, local month and kind of place.

        Drafts are not counted, nor sealed incidents unless ``include_sealed``. Sorted by
        month, school (None first, then by id) and location kind value; no zero rows.
        """

    @abc.abstractmethod
    def contact_counts(self, period: Period) -> list[ContactCount]:
        """Count contacts in a period, and sum their minutes, by school, party and purpose.

        Sorted by school (None first, then by id), party value and purpose value; no zero rows.
        """

    @abc.abstractmethod
    def referral_counts(
        self, period: Period, *, include_sealed: bool = False
    ) -> list[ReferralCount]:
        """Count referrals sent in a period by partner, reason and status.

        A referral of a sealed incident is not counted unless ``include_sealed``.

        Sorted by partner id, reason value and status value; no zero rows.
        """

    @abc.abstractmethod
    def triad_split(self, period: Period) -> list[TriadTime]:
        """Sum each officer's contacts and activities in a period by triad role.

        Sorted by officer id and role value; no zero rows.
        """

    def review_queue(self) -> list[Incident]:
        """Return the reported incidents whose report waits for review, oldest submission first.

        A report waits while its review is ``submitted``; drafts never wait. Ordered by
        :func:`~sro_core.ports.queries.waiting_order`: the time of the last submission, then
        the number, then the id. A store answers from an index of the waiting reports; this
        fallback, for backends written before the query, reads every reported incident.
        """
        reported = IncidentFilter(statuses=frozenset(IncidentStatus) - {IncidentStatus.DRAFT})
        waiting: list[Incident] = []
        page = Page(size=MAX_PAGE_SIZE)
        while True:
            found = self.find_incidents(reported, page)
            waiting += [i for i in found.items if i.review is ReviewState.SUBMITTED]
            if found.next is None:
                return sorted(waiting, key=waiting_order)
            page = Page(size=MAX_PAGE_SIZE, after=found.next)

    @abc.abstractmethod
    def person_records(self, people: Collection[uuid.UUID]) -> PersonRecords:
        """Return the records that name any of ``people`` (see :class:`PersonRecords`), by id."""

    @abc.abstractmethod
    def crdc_counts(
        self, year: SchoolYear, *, include_sealed: bool = False
    ) -> list[CrdcStudentCount]:
        """Count, per school, student and measure, the school year's CRDC instances.

        Incidents count when they are not drafts, not sealed (unless ``include_sealed``),
        happened at a school, and started on a local
        day of the school year. A student (a person of kind STUDENT) counts for REFERRAL in an
        incident referred to law enforcement where they are a suspect, offender or arrestee;
        for ARREST where they are an arrestee and the arrest is school-related. Demographics
        are the student's as recorded in the newest counted incident (latest start, then
        highest incident id). Sorted by school id, measure value and person id.
        """


class UnitOfWork(abc.ABC):
    """One transaction, used in a ``with`` block: a clean exit commits, an exception rolls back."""

    officers: OfficerRepository
    schools: Repository[School]
    assignments: AssignmentRepository
    people: PersonIndex
    """The master person index (:class:`PersonIndex`)."""
    incidents: IncidentRepository
    contacts: Repository[CommunityContact]
    activities: Repository[EducationActivity]
    partners: Repository[Partner]
    actors: Repository[ActorEntry]
    """The directory of actors (a record's id is :func:`~sro_core.domain.directory_key`)."""
    agreements: Repository[Agreement]
    referrals: ReferralRepository
    crises: CrisisRepository
    outbox: Outbox
    audit: AuditLog
    submissions: SubmissionLedger
    queries: Queries

    @abc.abstractmethod
    def next_incident_number(self, year: int) -> str:
        """Allocate the next incident number of a year, ``YYYY-NNNNNN``.

        Numbers are unique and gap-free per year: the allocation belongs to this unit of work
        and is undone with it.
        """

    def officer_and_school(
        self, officer_id: uuid.UUID, school_id: uuid.UUID | None
    ) -> tuple[bool, SchoolLevel | None]:
        """Return whether an officer is stored, and a school's level (None: no such school).

        What reporting an incident reads of them. This default asks the repositories; a store
        may answer in one statement, without building the school.
        """
        level = None
        if school_id is not None:
            try:
                level = self.schools.get(school_id).level
            except NotFound:
                level = None
        return self.officers.exists(officer_id), level

    @abc.abstractmethod
    def commit(self) -> None:
        """Make the unit of work's writes durable."""

    @abc.abstractmethod
    def rollback(self) -> None:
        """Discard the unit of work's writes."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.rollback()


@attrs.frozen
class StoreCheck:
    """One check of a store's health: what was checked, what it found wrong, and a note."""

    name: str
    problems: tuple[str, ...] = ()
    note: str = ""

    @property
    def ok(self) -> bool:
        """Whether the check found nothing wrong."""
        return not self.problems


@attrs.frozen
class StorageSettings:
    """What a backend is opened with: its URL and the program's calendar (for local months)."""

    url: str
    calendar: ProgramCalendar = attrs.field(factory=ProgramCalendar)


class Storage(abc.ABC):
    """A place the program's records are kept, opened from a URL."""

    capabilities: frozenset[Capability] = frozenset()

    def __init__(self, settings: StorageSettings) -> None:
        self.settings = settings

    @abc.abstractmethod
    def unit_of_work(self) -> UnitOfWork:
        """Begin a unit of work (one transaction)."""

    def schema_version(self) -> int | None:
        """Return the schema version of the store, for backends with ``MIGRATIONS``."""
        return None

    def migrate(self) -> int | None:
        """Bring the schema forward to this code's version; return the version reached."""
        return None

    def check_integrity(self) -> StoreCheck:
        """Run the database's own integrity check (SQLite ``integrity_check``, ``amcheck``).

        A store with no check of its own says so in the note.
        """
        return StoreCheck("store integrity", note="this store has no integrity check of its own")

    def backup(self, path: str) -> None:
        """Write a consistent copy of the store to a new file at ``path``.

        A store that cannot copy itself raises StorageError saying which tool does it.
        """
        raise StorageError(f"{type(self).__name__} cannot write a backup of itself (to {path})")

    def restore(self, path: str) -> None:
        """Replace the store's content with a backup written by :meth:`backup`, all at once."""
        raise StorageError(f"{type(self).__name__} cannot restore a backup (from {path})")

    def close(self) -> None:  # noqa: B027 - closing is optional: a memory store holds nothing
        """Release connections and files."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
