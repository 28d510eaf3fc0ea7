"""Where a record comes from and which of its fields are sensitive.

Redaction is decided from this metadata by the audience of a read or an export, so a field that
is declared sensitive here is redacted everywhere without touching any policy code.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

import attrs

SENSITIVITY_KEY = "sro_sensitivity"


class Sensitivity(enum.Enum):
    """Why a field may have to be hidden from an audience."""

    JUVENILE_IDENTITY = "juvenile_identity"
    """Identifies a person who may be a juvenile: name, date of birth, student number."""
    EDUCATION_RECORD = "education_record"
    """Part of a student's education record (FERPA): grade, IDEA, Section 504, English learner."""
    NARRATIVE = "narrative"
    """Free text written by an officer about what happened."""
    DEMOGRAPHICS = "demographics"
    """Sex, race and ethnicity."""
    CONTACT_DETAILS = "contact_details"
    """Addresses, telephone numbers, e-mail."""


class RecordOrigin(enum.Enum):
    """Who made a record: it decides which privacy law governs it."""

    LAW_ENFORCEMENT_UNIT = "law_enforcement_unit"
    """Created by the SRO as the school's law-enforcement unit (FERPA 34 CFR 99.8)."""
    EDUCATION_RECORD = "education_record"
    """Received from the school: an education record, shared under the agreement."""


def sensitive(*kinds: Sensitivity) -> dict[str, frozenset[Sensitivity]]:
    """Return attrs field metadata declaring the field sensitive in the given ways."""
    return {SENSITIVITY_KEY: frozenset(kinds)}


def field_sensitivity(cls: type[Any]) -> Mapping[str, frozenset[Sensitivity]]:
    """Return, for an attrs class, each sensitive field's name and its sensitivities."""
    return {
        field.name: field.metadata[SENSITIVITY_KEY]
        for field in attrs.fields(cls)
        if SENSITIVITY_KEY in field.metadata
    }
