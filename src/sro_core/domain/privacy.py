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
RECORD_CLASS_KEY = "sro_record_class"
FREE_TEXT_KEY = "sro_free_text"


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


class RecordClass(enum.Enum):
    """Classes of record an information-sharing clause may let go to a partner.

    Each class covers the fields that carry it in their attrs metadata (:func:`shared_as`);
    a class a reader's agreements do not share hides its fields from that reader.
    """

    INCIDENT_SUMMARY = "incident_summary"
    INCIDENT_NARRATIVE = "incident_narrative"
    JUVENILE_IDENTITY = "juvenile_identity"
    ARREST = "arrest"
    DRUG_EVIDENCE = "drug_evidence"
    GANG_INTELLIGENCE = "gang_intelligence"
    CONTACT_LOG = "contact_log"
    CRISIS_MESSAGES = "crisis_messages"
    EDUCATION_RECORD = "education_record"


class RecordOrigin(enum.Enum):
    """Who made a record: it decides which privacy law governs it."""

    LAW_ENFORCEMENT_UNIT = "law_enforcement_unit"
    """Created by the SRO as the school's law-enforcement unit (FERPA 34 CFR 99.8)."""
    EDUCATION_RECORD = "education_record"
    """Received from the school: an education record, shared under the agreement."""


def sensitive(*kinds: Sensitivity) -> dict[str, Any]:
    """Return attrs field metadata declaring the field sensitive in the given ways."""
    return {SENSITIVITY_KEY: frozenset(kinds)}


def free_text() -> dict[str, Any]:
    """Return attrs field metadata declaring the field free text.

    Involved juveniles' names in it are masked for a reader who may not see their identities.
    """
    return {FREE_TEXT_KEY: True}


def shared_as(*classes: RecordClass) -> dict[str, Any]:
    """Return attrs field metadata putting the field in record classes an agreement shares.

    Combine with :func:`sensitive` by ``|``.
    """
    return {RECORD_CLASS_KEY: frozenset(classes)}


def field_sensitivity(cls: type[Any]) -> Mapping[str, frozenset[Sensitivity]]:
    """Return, for an attrs class, each sensitive field's name and its sensitivities."""
    return {
        field.name: field.metadata[SENSITIVITY_KEY]
        for field in attrs.fields(cls)
        if SENSITIVITY_KEY in field.metadata
    }


def field_classes(cls: type[Any]) -> Mapping[str, frozenset[RecordClass]]:
    """Return, for an attrs class, each classed field's name and its record classes."""
    return {
        field.name: field.metadata[RECORD_CLASS_KEY]
        for field in attrs.fields(cls)
        if RECORD_CLASS_KEY in field.metadata
    }
