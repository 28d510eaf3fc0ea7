"""Webhook notifications for sro_core: each event POSTed as signed JSON to each route's URLs.

- :class:`WebhookNotifier`: the ``webhook`` notifier kind, registered through the ``sro_core``
  entry point ``webhook``.
- :func:`signature`: the ``X-SRO-Signature`` header value a receiver recomputes to check a
  post came from the program.
"""

from __future__ import annotations

from sro_core_webhook.notifier import SIGNATURE_HEADER, WebhookNotifier, signature

__all__ = ["SIGNATURE_HEADER", "WebhookNotifier", "signature"]
