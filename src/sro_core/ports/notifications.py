"""The notification contract: notifiers that deliver domain events, and the registry of kinds.

Plugins register notifier *kinds* (``smtp``, ``webhook`` …) with a factory; the program's
configuration enables notifiers by kind and options. After commit, the dispatcher hands each
outbox event to each enabled notifier, at least once, with the event id as idempotency key;
a notifier that raises is retried with backoff and, if it keeps failing, the delivery goes to
the dead-letter list.
"""

from __future__ import annotations

import abc
import types
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import ClassVar

import attrs

from sro_core.domain import Audience, DomainEvent
from sro_core.errors import DeliveryFailed as DeliveryFailed
from sro_core.errors import UnknownNotifier as UnknownNotifier
from sro_core.ports.claims import Attribution, RegistrationError


class Notifier(abc.ABC):
    """Delivers domain events somewhere outside the program (mail, a webhook, a log …)."""

    kind: str
    """The kind it was created as (``smtp``, ``webhook`` …)."""

    blocking: ClassVar[bool] = True
    """Whether a delivery may wait on anything outside the process (a network, a disk, a lock).

    A notifier that sets it False promises that ``deliver`` returns at once: the dispatcher
    then calls it in its own thread, without a worker thread or a deadline. Every other
    notifier runs in a worker thread under its deadline.
    """

    @abc.abstractmethod
    def deliver(self, event: DomainEvent, idempotency_key: uuid.UUID) -> None:
        """Deliver one event, or raise (best :class:`DeliveryFailed`) saying why it could not.

        :param event: the event; events carry ids, numbers and codes, never names or narrative.
        :param idempotency_key: the event's id; the same event may come again after a failure
            or a crash, and the receiver uses the key to keep one copy.
        """

    def close(self) -> None:  # noqa: B027 - closing is optional: most notifiers hold nothing
        """Release connections."""


@attrs.frozen
class Route:
    """Which events a notifier sends to which recipients, and as which audience they read.

    ``events`` are event kinds (class names, ``CrisisDeclared`` …); empty means every kind.
    ``recipients`` are what the notifier addresses: e-mail addresses, URLs, routing keys.
    The payload each recipient gets is decided for ``audience`` by the privacy policy.
    """

    name: str
    recipients: tuple[str, ...]
    audience: Audience = Audience.DEPARTMENT
    events: frozenset[str] = frozenset()

    def takes(self, event: DomainEvent) -> bool:
        """Return whether this route carries an event."""
        return not self.events or type(event).__name__ in self.events


def routes_from(options: Mapping[str, str], known_events: Iterable[str]) -> tuple[Route, ...]:
    """Read a notifier's routes from its options; raise ValueError naming a bad one.

    A route is a group of options ``routes.NAME.to`` (recipients, separated by commas),
    ``routes.NAME.audience`` (default ``department``) and ``routes.NAME.events`` (event kinds
    separated by commas or spaces; missing: every kind). The options ``to``, ``audience`` and
    ``events`` without a prefix make a route named ``default``. In the configuration file a
    route is a table: ``[program.notifiers.routes.principal]``.
    """
    known = frozenset(known_events)
    groups: dict[str, dict[str, str]] = {}
    for key, value in options.items():
        if key in {"to", "audience", "events"}:
            groups.setdefault("default", {})[key] = value
        elif key.startswith("routes."):
            name, _, part = key.removeprefix("routes.").rpartition(".")
            if not name or part not in {"to", "audience", "events"}:
                raise ValueError(f"{key}: a route option is routes.NAME.to, .audience or .events")
            groups.setdefault(name, {})[part] = value
    routes = []
    for name, group in sorted(groups.items()):
        where = "" if name == "default" else f"routes.{name}."
        recipients = tuple(r.strip() for r in group.get("to", "").split(",") if r.strip())
        if not recipients:
            raise ValueError(f"{where}to: a route needs at least one recipient")
        try:
            audience = Audience(group.get("audience", Audience.DEPARTMENT.value))
        except ValueError:
            choices = ", ".join(a.value for a in Audience)
            raise ValueError(
                f"{where}audience: {group['audience']!r} is not one of {choices}"
            ) from None
        events = frozenset(group.get("events", "").replace(",", " ").split())
        unknown = sorted(events - known)
        if unknown:
            raise ValueError(f"{where}events: no event kind {', '.join(unknown)}")
        routes.append(Route(name, recipients, audience, events))
    return tuple(routes)


NotifierFactory = Callable[[Mapping[str, str]], Notifier]
"""Creates a notifier from its configured options; raises a DomainError naming a bad option."""


@attrs.frozen
class NotifierKind:
    """A registered notifier kind: its name, how to create one, and what it does."""

    kind: str
    factory: NotifierFactory
    description: str
    plugin: str = ""


class NotifierRegistry(Attribution):
    """Notifier kinds by name; ``sro_register_notifiers`` hooks fill it."""

    kind = "notifier kind"

    def __init__(self) -> None:
        super().__init__()
        self._kinds: dict[str, NotifierKind] = {}

    def register(
        self, kind: str, factory: NotifierFactory, description: str, plugin: str = ""
    ) -> None:
        """Register a notifier kind; two plugins may not claim one kind.

        :param kind: the name configuration enables it by (``smtp``, ``webhook`` …).
        :param factory: creates a notifier from its options (strings, from configuration).
        :param description: one line saying where it delivers, for listings.
        :param plugin: who registers it; the plugin host fills it in when it calls the hook.
        """
        if not kind.strip():
            raise RegistrationError("a notifier kind needs a name")
        if not callable(factory):
            raise RegistrationError(f"notifier kind {kind!r}: the factory is not callable")
        claimant = self.claim(kind, plugin)
        self._kinds[kind] = NotifierKind(kind, factory, description, claimant)

    def get(self, kind: str) -> NotifierKind:
        """Return a registered kind, or raise :class:`UnknownNotifier`."""
        try:
            return self._kinds[kind]
        except KeyError:
            raise self.unknown(kind) from None

    def unknown(self, name: str) -> UnknownNotifier:
        """Return the error for a kind nobody registered, listing those that are."""
        return UnknownNotifier(name, sorted(self._kinds))

    def create(self, kind: str, options: Mapping[str, str] | None = None) -> Notifier:
        """Create a notifier of a kind from its options (a read-only copy is passed on)."""
        notifier = self.get(kind).factory(types.MappingProxyType(dict(options or {})))
        if not isinstance(notifier, Notifier):
            raise RegistrationError(
                f"notifier kind {kind!r}: the factory returned {notifier!r}, not a Notifier"
            )
        return notifier

    def kinds(self) -> list[NotifierKind]:
        """Return the registered kinds, by name."""
        return [self._kinds[k] for k in sorted(self._kinds)]
