"""The Program service: commands and queries, access policy, audit trail, outbox, exports.

Its names are imported from their modules when first used, so that importing the package
alone costs nothing: the ``sro`` command imports the service only when a subcommand runs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sro_core.policy import REDACTED, Seen
    from sro_core.ports import (
        AgreementFigure,
        CategoryFigure,
        ContactFigure,
        CrdcFigure,
        CrisisFigure,
        HeadlineFigure,
        LocationFigure,
        ProgramReport,
        ReferralFigure,
        TriadFigure,
    )
    from sro_core.service.bundles import BUNDLE_KINDS, BUNDLE_TYPES, Bundle, RestoreResult
    from sro_core.service.core import RecordRejected
    from sro_core.service.dispatch import DispatchReport
    from sro_core.service.exports import RecordKind
    from sro_core.service.identity import NotIdentified
    from sro_core.service.imports import (
        ImportCheck,
        ImportLine,
        ImportRejected,
        ImportResult,
        LineSet,
    )
    from sro_core.service.incidents import AMENDABLE
    from sro_core.service.notifications import event_kinds, payload_for
    from sro_core.service.people import HistoryEntry, PersonHistory, Recorded
    from sro_core.service.policy import ROLE_ACTIONS, AccessDenied, Action
    from sro_core.service.program import Program
    from sro_core.service.reading import Disclosure, MonthlyFigure
    from sro_core.service.review import Waiting
    from sro_core.service.settings import NotifierSetting, ProgramSettings

_LAZY = {
    "BUNDLE_KINDS": "sro_core.service.bundles",
    "BUNDLE_TYPES": "sro_core.service.bundles",
    "Bundle": "sro_core.service.bundles",
    "HeadlineFigure": "sro_core.ports",
    "HistoryEntry": "sro_core.service.people",
    "PersonHistory": "sro_core.service.people",
    "Recorded": "sro_core.service.people",
    "RestoreResult": "sro_core.service.bundles",
    "AMENDABLE": "sro_core.service.incidents",
    "AccessDenied": "sro_core.service.policy",
    "Action": "sro_core.service.policy",
    "AgreementFigure": "sro_core.ports",
    "CategoryFigure": "sro_core.ports",
    "ContactFigure": "sro_core.ports",
    "CrdcFigure": "sro_core.ports",
    "CrisisFigure": "sro_core.ports",
    "Disclosure": "sro_core.service.reading",
    "DispatchReport": "sro_core.service.dispatch",
    "ImportCheck": "sro_core.service.imports",
    "ImportLine": "sro_core.service.imports",
    "ImportRejected": "sro_core.service.imports",
    "LineSet": "sro_core.service.imports",
    "NotIdentified": "sro_core.service.identity",
    "ImportResult": "sro_core.service.imports",
    "LocationFigure": "sro_core.ports",
    "event_kinds": "sro_core.service.notifications",
    "payload_for": "sro_core.service.notifications",
    "MonthlyFigure": "sro_core.service.reading",
    "NotifierSetting": "sro_core.service.settings",
    "Program": "sro_core.service.program",
    "ProgramReport": "sro_core.ports",
    "ProgramSettings": "sro_core.service.settings",
    "REDACTED": "sro_core.policy",
    "ROLE_ACTIONS": "sro_core.service.policy",
    "RecordKind": "sro_core.service.exports",
    "RecordRejected": "sro_core.service.core",
    "ReferralFigure": "sro_core.ports",
    "Seen": "sro_core.ports",
    "TriadFigure": "sro_core.ports",
    "Waiting": "sro_core.service.review",
}
"""Where each public name is defined."""


def __getattr__(name: str) -> object:
    """Import a public name's module when the name is first asked for."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sro_core.service' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "AMENDABLE",
    "BUNDLE_KINDS",
    "BUNDLE_TYPES",
    "REDACTED",
    "ROLE_ACTIONS",
    "AccessDenied",
    "Action",
    "AgreementFigure",
    "Bundle",
    "CategoryFigure",
    "ContactFigure",
    "CrdcFigure",
    "CrisisFigure",
    "Disclosure",
    "DispatchReport",
    "HeadlineFigure",
    "HistoryEntry",
    "ImportCheck",
    "ImportLine",
    "ImportRejected",
    "ImportResult",
    "LineSet",
    "LocationFigure",
    "MonthlyFigure",
    "NotIdentified",
    "NotifierSetting",
    "PersonHistory",
    "Program",
    "ProgramReport",
    "ProgramSettings",
    "RecordKind",
    "RecordRejected",
    "Recorded",
    "ReferralFigure",
    "RestoreResult",
    "Seen",
    "TriadFigure",
    "Waiting",
    "event_kinds",
    "payload_for",
]
