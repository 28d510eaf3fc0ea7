"""Keeping the store safe: audit checkpoints, the store's own checks, backups and restores."""

from __future__ import annotations

import click

from sro_core.cli.app import Session, pass_session
from sro_core.cli.arguments import json_option
from sro_core.cli.operations import audit
from sro_core.service.anchors import checkpoint_document


@audit.command("checkpoint")
@json_option
@pass_session
def checkpoint(session: Session, *, as_json: bool) -> None:
    """Seal a checkpoint of the audit trail's head now and keep it outside the store.

    It goes to the checkpoint folder (program.audit_checkpoints) and to every plugin's
    sro_audit_checkpoint hook. It needs the audit key (SRO_AUDIT_KEY or audit_key_file), or
    an Ed25519 signing key (audit_signing_key_file).
    """
    taken = session.program.checkpoint_audit(session.actor)
    if as_json:
        session.output.json(checkpoint_document(taken))
        return
    folder = session.program.anchors.folder
    where = f" in {folder.path}" if folder is not None else ""
    session.output.line(
        f"checkpoint of entry {taken.sequence} sealed ({taken.method}, key {taken.key_id}){where}"
    )


COMMANDS: tuple[click.Command, ...] = ()
"""The commands ``sro`` adds from here (``audit checkpoint`` joins the ``audit`` group)."""
