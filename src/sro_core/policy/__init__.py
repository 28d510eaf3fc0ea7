"""The access policy: one decision per reader and record, and the tables it decides by.

Every output of the program asks :func:`decide` (through the service); no other code decides
who may read what. ``docs/privacy.md`` states the same tables, and a test keeps them equal.
"""

from __future__ import annotations

from sro_core.policy.decision import (
    AUDIENCE_BASELINE,
    AUDIENCE_NEVER,
    CRISIS_AUTHOR,
    REFERRAL_NEEDS,
    RESTRICTIONS,
    SENSITIVITY_CLASS,
    Context,
    Decision,
    Record,
    check_referral,
    counts_sealed,
    crisis_author,
    decide,
    decide_document,
    decided_alone,
    department,
    discloses,
    document_decider,
    event_payload,
    partner_scope,
    reads_logs,
    reads_records,
    restricts,
    school_scope,
    seen,
    serves,
    shared_with,
    suppresses,
)
from sro_core.policy.masking import Mask, name_variants
from sro_core.policy.notifications import event_kinds, payload_for
from sro_core.policy.redaction import (
    REDACTED,
    Hiding,
    classes_of,
    hide,
    hide_document,
    hide_texts,
    sensitivity_of,
)
from sro_core.policy.rules import ROLE_ACTIONS, AccessDenied, Action, may, may_act_as, require
from sro_core.policy.suppression import suppressed
from sro_core.ports.seen import Seen

__all__ = [
    "AUDIENCE_BASELINE",
    "AUDIENCE_NEVER",
    "CRISIS_AUTHOR",
    "REDACTED",
    "REFERRAL_NEEDS",
    "RESTRICTIONS",
    "ROLE_ACTIONS",
    "SENSITIVITY_CLASS",
    "AccessDenied",
    "Action",
    "Context",
    "Decision",
    "Hiding",
    "Mask",
    "Record",
    "Seen",
    "check_referral",
    "classes_of",
    "counts_sealed",
    "crisis_author",
    "decide",
    "decide_document",
    "decided_alone",
    "department",
    "discloses",
    "document_decider",
    "event_kinds",
    "event_payload",
    "hide",
    "hide_document",
    "hide_texts",
    "may",
    "may_act_as",
    "name_variants",
    "partner_scope",
    "payload_for",
    "reads_logs",
    "reads_records",
    "require",
    "restricts",
    "school_scope",
    "seen",
    "sensitivity_of",
    "serves",
    "shared_with",
    "suppressed",
    "suppresses",
]
