"""The NASRO triad: the three roles an SRO's time splits between."""

from __future__ import annotations

import enum


class TriadRole(enum.Enum):
    """Which of the SRO's three roles a contact or an activity served."""

    LAW_ENFORCEMENT = "law_enforcement"
    INFORMAL_COUNSELOR_MENTOR = "informal_counselor_mentor"
    EDUCATOR = "educator"
