"""The webhook notifier against a real HTTP server on 127.0.0.1, and through the dispatcher."""

from __future__ import annotations

import datetime as dt
import hmac
import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import attrs
import pytest
from sro_core_webhook import SIGNATURE_HEADER, WebhookNotifier, signature

from sro_core.domain import CrisisDeclared, CrisisKind, OfficerRegistered
from sro_core.ports import DeliveryFailed

SECRET = "s3cret shared with the receiver"  # noqa: S105 - a test server's secret
AT = dt.datetime(2026, 9, 8, 15, tzinfo=dt.UTC)


@attrs.define
class Receiver:
    """What the test server received, and the answers it gives in turn."""

    answers: list[tuple[int, dict[str, str]]] = attrs.field(factory=list)
    posts: list[tuple[str, dict[str, str], bytes]] = attrs.field(factory=list)
    url: str = ""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """Run an HTTP server on 127.0.0.1 that answers from a script (then 204) and keeps posts."""
    got = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            got.posts.append((self.path, dict(self.headers.items()), body))
            status, headers = got.answers.pop(0) if got.answers else (204, {})
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    got.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield got
    finally:
        server.shutdown()
        server.server_close()


def _notifier(receiver: Receiver, **options: str) -> WebhookNotifier:
    return WebhookNotifier(
        {
            "secret": SECRET,
            "routes.cad.to": f"{receiver.url}/cad",
            "routes.cad.events": "CrisisDeclared",
            "routes.school.to": f"{receiver.url}/school",
            "routes.school.audience": "school_administration",
            "max_wait_seconds": "1",
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


def test_a_post_carries_json_the_key_and_a_signature_that_checks(receiver: Receiver) -> None:
    """Each route's URL gets the audience's payload, the event id as key, a valid HMAC."""
    notifier = _notifier(receiver)
    event = _crisis()
    notifier.deliver(event, event.event_id)
    notifier.close()
    by_path = {path: (headers, body) for path, headers, body in receiver.posts}
    assert set(by_path) == {"/cad", "/school"}
    for path, audience in (("/cad", "department"), ("/school", "school_administration")):
        headers, body = by_path[path]
        assert headers["Idempotency-Key"] == str(event.event_id)
        assert hmac.compare_digest(headers[SIGNATURE_HEADER], signature(SECRET, body))
        payload = json.loads(body)
        assert (payload["kind"], payload["audience"]) == ("CrisisDeclared", audience)
        assert payload["event"]["crisis_id"] == str(uuid.UUID(int=3))


def test_a_route_takes_only_its_event_kinds(receiver: Receiver) -> None:
    """An event kind a route does not name is not posted to it."""
    notifier = _notifier(receiver)
    event = OfficerRegistered(occurred_at=AT, officer_id=uuid.UUID(int=1), badge="7")
    notifier.deliver(event, event.event_id)
    notifier.close()
    assert [path for path, _, _ in receiver.posts] == ["/school"]


def test_5xx_and_429_are_tried_again_honouring_retry_after(receiver: Receiver) -> None:
    """A 503 then a 429 (Retry-After: 0) then 204 delivers, with the same key all three times."""
    receiver.answers = [(503, {}), (429, {"Retry-After": "0"})]
    notifier = _notifier(receiver, **{"routes.school.to": f"{receiver.url}/school"})
    event = OfficerRegistered(occurred_at=AT, officer_id=uuid.UUID(int=1), badge="7")
    notifier.deliver(event, event.event_id)
    notifier.close()
    keys = [headers["Idempotency-Key"] for _, headers, _ in receiver.posts]
    assert keys == [str(event.event_id)] * 3


def test_a_long_retry_after_is_left_to_the_dispatcher(receiver: Receiver) -> None:
    """A Retry-After beyond max_wait fails the try at once, asking for that wait."""
    receiver.answers = [(429, {"Retry-After": "120"})]
    notifier = _notifier(receiver)
    event = OfficerRegistered(occurred_at=AT, officer_id=uuid.UUID(int=1), badge="7")
    with pytest.raises(DeliveryFailed) as failed:
        notifier.deliver(event, event.event_id)
    notifier.close()
    assert not failed.value.permanent
    assert failed.value.retry_after == dt.timedelta(seconds=120)
    assert len(receiver.posts) == 1


@pytest.mark.parametrize("status", [400, 401, 404, 410, 422])
def test_other_4xx_are_permanent_and_not_tried_again(receiver: Receiver, status: int) -> None:
    """A 4xx other than 429 is a permanent failure after one post."""
    receiver.answers = [(status, {})]
    notifier = _notifier(receiver)
    event = OfficerRegistered(occurred_at=AT, officer_id=uuid.UUID(int=1), badge="7")
    with pytest.raises(DeliveryFailed) as failed:
        notifier.deliver(event, event.event_id)
    notifier.close()
    assert failed.value.permanent
    assert str(status) in str(failed.value)
    assert len(receiver.posts) == 1


def test_a_server_that_keeps_failing_is_left_to_the_dispatcher(receiver: Receiver) -> None:
    """Three 500s in a row fail the delivery, not permanently."""
    receiver.answers = [(500, {})] * 3
    notifier = _notifier(receiver)
    event = OfficerRegistered(occurred_at=AT, officer_id=uuid.UUID(int=1), badge="7")
    with pytest.raises(DeliveryFailed) as failed:
        notifier.deliver(event, event.event_id)
    notifier.close()
    assert not failed.value.permanent
    assert len(receiver.posts) == 3


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"secret": ""}, "secret"),
        ({"routes.cad.to": "ftp://x"}, "routes.cad.to"),
        ({"routes.cad.events": "NoSuchEvent"}, "NoSuchEvent"),
        ({"routes.cad.audience": "everyone"}, "routes.cad.audience"),
        ({"tries": "x"}, "tries"),
    ],
)
def test_bad_options_are_refused_naming_the_option(
    receiver: Receiver, options: dict[str, str], named: str
) -> None:
    """A bad option is a ValueError that names it."""
    with pytest.raises(ValueError, match=named):
        _notifier(receiver, **options)
