"""Officers, schools, assignments, partners and agreements: the program's standing records."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sro_core.domain import (
    Actor,
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
from sro_core.service.core import ProgramCore
from sro_core.service.policy import Action

Events = Sequence[DomainEvent]


class Directory(ProgramCore):
    """Commands and queries on the program's officers, schools, assignments and partnerships."""

    def register_officer(self, actor: Actor, officer: Officer) -> Officer:
        """Register an officer; the badge must be free."""

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[Officer, Events]:
            stored = unit.officers.add(officer)
            return stored, [
                OfficerRegistered(occurred_at=now, officer_id=stored.id, badge=stored.badge)
            ]

        return self._command(
            actor, Action.MANAGE_OFFICERS, "register_officer", str(officer.id), work
        )

    def change_officer_status(
        self, actor: Actor, officer_id: uuid.UUID, status: OfficerStatus
    ) -> Officer:
        """Put an officer on leave, back to active, suspended or separated."""

        def work(unit: UnitOfWork, _now: dt.datetime) -> tuple[Officer, Events]:
            return unit.officers.update(unit.officers.get(officer_id).with_status(status)), []

        return self._command(
            actor, Action.MANAGE_OFFICERS, "change_officer_status", str(officer_id), work
        )

    def certify_officer(
        self, actor: Actor, officer_id: uuid.UUID, certification: Certification
    ) -> Officer:
        """Record a certification an officer earned."""

        def work(unit: UnitOfWork, _now: dt.datetime) -> tuple[Officer, Events]:
            return unit.officers.update(unit.officers.get(officer_id).certify(certification)), []

        return self._command(
            actor, Action.MANAGE_OFFICERS, "certify_officer", str(officer_id), work
        )

    def register_school(self, actor: Actor, school: School) -> School:
        """Register a school; its external ids must not belong to another school."""

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[School, Events]:
            check_school_ids_unique([*unit.schools.all(), school])
            stored = unit.schools.add(school)
            return stored, [SchoolRegistered(occurred_at=now, school_id=stored.id)]

        return self._command(actor, Action.MANAGE_SCHOOLS, "register_school", str(school.id), work)

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

        return self._command(actor, Action.MANAGE_ASSIGNMENTS, "assign", str(assignment.id), work)

    def end_assignment(self, actor: Actor, assignment_id: uuid.UUID, end: dt.date) -> Assignment:
        """End an assignment on a day (inclusive)."""

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[Assignment, Events]:
            stored = unit.assignments.update(unit.assignments.get(assignment_id).ended(end))
            return stored, [AssignmentEnded(occurred_at=now, assignment_id=assignment_id, end=end)]

        return self._command(
            actor, Action.MANAGE_ASSIGNMENTS, "end_assignment", str(assignment_id), work
        )

    def register_partner(self, actor: Actor, partner: Partner) -> Partner:
        """Register a partner; its name must be unique among partners of its kind."""

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[Partner, Events]:
            check_partner_names_unique([*unit.partners.all(), partner])
            stored = unit.partners.add(partner)
            return stored, [PartnerRegistered(occurred_at=now, partner_id=stored.id)]

        return self._command(
            actor, Action.MANAGE_PARTNERSHIPS, "register_partner", str(partner.id), work
        )

    def sign_agreement(self, actor: Actor, agreement: Agreement) -> Agreement:
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

        return self._command(
            actor, Action.MANAGE_PARTNERSHIPS, "sign_agreement", str(agreement.id), work
        )

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

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[Agreement, Events]:
            renewed = unit.agreements.get(agreement_id).renewed(signed_on, effective_to, review_due)
            stored = unit.agreements.update(renewed)
            return stored, [
                AgreementSigned(occurred_at=now, agreement_id=stored.id, review_due=review_due)
            ]

        return self._command(
            actor, Action.MANAGE_PARTNERSHIPS, "renew_agreement", str(agreement_id), work
        )

    def officer(self, actor: Actor, officer_id: uuid.UUID) -> Officer:
        """Return an officer."""
        return self._read(
            actor,
            Action.READ_DIRECTORY,
            "officer",
            str(officer_id),
            lambda u: u.officers.get(officer_id),
        )

    def officers(self, actor: Actor) -> list[Officer]:
        """Return every officer, by id."""
        return self._read(
            actor, Action.READ_DIRECTORY, "officers", None, lambda u: list(u.officers.all())
        )

    def school(self, actor: Actor, school_id: uuid.UUID) -> School:
        """Return a school."""
        return self._read(
            actor,
            Action.READ_DIRECTORY,
            "school",
            str(school_id),
            lambda u: u.schools.get(school_id),
        )

    def schools(self, actor: Actor) -> list[School]:
        """Return every school, by id."""
        return self._read(
            actor, Action.READ_DIRECTORY, "schools", None, lambda u: list(u.schools.all())
        )

    def partners(self, actor: Actor) -> list[Partner]:
        """Return every partner, by id."""
        return self._read(
            actor, Action.READ_DIRECTORY, "partners", None, lambda u: list(u.partners.all())
        )

    def agreements(self, actor: Actor) -> list[Agreement]:
        """Return every agreement, by id."""
        return self._read(
            actor, Action.READ_DIRECTORY, "agreements", None, lambda u: list(u.agreements.all())
        )

    def assignments(self, actor: Actor, school_id: uuid.UUID) -> list[Assignment]:
        """Return every assignment at a school."""
        return self._read(
            actor,
            Action.READ_DIRECTORY,
            "assignments",
            str(school_id),
            lambda u: u.assignments.for_school(school_id),
        )

    def coverage(
        self, actor: Actor, school_id: uuid.UUID, day: dt.date
    ) -> dict[AssignmentRole, Officer]:
        """Return who is the SRO at a school on a day: the officer in each role that is filled."""

        def work(unit: UnitOfWork) -> dict[AssignmentRole, Officer]:
            covering = coverage(unit.assignments.for_school(school_id), school_id, day)
            return {role: unit.officers.get(officer_id) for role, officer_id in covering.items()}

        return self._read(actor, Action.READ_DIRECTORY, "coverage", str(school_id), work)

    def agreements_due(self, actor: Actor, by: dt.date) -> list[Agreement]:
        """Return the agreements whose review is due on or before a day, soonest first."""

        def work(unit: UnitOfWork) -> list[Agreement]:
            due = [a for a in unit.agreements.all() if a.review_due <= by]
            return sorted(due, key=lambda a: (a.review_due, a.id))

        return self._read(actor, Action.READ_DIRECTORY, "agreements_due", None, work)
