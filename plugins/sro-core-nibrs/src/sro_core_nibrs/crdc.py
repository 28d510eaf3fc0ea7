"""The CRDC table of referrals to law enforcement and school-related arrests (module ARRS).

One row per school for a school year: for referrals (``REF``) and arrests (``ARR``), the
instances and the students, without disabilities (not served under IDEA, Section 504-only
students among them) and with disabilities (IDEA), by the CRDC's seven race/ethnicity groups
and sex, with English learners and Section 504-only students apart. Column names follow the
CRDC public-use files (``SCH_DISCWODIS_REF_HI_M`` …). The definitions are in ``docs/crdc.md``.

A cell is a count when every counted student's record decides whether they belong in it, and
blank ("not collected") when some record leaves that open (sex, race/ethnicity, IDEA, Section
504 or English-learner status not recorded): the CRDC asks for 0 only for a counted zero.
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import IO

import attrs

from sro_core.domain import CrdcRaceEthnicity, School, Sex
from sro_core.ports import CrdcMeasure, CrdcStudentCount, spreadsheet_safe

SEXES = (Sex.MALE, Sex.FEMALE)
GROUPS = tuple(CrdcRaceEthnicity)
"""The CRDC's seven groups in its order: HI, AM, AS, HP, BL, WH, TR."""
SUPPRESSED = "suppressed"
"""What an aggregate-audience table shows for a count from 1 to below the threshold."""
SCHOOL_COLUMNS = ("school_id", "school_name", "nces_id", "state_school_code")
_MEASURES = {CrdcMeasure.REFERRAL: "REF", CrdcMeasure.ARREST: "ARR"}

Membership = Callable[[CrdcStudentCount], bool | None]
"""Whether a student belongs in a cell: yes, no, or None when their record leaves it open."""


def _all(*parts: Membership) -> Membership:
    """Return the membership of all parts: no if any says no, open if any is open, else yes."""

    def member(count: CrdcStudentCount) -> bool | None:
        answers = [part(count) for part in parts]
        if False in answers:
            return False
        return None if None in answers else True

    return member


def _not_idea(count: CrdcStudentCount) -> bool | None:
    return None if count.idea is None else not count.idea


def _idea(count: CrdcStudentCount) -> bool | None:
    return count.idea


def _english_learner(count: CrdcStudentCount) -> bool | None:
    return count.english_learner


def _section_504(count: CrdcStudentCount) -> bool | None:
    return count.section_504


def _sex(sex: Sex) -> Membership:
    def member(count: CrdcStudentCount) -> bool | None:
        return None if count.sex is Sex.UNKNOWN else count.sex is sex

    return member


def _group(group: CrdcRaceEthnicity) -> Membership:
    def member(count: CrdcStudentCount) -> bool | None:
        return None if count.race_ethnicity is None else count.race_ethnicity is group

    return member


@attrs.frozen
class Column:
    """One count of the table: its name, measure, who belongs, and instances or students."""

    name: str
    measure: CrdcMeasure
    member: Membership
    instances: bool = False


def _columns(measure: CrdcMeasure) -> list[Column]:
    p = _MEASURES[measure]
    wodis, idea, only_504 = _not_idea, _idea, _all(_not_idea, _section_504)
    el = _english_learner
    return [
        Column(f"SCH_DISCWODIS_{p}_INSTANCES", measure, wodis, instances=True),
        Column(f"SCH_DISCWDIS_{p}_IDEA_INSTANCES", measure, idea, instances=True),
        Column(f"SCH_DISCWODIS_{p}_504_INSTANCES", measure, only_504, instances=True),
        *(
            Column(
                f"SCH_DISCWODIS_{p}_{g.value}_{s.value}", measure, _all(wodis, _group(g), _sex(s))
            )
            for g in GROUPS
            for s in SEXES
        ),
        *(Column(f"TOT_DISCWODIS_{p}_{s.value}", measure, _all(wodis, _sex(s))) for s in SEXES),
        *(
            Column(f"SCH_DISCWODIS_{p}_LEP_{s.value}", measure, _all(wodis, el, _sex(s)))
            for s in SEXES
        ),
        *(
            Column(f"SCH_DISCWODIS_{p}_504_{s.value}", measure, _all(only_504, _sex(s)))
            for s in SEXES
        ),
        *(
            Column(
                f"SCH_DISCWDIS_{p}_IDEA_{g.value}_{s.value}",
                measure,
                _all(idea, _group(g), _sex(s)),
            )
            for g in GROUPS
            for s in SEXES
        ),
        *(Column(f"TOT_DISCWDIS_{p}_IDEA_{s.value}", measure, _all(idea, _sex(s))) for s in SEXES),
        *(
            Column(f"SCH_DISCWDIS_{p}_LEP_IDEA_{s.value}", measure, _all(idea, el, _sex(s)))
            for s in SEXES
        ),
    ]


COLUMNS: tuple[Column, ...] = tuple(
    column for measure in (CrdcMeasure.REFERRAL, CrdcMeasure.ARREST) for column in _columns(measure)
)
"""Every count column, referrals first, then arrests."""
FIELDS: tuple[str, ...] = SCHOOL_COLUMNS + tuple(c.name for c in COLUMNS)
"""The table's columns, in order."""


def additive_groups() -> list[tuple[str, tuple[str, ...]]]:
    """Return each total with the race/ethnicity cells that add up to it."""
    groups = []
    for p in _MEASURES.values():
        for s in SEXES:
            cells = tuple(f"SCH_DISCWODIS_{p}_{g.value}_{s.value}" for g in GROUPS)
            groups.append((f"TOT_DISCWODIS_{p}_{s.value}", cells))
            cells = tuple(f"SCH_DISCWDIS_{p}_IDEA_{g.value}_{s.value}" for g in GROUPS)
            groups.append((f"TOT_DISCWDIS_{p}_IDEA_{s.value}", cells))
    return groups


class _Tally:
    """The running counts of one school: per column, a count and whether it is left open."""

    def __init__(self) -> None:
        self.counts = dict.fromkeys((c.name for c in COLUMNS), 0)
        self.open: set[str] = set()

    def add(self, count: CrdcStudentCount) -> None:
        for column in COLUMNS:
            if column.measure is not count.measure:
                continue
            member = column.member(count)
            if member is None:
                self.open.add(column.name)
            elif member:
                self.counts[column.name] += count.instances if column.instances else 1

    def cells(self) -> dict[str, int | None]:
        return {name: None if name in self.open else n for name, n in self.counts.items()}


class CrdcTable:
    """The ARRS table built count by count, so an exporter can stream the per-student rows."""

    def __init__(self, schools: Iterable[School] = ()) -> None:
        self.schools: dict[uuid.UUID, School] = {s.id: s for s in schools}
        self.tallies: dict[uuid.UUID, _Tally] = {key: _Tally() for key in self.schools}

    def add_school(self, school: School) -> None:
        """Add a school to the table: it gets a row even with nothing counted (all zero)."""
        self.schools[school.id] = school
        self.tallies.setdefault(school.id, _Tally())

    def add(self, count: CrdcStudentCount) -> None:
        """Count one student's referrals or arrests at one school."""
        self.tallies.setdefault(count.school_id, _Tally()).add(count)

    def rows(self, *, suppress_below: int | None = None) -> list[dict[str, object]]:
        """Return one row per school: the schools given first, then others by id.

        :param suppress_below: for an aggregate audience, the threshold under which counts
            from 1 up are shown as :data:`SUPPRESSED` (with their total, so it cannot be
            worked out by subtraction).
        """
        order = list(self.schools) + sorted(k for k in self.tallies if k not in self.schools)
        rows = []
        for key in order:
            school = self.schools.get(key)
            row: dict[str, object] = {
                "school_id": str(key),
                "school_name": school.name if school else None,
                "nces_id": school.ids.nces_id if school else None,
                "state_school_code": school.ids.state_school_code if school else None,
            }
            cells: dict[str, object] = dict(self.tallies[key].cells())
            if suppress_below is not None:
                cells = suppressed(cells, suppress_below)
            row.update(cells)
            rows.append(row)
        return rows


def suppressed(cells: Mapping[str, object], threshold: int) -> dict[str, object]:
    """Return cells with counts from 1 to below ``threshold`` suppressed, and their totals."""
    result = {
        name: SUPPRESSED if isinstance(n, int) and 0 < n < threshold else n
        for name, n in cells.items()
    }
    for total, parts in additive_groups():
        if any(result[p] == SUPPRESSED for p in parts):
            result[total] = SUPPRESSED
    return result


def crdc_table(
    counts: Iterable[CrdcStudentCount],
    schools: Iterable[School] = (),
    *,
    suppress_below: int | None = None,
) -> list[dict[str, object]]:
    """Return the ARRS table of a school year's per-student counts, one row per school.

    :param counts: ``Program.crdc_counts(actor, year)``: per student, school and measure.
    :param schools: the schools to report, each with a row even when nothing was counted.
    :param suppress_below: suppress counts under this threshold (aggregate audiences).
    """
    table = CrdcTable(schools)
    for count in counts:
        table.add(count)
    return table.rows(suppress_below=suppress_below)


def write_csv(
    rows: Iterable[Mapping[str, object]],
    out: IO[str],
    fields: Sequence[str],
    options: Mapping[str, str] | None = None,
) -> int:
    """Write the table as CSV with a header; a blank cell is "not collected". Return rows.

    A school's name a spreadsheet would run as a formula is written with a leading ``'``
    (:func:`sro_core.ports.spreadsheet_safe`; ``formulas=raw`` in ``options`` keeps it).
    """
    writer = csv.DictWriter(out, fieldnames=list(fields), lineterminator="\r\n")
    writer.writeheader()
    written = 0
    for row in rows:
        writer.writerow(
            {k: "" if row.get(k) is None else spreadsheet_safe(row[k], options) for k in fields}
        )
        written += 1
    return written
