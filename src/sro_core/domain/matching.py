"""Who might be the same person: the index's candidates for a person, by one documented rule.

Two unmerged index records (never one and itself) are candidates for each other when

- their student numbers are equal (folded), or
- some name of one and some name of the other (names and aliases) are alike, and neither their
  dates of birth nor their student numbers disagree (both known and different).

Names are alike when, with accents dropped and case folded, they are equal, or their first
words and their last words sound alike: a word's sound is its Double Metaphone keys (the
primary and the alternate, which covers Spanish as well as English spellings: José and Jose,
Hernández and Hernandez, Katherine and Catherine). An equal date of birth adds to the score.
The rule is symmetric, and proposes; it never merges: a person decides, with
``merge_people``.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import unicodedata
import uuid
from collections.abc import Iterable

import attrs
from metaphone import doublemetaphone

from sro_core.domain.people import PersonKind
from sro_core.domain.person_index import PersonRecord


class MatchReason(enum.Enum):
    """Why a record is proposed as the same person, each with its weight in the score."""

    STUDENT_NUMBER = "student_number"
    SAME_NAME = "same_name"
    SOUNDS_ALIKE = "sounds_alike"
    DATE_OF_BIRTH = "date_of_birth"


WEIGHTS = {
    MatchReason.STUDENT_NUMBER: 4,
    MatchReason.SAME_NAME: 2,
    MatchReason.SOUNDS_ALIKE: 1,
    MatchReason.DATE_OF_BIRTH: 2,
}
"""How much each reason adds to a candidate's score."""


@attrs.frozen
class Candidate:
    """A record proposed as the same person, why, and how strongly (higher is stronger)."""

    record: PersonRecord
    reasons: frozenset[MatchReason]

    @property
    def score(self) -> int:
        """Return the sum of the reasons' weights."""
        return sum(WEIGHTS[r] for r in self.reasons)


def folded(name: str) -> str:
    """Return a name with accents dropped, case folded, and only letters and single spaces."""
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)
    ).casefold()
    return " ".join("".join(c if c.isalpha() else " " for c in plain).split())


@functools.lru_cache(maxsize=4096)
def sounds(word: str) -> frozenset[str]:
    """Return a folded word's Double Metaphone keys (primary and alternate, none empty)."""
    return frozenset(key for key in doublemetaphone(word) if key)


def _sound_alike(one: str, other: str) -> bool:
    a, b = one.split(), other.split()
    if not a or not b:
        return False
    return bool(sounds(a[0]) & sounds(b[0])) and bool(sounds(a[-1]) & sounds(b[-1]))


def _name_reason(one: PersonRecord, other: PersonRecord) -> MatchReason | None:
    mine = {folded(n) for n in one.names} - {""}
    theirs = {folded(n) for n in other.names} - {""}
    if mine & theirs:
        return MatchReason.SAME_NAME
    if any(_sound_alike(a, b) for a in mine for b in theirs):
        return MatchReason.SOUNDS_ALIKE
    return None


def _number(record: PersonRecord) -> str | None:
    return None if record.student_number is None else record.student_number.strip().casefold()


def match_keys(names: Iterable[str | None], student_number: str | None = None) -> frozenset[str]:
    """Return the keys two records must share to be candidates: what a store indexes.

    ``number:`` and the folded student number; ``name:`` and each folded name (and alias);
    ``sound:`` and a Double Metaphone key of each name's first word and one of its last word.
    Records :func:`alike` for a reason share a key: an equal number shares its ``number:``
    key, an equal folded name its ``name:`` key, and names whose first words and last words
    sound alike share a ``sound:`` key. (A date of birth only rules candidates out, and makes
    none on its own, so it is no key.) Sharing a key does not make candidates: the rule decides.
    """
    keys = set()
    if student_number is not None:
        keys.add(f"number:{student_number.strip().casefold()}")
    for name in names:
        words = folded(name).split() if name is not None else []
        if not words:
            continue
        keys.add(f"name:{' '.join(words)}")
        keys.update(f"sound:{a}:{b}" for a in sounds(words[0]) for b in sounds(words[-1]))
    return frozenset(keys)


def record_keys(record: PersonRecord) -> frozenset[str]:
    """Return a record's matching keys (:func:`match_keys` of its names and student number)."""
    return match_keys(record.names, record.student_number)


def alike(one: PersonRecord, other: PersonRecord) -> frozenset[MatchReason]:
    """Return why two records may be one person (empty: they are not candidates).

    Symmetric: ``alike(a, b) == alike(b, a)``. A record is never alike itself, and a merged
    record is never a candidate: its kept record stands for it.
    """
    if one.id == other.id or one.merged_into is not None or other.merged_into is not None:
        return frozenset()
    mine, theirs = _number(one), _number(other)
    if mine is not None and mine == theirs:
        reasons = {MatchReason.STUDENT_NUMBER}
    elif mine is not None and theirs is not None:
        return frozenset()
    else:
        reasons = set()
    born = (one.date_of_birth, other.date_of_birth)
    if None not in born and born[0] != born[1]:
        return frozenset(reasons)
    name = _name_reason(one, other)
    if name is not None:
        reasons.add(name)
    if reasons and None not in born:
        reasons.add(MatchReason.DATE_OF_BIRTH)
    return frozenset(reasons)


def candidates(person: PersonRecord, records: Iterable[PersonRecord]) -> list[Candidate]:
    """Return the records that may be the same person, strongest first (then by id)."""
    found = [Candidate(r, why) for r in records if (why := alike(person, r))]
    return sorted(found, key=lambda c: (-c.score, c.record.id))


def probe(
    name: str | None = None,
    *,
    date_of_birth: dt.date | None = None,
    student_number: str | None = None,
) -> PersonRecord:
    """Return a record to look for: what is known of someone, as an unsaved index record.

    Its id is the nil UUID, which no record has, so that no record is left out as itself.
    """
    kind = PersonKind.STUDENT if student_number is not None else PersonKind.COMMUNITY_MEMBER
    return PersonRecord(
        kind=kind,
        name=name,
        date_of_birth=date_of_birth,
        student_number=student_number,
        id=uuid.UUID(int=0),
    )
