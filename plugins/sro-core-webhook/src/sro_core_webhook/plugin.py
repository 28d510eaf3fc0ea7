"""The plugin's hook implementation: the ``webhook`` notifier kind.

Found through the ``sro_core`` entry point ``webhook``.
"""

from __future__ import annotations

from sro_core import hookimpl
from sro_core.ports import NotifierRegistry
from sro_core_webhook.notifier import WebhookNotifier


@hookimpl
def sro_register_notifiers(registry: NotifierRegistry) -> None:
    """Register the ``webhook`` notifier kind."""
    registry.register("webhook", WebhookNotifier, "signed JSON posts to the routes' URLs")
