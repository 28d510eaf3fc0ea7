"""The demo's people: invented names, students of the right age and grade, and adults.

The mix of names and of CRDC race/ethnicity groups is that of a small San Joaquin Valley
town: mostly Hispanic and white, with Punjabi, Hmong, Black and Native families. Every name
is invented; every id comes from the story's seeded generator, so a rerun makes the same
people.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

import attrs

from sro_core.domain import (
    Demographics,
    GradeSpan,
    Person,
    PersonKind,
    Race,
    SchoolYear,
    Sex,
)

FIRST_NAMES = (
    "Adrian", "Alejandra", "Amrit", "Angel", "Ashley", "Brandon", "Brianna", "Carlos", "Chloe",
    "Daniela", "Diego", "Elena", "Emily", "Ethan", "Fatima", "Gabriel", "Gurpreet", "Isabella",
    "Jacob", "Jasmine", "Jayden", "Jose", "Kaylee", "Kevin", "Leilani", "Liam", "Lucia", "Luis",
    "Mai", "Manpreet", "Marcus", "Maria", "Mason", "Mia", "Noah", "Olivia", "Pa Nhia", "Rosa",
    "Ryan", "Samantha", "Santiago", "Sofia", "Tyler", "Valeria", "Xavier", "Yesenia", "Zoe",
)  # fmt: skip
SURNAMES = (
    "Alvarez", "Anderson", "Bains", "Barajas", "Bennett", "Cardenas", "Castro", "Cha", "Chavez",
    "Cruz", "Dhillon", "Diaz", "Espinoza", "Flores", "Garcia", "Gill", "Gonzalez", "Harris",
    "Hernandez", "Jackson", "Johnson", "Lee", "Lopez", "Martin", "Martinez", "Mendoza", "Miller",
    "Moua", "Nguyen", "Ortiz", "Perez", "Ramirez", "Reyes", "Rivera", "Robinson", "Rodriguez",
    "Sanchez", "Sandoval", "Sidhu", "Smith", "Thao", "Thompson", "Torres", "Vang", "Vasquez",
    "Walker", "Williams", "Xiong", "Young",
)  # fmt: skip

_GROUPS: tuple[tuple[float, frozenset[Race], bool], ...] = (
    (0.57, frozenset({Race.WHITE}), True),
    (0.27, frozenset({Race.WHITE}), False),
    (0.06, frozenset({Race.ASIAN}), False),
    (0.04, frozenset({Race.BLACK}), False),
    (0.02, frozenset({Race.AMERICAN_INDIAN_ALASKA_NATIVE}), False),
    (0.01, frozenset({Race.NATIVE_HAWAIIAN_PACIFIC_ISLANDER}), False),
    (0.03, frozenset({Race.WHITE, Race.BLACK}), False),
)
"""Shares of the CRDC groups: Hispanic (of any race), white, Asian, Black, Native American,
Pacific Islander, two or more races."""


class Ids:
    """Makes the story's record ids from its own seeded generator, so reruns match."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(f"sro-demo-ids-{seed}")  # noqa: S311 - ids a rerun repeats

    def __call__(self) -> uuid.UUID:
        """Return the next id."""
        return uuid.UUID(int=self._rng.getrandbits(128), version=4)


def full_name(rng: random.Random) -> str:
    """Return an invented name."""
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def demographics(rng: random.Random, *, student: bool) -> Demographics:
    """Return a person's recorded demographics; students carry their education status too."""
    draw, total = rng.random(), 0.0
    races, hispanic = _GROUPS[-1][1], _GROUPS[-1][2]
    for share, group_races, group_hispanic in _GROUPS:
        total += share
        if draw < total:
            races, hispanic = group_races, group_hispanic
            break
    sex = Sex.MALE if rng.random() < 0.52 else Sex.FEMALE
    if not student:
        return Demographics(sex, races, hispanic)
    return Demographics(
        sex,
        races,
        hispanic,
        idea=rng.random() < 0.14,
        section_504=rng.random() < 0.04,
        english_learner=rng.random() < (0.22 if hispanic else 0.05),
    )


@attrs.define
class Roster:
    """The students of one school the story has met; some come back into later incidents."""

    code: str
    grades: GradeSpan
    year: SchoolYear
    students: list[Person] = attrs.field(factory=list)

    def pick(self, rng: random.Random, ids: Ids, *, returning: float = 0.3) -> Person:
        """Return a student: one met before (with the ``returning`` chance), or a new one."""
        if self.students and rng.random() < returning:
            return rng.choice(self.students)
        grade = rng.randint(max(self.grades.lowest, 0), self.grades.highest)
        # a student in grade g in school year Y was born between Sep 2 of Y-g-6 and Sep 1 of Y-g-5
        earliest = dt.date(self.year.start_year - grade - 6, 9, 2)
        student = Person(
            PersonKind.STUDENT,
            full_name(rng),
            earliest + dt.timedelta(days=rng.randrange(365)),
            student_number=f"{self.code}{len(self.students) + 1:05d}",
            grade=grade,
            demographics=demographics(rng, student=True),
            id=ids(),
        )
        self.students.append(student)
        return student


def adult(rng: random.Random, ids: Ids, kind: PersonKind, on: dt.date) -> Person:
    """Return an adult of a kind (staff, parent, neighbour …) aged 19 to 70 on a day."""
    age = rng.randint(19, 70)
    return Person(
        kind,
        full_name(rng),
        dt.date(on.year - age - 1, 1, 1) + dt.timedelta(days=rng.randrange(365)),
        demographics=demographics(rng, student=False),
        id=ids(),
    )
