"""The queries of a SQL store, each one statement over the indexed columns.

Answers match the memory reference exactly: the same rows in the same order. Identifiers sort
as Python's ``UUID`` does (canonical text in SQLite, ``uuid`` in PostgreSQL), compared texts in
code point order, schools with no id first; text search folds case of A to Z only, as
:func:`~sro_core.ports.ascii_lower` does. The counts are the aggregate queries of the storage
contract: SQL ``GROUP BY``, never rows loaded into Python.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Collection, Mapping
from typing import Any

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
from sro_core.sql import tables
from sro_core.sql.dialect import Dialect
from sro_core.sql.executor import Executor
from sro_core.sql.people import person_records

_REVIEW_QUEUE = """
SELECT document FROM incidents WHERE review_since IS NOT NULL
ORDER BY review_since, number, id
"""
"""Read from ``incidents_waiting``, a partial index of the waiting reports alone, in its order."""

_MONTHLY_COUNTS = """
SELECT school_id, local_month, category, count(*) FROM incidents
WHERE local_month BETWEEN ? AND ? AND occurred_at >= ? AND occurred_at < ?
    AND status <> 'draft'{unsealed}
GROUP BY local_month, school_id, category
ORDER BY local_month, school_id{nulls_first}, category
"""
"""Read from ``incidents_by_month`` alone, in its order: no table row, no sort.

The months bound the index range; the times, the status and the seal (the index's last
columns) decide which incidents count.
"""

_LOCATION_COUNTS = """
SELECT school_id, local_month, location_kind, count(*) FROM incidents
WHERE local_month BETWEEN ? AND ? AND occurred_at >= ? AND occurred_at < ?
    AND status <> 'draft'{unsealed}
GROUP BY local_month, school_id, location_kind
ORDER BY local_month, school_id{nulls_first}, location_kind
"""

_CONTACT_COUNTS = """
SELECT school_id, party, purpose, count(*), sum(minutes){integer} FROM contacts
WHERE at >= ? AND at < ?
GROUP BY school_id, party, purpose
ORDER BY school_id{nulls_first}, party, purpose
"""

_REFERRAL_COUNTS = """
SELECT partner_id, reason, status, count(*) FROM referrals
WHERE sent_at >= ? AND sent_at < ?{unsealed_referred}
GROUP BY partner_id, reason, status
ORDER BY partner_id, reason, status
"""

_TRIAD_SPLIT = """
SELECT officer_id, triad_role, sum(contacts){integer}, sum(activities){integer},
    sum(minutes){integer}
FROM (
    SELECT officer_id, triad_role, count(*) AS contacts, 0 AS activities, sum(minutes) AS minutes
    FROM contacts WHERE at >= ? AND at < ? GROUP BY officer_id, triad_role
    UNION ALL
    SELECT officer_id, triad_role, 0, count(*), sum(minutes)
    FROM activities WHERE held_at >= ? AND held_at < ? GROUP BY officer_id, triad_role
) AS logged
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
    CROSS JOIN {two_measures}
    WHERE i.status <> 'draft' AND i.school_id IS NOT NULL{unsealed_i}
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
SELECT school_id, measure, person_id, instances{integer},
       sex, race_ethnicity, idea, section_504, english_learner
FROM ranked WHERE newest = 1
ORDER BY school_id, measure, person_id
"""


_UNSEALED_REFERRED = """
    AND NOT EXISTS (SELECT 1 FROM incidents AS i WHERE i.id = referrals.incident_id AND i.sealed)"""
"""A referral of a sealed incident is left out, found by the incident's primary key."""


@functools.cache
def _spelled(sql: str, d: Dialect, include_sealed: bool = True) -> str:
    """Return an aggregate statement with the dialect's fragments in it.

    Without ``include_sealed`` the statement leaves out sealed incidents (and their referrals).
    """
    return sql.format(
        nulls_first=d.nulls_first,
        integer=d.integer,
        two_measures=d.two_measures,
        unsealed="" if include_sealed else " AND NOT sealed",
        unsealed_i="" if include_sealed else " AND NOT i.sealed",
        unsealed_referred="" if include_sealed else _UNSEALED_REFERRED,
    )


class SQLQueries(Queries):
    """The queries, run in a unit of work's transaction."""

    def __init__(self, unit: Executor) -> None:
        self.unit = unit
        self.d = unit.dialect

    def _documents(self, where: IncidentFilter, page: Page) -> list[str]:
        """Return the stored documents of a page (and one more), newest start first."""
        d = self.d
        clauses: list[str] = []
        parameters: list[object] = []
        if where.ids is not None:
            clauses.append(d.any_key("id", where.ids, parameters))
        if where.school_ids is not None:
            test = d.any_key("school_id", where.school_ids, parameters)
            if None in where.school_ids:
                test = f"(school_id IS NULL OR {test})"
            clauses.append(test)
        if where.occurred_from is not None:
            clauses.append("occurred_at >= ?")
            parameters.append(d.time(where.occurred_from))
        if where.occurred_before is not None:
            clauses.append("occurred_at < ?")
            parameters.append(d.time(where.occurred_before))
        if where.categories is not None:
            clauses.append(d.any_text("category", where.categories, parameters))
        if where.statuses is not None:
            statuses = {s.value for s in where.statuses}
            clauses.append(d.any_text("status", statuses, parameters))
        if where.officer_id is not None:
            clauses.append("reporting_officer_id = ?")
            parameters.append(d.key(where.officer_id))
        if where.text:
            tests = [d.contains(text) for text in ("coalesce(number, '')", "narrative", "category")]
            clauses.append(f"({' OR '.join(tests)})")
            parameters.extend([ascii_lower(where.text)] * 3)
        if page.after:
            start, key = read_incident_cursor(page.after)
            clauses.append("(occurred_at, id) < (?, ?)")
            parameters.extend([d.time(start), d.key(key)])
        condition = " AND ".join(clauses) or d.true
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
        return page_of(found, page.size, lambda d: tables.INCIDENTS.read(d, at), incident_after)

    def find_incident_documents(
        self, where: IncidentFilter, page: Page
    ) -> PageOf[Mapping[str, Any]]:
        """Return the page's incidents as their stored wire format, without building records."""
        return page_of(self._documents(where, page), page.size, json.loads, document_cursor)

    def review_queue(self) -> list[Incident]:
        """Return the waiting reports from the partial index on ``review_since``, in its order."""
        at = self.unit.where
        found = self.unit.execute(_REVIEW_QUEUE, ()).fetchall()
        return [tables.INCIDENTS.read(document, at) for (document,) in found]

    def _counted(
        self, sql: str, period: Period, *, months: bool = False, include_sealed: bool = True
    ) -> list[Any]:
        """Run an aggregate statement over a period; with ``months``, bounded by local month."""
        d = self.d
        times = (d.time(period.start), d.time(period.end))
        bounds = (*self._months(period), *times) if months else times
        return list(self.unit.execute(_spelled(sql, d, include_sealed), bounds).fetchall())

    def monthly_counts(self, period: Period, *, include_sealed: bool = False) -> list[MonthlyCount]:
        """Count reported incidents by local month, school and category with one GROUP BY."""
        schools = self.d.keys()
        return [
            MonthlyCount(schools(school), month, category, count)
            for school, month, category, count in self._counted(
                _MONTHLY_COUNTS, period, months=True, include_sealed=include_sealed
            )
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

    def location_counts(
        self, period: Period, *, include_sealed: bool = False
    ) -> list[LocationCount]:
        """Count reported incidents by local month, school and kind of place with one GROUP BY."""
        schools = self.d.keys()
        found = self._counted(_LOCATION_COUNTS, period, months=True, include_sealed=include_sealed)
        return [
            LocationCount(schools(school), month, LocationKind(kind), count)
            for school, month, kind, count in found
        ]

    def contact_counts(self, period: Period) -> list[ContactCount]:
        """Count contacts and sum their minutes by school, party and purpose."""
        schools = self.d.keys()
        return [
            ContactCount(schools(school), ContactParty(party), ContactPurpose(purpose), n, minutes)
            for school, party, purpose, n, minutes in self._counted(_CONTACT_COUNTS, period)
        ]

    def referral_counts(
        self, period: Period, *, include_sealed: bool = False
    ) -> list[ReferralCount]:
        """Count referrals by partner, reason and status."""
        read = self.d.read_key
        found = self._counted(_REFERRAL_COUNTS, period, include_sealed=include_sealed)
        return [
            ReferralCount(read(partner), ReferralReason(reason), ReferralStatus(status), n)
            for partner, reason, status, n in found
        ]

    def triad_split(self, period: Period) -> list[TriadTime]:
        """Sum contacts and activities by officer and triad role with a UNION ALL and GROUP BY."""
        d = self.d
        start, end = d.time(period.start), d.time(period.end)
        found = self.unit.execute(_spelled(_TRIAD_SPLIT, d), (start, end, start, end)).fetchall()
        return [
            TriadTime(d.read_key(officer), TriadRole(role), contacts, activities, minutes)
            for officer, role, contacts, activities, minutes in found
        ]

    def person_records(self, people: Collection[uuid.UUID]) -> PersonRecords:
        """Return the records naming any of the people (see :mod:`sro_core.sql.people`)."""
        return person_records(self.unit, people)

    def crdc_counts(
        self, year: SchoolYear, *, include_sealed: bool = False
    ) -> list[CrdcStudentCount]:
        """Count CRDC instances per school, measure and student; demographics by ROW_NUMBER."""
        d = self.d
        start, end = self.unit.calendar.span(year.first_day, year.last_day)
        statement = _spelled(_CRDC_COUNTS, d, include_sealed)
        found = self.unit.execute(statement, (d.time(start), d.time(end)))
        flag = d.read_flag
        return [
            CrdcStudentCount(
                d.read_key(school),
                CrdcMeasure(measure),
                d.read_key(person),
                instances,
                Sex(sex),
                None if race is None else CrdcRaceEthnicity(race),
                flag(idea),
                flag(section_504),
                flag(english_learner),
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
            ) in found.fetchall()
        ]
