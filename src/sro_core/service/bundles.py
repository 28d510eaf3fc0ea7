"""Bundles: the directory and the records of a program, whole, to restore in another store.

A bundle holds the officers, schools, partners, agreements and assignments, then the
incidents (with their numbers and history), contacts and activities, each as stored. Taking
one reads everything, so it is only for an actor from whom nothing is hidden; restoring one
stores, in one unit of work, every record whose id is not stored yet and skips the others,
so restoring the same bundle twice stores nothing twice.
"""

from __future__ import annotations

import collections
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from sro_core.domain import (
    Actor,
    Agreement,
    Assignment,
    CommunityContact,
    DomainEvent,
    EducationActivity,
    Incident,
    Officer,
    Partner,
    School,
)
from sro_core.policy import Seen
from sro_core.ports import UnitOfWork
from sro_core.service.core import Kernel
from sro_core.service.desk import Call, command, query
from sro_core.service.directory import Directory
from sro_core.service.policy import AccessDenied, Action
from sro_core.service.reading import Records

BUNDLE_KINDS = (
    "officer",
    "school",
    "partner",
    "agreement",
    "assignment",
    "incident",
    "contact",
    "activity",
)
"""The kinds of record a bundle holds, in the order they are restored."""

_RESTORE_ACTIONS = (
    Action.MANAGE_OFFICERS,
    Action.MANAGE_SCHOOLS,
    Action.MANAGE_PARTNERSHIPS,
    Action.MANAGE_ASSIGNMENTS,
    Action.RECORD_INCIDENTS,
    Action.RECORD_CONTACTS,
    Action.RECORD_ACTIVITIES,
)


@attrs.frozen
class Bundle:
    """A program's directory and records, whole: what ``Program.bundle`` reads."""

    officers: tuple[Officer, ...] = ()
    schools: tuple[School, ...] = ()
    partners: tuple[Partner, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    assignments: tuple[Assignment, ...] = ()
    incidents: tuple[Incident, ...] = ()
    contacts: tuple[CommunityContact, ...] = ()
    activities: tuple[EducationActivity, ...] = ()

    def records(self) -> Iterable[tuple[str, Any]]:
        """Yield ``(kind, record)`` for every record, in the order a restore stores them."""
        for kind, records in zip(BUNDLE_KINDS, attrs.astuple(self, recurse=False), strict=True):
            for record in records:
                yield kind, record

    @classmethod
    def of(cls, records: Iterable[tuple[str, Any]]) -> Bundle:
        """Return the bundle of ``(kind, record)`` pairs (the kinds of :data:`BUNDLE_KINDS`)."""
        grouped: dict[str, list[Any]] = collections.defaultdict(list)
        for kind, record in records:
            if kind not in BUNDLE_KINDS:
                raise ValueError(f"kind: {kind!r} is not one of {', '.join(BUNDLE_KINDS)}")
            grouped[kind].append(record)
        return cls(*(tuple(grouped[kind]) for kind in BUNDLE_KINDS))


BUNDLE_TYPES: Mapping[str, type[Any]] = dict(
    zip(
        BUNDLE_KINDS,
        (
            Officer,
            School,
            Partner,
            Agreement,
            Assignment,
            Incident,
            CommunityContact,
            EducationActivity,
        ),
        strict=True,
    )
)
"""The record type of each kind of a bundle."""


@attrs.frozen
class RestoreResult:
    """How many records of each kind a restore stored, and how many it found already stored."""

    stored: Mapping[str, int]
    skipped: Mapping[str, int]


def _whole(seen: Iterable[Seen[Any]], kind: str, actor: Actor) -> tuple[Any, ...]:
    records = []
    for item in seen:
        if item.hidden:
            raise AccessDenied(
                actor, "bundle", f"a bundle holds whole records, and {kind}s are partly hidden"
            )
        records.append(item.value)
    return tuple(records)


class Bundles:
    """The desk of bundles: the whole program taken whole, and restored into a store."""

    def __init__(self, kernel: Kernel, directory: Directory, records: Records) -> None:
        self.kernel = kernel
        self.directory = directory
        self.records = records

    @query(Action.EXPORT)
    def bundle(self, call: Call) -> Bundle:
        """Return the directory and every incident, contact and activity, whole."""
        call.allow()
        actor, directory, records = call.actor, self.directory, self.records
        schools = tuple(directory.schools(actor))
        return Bundle(
            officers=tuple(directory.officers(actor)),
            schools=schools,
            partners=tuple(directory.partners(actor)),
            agreements=tuple(directory.agreements(actor)),
            assignments=tuple(a for s in schools for a in directory.assignments(actor, s.id)),
            incidents=_whole(records.incidents_of(actor, None), "incident", actor),
            contacts=_whole(records.contacts(actor), "contact", actor),
            activities=_whole(records.activities(actor), "activity", actor),
        )

    @command()
    def restore_bundle(self, call: Call, bundle: Bundle) -> RestoreResult:
        """Store every record of a bundle not stored yet, all in one unit of work, or none."""
        for action in _RESTORE_ACTIONS[:-1]:
            call.allow(action=action)

        def work(unit: UnitOfWork, _now: dt.datetime) -> tuple[RestoreResult, list[DomainEvent]]:
            stored: dict[str, int] = dict.fromkeys(BUNDLE_KINDS, 0)
            skipped: dict[str, int] = dict.fromkeys(BUNDLE_KINDS, 0)
            highest: dict[int, int] = {}
            for kind, record in bundle.records():
                repository = getattr(unit, _REPOSITORIES[kind])
                if repository.find(record.id) is not None:
                    skipped[kind] += 1
                    continue
                # the store numbers versions from its own first write: a version is a lock
                # token for updates, not a fact of the record
                repository.add(attrs.evolve(record, version=0))
                stored[kind] += 1
                if isinstance(record, Incident) and record.number is not None:
                    year, serial = (int(part) for part in record.number.split("-"))
                    highest[year] = max(highest.get(year, 0), serial)
            for year, last in highest.items():
                _number_past(unit, year, last)
            return RestoreResult(stored, skipped), []

        total = sum(1 for _ in bundle.records())
        return call.run(f"{total} records", work, action=_RESTORE_ACTIONS[-1])


_REPOSITORIES = dict(
    zip(
        BUNDLE_KINDS,
        (
            "officers",
            "schools",
            "partners",
            "agreements",
            "assignments",
            "incidents",
            "contacts",
            "activities",
        ),
        strict=True,
    )
)


def _number_past(unit: UnitOfWork, year: int, last: int) -> None:
    """Move the year's incident numbering on until it has handed out ``last`` (gap-free)."""
    while int(unit.next_incident_number(year).split("-")[1]) < last:
        pass
