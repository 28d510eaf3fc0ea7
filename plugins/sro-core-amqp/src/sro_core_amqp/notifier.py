"""The ``amqp`` notifier: each event published to an exchange, once per routing key it takes.

The connection is opened at the first delivery and kept, one per thread (pika's connections
are not shared between threads, and a delivery abandoned at its deadline keeps its own).
The exchange is declared (durable, of the configured type) when the channel opens, and the
channel is put in confirm mode: ``basic_publish`` returns once the broker has the message,
so a delivery is recorded only for a message the broker took. A refused or unroutable
message, a lost connection or a broker error fails the delivery, to be retried; the broken
connection is dropped and opened again at the next delivery.
"""

from __future__ import annotations

import contextlib
import json
import threading
import uuid
from collections.abc import Mapping

import pika
import pika.exceptions
from pika.adapters.blocking_connection import BlockingChannel

from sro_core.domain import DomainEvent
from sro_core.policy import event_kinds, payload_for
from sro_core.ports import DeliveryFailed, Notifier, Route, routes_from

_EXCHANGE_TYPES = frozenset({"topic", "direct", "fanout", "headers"})


class AmqpNotifier(Notifier):
    """Publishes each event to the exchange under the routing keys of the routes that take it.

    Options: ``url`` (default ``amqp://guest:guest@127.0.0.1:5672/%2F``), ``exchange``
    (default ``sro.events``), ``exchange_type`` (default ``topic``), ``timeout_seconds``
    (connection and socket, default 5) and the routes (``to`` = routing keys).
    """

    kind = "amqp"

    def __init__(self, options: Mapping[str, str]) -> None:
        url = options.get("url", "amqp://guest:guest@127.0.0.1:5672/%2F")
        try:
            self.parameters = pika.URLParameters(url)
            timeout = float(options.get("timeout_seconds", "5"))
        except (ValueError, TypeError) as error:
            raise ValueError(f"url or timeout_seconds: {error}") from None
        self.parameters.socket_timeout = timeout
        self.parameters.blocked_connection_timeout = timeout
        self.parameters.stack_timeout = timeout
        self.exchange = options.get("exchange", "sro.events")
        self.exchange_type = options.get("exchange_type", "topic")
        if self.exchange_type not in _EXCHANGE_TYPES:
            raise ValueError(
                f"exchange_type: {self.exchange_type!r} is not one of {sorted(_EXCHANGE_TYPES)}"
            )
        self.routes: tuple[Route, ...] = routes_from(options, event_kinds())
        self._local = threading.local()
        self._connections: list[pika.BlockingConnection] = []
        self._lock = threading.Lock()

    def _channel(self) -> BlockingChannel:
        channel: BlockingChannel | None = getattr(self._local, "channel", None)
        if channel is not None and channel.is_open:
            return channel
        connection = pika.BlockingConnection(self.parameters)
        with self._lock:
            self._connections.append(connection)
        channel = connection.channel()
        channel.exchange_declare(self.exchange, self.exchange_type, durable=True)
        channel.confirm_delivery()
        self._local.channel = channel
        self._local.connection = connection
        return channel

    def deliver(self, event: DomainEvent, idempotency_key: uuid.UUID) -> None:
        """Publish the event under each routing key of each route that takes it, confirmed."""
        for route in self.routes:
            if not route.takes(event):
                continue
            body = json.dumps(payload_for(event, route.audience), sort_keys=True).encode()
            properties = pika.BasicProperties(
                content_type="application/json",
                delivery_mode=pika.DeliveryMode.Persistent,
                message_id=str(idempotency_key),
                type=type(event).__name__,
                headers={"audience": route.audience.value},
            )
            for key in route.recipients:
                self._publish(key, body, properties)

    def _publish(self, key: str, body: bytes, properties: pika.BasicProperties) -> None:
        try:
            self._channel().basic_publish(
                self.exchange, key, body, properties=properties, mandatory=True
            )
        except pika.exceptions.UnroutableError:
            raise DeliveryFailed(
                f"exchange {self.exchange!r}: no queue is bound for routing key {key!r}"
            ) from None
        except pika.exceptions.NackError:
            raise DeliveryFailed(f"the broker refused the message for {key!r}") from None
        except pika.exceptions.AMQPError as error:
            self._drop()
            raise DeliveryFailed(f"{type(error).__name__}: {error}") from None
        except OSError as error:
            self._drop()
            raise DeliveryFailed(f"{type(error).__name__}: {error}") from None

    def _drop(self) -> None:
        """Forget this thread's connection after a failure; the next delivery opens a new one."""
        connection = getattr(self._local, "connection", None)
        self._local.channel = None
        self._local.connection = None
        if connection is not None and connection.is_open:
            with contextlib.suppress(pika.exceptions.AMQPError):
                connection.close()

    def close(self) -> None:
        """Close every connection this notifier opened."""
        with self._lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            if connection.is_open:
                with contextlib.suppress(pika.exceptions.AMQPError):
                    connection.close()
