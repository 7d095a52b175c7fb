"""Latency of the registry's two lookups through the real HTTP API, next to the database floor.

    SATUATAP_DATA_DIR=/tmp/bench-sqlite python benchmarks/bench_registry.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x \
        python benchmarks/bench_registry.py --engine postgres

Starts `gunicorn satuatap.wsgi` (production settings, DEBUG off) on a free loopback port, takes a
bearer token for each bench office's front-desk user, then measures, sequentially over one
keep-alive connection:

(a) exact NIK lookups of random existing people (`GET /api/v1/people?nik=`), in their office;
(b) the same lookups run directly on the database in this process (the floor): the SQL the API
    runs, and the same through the ORM;
(c) name searches (`GET /api/v1/people?q=`) for misspellings generated from random real records
    (letters dropped/doubled/swapped, Muhammad spellings, oe/u, y/i, split/joined words, an
    initial, a pilgrimage title), in the record's office: latency and whether the record is in
    the top 5;
(d) the floor of name search: the candidate query (`pk, name_key` of the office's active
    people), plus an in-process breakdown of search (candidate fetch vs ranking).

Prints a markdown section and writes it into docs/performance.md (one section per engine);
the per-query details go to benchmarks/results/<engine>.json.

`--scaling` measures instead how name search's cost grows with the office (on a dataset made by
`generate_registry.py --office-sizes …`): per office, in-process, `search_people` as the API
calls it (candidates from the trigram index, `people/name_index.py`, re-ranked by `rank_names`)
next to ranking every active record of the office (the path before the index), with p50/p95 and
the share of misspelled names whose record is in the top 5.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    ROOT,
    bench_offices,
    bench_password,
    choose_database,
    engine_label,
    frontdesk_username,
    setup_django,
    wait_for_server,
)
from names import TYPO_KINDS, misspell  # noqa: E402

TARGETS = {
    "nik_p95_ms": 10.0,
    "nik_p95_vs_floor": 2.0,
    "nik_p95_vs_auth_stack": 2.0,  # issue 20: the same request's bare authenticated HTTP stack
    "name_p95_ms": 150.0,
    "name_top5_share": 0.95,
}
DOC = ROOT / "docs" / "performance.md"
RESULTS = Path(__file__).resolve().parent / "results"


# --- measuring -----------------------------------------------------------------------------------


def pct(values: list[float], p: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def summary(values_ms: list[float]) -> dict[str, float]:
    return {
        "n": len(values_ms),
        "p50": pct(values_ms, 50),
        "p95": pct(values_ms, 95),
        "p99": pct(values_ms, 99),
        "max": max(values_ms),
    }


class Client:
    """One keep-alive HTTP/1.1 connection to the server."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, *, token: str | None = None, body=None):
        headers = {"Host": "127.0.0.1", "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            payload = response.read()
        except (http.client.HTTPException, ConnectionError):
            # The server closed an idle keep-alive connection: reconnect once (not timed).
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            return self.request(method, path, token=token, body=body)
        elapsed_ms = (time.perf_counter() - started) * 1000
        return response.status, json.loads(payload) if payload else None, elapsed_ms


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db_env: dict[str, str], workers: int, threads: int, log_path: Path):
    port = free_port()
    env = dict(os.environ)
    env.update(db_env)
    env.update(
        {
            "DEBUG": "false",
            "SECURE_SSL_REDIRECT": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "satuatap-benchmark-not-secret"),
            "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        }
    )
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [
        str(gunicorn),
        "--pythonpath",
        str(Path(__file__).resolve().parent),
        "floor_wsgi:application",
        "-w",
        str(workers),
        "--threads",
        str(threads),
        "-b",
        f"127.0.0.1:{port}",
        "--keep-alive",
        "30",
    ]
    log = log_path.open("w")
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    wait_for_server(process, port, log_path)
    return process, port, " ".join(command[1:])


# --- the dataset ---------------------------------------------------------------------------------


def sample_people(office_ids: list[int], count: int, rng: random.Random) -> list[dict]:
    from satuatap.people.models import Person

    return sample_from(Person.objects.filter(office_id__in=office_ids), count, rng)


def sample_from(queryset, count: int, rng: random.Random) -> list[dict]:
    """`count` random rows, the same on every engine for the same generated data."""
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    chosen = rng.sample(ids, count)
    rows = queryset.model.objects.filter(pk__in=chosen).values(
        "pk", "nik", "full_name", "name_key", "sex", "office_id"
    )
    by_pk = {row["pk"]: row for row in rows}
    return [by_pk[pk] for pk in chosen]


def office_populations(office_ids: list[int]) -> dict[int, int]:
    from django.db.models import Count

    from satuatap.people.models import Person

    return dict(
        Person.objects.filter(office_id__in=office_ids)
        .values_list("office_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


# --- the floors ----------------------------------------------------------------------------------


def nik_floor(sample: list[dict]) -> tuple[list[float], list[float]]:
    """The API's NIK query, as SQL on a cursor and through the ORM, timed in-process."""
    from django.db import connection

    from satuatap.people.models import Person

    table = Person._meta.db_table
    sql = (
        f"SELECT p.*, v.* FROM {table} p LEFT JOIN regions_region v ON v.code = p.village_id "
        "WHERE p.office_id = %s AND p.nik = %s "
        "AND p.merged_into_id IS NULL AND p.anonymised_at IS NULL"
    )
    raw, orm = [], []
    with connection.cursor() as cursor:
        for row in sample:
            started = time.perf_counter()
            cursor.execute(sql, [row["office_id"], row["nik"]])
            found = cursor.fetchall()
            raw.append((time.perf_counter() - started) * 1000)
            assert len(found) == 1
    for row in sample:
        started = time.perf_counter()
        found = list(
            Person.objects.filter(
                office_id=row["office_id"],
                nik=row["nik"],
                merged_into__isnull=True,
                anonymised_at__isnull=True,
            ).select_related("village")
        )
        orm.append((time.perf_counter() - started) * 1000)
        assert len(found) == 1
    return raw, orm


def candidate_floor(targets: list[dict]) -> tuple[list[float], list[float]]:
    """Name search's candidate query (pk, name_key of the office's active people)."""
    from django.db import connection

    from satuatap.people.models import Person

    def queryset(office_id):
        return (
            Person.objects.filter(
                office_id=office_id, merged_into__isnull=True, anonymised_at__isnull=True
            )
            .order_by()
            .values_list("pk", "name_key")
        )

    raw, orm = [], []
    with connection.cursor() as cursor:
        for target in targets:
            sql, params = queryset(target["office_id"]).query.sql_with_params()
            started = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            raw.append((time.perf_counter() - started) * 1000)
    for target in targets:
        started = time.perf_counter()
        list(queryset(target["office_id"]))
        orm.append((time.perf_counter() - started) * 1000)
    return raw, orm


def search_breakdown(targets: list[dict]) -> dict[str, list[float]]:
    """Where in-process name search spends its time: candidate fetch, ranking, the rest."""
    from satuatap.people.models import Person
    from satuatap.people.names import rank_names

    fetch, rank = [], []
    for target in targets:
        started = time.perf_counter()
        candidates = list(
            Person.objects.filter(
                office_id=target["office_id"],
                merged_into__isnull=True,
                anonymised_at__isnull=True,
            )
            .order_by()
            .values_list("pk", "name_key")
        )
        fetched = time.perf_counter()
        rank_names(target["query"], candidates, limit=20, threshold=65.0)
        done = time.perf_counter()
        fetch.append((fetched - started) * 1000)
        rank.append((done - fetched) * 1000)
    return {"candidate_fetch": fetch, "rank_names": rank}


# --- report --------------------------------------------------------------------------------------


def fmt(ms: float) -> str:
    return f"{ms:.1f}" if ms >= 10 else f"{ms:.2f}"


def verdict(ok: bool) -> str:
    return "**pass**" if ok else "**FAIL**"


def render(result: dict) -> str:
    nik, nik_floor_raw, nik_orm = result["nik_http"], result["nik_floor_sql"], result["nik_orm"]
    name, cand_raw, cand_orm = (
        result["name_http"],
        result["candidate_floor_sql"],
        result["candidate_orm"],
    )
    br = result["breakdown"]
    ratio = nik["p95"] / nik_floor_raw["p95"]
    auth_ratio = nik["p95"] / result["auth_http"]["p95"]
    top5 = result["name_top5_share"]
    lines = [
        f"### {result['engine']}",
        "",
        f"- Run: {result['date']} on {result['machine']}",
        f"- Dataset: {result['people']:,} people in {result['offices']} offices "
        f"(largest office {result['largest_office']:,}, smallest {result['smallest_office']:,}; "
        f"{result['phones']:,} phone numbers); generated by `benchmarks/"
        f"{'generate_national.py' if result['offices'] > 50 else 'generate_registry.py'}`",
        f"- Server: `gunicorn {result['server']}`, DEBUG off, over 127.0.0.1; "
        "client sequential on one keep-alive connection (Python `http.client`)",
        f"- 1-minute load average: {result['load']} (other work on the machine adds noise)",
        "",
        "| measurement | n | p50 ms | p95 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, s in (
        ("NIK lookup, HTTP API (`?nik=`)", nik),
        ("NIK lookup, floor: SQL on the DB cursor", nik_floor_raw),
        ("NIK lookup, same query through the ORM", nik_orm),
        ("HTTP stack alone: same URL without a token (401, no query)", result["stack_http"]),
        (
            "HTTP stack, authenticated: the token read and nothing else (`/floor/auth/`, 204)",
            result["auth_http"],
        ),
        ("name search, HTTP API (`?q=`)", name),
        ("name search, floor: candidate query SQL (`pk, name_key` of the office)", cand_raw),
        ("name search, candidate query through the ORM (`values_list`)", cand_orm),
        ("name search in-process: candidate fetch (ORM)", summary(br["candidate_fetch"])),
        ("name search in-process: `rank_names`", summary(br["rank_names"])),
    ):
        lines.append(
            f"| {label} | {s['n']} | {fmt(s['p50'])} | {fmt(s['p95'])} | {fmt(s['p99'])} "
            f"| {fmt(s['max'])} |"
        )
    lines += [
        "",
        "| target | measured | result |",
        "| --- | --- | --- |",
        f"| NIK lookup p95 ≤ {TARGETS['nik_p95_ms']:.0f} ms | {fmt(nik['p95'])} ms | "
        f"{verdict(nik['p95'] <= TARGETS['nik_p95_ms'])} |",
        f"| NIK lookup p95 ≤ {TARGETS['nik_p95_vs_floor']:.0f}× the floor | "
        f"{ratio:.1f}× ({fmt(nik['p95'])} vs {fmt(nik_floor_raw['p95'])} ms) | "
        f"{verdict(ratio <= TARGETS['nik_p95_vs_floor'])} |",
        f"| NIK lookup p95 ≤ {TARGETS['nik_p95_vs_auth_stack']:.0f}× the authenticated stack "
        f"(issue 20) | {auth_ratio:.1f}× ({fmt(nik['p95'])} vs {fmt(result['auth_http']['p95'])} "
        f"ms) | {verdict(auth_ratio <= TARGETS['nik_p95_vs_auth_stack'])} |",
        f"| name search p95 ≤ {TARGETS['name_p95_ms']:.0f} ms | {fmt(name['p95'])} ms | "
        f"{verdict(name['p95'] <= TARGETS['name_p95_ms'])} |",
        f"| right person in the top 5 for ≥ {TARGETS['name_top5_share']:.0%} of "
        f"{result['names']} misspelled names | {top5:.1%} | "
        f"{verdict(top5 >= TARGETS['name_top5_share'])} |",
        "",
        "Name search by office size (candidates from the trigram index, re-ranked):",
        "",
        "| people in the office | queries | p50 ms | p95 ms |",
        "| --- | ---: | ---: | ---: |",
    ]
    for bucket in result["name_by_office_size"]:
        lines.append(
            f"| {bucket['label']} | {bucket['n']} | {fmt(bucket['p50'])} | {fmt(bucket['p95'])} |"
        )
    lines += [
        "",
        "Top-5 by kind of misspelling (misses: the record ranked below 5th or not returned):",
        "",
        "| misspelling | queries | in top 5 | top 1 "
        "| misses with ≥ 5 other records of the same name |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for kind in result["by_kind"]:
        lines.append(
            f"| {kind['kind']} | {kind['n']} | {kind['top5']} | {kind['top1']} "
            f"| {kind['ambiguous_misses']} |"
        )
    lines.append("")
    return "\n".join(lines)


def write_doc(engine_key: str, section: str) -> None:
    start, end = f"<!-- bench:{engine_key}:start -->", f"<!-- bench:{engine_key}:end -->"
    block = f"{start}\n{section}\n{end}"
    text = DOC.read_text() if DOC.exists() else "# Performance\n\n## Results\n\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        _old, after = rest.split(end, 1)
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    DOC.write_text(text)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {mem_kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        mem = ""
    return f"{os.cpu_count()} cores ({cpu}){mem}, Python {platform.python_version()}"


# --- scaling: name search against office size --------------------------------------------------

SCALING_TARGETS = {"name_p95_ms": 50.0, "name_top5_share": 0.95}


def misspelled_targets(office_id: int, count: int, rng: random.Random) -> list[dict]:
    """`count` records of the office, each with a misspelled query (the kinds in rotation)."""
    from satuatap.people.models import Person

    people = Person.objects.filter(
        office_id=office_id, merged_into__isnull=True, anonymised_at__isnull=True
    )
    return misspell_targets(people, sample_from(people, count, rng), rng)


def misspell_targets(people, targets: list[dict], rng: random.Random) -> list[dict]:
    """Give each sampled record a misspelled query, the kinds in rotation; every ninth is
    respelled as another Muhammad, drawn from `people` named so. `same_name`: how many other
    records of the target's office share its name key."""
    from django.db.models import Q

    named_muhammad = people.filter(
        Q(full_name__contains="Muhammad")
        | Q(full_name__contains="Mohammad")
        | Q(full_name__contains="Muhamad")
        | Q(full_name__contains="Moh")
    )
    kinds = [TYPO_KINDS[index % len(TYPO_KINDS)] for index in range(len(targets))]
    muhammads = iter(sample_from(named_muhammad, kinds.count("muhammad_spelling"), rng))
    targets = [
        next(muhammads) if kind == "muhammad_spelling" else t
        for t, kind in zip(targets, kinds, strict=True)
    ]
    for target, kind in zip(targets, kinds, strict=True):
        target["query"], target["kind"] = misspell(target["full_name"], target["sex"], kind, rng)
        target["same_name"] = (
            people.filter(office_id=target["office_id"], name_key=target["name_key"])
            .exclude(pk=target["pk"])
            .count()
        )
    return targets


def rank_every_record(user, query: str, limit: int = 20) -> list[tuple[int, str]]:
    """Name search as it was before the index: `rank_names` over every active record."""
    from satuatap.people.names import rank_names
    from satuatap.people.search import NAME_THRESHOLD
    from satuatap.people.selectors import active_people

    people = active_people(user)
    ranked = rank_names(
        query, people.order_by().values_list("pk", "name_key"), limit=limit, threshold=65.0
    )
    assert NAME_THRESHOLD == 65.0
    found = people.in_bulk([pk for pk, _score in ranked])
    return [(pk, found[pk].name_key) for pk, _score in ranked if pk in found]


def timed_ranks(targets: list[dict], search) -> tuple[list[float], list[int | None], float]:
    """Latencies, the rank of each target's record, and the share of searches with the target's
    name (its key: the record or a namesake) in the top 5."""
    times, ranks, names_found = [], [], 0
    for target in targets:
        started = time.perf_counter()
        hits = search(target["query"])
        times.append((time.perf_counter() - started) * 1000)
        ids = [pk for pk, _key in hits]
        ranks.append(ids.index(target["pk"]) + 1 if target["pk"] in ids else None)
        names_found += target["name_key"] in [key for _pk, key in hits[:5]]
    return times, ranks, names_found / len(targets)


def in_top5(ranks: list[int | None]) -> float:
    return sum(1 for rank in ranks if rank is not None and rank <= 5) / len(ranks)


def run_scaling(args) -> int:
    from satuatap.core.models import User
    from satuatap.people import name_index
    from satuatap.people.search import search_people

    offices = bench_offices()
    if not offices:
        sys.exit("No bench offices: run benchmarks/generate_registry.py --office-sizes first.")
    populations = office_populations([office.pk for office in offices])
    offices = spread_by_size(
        [office for office in offices if populations.get(office.pk)],
        populations,
        args.scaling_offices,
    )
    rng = random.Random(args.seed)
    load_before = os.getloadavg()
    rows = []
    details = []
    for office in offices:
        size = populations.get(office.pk, 0)
        if not size:
            continue
        user = User.objects.get(username=frontdesk_username(office.slug))
        targets = misspelled_targets(office.pk, args.names, rng)
        for target in targets[:10]:  # warm up: caches, connection, rapidfuzz
            search_people(user, target["query"])
        indexed_ms, indexed_ranks, indexed_names = timed_ranks(
            targets,
            lambda q, user=user: [
                (hit.person.pk, hit.person.name_key) for hit in search_people(user, q)
            ],
        )
        row = {
            "office": office.slug,
            "people": size,
            "n": len(targets),
            "index": summary(indexed_ms),
            "index_top5": in_top5(indexed_ranks),
            "index_name_top5": indexed_names,
            "ambiguous_misses": sum(
                1
                for target, rank in zip(targets, indexed_ranks, strict=True)
                if (rank is None or rank > 5) and target["same_name"] >= 5
            ),
        }
        if not args.skip_full_rank:
            full = targets[: args.full_rank_names]
            full_ms, full_ranks, full_names = timed_ranks(
                full, lambda q, user=user: rank_every_record(user, q)
            )
            row["full"] = summary(full_ms)
            row["full_top5"] = in_top5(full_ranks)
            row["full_name_top5"] = full_names
        rows.append(row)
        for target, ms, rank in zip(targets, indexed_ms, indexed_ranks, strict=True):
            details.append(
                {key: target[key] for key in ("pk", "full_name", "query", "kind", "same_name")}
                | {"office_people": size, "latency_ms": ms, "rank": rank}
            )
        full_text = (
            f"; every record: p95 {row['full']['p95']:.1f} ms, top 5 {row['full_top5']:.1%}"
            if "full" in row
            else ""
        )
        print(
            f"{size:>9,} people: index p50 {row['index']['p50']:.1f} ms, "
            f"p95 {row['index']['p95']:.1f} ms, top 5 {row['index_top5']:.1%}{full_text}",
            flush=True,
        )
    load_after = os.getloadavg()
    result = {
        "engine": engine_label(),
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "machine": machine(),
        "load": f"{load_before[0]:.2f} before, {load_after[0]:.2f} after",
        "candidates": name_index.CANDIDATES,
        "rows": rows,
        "queries": details,
    }
    section = render_scaling(result, args)
    print()
    print(section)
    RESULTS.mkdir(exist_ok=True)
    key = f"name-scaling-{args.key or args.engine}"
    (RESULTS / f"{key}.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
    if not args.no_doc:
        write_doc(key, section)
        print(f"updated {DOC.relative_to(ROOT)}")
    return 0


def spread_by_size(offices: list, populations: dict[int, int], count: int | None) -> list:
    """The offices from smallest to largest; with `count`, only that many, spread evenly over
    the logarithm of their size (the smallest and the largest always among them): the national
    dataset has 500 offices."""
    ordered = sorted(offices, key=lambda o: populations[o.pk])
    if not count or count >= len(ordered):
        return ordered
    if count == 1:
        return ordered[-1:]
    import math

    low, high = math.log(populations[ordered[0].pk]), math.log(populations[ordered[-1].pk])
    chosen: list = []
    for step in range(count):
        goal = low + (high - low) * step / (count - 1)
        nearest = min(
            (o for o in ordered if o not in chosen),
            key=lambda o: abs(math.log(populations[o.pk]) - goal),
        )
        chosen.append(nearest)
    return sorted(chosen, key=lambda o: populations[o.pk])


def render_scaling(result: dict, args) -> str:
    rows = result["rows"]
    lines = [
        f"### Name search against office size: {result['engine']}",
        "",
        f"- Run: {result['date']} on {result['machine']}; 1-minute load average {result['load']}",
        f"- Dataset: one office per size, made by `generate_registry.py --office-sizes`; "
        f"{args.names} misspelled names per office (the kinds of the table above, in rotation)",
        f"- In-process (`people.search.search_people`, what `GET /api/v1/people?q=` calls, "
        f"without HTTP): candidates from the trigram index ({result['candidates']} at most), "
        "re-ranked by `rank_names`; next to it, `rank_names` over every active record of the "
        f"office (the path before the index, first {args.full_rank_names} names)",
        "",
        "| people in the office | queries | index p50 ms | index p95 ms | record in top 5 "
        "| misses with ≥ 5 namesakes | name in top 5 | every record: queries | p50 ms "
        "| p95 ms | record in top 5 | name in top 5 |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        full = row.get("full")
        lines.append(
            f"| {row['people']:,} | {row['n']} | {fmt(row['index']['p50'])} "
            f"| {fmt(row['index']['p95'])} | {row['index_top5']:.1%} | {row['ambiguous_misses']} "
            f"| {row['index_name_top5']:.1%} "
            + (
                f"| {full['n']} | {fmt(full['p50'])} | {fmt(full['p95'])} "
                f"| {row['full_top5']:.1%} | {row['full_name_top5']:.1%} |"
                if full
                else "| – | – | – | – | – |"
            )
        )
    largest = max(rows, key=lambda row: row["people"])
    smallest = min(rows, key=lambda row: row["people"])
    growth = largest["index"]["p95"] / smallest["index"]["p95"]
    size_growth = largest["people"] / smallest["people"]
    p95_ok = largest["index"]["p95"] <= SCALING_TARGETS["name_p95_ms"]
    recall_ok = all(row["index_top5"] >= SCALING_TARGETS["name_top5_share"] for row in rows)
    name_ok = all(row["index_name_top5"] >= SCALING_TARGETS["name_top5_share"] for row in rows)
    lines += [
        "",
        "| target | measured | result |",
        "| --- | --- | --- |",
        f"| name search p95 ≤ {SCALING_TARGETS['name_p95_ms']:.0f} ms in the largest office "
        f"({largest['people']:,}) | {fmt(largest['index']['p95'])} ms | {verdict(p95_ok)} |",
        f"| right person in the top 5 for ≥ {SCALING_TARGETS['name_top5_share']:.0%} of the "
        f"misspelled names, every office | "
        + ", ".join(f"{row['index_top5']:.1%}" for row in rows)
        + f" | {verdict(recall_ok)} |",
        "| (the same with the right *name* in the top 5: the record or a namesake) | "
        + ", ".join(f"{row['index_name_top5']:.1%}" for row in rows)
        + f" | {verdict(name_ok)} |",
        f"| cost grows sub-linearly with the office | p95 ×{growth:.1f} for ×{size_growth:.0f} "
        f"people | {verdict(growth < size_growth)} |",
        "",
    ]
    return "\n".join(lines)


# --- main ----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-database", default="satuatap_bench")
    parser.add_argument(
        "--key",
        default=None,
        help="name of the results file and docs/performance.md section (default: the engine)",
    )
    parser.add_argument("--lookups", type=int, default=1000)
    parser.add_argument("--names", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-doc", action="store_true", help="do not update docs/performance.md")
    parser.add_argument(
        "--scaling",
        action="store_true",
        help="name search against office size, in-process (generate_registry.py --office-sizes)",
    )
    parser.add_argument(
        "--full-rank-names",
        type=int,
        default=50,
        help="--scaling: names searched the old way too (ranking every record)",
    )
    parser.add_argument("--skip-full-rank", action="store_true")
    parser.add_argument(
        "--scaling-offices",
        type=int,
        default=None,
        help="--scaling: measure only this many offices, spread over the sizes (default: all)",
    )
    args = parser.parse_args(argv)

    db_env = choose_database(args.engine, args.pg_database)
    setup_django()
    if args.scaling:
        return run_scaling(args)

    from satuatap.people.models import Person, Phone

    offices = bench_offices()
    if not offices:
        sys.exit("No bench offices: run benchmarks/generate_registry.py first.")
    office_ids = [office.pk for office in offices]
    populations = office_populations(office_ids)
    people_total = sum(populations.values())
    rng = random.Random(args.seed)
    print(f"{engine_label()}: {people_total:,} people in {len(offices)} offices", flush=True)
    load_before = os.getloadavg()

    # People with a NIK (the national generator leaves it empty for 1 %: no birth date or sex).
    lookups = sample_from(
        Person.objects.filter(office_id__in=office_ids, nik__isnull=False), args.lookups, rng
    )
    targets = misspell_targets(
        Person.objects.filter(office_id__in=office_ids),
        sample_people(office_ids, args.names, rng),
        rng,
    )

    log_path = Path(tempfile.gettempdir()) / f"satuatap-bench-gunicorn-{args.engine}.log"
    process, port, server = start_server(db_env, args.workers, args.threads, log_path)
    try:
        client = Client(port)
        tokens = {}
        for office in offices:
            status, body, _ms = client.request(
                "POST",
                "/api/v1/auth/token",
                body={"username": frontdesk_username(office.slug), "password": bench_password()},
            )
            if status != 200:
                sys.exit(f"token for {office.slug}: HTTP {status} {body}")
            tokens[office.pk] = body["token"]
        print(f"server on 127.0.0.1:{port}, {len(tokens)} tokens", flush=True)

        # Warm up both workers (imports, connections, rapidfuzz) without measuring.
        for row in lookups[:100]:
            client.request(
                "GET", f"/api/v1/people?nik={row['nik']}", token=tokens[row["office_id"]]
            )
        for target in targets[:20]:
            client.request(
                "GET",
                f"/api/v1/people?q={quote(target['query'])}",
                token=tokens[target["office_id"]],
            )

        # The HTTP stack without the app's work: the same URL without a token (401 after the
        # middleware and the API's authentication, no database query).
        stack_ms = []
        for row in lookups:
            status, _body, ms = client.request("GET", f"/api/v1/people?nik={row['nik']}")
            assert status == 401, status
            stack_ms.append(ms)

        # The same request's bare authenticated stack: the middleware and the token's
        # authentication, nothing else (`floor_wsgi.auth_floor_view`).
        auth_ms = []
        for row in lookups:
            status, _body, ms = client.request(
                "GET", "/floor/auth/", token=tokens[row["office_id"]]
            )
            assert status == 204, status
            auth_ms.append(ms)

        nik_ms = []
        for row in lookups:
            status, body, ms = client.request(
                "GET", f"/api/v1/people?nik={row['nik']}", token=tokens[row["office_id"]]
            )
            if status != 200 or [hit["id"] for hit in body] != [row["pk"]]:
                sys.exit(f"NIK lookup of person #{row['pk']} answered {status}: {body}")
            nik_ms.append(ms)
        print(
            f"NIK over HTTP: p50 {pct(nik_ms, 50):.2f} ms, p95 {pct(nik_ms, 95):.2f} ms", flush=True
        )

        for target in targets:
            status, body, ms = client.request(
                "GET",
                f"/api/v1/people?q={quote(target['query'])}",
                token=tokens[target["office_id"]],
            )
            if status != 200:
                sys.exit(f"name search {target['query']!r} answered {status}: {body}")
            ids = [hit["id"] for hit in body]
            target["latency_ms"] = ms
            target["rank"] = ids.index(target["pk"]) + 1 if target["pk"] in ids else None
            target["returned"] = len(ids)
            target["top"] = [(hit["full_name"], hit["score"]) for hit in body[:5]]
        name_ms = [t["latency_ms"] for t in targets]
        print(
            f"names over HTTP: p50 {pct(name_ms, 50):.1f} ms, p95 {pct(name_ms, 95):.1f} ms",
            flush=True,
        )
    finally:
        process.terminate()
        process.wait(timeout=30)

    load_after = os.getloadavg()
    nik_raw, nik_orm = nik_floor(lookups)
    cand_raw, cand_orm = candidate_floor(targets)
    breakdown = search_breakdown(targets)

    top5 = [t for t in targets if t["rank"] is not None and t["rank"] <= 5]
    by_kind = []
    for kind in [*TYPO_KINDS, "unchanged"]:
        of_kind = [t for t in targets if t["kind"] == kind]
        if not of_kind:
            continue
        by_kind.append(
            {
                "kind": kind,
                "n": len(of_kind),
                "top5": sum(1 for t in of_kind if t["rank"] is not None and t["rank"] <= 5),
                "top1": sum(1 for t in of_kind if t["rank"] == 1),
                "ambiguous_misses": sum(
                    1
                    for t in of_kind
                    if (t["rank"] is None or t["rank"] > 5) and t["same_name"] >= 5
                ),
            }
        )
    buckets = []
    for label, low, high in (
        ("< 10,000", 0, 10_000),
        ("10,000–20,000", 10_000, 20_000),
        ("20,000–40,000", 20_000, 40_000),
        ("40,000–100,000", 40_000, 100_000),
        ("100,000–300,000", 100_000, 300_000),
        ("≥ 300,000", 300_000, 10**9),
    ):
        values = [t["latency_ms"] for t in targets if low <= populations[t["office_id"]] < high]
        if values:
            buckets.append(
                {"label": label, "n": len(values), "p50": pct(values, 50), "p95": pct(values, 95)}
            )

    result = {
        "engine": engine_label(),
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "machine": machine(),
        "people": people_total,
        "offices": len(offices),
        "largest_office": max(populations.values()),
        "smallest_office": min(populations.values()),
        "phones": Phone.objects.filter(person__office_id__in=office_ids).count(),
        "server": server,
        "load": f"{load_before[0]:.2f} before, {load_after[0]:.2f} after the HTTP measurements",
        "names": len(targets),
        "nik_http": summary(nik_ms),
        "stack_http": summary(stack_ms),
        "auth_http": summary(auth_ms),
        "nik_floor_sql": summary(nik_raw),
        "nik_orm": summary(nik_orm),
        "name_http": summary(name_ms),
        "candidate_floor_sql": summary(cand_raw),
        "candidate_orm": summary(cand_orm),
        "breakdown": breakdown,
        "name_top5_share": len(top5) / len(targets),
        "by_kind": by_kind,
        "name_by_office_size": buckets,
        "queries": [
            {
                key: t[key]
                for key in (
                    "pk",
                    "office_id",
                    "full_name",
                    "query",
                    "kind",
                    "rank",
                    "returned",
                    "latency_ms",
                    "same_name",
                    "top",
                )
            }
            | {"office_people": populations[t["office_id"]]}
            for t in targets
        ],
    }
    section = render(result)
    print()
    print(section)
    RESULTS.mkdir(exist_ok=True)
    key = args.key or args.engine
    (RESULTS / f"{key}.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
    if not args.no_doc:
        write_doc(key, section)
        print(f"updated {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
