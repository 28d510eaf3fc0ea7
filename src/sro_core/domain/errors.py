"""The errors the domain raises when a value or a change would break one of its rules.

They are defined in :mod:`sro_core.errors`, the one tree of every error ``sro_core`` raises;
the domain's names are importable from here as well.
"""

from __future__ import annotations

from sro_core.errors import DomainError as DomainError
from sro_core.errors import IllegalTransition as IllegalTransition
from sro_core.errors import Problem as Problem
from sro_core.errors import RuleViolation as RuleViolation
