"""``sro actors``: the store's directory of actors, managed by a supervisor (every change audited).

The ``sro`` command acts only as an actor of this directory: the one whose logins hold the
operating-system user, or (``--as``) one a supervisor may act as. The directory alone gives an
actor its role, schools, partner and permissions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs
import click

from sro_core.cli.app import Session, pass_session
from sro_core.cli.arguments import DAY, Chosen
from sro_core.cli.output import format_option
from sro_core.domain import ActorEntry, ActorRole, Permission


@click.group()
def actors() -> None:
    """Register, change and list the actors who may act on this store."""


F = TypeVar("F", bound=Callable[..., Any])


def _scope_options(command: F) -> F:
    """Add the options of an entry's scope, permissions, logins and days to a command."""
    options = (
        click.option("--name", help="The actor's name as people read it."),
        click.option("--school", "schools", multiple=True, metavar="NAME-or-ID",
                     help="A school administrator's school (repeat; replaces them)."),
        click.option("--partner", metavar="NAME-or-ID", help="A partner liaison's partner."),
        click.option("--officer", metavar="BADGE-or-ID", help="The officer this actor is."),
        click.option("--permission", "permissions", multiple=True, type=Chosen(Permission),
                     help="A permission (repeat; replaces them)."),
        click.option("--no-permissions", is_flag=True, help="Take every permission away."),
        click.option("--login", "logins", multiple=True, metavar="USER",
                     help="An operating-system user who acts as this actor (repeat)."),
        click.option("--from", "active_from", type=DAY, help="Active from this day."),
        click.option("--until", "active_until", type=DAY, help="Active until this day."),
    )  # fmt: skip
    for option in reversed(options):
        command = option(command)
    return command


def _changes(session: Session, given: dict[str, Any]) -> dict[str, Any]:
    """Return the entry's fields the options give, with schools and partners resolved."""
    changes: dict[str, Any] = {}
    if given.get("name"):
        changes["name"] = given["name"]
    if given.get("schools"):
        changes["schools"] = frozenset(session.school(s).id for s in given["schools"])
    if given.get("partner"):
        changes["partner_id"] = session.partner(given["partner"]).id
    if given.get("officer"):
        changes["officer_id"] = session.officer(given["officer"]).id
    if given.get("permissions") or given.get("no_permissions"):
        changes["permissions"] = frozenset(given.get("permissions") or ())
    if given.get("logins"):
        changes["logins"] = frozenset(given["logins"])
    for key in ("active_from", "active_until"):
        if given.get(key) is not None:
            changes[key] = given[key]
    return changes


@actors.command("add")
@click.argument("actor_id")
@click.option("--role", type=Chosen(ActorRole), required=True, help="The actor's role.")
@_scope_options
@pass_session
def add_actor(session: Session, /, *, actor_id: str, role: ActorRole, **given: Any) -> None:
    """Register ACTOR_ID (as the audit trail will name them) with a role and a scope.

    Example: sro actors add liaison.madnet --role partner_liaison --partner MADNET
    """
    changes = {"name": actor_id, **_changes(session, given)}
    entry = ActorEntry(actor_id=actor_id, role=role, **changes)
    stored = session.program.register_actor(session.actor, entry)
    session.output.line(f"registered {stored.actor_id} as {stored.role.value}")


@actors.command("change")
@click.argument("actor_id")
@click.option("--role", type=Chosen(ActorRole), help="A new role.")
@_scope_options
@pass_session
def change_actor(
    session: Session, /, *, actor_id: str, role: ActorRole | None, **given: Any
) -> None:
    """Change ACTOR_ID's role, scope, permissions, logins or active days.

    Example: sro actors change sgt.lopez --permission juvenile_records
    """
    found = {e.actor_id: e for e in session.program.actors(session.actor)}
    if actor_id not in found:
        raise click.BadParameter(f"{actor_id!r} is no actor of the directory")
    changes = _changes(session, given)
    if role is not None:
        changes["role"] = role
    stored = session.program.change_actor(session.actor, attrs.evolve(found[actor_id], **changes))
    session.output.line(f"changed {stored.actor_id} ({stored.role.value})")


@actors.command("list")
@format_option
@pass_session
def list_actors(session: Session) -> None:
    """List the directory of actors.

    Example: sro actors list --format plain
    """
    found = sorted(session.program.actors(session.actor), key=lambda e: e.actor_id)
    session.output.listing(
        ("actor", "name", "role", "permissions", "logins", "active"),
        found,
        row=lambda e: (
            e.actor_id, e.name, e.role, e.permissions, e.logins,
            _active(e.active_from, e.active_until),
        ),
    )  # fmt: skip


def _listed(texts: Iterable[str]) -> str:
    return ", ".join(sorted(texts))


def _active(start: dt.date | None, end: dt.date | None) -> str:
    return f"{start or '…'} to {end or '…'}"


COMMANDS: tuple[click.Command, ...] = (actors,)
"""The directory command, as ``sro`` adds it."""
