"""The AMQP notifier against the RabbitMQ broker on 127.0.0.1:5672 (guest/guest).

Skipped, saying why, when no broker answers; with ``SRO_REQUIRE_SERVICES=1`` (CI) that fails.
Each test publishes to an exchange of its own, deleted after.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import uuid
from collections.abc import Iterator

import pika
import pika.exceptions
import pytest
from sro_core_amqp import AmqpNotifier
from sro_core_amqp import plugin as amqp_plugin

from sro_core import PluginHost
from sro_core.builtin import BUILTIN_PLUGINS
from sro_core.domain import Actor, ActorRole, CrisisDeclared, CrisisKind, Officer, OfficerRegistered
from sro_core.ports import DeliveryFailed, DeliveryStatus
from sro_core.service import NotifierSetting, Program, ProgramSettings

URL = os.environ.get("SRO_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
AT = dt.datetime(2026, 9, 8, 15, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def broker() -> Iterator[pika.BlockingConnection]:
    """Connect to the broker, or skip (fail with SRO_REQUIRE_SERVICES=1) when none answers."""
    try:
        connection = pika.BlockingConnection(pika.URLParameters(URL))
    except (pika.exceptions.AMQPError, OSError) as error:
        problem = f"no AMQP broker answers at {URL}: {type(error).__name__}"
        if os.environ.get("SRO_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{problem} (SRO_REQUIRE_SERVICES=1)", pytrace=False)
        pytest.skip(problem)
    yield connection
    connection.close()


@pytest.fixture
def exchange(broker: pika.BlockingConnection) -> Iterator[tuple[str, dict[str, str]]]:
    """Return a fresh exchange and queues bound to it for ``sro.crisis`` and ``sro.school``."""
    channel = broker.channel()
    name = f"sro.test.{uuid.uuid4().hex[:12]}"
    channel.exchange_declare(name, "topic", durable=True)
    queues = {}
    for key in ("sro.crisis", "sro.school"):
        queue = channel.queue_declare("", exclusive=True).method.queue
        channel.queue_bind(queue, name, routing_key=key)
        queues[key] = queue
    yield name, queues
    channel.exchange_delete(name)
    channel.close()


def _notifier(name: str, **options: str) -> AmqpNotifier:
    return AmqpNotifier(
        {
            "url": URL,
            "exchange": name,
            "routes.cad.to": "sro.crisis",
            "routes.cad.events": "CrisisDeclared",
            "routes.school.to": "sro.school",
            "routes.school.audience": "school_administration",
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


def _take(broker: pika.BlockingConnection, queue: str) -> tuple[pika.BasicProperties, bytes] | None:
    channel = broker.channel()
    try:
        _method, properties, body = channel.basic_get(queue, auto_ack=True)
    finally:
        channel.close()
    return None if body is None else (properties, body)


def test_each_routing_key_gets_a_persistent_message_keyed_by_the_event(
    broker: pika.BlockingConnection, exchange: tuple[str, dict[str, str]]
) -> None:
    """A crisis goes to both keys: persistent, JSON, the event id as message id, per audience."""
    name, queues = exchange
    notifier = _notifier(name)
    event = _crisis()
    notifier.deliver(event, event.event_id)
    notifier.close()
    for key, audience in (("sro.crisis", "department"), ("sro.school", "school_administration")):
        taken = _take(broker, queues[key])
        assert taken is not None, key
        properties, body = taken
        assert properties.delivery_mode == 2
        assert properties.message_id == str(event.event_id)
        assert properties.content_type == "application/json"
        payload = json.loads(body)
        assert (payload["kind"], payload["audience"]) == ("CrisisDeclared", audience)


def test_a_message_no_queue_takes_fails_the_delivery(
    exchange: tuple[str, dict[str, str]],
) -> None:
    """Publishing under a key no queue is bound to is a failure to retry, not a silent drop."""
    name, _ = exchange
    notifier = _notifier(name, **{"routes.school.to": "nobody.listens"})
    event = OfficerRegistered(occurred_at=AT, officer_id=uuid.UUID(int=1), badge="7")
    with pytest.raises(DeliveryFailed, match=r"nobody\.listens") as failed:
        notifier.deliver(event, event.event_id)
    notifier.close()
    assert not failed.value.permanent


def test_no_broker_is_a_failure_to_retry() -> None:
    """A broker that does not answer fails the delivery, to be retried."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    notifier = _notifier("x", url=f"amqp://guest:guest@127.0.0.1:{port}/%2F", timeout_seconds="1")
    event = OfficerRegistered(occurred_at=AT, officer_id=uuid.UUID(int=1), badge="7")
    with pytest.raises(DeliveryFailed):
        notifier.deliver(event, event.event_id)
    notifier.close()


def test_a_command_publishes_through_the_dispatcher(
    broker: pika.BlockingConnection, exchange: tuple[str, dict[str, str]]
) -> None:
    """The program's dispatcher publishes a command's event, confirmed, and records it."""
    name, queues = exchange
    host = PluginHost.load(builtins=(*BUILTIN_PLUGINS, amqp_plugin), entry_points=False)
    options = (("url", URL), ("exchange", name), ("to", "sro.school"))
    settings = ProgramSettings(notifiers=(NotifierSetting("amqp", options),))
    chief = Actor(id="chief", name="Chief", role=ActorRole.SUPERVISOR)
    with Program.open("memory:", settings, plugins=host) as program:
        program.register_officer(chief, Officer(badge="4127", name="Dana Reyes"))
        with program.storage.unit_of_work() as unit:
            [entry] = unit.outbox.entries()
            [delivery] = unit.outbox.deliveries(entry.event.event_id)
    assert delivery.status is DeliveryStatus.DELIVERED
    taken = _take(broker, queues["sro.school"])
    assert taken is not None
    assert taken[0].message_id == str(entry.event.event_id)


@pytest.mark.parametrize(
    ("options", "named"),
    [({"exchange_type": "nope"}, "exchange_type"), ({"routes.cad.to": ""}, "routes.cad.to")],
)
def test_bad_options_are_refused_naming_the_option(options: dict[str, str], named: str) -> None:
    """A bad option is a ValueError that names it."""
    with pytest.raises(ValueError, match=named):
        _notifier("x", **options)
