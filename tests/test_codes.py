from __future__ import annotations

import ast
import importlib.util
import os
import pickle
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sro_core import codes
from sro_core.codes import (
    ALWAYS_COMPLETED_OFFENSES,
    DRUG_OFFENSES,
    GROUP_A_OFFENSES,
    GROUP_B_OFFENSES,
    NIBRS_VERSION,
    RETIRED_OFFENSES,
    SCHOOL_LOCATION_CODES,
    Code,
    CodeTable,
    CodeTables,
    CrimeAgainst,
    OffenseGroup,
    UnknownCodeError,
    UnknownCodeTableError,
    crime_against,
    default_tables,
    is_school_location,
    nibrs_tables,
    offense_group,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
GENERATED = REPO_ROOT / "src" / "sro_core" / "codes" / "_nibrs_2019_1.py"
NIBRS_PLUGIN = REPO_ROOT / "plugins" / "sro-core-nibrs"
_NAMED = os.environ.get("SRO_NIBRS_IEPD")
BASE_XSD = next(
    (
        folder
        for folder in (
            *([Path(_NAMED) / "base-xsd"] if _NAMED else []),
            REPO_ROOT.parent / "shared" / "nibrs-iepd-2019.1" / "base-xsd",
            # the plugin packages the IEPD's schema files unchanged (its tests check the bytes)
            NIBRS_PLUGIN / "src" / "sro_core_nibrs" / "xsd",
        )
        if folder.is_dir()
    ),
    None,
)
needs_iepd = pytest.mark.skipif(
    BASE_XSD is None,
    reason="the FBI NIBRS IEPD 2019.1 schemas are not here; set SRO_NIBRS_IEPD to its folder",
)
SAMPLES = sorted((NIBRS_PLUGIN / "tests" / "iep-sample").glob("*.xml"))

NIBRS_TABLE_NAMES = (
    "nibrs.offense",
    "nibrs.location",
    "nibrs.criminal_activity",
    "nibrs.bias_motivation",
    "nibrs.force",
    "nibrs.offender_suspected_of_using",
    "nibrs.victim_type",
    "nibrs.injury",
    "nibrs.relationship",
    "nibrs.aggravated_assault_circumstance",
    "nibrs.justifiable_homicide_circumstance",
    "nibrs.arrest_type",
    "nibrs.arrestee_weapon",
    "nibrs.juvenile_disposition",
    "nibrs.multiple_arrestee",
    "nibrs.property_loss",
    "nibrs.property_description",
    "nibrs.drug_type",
    "nibrs.drug_unit",
    "nibrs.sex",
    "nibrs.race",
    "nibrs.ethnicity",
    "nibrs.resident_status",
    "nibrs.exceptional_clearance",
    "nibrs.method_of_entry",
    "nibrs.report_action",
    "nibrs.report_category",
    "nibrs.leoka_activity",
    "nibrs.leoka_assignment",
)

# Which table each code element of a NIBRS 2019.1 submission draws from (by local name).
ELEMENT_TABLES = {
    "OffenseUCRCode": "nibrs.offense",
    "ChargeUCRCode": "nibrs.offense",
    "LocationCategoryCode": "nibrs.location",
    "CriminalActivityCategoryCode": "nibrs.criminal_activity",
    "OffenseFactorBiasMotivationCode": "nibrs.bias_motivation",
    "ForceCategoryCode": "nibrs.force",
    "OffenseFactorCode": "nibrs.offender_suspected_of_using",
    "VictimCategoryCode": "nibrs.victim_type",
    "InjuryCategoryCode": "nibrs.injury",
    "VictimToSubjectRelationshipCode": "nibrs.relationship",
    "VictimAggravatedAssaultHomicideFactorCode": "nibrs.aggravated_assault_circumstance",
    "VictimJustifiableHomicideFactorCode": "nibrs.justifiable_homicide_circumstance",
    "ArrestCategoryCode": "nibrs.arrest_type",
    "ArresteeArmedWithCode": "nibrs.arrestee_weapon",
    "SubjectArmedWithCode": "nibrs.arrestee_weapon",
    "ArresteeJuvenileDispositionCode": "nibrs.juvenile_disposition",
    "ArrestSubjectCountCode": "nibrs.multiple_arrestee",
    "ItemStatusCode": "nibrs.property_loss",
    "ItemCategoryNIBRSPropertyCategoryCode": "nibrs.property_description",
    "DrugCategoryCode": "nibrs.drug_type",
    "SubstanceUnitCode": "nibrs.drug_unit",
    "PersonSexCode": "nibrs.sex",
    "PersonRaceNDExCode": "nibrs.race",
    "PersonEthnicityCode": "nibrs.ethnicity",
    "PersonResidentCode": "nibrs.resident_status",
    "IncidentExceptionalClearanceCode": "nibrs.exceptional_clearance",
    "PassagePointMethodCode": "nibrs.method_of_entry",
    "ReportActionCategoryCode": "nibrs.report_action",
    "NIBRSReportCategoryCode": "nibrs.report_category",
    "EnforcementOfficialActivityCategoryCode": "nibrs.leoka_activity",
    "EnforcementOfficialAssignmentCategoryCode": "nibrs.leoka_assignment",
}


@pytest.fixture(scope="module")
def build_codes() -> ModuleType:
    """Load tools/build_codes.py, which is a script and not part of the package."""
    spec = importlib.util.spec_from_file_location(
        "build_codes", REPO_ROOT / "tools" / "build_codes.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _parse_sample(path: Path) -> ET.Element:
    # nibrs_GroupAReplace_Sample.xml puts its XML declaration after a comment, which is not
    # well-formed XML; drop declarations before parsing. These are the FBI's own sample files.
    data = re.sub(rb"<\?xml[^>]*\?>", b"", path.read_bytes())
    return ET.fromstring(data)  # noqa: S314


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


# --- the generated module ------------------------------------------------------------------


@needs_iepd
def test_generated_module_is_up_to_date(build_codes: ModuleType, tmp_path: Path) -> None:
    """The committed _nibrs_2019_1.py is exactly what the generator writes from the IEPD."""
    output = tmp_path / "_nibrs_2019_1.py"
    assert build_codes.main([str(BASE_XSD), "--output", str(output)]) == 0
    assert output.read_text(encoding="utf-8") == GENERATED.read_text(encoding="utf-8"), (
        "run: python tools/build_codes.py ../shared/nibrs-iepd-2019.1/base-xsd"
    )
    assert build_codes.main([str(BASE_XSD), "--output", str(GENERATED), "--check"]) == 0


def test_generated_module_is_plain_data() -> None:
    """The generated module only imports typing and assigns literals, so it reads no files."""
    tree = ast.parse(GENERATED.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            assert node.module == "typing"
        elif isinstance(node, ast.Expr):
            assert isinstance(node.value, ast.Constant)
        else:
            assert isinstance(node, ast.AnnAssign)
            assert node.value is not None
            allowed = (ast.Constant, ast.Tuple, ast.Name, ast.Load)
            assert all(isinstance(sub, allowed) for sub in ast.walk(node.value)), node.lineno


def test_generated_header_says_how_it_was_made() -> None:
    """The generated module names itself as generated, its source files and its command."""
    head = GENERATED.read_text(encoding="utf-8").split('"""', 1)[0]
    assert "GENERATED FILE - DO NOT EDIT" in head
    assert "nibrs/2019/nibrs-codes.xsd" in head
    assert "cjis/2.0/cjis-codes.xsd" in head
    assert "python tools/build_codes.py" in head


@needs_iepd
def test_generator_collapses_whitespace_in_descriptions(build_codes: ModuleType) -> None:
    """Descriptions are the schema's documentation text with its whitespace collapsed."""
    spec = build_codes.TableSpec(
        "nibrs.criminal_activity",
        "nibrs/2019/nibrs-codes.xsd",
        "CriminalActivityCategoryCodeSimpleType",
    )
    pairs = dict(build_codes.read_enumerations(BASE_XSD, spec))
    assert pairs["A"].startswith("Simple/Gross Neglect (unintentionally")
    assert all("  " not in text and text == text.strip() for text in pairs.values())


# --- the official samples ---------------------------------------------------------------------


@needs_iepd
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda path: path.name)
def test_sample_codes_are_in_their_tables(sample: Path) -> None:
    """Every code in the FBI's IEPD sample submissions is in the table its element draws from."""
    tables = nibrs_tables()
    checked = 0
    for element in _parse_sample(sample).iter():
        name = _local_name(element.tag)
        if not name.endswith("Code"):
            continue
        assert name in ELEMENT_TABLES, f"{sample.name}: no table is known for {name}"
        value = (element.text or "").strip()
        tables.check(ELEMENT_TABLES[name], value, f"{sample.name}:{name}")
        checked += 1
    assert checked > 0


@needs_iepd
def test_samples_are_present() -> None:
    """The IEPD's sample folder holds the seven official sample submissions."""
    assert len(SAMPLES) == 7


# --- code tables ------------------------------------------------------------------------------

values = st.text(alphabet="ABCDEFGHIJ0123456789_", min_size=1, max_size=3)
code_lists = st.lists(
    st.builds(Code, values, st.text(max_size=20)), unique_by=lambda code: code.value, max_size=15
)


@settings(database=None)
@given(base=code_lists, additions=code_lists)
def test_overlay_adds_codes_and_never_removes_any(base: list[Code], additions: list[Code]) -> None:
    """An overlay keeps every code, in order, and adds or redescribes the ones it lists."""
    table = CodeTable("test.table", "1", "base", tuple(base))
    overlaid = table.overlay(additions, "state")
    assert table.values() <= overlaid.values()
    assert overlaid.values() == table.values() | {code.value for code in additions}
    assert [code.value for code in overlaid.codes[: len(base)]] == [code.value for code in base]
    changed = {code.value: code.description for code in additions}
    for code in base:
        assert overlaid.describe(code.value) == changed.get(code.value, code.description)
    for code in additions:
        assert overlaid.describe(code.value) == code.description
    assert (overlaid.name, overlaid.version) == (table.name, table.version)


def test_overlay_records_its_source_and_rejects_repeated_codes() -> None:
    """An overlay's source is appended to the table's; listing a code twice is an error."""
    table = CodeTable.from_pairs("test.table", "1", "base", [("A", "Alpha")])
    assert table.overlay([Code("B", "Beta")], "state").source == "base; overlay: state"
    with pytest.raises(ValueError, match="'B' twice"):
        table.overlay([Code("B", "Beta"), Code("B", "Bravo")], "state")


def test_code_table_lookups() -> None:
    """Membership, describe, values and len answer from the table's codes."""
    table = nibrs_tables().get("nibrs.offense")
    assert "13B" in table
    assert "99Z" not in table
    assert 13 not in table
    assert table.describe("13B") == "Simple Assault"
    assert table.code("35A") == Code("35A", "Drug/Narcotic Violations")
    assert len(table) == len(table.values()) == 63
    assert [code.value for code in table][:3] == ["09A", "09B", "09C"]


def test_code_table_is_frozen_and_hashable() -> None:
    """Tables are immutable values: equal tables hash alike and the index takes no part."""
    one = CodeTable.from_pairs("test.table", "1", "s", [("A", "Alpha")])
    two = CodeTable.from_pairs("test.table", "1", "s", [("A", "Alpha")])
    assert one == two
    assert hash(one) == hash(two)
    assert "_index" not in repr(one)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        one.name = "other"  # type: ignore[misc]


def test_code_table_rejects_repeated_codes_and_blank_names() -> None:
    """A table cannot list a value twice, and needs a name and a version."""
    with pytest.raises(ValueError, match="'A' twice"):
        CodeTable.from_pairs("test.table", "1", "s", [("A", "Alpha"), ("A", "Again")])
    with pytest.raises(ValueError, match="name"):
        CodeTable.from_pairs(" ", "1", "s", [])
    with pytest.raises(ValueError, match="version"):
        CodeTable.from_pairs("test.table", "", "s", [])


def test_unknown_code_error_names_table_value_and_field() -> None:
    """check() raises an error naming the table, its version, the value and the field path."""
    with pytest.raises(UnknownCodeError) as raised:
        default_tables().check("nibrs.offense", "99Z", "offenses[0].ucr_code")
    error = raised.value
    assert isinstance(error, ValueError)
    assert (error.table, error.version, error.value, error.field) == (
        "nibrs.offense",
        "2019.1",
        "99Z",
        "offenses[0].ucr_code",
    )
    assert str(error) == (
        "offenses[0].ucr_code: offense code '99Z' is not in code table 'nibrs.offense' 2019.1"
    )
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object, just pickled
    assert (copy.table, copy.value, copy.field, str(copy)) == (
        error.table,
        error.value,
        error.field,
        str(error),
    )


def test_describe_unknown_code_raises() -> None:
    """describe() of a value not in the table raises UnknownCodeError without a field."""
    with pytest.raises(UnknownCodeError, match=r"^offense code '99Z' is not in code table"):
        nibrs_tables().get("nibrs.offense").describe("99Z")


def test_check_accepts_known_codes() -> None:
    """check() returns quietly for a code that is in its table."""
    default_tables().check("nibrs.location", "53", "incident.location")
    default_tables().check("sro.incident_category", "fight", "incident.category")


def test_unknown_table_raises_lookup_error_naming_it() -> None:
    """Asking for a missing table raises UnknownCodeTableError (a LookupError, not KeyError)."""
    with pytest.raises(UnknownCodeTableError, match=re.escape("'nibrs.nope'")) as raised:
        default_tables().get("nibrs.nope")
    assert isinstance(raised.value, LookupError)
    assert not isinstance(raised.value, KeyError)
    assert raised.value.name == "nibrs.nope"
    assert "nibrs.nope" not in default_tables()
    with pytest.raises(UnknownCodeTableError):
        default_tables().check("nibrs.nope", "X", "field")


def test_with_table_adds_a_new_table() -> None:
    """with_table() with a new name returns a larger registry and leaves the old one alone."""
    extra = CodeTable.from_pairs("state.extra", "1", "state", [("X", "Ex")])
    before = nibrs_tables()
    after = before.with_table(extra)
    assert after.names() == (*before.names(), "state.extra")
    assert "state.extra" in after
    assert "state.extra" not in before


def test_with_table_overlays_a_table_of_the_same_name() -> None:
    """with_table() with an existing name overlays its codes (a state adding race codes)."""
    hawaii = CodeTable.from_pairs(
        "nibrs.race", "hi.1", "Hawaii", [("C", "Chinese"), ("J", "Japanese"), ("U", "Unknown")]
    )
    tables = nibrs_tables().with_table(hawaii)
    race = tables.get("nibrs.race")
    assert race.version == NIBRS_VERSION
    assert {"A", "B", "I", "P", "U", "W", "C", "J"} == race.values()
    assert race.describe("U") == "Unknown"
    assert nibrs_tables().get("nibrs.race").describe("U") == "UNKNOWN"
    assert tables.names() == nibrs_tables().names()


def test_registry_rejects_two_tables_of_one_name() -> None:
    """A registry cannot hold two tables with the same name."""
    table = CodeTable.from_pairs("test.table", "1", "s", [])
    with pytest.raises(ValueError, match=re.escape("'test.table'")):
        CodeTables((table, table))


# --- the tables shipped -----------------------------------------------------------------------


def test_nibrs_table_names_and_versions() -> None:
    """nibrs_tables() holds the NIBRS 2019.1 tables, and default_tables() adds the SRO ones."""
    assert nibrs_tables().names() == NIBRS_TABLE_NAMES
    assert default_tables().names() == (*NIBRS_TABLE_NAMES, "sro.incident_category")
    assert {table.version for table in nibrs_tables()} == {"2019.1"}
    assert default_tables().get("sro.incident_category").version == codes.SRO_VERSION == "sro.1"
    assert nibrs_tables() is nibrs_tables()
    assert all(len(table) > 0 for table in default_tables())


def test_sex_codes_are_the_nibrs_ones() -> None:
    """The NCIC sex code list in the IEPD is exactly NIBRS's M, F and U."""
    assert nibrs_tables().get("nibrs.sex").values() == {"M", "F", "U"}


def test_local_incident_categories() -> None:
    """The SRO incident categories are the program's 21 lowercase_with_underscores codes."""
    table = default_tables().get("sro.incident_category")
    assert len(table) == 21
    assert {"parking_traffic", "fight", "tobacco_vaping", "welfare_check", "other"} <= (
        table.values()
    )
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", code.value) for code in table)
    assert all(code.description for code in table)


def test_school_locations() -> None:
    """The school location codes are in the location table and described as schools."""
    locations = nibrs_tables().get("nibrs.location")
    assert {"22", "52", "53"} == SCHOOL_LOCATION_CODES
    assert all("school" in locations.describe(code).lower() for code in SCHOOL_LOCATION_CODES)
    assert is_school_location("53")
    assert not is_school_location("20")


# --- offense facts ----------------------------------------------------------------------------


def test_every_offense_has_a_group_and_a_category() -> None:
    """Every code of nibrs.offense has a group and a crime-against category, and no others do."""
    offenses = nibrs_tables().get("nibrs.offense")
    for code in offenses.values():
        assert isinstance(offense_group(code), OffenseGroup)
        assert isinstance(crime_against(code), CrimeAgainst)
    assert offenses.values() == GROUP_A_OFFENSES | GROUP_B_OFFENSES
    assert not GROUP_A_OFFENSES & GROUP_B_OFFENSES


@pytest.mark.parametrize(
    ("code", "group", "against"),
    [
        ("13A", OffenseGroup.A, CrimeAgainst.PERSON),
        ("13B", OffenseGroup.A, CrimeAgainst.PERSON),
        ("11D", OffenseGroup.A, CrimeAgainst.PERSON),
        ("120", OffenseGroup.A, CrimeAgainst.PROPERTY),
        ("23D", OffenseGroup.A, CrimeAgainst.PROPERTY),
        ("290", OffenseGroup.A, CrimeAgainst.PROPERTY),
        ("35A", OffenseGroup.A, CrimeAgainst.SOCIETY),
        ("520", OffenseGroup.A, CrimeAgainst.SOCIETY),
        ("09C", OffenseGroup.A, CrimeAgainst.NOT_A_CRIME),
        ("90A", OffenseGroup.B, CrimeAgainst.PROPERTY),
        ("90G", OffenseGroup.B, CrimeAgainst.SOCIETY),
        ("90Z", OffenseGroup.B, CrimeAgainst.PERSON_PROPERTY_OR_SOCIETY),
    ],
)
def test_known_offense_facts(code: str, group: OffenseGroup, against: CrimeAgainst) -> None:
    """Spot checks of the FBI's group and crime-against listing."""
    assert offense_group(code) is group
    assert crime_against(code) is against


def test_offense_facts_of_unknown_codes_raise() -> None:
    """offense_group() and crime_against() of an unknown code raise UnknownCodeError."""
    for lookup in (offense_group, crime_against):
        with pytest.raises(UnknownCodeError, match=re.escape("'nibrs.offense' 2019.1")) as raised:
            lookup("99Z")
        assert raised.value.value == "99Z"


def test_offense_constants_are_group_a_offenses() -> None:
    """Drug and always-completed offenses are Group A codes of the table; 90I is retired."""
    assert {"35A", "35B"} == DRUG_OFFENSES
    assert {"09A", "09B", "09C", "13A", "13B", "13C"} == ALWAYS_COMPLETED_OFFENSES
    assert DRUG_OFFENSES | ALWAYS_COMPLETED_OFFENSES <= GROUP_A_OFFENSES
    assert {"90I"} == RETIRED_OFFENSES
    assert RETIRED_OFFENSES <= GROUP_B_OFFENSES


def test_public_names_are_exported() -> None:
    """Everything in sro_core.codes.__all__ exists."""
    assert all(hasattr(codes, name) for name in codes.__all__)
