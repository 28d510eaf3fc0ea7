"""Deliveries per second to real servers: the dispatcher and a notifier vs the raw client.

For each notifier plugin installed, against a real server on 127.0.0.1: an SMTP server
(aiosmtpd), an HTTP server (``http.server``, answering 204) and the RabbitMQ broker
(``SRO_BENCH_AMQP_URL``, else ``amqp://guest:guest@127.0.0.1:5672/%2F``). Library: ``--size``
events waiting in a SQLite outbox, delivered by ``Program.dispatch`` — claims, a worker
thread per notifier under its deadline, the payload decided per audience, each outcome
recorded. Raw: the same number of messages sent by the plain client as the notifier does
(smtplib, a session per message; one httpx client; pika with publisher confirms), bodies
built beforehand. Deliveries per second, library over raw.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import smtplib
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import common

from sro_core import PluginHost
from sro_core.builtin import BUILTIN_PLUGINS
from sro_core.domain import Actor, ActorRole, OfficerRegistered
from sro_core.service import NotifierSetting, Program, ProgramSettings

CHIEF = Actor(id="chief", name="Chief", role=ActorRole.SUPERVISOR)
AMQP_URL = os.environ.get("SRO_BENCH_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def _smtp_server() -> Iterator[int]:
    from aiosmtpd.controller import Controller  # noqa: PLC0415 - a test server, when installed

    class Sink:
        async def handle_DATA(self, *_args: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
            return "250 OK"

    controller = Controller(Sink(), hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


@contextlib.contextmanager
def _http_server() -> Iterator[int]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def _library(folder: Path, plugin: object, kind: str, options: dict[str, str], size: int) -> float:
    """Deliver ``size`` waiting events through the Program; return deliveries per second."""
    host = PluginHost.load(builtins=(*BUILTIN_PLUGINS, plugin), entry_points=False)
    settings = ProgramSettings(
        notifiers=(NotifierSetting(kind, tuple(options.items())),), dispatch_after_commit=False
    )
    with Program.open(f"sqlite:///{folder / f'{kind}.db'}", settings, plugins=host) as program:
        at = dt.datetime.now(dt.UTC)
        events = [
            OfficerRegistered(occurred_at=at, officer_id=uuid.uuid4(), badge=str(n))
            for n in range(size)
        ]
        with program.storage.unit_of_work() as unit:
            unit.outbox.put(events, at)
        began = time.perf_counter()
        report = program.dispatch(CHIEF)
        seconds = time.perf_counter() - began
    if report.delivered != size:
        raise SystemExit(f"{kind}: delivered {report.delivered} of {size} ({report})")
    return size / seconds


def _raw(send: Callable[[int], None], size: int) -> float:
    began = time.perf_counter()
    for n in range(size):
        send(n)
    return size / (time.perf_counter() - began)


def _body(n: int) -> bytes:
    return json.dumps({"kind": "OfficerRegistered", "event_id": str(uuid.uuid4()), "n": n}).encode()


def email_figures(folder: Path, size: int) -> tuple[float, float]:
    """Measure the e-mail notifier and smtplib against one SMTP server."""
    from sro_core_email import plugin  # noqa: PLC0415 - measured only when installed

    with _smtp_server() as port:
        options = {"host": "127.0.0.1", "port": str(port), "sender": "sro@pd.example"}
        library = _library(folder, plugin, "email", {**options, "to": "watch@pd.example"}, size)

        def send(n: int) -> None:
            mail = EmailMessage()
            mail["From"], mail["To"], mail["Subject"] = "sro@pd.example", "watch@pd.example", "x"
            mail.set_content(f"event {n}")
            mail.add_alternative(f"<p>event {n}</p>", subtype="html")
            with smtplib.SMTP("127.0.0.1", port, timeout=10) as session:
                session.send_message(mail)

        return library, _raw(send, size)


def webhook_figures(folder: Path, size: int) -> tuple[float, float]:
    """Measure the webhook notifier and httpx against one HTTP server."""
    import httpx  # noqa: PLC0415 - measured only when installed
    from sro_core_webhook import plugin  # noqa: PLC0415 - measured only when installed

    with _http_server() as port:
        url = f"http://127.0.0.1:{port}/events"
        options = {"secret": "bench", "to": url}
        library = _library(folder, plugin, "webhook", options, size)
        with httpx.Client(timeout=5) as client:

            def send(n: int) -> None:
                client.post(url, content=_body(n), headers={"Idempotency-Key": str(n)})

            return library, _raw(send, size)


def amqp_figures(folder: Path, size: int) -> tuple[float, float]:
    """Measure the AMQP notifier and pika (confirms, persistent) against RabbitMQ."""
    import pika  # noqa: PLC0415 - measured only when installed
    from sro_core_amqp import plugin  # noqa: PLC0415 - measured only when installed

    exchange = f"sro.bench.{uuid.uuid4().hex[:8]}"
    connection = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
    channel = connection.channel()
    channel.exchange_declare(exchange, "topic", durable=True)
    queue = channel.queue_declare("", exclusive=True).method.queue
    channel.queue_bind(queue, exchange, routing_key="sro.bench")
    channel.confirm_delivery()
    try:
        options = {"url": AMQP_URL, "exchange": exchange, "to": "sro.bench"}
        library = _library(folder, plugin, "amqp", options, size)
        persistent = pika.BasicProperties(delivery_mode=pika.DeliveryMode.Persistent)

        def send(n: int) -> None:
            channel.basic_publish(exchange, "sro.bench", _body(n), persistent, mandatory=True)

        return library, _raw(send, size)
    finally:
        channel.exchange_delete(exchange)
        connection.close()


def main() -> None:
    """Measure each installed notifier against its server and report the figures."""
    options = common.arguments(__doc__.splitlines()[0], size=2_000, tiny=100)
    measures = {"e-mail (SMTP)": email_figures, "webhook (HTTP)": webhook_figures}
    measures["AMQP (RabbitMQ)"] = amqp_figures
    with tempfile.TemporaryDirectory(prefix="sro-bench-") as folder:
        for name, measure in measures.items():
            try:
                library, raw = measure(Path(folder), options.size)
            except ImportError as missing:
                print(f"skipped {name}: {missing.name} is not installed")  # noqa: T201 - a report
                continue
            ratio = library / raw
            common.report(
                common.Figure(
                    f"deliveries to a real {name} server through the dispatcher vs the raw client",
                    "deliveries/s",
                    library,
                    raw,
                    ratio,
                    ">= 25%",
                    ">= 50%",
                    ratio >= 0.25,
                    ratio >= 0.5,
                    options.size,
                    "each delivery claimed, sent in the notifier's thread under its deadline, "
                    "its outcome committed (SQLite WAL)",
                ),
                as_json=options.json,
            )


if __name__ == "__main__":
    main()
