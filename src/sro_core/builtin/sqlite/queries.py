"""The queries of the SQLite store, each one SQL statement over the indexed columns.

Answers match the memory reference exactly: the same rows in the same order. UUIDs are kept
as their canonical lowercase text and times as fixed-format UTC text, so ``ORDER BY`` on the
text gives the reference's order; SQLite's ``lower`` folds only A to Z, as ``ascii_lower``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from sro_core.builtin.sqlite import rows
from sro_core.builtin.sqlite.people import person_records
from sro_core.domain import (
    ContactParty,
    ContactPurpose,
    CrdcRaceEthnicity,
    Incident,
    LocationKind,
    ReferralReason,
    ReferralStatus,
    SchoolYear,
    Sex,
    TriadRole,
)
from sro_core.ports import (
    ContactCount,
    CrdcMeasure,
    CrdcStudentCount,
    IncidentFilter,
    LocationCount,
    MonthlyCount,
    Page,
    PageOf,
    Period,
    PersonRecords,
    Queries,
    ReferralCount,
    TriadTime,
    ascii_lower,
    document_cursor,
    incident_after,
    page_of,
    read_incident_cursor,
)

if TYPE_CHECKING:
    from sro_core.builtin.sqlite.store import SQLiteUnitOfWork

_MONTHLY_COUNTS = """
SELECT school_id, local_month, category, count(*) FROM incidents
WHERE local_month BETWEEN ? AND ? AND occurred_at >= ? AND occurred_at < ? AND status <> 'draft'
GROUP BY local_month, school_id, category
ORDER BY local_month, school_id, category
"""
"""Read from ``incidents_by_month`` alone, in its order: no table row, no sort.

The months bound the index range; the times decide which incidents count.
"""

_LOCATION_COUNTS = """
SELECT school_id, local_month, location_kind, count(*) FROM incidents
WHERE local_month BETWEEN ? AND ? AND occurred_at >= ? AND occurred_at < ? AND status <> 'draft'
GROUP BY local_month, school_id, location_kind
ORDER BY local_month, school_id, location_kind
"""

_CONTACT_COUNTS = """
SELECT school_id, party, purpose, count(*), sum(minutes) FROM contacts
WHERE at >= ? AND at < ?
GROUP BY school_id, party, purpose
ORDER BY school_id, party, purpose
"""

_REFERRAL_COUNTS = """
SELECT partner_id, reason, status, count(*) FROM referrals
WHERE sent_at >= ? AND sent_at < ?
GROUP BY partner_id, reason, status
ORDER BY partner_id, reason, status
"""

_TRIAD_SPLIT = """
SELECT officer_id, triad_role, sum(contacts), sum(activities), sum(minutes) FROM (
    SELECT officer_id, triad_role, count(*) AS contacts, 0 AS activities, sum(minutes) AS minutes
    FROM contacts WHERE at >= ? AND at < ? GROUP BY officer_id, triad_role
    UNION ALL
    SELECT officer_id, triad_role, 0, count(*), sum(minutes)
    FROM activities WHERE held_at >= ? AND held_at < ? GROUP BY officer_id, triad_role
)
GROUP BY officer_id, triad_role
ORDER BY officer_id, triad_role
"""

# CROSS JOIN keeps the two measures the inner loop: each incident of the year is read once.
_CRDC_COUNTS = """
WITH counted AS (
    SELECT i.school_id, m.measure, v.person_id, i.occurred_at, i.id AS incident_id,
           v.sex, v.race_ethnicity, v.idea, v.section_504, v.english_learner
    FROM incidents AS i
    JOIN involvements AS v ON v.incident_id = i.id
    CROSS JOIN (SELECT 'referral' AS measure UNION ALL SELECT 'arrest') AS m
    WHERE i.status <> 'draft' AND i.school_id IS NOT NULL
        AND i.occurred_at >= ? AND i.occurred_at < ?
        AND v.person_kind = 'student'
        AND (
            (m.measure = 'referral' AND i.referred_to_law_enforcement
                AND (v.suspect OR v.offender OR v.arrestee))
            OR (m.measure = 'arrest' AND i.school_related_arrest AND v.arrestee)
        )
), ranked AS (
    SELECT *,
        count(*) OVER student AS instances,
        row_number() OVER (student ORDER BY occurred_at DESC, incident_id DESC) AS newest
    FROM counted
    WINDOW student AS (PARTITION BY school_id, measure, person_id)
)
SELECT school_id, measure, person_id, instances,
       sex, race_ethnicity, idea, section_504, english_learner
FROM ranked WHERE newest = 1
ORDER BY school_id, measure, person_id
"""


class _Identifiers(dict[str | None, uuid.UUID | None]):
    """Identifiers read from their text once each: a count names the same school many times."""

    def __missing__(self, text: str | None) -> uuid.UUID | None:
        key = None if text is None else uuid.UUID(text)
        self[text] = key
        return key


def _known(flag: int | None) -> bool | None:
    return None if flag is None else bool(flag)


def _any_of(column: str, values: list[str]) -> str:
    return f"{column} IN ({', '.join('?' * len(values))})" if values else "0"


_FEW = 100
"""Up to this many identifiers are one parameter each; more go as one JSON array.

One parameter each lets SQLite use an index in order (one school's newest incidents); one
array has no limit on its length. Texts that may hold NUL, as categories, always go one
parameter each: ``json_each`` would cut them at the NUL.
"""


def _any_id(
    column: str, keys: frozenset[uuid.UUID] | frozenset[uuid.UUID | None], parameters: list[object]
) -> str:
    """Return a test of a column against a set of identifiers, and add its parameters."""
    texts = sorted(str(key) for key in keys if key is not None)
    if len(texts) <= _FEW:
        parameters.extend(texts)
        return _any_of(column, texts)
    parameters.append(rows.encode(texts))
    return f"{column} IN (SELECT value FROM json_each(?))"  # noqa: S608 - a column of ours


class SQLiteQueries(Queries):
    """The queries, run in a unit of work's transaction."""

    def __init__(self, unit: SQLiteUnitOfWork) -> None:
        self.unit = unit

    def _documents(self, where: IncidentFilter, page: Page) -> list[str]:
        """Return the stored documents of a page (and one more), newest start first."""
        clauses: list[str] = []
        parameters: list[object] = []
        if where.ids is not None:
            clauses.append(_any_id("id", where.ids, parameters))
        if where.school_ids is not None:
            test = _any_id("school_id", where.school_ids, parameters)
            if None in where.school_ids:
                test = f"(school_id IS NULL OR {test})"
            clauses.append(test)
        if where.occurred_from is not None:
            clauses.append("occurred_at >= ?")
            parameters.append(rows.utc_text(where.occurred_from))
        if where.occurred_before is not None:
            clauses.append("occurred_at < ?")
            parameters.append(rows.utc_text(where.occurred_before))
        if where.categories is not None:
            categories = sorted(where.categories)
            clauses.append(_any_of("category", categories))
            parameters.extend(categories)
        if where.statuses is not None:
            statuses = sorted(s.value for s in where.statuses)
            clauses.append(_any_of("status", statuses))
            parameters.extend(statuses)
        if where.officer_id is not None:
            clauses.append("reporting_officer_id = ?")
            parameters.append(str(where.officer_id))
        if where.text:
            clauses.append(
                "(instr(lower(coalesce(number, '')), ?) OR instr(lower(narrative), ?)"
                " OR instr(lower(category), ?))"
            )
            parameters.extend([ascii_lower(where.text)] * 3)
        if page.after:
            start, key = read_incident_cursor(page.after)
            clauses.append("(occurred_at, id) < (?, ?)")
            parameters.extend([rows.utc_text(start), str(key)])
        condition = " AND ".join(clauses) or "1"
        found = self.unit.execute(
            f"SELECT document FROM incidents WHERE {condition} "  # noqa: S608 - only placeholders
            "ORDER BY occurred_at DESC, id DESC LIMIT ?",
            [*parameters, page.size + 1],
        ).fetchall()
        return [document for (document,) in found]

    def find_incidents(self, where: IncidentFilter, page: Page) -> PageOf[Incident]:
        """Return a page of matching incidents, newest start first: keyset pagination."""
        at = self.unit.where
        found = self._documents(where, page)
        return page_of(found, page.size, lambda d: rows.INCIDENTS.read(d, at), incident_after)

    def find_incident_documents(
        self, where: IncidentFilter, page: Page
    ) -> PageOf[Mapping[str, Any]]:
        """Return the page's incidents as their stored wire format, without building records."""
        return page_of(self._documents(where, page), page.size, json.loads, document_cursor)

    def monthly_counts(self, period: Period) -> list[MonthlyCount]:
        """Count reported incidents by local month, school and category with one GROUP BY."""
        start, end = rows.utc_text(period.start), rows.utc_text(period.end)
        first, last = self._months(period)
        found = self.unit.execute(_MONTHLY_COUNTS, (first, last, start, end)).fetchall()
        schools = _Identifiers()
        return [
            MonthlyCount(schools[school], month, category, count)
            for school, month, category, count in found
        ]

    def _months(self, period: Period) -> tuple[str, str]:
        """Return the first and last local months a period touches, as ``local_month`` holds them.

        Months of years before 1000 or after 9999 are not four digits, so text order is not
        time order there: such a period is bounded by its times alone.
        """
        calendar = self.unit.calendar
        try:
            first, last = calendar.local_month(period.start), calendar.local_month(period.end)
        except (OverflowError, ValueError):
            return "", "\U0010ffff"
        if len(first) != len("YYYY-MM") or len(last) != len("YYYY-MM"):
            return "", "\U0010ffff"
        return first, last

    def location_counts(self, period: Period) -> list[LocationCount]:
        """Count reported incidents by local month, school and kind of place with one GROUP BY."""
        start, end = rows.utc_text(period.start), rows.utc_text(period.end)
        first, last = self._months(period)
        found = self.unit.execute(_LOCATION_COUNTS, (first, last, start, end)).fetchall()
        schools = _Identifiers()
        return [
            LocationCount(schools[school], month, LocationKind(kind), count)
            for school, month, kind, count in found
        ]

    def contact_counts(self, period: Period) -> list[ContactCount]:
        """Count contacts and sum their minutes by school, party and purpose."""
        start, end = rows.utc_text(period.start), rows.utc_text(period.end)
        found = self.unit.execute(_CONTACT_COUNTS, (start, end)).fetchall()
        schools = _Identifiers()
        return [
            ContactCount(schools[school], ContactParty(party), ContactPurpose(purpose), n, minutes)
            for school, party, purpose, n, minutes in found
        ]

    def referral_counts(self, period: Period) -> list[ReferralCount]:
        """Count referrals by partner, reason and status."""
        start, end = rows.utc_text(period.start), rows.utc_text(period.end)
        found = self.unit.execute(_REFERRAL_COUNTS, (start, end)).fetchall()
        return [
            ReferralCount(uuid.UUID(partner), ReferralReason(reason), ReferralStatus(status), n)
            for partner, reason, status, n in found
        ]

    def triad_split(self, period: Period) -> list[TriadTime]:
        """Sum contacts and activities by officer and triad role with a UNION ALL and GROUP BY."""
        start, end = rows.utc_text(period.start), rows.utc_text(period.end)
        found = self.unit.execute(_TRIAD_SPLIT, (start, end, start, end)).fetchall()
        return [
            TriadTime(uuid.UUID(officer), TriadRole(role), contacts, activities, minutes)
            for officer, role, contacts, activities, minutes in found
        ]

    def person_records(self, people: Collection[uuid.UUID]) -> PersonRecords:
        """Return the records naming any of the people (:mod:`.people`'s statements)."""
        return person_records(self.unit, people)

    def crdc_counts(self, year: SchoolYear) -> list[CrdcStudentCount]:
        """Count CRDC instances per school, measure and student; demographics by ROW_NUMBER."""
        start, end = self.unit.calendar.span(year.first_day, year.last_day)
        found = self.unit.execute(
            _CRDC_COUNTS, (rows.utc_text(start), rows.utc_text(end))
        ).fetchall()
        return [
            CrdcStudentCount(
                uuid.UUID(school),
                CrdcMeasure(measure),
                uuid.UUID(person),
                instances,
                Sex(sex),
                None if race is None else CrdcRaceEthnicity(race),
                _known(idea),
                _known(section_504),
                _known(english_learner),
            )
            for (
                school,
                measure,
                person,
                instances,
                sex,
                race,
                idea,
                section_504,
                english_learner,
            ) in found
        ]
