"""The report page: a report laid out, its charts drawn, filled into the HTML template.

The stylesheet and the script are package data, written into the page; its
Content-Security-Policy names their hashes and allows images from ``data:`` only, so a
browser fetches nothing, not even when a later edit slips a link in.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from importlib import resources

import jinja2
from markupsafe import Markup

from sro_core.ports import ProgramContext, ProgramReport
from sro_core_report.charts import Image, draw
from sro_core_report.sections import NOTHING, contents

TEMPLATE = "report.html"
"""The page template, in ``sro_core_report/templates``."""
STYLESHEET = "report.css"
"""The page's styles, written into its ``<style>`` element."""
SCRIPT = "charts-loaded.js"
"""The page's one script: it counts the charts the browser drew (``data-charts-loaded``)."""


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("sro_core_report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@functools.cache
def _asset(name: str) -> str:
    return (resources.files("sro_core_report") / "templates" / name).read_text("utf-8")


def _digest(text: str) -> str:
    """Return a CSP source allowing exactly this inline text (``'sha256-…'``)."""
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


def render(report: ProgramReport, program: ProgramContext) -> bytes:
    """Return the report as one self-contained HTML page, UTF-8 encoded."""
    laid_out = contents(report, program.calendar)
    charts: dict[str, Image] = {
        section.key: draw(section.chart) for section in laid_out.sections if section.chart
    }
    style, script = _asset(STYLESHEET), _asset(SCRIPT)
    policy = "; ".join(
        (
            "default-src 'none'",
            "img-src data:",
            f"style-src {_digest(style)}",
            f"script-src {_digest(script)}",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )
    page = (
        _environment()
        .get_template(TEMPLATE)
        .render(
            masthead=laid_out.masthead,
            sections=laid_out.sections,
            headline=laid_out.headline,
            charts=charts,
            nothing=NOTHING,
            policy=policy,
            # Our own files, not data: written as they are, so that their hashes match.
            style=Markup(style),  # noqa: S704
            script=Markup(script),  # noqa: S704
        )
    )
    return page.encode("utf-8")
