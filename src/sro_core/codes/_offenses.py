"""Facts about NIBRS offense codes that the IEPD schema does not carry.

The IEPD 2019.1 schema (``OffenseCodeSimpleType``) lists the offense codes and their names only,
and none of its documents (``nibrs_CodesTables.xlsx``, ``nibrs_XMLMapping_Spreadsheet.xlsx``,
``nibrs_MasterDocument.pdf``, the FAQ) give an offense's group or "crime against" category.
Those facts come from the FBI's NIBRS User Manual (2019 editions, "Group A and Group B Offense
Listing", whose tables give each offense's group and its Crime Against column) and its
Technical Specification (Data Element 7 edits), checked against the SEARCH nibrs tools'
``OffenseCode.java`` (SEARCH wrote this IEPD) and the JRSA and Pennsylvania UCR offense
listings. Where those sources disagree, the comment on the code says which one was followed.
"""

from __future__ import annotations

import enum
import types
from collections.abc import Mapping
from typing import Final

from sro_core.codes._nibrs_2019_1 import VERSION
from sro_core.codes._tables import UnknownCodeError

OFFENSE_TABLE: Final = "nibrs.offense"


class OffenseGroup(enum.Enum):
    """A NIBRS offense group: A is reported in incident reports, B in arrest reports only."""

    A = "A"
    B = "B"


class CrimeAgainst(enum.Enum):
    """Whom or what a NIBRS offense is against, as the FBI classes it for counting."""

    PERSON = "Person"
    PROPERTY = "Property"
    SOCIETY = "Society"
    NOT_A_CRIME = "Not a Crime"
    #: 90Z All Other Offenses: the FBI lists "Person, Property, Society"; it depends on the act.
    PERSON_PROPERTY_OR_SOCIETY = "Person, Property, or Society"


_A, _B = OffenseGroup.A, OffenseGroup.B
_PERSON = CrimeAgainst.PERSON
_PROPERTY = CrimeAgainst.PROPERTY
_SOCIETY = CrimeAgainst.SOCIETY
_NOT_A_CRIME = CrimeAgainst.NOT_A_CRIME

# Source of every row: NIBRS User Manual offense listing (group, crime against), unless noted.
_FACTS: Final[Mapping[str, tuple[OffenseGroup, CrimeAgainst]]] = types.MappingProxyType(
    {
        "09A": (_A, _PERSON),
        "09B": (_A, _PERSON),
        # The User Manual lists Justifiable Homicide as "Not a Crime" (it is not counted as a
        # crime). SEARCH's validator files it under Person because the victim-segment edits for
        # crimes against persons still apply to it: rules about victims must name 09C too.
        "09C": (_A, _NOT_A_CRIME),
        "100": (_A, _PERSON),
        "11A": (_A, _PERSON),
        "11B": (_A, _PERSON),
        "11C": (_A, _PERSON),
        "11D": (_A, _PERSON),
        "120": (_A, _PROPERTY),
        "13A": (_A, _PERSON),
        "13B": (_A, _PERSON),
        "13C": (_A, _PERSON),
        "200": (_A, _PROPERTY),
        "210": (_A, _PROPERTY),
        "220": (_A, _PROPERTY),
        "23A": (_A, _PROPERTY),
        "23B": (_A, _PROPERTY),
        "23C": (_A, _PROPERTY),
        "23D": (_A, _PROPERTY),
        "23E": (_A, _PROPERTY),
        "23F": (_A, _PROPERTY),
        "23G": (_A, _PROPERTY),
        "23H": (_A, _PROPERTY),
        "240": (_A, _PROPERTY),
        "250": (_A, _PROPERTY),
        "26A": (_A, _PROPERTY),
        "26B": (_A, _PROPERTY),
        "26C": (_A, _PROPERTY),
        "26D": (_A, _PROPERTY),
        "26E": (_A, _PROPERTY),
        "26F": (_A, _PROPERTY),
        "26G": (_A, _PROPERTY),
        "270": (_A, _PROPERTY),
        "280": (_A, _PROPERTY),
        "290": (_A, _PROPERTY),
        "35A": (_A, _SOCIETY),
        "35B": (_A, _SOCIETY),
        "36A": (_A, _PERSON),
        "36B": (_A, _PERSON),
        "370": (_A, _SOCIETY),
        "39A": (_A, _SOCIETY),
        "39B": (_A, _SOCIETY),
        "39C": (_A, _SOCIETY),
        "39D": (_A, _SOCIETY),
        "40A": (_A, _SOCIETY),
        "40B": (_A, _SOCIETY),
        "40C": (_A, _SOCIETY),
        "510": (_A, _PROPERTY),
        "520": (_A, _SOCIETY),
        "64A": (_A, _PERSON),
        "64B": (_A, _PERSON),
        "720": (_A, _SOCIETY),
        "90A": (_B, _PROPERTY),
        "90B": (_B, _SOCIETY),
        "90C": (_B, _SOCIETY),
        "90D": (_B, _SOCIETY),
        "90E": (_B, _SOCIETY),
        # The FBI's current listing (and SEARCH) say Society; JRSA's older copy said Person.
        "90F": (_B, _SOCIETY),
        "90G": (_B, _SOCIETY),
        "90H": (_B, _SOCIETY),
        # Runaway: the FBI stopped collecting it in 2011 and listed it as "Not a Crime" (SEARCH
        # says Society). The 2019.1 schema still enumerates it; nibrs_CodesTables.xlsx does not.
        "90I": (_B, _NOT_A_CRIME),
        "90J": (_B, _SOCIETY),
        "90Z": (_B, CrimeAgainst.PERSON_PROPERTY_OR_SOCIETY),
    }
)

#: Every offense code these facts cover (the codes of ``nibrs.offense`` 2019.1).
OFFENSE_CODES: Final = frozenset(_FACTS)
#: Group A offenses: reported with a full incident report.
GROUP_A_OFFENSES: Final = frozenset(code for code, (group, _) in _FACTS.items() if group is _A)
#: Group B offenses: reported only when someone is arrested for them.
GROUP_B_OFFENSES: Final = frozenset(code for code, (group, _) in _FACTS.items() if group is _B)
#: Drug/Narcotic Violations and Drug Equipment Violations: the offenses that take drug codes.
DRUG_OFFENSES: Final = frozenset({"35A", "35B"})
#: Offenses that must be reported completed, never attempted: the Technical Specification's
#: edit on Data Element 7 (Offense Attempted/Completed) requires C for homicide (09A-09C) and
#: assault (13A-13C) offenses, since an attempted homicide is an aggravated assault and an
#: attempted assault is itself an assault. Every other Group A offense may be attempted; Group B
#: offenses are reported as arrest charges, which have no attempted/completed value.
ALWAYS_COMPLETED_OFFENSES: Final = frozenset({"09A", "09B", "09C", "13A", "13B", "13C"})
#: Codes the 2019.1 schema still accepts but the FBI no longer collects (90I Runaway, since 2011).
RETIRED_OFFENSES: Final = frozenset({"90I"})


def _facts(code: str) -> tuple[OffenseGroup, CrimeAgainst]:
    try:
        return _FACTS[code]
    except KeyError:
        raise UnknownCodeError(OFFENSE_TABLE, VERSION, code) from None


def offense_group(code: str) -> OffenseGroup:
    """Return the NIBRS group (A or B) of an offense code, or raise UnknownCodeError."""
    return _facts(code)[0]


def crime_against(code: str) -> CrimeAgainst:
    """Return the "crime against" category of an offense code, or raise UnknownCodeError."""
    return _facts(code)[1]
