"""Checks that the codes an incident carries are in the code tables in force for the program."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from sro_core.codes import CodeTable, CodeTables
from sro_core.domain.errors import Problem
from sro_core.domain.incidents import Incident


def _coded_fields(incident: Incident) -> Iterator[tuple[str, str, str]]:
    """Yield (field path, code table, code) for every code the incident carries."""
    yield "category", "sro.incident_category", incident.category
    yield "location.nibrs_code", "nibrs.location", incident.location.nibrs_code
    if incident.disposition and incident.disposition.exceptional_clearance:
        clearance = incident.disposition.exceptional_clearance
        yield "disposition.exceptional_clearance", "nibrs.exceptional_clearance", clearance
    yield from _offense_codes(incident)
    yield from _property_codes(incident)
    yield from _involvement_codes(incident)


def _offense_codes(incident: Incident) -> Iterator[tuple[str, str, str]]:
    for n, offense in enumerate(incident.offenses):
        at = f"offenses[{n}]"
        yield f"{at}.ucr_code", "nibrs.offense", offense.ucr_code
        for table, name, codes in (
            ("nibrs.force", "weapons", offense.weapons),
            ("nibrs.bias_motivation", "bias_motivations", offense.bias_motivations),
            ("nibrs.criminal_activity", "criminal_activities", offense.criminal_activities),
            ("nibrs.offender_suspected_of_using", "suspected_of_using", offense.suspected_of_using),
        ):
            for k, code in enumerate(codes):
                yield f"{at}.{name}[{k}]", table, code
        if offense.method_of_entry is not None:
            yield f"{at}.method_of_entry", "nibrs.method_of_entry", offense.method_of_entry


def _property_codes(incident: Incident) -> Iterator[tuple[str, str, str]]:
    for n, item in enumerate(incident.property):
        yield f"property[{n}].loss_type", "nibrs.property_loss", item.loss_type
        yield f"property[{n}].description", "nibrs.property_description", item.description
    for n, drug in enumerate(incident.drugs):
        yield f"drugs[{n}].drug_type", "nibrs.drug_type", drug.drug_type
        yield f"drugs[{n}].loss_type", "nibrs.property_loss", drug.loss_type
        if drug.unit is not None:
            yield f"drugs[{n}].unit", "nibrs.drug_unit", drug.unit


def _involvement_codes(incident: Incident) -> Iterator[tuple[str, str, str]]:
    for n, involvement in enumerate(incident.involvements):
        at = f"involvements[{n}]"
        if victim := involvement.victim:
            yield f"{at}.victim.victim_type", "nibrs.victim_type", victim.victim_type
            for k, code in enumerate(victim.injuries):
                yield f"{at}.victim.injuries[{k}]", "nibrs.injury", code
            for k, code in enumerate(victim.circumstances):
                table = "nibrs.aggravated_assault_circumstance"
                yield f"{at}.victim.circumstances[{k}]", table, code
            for k, relationship in enumerate(victim.relationships):
                field = f"{at}.victim.relationships[{k}].code"
                yield field, "nibrs.relationship", relationship.code
            if victim.resident_status is not None:
                yield (
                    f"{at}.victim.resident_status",
                    "nibrs.resident_status",
                    victim.resident_status,
                )
        if arrest := involvement.arrest:
            yield f"{at}.arrest.offense_code", "nibrs.offense", arrest.offense_code
            yield f"{at}.arrest.arrest_type", "nibrs.arrest_type", arrest.arrest_type
            yield (
                f"{at}.arrest.multiple_arrestee",
                "nibrs.multiple_arrestee",
                arrest.multiple_arrestee,
            )
            for k, code in enumerate(arrest.armed_with):
                yield f"{at}.arrest.armed_with[{k}]", "nibrs.arrestee_weapon", code


def code_problems(incident: Incident, tables: CodeTables) -> list[Problem]:
    """Return every code of the incident that is not in its table, by field path."""
    return [
        Problem(field, code, _not_in(code, tables.get(table)))
        for field, table, code in _coded_fields(incident)
        if code not in tables.get(table)
    ]


def _not_in(code: str, table: CodeTable) -> str:
    """Say a code is not in its table, naming the nearest code of the table if one is near."""
    near = difflib.get_close_matches(code, sorted(table.values()), n=1)
    hint = f"; did you mean {near[0]!r}?" if near else ""
    return f"not in code table {table.name} {table.version}{hint}"
