"""The plugin's hook implementation: the ``email`` notifier kind.

Found through the ``sro_core`` entry point ``email``.
"""

from __future__ import annotations

from sro_core import hookimpl
from sro_core.ports import NotifierRegistry
from sro_core_email.notifier import EmailNotifier


@hookimpl
def sro_register_notifiers(registry: NotifierRegistry) -> None:
    """Register the ``email`` notifier kind."""
    registry.register("email", EmailNotifier, "plain-text and HTML e-mail over SMTP")
