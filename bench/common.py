"""What every benchmark shares: its command line, the input records, the raw rows, the report.

Each script measures one of the performance figures (docs/performance.md) twice in the same
run: through the library, and with the raw driver doing the same work (same input, same rows
committed). It prints both, their ratio and the floor and aim, and with ``--json`` one JSON
object per figure for ``bench/run.py``. The input is what a JSON-lines import gives: plain
dicts in the wire format of :mod:`sro_core.serialization` (made once from a few dozen valid
incidents, outside the timing). ``SRO_BENCH_POSTGRES_URL`` (else ``SRO_TEST_POSTGRES_URL``)
names the PostgreSQL database (default ``postgresql://postgres@127.0.0.1:5432/test``); each
run works in a schema of its own and drops it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import random
import sqlite3
import statistics
import sys
import time
import urllib.parse
import uuid
import zoneinfo
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs

REPO = Path(__file__).resolve().parent.parent


def _importable() -> None:
    """Put the repository's sources on the path when sro_core is not installed."""
    try:
        import sro_core  # noqa: F401, PLC0415 - only checks that it can be imported
    except ImportError:
        sys.path[:0] = [str(REPO / "src"), *(str(p) for p in REPO.glob("plugins/*/src"))]
    else:
        for source in REPO.glob("plugins/*/src"):
            if str(source) not in sys.path:
                sys.path.append(str(source))


_importable()

from sro_core.domain import (  # noqa: E402 - after the path is set
    CampusZone,
    Demographics,
    Incident,
    IncidentStatus,
    Involvement,
    InvolvementRole,
    Location,
    LocationKind,
    Offense,
    Person,
    PersonKind,
    ProgramCalendar,
    Race,
    Sex,
    VictimDetails,
)
from sro_core.serialization import unstructure  # noqa: E402

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
ZONE = "America/Los_Angeles"
SCHOOLS = [uuid.UUID(int=0x5C0000 + n) for n in range(20)]
OFFICERS = [uuid.UUID(int=0x0FF000 + n) for n in range(12)]
CATEGORIES = ["theft", "assault", "fight", "drugs", "vandalism", "threat", "trespass", "weapons"]
SPAN_START = dt.datetime(2023, 7, 1, 7, tzinfo=dt.UTC)
SPAN_SECONDS = 3 * 365 * 86_400


def arguments(description: str, size: int, tiny: int) -> argparse.Namespace:
    """Read the common command line: ``--size``, ``--tiny``, ``--repeat`` and ``--json``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--size", type=int, default=size, help=f"records (default {size})")
    parser.add_argument("--tiny", action="store_true", help=f"a few seconds for CI ({tiny})")
    parser.add_argument("--repeat", type=int, default=0, help="runs of each side; best kept")
    parser.add_argument("--json", action="store_true", help="print one JSON object per figure")
    found = parser.parse_args()
    if found.tiny:
        found.size = tiny
    if not found.repeat:
        found.repeat = 1 if found.tiny else 2
    return found


@attrs.frozen
class Figure:
    """One performance figure as measured: the library's, the raw driver's, their ratio."""

    name: str
    unit: str
    library: float
    raw: float
    ratio: float
    floor: str
    aim: str
    meets_floor: bool
    meets_aim: bool
    size: int
    notes: str = ""


def report(figure: Figure, *, as_json: bool) -> None:
    """Print a figure for people, or as one JSON line for run.py."""
    if as_json:
        sys.stdout.write(json.dumps(attrs.asdict(figure)) + "\n")
        return
    verdict = "meets the aim" if figure.meets_aim else "meets the floor"
    if not figure.meets_floor:
        verdict = "BELOW THE FLOOR"
    sys.stdout.write(
        f"{figure.name} (n={figure.size}): library {number(figure.library)} {figure.unit}, "
        f"raw {number(figure.raw)} {figure.unit}, ratio {figure.ratio:.2f} "
        f"(floor {figure.floor}, aim {figure.aim}): {verdict}"
        + (f"\n    {figure.notes}" if figure.notes else "")
        + "\n"
    )


def number(value: float) -> str:
    """Return a figure with the digits worth reading: 3 decimals below 10, 1 below 1000."""
    if value < 10:
        return f"{value:.3f}"
    if value < 1000:
        return f"{value:.1f}"
    return f"{value:,.0f}"


def best_of(repeat: int, run: Callable[[], float]) -> float:
    """Return the shortest of ``repeat`` timed runs (each returns its seconds)."""
    times = []
    for _ in range(repeat):
        gc.collect()
        times.append(run())
    return min(times)


CPU_SECONDS: list[float] = []
"""The cpu time of each timed action, in order: other processes' load leaves it alone."""


def timed(action: Callable[[], object]) -> float:
    """Return the seconds an action takes (its cpu seconds go to ``CPU_SECONDS``)."""
    began, cpu = time.perf_counter(), time.process_time()
    action()
    CPU_SECONDS.append(time.process_time() - cpu)
    return time.perf_counter() - began


def least_cpu() -> float:
    """Return the least cpu time of the actions timed since the last call, and forget them."""
    found = min(CPU_SECONDS)
    CPU_SECONDS.clear()
    return found


def percentile(samples: list[float], share: float) -> float:
    """Return the value below which a share of the samples fall."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def median(samples: list[float]) -> float:
    """Return the median of samples."""
    return statistics.median(samples)


# --- the input: incidents with their persons, as dicts of a JSON-lines import --------------------


def _person(rng: random.Random, kind: PersonKind) -> Person:
    races = frozenset(rng.sample(list(Race), rng.choice((1, 1, 1, 2))))
    return Person(
        kind=kind,
        name=f"Person {rng.randrange(10**6)}",
        date_of_birth=dt.date(2008, 1, 1) + dt.timedelta(days=rng.randrange(2_000)),
        demographics=Demographics(
            sex=rng.choice((Sex.FEMALE, Sex.MALE)),
            races=races,
            hispanic_or_latino=rng.choice((True, False, None)),
            idea=rng.choice((True, False, None)),
            section_504=rng.choice((True, False, None)),
            english_learner=rng.choice((True, False, None)),
        ),
    )


def _template(rng: random.Random, n: int) -> dict[str, Any]:
    """Return one valid incident with a victim and a suspect (and maybe a witness), as a dict."""
    start = SPAN_START + dt.timedelta(seconds=rng.randrange(SPAN_SECONDS))
    victim, suspect = _person(rng, PersonKind.STUDENT), _person(rng, PersonKind.STUDENT)
    involvements = [
        Involvement(
            victim,
            frozenset({InvolvementRole.VICTIM}),
            victim=VictimDetails(offense_codes=("13B",)),
        ),
        Involvement(suspect, frozenset({InvolvementRole.SUSPECT})),
    ]
    if n % 3 == 0:
        involvements.append(
            Involvement(_person(rng, PersonKind.STAFF), frozenset({InvolvementRole.WITNESS}))
        )
    incident = Incident(
        reporting_officer_id=rng.choice(OFFICERS),
        occurred_start=start,
        reported_at=start + dt.timedelta(minutes=rng.randrange(5, 240)),
        location=Location(LocationKind.ON_CAMPUS, "52", zone=rng.choice(list(CampusZone))),
        category=rng.choice(CATEGORIES),
        school_id=rng.choice(SCHOOLS),
        offenses=(Offense("13B"),),
        involvements=tuple(involvements),
        narrative=(
            f"Student reported an incident in the {rng.choice(list(CampusZone)).value} "
            f"between classes; the SRO spoke with both students and staff (case {n})."
        ),
        status=IncidentStatus.REPORTED,
        referred_to_law_enforcement=rng.random() < 0.2,
        number=f"{start.year}-{n + 1:06d}",
    )
    data: dict[str, Any] = json.loads(json.dumps(unstructure(incident)))
    return data


def incident_dicts(count: int, seed: int = 7, first: int = 0) -> Iterator[dict[str, Any]]:
    """Yield ``count`` incidents as JSON-lines dicts: distinct ids, numbers and start times."""
    rng = random.Random(seed)  # noqa: S311 - repeatable data, nothing secret
    templates = [_template(rng, n) for n in range(64)]
    for n in range(first, first + count):
        data = dict(templates[n % len(templates)])
        start = SPAN_START + dt.timedelta(seconds=rng.randrange(SPAN_SECONDS))
        data["id"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        data["occurred_start"] = start.isoformat()
        data["reported_at"] = (start + dt.timedelta(minutes=30)).isoformat()
        data["number"] = f"{2000 + n // 999_999}-{n % 999_999 + 1:06d}"
        data["school_id"] = str(SCHOOLS[n % len(SCHOOLS)])
        data["category"] = CATEGORIES[(n * 7 + n // 20) % len(CATEGORIES)]
        if n % 50 == 0:
            data["status"] = "draft"
            data["number"] = None
        yield data


# --- the raw side: the same rows, written by hand from the dicts ---------------------------------

_UTC = dt.UTC
_ZONE = zoneinfo.ZoneInfo(ZONE)
_ROLES = ("victim", "suspect", "offender", "arrestee", "witness", "reporting_party")
_SINGLE = {"W": "WH", "B": "BL", "I": "AM", "A": "AS", "P": "HP"}
_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def crdc_group(demographics: dict[str, Any]) -> str | None:
    """Return the CRDC race/ethnicity value of a person's demographics dict, by hand."""
    hispanic, races = demographics["hispanic_or_latino"], demographics["races"]
    if hispanic:
        return "HI"
    if len(races) > 1:
        return "TR"
    if len(races) == 1 and hispanic is not None:
        return _SINGLE.get(races[0])
    return None


def raw_incident(data: dict[str, Any]) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    """Return the incident row and involvement rows the raw side writes for one dict.

    Times as UTC datetimes, ids as text: each driver's raw script converts what its driver
    needs. The document is the dict itself at version 1, as the library stores it.
    """
    start = dt.datetime.fromisoformat(data["occurred_start"]).astimezone(_UTC)
    key = data["id"]
    document = _encoder.encode({**data, "version": 1})
    row = (
        key,
        1,
        data["number"],
        data["school_id"],
        data["reporting_officer_id"],
        data["status"],
        data["category"],
        data["location"]["kind"],
        start,
        start.astimezone(_ZONE).strftime("%Y-%m"),
        data["referred_to_law_enforcement"],
        data["school_related_arrest"],
        data["narrative"],
        document,
    )
    involved = []
    for involvement in data["involvements"]:
        person, roles = involvement["person"], involvement["roles"]
        known = person["demographics"]
        involved.append(
            (
                key,
                person["id"],
                person["kind"],
                *(role in roles for role in _ROLES),
                known["sex"],
                crdc_group(known),
                known["idea"],
                known["section_504"],
                known["english_learner"],
            )
        )
    return row, involved


# --- the machine ----------------------------------------------------------------------------------


def postgres_url() -> str:
    """Return the PostgreSQL database the benchmarks use."""
    return (
        os.environ.get("SRO_BENCH_POSTGRES_URL")
        or os.environ.get("SRO_TEST_POSTGRES_URL")
        or DEFAULT_POSTGRES
    )


def with_schema(url: str, schema: str) -> str:
    """Return a PostgreSQL URL whose store lives in a schema."""
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    query["schema"] = schema
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def new_schema_name(what: str) -> str:
    """Return a schema name no other run uses."""
    return f"sro_bench_{what}_{os.getpid()}_{random.randrange(10**6)}"  # noqa: S311 - a name


def drop_schema(url: str, schema: str) -> None:
    """Drop a benchmark's schema."""
    import psycopg  # noqa: PLC0415 - only the PostgreSQL scripts need the driver
    from psycopg import sql  # noqa: PLC0415

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
        )


def machine() -> dict[str, str]:
    """Return what the figures were measured on."""
    found = {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": str(os.cpu_count()),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }
    try:
        import psycopg  # noqa: PLC0415

        with psycopg.connect(postgres_url(), connect_timeout=3) as connection:
            row = connection.execute("SHOW server_version").fetchone()
            found["postgresql"] = str(row[0]) if row else "?"
        found["psycopg"] = psycopg.__version__
    except Exception as error:  # noqa: BLE001 - the machine is described as far as it can be
        found["postgresql"] = f"not reachable ({type(error).__name__})"
    return found


def plugins() -> Any:
    """Return a plugin host with the built-ins and the PostgreSQL plugin, installed or not."""
    from sro_core.builtin import BUILTIN_PLUGINS  # noqa: PLC0415
    from sro_core.plugins import PluginHost  # noqa: PLC0415

    return PluginHost.load(builtins=(*BUILTIN_PLUGINS, "sro_core_postgres"), entry_points=False)


def calendar() -> ProgramCalendar:
    """Return the program calendar of every benchmark."""
    return ProgramCalendar(ZONE)
