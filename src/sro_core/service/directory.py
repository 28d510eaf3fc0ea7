"""Officers, schools, assignments, partners and agreements: the program's standing records."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sro_core.domain import (
    Agreement,
    AgreementSigned,
    Assignment,
    AssignmentEnded,
    AssignmentRole,
    Certification,
    DomainEvent,
    Officer,
    OfficerAssigned,
    OfficerRegistered,
    OfficerStatus,
    Partner,
    PartnerRegistered,
    School,
    SchoolRegistered,
    check_assignable,
    check_assignments,
    check_partner_names_unique,
    check_school_ids_unique,
    coverage,
)
from sro_core.ports import UnitOfWork
from sro_core.service.core import Kernel
from sro_core.service.desk import Call, command, query
from sro_core.service.policy import Action

Events = Sequence[DomainEvent]


class Directory:
    """The desk of the program's officers, schools, assignments and partnerships."""

    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel

    @command(Action.MANAGE_OFFICERS)
    def register_officer(self, call: Call, officer: Officer) -> Officer:
        """Register an officer; the badge must be free."""

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[Officer, Events]:
            stored = unit.officers.add(officer)
            return stored, [
                OfficerRegistered(occurred_at=now, officer_id=stored.id, badge=stored.badge)
            ]

        return call.run(str(officer.id), work)

    @command(Action.MANAGE_OFFICERS)
    def change_officer_status(
        self, call: Call, officer_id: uuid.UUID, status: OfficerStatus
    ) -> Officer:
        """Put an officer on leave, back to active, suspended or separated."""

        def work(unit: UnitOfWork, _now: dt.datetime) -> tuple[Officer, Events]:
            return unit.officers.update(unit.officers.get(officer_id).with_status(status)), []

        return call.run(str(officer_id), work)

    @command(Action.MANAGE_OFFICERS)
    def certify_officer(
        self, call: Call, officer_id: uuid.UUID, certification: Certification
    ) -> Officer:
        """Record a certification an officer earned."""

        def work(unit: UnitOfWork, _now: dt.datetime) -> tuple[Officer, Events]:
            return unit.officers.update(unit.officers.get(officer_id).certify(certification)), []

        return call.run(str(officer_id), work)

    @command(Action.MANAGE_SCHOOLS)
    def register_school(self, call: Call, school: School) -> School:
        """Register a school; its external ids must not belong to another school."""

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[School, Events]:
            check_school_ids_unique([*unit.schools.all(), school])
            stored = unit.schools.add(school)
            return stored, [SchoolRegistered(occurred_at=now, school_id=stored.id)]

        return call.run(str(school.id), work)

    @command(Action.MANAGE_ASSIGNMENTS)
    def assign(
        self,
        call: Call,
        officer_id: uuid.UUID,
        school_id: uuid.UUID,
        role: AssignmentRole,
        *,
        start: dt.date,
        end: dt.date | None = None,
    ) -> Assignment:
        """Assign an active officer to a school in a role, keeping the overlap rules."""
        assignment = Assignment(officer_id, school_id, role, start, end)

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[Assignment, Events]:
            check_assignable(unit.officers.get(officer_id))
            unit.schools.get(school_id)
            check_assignments(
                [
                    *unit.assignments.for_officer(officer_id),
                    *unit.assignments.for_school(school_id),
                    assignment,
                ]
            )
            stored = unit.assignments.add(assignment)
            event = OfficerAssigned(
                occurred_at=now,
                assignment_id=stored.id,
                officer_id=officer_id,
                school_id=school_id,
                role=role,
                start=start,
            )
            return stored, [event]

        return call.run(str(assignment.id), work)

    @command(Action.MANAGE_ASSIGNMENTS)
    def end_assignment(self, call: Call, assignment_id: uuid.UUID, end: dt.date) -> Assignment:
        """End an assignment on a day (inclusive)."""

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[Assignment, Events]:
            stored = unit.assignments.update(unit.assignments.get(assignment_id).ended(end))
            return stored, [AssignmentEnded(occurred_at=now, assignment_id=assignment_id, end=end)]

        return call.run(str(assignment_id), work)

    @command(Action.MANAGE_PARTNERSHIPS)
    def register_partner(self, call: Call, partner: Partner) -> Partner:
        """Register a partner; its name must be unique among partners of its kind."""

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[Partner, Events]:
            check_partner_names_unique([*unit.partners.all(), partner])
            stored = unit.partners.add(partner)
            return stored, [PartnerRegistered(occurred_at=now, partner_id=stored.id)]

        return call.run(str(partner.id), work)

    @command(Action.MANAGE_PARTNERSHIPS)
    def sign_agreement(self, call: Call, agreement: Agreement) -> Agreement:
        """Record a signed agreement (MOU) with registered partners."""

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[Agreement, Events]:
            for partner_id in agreement.partner_ids:
                unit.partners.get(partner_id)
            stored = unit.agreements.add(agreement)
            return stored, [
                AgreementSigned(
                    occurred_at=now, agreement_id=stored.id, review_due=stored.review_due
                )
            ]

        return call.run(str(agreement.id), work)

    @command(Action.MANAGE_PARTNERSHIPS)
    def renew_agreement(
        self,
        call: Call,
        agreement_id: uuid.UUID,
        *,
        signed_on: dt.date,
        effective_to: dt.date | None,
        review_due: dt.date,
    ) -> Agreement:
        """Renew an agreement: re-signed, with a new end and a new review date."""

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[Agreement, Events]:
            renewed = unit.agreements.get(agreement_id).renewed(signed_on, effective_to, review_due)
            stored = unit.agreements.update(renewed)
            return stored, [
                AgreementSigned(occurred_at=now, agreement_id=stored.id, review_due=review_due)
            ]

        return call.run(str(agreement_id), work)

    @query(Action.READ_DIRECTORY)
    def officer(self, call: Call, officer_id: uuid.UUID) -> Officer:
        """Return an officer."""
        return call.read(str(officer_id), lambda u: u.officers.get(officer_id))

    @query(Action.READ_DIRECTORY)
    def officers(self, call: Call) -> list[Officer]:
        """Return every officer, by id."""
        return call.read(None, lambda u: list(u.officers.all()))

    @query(Action.READ_DIRECTORY)
    def school(self, call: Call, school_id: uuid.UUID) -> School:
        """Return a school."""
        return call.read(str(school_id), lambda u: u.schools.get(school_id))

    @query(Action.READ_DIRECTORY)
    def schools(self, call: Call) -> list[School]:
        """Return every school, by id."""
        return call.read(None, lambda u: list(u.schools.all()))

    @query(Action.READ_DIRECTORY)
    def partners(self, call: Call) -> list[Partner]:
        """Return every partner, by id."""
        return call.read(None, lambda u: list(u.partners.all()))

    @query(Action.READ_DIRECTORY)
    def agreements(self, call: Call) -> list[Agreement]:
        """Return every agreement, by id."""
        return call.read(None, lambda u: list(u.agreements.all()))

    @query(Action.READ_DIRECTORY)
    def assignments(self, call: Call, school_id: uuid.UUID) -> list[Assignment]:
        """Return every assignment at a school."""
        return call.read(str(school_id), lambda u: u.assignments.for_school(school_id))

    @query(Action.READ_DIRECTORY)
    def coverage(
        self, call: Call, school_id: uuid.UUID, day: dt.date
    ) -> dict[AssignmentRole, Officer]:
        """Return who is the SRO at a school on a day: the officer in each role that is filled."""

        def work(unit: UnitOfWork) -> dict[AssignmentRole, Officer]:
            covering = coverage(unit.assignments.for_school(school_id), school_id, day)
            return {role: unit.officers.get(officer_id) for role, officer_id in covering.items()}

        return call.read(str(school_id), work)

    @query(Action.READ_DIRECTORY)
    def agreements_due(self, call: Call, by: dt.date) -> list[Agreement]:
        """Return the agreements whose review is due on or before a day, soonest first."""

        def work(unit: UnitOfWork) -> list[Agreement]:
            due = [a for a in unit.agreements.all() if a.review_due <= by]
            return sorted(due, key=lambda a: (a.review_due, a.id))

        return call.read(None, work)
