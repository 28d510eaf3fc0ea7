"""The SRO's community work: the daily log of contacts, and education activities.

A contact or an activity is typed as options, or given whole as a JSON file in the wire format
of :mod:`sro_core.serialization` (``--file``; ``-`` reads standard input).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any, TypeVar

import attrs
import click

from sro_core.cli.app import Session, pass_session
from sro_core.cli.arguments import (
    DAY,
    GRADES,
    WHEN,
    Chosen,
    as_uuid,
    file_option,
    required,
)
from sro_core.cli.incidents import draft_incident, draft_options, reported
from sro_core.cli.output import format_option, seen_wire
from sro_core.domain import (
    ActivityAudience,
    ActivityKind,
    CommunityContact,
    ContactParty,
    ContactPurpose,
    EducationActivity,
    GradeSpan,
    TriadRole,
)
from sro_core.serialization import loads
from sro_core.service import Seen

R = TypeVar("R", CommunityContact, EducationActivity)

MENTOR_PURPOSES = frozenset(
    {ContactPurpose.MENTORING, ContactPurpose.COUNSELING, ContactPurpose.ADVICE}
)
"""Contacts counted as informal counselor/mentor work when no triad role is typed."""


@click.group()
def contacts() -> None:
    """Keep the SRO's daily log of community contacts: log, list, escalate."""


@contacts.command("log")
@file_option("contact")
@click.option("--officer", metavar="BADGE-or-ID", help="The officer (badge or id).")
@click.option("--at", type=WHEN, help="When (default: now; no offset: local time).")
@click.option("--party", type=Chosen(ContactParty), help="Who approached, or was approached.")
@click.option("--purpose", type=Chosen(ContactPurpose), help="Why the contact was made.")
@click.option(
    "--triad",
    type=Chosen(TriadRole),
    help="The triad role (default: informal_counselor_mentor for mentoring, counseling and "
    "advice, else law_enforcement).",
)
@click.option("--minutes", type=click.IntRange(min=1), help="How long it took.")
@click.option("--school", metavar="SCHOOL", help="The school (name or id), if at one.")
@click.option("--not-school-related", is_flag=True, help="A non-school matter.")
@click.option("--summary", default="", help="A short note of what was done.")
@click.option("--follow-up-due", type=DAY, help="The day a follow-up is due, if one is.")
@pass_session
def log_contact(
    session: Session,
    *,
    file: IO[str] | None,
    officer: str | None,
    at: dt.datetime | None,
    party: ContactParty | None,
    purpose: ContactPurpose | None,
    triad: TriadRole | None,
    minutes: int | None,
    school: str | None,
    not_school_related: bool,
    summary: str,
    follow_up_due: dt.date | None,
) -> None:
    """Log a community contact in the SRO's daily log.

    Example: sro contacts log --officer 4127 --party student --purpose mentoring --minutes 15
    """
    if file is not None:
        contact = loads(file.read(), CommunityContact)
    else:
        purpose = required(purpose, "--purpose", "a contact")
        role = triad or (
            TriadRole.INFORMAL_COUNSELOR_MENTOR
            if purpose in MENTOR_PURPOSES
            else TriadRole.LAW_ENFORCEMENT
        )
        contact = CommunityContact(
            officer_id=session.officer(required(officer, "--officer", "a contact")).id,
            at=session.aware(at) if at else session.now(),
            party=required(party, "--party", "a contact"),
            purpose=purpose,
            triad_role=role,
            minutes=required(minutes, "--minutes", "a contact"),
            school_related=not not_school_related,
            school_id=session.school(school).id if school else None,
            summary=summary,
            follow_up_due=follow_up_due,
        )
    logged = session.program.log_contact(session.actor, contact)
    session.output.line(f"logged contact {logged.id}")


def _in_period(
    session: Session, moment: dt.datetime, start: dt.date | None, before: dt.date | None
) -> bool:
    day = session.settings.calendar.local_date(moment)
    return (start is None or start <= day) and (before is None or day < before)


def log_filters(command: Callable[..., None]) -> Callable[..., None]:
    """Add the options that choose entries of the contact log or the activity record."""
    for option in reversed(
        (
            click.option("--officer", metavar="BADGE-or-ID", help="By this officer."),
            click.option("--school", metavar="SCHOOL", help="At this school (name or id)."),
            click.option("--from", "start", type=DAY, help="On or after this day."),
            click.option("--before", type=DAY, help="Before this day."),
            click.option(
                "--limit",
                type=click.IntRange(min=0),
                default=50,
                show_default=True,
                help="The latest this many (0: all).",
            ),
        )
    ):
        command = option(command)
    return command


@attrs.frozen
class LogFilter:
    """What ``--officer``, ``--school``, ``--from``, ``--before`` and ``--limit`` chose."""

    officer: str | None
    school: str | None
    start: dt.date | None
    before: dt.date | None
    limit: int


def _chosen(
    session: Session,
    seen: Iterable[Seen[R]],
    when: Callable[[R], dt.datetime],
    chosen: LogFilter,
) -> Sequence[Seen[R]]:
    """Return the entries a filter chooses, oldest first: the latest ``limit`` of them."""
    officer_id = session.officer(chosen.officer).id if chosen.officer else None
    school_id = session.school(chosen.school).id if chosen.school else None
    found = sorted(
        (
            s
            for s in seen
            if officer_id in (None, s.value.officer_id)
            and school_id in (None, s.value.school_id)
            and _in_period(session, when(s.value), chosen.start, chosen.before)
        ),
        key=lambda s: (when(s.value), s.value.id),
    )
    return found[-chosen.limit :] if chosen.limit else found


@contacts.command("list")
@log_filters
@format_option
@pass_session
def list_contacts(
    session: Session,
    *,
    officer: str | None,
    school: str | None,
    start: dt.date | None,
    before: dt.date | None,
    limit: int,
) -> None:
    """List logged contacts, oldest first (the latest --limit of them).

    Example: sro contacts list --officer 4471 --from 2025-10-01 --format csv
    """
    chosen = _chosen(
        session,
        session.program.contacts(session.actor),
        lambda c: c.at,
        LogFilter(officer, school, start, before, limit),
    )
    badges, schools = session.badges(), session.school_names()
    session.output.listing(
        ("at", "officer", "party", "purpose", "triad", "min", "school", "school?", "id"),
        chosen,
        row=lambda s: (
            session.local_text(s.value.at),
            badges.get(s.value.officer_id, s.value.officer_id),
            s.value.party,
            s.value.purpose,
            s.value.triad_role,
            s.value.minutes,
            schools.get(s.value.school_id, s.value.school_id) if s.value.school_id else None,
            s.value.school_related,
            s.value.id,
        ),
        wire=seen_wire,
    )


@contacts.command("escalate")
@click.argument("contact", metavar="CONTACT-ID")
@draft_options
@pass_session
def escalate_contact(session: Session, /, *, contact: str, **draft: Any) -> None:
    """Report an incident for a logged contact, linked both ways.

    The contact's officer, school and time are the incident's unless typed otherwise.

    Example: sro contacts escalate CONTACT-ID --category theft --offense 23C
    """
    key = as_uuid(contact)
    if key is None:
        raise click.BadParameter(f"{contact!r} is not a contact id")
    logged = next(
        (s.value for s in session.program.contacts(session.actor) if s.value.id == key), None
    )
    incident = session.program.escalate_contact(
        session.actor, key, draft_incident(session, draft, defaults=logged)
    )
    reported(session, incident, "escalated into")


@click.group()
def activities() -> None:
    """Education activities the SROs lead: record, list."""


@activities.command("record")
@file_option("activity")
@click.option("--officer", metavar="BADGE-or-ID", help="The officer (badge or id).")
@click.option("--kind", type=Chosen(ActivityKind), help="What kind of activity.")
@click.option("--topic", help="What it was about.")
@click.option("--audience", type=Chosen(ActivityAudience), help="Who it was for.")
@click.option("--at", type=WHEN, help="When it was held (default: now).")
@click.option("--minutes", type=click.IntRange(min=1), help="How long it took.")
@click.option("--attendance", type=click.IntRange(min=0), help="How many attended.")
@click.option(
    "--triad",
    type=Chosen(TriadRole),
    help="The triad role (default: educator; informal_counselor_mentor for mentoring).",
)
@click.option("--school", metavar="SCHOOL", help="The school (name or id), if at one.")
@click.option("--grades", type=GRADES, help="Such as 9-12 or K-5.")
@pass_session
def record_activity(
    session: Session,
    *,
    file: IO[str] | None,
    officer: str | None,
    kind: ActivityKind | None,
    topic: str | None,
    audience: ActivityAudience | None,
    at: dt.datetime | None,
    minutes: int | None,
    attendance: int | None,
    triad: TriadRole | None,
    school: str | None,
    grades: tuple[int, int] | None,
) -> None:
    """Record an education activity: a class, a training, a drill, a workshop, mentoring.

    Example: sro activities record --officer 4127 --kind class_presentation --topic Vaping
    --audience students --minutes 50 --attendance 31
    """
    if file is not None:
        activity = loads(file.read(), EducationActivity)
    else:
        kind = required(kind, "--kind", "an activity")
        role = triad or (
            TriadRole.INFORMAL_COUNSELOR_MENTOR
            if kind is ActivityKind.MENTORING_PROGRAMME
            else TriadRole.EDUCATOR
        )
        activity = EducationActivity(
            officer_id=session.officer(required(officer, "--officer", "an activity")).id,
            kind=kind,
            topic=required(topic, "--topic", "an activity"),
            audience=required(audience, "--audience", "an activity"),
            held_at=session.aware(at) if at else session.now(),
            minutes=required(minutes, "--minutes", "an activity"),
            attendance=required(attendance, "--attendance", "an activity"),
            triad_role=role,
            school_id=session.school(school).id if school else None,
            grades=GradeSpan(*grades) if grades else None,
        )
    recorded = session.program.record_activity(session.actor, activity)
    session.output.line(f"recorded activity {recorded.id}")


@activities.command("list")
@log_filters
@format_option
@pass_session
def list_activities(
    session: Session,
    *,
    officer: str | None,
    school: str | None,
    start: dt.date | None,
    before: dt.date | None,
    limit: int,
) -> None:
    """List education activities, oldest first (the latest --limit of them).

    Example: sro activities list --school "Wilson Middle School" --limit 20
    """
    chosen = _chosen(
        session,
        session.program.activities(session.actor),
        lambda a: a.held_at,
        LogFilter(officer, school, start, before, limit),
    )
    badges, schools = session.badges(), session.school_names()
    session.output.listing(
        ("held", "officer", "kind", "topic", "audience", "attendance", "min", "school", "id"),
        chosen,
        row=lambda s: (
            session.local_text(s.value.held_at),
            badges.get(s.value.officer_id, s.value.officer_id),
            s.value.kind,
            s.value.topic,
            s.value.audience,
            s.value.attendance,
            s.value.minutes,
            schools.get(s.value.school_id, s.value.school_id) if s.value.school_id else None,
            s.value.id,
        ),
        wire=seen_wire,
    )


COMMANDS: tuple[click.Command, ...] = (contacts, activities)
"""The community command groups, as ``sro`` adds them."""
