"""The SRO program's own code tables (version ``sro.1``), written by hand.

An SRO program handles "everything from parking/traffic concerns to criminal offenses occurring
on campus"; ``sro.incident_category`` sorts those calls before (and whether or not) any NIBRS
offense applies. A state or district may overlay the table with codes of its own.
"""

from __future__ import annotations

from typing import Final

from sro_core.codes._tables import CodeTable

SRO_VERSION: Final = "sro.1"
SRO_SOURCE: Final = "sro_core: SRO program local code tables"

INCIDENT_CATEGORY: Final[tuple[tuple[str, str], ...]] = (
    ("parking_traffic", "Parking or traffic concern on or next to campus"),
    ("disturbance", "Disturbance or disruption of school order"),
    ("theft", "Theft of property"),
    ("assault", "Assault: an attack on a person"),
    ("fight", "Fight between students or others (mutual combat)"),
    ("drugs", "Drug possession, use, sale or paraphernalia"),
    ("alcohol", "Alcohol possession or use"),
    ("tobacco_vaping", "Tobacco or vaping product possession or use"),
    ("weapons", "Weapon possession or weapon-related concern"),
    ("vandalism", "Vandalism, graffiti or damage to property"),
    ("trespass", "Trespass: an unauthorized person on campus"),
    ("threat", "Threat to a person or to the school"),
    ("harassment_bullying", "Harassment or bullying, including online"),
    ("gang_activity", "Gang activity or recruitment"),
    ("sex_offense", "Sex offense or sexual misconduct"),
    ("child_abuse", "Suspected child abuse or neglect"),
    ("runaway_truancy", "Runaway or truancy"),
    ("welfare_check", "Welfare check on a student or other person"),
    ("suspicious_activity", "Suspicious person, vehicle or activity"),
    ("traffic_collision", "Traffic collision"),
    ("other", "Other call for service"),
)


def local_tables() -> tuple[CodeTable, ...]:
    """Return the SRO program's own code tables."""
    return (
        CodeTable.from_pairs("sro.incident_category", SRO_VERSION, SRO_SOURCE, INCIDENT_CATEGORY),
    )
