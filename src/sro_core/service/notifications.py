"""What a notification may carry: defined in :mod:`sro_core.policy`, importable here as well."""

from __future__ import annotations

from sro_core.policy.notifications import event_kinds as event_kinds
from sro_core.policy.notifications import payload_for as payload_for
