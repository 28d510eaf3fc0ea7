"""What an event says in an e-mail: a subject and a sentence per kind, as text and as HTML.

The message is built from :func:`~sro_core.service.payload_for` the route's audience only:
what the policy hid is not in the payload, so it cannot reach the mailbox.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from email.message import EmailMessage
from typing import Any

SAYINGS: Mapping[str, tuple[str, str]] = {
    "CrisisDeclared": ("Crisis declared", "A crisis was declared at a school."),
    "CrisisMessagePosted": ("Crisis message", "A message was posted in an active crisis."),
    "CrisisResolved": ("Crisis resolved", "The all clear was given: the crisis is over."),
    "IncidentReported": ("Incident reported", "An incident was reported."),
    "IncidentEscalated": ("Incident escalated", "An incident was escalated."),
    "IncidentStatusChanged": ("Incident status changed", "An incident changed status."),
    "ReferralMade": ("Referral made", "A referral was made to a partner."),
    "ReferralUpdated": ("Referral updated", "A partner answered a referral."),
    "OfficerRegistered": ("Officer registered", "An officer joined the program."),
    "OfficerAssigned": ("Officer assigned", "An officer was assigned to a school."),
    "AssignmentEnded": ("Assignment ended", "An officer's assignment ended."),
    "SchoolRegistered": ("School registered", "A school joined the program."),
    "PartnerRegistered": ("Partner registered", "A partner joined the program."),
    "AgreementSigned": ("Agreement signed", "An agreement with a partner was signed."),
    "ContactLogged": ("Contact logged", "A community contact was logged."),
    "ActivityRecorded": ("Activity recorded", "An education activity was recorded."),
}
"""The subject and first sentence of each event kind's message."""


def _fields(payload: Mapping[str, Any]) -> list[tuple[str, str]]:
    event = payload["event"]
    return [(str(k), str(v)) for k, v in sorted(event.items()) if k != "type"]


def render(payload: Mapping[str, Any], prefix: str = "[SRO]") -> tuple[str, str, str]:
    """Return an event payload's subject, plain text and HTML."""
    kind = str(payload["kind"])
    title, sentence = SAYINGS.get(kind, (kind, f"The program recorded a {kind} event."))
    fields = _fields(payload)
    hidden = [str(h) for h in payload.get("hidden", [])]
    lines = [sentence, "", *(f"{name}: {value}" for name, value in fields)]
    if hidden:
        lines += ["", f"Withheld from this audience: {', '.join(hidden)}"]
    lines += ["", f"Event id (the same in a repeated message): {payload['event_id']}"]
    rows = "".join(
        f"<tr><th>{html.escape(name)}</th><td>{html.escape(value)}</td></tr>"
        for name, value in fields
    )
    withheld = (
        f"<p>Withheld from this audience: {html.escape(', '.join(hidden))}</p>" if hidden else ""
    )
    page = (
        f'<!DOCTYPE html><html lang="en"><body><h1>{html.escape(title)}</h1>'
        f"<p>{html.escape(sentence)}</p><table>{rows}</table>{withheld}"
        f"<p><small>Event id: {html.escape(str(payload['event_id']))}</small></p>"
        "</body></html>"
    )
    return f"{prefix} {title}".strip(), "\n".join(lines) + "\n", page


def message(
    payload: Mapping[str, Any], sender: str, recipients: tuple[str, ...], route: str, prefix: str
) -> EmailMessage:
    """Return the e-mail of an event for one route: text with an HTML alternative."""
    subject, text, page = render(payload, prefix)
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = ", ".join(recipients)
    mail["Subject"] = subject
    domain = sender.rpartition("@")[2] or "sro-core"
    mail["Message-ID"] = f"<{payload['event_id']}.{route}@{domain}>"
    mail["X-SRO-Idempotency-Key"] = str(payload["event_id"])
    mail.set_content(text)
    mail.add_alternative(page, subtype="html")
    return mail
