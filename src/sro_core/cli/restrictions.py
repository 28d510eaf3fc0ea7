"""``sro restrictions``: seal, unseal and expunge incidents under an order; ``sro disclosures``."""

from __future__ import annotations

import click

from sro_core.cli.app import Session, pass_session
from sro_core.cli.incidents import reported
from sro_core.cli.output import format_option


@click.group()
def restrictions() -> None:
    """Restrictions an order puts on an incident: seal, unseal, expunge (each audited)."""


_ORDER = click.option("--order", required=True, help="The reference of the order carried out.")


@restrictions.command("seal")
@click.argument("incident", metavar="NUMBER-or-ID")
@_ORDER
@pass_session
def seal(session: Session, *, incident: str, order: str) -> None:
    """Seal an incident: only readers with the sealed-records permission see it.

    Example: sro restrictions seal 2025-000042 --order 26-JV-0042
    """
    sealed = session.program.seal_incident(session.actor, session.incident_id(incident), order)
    reported(session, sealed, "sealed")


@restrictions.command("unseal")
@click.argument("incident", metavar="NUMBER-or-ID")
@_ORDER
@pass_session
def unseal(session: Session, *, incident: str, order: str) -> None:
    """Unseal an incident: it is read as before it was sealed.

    Example: sro restrictions unseal 2025-000042 --order 26-JV-0043
    """
    unsealed = session.program.unseal_incident(session.actor, session.incident_id(incident), order)
    reported(session, unsealed, "unsealed")


@restrictions.command("expunge")
@click.argument("incident", metavar="NUMBER-or-ID")
@_ORDER
@pass_session
def expunge(session: Session, *, incident: str, order: str) -> None:
    """Expunge an incident: its personal data is destroyed, a tombstone keeps the counts.

    Example: sro restrictions expunge 2025-000042 --order 26-JV-0050
    """
    tombstone = session.program.expunge_incident(
        session.actor, session.incident_id(incident), order
    )
    reported(session, tombstone, "expunged")


@click.command("disclosures")
@click.argument("incident", metavar="NUMBER-or-ID")
@format_option
@pass_session
def disclosures(session: Session, *, incident: str) -> None:
    """List who outside the department received an incident, when, under which agreements.

    Example: sro disclosures 2025-000042 --format csv
    """
    found = session.program.disclosures(session.actor, session.incident_id(incident))
    session.output.listing(
        ("when", "recipient", "role", "what", "agreements"),
        found,
        row=lambda d: (
            session.local_text(d.at),
            d.recipient,
            d.recipient_role,
            d.what,
            d.agreements,
        ),
        title=f"disclosures of {incident}",
    )


COMMANDS = [restrictions, disclosures]
