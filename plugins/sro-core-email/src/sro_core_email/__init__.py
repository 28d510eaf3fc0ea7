"""E-mail notifications for sro_core: each event as a plain-text and HTML message over SMTP.

- :class:`EmailNotifier`: the ``email`` notifier kind, registered through the ``sro_core``
  entry point ``email``.
- :func:`render`: the message an event becomes for one route (subject, text and HTML).
"""

from __future__ import annotations

from sro_core_email.messages import render
from sro_core_email.notifier import EmailNotifier

__all__ = ["EmailNotifier", "render"]
