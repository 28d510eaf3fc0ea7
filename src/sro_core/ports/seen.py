"""A record as one reader may see it: what the policy decides and an exporter receives.

The privacy policy (:mod:`sro_core.policy`) makes a :class:`Seen` for each record it lets a
reader read; an :class:`~sro_core.ports.IncidentExporter` receives incidents in this form, so
that a format can tell a hidden field from an empty one without importing the policy.
"""

from __future__ import annotations

from typing import Generic, TypeVar

import attrs

__all__ = ["Seen"]

T = TypeVar("T")


@attrs.frozen
class Seen(Generic[T]):
    """A record as one reader may see it, and the paths of the fields that were hidden."""

    value: T
    hidden: frozenset[str] = frozenset()
