"""The ``webhook`` notifier: a signed JSON POST per event to each URL of each route it takes.

The body is :func:`~sro_core.service.payload_for` the route's audience, as UTF-8 JSON. The
``Idempotency-Key`` header is the event id, the same on every try, so a receiver keeps one
copy; ``X-SRO-Signature`` is ``sha256=`` and the hex HMAC-SHA256 of the body with the shared
secret. A 2xx answer delivers. A 5xx, a 429 or a network error is tried again, at once or
after the ``Retry-After`` the receiver asked for (up to ``max_wait_seconds``), ``tries`` times
in all; if it still fails, the dispatcher retries later, no sooner than that ``Retry-After``.
Any other 4xx is permanent: the delivery goes to the dead letters for the operator.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Mapping

import httpx

from sro_core.domain import DomainEvent
from sro_core.policy import event_kinds, payload_for
from sro_core.ports import DeliveryFailed, Notifier, Route, routes_from

SIGNATURE_HEADER = "X-SRO-Signature"
"""The header carrying ``sha256=<hex HMAC-SHA256 of the body>``."""


def signature(secret: str, body: bytes) -> str:
    """Return the signature header value of a body under the shared secret."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def _number(options: Mapping[str, str], key: str, default: float, least: float) -> float:
    text = options.get(key)
    if text is None:
        return default
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{key}: {text!r} is not a number") from None
    if value < least:
        raise ValueError(f"{key}: {text!r} is below {least:g}")
    return value


class WebhookNotifier(Notifier):
    """Posts each event to the URLs of the routes that take it.

    Options: ``secret`` (required: the HMAC key), the routes (``to`` = URLs), ``timeout_seconds``
    of one request (default 5), ``tries`` per delivery (default 3) and ``max_wait_seconds``, the
    longest ``Retry-After`` waited for within a delivery (default 2).
    """

    kind = "webhook"

    def __init__(self, options: Mapping[str, str]) -> None:
        secret = options.get("secret", "")
        if not secret:
            raise ValueError("secret: a shared secret is needed to sign the posts")
        self.secret = secret
        self.routes: tuple[Route, ...] = routes_from(options, event_kinds())
        for route in self.routes:
            for url in route.recipients:
                if httpx.URL(url).scheme not in {"http", "https"}:
                    raise ValueError(f"routes.{route.name}.to: {url!r} is not an http(s) URL")
        self.timeout = _number(options, "timeout_seconds", 5.0, 0.001)
        self.tries = int(_number(options, "tries", 3, 1))
        self.max_wait = _number(options, "max_wait_seconds", 2.0, 0)
        self.client = httpx.Client(timeout=self.timeout, follow_redirects=False)

    def deliver(self, event: DomainEvent, idempotency_key: uuid.UUID) -> None:
        """Post the event to every URL of every route that takes it."""
        for route in self.routes:
            if route.takes(event):
                body = json.dumps(payload_for(event, route.audience), sort_keys=True).encode()
                for url in route.recipients:
                    self._post(url, body, idempotency_key)

    def _post(self, url: str, body: bytes, key: uuid.UUID) -> None:
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": str(key),
            SIGNATURE_HEADER: signature(self.secret, body),
        }
        failure = "no try made"
        wait: dt.timedelta | None = None
        for attempt in range(1, self.tries + 1):
            try:
                answer = self.client.post(url, content=body, headers=headers)
            except httpx.HTTPError as error:
                failure, wait = f"{url}: {type(error).__name__}: {error}", None
            else:
                if answer.is_success:
                    return
                failure = f"{url} answered {answer.status_code} {answer.reason_phrase}"
                if answer.status_code != 429 and answer.status_code < 500:
                    raise DeliveryFailed(failure, permanent=True)
                wait = _retry_after(answer.headers.get("Retry-After"))
            if attempt == self.tries:
                break
            if wait is not None:
                if wait.total_seconds() > self.max_wait:
                    break
                time.sleep(wait.total_seconds())
        raise DeliveryFailed(failure, retry_after=wait)

    def close(self) -> None:
        """Close the connection pool."""
        self.client.close()


def _retry_after(value: str | None) -> dt.timedelta | None:
    """Read a ``Retry-After`` header: seconds, or an HTTP date; None if absent or unreadable."""
    if value is None:
        return None
    if value.strip().isdigit():
        return dt.timedelta(seconds=int(value))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(dt.timedelta(0), when - dt.datetime.now(dt.UTC))
