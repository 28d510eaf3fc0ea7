"""Generate ``src/sro_core/codes/_nibrs_2019_1.py`` from the FBI's NIBRS IEPD 2019.1 schema files.

Usage (from the repository root)::

    python tools/build_codes.py [XSD_ROOT] [--output FILE] [--check]

``XSD_ROOT`` is the IEPD's ``base-xsd`` folder (default ``../shared/nibrs-iepd-2019.1/base-xsd``
relative to the repository root). Every table is read from one ``xsd:simpleType``: each
``xsd:enumeration`` gives a code (its ``value``) and a description (its ``xsd:documentation``,
whitespace collapsed), in schema order. Only the standard library is used.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import NamedTuple

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_XSD_ROOT = Path("..") / "shared" / "nibrs-iepd-2019.1" / "base-xsd"
DEFAULT_OUTPUT = Path("src") / "sro_core" / "codes" / "_nibrs_2019_1.py"
VERSION = "2019.1"
COMMAND = "python tools/build_codes.py ../shared/nibrs-iepd-2019.1/base-xsd"

XS = "{http://www.w3.org/2001/XMLSchema}"
LINE_LENGTH = 100
INDENT = "    "

NIBRS_CODES = "nibrs/2019/nibrs-codes.xsd"
UCR = "niem/codes/fbi_ucr/3.2/fbi_ucr.xsd"
NDEX = "niem/codes/fbi_ndex/3.1/fbi_ndex.xsd"
NCIC = "niem/codes/fbi_ncic/3.2/fbi_ncic.xsd"
CJIS_CODES = "cjis/2.0/cjis-codes.xsd"


class TableSpec(NamedTuple):
    """Where one code table comes from: its name, schema file and simple type."""

    name: str
    schema: str
    simple_type: str


TABLES: tuple[TableSpec, ...] = (
    TableSpec("nibrs.offense", NIBRS_CODES, "OffenseCodeSimpleType"),
    TableSpec("nibrs.location", NIBRS_CODES, "LocationCategoryCodeSimpleType"),
    TableSpec("nibrs.criminal_activity", NIBRS_CODES, "CriminalActivityCategoryCodeSimpleType"),
    TableSpec("nibrs.bias_motivation", NDEX, "BiasMotivationCodeSimpleType"),
    TableSpec("nibrs.force", UCR, "ForceCategoryCodeSimpleType"),
    TableSpec("nibrs.offender_suspected_of_using", UCR, "IncidentFactorCodeSimpleType"),
    TableSpec("nibrs.victim_type", UCR, "VictimCategoryCodeSimpleType"),
    TableSpec("nibrs.injury", UCR, "InjuryCategoryCodeSimpleType"),
    TableSpec("nibrs.relationship", NIBRS_CODES, "VictimToSubjectRelationshipCodeSimpleType"),
    TableSpec(
        "nibrs.aggravated_assault_circumstance",
        UCR,
        "AggravatedAssaultHomicideFactorsCodeSimpleType",
    ),
    TableSpec(
        "nibrs.justifiable_homicide_circumstance", UCR, "JustifiableHomicideFactorsCodeSimpleType"
    ),
    TableSpec("nibrs.arrest_type", UCR, "ArrestCategoryCodeSimpleType"),
    TableSpec("nibrs.arrestee_weapon", UCR, "ArresteeWeaponCodeSimpleType"),
    TableSpec("nibrs.juvenile_disposition", NDEX, "JuvenileDispositionCodeSimpleType"),
    TableSpec("nibrs.multiple_arrestee", UCR, "MultipleArresteeSegmentsCodeSimpleType"),
    TableSpec("nibrs.property_loss", CJIS_CODES, "ItemStatusCodeSimpleType"),
    TableSpec("nibrs.property_description", UCR, "PropertyCategoryCodeSimpleType"),
    TableSpec("nibrs.drug_type", UCR, "DrugCategoryCodeSimpleType"),
    TableSpec("nibrs.drug_unit", UCR, "DrugMeasurementCodeSimpleType"),
    TableSpec("nibrs.sex", NCIC, "SEXCodeSimpleType"),
    TableSpec("nibrs.race", NDEX, "RACCodeSimpleType"),
    TableSpec("nibrs.ethnicity", UCR, "EthnicityCodeSimpleType"),
    TableSpec("nibrs.resident_status", UCR, "ResidentCodeSimpleType"),
    TableSpec("nibrs.exceptional_clearance", UCR, "IncidentExceptionalClearanceCodeSimpleType"),
    TableSpec("nibrs.method_of_entry", UCR, "MethodOfEntryCodeSimpleType"),
    TableSpec("nibrs.report_action", NIBRS_CODES, "ReportActionCategoryCodeSimpleType"),
    TableSpec("nibrs.report_category", NIBRS_CODES, "NIBRSReportCategoryCodeSimpleType"),
    TableSpec("nibrs.leoka_activity", UCR, "LEOKAActivityCategoryCodeSimpleType"),
    TableSpec("nibrs.leoka_assignment", UCR, "LEOKAOfficerAssignmentCategoryCodeSimpleType"),
)


class SchemaError(Exception):
    """A schema file does not hold a code list the way this generator expects."""


def read_enumerations(xsd_root: Path, spec: TableSpec) -> tuple[tuple[str, str], ...]:
    """Return the (code, description) pairs of one simple type, in schema order."""
    root = ET.parse(xsd_root / spec.schema).getroot()
    found = [st for st in root.iter(f"{XS}simpleType") if st.get("name") == spec.simple_type]
    if len(found) != 1:
        msg = f"{spec.schema}: expected one simpleType {spec.simple_type!r}, found {len(found)}"
        raise SchemaError(msg)
    pairs: list[tuple[str, str]] = []
    seen: set[str] = set()
    for enumeration in found[0].iter(f"{XS}enumeration"):
        value = enumeration.get("value")
        documentation = enumeration.find(f"{XS}annotation/{XS}documentation")
        where = f"{spec.schema} {spec.simple_type}"
        if value is None or value in seen:
            raise SchemaError(f"{where}: missing or repeated enumeration value {value!r}")
        if documentation is None or not "".join(documentation.itertext()).strip():
            raise SchemaError(f"{where}: enumeration {value!r} has no documentation")
        seen.add(value)
        pairs.append((value, " ".join("".join(documentation.itertext()).split())))
    if not pairs:
        raise SchemaError(f"{spec.schema} {spec.simple_type}: no enumerations")
    return tuple(pairs)


def constant_name(table_name: str) -> str:
    """Return the module constant that holds a table: ``nibrs.drug_type`` -> ``DRUG_TYPE``."""
    return table_name.split(".", 1)[1].upper()


def string_literal(text: str) -> str:
    """Return ``text`` as a Python string literal quoted the way ``ruff format`` keeps it."""
    body = text.replace("\\", "\\\\")
    if body.count('"') > body.count("'"):
        return "'" + body.replace("'", "\\'") + "'"
    return '"' + body.replace('"', '\\"') + '"'


def split_words(text: str, width: int) -> list[str]:
    """Split ``text`` into chunks at spaces, each at most ``width`` characters where possible."""
    chunks: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and len(string_literal(candidate + " ")) > width:
            chunks.append(current + " ")
            current = word
        else:
            current = candidate
    chunks.append(current)
    return chunks


def render_pair(code: str, description: str) -> list[str]:
    """Return the lines of one ``(code, description)`` tuple inside a table constant."""
    one_line = f"{INDENT}({string_literal(code)}, {string_literal(description)}),"
    if len(one_line) <= LINE_LENGTH:
        return [one_line]
    inner = INDENT * 2
    lines = [f"{INDENT}(", f"{inner}{string_literal(code)},"]
    if len(inner + string_literal(description) + ",") <= LINE_LENGTH:
        lines.append(f"{inner}{string_literal(description)},")
    else:
        chunks = split_words(description, LINE_LENGTH - len(inner + INDENT))
        lines.append(f"{inner}(")
        lines.extend(f"{inner}{INDENT}{string_literal(chunk)}" for chunk in chunks)
        lines.append(f"{inner}),")
    lines.append(f"{INDENT}),")
    return lines


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def render(xsd_root: Path) -> str:
    """Return the text of the generated module for the schema files under ``xsd_root``."""
    schemas = sorted({spec.schema for spec in TABLES})
    lines = [
        "# GENERATED FILE - DO NOT EDIT.",
        f"# Written by tools/build_codes.py from the FBI's NIBRS IEPD {VERSION} schema files",
        "# (paths under the IEPD's base-xsd folder, with their SHA-256):",
        *(f"#   {schema}\n#     {_sha256(xsd_root / schema)}" for schema in schemas),
        "# To regenerate, run from the repository root:",
        f"#   {COMMAND}",
        f'"""NIBRS {VERSION} code lists: (code, description) pairs in schema order (generated)."""',
        "",
        "from typing import Final",
        "",
        f'VERSION: Final = "{VERSION}"',
    ]
    for spec in TABLES:
        lines += [
            "",
            f"# {spec.simple_type} in {spec.schema}",
            f"{constant_name(spec.name)}: Final[tuple[tuple[str, str], ...]] = (",
        ]
        for code, description in read_enumerations(xsd_root, spec):
            lines.extend(render_pair(code, description))
        lines.append(")")
    lines += [
        "",
        "# (table name, schema file#simple type, codes) for every table, in this order.",
        "TABLES: Final[tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]] = (",
    ]
    for spec in TABLES:
        source = string_literal(f"{spec.schema}#{spec.simple_type}")
        entry = f'{INDENT}("{spec.name}", {source}, {constant_name(spec.name)}),'
        if len(entry) <= LINE_LENGTH:
            lines.append(entry)
        else:
            lines += [
                f"{INDENT}(",
                f'{INDENT * 2}"{spec.name}",',
                f"{INDENT * 2}{source},",
                f"{INDENT * 2}{constant_name(spec.name)},",
                f"{INDENT}),",
            ]
    lines.append(")")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or, with ``--check``, compare) the generated module; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "xsd_root",
        nargs="?",
        type=Path,
        default=REPO_ROOT / DEFAULT_XSD_ROOT,
        help="the IEPD's base-xsd folder (default: %(default)s)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=REPO_ROOT / DEFAULT_OUTPUT,
        help="the module to write (default: %(default)s)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the output file is not up to date",
    )
    args = parser.parse_args(argv)
    text = render(args.xsd_root)
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else None
        if current != text:
            print(f"{args.output} is out of date; run: {COMMAND}", file=sys.stderr)
            return 1
        print(f"{args.output} is up to date")
        return 0
    args.output.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {args.output} ({len(TABLES)} tables)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
