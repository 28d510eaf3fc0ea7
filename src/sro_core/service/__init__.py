"""The Program service: commands and queries, access policy, audit trail, outbox, exports."""

from __future__ import annotations

from sro_core.service.bundles import BUNDLE_KINDS, BUNDLE_TYPES, Bundle, RestoreResult
from sro_core.service.core import RecordRejected
from sro_core.service.dispatch import DispatchReport
from sro_core.service.exports import RecordKind
from sro_core.service.imports import ImportRejected, ImportResult
from sro_core.service.incidents import AMENDABLE
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
    HeadlineFigure,
    LocationFigure,
    ProgramReport,
    ReferralFigure,
    TriadFigure,
)
from sro_core.service.settings import NotifierSetting, ProgramSettings

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
    "DispatchReport",
    "HeadlineFigure",
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
    "RestoreResult",
    "Seen",
    "TriadFigure",
    "Visibility",
]
