"""The queries of the PostgreSQL store, each one SQL statement over the indexed columns.

Answers match the memory reference exactly: the same rows in the same order. Ids are ``uuid``
(ordered as Python orders ``UUID``), compared texts are ``COLLATE "C"`` (code point order, as
Python), schools with no id sort first, as the reference puts None first. ``text`` folds case
with ``translate`` over A to Z only: ``lower`` would fold other letters too under most
collations, which the reference does not.
"""

from __future__ import annotations

import datetime as dt
import json
import string
import uuid
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

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
    BadQuery,
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
from sro_core_postgres import rows
from sro_core_postgres.people import person_records

if TYPE_CHECKING:
    from sro_core_postgres.store import PostgresUnitOfWork

_FOLD = f"'{string.ascii_uppercase}', '{string.ascii_lowercase}'"
"""``translate`` arguments that lower A to Z and keep every other character."""

_MONTHLY_COUNTS = """
SELECT school_id, local_month, category, count(*) FROM incidents
WHERE local_month BETWEEN %s AND %s AND occurred_at >= %s AND occurred_at < %s
    AND status <> 'draft'
GROUP BY local_month, school_id, category
ORDER BY local_month, school_id NULLS FIRST, category
"""
"""Read from ``incidents_by_month`` alone, in its order: no table row, no sort.

The months bound the index range; the times decide which incidents count.
"""

_LOCATION_COUNTS = """
SELECT school_id, local_month, location_kind, count(*) FROM incidents
WHERE local_month BETWEEN %s AND %s AND occurred_at >= %s AND occurred_at < %s
    AND status <> 'draft'
GROUP BY local_month, school_id, location_kind
ORDER BY local_month, school_id NULLS FIRST, location_kind
"""

_CONTACT_COUNTS = """
SELECT school_id, party, purpose, count(*), sum(minutes)::int FROM contacts
WHERE at >= %s AND at < %s
GROUP BY school_id, party, purpose
ORDER BY school_id NULLS FIRST, party, purpose
"""

_REFERRAL_COUNTS = """
SELECT partner_id, reason, status, count(*) FROM referrals
WHERE sent_at >= %s AND sent_at < %s
GROUP BY partner_id, reason, status
ORDER BY partner_id, reason, status
"""

_TRIAD_SPLIT = """
SELECT officer_id, triad_role, sum(contacts)::int, sum(activities)::int, sum(minutes)::int
FROM (
    SELECT officer_id, triad_role, count(*) AS contacts, 0 AS activities, sum(minutes) AS minutes
    FROM contacts WHERE at >= %s AND at < %s GROUP BY officer_id, triad_role
    UNION ALL
    SELECT officer_id, triad_role, 0, count(*), sum(minutes)
    FROM activities WHERE held_at >= %s AND held_at < %s GROUP BY officer_id, triad_role
) AS logged
GROUP BY officer_id, triad_role
ORDER BY officer_id, triad_role
"""

_CRDC_COUNTS = """
WITH counted AS (
    SELECT i.school_id, m.measure, v.person_id, i.occurred_at, i.id AS incident_id,
           v.sex, v.race_ethnicity, v.idea, v.section_504, v.english_learner
    FROM incidents AS i
    JOIN involvements AS v ON v.incident_id = i.id
    CROSS JOIN (VALUES ('referral' COLLATE "C"), ('arrest')) AS m (measure)
    WHERE i.status <> 'draft' AND i.school_id IS NOT NULL
        AND i.occurred_at >= %s AND i.occurred_at < %s
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
SELECT school_id, measure, person_id, instances::int,
       sex, race_ethnicity, idea, section_504, english_learner
FROM ranked WHERE newest = 1
ORDER BY school_id, measure, person_id
"""


def aware(moment: dt.datetime) -> dt.datetime:
    """Return a time a query was asked with, or raise BadQuery for one without its zone."""
    if moment.utcoffset() is None:
        raise BadQuery(f"{moment.isoformat()}: a time must carry its time zone")
    return moment


def _ids(keys: frozenset[uuid.UUID] | frozenset[uuid.UUID | None]) -> list[uuid.UUID]:
    return sorted(key for key in keys if key is not None)


class PostgresQueries(Queries):
    """The queries, run in a unit of work's transaction."""

    def __init__(self, unit: PostgresUnitOfWork) -> None:
        self.unit = unit

    def _documents(self, where: IncidentFilter, page: Page) -> list[str]:
        """Return the stored documents of a page (and one more), newest start first."""
        clauses: list[str] = []
        parameters: list[object] = []
        if where.ids is not None:
            clauses.append("id = ANY(%s::uuid[])")
            parameters.append(_ids(where.ids))
        if where.school_ids is not None:
            test = "school_id = ANY(%s::uuid[])"
            if None in where.school_ids:
                test = f"(school_id IS NULL OR {test})"
            clauses.append(test)
            parameters.append(_ids(where.school_ids))
        if where.occurred_from is not None:
            clauses.append("occurred_at >= %s")
            parameters.append(aware(where.occurred_from))
        if where.occurred_before is not None:
            clauses.append("occurred_at < %s")
            parameters.append(aware(where.occurred_before))
        if where.categories is not None:
            clauses.append("category = ANY(%s::text[])")
            parameters.append(sorted(where.categories))
        if where.statuses is not None:
            clauses.append("status = ANY(%s::text[])")
            parameters.append(sorted(s.value for s in where.statuses))
        if where.officer_id is not None:
            clauses.append("reporting_officer_id = %s")
            parameters.append(where.officer_id)
        if where.text:
            clauses.append(
                f"(strpos(translate(coalesce(number, ''), {_FOLD}), %s) > 0"
                f" OR strpos(translate(narrative, {_FOLD}), %s) > 0"
                f" OR strpos(translate(category, {_FOLD}), %s) > 0)"
            )
            parameters.extend([ascii_lower(where.text)] * 3)
        if page.after:
            start, key = read_incident_cursor(page.after)
            clauses.append("(occurred_at, id) < (%s, %s)")
            parameters.extend([aware(start), key])
        condition = " AND ".join(clauses) or "true"
        found = self.unit.execute(
            f"SELECT document FROM incidents WHERE {condition} "  # noqa: S608 - only placeholders
            "ORDER BY occurred_at DESC, id DESC LIMIT %s",
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
        first, last = self._months(period)
        found = self.unit.execute(
            _MONTHLY_COUNTS, (first, last, aware(period.start), aware(period.end))
        ).fetchall()
        return [
            MonthlyCount(school, month, category, count) for school, month, category, count in found
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
        first, last = self._months(period)
        found = self.unit.execute(
            _LOCATION_COUNTS, (first, last, aware(period.start), aware(period.end))
        ).fetchall()
        return [
            LocationCount(school, month, LocationKind(kind), count)
            for school, month, kind, count in found
        ]

    def contact_counts(self, period: Period) -> list[ContactCount]:
        """Count contacts and sum their minutes by school, party and purpose."""
        found = self.unit.execute(
            _CONTACT_COUNTS, (aware(period.start), aware(period.end))
        ).fetchall()
        return [
            ContactCount(school, ContactParty(party), ContactPurpose(purpose), count, minutes)
            for school, party, purpose, count, minutes in found
        ]

    def referral_counts(self, period: Period) -> list[ReferralCount]:
        """Count referrals by partner, reason and status."""
        found = self.unit.execute(
            _REFERRAL_COUNTS, (aware(period.start), aware(period.end))
        ).fetchall()
        return [
            ReferralCount(partner, ReferralReason(reason), ReferralStatus(status), count)
            for partner, reason, status, count in found
        ]

    def triad_split(self, period: Period) -> list[TriadTime]:
        """Sum contacts and activities by officer and triad role with a UNION ALL and GROUP BY."""
        start, end = aware(period.start), aware(period.end)
        found = self.unit.execute(_TRIAD_SPLIT, (start, end, start, end)).fetchall()
        return [
            TriadTime(officer, TriadRole(role), contacts, activities, minutes)
            for officer, role, contacts, activities, minutes in found
        ]

    def person_records(self, people: Collection[uuid.UUID]) -> PersonRecords:
        """Return the records naming any of the people (:mod:`.people`'s statements)."""
        return person_records(self.unit, people)

    def crdc_counts(self, year: SchoolYear) -> list[CrdcStudentCount]:
        """Count CRDC instances per school, measure and student; demographics by ROW_NUMBER."""
        start, end = self.unit.calendar.span(year.first_day, year.last_day)
        found = self.unit.execute(_CRDC_COUNTS, (start, end)).fetchall()
        return [
            CrdcStudentCount(
                school,
                CrdcMeasure(measure),
                person,
                instances,
                Sex(sex),
                None if race is None else CrdcRaceEthnicity(race),
                idea,
                section_504,
                english_learner,
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
