"""The built-in notifier: each event as a structured log line on the ``sro_core.events`` logger."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping

from sro_core.domain import Audience, DomainEvent
from sro_core.hookspecs import hookimpl
from sro_core.policy import event_payload
from sro_core.ports import Notifier, NotifierRegistry

LOGGER = "sro_core.events"


class LogNotifier(Notifier):
    """Writes each event as a JSON log line; options: ``level`` (default INFO)."""

    kind = "log"
    blocking = False  # a log line: the handlers configured are the application's to keep quick

    def __init__(self, options: Mapping[str, str]) -> None:
        level_name = options.get("level", "INFO").upper()
        level = logging.getLevelName(level_name)
        if not isinstance(level, int):
            raise ValueError(f"level: not a logging level ({level_name!r})")
        self.level = level
        self.logger = logging.getLogger(LOGGER)

    def deliver(self, event: DomainEvent, idempotency_key: uuid.UUID) -> None:
        """Log the event as the department may receive it, with its idempotency key."""
        payload = event_payload(event, Audience.DEPARTMENT)
        line = {"idempotency_key": str(idempotency_key), "event": payload}
        self.logger.log(self.level, json.dumps(line, sort_keys=True))


@hookimpl
def sro_register_notifiers(registry: NotifierRegistry) -> None:
    """Register the ``log`` notifier kind."""
    registry.register("log", LogNotifier, "structured log lines on the sro_core.events logger")
