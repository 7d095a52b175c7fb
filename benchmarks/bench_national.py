"""Time the national dashboard's reads on the national dataset (`generate_national.py`), next
to DuckDB computing the same numbers from the raw records, and check that they are equal.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x \
        python benchmarks/bench_national.py --engine postgres
    SATUATAP_DATA_DIR=/tmp/bench-national python benchmarks/bench_national.py

For each filter set (the last month, the last twelve months, women only, a scheme and a
destination, a period of partial months) and after a warm-up:

- **roll-ups**: `reports.selectors.indicator_results` for the national analyst, one call per
  compared indicator (the tables the dashboard shows, suppression and labels included);
- **DuckDB**: the same tables computed by DuckDB from the raw rows (`national_duckdb.py`),
  timing only DuckDB's queries (the rows are copied into DuckDB once, before, and that copy is
  reported apart);
- **dashboard**: every selector call the national dashboard view makes for that filter set
  (office comparison per indicator, national totals, tables, twelve-month trends).

Then every compared table is checked cell by cell (row, sex, age band: value and weight)
between the roll-ups and DuckDB; the script exits 1 on any difference. It prints a markdown
section and writes it into docs/performance.md between `<!-- bench:national-<engine>:… -->`
markers (`--no-doc` to leave the file alone); every timing goes to
benchmarks/results/national-<engine>.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import choose_database, engine_label, setup_django  # noqa: E402
from bench_registry import machine, write_doc  # noqa: E402
from generate_national import ANALYST_USERNAME, PG_DATABASE, ensure_analyst  # noqa: E402
from national_duckdb import (  # noqa: E402
    COMPARED,
    Filters,
    RawDatabase,
    differences,
    rollup_grid,
)

RESULTS = Path(__file__).resolve().parent / "results"
TARGET_P95_MS = 300.0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def summary(samples: list[float]) -> dict | None:
    if not samples:
        return None
    return {
        "n": len(samples),
        "p50": percentile(samples, 0.5),
        "p95": percentile(samples, 0.95),
        "max": max(samples),
        "mean": statistics.fmean(samples),
    }


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


def filter_sets(end: datetime.date) -> list[tuple[str, str, datetime.date, datetime.date, Filters]]:
    """(key, description, first day, last day, filters), relative to the data's last day."""
    month_start = end.replace(day=1)
    year_start = _add_months(month_start, -11)
    partial_from = _add_months(month_start, -5).replace(day=15)
    partial_to = _add_months(month_start, -1) + datetime.timedelta(days=9)
    return [
        ("last_month", "last month", month_start, end, Filters()),
        ("year", "last 12 months", year_start, end, Filters()),
        ("year_women", "last 12 months, women", year_start, end, Filters(sex="F")),
        (
            "year_p3mi_taiwan",
            "last 12 months, scheme P3MI, destination Taiwan",
            year_start,
            end,
            Filters(scheme="p3mi", destination="TW"),
        ),
        (
            "partial_months",
            f"{partial_from} – {partial_to} (partial months at both ends)",
            partial_from,
            partial_to,
            Filters(),
        ),
    ]


def data_end() -> datetime.date:
    from django.db.models import Max

    from satuatap.frontdesk.models import Ticket

    end = Ticket.objects.aggregate(end=Max("day"))["end"]
    if end is None:
        sys.exit("No tickets: run benchmarks/generate_national.py first.")
    return end


def time_rollups(viewer, date_from, date_to, filters: Filters) -> dict[str, float]:
    from satuatap.reports import selectors

    times = {}
    for code in COMPARED:
        started = time.perf_counter()
        selectors.indicator_results(
            codes=[code], viewer=viewer, date_from=date_from, date_to=date_to, **filters.as_dict()
        )
        times[code] = (time.perf_counter() - started) * 1000
    return times


def time_rollup_reads(viewer, date_from, date_to, filters: Filters) -> dict[str, float]:
    """The roll-up query alone: the grid `indicator_results` builds its table from."""
    times = {}
    for code in COMPARED:
        started = time.perf_counter()
        rollup_grid(code, viewer, date_from, date_to, filters)
        times[code] = (time.perf_counter() - started) * 1000
    return times


def time_duckdb(raw: RawDatabase, date_from, date_to, filters: Filters) -> dict[str, float]:
    times = {}
    for code in COMPARED:
        started = time.perf_counter()
        raw.grid(code, date_from, date_to, filters)
        times[code] = (time.perf_counter() - started) * 1000
    return times


def dashboard_reads(viewer, date_from, date_to, filters: Filters) -> None:
    """What the national dashboard reads (`reports.dashboards.national_reads`), without
    rendering it."""
    from satuatap.reports import selectors
    from satuatap.reports.dashboards import NATIONAL_DEFAULT, national_reads

    national_reads(
        viewer,
        date_from=date_from,
        date_to=date_to,
        filters=filters.as_dict(),
        chosen_ids=None,
        codes=list(NATIONAL_DEFAULT),
        shown_offices=list(selectors.visible_report_offices(viewer)),
    )


def check_equal(raw: RawDatabase, viewer, sets) -> tuple[int, list[str]]:
    """Compare every compared table of every filter set; (tables compared, differences)."""
    problems = []
    compared = 0
    for key, _label, date_from, date_to, filters in sets:
        for code in COMPARED:
            expected = raw.grid(code, date_from, date_to, filters)
            actual = rollup_grid(code, viewer, date_from, date_to, filters)
            compared += 1
            for line in differences(expected, actual)[:5]:
                problems.append(f"{key} {code} {line}")
    return compared, problems


def dataset_sizes() -> dict[str, int]:
    from satuatap.cases.models import Case, Contact, Referral
    from satuatap.core.models import Organisation, OrganisationKind
    from satuatap.frontdesk.models import Survey, Ticket, Visit
    from satuatap.outreach.models import OutreachEvent
    from satuatap.people.models import Person
    from satuatap.placement.files.models import PlacementFile
    from satuatap.reports.models import RollupMonth, RollupValue

    return {
        "offices": Organisation.objects.filter(kind=OrganisationKind.OFFICE).count(),
        "tickets": Ticket.objects.count(),
        "visits": Visit.objects.count(),
        "surveys": Survey.objects.count(),
        "people": Person.objects.count(),
        "placement files": PlacementFile.objects.count(),
        "MRC contacts": Contact.objects.count(),
        "cases": Case.objects.count(),
        "referrals": Referral.objects.count(),
        "outreach events": OutreachEvent.objects.count(),
        "roll-up day rows": RollupValue.objects.count(),
        "roll-up month rows": RollupMonth.objects.count(),
    }


def fmt(ms: float | None) -> str:
    if ms is None:
        return "–"
    return f"{ms:.0f}" if ms >= 100 else f"{ms:.1f}" if ms >= 10 else f"{ms:.2f}"


def _get(row: dict, name: str, key: str):
    return row[name][key] if row.get(name) else None


def _verdict(ms: float | None) -> str:
    if ms is None:
        return "not measured"
    return "pass" if ms <= TARGET_P95_MS else "FAIL"


def markdown(result: dict) -> str:
    sizes = result["sizes"]
    generation = result.get("generation") or {}
    lines = [
        f"### {result['engine']}",
        "",
        f"- Run: {result['when']} on {result['machine']}",
        f"- 1-minute load average: {result['load_before']:.2f} before, "
        f"{result['load_after']:.2f} after (other work on the machine adds noise)",
        "- Dataset: "
        + ", ".join(f"{v:,} {k}" for k, v in sizes.items())
        + f"; data from {result['data_start']} to {result['data_end']}",
    ]
    if generation:
        lines.append(
            f"- Generation {generation.get('generation_s', 0):,.0f} s; "
            f"`satuatap rebuild_rollups` {generation.get('rebuild_s', 0):,.0f} s "
            f"(`benchmarks/results/national-generate-{result['engine_key']}.json`)"
        )
    lines += [
        f"- DuckDB {result['duckdb_version']}, {result['duckdb_threads']} threads: copying the "
        f"raw rows in took {result['duckdb_load_s']:.1f} s (not in the timings below)",
        f"- {result['runs']} runs after {result['warmup']} warm-up runs per filter set; times are "
        f"the {len(COMPARED)} compared indicators together: the roll-up query (the grid the "
        "selectors read), DuckDB's query on the raw rows, the finished tables "
        "(`indicator_results`: query, suppression, labels); and every read of the dashboard "
        f"({result['dashboard_runs']} runs per filter set)",
        "- Cache: "
        + (
            "emptied before every run, and the process's decoded monthly releases with it "
            "(`--cold`): each case-related table reads its months' stored releases from the "
            "database (built once by `rebuild_rollups`, as the nightly task keeps them)"
            if result.get("cold_cache")
            else "kept, and the monthly releases decoded once per process (the steady state "
            "of a dashboard viewed many times)"
        ),
        "",
        "| filter set | roll-up query p50 ms | p95 | DuckDB p50 ms | p95 "
        "| tables (selectors) p50 ms | p95 | whole dashboard p50 ms | p95 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in result["sets"]:
        lines.append(
            f"| {row['label']} | {fmt(row['query']['p50'])} | {fmt(row['query']['p95'])} "
            f"| {fmt(row['duckdb']['p50'])} | {fmt(row['duckdb']['p95'])} "
            f"| {fmt(_get(row, 'rollups', 'p50'))} | {fmt(_get(row, 'rollups', 'p95'))} "
            f"| {fmt(_get(row, 'dashboard', 'p50'))} | {fmt(_get(row, 'dashboard', 'p95'))} |"
        )
    lines += [
        "",
        "Per indicator, last 12 months, ms (p50 unless said):",
        "",
        "| indicator | roll-up query | DuckDB | table (selectors) | table p95 |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    year = next(row for row in result["sets"] if row["key"] == "year")
    for code in COMPARED:
        lines.append(
            f"| `{code}` | {fmt(year['per_indicator_query'][code])} "
            f"| {fmt(year['per_indicator_duckdb'][code])} "
            f"| {fmt(year['per_indicator_rollups'][code])} "
            f"| {fmt(year.get('per_indicator_rollups_p95', {}).get(code))} |"
        )
    worst = max(row["query"]["p95"] for row in result["sets"])
    measured = [row["rollups"]["p95"] for row in result["sets"] if row["rollups"]]
    worst_tables = max(measured) if measured else None
    beaten = sum(r["query"]["p95"] < r["duckdb"]["p50"] for r in result["sets"])
    per_table = [
        (p95, code, row["label"])
        for row in result["sets"]
        for code, p95 in row.get("per_indicator_rollups_p95", {}).items()
        if p95 is not None
    ]
    slowest = max(per_table) if per_table else None
    lines += [
        "",
        "| target | measured | result |",
        "| --- | --- | --- |",
        f"| roll-up query p95 ≤ {TARGET_P95_MS:.0f} ms | worst filter set {fmt(worst)} ms "
        f"| **{'pass' if worst <= TARGET_P95_MS else 'FAIL'}** |",
        f"| every indicator's finished table (selectors) p95 ≤ {TARGET_P95_MS:.0f} ms "
        + (
            f"| slowest `{slowest[1]}`, {fmt(slowest[0])} ms ({slowest[2]}) "
            f"| **{_verdict(slowest[0])}** |"
            if slowest
            else "| not measured (`--skip-tables`) | – |"
        ),
        f"| the ten finished tables together p95 ≤ {TARGET_P95_MS:.0f} ms "
        f"| worst filter set {fmt(worst_tables)} ms "
        f"| **{_verdict(worst_tables)}** |",
        "| faster than the DuckDB raw scan | roll-up query p95 below DuckDB's p50 in "
        f"{beaten} of {len(result['sets'])} filter sets "
        f"| **{'pass' if beaten == len(result['sets']) else 'FAIL'}** |",
        f"| roll-ups = DuckDB | {result['tables_compared']} tables (indicator × filter set) "
        f"compared cell by cell, {len(result['differences'])} differences "
        f"| **{'pass' if not result['differences'] else 'FAIL'}** |",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-database", default=PG_DATABASE)
    parser.add_argument(
        "--key",
        default=None,
        help="name of the results file and docs/performance.md section (default: the engine)",
    )
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument(
        "--dashboard-runs",
        type=int,
        default=None,
        help="measured runs of the whole dashboard's reads (default: --runs; they are slow)",
    )
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2, help="DuckDB's")
    parser.add_argument(
        "--skip-tables",
        action="store_true",
        help="time the roll-up query and DuckDB only, not the finished tables (suppression)",
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="empty the cache before every run: each case-related table pays its suppression "
        "(by default a release suppressed once is reused while its counts are unchanged)",
    )
    parser.add_argument("--no-doc", action="store_true")
    args = parser.parse_args(argv)

    choose_database(args.engine, args.pg_database)
    setup_django()
    import duckdb
    from django.core.cache import cache
    from django.core.management import call_command
    from django.utils import translation

    from satuatap.reports import release

    call_command("migrate", interactive=False, verbosity=0)
    translation.activate("en")
    engine_key = f"national-{args.key or args.engine}"
    viewer = ensure_analyst()
    assert viewer.username == ANALYST_USERNAME
    end = data_end()
    sets = filter_sets(end)
    sizes = dataset_sizes()
    print(f"{engine_label()}: " + ", ".join(f"{v:,} {k}" for k, v in sizes.items()), flush=True)
    if not sizes["roll-up month rows"]:
        sys.exit("No roll-ups: run `satuatap rebuild_rollups` (generate_national.py does).")

    raw = RawDatabase(threads=args.threads)
    print("copying the raw rows into DuckDB …", flush=True)
    raw.load()
    print(f"  {raw.load_seconds:.1f} s: " + ", ".join(f"{k} {v:,}" for k, v in raw.counts.items()))

    dashboard_runs = args.runs if args.dashboard_runs is None else args.dashboard_runs
    load_before = os.getloadavg()[0]
    rows = []
    for key, label, date_from, date_to, filters in sets:
        per_query: dict[str, list[float]] = {code: [] for code in COMPARED}
        per_rollups: dict[str, list[float]] = {code: [] for code in COMPARED}
        per_duckdb: dict[str, list[float]] = {code: [] for code in COMPARED}
        totals = {"query": [], "rollups": [], "duckdb": [], "dashboard": []}
        for run in range(args.warmup + args.runs):
            if args.cold:
                cache.clear()
                release.forget_decoded()
            q = time_rollup_reads(viewer, date_from, date_to, filters)
            r = {} if args.skip_tables else time_rollups(viewer, date_from, date_to, filters)
            d = time_duckdb(raw, date_from, date_to, filters)
            dashboard_ms = None
            if run >= args.warmup + args.runs - dashboard_runs:
                started = time.perf_counter()
                dashboard_reads(viewer, date_from, date_to, filters)
                dashboard_ms = (time.perf_counter() - started) * 1000
            if run < args.warmup:
                continue
            for code in COMPARED:
                per_query[code].append(q[code])
                if r:
                    per_rollups[code].append(r[code])
                per_duckdb[code].append(d[code])
            totals["query"].append(sum(q.values()))
            if r:
                totals["rollups"].append(sum(r.values()))
            totals["duckdb"].append(sum(d.values()))
            if dashboard_ms is not None:
                totals["dashboard"].append(dashboard_ms)
        row = {
            "key": key,
            "label": label,
            "date_from": str(date_from),
            "date_to": str(date_to),
            "filters": filters.as_dict(),
            **{name: summary(samples) for name, samples in totals.items()},
            "per_indicator_query": {c: percentile(v, 0.5) for c, v in per_query.items()},
            "per_indicator_rollups": {
                c: percentile(v, 0.5) if v else None for c, v in per_rollups.items()
            },
            "per_indicator_duckdb": {c: percentile(v, 0.5) for c, v in per_duckdb.items()},
            "per_indicator_rollups_p95": {
                c: percentile(v, 0.95) if v else None for c, v in per_rollups.items()
            },
            "samples": totals,
        }
        rows.append(row)
        print(
            f"  {label:<55} query p50 {fmt(row['query']['p50'])} p95 {fmt(row['query']['p95'])} |"
            f" tables p50 {fmt(_get(row, 'rollups', 'p50'))} p95 "
            f"{fmt(_get(row, 'rollups', 'p95'))} ms | DuckDB p50 {fmt(row['duckdb']['p50'])} p95 "
            f"{fmt(row['duckdb']['p95'])} ms | dashboard p50 {fmt(_get(row, 'dashboard', 'p50'))} "
            f"p95 {fmt(_get(row, 'dashboard', 'p95'))} ms",
            flush=True,
        )
    load_after = os.getloadavg()[0]

    print("comparing every table with DuckDB …", flush=True)
    compared, problems = check_equal(raw, viewer, sets)
    for line in problems[:40]:
        print("  MISMATCH", line)
    generation_file = RESULTS / f"national-generate-{args.key or args.engine}.json"
    generation = json.loads(generation_file.read_text()) if generation_file.exists() else {}
    result = {
        "engine": engine_label(),
        "engine_key": args.key or args.engine,
        "when": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "machine": machine(),
        "load_before": load_before,
        "load_after": load_after,
        "sizes": sizes,
        "data_start": generation.get("start", "?"),
        "data_end": str(end),
        "generation": generation,
        "duckdb_version": duckdb.__version__,
        "duckdb_threads": args.threads,
        "duckdb_load_s": raw.load_seconds,
        "runs": args.runs,
        "dashboard_runs": dashboard_runs,
        "warmup": args.warmup,
        "cold_cache": args.cold,
        "sets": rows,
        "tables_compared": compared,
        "differences": problems,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{engine_key}.json").write_text(json.dumps(result, indent=2, default=str))
    section = markdown(result)
    print()
    print(section)
    if not args.no_doc:
        write_doc(engine_key, section)
    if problems:
        print(f"{len(problems)} differences between the roll-ups and DuckDB.", file=sys.stderr)
        return 1
    print(f"roll-ups = DuckDB for {compared} tables.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
