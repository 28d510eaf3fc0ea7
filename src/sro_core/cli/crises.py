"""Crises at a school: declared, messages between the school and police command, all clear."""

from __future__ import annotations

import uuid

import click

from sro_core.cli.app import Session, pass_session
from sro_core.cli.arguments import (
    Chosen,
    as_uuid,
)
from sro_core.cli.output import format_option
from sro_core.domain import (
    CrisisEvent,
    CrisisKind,
    CrisisRole,
    CrisisStatus,
)


@click.group()
def crises() -> None:
    """Crises at a school: declare, message between the school and police command, all clear."""


def _crisis_id(text: str) -> uuid.UUID:
    key = as_uuid(text)
    if key is None:
        raise click.BadParameter(f"{text!r} is not a crisis id")
    return key


@crises.command("declare")
@click.argument("school", metavar="SCHOOL")
@click.argument("kind", type=Chosen(CrisisKind))
@click.option("--incident", metavar="NUMBER-or-ID", help="The incident it arises from.")
@pass_session
def declare_crisis(
    session: Session, *, school: str, kind: CrisisKind, incident: str | None
) -> None:
    """Declare a crisis at a school; its notification goes out at once.

    Example: sro crises declare "Wilson Middle School" lockdown
    """
    crisis = session.program.declare_crisis(
        session.actor,
        session.school(school).id,
        kind,
        session.incident_id(incident) if incident else None,
    )
    session.output.line(f"declared {crisis.kind.value}: {crisis.id}")


@crises.command("message")
@click.argument("crisis", metavar="CRISIS-ID")
@click.argument("text")
@click.option(
    "--from", "author", type=Chosen(CrisisRole), help="Who speaks (default: the actor's role)."
)
@click.option(
    "--to", "audience", type=Chosen(CrisisRole), multiple=True, required=True, help="Repeat."
)
@pass_session
def post_message(
    session: Session,
    *,
    crisis: str,
    text: str,
    author: CrisisRole | None,
    audience: tuple[CrisisRole, ...],
) -> None:
    """Post a message in an active crisis, from one side to the others.

    Example: sro crises message CRISIS-ID "Police on scene."
    """
    posted = session.program.post_crisis_message(
        session.actor, _crisis_id(crisis), author, frozenset(audience), text
    )
    session.output.line(f"posted message {len(posted.messages)} in crisis {posted.id}")


@crises.command("all-clear")
@click.argument("crisis", metavar="CRISIS-ID")
@pass_session
def all_clear(session: Session, *, crisis: str) -> None:
    """Give the all clear: the crisis ends.

    Example: sro crises all-clear CRISIS-ID
    """
    ended = session.program.give_all_clear(session.actor, _crisis_id(crisis))
    session.output.line(f"all clear at {session.local_text(ended.ended_at)}: {ended.id}")


def crises_of(session: Session, school_id: uuid.UUID | None) -> list[CrisisEvent]:
    """Return the crises the actor may see, oldest first, at one school or at all."""
    return session.program.crises(session.actor, school_id)


@crises.command("list")
@click.option("--school", metavar="SCHOOL", help="At this school (name or id).")
@click.option("--active", is_flag=True, help="Only crises not yet cleared.")
@format_option
@pass_session
def list_crises(session: Session, *, school: str | None, active: bool) -> None:
    """List crises, oldest first, with their messages.

    Example: sro crises list --active
    """
    school_id = session.school(school).id if school else None
    found = [
        c for c in crises_of(session, school_id) if not active or c.status is CrisisStatus.ACTIVE
    ]
    schools = session.school_names()
    session.output.listing(
        ("declared", "school", "kind", "status", "messages", "ended", "id"),
        found,
        row=lambda c: (
            session.local_text(c.declared_at),
            schools.get(c.school_id, c.school_id),
            c.kind,
            c.status,
            len(c.messages),
            session.local_text(c.ended_at),
            c.id,
        ),
    )


COMMANDS: tuple[click.Command, ...] = (crises,)
"""The crisis command group, as ``sro`` adds it."""
