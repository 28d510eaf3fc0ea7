"""The master person index: record, find and merge people; a person's history, as seen.

People enter the index when they are recorded (:meth:`People.record_person`) and when an
incident naming them is stored (the incidents and imports desks call ``PersonIndex.lift``).
Records keep the person id they were recorded with; a merge marks the duplicate
``merged_into`` the kept record and the index resolves ids through the marks, so a merge and
its undo rewrite no incident, contact or referral.
A merge and its undo each write both records, so that two merges racing over the same pair (or
the same pair crossed) conflict instead of both committing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping

import attrs

from sro_core.domain import (
    Actor,
    Candidate,
    CommunityContact,
    CrisisEvent,
    DomainEvent,
    Incident,
    MergeUndone,
    PeopleMerged,
    PersonCorrected,
    PersonRecord,
    PersonRecorded,
    Referral,
    RuleViolation,
    candidates,
    probe,
)
from sro_core.policy import Seen
from sro_core.ports import NotFound, PersonRecords, UnitOfWork
from sro_core.service.core import Kernel
from sro_core.service.desk import Call, command, query
from sro_core.service.policy import Action

HistoryRecord = Incident | CommunityContact | Referral | CrisisEvent
"""A record of a person's history."""

IDENTITY = frozenset({"name", "aliases", "date_of_birth", "student_number"})
"""The fields matching compares: a candidate whose reader may not see them is not shown."""


@attrs.frozen
class HistoryEntry:
    """One record of a person's history: when it happened, what kind it is, and the record."""

    at: dt.datetime
    kind: str
    """``incident``, ``contact``, ``referral`` or ``crisis``."""
    record: HistoryRecord


@attrs.frozen
class PersonHistory:
    """A person's records in time order, as one reader may see them.

    ``person`` is the index record as the reader sees it (None where they may not read it, as
    a school administrator may not read a person of another school); ``people`` the ids the
    history gathers: the person's own and every id merged into it.
    """

    person: Seen[PersonRecord] | None
    people: frozenset[uuid.UUID]
    entries: tuple[HistoryEntry, ...]


@attrs.frozen
class Recorded:
    """A person just added to the index, and the records that may be the same person."""

    person: PersonRecord
    candidates: tuple[Candidate, ...]


def _history_time(record: HistoryRecord) -> dt.datetime:
    if isinstance(record, Incident):
        return record.occurred_start
    if isinstance(record, CommunityContact):
        return record.at
    if isinstance(record, Referral):
        return record.sent_at
    return record.declared_at


class People:
    """The desk of the master person index: record, find, show and merge people; histories."""

    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel

    def _candidates(
        self, unit: UnitOfWork, actor: Actor, person: PersonRecord, now: dt.datetime
    ) -> tuple[Candidate, ...]:
        """Return the candidates for a person that the reader may see whole, strongest first."""
        context = self.kernel.context(unit, actor, now)
        shown = []
        for candidate in candidates(person, unit.people.similar(person)):
            view = self.kernel.view(unit, actor, candidate.record, context, now)
            if view is not None and not view.hidden & IDENTITY:
                shown.append(Candidate(view.value, candidate.reasons))
        return tuple(shown)

    @command(Action.RECORD_PEOPLE)
    def record_person(self, call: Call, person: PersonRecord) -> Recorded:
        """Add a person to the index; return them with the records that may be them.

        Nothing is merged: a person looks at the candidates and calls :meth:`merge_people`.
        """
        if person.version != 0 or person.merged_into is not None:
            raise RuleViolation("person", str(person.id), "a new person is recorded unmerged")

        actor = call.actor

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[Recorded, list[DomainEvent]]:
            if person.school_id is not None and not unit.schools.exists(person.school_id):
                raise NotFound(unit.schools.kind, person.school_id)
            stored = unit.people.add(person)
            found = self._candidates(unit, actor, stored, now)
            shown = self.kernel.shown(unit, actor, "person", stored, now)
            event = PersonRecorded(occurred_at=now, person_id=stored.id)
            return Recorded(shown, found), [event]

        return call.run(str(person.id), work)

    @query(Action.READ_PEOPLE)
    def find_people(
        self,
        call: Call,
        name: str | None = None,
        *,
        date_of_birth: dt.date | None = None,
        student_number: str | None = None,
    ) -> list[Candidate]:
        """Return the people that may be the one described, strongest first.

        The matching rule is :mod:`sro_core.domain.matching`'s; a name or a student number is
        needed. A person whose name, date of birth or student number the reader may not see
        is left out, since the match was made on what they may not see.
        """
        if name is None and student_number is None:
            raise RuleViolation("name", None, "give a name or a student number to look for")
        wanted = probe(name, date_of_birth=date_of_birth, student_number=student_number)

        def work(unit: UnitOfWork) -> list[Candidate]:
            return list(self._candidates(unit, call.actor, wanted, self.kernel.clock()))

        return call.read(None, work)

    @query(Action.READ_RECORDS)
    def show_person(self, call: Call, person_id: uuid.UUID) -> Seen[PersonRecord]:
        """Return a person of the index as the reader may see it (its ``merged_into`` too)."""

        def work(unit: UnitOfWork) -> Seen[PersonRecord]:
            record = unit.people.get(person_id)
            return self.kernel.decided(unit, call.actor, "person", person_id, record)

        return call.read(str(person_id), work)

    @command(Action.RECORD_PEOPLE)
    def correct_person(
        self, call: Call, person_id: uuid.UUID, details: Mapping[str, object], reason: str
    ) -> PersonRecord:
        """Correct a person's details in the index; every read through the index shows them.

        ``details`` maps fields of :class:`~sro_core.domain.PersonDetails` to their corrected
        values. A merged record is refused (correct the kept one). Audited with the reason and
        the fields named, never their values; an incident's copy of the person is not changed.
        """
        if not reason.strip():
            raise RuleViolation("reason", reason, "say why, for the audit trail")
        fields = ", ".join(sorted(details))
        actor = call.actor

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[PersonRecord, list[DomainEvent]]:
            record = unit.people.get(person_id)
            school_id = details.get("school_id", record.school_id)
            if isinstance(school_id, uuid.UUID) and not unit.schools.exists(school_id):
                raise NotFound(unit.schools.kind, school_id)
            stored = unit.people.update(record.corrected(details))
            event = PersonCorrected(
                occurred_at=now, person_id=stored.id, fields=tuple(sorted(details))
            )
            return self.kernel.shown(unit, actor, "person", stored, now), [event]

        return call.run(str(person_id), work, detail=f"{fields}: {reason}")

    def _remark(
        self,
        call: Call,
        duplicate: uuid.UUID,
        reason: str,
        *,
        mark: type[PeopleMerged] | type[MergeUndone],
        keep: uuid.UUID | None = None,
    ) -> PersonRecord:
        """Merge a duplicate into a kept record (``keep``), or undo its merge (no ``keep``)."""
        if not reason.strip():
            raise RuleViolation("reason", reason, "say why, for the audit trail")
        actor = call.actor

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[PersonRecord, list[DomainEvent]]:
            record = unit.people.get(duplicate)
            if keep is None:
                if record.merged_into is None:
                    raise RuleViolation("duplicate", str(duplicate), "is not merged into anyone")
                kept = unit.people.get(record.merged_into)
                changed = record.unmerged()
            else:
                kept = unit.people.get(keep)
                changed = record.merged(kept)
            unit.people.update(kept)  # claims the kept record: a crossed merge conflicts
            stored = unit.people.update(changed)
            event = mark(occurred_at=now, keep_id=kept.id, duplicate_id=stored.id)
            return self.kernel.shown(unit, actor, "person", stored, now), [event]

        return call.run(str(duplicate), work, detail=f"{keep or 'undo'}: {reason}")

    @command(Action.MERGE_PEOPLE)
    def merge_people(
        self, call: Call, keep: uuid.UUID, duplicate: uuid.UUID, reason: str
    ) -> PersonRecord:
        """Merge a duplicate record into the kept one; return the duplicate, now merged.

        Every record naming the duplicate's id (or an id merged into it) belongs to the kept
        person from now on. Audited with the reason; undone by :meth:`undo_merge`.
        """
        return self._remark(call, duplicate, reason, mark=PeopleMerged, keep=keep)

    @command(Action.MERGE_PEOPLE)
    def undo_merge(self, call: Call, duplicate: uuid.UUID, reason: str) -> PersonRecord:
        """Undo a merge: the duplicate is a person of its own again, with its own records."""
        return self._remark(call, duplicate, reason, mark=MergeUndone)

    @query(Action.READ_RECORDS)
    def person_history(self, call: Call, person_id: uuid.UUID) -> PersonHistory:
        """Return a person's incidents, contacts, referrals and crises, oldest first.

        The history gathers the records of the person's id and of every id merged into it; an
        id no index record holds (a contact's person never recorded) has the records naming it.
        Each record is decided by the access policy for the reader, one by one: a reader sees
        exactly the records they may read, as they may read them (a school administrator,
        those at their schools). A merged id's history is that of the record it resolves to.
        """
        actor = call.actor

        def work(unit: UnitOfWork) -> PersonHistory:
            now = self.kernel.clock()
            key = unit.people.resolve(person_id)
            family = unit.people.family(key)
            found = unit.queries.person_records(family)
            indexed = unit.people.find(key)
            if indexed is None and found == PersonRecords():
                raise NotFound(unit.people.kind, person_id)
            context = self.kernel.context(unit, actor, now)
            person = (
                None if indexed is None else self.kernel.view(unit, actor, indexed, context, now)
            )
            every: list[tuple[str, HistoryRecord]] = [
                *(("incident", r) for r in found.incidents),
                *(("contact", r) for r in found.contacts),
                *(("referral", r) for r in found.referrals),
                *(("crisis", r) for r in found.crises),
            ]
            every.sort(key=lambda e: (_history_time(e[1]), e[0], e[1].id))
            entries = []
            for kind, record in every:
                view = self.kernel.view(unit, actor, record, context, now)
                if view is not None:
                    entries.append(HistoryEntry(_history_time(record), kind, view.value))
            return PersonHistory(person, family, tuple(entries))

        return call.read(str(person_id), work)
