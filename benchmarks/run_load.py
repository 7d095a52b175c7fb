"""Load test: 50 staff of four offices working for 2 minutes against gunicorn (locust).

    SATUATAP_DATA_DIR=var/bench-load python benchmarks/run_load.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        python benchmarks/run_load.py --engine postgres
    python benchmarks/run_load.py --users 10 --duration 20s --no-doc    # the CI smoke run

1. Builds a fresh demo database (SQLite in $SATUATAP_DATA_DIR, default var/bench-load, which must
   be empty or an earlier run's; PostgreSQL database `satuatap_bench_load`, dropped and
   re-created): migrate, load_regions, seed_demo. `--reuse` keeps an earlier run's database.
2. Writes the scenario file for benchmarks/locustfile.py: per office the demo accounts, the desk
   officer's desk, the services, 200 people to search and check in; the counsellors' and
   supervisors' open, unrestricted cases they work on.
3. Starts `gunicorn satuatap.wsgi -k gthread -w 2 --threads 4` on a free port with production
   settings over plain HTTP, and runs `locust --headless` with --users at --spawn-rate for
   --duration.
4. Prints p50/p95 per page and the failures, writes the section of the engine between
   `<!-- bench:load-<engine>:start/end -->` in docs/performance.md (unless --no-doc), keeps
   locust's CSV files in benchmarks/results/. Exits 1 when any request failed.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    ROOT,
    _with_database_name,
    choose_database,
    engine_label,
    setup_django,
    wait_for_server,
)
from bench_registry import free_port, machine  # noqa: E402

DOC = ROOT / "docs" / "performance.md"
RESULTS = Path(__file__).resolve().parent / "results"
MARKER_FILE = ".bench-load"  # marks a SATUATAP_DATA_DIR this script may wipe
OFFICES = ["cirebon", "tulungagung", "blitar", "lampung-timur"]
COUNSELLOR_ROLES = ["counsellor", "counsellor2", "supervisor"]
PERSON_DESK = "ketenagakerjaan"
MRC_DESK = "pengaduan-informasi"
SECTION_TITLE = "## Load (issue 8)"


# --- the database --------------------------------------------------------------------------------


def prepare_database(engine: str, pg_database: str, reuse: bool) -> tuple[dict[str, str], bool]:
    """Point this process at the load database, emptied unless reused; return the server's env
    and whether it must be built."""
    if engine == "sqlite":
        os.environ.setdefault("SATUATAP_DATA_DIR", str(ROOT / "var" / "bench-load"))
        data_dir = Path(os.environ["SATUATAP_DATA_DIR"])
        data_dir.mkdir(parents=True, exist_ok=True)
        contents = [p for p in data_dir.iterdir() if p.name != MARKER_FILE]
        if contents and not (data_dir / MARKER_FILE).exists():
            sys.exit(f"{data_dir} is not empty and not an earlier load run's: use an empty one.")
        if reuse and (data_dir / "satuatap.sqlite3").exists():
            return choose_database(engine, pg_database), False
        for item in contents:
            shutil.rmtree(item) if item.is_dir() else item.unlink()
        (data_dir / MARKER_FILE).write_text("run_load.py wipes this directory\n")
        return choose_database(engine, pg_database), True
    if not pg_database.startswith("satuatap_bench"):
        sys.exit("--pg-database must start with satuatap_bench (it is dropped and re-created)")
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("--engine postgres needs DATABASE_URL=postgres://user@host:port/any-database")
    import psycopg

    with psycopg.connect(_with_database_name(url, "postgres"), autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [pg_database]
        ).fetchone()
        if exists and reuse:
            return choose_database(engine, pg_database), False
        conn.execute(f'DROP DATABASE IF EXISTS "{pg_database}" WITH (FORCE)')
    return choose_database(engine, pg_database), True


def build_dataset() -> float:
    from django.core.management import call_command

    started = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        call_command("migrate", verbosity=0)
        call_command("load_regions", verbosity=0, stdout=quiet)
        call_command("seed_demo", quiet_logins=True, stdout=quiet)
    return time.perf_counter() - started


def scenario() -> dict:
    """What the virtual users need to know, read from the demo database."""
    from django.conf import settings

    from satuatap.cases.models import Case
    from satuatap.cases.selectors import visible_cases
    from satuatap.core.models import Organisation, User
    from satuatap.demo.core import DEMO_TOTP_KEY
    from satuatap.frontdesk.models import Service
    from satuatap.people.models import Person

    offices = []
    counsellors = []
    for slug in OFFICES:
        office = Organisation.objects.get(slug=slug)
        officer = User.objects.get(username=f"{slug}.deskofficer")
        services = Service.objects.filter(office=office, is_active=True)
        person_services = list(
            services.filter(desk=officer.desk, allows_anonymous=False).values_list("pk", flat=True)
        )
        information = services.filter(desk__desk_type__code=MRC_DESK, allows_anonymous=True)
        people = Person.objects.filter(
            office=office, merged_into__isnull=True, anonymised_at__isnull=True
        ).order_by("pk")[:200]
        if not person_services or not information.exists() or not people:
            sys.exit(f"seed_demo gave {slug} no Disnaker service, information service or people")
        offices.append(
            {
                "slug": slug,
                "frontdesk": f"{slug}.frontdesk",
                "deskofficer": officer.username,
                "desk": officer.desk_id,
                "head": f"{slug}.head",
                "person_services": person_services,
                "information_service": information.first().pk,
                "people": [{"id": p.pk, "name": p.full_name} for p in people],
            }
        )
        for role in COUNSELLOR_ROLES:
            user = User.objects.get(username=f"{slug}.{role}")
            cases = [
                case.pk
                for case in visible_cases(user).filter(is_restricted=False).order_by("pk")[:50]
                if user.has_perm("cases.work_on_case", case) and not case.is_closed
            ][:10]
            if cases:
                counsellors.append({"username": user.username, "cases": cases})
    if not counsellors or not Case.objects.exists():
        sys.exit("seed_demo gave no open case a counsellor works on")
    return {
        "password": settings.SATUATAP_DEMO_PASSWORD,
        "totp_key": DEMO_TOTP_KEY,
        "offices": offices,
        "counsellors": counsellors,
        "analyst": "national.analyst",
    }


# --- server and locust ---------------------------------------------------------------------------


def start_server(db_env: dict[str, str], workers: int, threads: int, log_path: Path):
    port = free_port()
    env = {
        **os.environ,
        **db_env,
        "DEBUG": "false",
        "SATUATAP_DEMO": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "satuatap-benchmark-not-secret"),
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "satuatap.wsgi",
        "-k",
        "gthread",
        "-w",
        str(workers),
        "--threads",
        str(threads),
        "-b",
        f"127.0.0.1:{port}",
        "--keep-alive",
        "30",
        "--no-control-socket",
    ]
    log = log_path.open("w")
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    wait_for_server(process, port, log_path)
    label = "gunicorn " + " ".join(command[1:-1]).replace(f"127.0.0.1:{port}", "127.0.0.1")
    return process, port, label


def run_locust(port: int, args, scenario_path: Path, prefix: Path) -> None:
    command = [
        str(Path(sys.executable).parent / "locust"),
        "-f",
        str(Path(__file__).resolve().parent / "locustfile.py"),
        "--headless",
        "--host",
        f"http://127.0.0.1:{port}",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        args.duration,
        "--stop-timeout",
        "10",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    env = {**os.environ, "LOAD_SCENARIO": str(scenario_path)}
    subprocess.run(command, env=env, cwd=ROOT, check=False)


def read_stats(prefix: Path) -> tuple[list[dict], dict, list[dict]]:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    pages = [r for r in rows if r["Name"] != "Aggregated"]
    total = next(r for r in rows if r["Name"] == "Aggregated")
    with open(f"{prefix}_failures.csv", newline="") as handle:
        failures = list(csv.DictReader(handle))
    return pages, total, failures


# --- report --------------------------------------------------------------------------------------


def section(engine: str, context: dict, pages: list[dict], total: dict, failures) -> str:
    lines = [
        f"<!-- bench:load-{engine}:start -->",
        f"### Load, {context['engine']}",
        "",
        f"- Run: {context['when']} on {context['machine']}",
        f"- Server: `{context['server']}`, production settings (DEBUG off) over 127.0.0.1",
        f"- Locust {context['locust']}: {context['users']} users (spawn rate "
        f"{context['spawn_rate']}/s) for {context['duration']}, 1–5 s think time, in the same "
        "2 cores as the server and the database",
        f"- Demo database (`seed_demo`), built in {context['build']}",
        f"- 1-minute load average: {context['load_before']:.2f} before, "
        f"{context['load_after']:.2f} after",
        f"- Requests: {int(total['Request Count']):,} "
        f"({float(total['Requests/s']):.1f}/s), failures: **{int(total['Failure Count'])}**",
        "",
        "| page | requests | failures | p50 ms | p95 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in sorted(pages, key=lambda r: -float(r["95%"] or 0)):
        lines.append(
            f"| {row['Type']} {row['Name']} | {int(row['Request Count']):,} | "
            f"{row['Failure Count']} | {row['50%']} | {row['95%']} | {row['99%']} | "
            f"{float(row['Max Response Time']):.0f} |"
        )
    lines.append(
        f"| **all** | {int(total['Request Count']):,} | {total['Failure Count']} | "
        f"{total['50%']} | {total['95%']} | {total['99%']} | "
        f"{float(total['Max Response Time']):.0f} |"
    )
    if failures:
        lines += ["", "Failures:", ""]
        lines += [
            f"- {f['Method']} {f['Name']}: {f['Error']} ({f['Occurrences']}×)" for f in failures
        ]
    lines.append(f"<!-- bench:load-{engine}:end -->")
    return "\n".join(lines)


def write_doc(engine: str, text: str) -> None:
    doc = DOC.read_text()
    start, end = f"<!-- bench:load-{engine}:start -->", f"<!-- bench:load-{engine}:end -->"
    if start in doc and end in doc:
        before, rest = doc.split(start, 1)
        doc = before + text + rest.split(end, 1)[1]
    elif SECTION_TITLE in doc:
        head, tail = doc.split(SECTION_TITLE, 1)
        # Engine sections go after the section's introduction, before the next "## ".
        next_section = tail.find("\n## ")
        cut = len(tail) if next_section < 0 else next_section
        doc = head + SECTION_TITLE + tail[:cut].rstrip() + "\n\n" + text + "\n" + tail[cut:]
    else:
        doc = doc.rstrip() + f"\n\n{SECTION_TITLE}\n\n" + text + "\n"
    DOC.write_text(doc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-database", default="satuatap_bench_load")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--duration", default="2m", help="locust --run-time (2m, 20s…)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--reuse", action="store_true", help="keep an earlier run's database")
    parser.add_argument("--no-doc", action="store_true", help="leave docs/performance.md alone")
    args = parser.parse_args()

    db_env, build = prepare_database(args.engine, args.pg_database, args.reuse)
    setup_django(demo=True)
    build_time = f"{build_dataset():.0f} s" if build else "an earlier run (reused)"
    if not build:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    RESULTS.mkdir(exist_ok=True)
    scenario_path = RESULTS / f"load-scenario-{args.engine}.json"
    scenario_path.write_text(json.dumps(scenario()))
    engine = engine_label()
    from django.db import connections

    connections.close_all()

    process, port, server_label = start_server(
        db_env, args.workers, args.threads, RESULTS / f"load-gunicorn-{args.engine}.log"
    )
    prefix = RESULTS / f"load-{args.engine}"
    load_before = os.getloadavg()[0]
    try:
        run_locust(port, args, scenario_path, prefix)
    finally:
        load_after = os.getloadavg()[0]
        process.terminate()
        process.wait(timeout=30)
    pages, total, failures = read_stats(prefix)
    context = {
        "engine": engine,
        "when": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "machine": machine(),
        "server": server_label,
        "locust": importlib.metadata.version("locust"),  # importing locust patches gevent
        "users": args.users,
        "spawn_rate": args.spawn_rate,
        "duration": args.duration,
        "build": build_time,
        "load_before": load_before,
        "load_after": load_after,
    }
    text = section(args.engine, context, pages, total, failures)
    print(text)
    if not args.no_doc:
        write_doc(args.engine, text)
    sys.exit(1 if int(total["Failure Count"]) else 0)


if __name__ == "__main__":
    main()
