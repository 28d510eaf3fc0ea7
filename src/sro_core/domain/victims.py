"""Victims that are not people: a business, a bank, a government, a church, society itself.

NIBRS records the type of every victim (element 25). An individual (I) or a law-enforcement
officer (L) is a person, recorded as an :class:`~sro_core.domain.Involvement` with victim
details; every other type is recorded here, without inventing a person. A crime against
society (a drug or weapon law violation) has society (S) as its victim by rule:
:func:`society_victims` adds it where the incident does not record it.
"""

from __future__ import annotations

import uuid
from typing import Any

import attrs

from sro_core.codes import GROUP_A_OFFENSES, CrimeAgainst, crime_against
from sro_core.domain.errors import RuleViolation
from sro_core.domain.values import not_blank

PERSON_VICTIM_TYPES = frozenset({"I", "L"})
"""The victim types that are people: individual (I), law-enforcement officer (L)."""
SOCIETY = "S"
"""The victim type of a crime against society: society / the public."""
NON_PERSON_VICTIM_TYPES = frozenset({"B", "F", "G", "O", "R", SOCIETY, "U"})
"""Business, financial institution, government, other, religious organization, society,
unknown: the NIBRS 2019.1 victim types that are not people."""


def _not_a_person(_instance: Any, attribute: attrs.Attribute[str], value: str) -> None:
    if value in PERSON_VICTIM_TYPES:
        rule = "a person victim (I, L) is recorded as an involvement of the person"
        raise RuleViolation(attribute.name, value, rule)
    not_blank(_instance, attribute, value)


@attrs.frozen
class NonPersonVictim:
    """A victim that is not a person: its NIBRS type, name and the offenses against it.

    ``victim_type`` is a code of the ``nibrs.victim_type`` table other than I and L (B
    business, F financial institution, G government, R religious organization, S society,
    O other, U unknown); ``name`` what it is called ("Main Street Market"), if it has one;
    ``offense_codes`` the incident's offenses against it (element 24).
    """

    victim_type: str = attrs.field(validator=_not_a_person)
    offense_codes: tuple[str, ...] = ()
    name: str | None = attrs.field(default=None, validator=not_blank)
    id: uuid.UUID = attrs.field(factory=uuid.uuid4)


def against_society(code: str) -> bool:
    """Return whether a Group A offense code is a crime against society (35A, 520 …)."""
    return code in GROUP_A_OFFENSES and crime_against(code) is CrimeAgainst.SOCIETY


def society_victims(
    victims: tuple[NonPersonVictim, ...], offense_codes: tuple[str, ...]
) -> tuple[NonPersonVictim, ...]:
    """Return the victims with society connected to every crime against society.

    Society is the victim of each crime against society (element 24 with element 25 S): the
    recorded society victim takes the codes it lacks; with none recorded, one is added. The
    other victims are returned as they are.
    """
    wanted = tuple(dict.fromkeys(c for c in offense_codes if against_society(c)))
    if not wanted:
        return victims
    society = next((v for v in victims if v.victim_type == SOCIETY), None)
    if society is None:
        return (*victims, NonPersonVictim(SOCIETY, wanted))
    missing = tuple(c for c in wanted if c not in society.offense_codes)
    if not missing:
        return victims
    joined = attrs.evolve(society, offense_codes=(*society.offense_codes, *missing))
    return tuple(joined if v is society else v for v in victims)
