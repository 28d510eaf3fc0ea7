"""NIBRS XML (FBI IEPD 2019.1) and CRDC referrals-and-arrests for sro_core.

- :func:`nibrs_submission`: a month's NIBRS submission from incidents, checked against the
  FBI's data-quality rules and validated against the packaged ``nibrs.xsd``.
- :func:`read_submission`: a NIBRS submission (one document, or a zip of them) read into
  incidents, all or nothing.
- :func:`crdc_table`: the CRDC ARRS table (referrals to law enforcement, school-related
  arrests) from the program's per-student counts.
- The ``nibrs-xml`` and ``crdc-arrs`` export formats, registered through the ``sro_core``
  entry point ``nibrs``.

See ``docs/nibrs.md`` and ``docs/crdc.md`` for the mapping from the domain to each element.
"""

from __future__ import annotations

from sro_core_nibrs.crdc import FIELDS as CRDC_FIELDS
from sro_core_nibrs.crdc import SUPPRESSED, CrdcTable, crdc_table, write_csv
from sro_core_nibrs.exporters import CrdcArrsExporter, NibrsXmlExporter
from sro_core_nibrs.importing import ImportResult, read_submission
from sro_core_nibrs.mapping import group_a_report, group_b_reports
from sro_core_nibrs.reader import Document, read_document
from sro_core_nibrs.rules import Finding, incident_findings, incident_problems, incident_warnings
from sro_core_nibrs.schema import (
    SchemaError,
    UnreadableDocument,
    is_valid,
    nibrs_schema,
    schema_errors,
)
from sro_core_nibrs.submissions import (
    NibrsConfigurationError,
    SubmissionBuilder,
    SubmissionDocument,
    SubmissionResult,
    held,
    nibrs_submission,
)
from sro_core_nibrs.writer import render

__all__ = [
    "CRDC_FIELDS",
    "SUPPRESSED",
    "CrdcArrsExporter",
    "CrdcTable",
    "Document",
    "Finding",
    "ImportResult",
    "NibrsConfigurationError",
    "NibrsXmlExporter",
    "SchemaError",
    "SubmissionBuilder",
    "SubmissionDocument",
    "SubmissionResult",
    "UnreadableDocument",
    "crdc_table",
    "group_a_report",
    "group_b_reports",
    "held",
    "incident_findings",
    "incident_problems",
    "incident_warnings",
    "is_valid",
    "nibrs_schema",
    "nibrs_submission",
    "read_document",
    "read_submission",
    "render",
    "schema_errors",
    "write_csv",
]
