"""Crime-prevention teaching, training, drills, events and mentoring the SRO leads."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

import attrs

from sro_core.domain.bounds import MINUTES_IN_A_DAY, MOST_ATTENDING, between, bounded
from sro_core.domain.schools import GradeSpan
from sro_core.domain.triad import TriadRole
from sro_core.domain.values import aware, not_blank, utc


class ActivityKind(enum.Enum):
    """What kind of educational activity it was."""

    CLASS_PRESENTATION = "class_presentation"
    STAFF_TRAINING = "staff_training"
    PARENT_WORKSHOP = "parent_workshop"
    DRILL = "drill"
    EVENT = "event"
    MENTORING_PROGRAMME = "mentoring_programme"


class ActivityAudience(enum.Enum):
    """Who the activity was for."""

    STUDENTS = "students"
    STAFF = "staff"
    PARENTS = "parents"
    COMMUNITY = "community"
    MIXED = "mixed"


@attrs.frozen(field_transformer=bounded)
class EducationActivity:
    """An activity the SRO led: topic, audience, attendance, minutes and grades.

    Rules: attendance ≥ 0, minutes > 0. The triad role defaults to educator; a mentoring
    programme is usually counted as informal counselor/mentor.
    """

    officer_id: uuid.UUID
    kind: ActivityKind
    topic: str = attrs.field(validator=not_blank)
    audience: ActivityAudience
    held_at: dt.datetime = attrs.field(converter=utc, validator=aware)
    minutes: int = attrs.field(validator=between(1, MINUTES_IN_A_DAY, "a day at most"))
    attendance: int = attrs.field(validator=between(0, MOST_ATTENDING))
    triad_role: TriadRole = TriadRole.EDUCATOR
    school_id: uuid.UUID | None = None
    grades: GradeSpan | None = None
    id: uuid.UUID = attrs.field(factory=uuid.uuid4)
    version: int = 0
