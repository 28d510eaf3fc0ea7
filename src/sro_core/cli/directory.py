"""The program's standing records: officers, schools, assignments, partners and agreements."""

from __future__ import annotations

import datetime as dt
from typing import IO

import click

from sro_core.cli.app import Session, pass_session
from sro_core.cli.arguments import DAY, GRADES, Chosen, as_uuid
from sro_core.cli.output import format_option, record_wire
from sro_core.domain import (
    Address,
    Agreement,
    AssignmentRole,
    Certification,
    CertificationKind,
    GradeSpan,
    Officer,
    OfficerStatus,
    Partner,
    PartnerKind,
    School,
    SchoolIds,
    SchoolLevel,
)
from sro_core.serialization import loads

DUE_WITHIN = dt.timedelta(days=30)
"""How far ahead ``sro agreements due`` looks by default."""


@click.group()
def officers() -> None:
    """Officers who serve as SROs: register, list, change status, certify."""


@officers.command("add")
@click.argument("badge")
@click.argument("name")
@click.option("--rank", default="Officer", show_default=True, help="The officer's rank.")
@pass_session
def add_officer(session: Session, *, badge: str, name: str, rank: str) -> None:
    """Register an officer by badge and name.

    Example: sro officers add 4127 "Dana Reyes" --rank Officer
    """
    officer = session.program.register_officer(session.actor, Officer(badge, name, rank))
    session.output.line(f"registered officer {officer.badge} {officer.name} ({officer.id})")


@officers.command("list")
@format_option
@pass_session
def list_officers(session: Session) -> None:
    """List the officers, by badge.

    Example: sro officers list --format plain
    """
    found = sorted(session.program.officers(session.actor), key=lambda o: o.badge)
    today = session.today()
    session.output.listing(
        ("badge", "name", "rank", "status", "certified", "id"),
        found,
        row=lambda o: (
            o.badge,
            o.name,
            o.rank,
            o.status,
            sorted({c.kind.value for c in o.certifications if c.valid_on(today)}),
            o.id,
        ),
    )


@officers.command("status")
@click.argument("officer", metavar="BADGE-or-ID")
@click.argument("status", type=Chosen(OfficerStatus))
@pass_session
def officer_status(session: Session, *, officer: str, status: OfficerStatus) -> None:
    """Put an officer on leave, back to active, suspended or separated.

    Example: sro officers status 4127 on_leave
    """
    changed = session.program.change_officer_status(
        session.actor, session.officer(officer).id, status
    )
    session.output.line(f"officer {changed.badge} is {changed.status.value}")


@officers.command("certify")
@click.argument("officer", metavar="BADGE-or-ID")
@click.argument("kind", type=Chosen(CertificationKind))
@click.option("--issued", type=DAY, required=True, help="The day it was issued.")
@click.option("--expires", type=DAY, help="The last day it is valid (none: it does not expire).")
@pass_session
def certify_officer(
    session: Session,
    *,
    officer: str,
    kind: CertificationKind,
    issued: dt.date,
    expires: dt.date | None,
) -> None:
    """Record a certification an officer earned.

    Example: sro officers certify 4127 basic_sro --issued 2025-08-01
    """
    certified = session.program.certify_officer(
        session.actor, session.officer(officer).id, Certification(kind, issued, expires)
    )
    session.output.line(f"officer {certified.badge} holds {kind.value} from {issued}")


@click.group()
def schools() -> None:
    """Schools the program serves: register, list."""


@schools.command("add")
@click.argument("name")
@click.option("--district", required=True, help="The school district's name.")
@click.option("--level", type=Chosen(SchoolLevel), required=True, help="The school's level.")
@click.option("--grades", type=GRADES, required=True, help="Such as 9-12, K-5 or PK-2.")
@click.option("--enrollment", type=click.IntRange(min=0), help="How many students attend.")
@click.option("--state-code", help="The state school code.")
@click.option("--nces-id", help="The NCES school id.")
@click.option("--ed-fi-id", help="The Ed-Fi school id.")
@click.option("--street", help="Address: street line (with --city and --state).")
@click.option("--city", help="The city of its address.")
@click.option("--state", help="The state of its address (two letters).")
@click.option("--postal-code", help="The postal code of its address.")
@pass_session
def add_school(
    session: Session,
    *,
    name: str,
    district: str,
    level: SchoolLevel,
    grades: tuple[int, int],
    enrollment: int | None,
    state_code: str | None,
    nces_id: str | None,
    ed_fi_id: str | None,
    street: str | None,
    city: str | None,
    state: str | None,
    postal_code: str | None,
) -> None:
    """Register a school.

    Example: sro schools add "Wilson Middle School" --district "Chowchilla ESD"
    --level middle --grades 6-8
    """
    address = None
    if street or city or state or postal_code:
        if not (street and city and state):
            raise click.UsageError("an address needs --street, --city and --state")
        address = Address(street, city, state, postal_code)
    school = School(
        name,
        district,
        level,
        GradeSpan(*grades),
        SchoolIds(state_code, nces_id, ed_fi_id),
        enrollment,
        address,
    )
    stored = session.program.register_school(session.actor, school)
    session.output.line(f"registered school {stored.name} ({stored.id})")


@schools.command("list")
@format_option
@pass_session
def list_schools(session: Session) -> None:
    """List the schools, by name.

    Example: sro schools list --format csv > schools.csv
    """
    found = sorted(session.program.schools(session.actor), key=lambda s: s.name)
    session.output.listing(
        ("name", "district", "level", "grades", "enrollment", "id"),
        found,
        row=lambda s: (s.name, s.district, s.level, str(s.grades), s.enrollment, s.id),
    )


@click.group()
def assignments() -> None:
    """Officers' long-term assignments to schools, and who covers a school on a day."""


@assignments.command("add")
@click.argument("officer", metavar="BADGE-or-ID")
@click.argument("school", metavar="SCHOOL")
@click.option(
    "--role",
    type=Chosen(AssignmentRole),
    default="primary",
    show_default=True,
    help="The officer's role at the school.",
)
@click.option("--start", type=DAY, required=True, help="The assignment's first day.")
@click.option("--end", type=DAY, help="The last day (none: until it is ended).")
@pass_session
def add_assignment(
    session: Session,
    *,
    officer: str,
    school: str,
    role: AssignmentRole,
    start: dt.date,
    end: dt.date | None,
) -> None:
    """Assign an active officer to a school (by name or id) in a role.

    Example: sro assignments add 4127 "Wilson Middle School" --start 2025-08-01
    """
    assignment = session.program.assign(
        session.actor,
        session.officer(officer).id,
        session.school(school).id,
        role,
        start=start,
        end=end,
    )
    session.output.line(f"assigned ({assignment.role.value}) from {start}: {assignment.id}")


@assignments.command("end")
@click.argument("assignment", metavar="ASSIGNMENT-ID")
@click.option("--on", "end", type=DAY, required=True, help="The assignment's last day.")
@pass_session
def end_assignment(session: Session, *, assignment: str, end: dt.date) -> None:
    """End an assignment on a day (inclusive).

    Example: sro assignments end ASSIGNMENT-ID --on 2026-06-30
    """
    key = as_uuid(assignment)
    if key is None:
        raise click.BadParameter(f"{assignment!r} is not an assignment id")
    ended = session.program.end_assignment(session.actor, key, end)
    session.output.line(f"assignment {ended.id} ends on {end}")


@assignments.command("list")
@click.option("--school", "school_names", multiple=True, metavar="SCHOOL", help="Only these.")
@format_option
@pass_session
def list_assignments(session: Session, *, school_names: tuple[str, ...]) -> None:
    """List the assignments at every school, or at the schools named.

    Example: sro assignments list --school "Wilson Middle School"
    """
    program, actor = session.program, session.actor
    chosen = (
        [session.school(name) for name in school_names] if school_names else program.schools(actor)
    )
    names = {s.id: s.name for s in chosen}
    badges = {o.id: o.badge for o in program.officers(actor)}
    found = [a for s in chosen for a in program.assignments(actor, s.id)]
    found.sort(key=lambda a: (names[a.school_id], a.role.value, a.start))
    session.output.listing(
        ("school", "role", "officer", "start", "end", "id"),
        found,
        row=lambda a: (
            names[a.school_id],
            a.role,
            badges.get(a.officer_id, a.officer_id),
            a.start,
            a.end,
            a.id,
        ),
    )


@assignments.command("coverage")
@click.argument("school", metavar="SCHOOL")
@click.option("--on", "day", type=DAY, help="The day (default: today).")
@format_option
@pass_session
def coverage(session: Session, *, school: str, day: dt.date | None) -> None:
    """Say who is the SRO at a school on a day, in each role that is filled.

    Example: sro assignments coverage "Wilson Middle School" --on 2025-10-06
    """
    found = session.school(school)
    on = day or session.today()
    covering = session.program.coverage(session.actor, found.id, on)
    session.output.listing(
        ("role", "badge", "officer"),
        sorted(covering.items(), key=lambda i: i[0].value),
        row=lambda item: (item[0], item[1].badge, item[1].name),
        wire=lambda item: {"role": item[0].value, **record_wire(item[1])},
        title=f"{found.name} on {on}",
    )


@click.group()
def partners() -> None:
    """Register and list the program's partners: the district, task forces, health."""


@partners.command("add")
@click.argument("name")
@click.option("--kind", type=Chosen(PartnerKind), required=True, help="What kind of partner.")
@pass_session
def add_partner(session: Session, *, name: str, kind: PartnerKind) -> None:
    """Register a partner; its name is unique among partners of its kind.

    Example: sro partners add MADNET --kind narcotics_task_force
    """
    partner = session.program.register_partner(session.actor, Partner(name, kind))
    session.output.line(f"registered partner {partner.name} ({partner.id})")


@partners.command("list")
@format_option
@pass_session
def list_partners(session: Session) -> None:
    """List the partners, by name.

    Example: sro partners list --format tsv
    """
    found = sorted(session.program.partners(session.actor), key=lambda p: p.name)
    session.output.listing(("name", "kind", "id"), found, row=lambda p: (p.name, p.kind, p.id))


@click.group()
def agreements() -> None:
    """Agreements (MOUs) with partners: sign, renew, list, and those due for review."""


@agreements.command("sign")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@pass_session
def sign_agreement(session: Session, *, file: IO[str]) -> None:
    """Record a signed agreement from a JSON file in the wire format (``-``: standard input).

    Its partner_ids are the partners' ids (see `sro partners list`); its clauses are objects
    with kind (roles, information_sharing, supervision, discipline_separation), text, and for
    information sharing the partner_id and the record classes it shares.

    Example: sro agreements sign mou.json
    """
    agreement = loads(file.read(), Agreement)
    stored = session.program.sign_agreement(session.actor, agreement)
    session.output.line(f"signed {stored.title!r}, review due {stored.review_due} ({stored.id})")


@agreements.command("renew")
@click.argument("agreement", metavar="AGREEMENT-ID")
@click.option("--signed-on", type=DAY, required=True, help="The day it was re-signed.")
@click.option("--effective-to", type=DAY, help="Its new last day (none: open-ended).")
@click.option("--review-due", type=DAY, required=True, help="The day its next review is due.")
@pass_session
def renew_agreement(
    session: Session,
    *,
    agreement: str,
    signed_on: dt.date,
    effective_to: dt.date | None,
    review_due: dt.date,
) -> None:
    """Renew an agreement: re-signed, with a new end and a new review date.

    Example: sro agreements renew AGREEMENT-ID --signed-on 2026-05-01 --review-due 2027-05-01
    """
    key = as_uuid(agreement)
    if key is None:
        raise click.BadParameter(f"{agreement!r} is not an agreement id")
    renewed = session.program.renew_agreement(
        session.actor, key, signed_on=signed_on, effective_to=effective_to, review_due=review_due
    )
    session.output.line(f"renewed {renewed.title!r}, review due {renewed.review_due}")


def _agreement_row(a: Agreement) -> tuple[object, ...]:
    return (a.title, a.signed_on, a.effective_from, a.effective_to, a.review_due, a.id)


_AGREEMENT_COLUMNS = ("title", "signed", "from", "to", "review due", "id")


@agreements.command("list")
@format_option
@pass_session
def list_agreements(session: Session) -> None:
    """List the agreements, soonest review first.

    Example: sro agreements list --format plain
    """
    found = sorted(session.program.agreements(session.actor), key=lambda a: (a.review_due, a.title))
    session.output.listing(_AGREEMENT_COLUMNS, found, row=_agreement_row)


@agreements.command("due")
@click.option("--by", type=DAY, help="The day (default: 30 days from today).")
@format_option
@pass_session
def agreements_due(session: Session, *, by: dt.date | None) -> None:
    """List the agreements whose review is due on or before a day, soonest first.

    Example: sro agreements due --by 2026-06-30
    """
    day = by or session.today() + DUE_WITHIN
    found = session.program.agreements_due(session.actor, day)
    session.output.listing(
        _AGREEMENT_COLUMNS, found, row=_agreement_row, title=f"review due by {day}"
    )


COMMANDS: tuple[click.Command, ...] = (officers, schools, assignments, partners, agreements)
"""The directory's command groups, as ``sro`` adds them."""
