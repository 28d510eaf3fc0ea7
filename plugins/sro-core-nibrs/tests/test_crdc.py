"""The CRDC referrals and arrests table: hand-counted schools, sums, blanks and suppression."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Sequence

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st
from nibrs_cases import START, base, offender, victim
from nibrs_support import ANALYST, CLERK, PROGRAM, Program, Settings, export_context
from sro_core_nibrs import CRDC_FIELDS, SUPPRESSED, CrdcArrsExporter, crdc_table, write_csv
from sro_core_nibrs.crdc import COLUMNS, additive_groups

from sro_core.builtin.memory import MemoryStorage
from sro_core.domain import (
    CrdcRaceEthnicity,
    Demographics,
    GradeSpan,
    Race,
    School,
    SchoolIds,
    SchoolLevel,
    SchoolYear,
    Sex,
)
from sro_core.ports import CrdcCounts, CrdcMeasure, CrdcStudentCount, StorageSettings

REF, ARR = CrdcMeasure.REFERRAL, CrdcMeasure.ARREST
M, F, U = Sex.MALE, Sex.FEMALE, Sex.UNKNOWN
HI, BL, WH, AS, TR = (
    CrdcRaceEthnicity.HISPANIC_LATINO,
    CrdcRaceEthnicity.BLACK,
    CrdcRaceEthnicity.WHITE,
    CrdcRaceEthnicity.ASIAN,
    CrdcRaceEthnicity.TWO_OR_MORE_RACES,
)
LINCOLN = School(
    "Lincoln High School", "Unified", SchoolLevel.HIGH, GradeSpan(9, 12),
    SchoolIds(nces_id="060000100001"), id=uuid.UUID(int=1),
)  # fmt: skip
ROOSEVELT = School(
    "Roosevelt Middle", "Unified", SchoolLevel.MIDDLE, GradeSpan(6, 8), id=uuid.UUID(int=2)
)
QUIET = School(
    "Quiet Elementary", "Unified", SchoolLevel.ELEMENTARY, GradeSpan(0, 5), id=uuid.UUID(int=3)
)


def count(school, measure, person, instances, facts):
    """Return one student's count: ``facts`` are sex, race/ethnicity, IDEA, 504, EL."""
    sex, race, idea, s504, el = facts
    return CrdcStudentCount(
        school.id, measure, uuid.UUID(int=person), instances, sex, race, idea, s504, el
    )


HAND_COUNTED = [
    count(LINCOLN, REF, 1, 2, (M, HI, False, False, True)),  # A: referred twice, an English learner
    count(LINCOLN, REF, 2, 1, (F, BL, True, False, False)),  # B: served under IDEA
    count(LINCOLN, REF, 3, 1, (F, WH, False, True, False)),  # C: Section 504 only
    count(LINCOLN, ARR, 1, 1, (M, HI, False, False, True)),  # A: also arrested once
    count(LINCOLN, REF, 4, 3, (M, None, False, False, None)),  # D: race, EL not collected
    count(ROOSEVELT, ARR, 5, 1, (U, TR, None, None, None)),  # E: sex, IDEA, 504, EL unknown
    count(ROOSEVELT, REF, 6, 1, (M, AS, False, False, False)),  # F
]


def rows_by_school(rows):
    """Return the table's rows by school name."""
    return {row["school_name"]: row for row in rows}


def test_hand_counted_schools():
    """Every cell of a hand-counted fixture: counts, counted zeros, and blanks."""
    table = rows_by_school(crdc_table(HAND_COUNTED, [LINCOLN, ROOSEVELT, QUIET]))
    lincoln = table["Lincoln High School"]
    assert lincoln["nces_id"] == "060000100001"
    expected = {
        "SCH_DISCWODIS_REF_INSTANCES": 6,  # A 2 + C 1 + D 3
        "SCH_DISCWDIS_REF_IDEA_INSTANCES": 1,  # B
        "SCH_DISCWODIS_REF_504_INSTANCES": 1,  # C
        "SCH_DISCWODIS_REF_HI_M": None,  # D is male, race not collected: could be HI
        "SCH_DISCWODIS_REF_WH_M": None,
        "SCH_DISCWODIS_REF_WH_F": 1,  # C
        "SCH_DISCWODIS_REF_HI_F": 0,  # counted zero: D is not female
        "TOT_DISCWODIS_REF_M": 2,  # A, D
        "TOT_DISCWODIS_REF_F": 1,  # C
        "SCH_DISCWODIS_REF_LEP_M": None,  # D's English learner status not collected
        "SCH_DISCWODIS_REF_LEP_F": 0,
        "SCH_DISCWODIS_REF_504_M": 0,
        "SCH_DISCWODIS_REF_504_F": 1,  # C
        "SCH_DISCWDIS_REF_IDEA_BL_F": 1,  # B
        "SCH_DISCWDIS_REF_IDEA_WH_F": 0,
        "SCH_DISCWDIS_REF_IDEA_HI_M": 0,
        "TOT_DISCWDIS_REF_IDEA_F": 1,
        "TOT_DISCWDIS_REF_IDEA_M": 0,
        "SCH_DISCWDIS_REF_LEP_IDEA_F": 0,
        "SCH_DISCWODIS_ARR_INSTANCES": 1,  # A
        "SCH_DISCWDIS_ARR_IDEA_INSTANCES": 0,
        "SCH_DISCWODIS_ARR_HI_M": 1,
        "TOT_DISCWODIS_ARR_M": 1,
        "SCH_DISCWODIS_ARR_LEP_M": 1,
        "TOT_DISCWODIS_ARR_F": 0,
    }
    assert {k: lincoln[k] for k in expected} == expected
    roosevelt = table["Roosevelt Middle"]
    assert roosevelt["SCH_DISCWODIS_ARR_TR_M"] is None  # E: sex and IDEA unknown
    assert roosevelt["SCH_DISCWODIS_ARR_BL_M"] == 0  # E is not Black: a counted zero
    assert roosevelt["SCH_DISCWDIS_ARR_IDEA_TR_F"] is None
    assert roosevelt["TOT_DISCWODIS_ARR_M"] is None
    assert roosevelt["SCH_DISCWODIS_ARR_INSTANCES"] is None
    assert roosevelt["SCH_DISCWODIS_REF_AS_M"] == 1  # F
    assert roosevelt["TOT_DISCWODIS_REF_M"] == 1
    quiet = table["Quiet Elementary"]
    assert all(quiet[c.name] == 0 for c in COLUMNS)


def test_the_table_has_the_crdc_groups_both_measures_and_both_sexes():
    """82 counts: per measure 3 instance counts, 20 without and 18 with disabilities."""
    assert len(COLUMNS) == 82
    assert CRDC_FIELDS[:4] == ("school_id", "school_name", "nces_id", "state_school_code")
    groups = {name.split("_")[3] for name in CRDC_FIELDS if name.startswith("SCH_DISCWODIS_REF_")}
    assert groups >= {"HI", "AM", "AS", "HP", "BL", "WH", "TR", "LEP", "504", "INSTANCES"}


def test_csv_writes_a_blank_for_not_collected_and_0_for_a_counted_zero():
    """In the CSV a counted zero is 0 and a value not collected is an empty cell."""
    out = io.StringIO()
    assert write_csv(crdc_table(HAND_COUNTED, [LINCOLN]), out, CRDC_FIELDS) == 2
    lines = list(csv.DictReader(io.StringIO(out.getvalue())))
    lincoln = lines[0]
    assert lincoln["SCH_DISCWODIS_REF_HI_F"] == "0"
    assert lincoln["SCH_DISCWODIS_REF_HI_M"] == ""
    assert lincoln["TOT_DISCWODIS_REF_M"] == "2"
    assert lines[1]["school_name"] == ""  # Roosevelt was counted but not listed: id only
    assert lines[1]["school_id"] == str(ROOSEVELT.id)


def test_small_counts_are_suppressed_for_analysts_with_their_totals():
    """Counts from 1 to the threshold are suppressed, and so is their total."""
    girls = [count(LINCOLN, REF, n, 1, (F, WH, False, False, False)) for n in (1, 2)]
    girls.append(count(LINCOLN, REF, 3, 1, (F, BL, False, False, False)))
    [row] = crdc_table(girls, [LINCOLN], suppress_below=2)
    assert row["SCH_DISCWODIS_REF_WH_F"] == 2
    assert row["SCH_DISCWODIS_REF_BL_F"] == SUPPRESSED
    assert row["TOT_DISCWODIS_REF_F"] == SUPPRESSED  # 3 - 2 would give the Black girl away
    assert row["SCH_DISCWODIS_REF_HI_F"] == 0
    assert row["SCH_DISCWODIS_REF_INSTANCES"] == 3


def _students() -> st.SearchStrategy[list[CrdcStudentCount]]:
    maybe = st.none() | st.booleans()
    one = st.builds(
        CrdcStudentCount,
        school_id=st.sampled_from([LINCOLN.id, ROOSEVELT.id]),
        measure=st.sampled_from(CrdcMeasure),
        person_id=st.uuids(),
        instances=st.integers(1, 5),
        sex=st.sampled_from(Sex),
        race_ethnicity=st.none() | st.sampled_from(CrdcRaceEthnicity),
        idea=maybe,
        section_504=maybe,
        english_learner=maybe,
    )
    return st.lists(one, max_size=30, unique_by=lambda c: (c.school_id, c.measure, c.person_id))


@settings(max_examples=100, deadline=None)
@given(counts=_students())
def test_per_group_counts_add_up_to_their_totals(counts: Sequence[CrdcStudentCount]):
    """Race/ethnicity cells add up to their total whenever all of them are counted."""
    for row in crdc_table(counts, [LINCOLN, ROOSEVELT]):
        for total, cells in additive_groups():
            values = [row[c] for c in cells]
            if all(isinstance(v, int) for v in values):
                assert row[total] == sum(values)  # type: ignore[arg-type]
        for measure, prefix in ((REF, "REF"), (ARR, "ARR")):
            here = [
                c for c in counts if c.measure is measure and str(c.school_id) == row["school_id"]
            ]
            wodis, idea = (
                row[f"SCH_DISCWODIS_{prefix}_INSTANCES"],
                row[f"SCH_DISCWDIS_{prefix}_IDEA_INSTANCES"],
            )
            if isinstance(wodis, int) and isinstance(idea, int):
                assert wodis + idea == sum(c.instances for c in here)
            totals = [row[f"TOT_DISCWODIS_{prefix}_{s}"] for s in "MF"]
            totals += [row[f"TOT_DISCWDIS_{prefix}_IDEA_{s}"] for s in "MF"]
            if all(isinstance(t, int) for t in totals):
                assert sum(totals) == len(here)  # type: ignore[arg-type]
            known = all(c.sex is not U and c.idea is not None for c in here)
            assert all(isinstance(t, int) for t in totals) == known


def test_the_format_counts_rows_as_they_come_and_suppresses_for_analysts():
    """crdc-arrs takes the schools and the counts; analysts get small counts suppressed."""
    records = CrdcCounts(SchoolYear(2026), (LINCOLN, QUIET), HAND_COUNTED)
    program = Program(settings=Settings(suppression_threshold=3))
    out = io.StringIO()
    written = CrdcArrsExporter().write(records, out, export_context(ANALYST, program))
    assert written == 3
    lincoln = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert lincoln["TOT_DISCWODIS_REF_M"] == SUPPRESSED
    assert lincoln["SCH_DISCWODIS_REF_INSTANCES"] == "6"
    department = io.StringIO()
    CrdcArrsExporter().write(records, department, export_context(CLERK, program))
    assert next(csv.DictReader(io.StringIO(department.getvalue())))["TOT_DISCWODIS_REF_M"] == "2"


def test_counts_from_the_memory_store_make_the_table():
    """The storage query's per-student counts, from recorded incidents, give the table."""
    known = Demographics(
        sex=M,
        races=frozenset({Race.WHITE}),
        hispanic_or_latino=False,
        idea=False,
        section_504=False,
        english_learner=False,
    )
    arrested = offender()
    arrested = attrs.evolve(arrested, person=attrs.evolve(arrested.person, demographics=known))
    incident = base(
        school_id=LINCOLN.id,
        referred_to_law_enforcement=True,
        school_related_arrest=True,
        involvements=(victim(), arrested),
    )
    with MemoryStorage(StorageSettings("memory:", PROGRAM.calendar)) as storage:
        with storage.unit_of_work() as unit:
            unit.incidents.add(incident)
        with storage.unit_of_work() as unit:
            counts = unit.queries.crdc_counts(SchoolYear.of(START.date()))
    [row] = crdc_table(counts, [LINCOLN])
    assert row["SCH_DISCWODIS_REF_WH_M"] == 1
    assert row["SCH_DISCWODIS_ARR_WH_M"] == 1
    assert row["SCH_DISCWODIS_REF_INSTANCES"] == 1
    assert row["TOT_DISCWODIS_REF_F"] == 0  # the victim is not counted: only offenders are
