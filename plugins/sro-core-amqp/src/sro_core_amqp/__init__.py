"""Message-broker notifications for sro_core: events published to an AMQP 0-9-1 exchange.

- :class:`AmqpNotifier`: the ``amqp`` notifier kind, registered through the ``sro_core`` entry
  point ``amqp``.
"""

from __future__ import annotations

from sro_core_amqp.notifier import AmqpNotifier

__all__ = ["AmqpNotifier"]
