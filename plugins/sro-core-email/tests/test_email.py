"""The e-mail notifier against a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
import ssl
import subprocess
import uuid
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import attrs
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sro_core_email import EmailNotifier
from sro_core_email import plugin as email_plugin

from sro_core import PluginHost
from sro_core.builtin import BUILTIN_PLUGINS
from sro_core.domain import (
    Actor,
    ActorRole,
    CrisisDeclared,
    CrisisKind,
    Officer,
    OfficerRegistered,
)
from sro_core.ports import DeliveryFailed, DeliveryStatus
from sro_core.service import NotifierSetting, Program, ProgramSettings

AT = dt.datetime(2026, 9, 8, 15, tzinfo=dt.UTC)
USER, PASSWORD = "sro", "correct horse"


@attrs.define
class Mailbox:
    """What the SMTP server accepted."""

    messages: list[tuple[str, list[str], EmailMessage]] = attrs.field(factory=list)

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, _server: Any, _session: Any, envelope: Any, address: str, _options: Any
    ) -> str:
        """Refuse nobody@ for good and busy@ for now; take the rest."""
        if address.startswith("nobody@"):
            return "550 no such mailbox"
        if address.startswith("busy@"):
            return "451 mailbox busy, try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, _server: Any, _session: Any, envelope: Any
    ) -> str:
        """Keep the message."""
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _login(_server: Any, _session: Any, _envelope: Any, _mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)  # not handled: aiosmtpd answers 535


@attrs.frozen
class Server:
    """A running SMTP server: its port, its mailbox, and its certificate (TLS servers)."""

    port: int
    mailbox: Mailbox
    certificate: Path | None = None


@pytest.fixture
def plain() -> Iterator[Server]:
    """Run a plain SMTP server on 127.0.0.1."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield Server(controller.port, mailbox)
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Make a self-signed certificate for 127.0.0.1 with openssl."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    command = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
    command += "-addext subjectAltName=IP:127.0.0.1"
    arguments = [*command.split(), "-keyout", str(key), "-out", str(cert)]
    subprocess.run(arguments, check=True, capture_output=True)  # noqa: S603 - our own arguments
    return cert, key


@pytest.fixture
def secured(certificate: tuple[Path, Path]) -> Iterator[Server]:
    """Run an SMTP server that requires STARTTLS, then a login."""
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    mailbox = Mailbox()
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=_free_port(),
        tls_context=context,
        require_starttls=True,
        authenticator=_login,
        auth_require_tls=True,
        auth_required=True,
    )
    controller.start()
    try:
        yield Server(controller.port, mailbox, cert)
    finally:
        controller.stop()


def _notifier(server: Server, **options: str) -> EmailNotifier:
    return EmailNotifier(
        {
            "host": "127.0.0.1",
            "port": str(server.port),
            "sender": "sro@pd.example",
            "timeout_seconds": "5",
            "routes.watch.to": "watch@pd.example",
            "routes.principal.to": "principal@hs.example, vp@hs.example",
            "routes.principal.audience": "school_administration",
            "routes.principal.events": "CrisisDeclared",
            **options,
        }
    )


def _crisis() -> CrisisDeclared:
    return CrisisDeclared(
        occurred_at=AT,
        crisis_id=uuid.UUID(int=3),
        school_id=uuid.UUID(int=4),
        kind=CrisisKind.LOCKDOWN,
    )


def test_each_route_gets_a_text_and_html_message_with_the_event_id(plain: Server) -> None:
    """A crisis reaches the watch and the principals: subject, text, HTML, stable ids."""
    event = _crisis()
    _notifier(plain).deliver(event, event.event_id)
    by_route = {tuple(to): mail for _, to, mail in plain.mailbox.messages}
    assert set(by_route) == {("watch@pd.example",), ("principal@hs.example", "vp@hs.example")}
    for mail in by_route.values():
        assert mail["Subject"] == "[SRO] Crisis declared"
        assert mail["X-SRO-Idempotency-Key"] == str(event.event_id)
        assert str(event.event_id) in mail["Message-ID"]
        text = mail.get_body(("plain",))
        page = mail.get_body(("html",))
        assert text is not None
        assert page is not None
        assert "A crisis was declared at a school." in text.get_content()
        assert "<h1>Crisis declared</h1>" in page.get_content()
        assert "lockdown" in text.get_content()


def test_a_route_takes_only_its_event_kinds(plain: Server) -> None:
    """An officer's registration reaches the watch only."""
    event = OfficerRegistered(occurred_at=AT, officer_id=uuid.UUID(int=1), badge="7")
    _notifier(plain).deliver(event, event.event_id)
    assert [to for _, to, _ in plain.mailbox.messages] == [["watch@pd.example"]]


def test_starttls_and_login_deliver(secured: Server) -> None:
    """With STARTTLS (the server's certificate trusted) and the right login, mail goes."""
    notifier = _notifier(
        secured,
        starttls="true",
        ca_file=str(secured.certificate),
        username=USER,
        password=PASSWORD,
    )
    event = _crisis()
    notifier.deliver(event, event.event_id)
    assert len(secured.mailbox.messages) == 2


@pytest.mark.parametrize(
    "options",
    [
        {"starttls": "true", "username": USER, "password": "wrong"},
        {"starttls": "false"},
    ],
)
def test_a_refused_login_or_missing_starttls_is_permanent(
    secured: Server, options: dict[str, str]
) -> None:
    """A wrong password (535) or no STARTTLS where required (530) goes to the dead letters."""
    notifier = _notifier(secured, ca_file=str(secured.certificate), **options)
    event = _crisis()
    with pytest.raises(DeliveryFailed) as failed:
        notifier.deliver(event, event.event_id)
    assert failed.value.permanent
    assert secured.mailbox.messages == []


@pytest.mark.parametrize(
    ("address", "permanent"), [("nobody@x.example", True), ("busy@x.example", False)]
)
def test_a_refused_recipient_is_permanent_for_5xx_and_retried_for_4xx(
    plain: Server, address: str, permanent: bool
) -> None:
    """550 for a recipient is permanent; 451 is retried later."""
    notifier = _notifier(plain, **{"routes.watch.to": address})
    event = OfficerRegistered(occurred_at=AT, officer_id=uuid.UUID(int=1), badge="7")
    with pytest.raises(DeliveryFailed) as failed:
        notifier.deliver(event, event.event_id)
    assert failed.value.permanent is permanent


def test_no_server_is_retried() -> None:
    """A connection refused is a failure to retry, not a dead letter."""
    notifier = _notifier(Server(_free_port(), Mailbox()))
    event = OfficerRegistered(occurred_at=AT, officer_id=uuid.UUID(int=1), badge="7")
    with pytest.raises(DeliveryFailed) as failed:
        notifier.deliver(event, event.event_id)
    assert not failed.value.permanent


def test_a_command_mails_through_the_dispatcher(plain: Server) -> None:
    """The program's dispatcher delivers a command's event to the mailbox, once, recorded."""
    host = PluginHost.load(builtins=(*BUILTIN_PLUGINS, email_plugin), entry_points=False)
    options = (
        ("host", "127.0.0.1"),
        ("port", str(plain.port)),
        ("sender", "sro@pd.example"),
        ("to", "watch@pd.example"),
    )
    settings = ProgramSettings(notifiers=(NotifierSetting("email", options),))
    chief = Actor(id="chief", name="Chief", role=ActorRole.SUPERVISOR)
    with Program.open("memory:", settings, plugins=host) as program:
        program.register_officer(chief, Officer(badge="4127", name="Dana Reyes"))
        with program.storage.unit_of_work() as unit:
            [entry] = unit.outbox.entries()
            [delivery] = unit.outbox.deliveries(entry.event.event_id)
    assert delivery.status is DeliveryStatus.DELIVERED
    [(sender, to, mail)] = plain.mailbox.messages
    assert (sender, to, mail["Subject"]) == (
        "sro@pd.example",
        ["watch@pd.example"],
        "[SRO] Officer registered",
    )


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"host": ""}, "host"),
        ({"starttls": "maybe"}, "starttls"),
        ({"routes.watch.to": "watch"}, "watch"),
    ],
)
def test_bad_options_are_refused_naming_the_option(
    plain: Server, options: dict[str, str], named: str
) -> None:
    """A bad option is a ValueError that names it."""
    with pytest.raises(ValueError, match=named):
        _notifier(plain, **options)
