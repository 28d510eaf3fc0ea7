"""sro_core: the library under School Resource Officer program software.

A pure-Python domain model of an SRO program (officers, schools, incidents, partnerships) with
hooks that make storage, notification and export backends pluggable packages.

The names an application uses most are here (``from sro_core import Program, Actor,
Incident, Location, IncidentFilter``); each is imported on first use, so that importing the
domain alone (``sro_core.domain``) does not import pluggy and the service.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from sro_core._version import __version__

if TYPE_CHECKING:
    from sro_core.domain import (
        Actor,
        ActorRole,
        Agreement,
        Assignment,
        AssignmentRole,
        CampusZone,
        CommunityContact,
        Disposition,
        DispositionKind,
        DomainError,
        EducationActivity,
        GradeSpan,
        Incident,
        IncidentStatus,
        Involvement,
        Location,
        LocationKind,
        Offense,
        Officer,
        Partner,
        PartnerKind,
        Permission,
        Person,
        RuleViolation,
        School,
        SchoolLevel,
        SchoolYear,
    )
    from sro_core.errors import SroError
    from sro_core.hookspecs import hookimpl
    from sro_core.plugins import PluginHost
    from sro_core.ports import IncidentFilter, NotFound, Page, Period
    from sro_core.service import AccessDenied, Program, ProgramSettings, Seen

__all__ = [
    "AccessDenied",
    "Actor",
    "ActorRole",
    "Agreement",
    "Assignment",
    "AssignmentRole",
    "CampusZone",
    "CommunityContact",
    "Disposition",
    "DispositionKind",
    "DomainError",
    "EducationActivity",
    "GradeSpan",
    "Incident",
    "IncidentFilter",
    "IncidentStatus",
    "Involvement",
    "Location",
    "LocationKind",
    "NotFound",
    "Offense",
    "Officer",
    "Page",
    "Partner",
    "PartnerKind",
    "Period",
    "Permission",
    "Person",
    "PluginHost",
    "Program",
    "ProgramSettings",
    "RuleViolation",
    "School",
    "SchoolLevel",
    "SchoolYear",
    "Seen",
    "SroError",
    "__version__",
    "hookimpl",
]

_LAZY = {
    "AccessDenied": "sro_core.service",
    "Actor": "sro_core.domain",
    "ActorRole": "sro_core.domain",
    "Agreement": "sro_core.domain",
    "Assignment": "sro_core.domain",
    "AssignmentRole": "sro_core.domain",
    "CampusZone": "sro_core.domain",
    "CommunityContact": "sro_core.domain",
    "Disposition": "sro_core.domain",
    "DispositionKind": "sro_core.domain",
    "DomainError": "sro_core.domain",
    "EducationActivity": "sro_core.domain",
    "GradeSpan": "sro_core.domain",
    "Incident": "sro_core.domain",
    "IncidentFilter": "sro_core.ports",
    "IncidentStatus": "sro_core.domain",
    "Involvement": "sro_core.domain",
    "Location": "sro_core.domain",
    "LocationKind": "sro_core.domain",
    "NotFound": "sro_core.ports",
    "Offense": "sro_core.domain",
    "Officer": "sro_core.domain",
    "Page": "sro_core.ports",
    "Partner": "sro_core.domain",
    "PartnerKind": "sro_core.domain",
    "Period": "sro_core.ports",
    "Permission": "sro_core.domain",
    "Person": "sro_core.domain",
    "PluginHost": "sro_core.plugins",
    "Program": "sro_core.service",
    "ProgramSettings": "sro_core.service",
    "RuleViolation": "sro_core.domain",
    "School": "sro_core.domain",
    "SchoolLevel": "sro_core.domain",
    "SchoolYear": "sro_core.domain",
    "Seen": "sro_core.service",
    "SroError": "sro_core.errors",
    "hookimpl": "sro_core.hookspecs",
}


def __getattr__(name: str) -> object:
    """Import the service and plugin names when they are first asked for."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sro_core' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
