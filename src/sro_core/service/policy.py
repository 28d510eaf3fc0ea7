"""The access policy as the service uses it: see :mod:`sro_core.policy`, where it is decided."""

from __future__ import annotations

from sro_core.policy import ROLE_ACTIONS, AccessDenied, Action

__all__ = ["ROLE_ACTIONS", "AccessDenied", "Action"]
