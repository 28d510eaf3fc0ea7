"""Imports: many records brought in at once, all of them in one unit of work, or none.

Every record is checked as its own command would check it, and every problem is reported by
the record's position; then either nothing is stored, or (``skip_bad``) the good records are
stored together. A fault while storing rolls the whole import back.

A file of any size is imported as a stream (:meth:`Imports.check_lines`, then
:meth:`Imports.store_lines`): records are read, checked and stored a batch at a time, so memory
does not grow with the file; the whole file is still one unit of work. The events of a streamed
import are put in the outbox with the records and are not dispatched by the command: the next
dispatch (``Program.dispatch``, a worker) delivers them, so the command returns once the
records are committed.
"""

from __future__ import annotations

import bisect
import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from sro_core.domain import (
    ActivityRecorded,
    AuditOutcome,
    CommunityContact,
    ContactLogged,
    DomainEvent,
    EducationActivity,
    Incident,
    IncidentReported,
    IncidentStatus,
    Problem,
    ReviewState,
    RuleViolation,
    check_incident,
    code_problems,
)
from sro_core.errors import ImportRejected as ImportRejected
from sro_core.ports import UnitOfWork
from sro_core.serialization import collection_paused
from sro_core.service.core import Kernel
from sro_core.service.desk import Call, command, query
from sro_core.service.policy import Action

Importable = Incident | CommunityContact | EducationActivity
"""What an import brings in: draft incidents, logged contacts or education activities."""

_ACTIONS = {
    Incident: Action.RECORD_INCIDENTS,
    CommunityContact: Action.RECORD_CONTACTS,
    EducationActivity: Action.RECORD_ACTIVITIES,
}


@attrs.frozen
class ImportResult:
    """What an import stored, what it recognised as already stored, and the problems it found.

    ``skipped`` are the ids of records already stored (a rerun of the same import); they are
    neither stored again nor problems. ``problems`` are by the record's position.
    """

    stored: tuple[uuid.UUID, ...]
    problems: Mapping[int, tuple[Problem, ...]] = attrs.field(factory=dict)
    skipped: tuple[uuid.UUID, ...] = ()


def _fresh(
    unit: UnitOfWork, records: Sequence[Importable]
) -> tuple[list[tuple[int, Importable]], tuple[uuid.UUID, ...]]:
    """Return the records not yet stored, with their places, and the ids of those already stored."""
    stored = _stored_ids(unit, records)
    fresh = [(n, r) for n, r in enumerate(records) if r.id not in stored]
    return fresh, tuple(r.id for r in records if r.id in stored)


def _stored_ids(unit: UnitOfWork, records: Sequence[Importable]) -> set[uuid.UUID]:
    """Return the ids of the records (all of one kind) that are already stored."""
    if not records:
        return set()
    first = records[0]
    repository: Any = (
        unit.incidents
        if isinstance(first, Incident)
        else unit.contacts
        if isinstance(first, CommunityContact)
        else unit.activities
    )
    return {r.id for r in records if repository.find(r.id) is not None}


BATCH = 1_000
"""Records stored with one statement by a streamed import."""


@attrs.frozen
class ImportLine:
    """A line (or CSV row) of an import file: its number, its record, or what is wrong with it."""

    line: int
    record: Importable | None
    problems: tuple[Problem, ...] = ()


class LineSet:
    """Line numbers kept as ranges, so that a million of them in a row take one entry."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.count = 0

    def add(self, line: int) -> None:
        """Add a line number; numbers are added in increasing order."""
        self.count += 1
        if self.ends and self.ends[-1] == line - 1:
            self.ends[-1] = line
        else:
            self.starts.append(line)
            self.ends.append(line)

    def __contains__(self, line: object) -> bool:
        if not isinstance(line, int):
            return False
        at = bisect.bisect_right(self.starts, line) - 1
        return at >= 0 and line <= self.ends[at]

    def __len__(self) -> int:
        return self.count

    def __str__(self) -> str:
        if not self.starts:
            return "none"
        pairs = zip(self.starts, self.ends, strict=True)
        return ", ".join(f"{a}-{b}" if b > a else str(a) for a, b in pairs)


@attrs.frozen
class ImportCheck:
    """What the check of an import file found: how many lines, which are bad or already stored."""

    lines: int
    bad: LineSet
    already: LineSet


Lines = Callable[[], Iterator[ImportLine]]
"""Reads an import file from its start, each time it is called (a streamed import reads twice)."""
Reported = Callable[[int, tuple[Problem, ...]], None]


class Imports:
    """The desk of imports: records read from files, checked whole, stored all or none.

    The action each import is checked under follows the kind of record it stores.
    """

    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel

    @command()
    def import_records(
        self,
        call: Call,
        records: Sequence[Importable],
        *,
        skip_bad: bool = False,
        check_only: bool = False,
    ) -> ImportResult:
        """Check every record, then store them all in one unit of work, or none of them."""
        kinds = {type(r) for r in records}
        kind = next(iter(kinds), EducationActivity)
        if check_only:
            call = call.renamed("check_import")
        refused = None
        if len(kinds) > 1:
            refused = RuleViolation(
                "records", sorted(k.__name__ for k in kinds), "one kind at a time"
            )
        elif kind not in _ACTIONS:
            refused = RuleViolation(
                "records", kind.__name__, "not a kind of record an import takes"
            )
        if refused is not None:
            self.kernel.audit_alone(
                call.actor, call.name, f"{len(records)} records", AuditOutcome.ERROR, str(refused)
            )
            raise refused
        target = f"{len(records)} {kind.__name__}"
        if check_only:
            # a dry run stores nothing: it is a read, not audited as the import it checks
            return call.read(
                target,
                lambda unit: self._checked_import(unit, records, self.kernel.clock()),
                action=_ACTIONS[kind],
            )

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[ImportResult, list[DomainEvent]]:
            fresh, skipped = _fresh(unit, records)
            problems = self._import_problems(unit, fresh, now)
            if problems and not skip_bad:
                raise ImportRejected(problems)
            good = [r for n, r in fresh if n not in problems]
            events = self._store_imported(unit, good, now)
            return ImportResult(tuple(r.id for r in good), problems, skipped), events

        return call.run(target, work, action=_ACTIONS[kind])

    @query(audited_as="check_import")
    def check_lines(
        self,
        call: Call,
        kind: type[Importable],
        lines: Lines,
        report: Reported,
        progress: Callable[[int], None] | None = None,
    ) -> ImportCheck:
        """Check every line of an import file, as its record's own command would check it."""
        action = _ACTIONS.get(kind)
        if action is None:
            raise RuleViolation("records", kind.__name__, "not a kind of record an import takes")

        now = self.kernel.clock()

        def work(unit: UnitOfWork) -> ImportCheck:
            officers = {o.id for o in unit.officers.all()}
            schools = {s.id for s in unit.schools.all()}
            bad, already, count = LineSet(), LineSet(), 0
            with collection_paused():
                for row in lines():
                    count += 1
                    problems = list(row.problems)
                    record = row.record
                    if record is not None and not isinstance(record, kind):
                        problems.append(Problem("$", type(record).__name__, f"not {kind.__name__}"))
                    elif record is not None:
                        problems += self._record_problems(unit, record, officers, schools, now)
                    if [(p.field, p.rule) for p in problems] == [("id", "already stored")]:
                        already.add(row.line)
                    elif problems:
                        bad.add(row.line)
                        report(row.line, tuple(problems))
                    if progress is not None:
                        progress(row.line)
            return ImportCheck(count, bad, already)

        return call.read(kind.__name__, work, action=action)

    @command(audited_as="import_records")
    def store_lines(
        self,
        call: Call,
        kind: type[Importable],
        lines: Lines,
        check: ImportCheck,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Store the good lines of a checked import file in one unit of work; return how many."""
        action = _ACTIONS.get(kind)
        if action is None:
            raise RuleViolation("records", kind.__name__, "not a kind of record an import takes")

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[int, list[DomainEvent]]:
            stored = 0
            with collection_paused():
                for batch in self._batches(unit, lines, check):
                    events = self._store_imported(unit, [record for _, record in batch], now)
                    unit.outbox.put(events, now)
                    stored += len(batch)
                    if progress is not None:
                        progress(batch[-1][0])
            return stored, []

        target = f"{check.lines - len(check.bad) - len(check.already)} {kind.__name__}"
        return call.run(target, work, action=action)

    def _batches(
        self, unit: UnitOfWork, lines: Lines, check: ImportCheck
    ) -> Iterable[list[tuple[int, Importable]]]:
        """Yield the good records of a file in batches; refuse a line whose id is taken."""
        batch: list[tuple[int, Importable]] = []
        ids: set[uuid.UUID] = set()
        for row in lines():
            if row.line in check.bad or row.line in check.already:
                continue
            record = row.record
            if record is None or row.problems:
                raise ImportRejected({row.line: row.problems})  # the file changed since
            repository = {
                Incident: unit.incidents,
                CommunityContact: unit.contacts,
                EducationActivity: unit.activities,
            }[type(record)]
            if record.id in ids or repository.find(record.id) is not None:  # type: ignore[attr-defined]
                problem = Problem("id", record.id, "another line of the file has the same id")
                raise ImportRejected({row.line: (problem,)})
            ids.add(record.id)
            batch.append((row.line, record))
            if len(batch) == BATCH:
                yield batch
                batch, ids = [], set()
        if batch:
            yield batch

    def _checked_import(
        self, unit: UnitOfWork, records: Sequence[Importable], now: dt.datetime
    ) -> ImportResult:
        """Return what an import of the records would store: nothing, with every problem."""
        fresh, skipped = _fresh(unit, records)
        return ImportResult((), self._import_problems(unit, fresh, now), skipped)

    def _import_problems(
        self, unit: UnitOfWork, records: Sequence[tuple[int, Importable]], now: dt.datetime
    ) -> dict[int, tuple[Problem, ...]]:
        officers = {o.id for o in unit.officers.all()}
        schools = {s.id for s in unit.schools.all()}
        first: dict[uuid.UUID, int] = {}
        found: dict[int, tuple[Problem, ...]] = {}
        for n, record in records:
            problems = self._record_problems(unit, record, officers, schools, now)
            if first.setdefault(record.id, n) != n:
                problems.append(Problem("id", record.id, f"the same id is at {first[record.id]}"))
            if problems:
                found[n] = tuple(problems)
        return found

    def _record_problems(
        self,
        unit: UnitOfWork,
        record: Importable,
        officers: set[uuid.UUID],
        schools: set[uuid.UUID],
        now: dt.datetime,
    ) -> list[Problem]:
        """Return what the record's own command would refuse it for, seen at ``now``.

        A record whose id is already stored has that one problem only: it is recognised (a
        rerun, or a record exported from this store) and skipped, whatever else it holds.
        """
        if _stored_ids(unit, [record]):
            return [Problem("id", record.id, "already stored")]
        problems: list[Problem] = []
        if isinstance(record, Incident):
            officer, officer_field = record.reporting_officer_id, "reporting_officer_id"
            problems += self._draft_problems(record)
        else:
            officer, officer_field = record.officer_id, "officer_id"
            if isinstance(record, CommunityContact):
                problems += _contact_problems(unit, record)
        if officer not in officers:
            problems.append(Problem(officer_field, officer, "no officer has this id"))
        if record.school_id is not None and record.school_id not in schools:
            problems.append(Problem("school_id", record.school_id, "no school has this id"))
        problems += self.kernel.outside_window(record, now)
        return problems

    def _draft_problems(self, draft: Incident) -> list[Problem]:
        problems: list[Problem] = []
        if draft.status is not IncidentStatus.DRAFT or draft.number is not None:
            problems.append(
                Problem("status", draft.status.value, "an imported incident is a draft")
            )
        if draft.review is not ReviewState.UNSUBMITTED:
            rule = "a report is reviewed once reported"
            problems.append(Problem("review", draft.review.value, rule))
        if draft.escalated_from is not None:
            problems.append(
                Problem("escalated_from", draft.escalated_from, "escalate the contact instead")
            )
        try:
            check_incident(draft, self.kernel.calendar)
        except RuleViolation as violation:
            problems.append(Problem(violation.field, violation.value, violation.rule))
        problems += code_problems(draft, self.kernel.code_tables)
        problems += self.kernel.plugins.validate_incident(draft, self.kernel)
        return problems

    def _store_imported(
        self, unit: UnitOfWork, good: Sequence[Importable], now: dt.datetime
    ) -> list[DomainEvent]:
        """Store the good records of an import (all of one kind) and return their events."""
        drafts = [r for r in good if isinstance(r, Incident)]
        reported = [
            d.reported(unit.next_incident_number(self.kernel.calendar.local(d.reported_at).year))
            for d in drafts
        ]
        contacts = [r for r in good if isinstance(r, CommunityContact)]
        activities = [r for r in good if isinstance(r, EducationActivity)]
        stored = unit.incidents.add_many(reported) if reported else []
        if stored:
            unit.people.lift((i.person, d.school_id) for d in stored for i in d.involvements)
        return [
            *(
                IncidentReported(
                    occurred_at=now,
                    incident_id=i.id,
                    number=i.number or "",
                    school_id=i.school_id,
                    category=i.category,
                )
                for i in stored
            ),
            *(
                ContactLogged(
                    occurred_at=now,
                    contact_id=c.id,
                    officer_id=c.officer_id,
                    purpose=c.purpose,
                    triad_role=c.triad_role,
                )
                for c in (unit.contacts.add_many(contacts) if contacts else ())
            ),
            *(
                ActivityRecorded(
                    occurred_at=now,
                    activity_id=a.id,
                    officer_id=a.officer_id,
                    attendance=a.attendance,
                )
                for a in (unit.activities.add_many(activities) if activities else ())
            ),
        ]


def _contact_problems(unit: UnitOfWork, contact: CommunityContact) -> list[Problem]:
    """Return what logging a contact would refuse it for, besides its officer and school."""
    problems = []
    if contact.incident_id is not None:
        problems.append(Problem("incident_id", contact.incident_id, "escalate a logged contact"))
    if contact.person_id is not None and unit.people.find(contact.person_id) is None:
        problems.append(Problem("person_id", contact.person_id, "no person has this id"))
    return problems
