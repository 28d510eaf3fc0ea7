"""``sro restrictions``: seal, unseal and expunge incidents under an order; ``sro disclosures``."""

from __future__ import annotations

import click

from sro_core.cli.app import Session, pass_session
from sro_core.cli.arguments import json_option
from sro_core.cli.incidents import reported
from sro_core.serialization import unstructure


@click.group()
def restrictions() -> None:
    """Restrictions an order puts on an incident: seal, unseal, expunge (each audited)."""


_ORDER = click.option("--order", required=True, help="The reference of the order carried out.")


@restrictions.command("seal")
@click.argument("incident", metavar="NUMBER-or-ID")
@_ORDER
@pass_session
def seal(session: Session, *, incident: str, order: str) -> None:
    """Seal an incident: only readers with the sealed-records permission see it."""
    sealed = session.program.seal_incident(session.actor, session.incident_id(incident), order)
    reported(session, sealed, "sealed")


@restrictions.command("unseal")
@click.argument("incident", metavar="NUMBER-or-ID")
@_ORDER
@pass_session
def unseal(session: Session, *, incident: str, order: str) -> None:
    """Unseal an incident: it is read as before it was sealed."""
    unsealed = session.program.unseal_incident(session.actor, session.incident_id(incident), order)
    reported(session, unsealed, "unsealed")


@restrictions.command("expunge")
@click.argument("incident", metavar="NUMBER-or-ID")
@_ORDER
@pass_session
def expunge(session: Session, *, incident: str, order: str) -> None:
    """Expunge an incident: its personal data is destroyed, a tombstone keeps the counts."""
    tombstone = session.program.expunge_incident(
        session.actor, session.incident_id(incident), order
    )
    reported(session, tombstone, "expunged")


@click.command("disclosures")
@click.argument("incident", metavar="NUMBER-or-ID")
@json_option
@pass_session
def disclosures(session: Session, *, incident: str, as_json: bool) -> None:
    """List who outside the department received an incident, when, under which agreements."""
    found = session.program.disclosures(session.actor, session.incident_id(incident))
    if as_json:
        session.output.json([unstructure(d) for d in found])
        return
    session.output.table(
        ("when", "recipient", "role", "what", "agreements"),
        (
            (session.local_text(d.at), d.recipient, d.recipient_role, d.what, d.agreements)
            for d in found
        ),
        title=f"disclosures of {incident}",
    )


COMMANDS = [restrictions, disclosures]
