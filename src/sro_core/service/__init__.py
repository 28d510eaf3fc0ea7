"""The Program service: commands and queries, access policy, audit trail, outbox, exports."""

from __future__ import annotations

from sro_core.service.core import RecordRejected
from sro_core.service.dispatch import DispatchReport
from sro_core.service.exports import RecordKind
from sro_core.service.imports import ImportRejected, ImportResult
from sro_core.service.incidents import AMENDABLE
from sro_core.service.notifications import NOTIFICATION_VISIBILITY, event_kinds, payload_for
from sro_core.service.policy import ROLE_ACTIONS, AccessDenied, Action
from sro_core.service.program import Program
from sro_core.service.reading import MonthlyFigure
from sro_core.service.redaction import REDACTED, Seen, Visibility
from sro_core.service.report import (
    AgreementFigure,
    CategoryFigure,
    ContactFigure,
    CrdcFigure,
    CrisisFigure,
    LocationFigure,
    ProgramReport,
    ReferralFigure,
    TriadFigure,
)
from sro_core.service.settings import NotifierSetting, ProgramSettings

__all__ = [
    "AMENDABLE",
    "NOTIFICATION_VISIBILITY",
    "REDACTED",
    "ROLE_ACTIONS",
    "AccessDenied",
    "Action",
    "AgreementFigure",
    "CategoryFigure",
    "ContactFigure",
    "CrdcFigure",
    "CrisisFigure",
    "DispatchReport",
    "ImportRejected",
    "ImportResult",
    "LocationFigure",
    "MonthlyFigure",
    "NotifierSetting",
    "Program",
    "ProgramReport",
    "ProgramSettings",
    "RecordKind",
    "RecordRejected",
    "ReferralFigure",
    "Seen",
    "TriadFigure",
    "Visibility",
    "event_kinds",
    "payload_for",
]
