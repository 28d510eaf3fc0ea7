"""The Program: the API department apps call, with an actor for every command and query.

Each method hands its call to the desk of its area (``service/<area>.py``): the desk checks the
arguments, runs the work through the :class:`~sro_core.service.core.Kernel` (policy decision,
one unit of work, audit, outbox) and returns what the actor may see.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any, Self, Unpack

from sro_core.codes import CodeTables
from sro_core.domain import (
    Actor,
    ActorEntry,
    Agreement,
    Assignment,
    AssignmentRole,
    AuditCheckpoint,
    AuditEntry,
    Candidate,
    Certification,
    ChainBreak,
    CommunityContact,
    CrisisEvent,
    CrisisKind,
    CrisisRole,
    Disposition,
    EducationActivity,
    Incident,
    IncidentStatus,
    Involvement,
    Offense,
    Officer,
    OfficerStatus,
    Partner,
    PersonDetails,
    PersonRecord,
    ProgramCalendar,
    Referral,
    ReferralReason,
    ReferralStatus,
    RuleViolation,
    School,
    SchoolYear,
)
from sro_core.files import Target
from sro_core.plugins import PluginHost
from sro_core.policy import Seen
from sro_core.ports import (
    CrdcStudentCount,
    Delivery,
    IncidentFilter,
    Page,
    PageOf,
    Period,
    ProgramReport,
    Storage,
    StoreCheck,
    SubmittedReport,
    TriadTime,
)
from sro_core.service.acting import ActingAs
from sro_core.service.bundles import Bundle, Bundles, RestoreResult
from sro_core.service.community import Community
from sro_core.service.core import Kernel, utc_now
from sro_core.service.crises import Crises
from sro_core.service.directory import Directory
from sro_core.service.dispatch import DispatchReport
from sro_core.service.exports import Exports, RecordKind
from sro_core.service.identity import Identity
from sro_core.service.imports import Importable, ImportCheck, ImportResult, Imports, Lines, Reported
from sro_core.service.incidents import Incidents
from sro_core.service.operations import Operations
from sro_core.service.people import People, PersonHistory, Recorded
from sro_core.service.reading import Disclosure, MonthlyFigure, Records
from sro_core.service.referrals import Referrals
from sro_core.service.report import Reports
from sro_core.service.restrictions import Restrictions
from sro_core.service.review import Review, Waiting
from sro_core.service.safekeeping import Restored, Safekeeping
from sro_core.service.settings import ProgramSettings
from sro_core.service.submissions import Submissions


class Program:
    """An SRO program: its records in a store, its settings, its plugins.

    Open one with :meth:`open`; every command and query takes the :class:`~sro_core.domain.Actor`
    that acts, is checked against the access policy, and is audited. Commands are all or
    nothing; their events reach the enabled notifiers after commit.

    Each method is answered by the desk of its area, named in the comment above its group;
    every desk holds the one :attr:`kernel` and none inherits from another.
    """

    def __init__(
        self,
        storage: Storage,
        settings: ProgramSettings,
        plugins: PluginHost,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self.kernel = kernel = Kernel(storage, settings, plugins, clock)
        self.storage, self.settings, self.plugins, self.clock = storage, settings, plugins, clock
        self.dispatcher, self.anchors = kernel.dispatcher, kernel.anchors
        self._directory = Directory(kernel)
        self._identity = Identity(kernel)
        self._incidents = Incidents(kernel)
        self._review = Review(kernel)
        self._people = People(kernel)
        self._restrictions = Restrictions(kernel)
        self._community = Community(kernel, self._incidents)
        self._imports = Imports(kernel)
        self._referrals = Referrals(kernel)
        self._crises = Crises(kernel)
        self._records = Records(kernel)
        self._operations = Operations(kernel)
        self._safekeeping = Safekeeping(kernel, self._operations)
        self._exports = Exports(kernel, self._records)
        self._reports = Reports(kernel, self._records)
        self._submissions = Submissions(kernel)
        self._bundles = Bundles(kernel, self._directory, self._records)

    @classmethod
    def open(
        cls,
        url: str,
        settings: ProgramSettings | None = None,
        *,
        plugins: PluginHost | None = None,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> Program:
        """Open the program kept in the store a URL names (``sqlite:///sro.db``, ``memory:`` …)."""
        settings = settings or ProgramSettings()
        plugins = plugins or PluginHost.load()
        storage = plugins.open_storage(url, settings.calendar)
        try:
            return cls(storage, settings, plugins, clock)
        except BaseException:
            storage.close()
            raise

    def acting_as(self, actor: Actor) -> ActingAs:
        """Return the program's commands and queries with ``actor`` given to each.

        ``with program.acting_as(sergeant) as sgt: sgt.report_incident(draft)``.
        """
        if not isinstance(actor, Actor):
            raise RuleViolation("actor", actor, "must be Actor")
        return ActingAs(self, actor)

    @property
    def calendar(self) -> ProgramCalendar:
        """The program's calendar: local days, months and school years."""
        return self.kernel.calendar

    @property
    def code_tables(self) -> CodeTables:
        """The code tables in force, with every plugin's additions and overlays."""
        return self.kernel.code_tables

    def today(self) -> dt.date:
        """Return today's program-local date."""
        return self.kernel.today()

    def close(self) -> None:
        """Close the notifiers and the store."""
        self.kernel.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # The directory: officers, schools, assignments, partners, agreements (directory.py).

    def register_officer(self, actor: Actor, officer: Officer) -> Officer:
        """Register an officer; the badge must be free."""
        return self._directory.register_officer(actor, officer)

    def change_officer_status(
        self, actor: Actor, officer_id: uuid.UUID, status: OfficerStatus
    ) -> Officer:
        """Put an officer on leave, back to active, suspended or separated."""
        return self._directory.change_officer_status(actor, officer_id, status)

    def certify_officer(
        self, actor: Actor, officer_id: uuid.UUID, certification: Certification
    ) -> Officer:
        """Record a certification an officer earned."""
        return self._directory.certify_officer(actor, officer_id, certification)

    def register_school(self, actor: Actor, school: School) -> School:
        """Register a school; its external ids must not belong to another school."""
        return self._directory.register_school(actor, school)

    def assign(
        self,
        actor: Actor,
        officer_id: uuid.UUID,
        school_id: uuid.UUID,
        role: AssignmentRole,
        *,
        start: dt.date,
        end: dt.date | None = None,
    ) -> Assignment:
        """Assign an active officer to a school in a role, keeping the overlap rules."""
        return self._directory.assign(actor, officer_id, school_id, role, start=start, end=end)

    def end_assignment(self, actor: Actor, assignment_id: uuid.UUID, end: dt.date) -> Assignment:
        """End an assignment on a day (inclusive)."""
        return self._directory.end_assignment(actor, assignment_id, end)

    def register_partner(self, actor: Actor, partner: Partner) -> Partner:
        """Register a partner; its name must be unique among partners of its kind."""
        return self._directory.register_partner(actor, partner)

    def sign_agreement(self, actor: Actor, agreement: Agreement) -> Agreement:
        """Record a signed agreement (MOU) with registered partners."""
        return self._directory.sign_agreement(actor, agreement)

    def renew_agreement(
        self,
        actor: Actor,
        agreement_id: uuid.UUID,
        *,
        signed_on: dt.date,
        effective_to: dt.date | None,
        review_due: dt.date,
    ) -> Agreement:
        """Renew an agreement: re-signed, with a new end and a new review date."""
        return self._directory.renew_agreement(
            actor,
            agreement_id,
            signed_on=signed_on,
            effective_to=effective_to,
            review_due=review_due,
        )

    def officer(self, actor: Actor, officer_id: uuid.UUID) -> Officer:
        """Return an officer."""
        return self._directory.officer(actor, officer_id)

    def officers(self, actor: Actor) -> list[Officer]:
        """Return every officer, by id."""
        return self._directory.officers(actor)

    def school(self, actor: Actor, school_id: uuid.UUID) -> School:
        """Return a school."""
        return self._directory.school(actor, school_id)

    def schools(self, actor: Actor) -> list[School]:
        """Return every school, by id."""
        return self._directory.schools(actor)

    def partners(self, actor: Actor) -> list[Partner]:
        """Return every partner, by id."""
        return self._directory.partners(actor)

    def agreements(self, actor: Actor) -> list[Agreement]:
        """Return every agreement, by id."""
        return self._directory.agreements(actor)

    def assignments(self, actor: Actor, school_id: uuid.UUID) -> list[Assignment]:
        """Return every assignment at a school."""
        return self._directory.assignments(actor, school_id)

    def coverage(
        self, actor: Actor, school_id: uuid.UUID, day: dt.date
    ) -> dict[AssignmentRole, Officer]:
        """Return who is the SRO at a school on a day: the officer in each role that is filled."""
        return self._directory.coverage(actor, school_id, day)

    def agreements_due(self, actor: Actor, by: dt.date) -> list[Agreement]:
        """Return the agreements whose review is due on or before a day, soonest first."""
        return self._directory.agreements_due(actor, by)

    # Who acts: the directory of actors and identification (identity.py).

    def register_actor(self, actor: Actor, entry: ActorEntry) -> ActorEntry:
        """Register an actor in the directory; its actor id and its logins must be free."""
        return self._identity.register_actor(actor, entry)

    def change_actor(self, actor: Actor, entry: ActorEntry) -> ActorEntry:
        """Store a changed directory entry (its role, scope, permissions, logins or dates)."""
        return self._identity.change_actor(actor, entry)

    def actors(self, actor: Actor) -> list[ActorEntry]:
        """Return the directory of actors, by id."""
        return self._identity.actors(actor)

    def register_first_supervisor(self, login: str) -> ActorEntry | None:
        """Register ``login`` as the first supervisor of a store whose directory is empty.

        Return the entry, or None when the directory already holds an actor (then nothing
        changes). The supervisor gets no permission: the juvenile-records permission is
        granted through :meth:`change_actor`, and audited.
        """
        return self._identity.register_first_supervisor(login)

    def identify(self, login: str, acting_as: str | None = None) -> Actor:
        """Return the actor an operating-system user acts as, from the directory.

        ``login`` must be among the logins of one active entry. ``acting_as`` names another
        registered, active actor: allowed for a supervisor, as an actor of a lower role
        (:func:`~sro_core.policy.may_act_as`); the actor returned then carries ``by``.

        :raises NotIdentified: naming what is missing; the refusal is audited.
        """
        return self._identity.identify(login, acting_as)

    def authenticate(self, credentials: Mapping[str, object]) -> Actor:
        """Return the registered, active actor the ``sro_authenticate`` hook identifies.

        :raises NotIdentified: when no plugin recognises the credentials, or the actor it
            names is not registered and active; the refusal is audited.
        """
        return self._identity.authenticate(credentials)

    # Incidents: reporting and the lifecycle (incidents.py).

    def report_incident(self, actor: Actor, draft: Incident) -> Incident:
        """Report a draft incident: it gets its number and the REPORTED status."""
        return self._incidents.report_incident(actor, draft)

    def add_involvement(
        self, actor: Actor, incident_id: uuid.UUID, involvement: Involvement
    ) -> Incident:
        """Add a person's involvement to an incident (or replace theirs)."""
        return self._incidents.add_involvement(actor, incident_id, involvement)

    def add_offense(self, actor: Actor, incident_id: uuid.UUID, offense: Offense) -> Incident:
        """Add an offense to an incident."""
        return self._incidents.add_offense(actor, incident_id, offense)

    def amend_incident(self, actor: Actor, incident_id: uuid.UUID, **changes: Any) -> Incident:
        """Change fields of an incident (see :data:`AMENDABLE`); every rule is checked again."""
        return self._incidents.amend_incident(actor, incident_id, **changes)

    def move_incident(
        self, actor: Actor, incident_id: uuid.UUID, status: IncidentStatus
    ) -> Incident:
        """Move an incident in its lifecycle, as the transition table allows."""
        return self._incidents.move_incident(actor, incident_id, status)

    def close_incident(
        self, actor: Actor, incident_id: uuid.UUID, disposition: Disposition
    ) -> Incident:
        """Close an incident with its disposition."""
        return self._incidents.close_incident(actor, incident_id, disposition)

    def reopen_incident(self, actor: Actor, incident_id: uuid.UUID) -> Incident:
        """Reopen a closed incident."""
        return self._incidents.reopen_incident(actor, incident_id)

    # The supervisor's review of reports (review.py).

    def submit_report(self, actor: Actor, incident_id: uuid.UUID, note: str = "") -> Incident:
        """Submit a reported incident for review (again, once a returned one is corrected)."""
        return self._review.submit_report(actor, incident_id, note)

    def approve_report(self, actor: Actor, incident_id: uuid.UUID, note: str = "") -> Incident:
        """Approve a submitted report: it may now go to NIBRS."""
        return self._review.approve_report(actor, incident_id, note)

    def return_report(self, actor: Actor, incident_id: uuid.UUID, note: str) -> Incident:
        """Return a submitted report to its officer, saying in ``note`` what to correct."""
        return self._review.return_report(actor, incident_id, note)

    def review_queue(self, actor: Actor) -> list[Waiting]:
        """Return the reports waiting for review, oldest first, each with how long it has waited.

        Each is read as the reviewer may see it; an empty list where the program does not review.
        """
        return self._review.review_queue(actor)

    # The master person index: record, find, show, merge, undo, history (people.py).

    def record_person(self, actor: Actor, person: PersonRecord) -> Recorded:
        """Add a person to the index; return them with the records that may be them.

        Nothing is merged: a person looks at the candidates and calls :meth:`merge_people`.
        """
        return self._people.record_person(actor, person)

    def find_people(
        self,
        actor: Actor,
        name: str | None = None,
        *,
        date_of_birth: dt.date | None = None,
        student_number: str | None = None,
    ) -> list[Candidate]:
        """Return the people that may be the one described, strongest first, and why.

        A person whose identity the reader may not see is left out (the match was made on it).
        """
        return self._people.find_people(
            actor, name, date_of_birth=date_of_birth, student_number=student_number
        )

    def show_person(self, actor: Actor, person_id: uuid.UUID) -> Seen[PersonRecord]:
        """Return a person of the index as the reader may see it (its ``merged_into`` too)."""
        return self._people.show_person(actor, person_id)

    def correct_person(
        self, actor: Actor, person_id: uuid.UUID, *, reason: str, **details: Unpack[PersonDetails]
    ) -> PersonRecord:
        """Correct a person's details once for every read through the index; audited.

        The keywords are the fields of :class:`~sro_core.domain.PersonDetails`; an incident's
        copy of the person stays as that report recorded it. A merged record is refused.
        """
        return self._people.correct_person(actor, person_id, dict(details), reason)

    def merge_people(
        self, actor: Actor, keep: uuid.UUID, duplicate: uuid.UUID, reason: str
    ) -> PersonRecord:
        """Merge a duplicate record into the kept one; every record of it follows; audited."""
        return self._people.merge_people(actor, keep, duplicate, reason)

    def undo_merge(self, actor: Actor, duplicate: uuid.UUID, reason: str) -> PersonRecord:
        """Undo a merge: the duplicate is a person of its own again, with its own records."""
        return self._people.undo_merge(actor, duplicate, reason)

    def person_history(self, actor: Actor, person_id: uuid.UUID) -> PersonHistory:
        """Return a person's incidents, contacts, referrals and crises, oldest first.

        Each record is decided by the access policy for the reader, one by one.
        """
        return self._people.person_history(actor, person_id)

    # Court orders on incidents: sealing and expunging (restrictions.py).

    def seal_incident(self, actor: Actor, incident_id: uuid.UUID, order: str) -> Incident:
        """Seal an incident under an order: from now on only sealed-records readers see it."""
        return self._restrictions.seal_incident(actor, incident_id, order)

    def unseal_incident(self, actor: Actor, incident_id: uuid.UUID, order: str) -> Incident:
        """Unseal an incident under an order: it is read as before it was sealed."""
        return self._restrictions.unseal_incident(actor, incident_id, order)

    def expunge_incident(self, actor: Actor, incident_id: uuid.UUID, order: str) -> Incident:
        """Expunge an incident under an order: its personal data is destroyed, a tombstone stays.

        The tombstone keeps the incident's number, school, times, place, category, offenses and
        each person's roles and age on the day, so every count stays as it was.
        """
        return self._restrictions.expunge_incident(actor, incident_id, order)

    # The community log: contacts and education activities (community.py).

    def log_contact(self, actor: Actor, contact: CommunityContact) -> CommunityContact:
        """Log a community contact in the SRO's daily log."""
        return self._community.log_contact(actor, contact)

    def escalate_contact(self, actor: Actor, contact_id: uuid.UUID, draft: Incident) -> Incident:
        """Report a draft incident for a logged contact, linking the two both ways."""
        return self._community.escalate_contact(actor, contact_id, draft)

    def record_activity(self, actor: Actor, activity: EducationActivity) -> EducationActivity:
        """Record an education activity the SRO led."""
        return self._community.record_activity(actor, activity)

    # Imports of records from files (imports.py).

    def import_records(
        self,
        actor: Actor,
        records: Sequence[Importable],
        *,
        skip_bad: bool = False,
        check_only: bool = False,
    ) -> ImportResult:
        """Check every record, then store them all in one unit of work, or none of them.

        Incidents are drafts and are reported (numbered) as they are stored. A record whose id
        is already stored is recognised and skipped (``ImportResult.skipped``), so running the
        same import again stores nothing twice.
        With ``skip_bad`` the good records are stored and the result lists the others'
        problems; without it any problem raises :class:`ImportRejected` and nothing is stored.
        ``check_only`` stores nothing and returns every problem (a dry run).
        """
        return self._imports.import_records(
            actor, records, skip_bad=skip_bad, check_only=check_only
        )

    def check_lines(
        self,
        actor: Actor,
        kind: type[Importable],
        lines: Lines,
        report: Reported,
        progress: Callable[[int], None] | None = None,
    ) -> ImportCheck:
        """Check every line of an import file, as its record's own command would check it.

        Every problem is handed to ``report`` as it is found (line, problems); nothing is
        stored, and nothing but counts and line ranges is kept, whatever the file's size.
        """
        return self._imports.check_lines(actor, kind, lines, report, progress)

    def store_lines(
        self,
        actor: Actor,
        kind: type[Importable],
        lines: Lines,
        check: ImportCheck,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Store the good lines of a checked import file in one unit of work; return how many.

        The lines the check found bad or already stored are left out. Records are stored a
        batch at a time, and their events go to the outbox a batch at a time: they are not
        dispatched by this command. A record whose id another line of the file already
        holds refuses the whole import (:class:`ImportRejected`), as does any record that no
        longer passes its checks; then nothing is stored.
        """
        return self._imports.store_lines(actor, kind, lines, check, progress)

    # Referrals to partners (referrals.py).

    def refer_incident(
        self,
        actor: Actor,
        incident_id: uuid.UUID,
        partner_id: uuid.UUID,
        reason: ReferralReason,
        note: str = "",
        *,
        person_id: uuid.UUID | None = None,
    ) -> Referral:
        """Refer a reported incident to a partner an active agreement covers.

        The incident moves to REFERRED where its lifecycle allows. A referral is refused with
        ``SharingRefused``, naming the record classes missing, unless an agreement in force on
        the incident's day and today shares with the partner every class the referral needs
        (:func:`~sro_core.policy.check_referral`); the refusal is audited. ``person_id`` names
        the person referred (one of the incident's people) for their history.
        """
        return self._referrals.refer_incident(
            actor, incident_id, partner_id, reason, note, person_id=person_id
        )

    def answer_referral(
        self,
        actor: Actor,
        referral_id: uuid.UUID,
        status: ReferralStatus,
        outcome: str | None = None,
    ) -> Referral:
        """Record a partner's answer (accepted, declined) or close a referral with its outcome."""
        return self._referrals.answer_referral(actor, referral_id, status, outcome)

    # Crises (crises.py).

    def declare_crisis(
        self,
        actor: Actor,
        school_id: uuid.UUID,
        kind: CrisisKind,
        incident_id: uuid.UUID | None = None,
    ) -> CrisisEvent:
        """Declare a crisis at a school; one active crisis of a kind per school."""
        return self._crises.declare_crisis(actor, school_id, kind, incident_id)

    def post_crisis_message(
        self,
        actor: Actor,
        crisis_id: uuid.UUID,
        author_role: CrisisRole | None,
        audience: frozenset[CrisisRole],
        text: str,
    ) -> CrisisEvent:
        """Post a message in an active crisis, from one side to the others.

        The message's role follows from its author (:func:`~sro_core.policy.crisis_author`): a
        school administrator posts as school administration, an SRO as the SRO, the rest of
        the department as police command. ``author_role`` may be None; any other role than the
        author's is refused.
        """
        return self._crises.post_crisis_message(actor, crisis_id, author_role, audience, text)

    def give_all_clear(self, actor: Actor, crisis_id: uuid.UUID) -> CrisisEvent:
        """Give the all clear: the crisis ends."""
        return self._crises.give_all_clear(actor, crisis_id)

    def crises(self, actor: Actor, school_id: uuid.UUID | None = None) -> list[CrisisEvent]:
        """Return the crises, oldest first, at one school or at all the actor may see."""
        return self._crises.crises(actor, school_id)

    # Reading records and aggregates (reading.py).

    def incident(self, actor: Actor, incident_id: uuid.UUID) -> Seen[Incident]:
        """Return an incident as the actor may see it; one it may not read is "not found"."""
        return self._records.incident(actor, incident_id)

    def find_incidents(
        self, actor: Actor, where: IncidentFilter | None = None, page: Page | None = None
    ) -> PageOf[Seen[Incident]]:
        """Return a page of the incidents the actor may read that match a filter, newest first.

        A text filter matches only what the reader may see: an incident whose match is only in
        hidden (or masked) text is left out, so a search cannot reveal hidden text.
        """
        return self._records.find_incidents(actor, where, page)

    def incidents_of(
        self, actor: Actor, where: IncidentFilter | None = None
    ) -> Iterator[Seen[Incident]]:
        """Yield every incident the actor may read that matches a filter, a page at a time."""
        return self._records.incidents_of(actor, where)

    def referrals(self, actor: Actor, incident_id: uuid.UUID) -> list[Referral]:
        """Return the referrals of an incident that the actor may read, as it may see them.

        A partner liaison reads only their own partner's referrals.
        """
        return self._records.referrals(actor, incident_id)

    def disclosures(self, actor: Actor, record_id: uuid.UUID) -> list[Disclosure]:
        """Return every disclosure of a record outside the department (FERPA 34 CFR 99.32).

        Each names who received the record, when, and under which agreements; they are read
        back from the audit trail, where every read by a school administrator or a partner
        liaison is recorded.
        """
        return self._records.disclosures(actor, record_id)

    def contacts(self, actor: Actor) -> Iterator[Seen[CommunityContact]]:
        """Yield the community contacts the actor may read, redacted, a page at a time."""
        return self._records.contacts(actor)

    def activities(self, actor: Actor) -> Iterator[Seen[EducationActivity]]:
        """Yield the education activities the actor may read, a page at a time."""
        return self._records.activities(actor)

    def monthly_counts(self, actor: Actor, period: Period) -> list[MonthlyFigure]:
        """Count incidents by school, local month and category, suppressed as the reader needs.

        For analysts a small count is suppressed, and so are as many others of its month, its
        school's month and its category's month as it takes for none to be derived from the rest.
        """
        return self._records.monthly_counts(actor, period)

    def triad_split(self, actor: Actor, period: Period) -> list[TriadTime]:
        """Return how each officer's logged time splits across the triad in a period.

        A school administrator's split counts only the contacts and activities at their own
        schools (school-related contacts only); everyone else's is the whole department's.
        """
        return self._records.triad_split(actor, period)

    def crdc_counts(self, actor: Actor, year: SchoolYear) -> list[CrdcStudentCount]:
        """Return the per-student CRDC counts of a school year (department only; audited)."""
        return self._records.crdc_counts(actor, year)

    # The operator's tools: the audit trail and the outbox (operations.py).

    def verify_audit(self, actor: Actor) -> ChainBreak | None:
        """Check the whole audit chain against the latest checkpoint; return its first break.

        The checkpoint's seal is checked first (an unknown key or a forged seal is a break);
        then every entry, keyed ones with the audit key; then that the chain reaches the
        checkpoint's entry and holds its hash there. The verification is audited too.
        """
        return self._operations.verify_audit(actor)

    def audit_trail(self, actor: Actor, after: int = 0, limit: int = 100) -> list[AuditEntry]:
        """Return audit entries after a sequence number; the read is audited."""
        return self._operations.audit_trail(actor, after, limit)

    def audit_refusal(self, actor: Actor, action: str, target: str | None, reason: str) -> None:
        """Record an attempt that the application refused before asking the program.

        For refusals decided outside the program, such as an import file whose rows do not
        parse: CJIS asks for failed attempts to be audited whoever refused them.
        """
        return self._operations.audit_refusal(actor, action, target, reason)

    def checkpoint_audit(self, actor: Actor) -> AuditCheckpoint:
        """Take a sealed checkpoint of the audit trail's head now (its own entry included).

        It is written to the checkpoint folder, if configured, and given to every
        ``sro_audit_checkpoint`` hook. Raises AnchorError when no key can seal it.
        """
        return self._operations.checkpoint_audit(actor)

    def dispatch(self, actor: Actor, *, stop: threading.Event | None = None) -> DispatchReport:
        """Deliver every due outbox event to the notifiers now; ``stop`` ends the round early."""
        return self._operations.dispatch(actor, stop=stop)

    def dead_letters(self, actor: Actor) -> list[Delivery]:
        """Return the deliveries that were given up on."""
        return self._operations.dead_letters(actor)

    def replay(self, actor: Actor, event_id: uuid.UUID, notifier: str | None = None) -> int:
        """Put an event's dead deliveries back in line and dispatch them; return how many."""
        return self._operations.replay(actor, event_id, notifier)

    def prune_outbox(self, actor: Actor, older_than: dt.timedelta | None = None) -> int:
        """Remove events delivered everywhere before the retention (or ``older_than``)."""
        return self._operations.prune_outbox(actor, older_than)

    # The store itself: checks, backups, restores (safekeeping.py).

    def check_store(self, actor: Actor) -> list[StoreCheck]:
        """Check the store: its own integrity check, its schema, its audit trail, its outbox.

        Each check says what it found wrong; none raises for what it finds. The run is audited.
        """
        return self._safekeeping.check_store(actor)

    def backup(self, actor: Actor, path: str) -> AuditEntry | None:
        """Write a consistent copy of the store to ``path``; its trail ends with this backup.

        The backup's own audit entry is in the copy, and is checkpointed when a key can seal
        it, so the copy's trail is anchored as it was taken. Return that entry.
        """
        return self._safekeeping.backup(actor, path)

    def restore(self, actor: Actor, path: str) -> Restored:
        """Replace the store with a backup; the trail records what was replaced, and is anchored.

        Entries written after the backup was taken are gone with the replaced store: the
        restore's own entry names the head it replaced, and a new checkpoint anchors the
        restored trail (the older checkpoints stay in their folder as evidence).
        """
        return self._safekeeping.restore(actor, path)

    # Exports (exports.py).

    def export(
        self,
        actor: Actor,
        format_name: str,
        to: Target,
        *,
        kind: RecordKind = RecordKind.INCIDENTS,
        where: IncidentFilter | None = None,
        period: Period | None = None,
        school_year: SchoolYear | None = None,
        options: Mapping[str, str] | None = None,
    ) -> int:
        """Write records in a registered format ``to`` a file or stream; return how many.

        ``to`` is a path (written whole: an existing file is replaced only by a complete new
        one) or an open stream, text or binary (a stream of the other kind is adapted). A
        format that takes flat rows gets records of ``kind``; one that takes whole incidents
        gets those ``where`` selects; one that takes CRDC counts gets ``school_year``'s
        (default: the current one). Everything is redacted for the actor's audience; analysts
        may export aggregates only. ``options`` are the format's own settings (the NIBRS
        reporting period).
        """
        return self._exports.export(
            actor,
            format_name,
            to,
            kind=kind,
            where=where,
            period=period,
            school_year=school_year,
            options=options,
        )

    # The program report (report.py).

    def program_report(
        self, actor: Actor, *, period: Period, label: str, school_id: uuid.UUID | None = None
    ) -> ProgramReport:
        """Read the program report of a period for an actor, program-wide or for one school.

        A school administrator's contacts section counts the contacts it may read (at its
        schools, school-related only), each decided like any read.
        """
        return self._reports.program_report(actor, period=period, label=label, school_id=school_id)

    def report(
        self,
        actor: Actor,
        to: Target,
        *,
        period: Period,
        label: str | None = None,
        school_id: uuid.UUID | None = None,
        format_name: str = "report-html",
        options: Mapping[str, str] | None = None,
    ) -> int:
        """Write the program report of a period in a report format; every report is audited.

        ``to`` is a path (written whole) or an open stream, as :meth:`export` takes it.
        """
        return self._reports.report(
            actor,
            to,
            period=period,
            label=label,
            school_id=school_id,
            format_name=format_name,
            options=options,
        )

    # The NIBRS submission ledger (submissions.py).

    def submitted_reports(self, actor: Actor, ori: str | None = None) -> list[SubmittedReport]:
        """Return the reports submitted (for one agency's ORI, or all), in the order recorded."""
        return self._submissions.submitted_reports(actor, ori)

    def record_submission(self, actor: Actor, reports: Sequence[SubmittedReport]) -> int:
        """Record the reports of a submission once its file is written; return how many."""
        return self._submissions.record_submission(actor, reports)

    # Bundles of the whole program (bundles.py).

    def bundle(self, actor: Actor) -> Bundle:
        """Return the directory and every incident, contact and activity, whole.

        :raises AccessDenied: when any record is partly hidden from the actor (a bundle is
            for restoring the program, so it is whole or it is not taken).
        """
        return self._bundles.bundle(actor)

    def restore_bundle(self, actor: Actor, bundle: Bundle) -> RestoreResult:
        """Store every record of a bundle not stored yet, all in one unit of work, or none.

        Records whose id is already stored are skipped (counted in ``skipped``). Incidents keep
        their numbers; the store's numbering goes on after the highest number of each year.
        Each restored record starts at the store's first version (versions guard updates).
        """
        return self._bundles.restore_bundle(actor, bundle)
