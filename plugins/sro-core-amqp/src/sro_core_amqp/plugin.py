"""The plugin's hook implementation: the ``amqp`` notifier kind.

Found through the ``sro_core`` entry point ``amqp``.
"""

from __future__ import annotations

from sro_core import hookimpl
from sro_core.ports import NotifierRegistry
from sro_core_amqp.notifier import AmqpNotifier


@hookimpl
def sro_register_notifiers(registry: NotifierRegistry) -> None:
    """Register the ``amqp`` notifier kind."""
    registry.register("amqp", AmqpNotifier, "persistent, confirmed AMQP 0-9-1 messages")
