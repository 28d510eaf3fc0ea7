"""The ``email`` notifier: one message per route that takes an event, over SMTP.

A connection is opened for each delivery (a delivery abandoned at its deadline may still
hold its own), upgraded with STARTTLS when asked, and logged in to when a user is given.
The message's ``Message-ID`` and ``X-SRO-Idempotency-Key`` come from the event id, so a
repeated message can be recognised. A 5xx answer (a refused recipient or sender, failed
login) is permanent: the delivery goes to the dead letters; a 4xx answer or a network
error is retried.
"""

from __future__ import annotations

import smtplib
import ssl
import uuid
from collections.abc import Mapping

from sro_core.domain import DomainEvent
from sro_core.policy import event_kinds, payload_for
from sro_core.ports import DeliveryFailed, Notifier, Route, routes_from
from sro_core_email.messages import message

_TRUE, _FALSE = frozenset({"true", "yes", "1"}), frozenset({"false", "no", "0"})


def _flag(options: Mapping[str, str], key: str) -> bool:
    text = options.get(key, "false").lower()
    if text not in _TRUE | _FALSE:
        raise ValueError(f"{key}: {text!r} is not true or false")
    return text in _TRUE


class EmailNotifier(Notifier):
    """Mails each event to the recipients of the routes that take it.

    Options: ``host`` (required), ``port`` (default 25), ``sender`` (required), ``starttls``
    (true/false), ``ca_file`` (a CA bundle to check the server's certificate by; default the
    system's), ``username`` and ``password`` (log in when given), ``timeout_seconds`` (of the
    connection, default 10), ``subject_prefix`` (default ``[SRO]``) and the routes (``to`` =
    addresses).
    """

    kind = "email"

    def __init__(self, options: Mapping[str, str]) -> None:
        self.host = options.get("host", "")
        self.sender = options.get("sender", "")
        for key in ("host", "sender"):
            if not options.get(key):
                raise ValueError(f"{key}: required")
        try:
            self.port = int(options.get("port", "25"))
            self.timeout = float(options.get("timeout_seconds", "10"))
        except ValueError as error:
            raise ValueError(f"port or timeout_seconds: {error}") from None
        self.starttls = _flag(options, "starttls")
        self.ca_file = options.get("ca_file")
        self.username = options.get("username")
        self.password = options.get("password", "")
        self.prefix = options.get("subject_prefix", "[SRO]")
        self.routes: tuple[Route, ...] = routes_from(options, event_kinds())
        for route in self.routes:
            for address in route.recipients:
                if "@" not in address:
                    raise ValueError(f"routes.{route.name}.to: {address!r} is not an address")

    def deliver(self, event: DomainEvent, idempotency_key: uuid.UUID) -> None:  # noqa: ARG002 - the id is in the payload
        """Send the event's message to each route that takes it, in one SMTP session."""
        mails = [
            message(payload_for(event, r.audience), self.sender, r.recipients, r.name, self.prefix)
            for r in self.routes
            if r.takes(event)
        ]
        if not mails:
            return
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as session:
                if self.starttls:
                    session.starttls(context=ssl.create_default_context(cafile=self.ca_file))
                if self.username:
                    session.login(self.username, self.password)
                for mail in mails:
                    session.send_message(mail)
        except smtplib.SMTPRecipientsRefused as refused:
            codes = [code for code, _ in refused.recipients.values()]
            raise DeliveryFailed(
                f"recipients refused: {refused.recipients}", permanent=min(codes) >= 500
            ) from None
        except smtplib.SMTPResponseException as answer:
            said = answer.smtp_error
            text = said.decode("utf-8", "replace") if isinstance(said, bytes) else said
            raise DeliveryFailed(
                f"{self.host} answered {answer.smtp_code} {text}", permanent=answer.smtp_code >= 500
            ) from None
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryFailed(
                f"{self.host}:{self.port}: {type(error).__name__}: {error}"
            ) from None
