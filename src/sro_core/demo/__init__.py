"""``sro demo``: a realistic, deterministic school year of a small city's SRO program.

:func:`build_school_year` tells the story of one school year to a :class:`~sro_core.Program`
through its public commands only, with the program's clock set to the story's times; the
same seed, scale and school year always give the same records and the same figures.
"""

from __future__ import annotations

from sro_core.demo.build import (
    DEFAULT_SEED,
    DEFAULT_YEAR,
    DemoSummary,
    StoryClock,
    Tally,
    build_school_year,
)

__all__ = [
    "DEFAULT_SEED",
    "DEFAULT_YEAR",
    "DemoSummary",
    "StoryClock",
    "Tally",
    "build_school_year",
]
