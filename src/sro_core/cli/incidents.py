"""Incidents and their referrals: report, show, find, move, close, reopen, amend, refer.

An incident is typed as options, or given whole as a JSON file in the wire format of
:mod:`sro_core.serialization` (``--file``; ``-`` reads standard input). It is named by its
number (``2026-000123``) or its id.
"""

from __future__ import annotations

import datetime as dt
import json
import typing
import uuid
from typing import IO, Any

import click

from sro_core.cli.app import Session, pass_session
from sro_core.cli.arguments import (
    DAY,
    WHEN,
    Chosen,
    as_uuid,
    file_option,
    options,
)
from sro_core.cli.choosing import IncidentChoice, incident_filters
from sro_core.cli.codes import Coded, code_help
from sro_core.cli.output import format_option, seen_wire
from sro_core.domain import (
    CampusZone,
    CommunityContact,
    Disposition,
    DispositionKind,
    Incident,
    IncidentStatus,
    Involvement,
    Location,
    LocationKind,
    Offense,
    ReferralReason,
    ReferralStatus,
    RuleViolation,
)
from sro_core.ports import Page
from sro_core.serialization import StructureError, loads, structure
from sro_core.service import AMENDABLE

DEFAULT_LOCATION_CODES = {
    LocationKind.ON_CAMPUS: "53",
    LocationKind.SCHOOL_ADJACENT: "13",
    LocationKind.COMMUNITY: "25",
    LocationKind.ONLINE: "58",
}
"""The NIBRS location code of a place typed without ``--nibrs-location``: on campus, the
school's level decides (53 elementary/secondary, 52 college); 13 street, 25 other/unknown,
58 cyberspace."""


def _source(incident: Incident) -> str:
    """Say where an on-campus location code came from: the school's level or the officer."""
    if incident.location.kind is not LocationKind.ON_CAMPUS:
        return ""
    return " (from the school's level)" if incident.location.derived else " (chosen)"


draft_options = options(
    file_option("draft incident"),
    click.option("--officer", metavar="BADGE-or-ID", help="The reporting officer."),
    click.option("--school", metavar="SCHOOL", help="The school (name or id)."),
    click.option("--occurred", type=WHEN, help="When it started (no offset: local time)."),
    click.option("--ended", type=WHEN, help="When it ended."),
    click.option("--reported", type=WHEN, help="When it was reported (default: now)."),
    click.option(
        "--category",
        type=Coded("sro.incident_category"),
        help=code_help("The incident category", "sro.incident_category", "fight, drugs or theft"),
    ),
    click.option(
        "--offense",
        "offenses",
        multiple=True,
        type=Coded("nibrs.offense"),
        help=code_help("An offense (repeat)", "nibrs.offense", "13B or 35A"),
    ),
    click.option(
        "--location",
        type=Chosen(LocationKind),
        help="Where, relative to the school (default: on_campus with a school, else community).",
    ),
    click.option(
        "--nibrs-location",
        type=Coded("nibrs.location"),
        help=code_help(
            "The place (default: on campus the school's, 52 or 53; else 13, 25 or 58 by"
            " --location)",
            "nibrs.location",
            "53",
        ),
    ),
    click.option("--zone", type=Chosen(CampusZone), help="The part of the campus."),
    click.option("--address", help="The address or description of the place."),
    click.option("--narrative", default="", help="What happened."),
    click.option(
        "--referred-to-law-enforcement",
        "referred",
        is_flag=True,
        help="The school referred it to law enforcement (CRDC).",
    ),
)


def draft_incident(
    session: Session, draft: dict[str, Any], defaults: CommunityContact | None = None
) -> Incident:
    """Return the draft incident typed as options, or read from ``--file``."""
    file: IO[str] | None = draft.pop("file")
    typed = [name for name, value in draft.items() if value not in (None, (), False, "")]
    if file is not None:
        if typed:
            raise click.UsageError("give the incident as --file or as options, not both")
        return loads(file.read(), Incident)
    officer_text, school_text = draft["officer"], draft["school"]
    if officer_text is not None:
        officer_id = session.officer(officer_text).id
    elif defaults is not None:
        officer_id = defaults.officer_id
    else:
        raise click.UsageError("an incident needs its --officer (or --file)")
    if school_text is not None:
        school_id: uuid.UUID | None = session.school(school_text).id
    else:
        school_id = defaults.school_id if defaults is not None else None
    if draft["occurred"] is not None:
        occurred = session.aware(draft["occurred"])
    elif defaults is not None:
        occurred = defaults.at
    else:
        raise click.UsageError("an incident needs the time it --occurred (or --file)")
    if draft["category"] is None:
        raise click.UsageError("an incident needs its --category (or --file)")
    kind = draft["location"] or (
        LocationKind.ON_CAMPUS if school_id is not None else LocationKind.COMMUNITY
    )
    return Incident(
        reporting_officer_id=officer_id,
        occurred_start=occurred,
        occurred_end=session.aware(draft["ended"]) if draft["ended"] else None,
        reported_at=session.aware(draft["reported"]) if draft["reported"] else session.now(),
        location=Location(
            kind,
            draft["nibrs_location"] or DEFAULT_LOCATION_CODES[kind],
            draft["zone"],
            draft["address"],
            derived=kind is LocationKind.ON_CAMPUS and not draft["nibrs_location"],
        ),
        category=draft["category"],
        school_id=school_id,
        offenses=tuple(Offense(code) for code in draft["offenses"]),
        narrative=draft["narrative"] or "",
        referred_to_law_enforcement=draft["referred"],
    )


def reported(session: Session, incident: Incident, verb: str) -> None:
    """Say what was done to an incident, with its number, status and id."""
    session.output.line(
        f"{verb} incident {incident.number} ({incident.status.value}): {incident.id}"
    )


@click.group()
def incidents() -> None:
    """Incidents: report, show, find, move, close, reopen, amend."""


@incidents.command("report")
@draft_options
@pass_session
def report_incident(session: Session, /, **draft: Any) -> None:
    """Report an incident: it gets its number and the reported status.

    Example: sro incidents report --officer 4127 --school "Wilson Middle School"
    --occurred 2025-10-06T12:05 --category fight --offense 13B
    """
    incident = session.program.report_incident(session.actor, draft_incident(session, draft))
    reported(session, incident, "reported")


@incidents.command("show")
@click.argument("incident", metavar="NUMBER-or-ID")
@format_option
@pass_session
def show_incident(session: Session, *, incident: str) -> None:
    """Show an incident as the actor may see it (hidden fields are named).

    Example: sro incidents show 2025-000042
    """
    seen = session.incident(incident)
    value, hidden = seen.value, seen.hidden
    schools = session.school_names()
    shown: list[tuple[str, object]] = [
        ("number", value.number),
        ("status", value.status),
        ("category", value.category),
        ("school", schools.get(value.school_id, value.school_id) if value.school_id else None),
        ("occurred", session.local_text(value.occurred_start)),
        ("ended", session.local_text(value.occurred_end)),
        ("reported", session.local_text(value.reported_at)),
        ("location", f"{value.location.kind.value} {value.location.nibrs_code}{_source(value)}"),
        ("zone", value.location.zone),
        ("address", value.location.address),
        ("offenses", [o.ucr_code for o in value.offenses]),
        ("disposition", value.disposition.kind if value.disposition else None),
        ("decided on", value.disposition.decided_on if value.disposition else None),
        ("referred to law enforcement", value.referred_to_law_enforcement),
        ("school-related arrest", value.school_related_arrest),
        ("restrictions", value.restrictions),
        ("escalated from contact", value.escalated_from),
        ("narrative", value.narrative),
        ("id", value.id),
        ("version", value.version),
    ]
    for n, involvement in enumerate(value.involvements):
        person = involvement.person
        name = person.name or (
            "[redacted]" if f"involvements[{n}].person.name" in hidden else "unidentified"
        )
        roles = ", ".join(sorted(r.value for r in involvement.roles))
        shown.append((f"person {n + 1}", f"{name} ({person.kind.value}): {roles}"))
    if hidden:
        shown.append(("hidden", sorted(hidden)))
    session.output.record(value, shown, hidden=hidden, title=f"incident {value.number}")


@incidents.command("find")
@incident_filters
@click.option(
    "--limit",
    type=click.IntRange(1, 1000),
    default=50,
    show_default=True,
    help="How many a page holds.",
)
@click.option("--after", metavar="CURSOR", help="The cursor a previous page ended with.")
@format_option
@pass_session
def find_incidents(
    session: Session,
    *,
    chosen: IncidentChoice,
    limit: int,
    after: str | None,
) -> None:
    """Find incidents, newest first, a page at a time.

    Example: sro incidents find --category fight --from 2025-09-01 --format plain
    """
    page = session.program.find_incidents(session.actor, chosen.where(session), Page(limit, after))
    schools = session.school_names()
    session.output.listing(
        ("number", "occurred", "school", "category", "offenses", "status", "disposition"),
        page.items,
        row=lambda s: (
            s.value.number,
            session.local_text(s.value.occurred_start),
            schools.get(s.value.school_id, s.value.school_id) if s.value.school_id else None,
            s.value.category,
            [o.ucr_code for o in s.value.offenses],
            s.value.status,
            s.value.disposition.kind if s.value.disposition else None,
        ),
        wire=seen_wire,
        following=page.next,
    )


@incidents.command("move")
@click.argument("incident", metavar="NUMBER-or-ID")
@click.argument("status", type=Chosen(IncidentStatus))
@pass_session
def move_incident(session: Session, *, incident: str, status: IncidentStatus) -> None:
    """Move an incident in its lifecycle (close it with `sro incidents close`).

    Example: sro incidents move 2025-000042 under_investigation
    """
    moved = session.program.move_incident(session.actor, session.incident_id(incident), status)
    reported(session, moved, "moved")


@incidents.command("close")
@click.argument("incident", metavar="NUMBER-or-ID")
@click.option(
    "--disposition", type=Chosen(DispositionKind), required=True, help="How it was closed."
)
@click.option("--on", "decided_on", type=DAY, help="The day it was decided (default: today).")
@click.option(
    "--clearance",
    type=Coded("nibrs.exceptional_clearance"),
    help=code_help(
        "Why it was cleared exceptionally (that kind only)", "nibrs.exceptional_clearance", "A"
    ),
)
@pass_session
def close_incident(
    session: Session,
    *,
    incident: str,
    disposition: DispositionKind,
    decided_on: dt.date | None,
    clearance: str | None,
) -> None:
    """Close an incident with its disposition.

    Example: sro incidents close 2025-000042 --disposition warning
    """
    outcome = Disposition(disposition, decided_on or session.today(), clearance)
    closed = session.program.close_incident(session.actor, session.incident_id(incident), outcome)
    reported(session, closed, "closed")


@incidents.command("reopen")
@click.argument("incident", metavar="NUMBER-or-ID")
@pass_session
def reopen_incident(session: Session, *, incident: str) -> None:
    """Reopen a closed incident.

    Example: sro incidents reopen 2025-000042
    """
    reopened = session.program.reopen_incident(session.actor, session.incident_id(incident))
    reported(session, reopened, "reopened")


_INCIDENT_TYPES: dict[str, Any] = typing.get_type_hints(Incident)


def _amended_value(name: str, raw: str) -> object:
    """Return a field's new value, typed as JSON in the wire format or as plain text."""
    if name not in AMENDABLE:
        raise RuleViolation(name, raw, f"not a field an amendment may change ({_amendable()})")
    kind = _INCIDENT_TYPES[name]
    try:
        return structure(json.loads(raw), kind)
    except (json.JSONDecodeError, StructureError):
        pass
    try:
        return structure(raw, kind)
    except StructureError as error:
        listing = "; ".join(f"{p.field}: {p.rule}" for p in error.problems)
        raise RuleViolation(name, raw, f"not a valid value: {listing}") from None


def _amendable() -> str:
    return ", ".join(sorted(AMENDABLE))


@incidents.command("amend")
@click.argument("incident", metavar="NUMBER-or-ID")
@click.option(
    "--set",
    "assignments",
    multiple=True,
    metavar="FIELD=VALUE",
    help="A new value, as JSON in the wire format or as text: school_related_arrest=true, "
    'category=fight, offenses=\'[{"ucr_code": "13B"}]\' (repeat).',
)
@click.option(
    "--category",
    type=Coded("sro.incident_category"),
    help=code_help("The new category", "sro.incident_category", "fight"),
)
@click.option("--narrative", help="The new narrative.")
@click.option("--school", metavar="SCHOOL", help="The new school (name or id).")
@pass_session
def amend_incident(
    session: Session,
    *,
    incident: str,
    assignments: tuple[str, ...],
    category: str | None,
    narrative: str | None,
    school: str | None,
) -> None:
    """Change fields of a reported incident; every rule is checked again.

    The status, disposition and number move only through move, close and reopen.

    Example: sro incidents amend 2025-000042 --set school_related_arrest=true
    """
    changes: dict[str, object] = {}
    for assignment in assignments:
        name, equals, raw = assignment.partition("=")
        if not equals:
            raise click.BadParameter(f"{assignment!r} is not FIELD=VALUE", param_hint="--set")
        changes[name.strip()] = _amended_value(name.strip(), raw)
    if category is not None:
        changes["category"] = category
    if narrative is not None:
        changes["narrative"] = narrative
    if school is not None:
        changes["school_id"] = session.school(school).id
    if not changes:
        raise click.UsageError(f"nothing to change: give --set FIELD=VALUE ({_amendable()})")
    amended = session.program.amend_incident(
        session.actor, session.incident_id(incident), **changes
    )
    reported(session, amended, "amended")


@incidents.command("involve")
@click.argument("incident", metavar="NUMBER-or-ID")
@click.option(
    "--file",
    type=click.File("r", encoding="utf-8"),
    required=True,
    help="The involvement (person, roles, victim or arrest details) as JSON; - reads stdin.",
)
@pass_session
def involve(session: Session, *, incident: str, file: IO[str]) -> None:
    """Add a person's involvement to an incident (or replace theirs).

    Example: sro incidents involve 2025-000042 --file involvement.json
    """
    involvement = loads(file.read(), Involvement)
    changed = session.program.add_involvement(
        session.actor, session.incident_id(incident), involvement
    )
    reported(session, changed, "involved a person in")


@incidents.command("add-offense")
@click.argument("incident", metavar="NUMBER-or-ID")
@click.argument("code", type=Coded("nibrs.offense"))
@click.option("--attempted", is_flag=True, help="Attempted, not completed.")
@click.option(
    "--weapon",
    "weapons",
    multiple=True,
    type=Coded("nibrs.force"),
    help=code_help("A weapon or force used (repeat)", "nibrs.force", "40 or 11"),
)
@click.option(
    "--activity",
    "activities",
    multiple=True,
    type=Coded("nibrs.criminal_activity"),
    help=code_help("A criminal or gang activity (repeat)", "nibrs.criminal_activity", "P"),
)
@pass_session
def add_offense(
    session: Session,
    *,
    incident: str,
    code: str,
    attempted: bool,
    weapons: tuple[str, ...],
    activities: tuple[str, ...],
) -> None:
    """Add an offense (a NIBRS offense code) to an incident.

    Example: sro incidents add-offense 2025-000042 13A --weapon 40
    """
    offense = Offense(code, attempted, weapons, criminal_activities=activities)
    changed = session.program.add_offense(session.actor, session.incident_id(incident), offense)
    reported(session, changed, "added an offense to")


@click.group()
def referrals() -> None:
    """Referrals of incidents to partners: make, answer, list."""


@referrals.command("make")
@click.argument("incident", metavar="NUMBER-or-ID")
@click.argument("partner", metavar="PARTNER")
@click.option("--reason", type=Chosen(ReferralReason), required=True, help="Why it is referred.")
@click.option("--note", default="", help="A note to the partner.")
@pass_session
def make_referral(
    session: Session, incident: str, partner: str, reason: ReferralReason, note: str
) -> None:
    """Refer a reported incident to a partner (name or id) an active agreement covers.

    Example: sro referrals make 2025-000042 MADNET --reason task_force_investigation
    """
    referral = session.program.refer_incident(
        session.actor, session.incident_id(incident), session.partner(partner).id, reason, note
    )
    session.output.line(f"referred under agreement {referral.agreement_id}: {referral.id}")


@referrals.command("answer")
@click.argument("referral", metavar="REFERRAL-ID")
@click.argument("status", type=Chosen(ReferralStatus))
@click.option("--outcome", help="The outcome (closing a referral records one).")
@pass_session
def answer_referral(
    session: Session, referral: str, status: ReferralStatus, outcome: str | None
) -> None:
    """Record a partner's answer (accepted, declined) or close a referral with its outcome.

    Example: sro referrals answer REFERRAL-ID accepted
    """
    key = as_uuid(referral)
    if key is None:
        raise click.BadParameter(f"{referral!r} is not a referral id")
    answered = session.program.answer_referral(session.actor, key, status, outcome)
    session.output.line(f"referral {answered.id} is {answered.status.value}")


@referrals.command("list")
@click.argument("incident", metavar="NUMBER-or-ID")
@format_option
@pass_session
def list_referrals(session: Session, *, incident: str) -> None:
    """List the referrals of an incident.

    Example: sro referrals list 2025-000042 --format tsv
    """
    found = session.program.referrals(session.actor, session.incident_id(incident))
    names = session.partner_names()
    session.output.listing(
        ("sent", "partner", "reason", "status", "outcome", "id"),
        sorted(found, key=lambda r: r.sent_at),
        row=lambda r: (
            session.local_text(r.sent_at),
            names.get(r.partner_id, r.partner_id),
            r.reason,
            r.status,
            r.outcome,
            r.id,
        ),
    )


COMMANDS: tuple[click.Command, ...] = (incidents, referrals)
"""The incident and referral command groups, as ``sro`` adds them."""
