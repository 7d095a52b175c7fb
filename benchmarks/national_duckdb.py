"""The indicators of the national dashboard computed by DuckDB from the raw records, for the
reports benchmark and its smoke test.

The raw tables are copied out of the application's database as CSV files (PostgreSQL `COPY …
TO STDOUT`, SQLite rows through Python's csv module; DuckDB's postgres and sqlite extensions
would need a download) and loaded into an in-memory DuckDB database. Each query then gives an
indicator's national table over a period — (row, sex, age band) → (value, weight) — defined
as `reports/compute.py` defines it, written again in SQL: the age on the day of the event, the
office's day of a moment (Indonesian zones have fixed offsets), a visitor counted once in the
total and once per desk, a complaint once in the total and once per category.
"""

from __future__ import annotations

import csv
import datetime
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ZONE_HOURS = {"Asia/Jakarta": 7, "Asia/Makassar": 8, "Asia/Jayapura": 9}

# Indicators computed both ways (the national dashboard's headline ones and the biggest tables).
COMPARED = (
    "visitors",
    "services_served",
    "waiting_time",
    "registrations",
    "departures_by_destination",
    "departures_by_scheme",
    "returns_by_reason",
    "complaints_received",
    "complaints_resolved",
    "outreach_people_reached",
)

Grid = dict[tuple[str, str, str], tuple[int, int]]


def _tables(vendor: str) -> dict[str, tuple[str, dict[str, str]]]:
    """table → (SELECT on the application's database, DuckDB column types)."""
    if vendor == "postgresql":

        def ts(column: str) -> str:
            return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
    else:

        def ts(column: str) -> str:
            return column  # SQLite holds naive UTC text already

    return {
        "office": (
            "SELECT id, time_zone FROM core_organisation WHERE kind = 'office'",
            {"id": "BIGINT", "time_zone": "VARCHAR"},
        ),
        "desk": (
            "SELECT d.id, t.code FROM core_desk d JOIN core_desktype t ON t.id = d.desk_type_id",
            {"id": "BIGINT", "code": "VARCHAR"},
        ),
        "person": (
            f"SELECT id, office_id, sex, birth_date, {ts('created_at')}, merged_into_id "
            "FROM people_person",
            {
                "id": "BIGINT",
                "office_id": "BIGINT",
                "sex": "VARCHAR",
                "birth_date": "DATE",
                "created_at": "TIMESTAMP",
                "merged_into_id": "BIGINT",
            },
        ),
        "visit": (
            "SELECT id, office_id, day, person_id, sex, age_band FROM frontdesk_visit",
            {
                "id": "BIGINT",
                "office_id": "BIGINT",
                "day": "DATE",
                "person_id": "BIGINT",
                "sex": "VARCHAR",
                "age_band": "VARCHAR",
            },
        ),
        "ticket": (
            f"SELECT id, visit_id, office_id, desk_id, day, status, {ts('issued_at')}, "
            f"{ts('called_at')} FROM frontdesk_ticket",
            {
                "id": "BIGINT",
                "visit_id": "BIGINT",
                "office_id": "BIGINT",
                "desk_id": "BIGINT",
                "day": "DATE",
                "status": "VARCHAR",
                "issued_at": "TIMESTAMP",
                "called_at": "TIMESTAMP",
            },
        ),
        "job_order": (
            "SELECT id, country, sector FROM placement_joborder",
            {"id": "BIGINT", "country": "VARCHAR", "sector": "VARCHAR"},
        ),
        "placement_file": (
            "SELECT id, office_id, person_id, scheme, job_order_id, country, sector, "
            "departure_date, return_date, return_reason FROM placement_placementfile",
            {
                "id": "BIGINT",
                "office_id": "BIGINT",
                "person_id": "BIGINT",
                "scheme": "VARCHAR",
                "job_order_id": "BIGINT",
                "country": "VARCHAR",
                "sector": "VARCHAR",
                "departure_date": "DATE",
                "return_date": "DATE",
                "return_reason": "VARCHAR",
            },
        ),
        "cases": (
            f"SELECT id, office_id, client_id, received_on, status, {ts('closed_at')} "
            "FROM cases_case",
            {
                "id": "BIGINT",
                "office_id": "BIGINT",
                "client_id": "BIGINT",
                "received_on": "DATE",
                "status": "VARCHAR",
                "closed_at": "TIMESTAMP",
            },
        ),
        "case_category": (
            "SELECT case_id, category FROM cases_casecategory",
            {"case_id": "BIGINT", "category": "VARCHAR"},
        ),
        "outreach_event": (
            "SELECT id, office_id, date, village_id FROM outreach_outreachevent",
            {"id": "BIGINT", "office_id": "BIGINT", "date": "DATE", "village_id": "VARCHAR"},
        ),
        "outreach_count": (
            "SELECT event_id, sex, age_band, count FROM outreach_outreachcount",
            {"event_id": "BIGINT", "sex": "VARCHAR", "age_band": "VARCHAR", "count": "BIGINT"},
        ),
    }


MACROS = """
CREATE MACRO sx(s) AS CASE WHEN s IN ('F', 'M', 'U') THEN s ELSE 'U' END;
CREATE MACRO band(b) AS CASE WHEN b IN ('0-17', '18-24', '25-39', '40-59', '60+', 'unknown')
    THEN b ELSE 'unknown' END;
CREATE MACRO visit_band(b) AS CASE b WHEN '0-17' THEN '0-17' WHEN '18-24' THEN '18-24'
    WHEN '25-34' THEN '25-39' WHEN '45-59' THEN '40-59' WHEN '60+' THEN '60+'
    ELSE 'unknown' END;
CREATE MACRO age_years(b, d) AS year(d) - year(b)
    - CASE WHEN month(d) < month(b) OR (month(d) = month(b) AND day(d) < day(b))
      THEN 1 ELSE 0 END;
CREATE MACRO age_band(b, d) AS CASE
    WHEN b IS NULL THEN 'unknown'
    WHEN age_years(b, d) < 0 THEN 'unknown'
    WHEN age_years(b, d) < 18 THEN '0-17'
    WHEN age_years(b, d) < 25 THEN '18-24'
    WHEN age_years(b, d) < 40 THEN '25-39'
    WHEN age_years(b, d) < 60 THEN '40-59'
    ELSE '60+' END;
"""

# Each query: parameters $date_from, $date_to; filters appended as `AND …` on the aliases
# `sex` (and `scheme`, `destination` for placement). They return row, sex, band, value, weight.
VISITS = """
    SELECT t.visit_id, d.code AS desk, t.status, t.issued_at, t.called_at,
        CASE WHEN v.person_id IS NOT NULL THEN sx(p.sex) ELSE sx(v.sex) END AS sex,
        CASE WHEN v.person_id IS NOT NULL THEN age_band(p.birth_date, v.day)
             ELSE visit_band(v.age_band) END AS band
    FROM ticket t JOIN visit v ON v.id = t.visit_id JOIN desk d ON d.id = t.desk_id
    LEFT JOIN person p ON p.id = v.person_id
    WHERE t.day BETWEEN $date_from AND $date_to
"""
PLACEMENT = """
    SELECT f.*, sx(p.sex) AS sex, p.birth_date,
        COALESCE(NULLIF(f.scheme, ''), 'unknown') AS the_scheme,
        COALESCE(NULLIF(f.country, ''), NULLIF(j.country, ''), 'unknown') AS the_destination,
        COALESCE(NULLIF(f.sector, ''), NULLIF(j.sector, ''), 'unknown') AS the_sector
    FROM placement_file f JOIN person p ON p.id = f.person_id
    LEFT JOIN job_order j ON j.id = f.job_order_id
"""
CASES = """
    SELECT c.id, c.received_on, c.status,
        CAST(c.closed_at + to_hours(CASE o.time_zone WHEN 'Asia/Makassar' THEN 8
             WHEN 'Asia/Jayapura' THEN 9 ELSE 7 END) AS DATE) AS closed_day,
        sx(p.sex) AS sex, age_band(p.birth_date, c.received_on) AS band
    FROM cases c JOIN person p ON p.id = c.client_id JOIN office o ON o.id = c.office_id
"""

QUERIES = {
    "visitors": f"""
        WITH t AS ({VISITS}), per_desk AS (SELECT DISTINCT visit_id, desk, sex, band FROM t),
        per_visit AS (SELECT DISTINCT visit_id, sex, band FROM t)
        SELECT desk, sex, band, count(*), count(*) FROM per_desk WHERE TRUE {{sex}}
        GROUP BY ALL
        UNION ALL
        SELECT '', sex, band, count(*), count(*) FROM per_visit WHERE TRUE {{sex}} GROUP BY ALL
    """,
    "services_served": f"""
        SELECT desk, sex, band, count(*), count(*) FROM ({VISITS})
        WHERE status = 'served' {{sex}} GROUP BY ALL
    """,
    "waiting_time": f"""
        SELECT desk, sex, band,
            sum(greatest(0, round(epoch(called_at) - epoch(issued_at))))::BIGINT, count(*)
        FROM ({VISITS})
        WHERE status = 'served' AND called_at IS NOT NULL {{sex}} GROUP BY ALL
    """,
    "registrations": """
        SELECT '', sex, band, count(*), count(*) FROM (
            SELECT sx(p.sex) AS sex, age_band(p.birth_date, local_day) AS band FROM (
                SELECT p.*, CAST(p.created_at + to_hours(CASE o.time_zone
                    WHEN 'Asia/Makassar' THEN 8 WHEN 'Asia/Jayapura' THEN 9 ELSE 7 END)
                    AS DATE) AS local_day
                FROM person p JOIN office o ON o.id = p.office_id
                WHERE p.merged_into_id IS NULL) p
            WHERE local_day BETWEEN $date_from AND $date_to)
        WHERE TRUE {sex} GROUP BY ALL
    """,
    "departures_by_destination": f"""
        SELECT the_destination, sex, age_band(birth_date, departure_date), count(*), count(*)
        FROM ({PLACEMENT}) WHERE departure_date BETWEEN $date_from AND $date_to
        {{sex}} {{scheme}} {{destination}} GROUP BY ALL
    """,
    "departures_by_scheme": f"""
        SELECT the_scheme, sex, age_band(birth_date, departure_date), count(*), count(*)
        FROM ({PLACEMENT}) WHERE departure_date BETWEEN $date_from AND $date_to
        {{sex}} {{scheme}} {{destination}} GROUP BY ALL
    """,
    "returns_by_reason": f"""
        SELECT COALESCE(NULLIF(return_reason, ''), 'unknown'), sex,
            age_band(birth_date, return_date), count(*), count(*)
        FROM ({PLACEMENT}) WHERE return_date BETWEEN $date_from AND $date_to
        {{sex}} {{scheme}} {{destination}} GROUP BY ALL
    """,
    "complaints_received": f"""
        WITH c AS ({CASES}),
        flows AS (SELECT id, sex, band FROM c WHERE received_on BETWEEN $date_from AND $date_to)
        SELECT k.category, f.sex, f.band, count(*), count(*)
        FROM flows f JOIN case_category k ON k.case_id = f.id WHERE TRUE {{sex}} GROUP BY ALL
        UNION ALL
        SELECT '', sex, band, count(*), count(*) FROM flows f WHERE TRUE {{sex}} GROUP BY ALL
    """,
    "complaints_resolved": f"""
        WITH c AS ({CASES}),
        flows AS (SELECT id, sex, band FROM c
                  WHERE status = 'closed' AND closed_day BETWEEN $date_from AND $date_to)
        SELECT k.category, f.sex, f.band, count(*), count(*)
        FROM flows f JOIN case_category k ON k.case_id = f.id WHERE TRUE {{sex}} GROUP BY ALL
        UNION ALL
        SELECT '', sex, band, count(*), count(*) FROM flows f WHERE TRUE {{sex}} GROUP BY ALL
    """,
    "outreach_people_reached": """
        SELECT village_id, sex, band, sum(count)::BIGINT, sum(count)::BIGINT FROM (
            SELECT e.village_id, sx(c.sex) AS sex, band(c.age_band) AS band, c.count
            FROM outreach_count c JOIN outreach_event e ON e.id = c.event_id
            WHERE e.date BETWEEN $date_from AND $date_to)
        WHERE TRUE {sex} GROUP BY ALL
    """,
}
PLACEMENT_CODES = {"departures_by_destination", "departures_by_scheme", "returns_by_reason"}


@dataclass(frozen=True)
class Filters:
    sex: str | None = None
    scheme: str | None = None
    destination: str | None = None

    def as_dict(self) -> dict:
        return {"sex": self.sex, "scheme": self.scheme, "destination": self.destination}


def sql_for(code: str, filters: Filters) -> tuple[str, dict]:
    params: dict = {}
    parts = {"sex": "", "scheme": "", "destination": ""}
    if filters.sex:
        parts["sex"] = "AND sex = $sex"
        params["sex"] = filters.sex
    if code in PLACEMENT_CODES:
        if filters.scheme:
            parts["scheme"] = "AND the_scheme = $scheme"
            params["scheme"] = filters.scheme
        if filters.destination:
            parts["destination"] = "AND the_destination = $destination"
            params["destination"] = filters.destination
    return QUERIES[code].format(**parts), params


def export(directory: Path, stdout=print) -> dict[str, int]:
    """Copy the raw tables out of the application's database into CSV files; row counts."""
    from django.db import connection

    counts = {}
    for name, (select, _types) in _tables(connection.vendor).items():
        path = directory / f"{name}.csv"
        with connection.cursor() as cursor, path.open("w", newline="") as out:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY ({select}) TO STDOUT WITH (FORMAT csv)") as copy:
                    for block in copy:
                        out.write(bytes(block).decode())
            else:
                cursor.execute(select)
                writer = csv.writer(out)
                while rows := cursor.fetchmany(50_000):
                    writer.writerows(rows)
        with path.open() as rows:
            counts[name] = sum(1 for _line in rows)
    return counts


class RawDatabase:
    """The raw records in DuckDB, and the indicator queries on them."""

    def __init__(self, threads: int | None = None):
        import duckdb

        self.db = duckdb.connect(":memory:")
        if threads:
            self.db.execute(f"SET threads = {int(threads)}")
        self.counts: dict[str, int] = {}
        self.load_seconds = 0.0

    def load(self, stdout=print) -> None:
        from django.db import connection

        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="satuatap-duckdb-") as folder:
            directory = Path(folder)
            self.counts = export(directory, stdout)
            for name, (_select, types) in _tables(connection.vendor).items():
                columns = ", ".join(f"'{c}': '{t}'" for c, t in types.items())
                path = str(directory / f"{name}.csv").replace("'", "''")
                self.db.execute(
                    f"CREATE TABLE {name} AS SELECT * FROM read_csv('{path}', header = false, "
                    f"columns = {{{columns}}}, nullstr = '', auto_detect = false)"
                )
        self.db.execute(MACROS)
        self.load_seconds = time.perf_counter() - started

    def grid(self, code: str, date_from, date_to, filters: Filters) -> Grid:
        sql, params = sql_for(code, filters)
        params = {"date_from": date_from, "date_to": date_to, **params}
        grid: Grid = {}
        for row_value, sex, band, value, weight in self.db.execute(sql, params).fetchall():
            if value or weight:
                key = (row_value or "", sex, band)
                old = grid.get(key, (0, 0))
                grid[key] = (old[0] + int(value), old[1] + int(weight))
        return grid


def rollup_grid(code: str, viewer, date_from, date_to, filters: Filters) -> Grid:
    """The same table as the report selectors read it from the roll-ups (before suppression)."""
    from satuatap.reports import selectors
    from satuatap.reports.indicators import get_indicator

    scope = selectors._Scope(viewer, None)
    raw = selectors._read_grid(get_indicator(code), scope, date_from, date_to, filters.as_dict())
    return {
        (row or "", sex, band): (value, weight)
        for (row, sex, band), (value, weight) in raw.items()
        if value or weight
    }


def differences(expected: Grid, actual: Grid) -> list[str]:
    """The cells where two grids disagree, described (empty when equal)."""
    out = []
    for key in sorted(set(expected) | set(actual)):
        if expected.get(key, (0, 0)) != actual.get(key, (0, 0)):
            out.append(f"{key}: DuckDB {expected.get(key)} roll-ups {actual.get(key)}")
    return out


def last_whole_month(end: datetime.date) -> tuple[datetime.date, datetime.date]:
    return end.replace(day=1), end
