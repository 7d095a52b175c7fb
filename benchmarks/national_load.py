"""A national peak (issue 20, point 4): staff of many offices working at once against the
production topology of deploy/, on the national dataset.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x \
        python benchmarks/national_load.py --users 500 --duration 5m

1. Reads the national dataset `satuatap_bench_national` (made by `generate_national.py`; never
   emptied or dropped here) and gives the `--offices` largest bench offices the staff a working
   day needs, as an office head would create them (idempotent): a desk officer at the
   employment desk, the head, two counsellors and a case supervisor (the heads, counsellors and
   supervisors with an authenticator: they sign in with two factors), each counsellor working
   on ten of the office's open, unrestricted generated cases. Passwords: the benchmark password
   (`_common.bench_password`).
2. Starts the production topology as `prod_smoke.py` does (nginx over TLS balancing two gunicorn
   app servers, the huey worker, Redis for cache, sessions and queue, S3 storage when this
   checkout has it) on the national database, with the keys the dataset was written with.
3. Runs `benchmarks/locustfile.py` (the same working day as `run_load.py`: front desk, desk
   officers, counsellors, dashboards; the national analyst among the dashboard viewers) with
   `--users` at `--spawn-rate` for `--duration`, through nginx over HTTPS (the run's own
   certificate as the trusted CA), pausing `--wait` seconds between a user's actions.
4. Prints p50/p95 per page and writes the section `bench:national-load` of
   docs/performance.md (unless --no-doc); exits 1 when any request failed.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    BENCH_SLUG_PREFIX,
    ROOT,
    bench_password,
    choose_database,
    frontdesk_username,
    setup_django,
)
from bench_registry import machine  # noqa: E402
from generate_national import ANALYST_USERNAME, PG_DATABASE  # noqa: E402
from run_load import read_stats  # noqa: E402

DOC = ROOT / "docs" / "performance.md"
RESULTS = Path(__file__).resolve().parent / "results"
PERSON_DESK = "ketenagakerjaan"
MRC_DESK = "pengaduan-informasi"
STAFF = (
    # suffix, role, gender, two factors
    ("deskofficer", "deskofficer", "F", False),
    ("head", "head", "M", True),
    ("counsellor", "counsellor", "F", True),
    ("counsellor2", "counsellor", "F", True),
    ("supervisor", "supervisor", "F", True),
)
CASES_PER_COUNSELLOR = 10
TARGET_P95_MS = 300


# --- the staff and the scenario ----------------------------------------------------------------


def largest_offices(count: int) -> list:
    from django.db.models import Count

    from satuatap.core.models import Organisation
    from satuatap.people.models import Person

    sizes = dict(
        Person.objects.filter(office__slug__startswith=BENCH_SLUG_PREFIX)
        .values_list("office_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    if not sizes:
        sys.exit("No national dataset: run benchmarks/generate_national.py first.")
    chosen = sorted(sizes, key=lambda pk: -sizes[pk])[:count]
    offices = Organisation.objects.in_bulk(chosen)
    return [offices[pk] for pk in chosen]


def ensure_staff(office) -> dict:
    """The office's staff for the load (created once), with their authenticators and cases."""
    from django.db import transaction
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from satuatap.cases.models import Case, CaseAssignment
    from satuatap.core.models import RoleAssignment, User
    from satuatap.demo.core import DEMO_TOTP_KEY

    desk = office.desks.get(desk_type__code=PERSON_DESK)
    users = {}
    with transaction.atomic():
        for suffix, role, gender, two_factors in STAFF:
            user, created = User.objects.get_or_create(
                username=f"{office.slug}.{suffix}",
                defaults={
                    "full_name": f"Petugas {suffix}",
                    "organisation": office,
                    "desk": desk if role == "deskofficer" else None,
                    "gender": gender,
                },
            )
            if created:
                user.set_password(bench_password())
                user.save(update_fields=["password"])
            RoleAssignment.objects.get_or_create(user=user, role=role)
            if two_factors and not TOTPDevice.objects.filter(user=user).exists():
                TOTPDevice.objects.create(
                    user=user, name="bench", key=DEMO_TOTP_KEY, confirmed=True
                )
            users[suffix] = user
        counsellors = []
        open_cases = Case.objects.filter(
            office=office, is_restricted=False, closed_at__isnull=True
        ).order_by("pk")
        taken = set(
            CaseAssignment.objects.filter(case__office=office, ended_at__isnull=True).values_list(
                "case_id", flat=True
            )
        )
        free = [pk for pk in open_cases.values_list("pk", flat=True)[:500] if pk not in taken]
        for suffix in ("counsellor", "counsellor2", "supervisor"):
            user = users[suffix]
            mine = list(
                CaseAssignment.objects.filter(worker=user, ended_at__isnull=True).values_list(
                    "case_id", flat=True
                )
            )
            while len(mine) < CASES_PER_COUNSELLOR and free:
                case_id = free.pop(0)
                CaseAssignment.objects.create(
                    case_id=case_id, worker=user, assigned_by=users["supervisor"]
                )
                mine.append(case_id)
            if mine:
                counsellors.append({"username": user.username, "cases": mine})
    return {"users": users, "desk": desk, "counsellors": counsellors}


def scenario(offices: list) -> dict:
    from satuatap.demo.core import DEMO_TOTP_KEY
    from satuatap.frontdesk.models import Service
    from satuatap.people.models import Person

    entries = []
    counsellors = []
    for office in offices:
        staff = ensure_staff(office)
        services = Service.objects.filter(office=office, is_active=True)
        person_services = list(
            services.filter(desk=staff["desk"], allows_anonymous=False).values_list("pk", flat=True)
        )
        information = services.filter(desk__desk_type__code=MRC_DESK, allows_anonymous=True)
        people = Person.objects.filter(
            office=office, merged_into__isnull=True, anonymised_at__isnull=True
        ).order_by("-pk")[:200]
        if not person_services or not information.exists():
            sys.exit(f"{office.slug}: no employment-desk service or information service")
        entries.append(
            {
                "slug": office.slug,
                "frontdesk": frontdesk_username(office.slug),
                "deskofficer": staff["users"]["deskofficer"].username,
                "desk": staff["desk"].pk,
                "head": staff["users"]["head"].username,
                "person_services": person_services,
                "information_service": information.first().pk,
                "people": [{"id": p.pk, "name": p.full_name} for p in people],
            }
        )
        counsellors += staff["counsellors"]
    if not counsellors:
        sys.exit("The national dataset gave no open, unrestricted case to work on.")
    return {
        "password": bench_password(),
        "totp_key": DEMO_TOTP_KEY,
        "offices": entries,
        "counsellors": counsellors,
        "analyst": ANALYST_USERNAME,
    }


# --- the topology --------------------------------------------------------------------------------


def topology_for(run_dir: Path, args, database_url: str):
    """prod_smoke's topology on the national database, never dropped, with the dataset's keys."""
    import prod_smoke
    from django.conf import settings

    class NationalTopology(prod_smoke.Topology):
        def prepare(self) -> None:
            import redis

            for db in (prod_smoke.REDIS_CACHE_DB, prod_smoke.REDIS_QUEUE_DB):
                redis.Redis(host=prod_smoke.REDIS_HOST, port=prod_smoke.REDIS_PORT, db=db).flushdb()
            self.s3, self.storage_env, self.s3_note = prod_smoke.start_s3(self.run)

        def clean(self) -> None:
            import redis

            for db in (prod_smoke.REDIS_CACHE_DB, prod_smoke.REDIS_QUEUE_DB):
                redis.Redis(host=prod_smoke.REDIS_HOST, port=prod_smoke.REDIS_PORT, db=db).flushdb()

    topology_ = NationalTopology(run_dir, args)
    topology_.database_url = database_url
    topology_._secrets = {
        "SECRET_KEY": settings.SECRET_KEY,
        "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
    }
    return topology_


def run_locust(topology_, args, scenario_path: Path, prefix: Path) -> None:
    command = [
        str(Path(sys.executable).parent / "locust"),
        "-f",
        str(Path(__file__).resolve().parent / "locustfile.py"),
        "--headless",
        "--host",
        topology_.origin,
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        args.duration,
        "--stop-timeout",
        "20",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    low, high = args.wait
    env = {
        **os.environ,
        "LOAD_SCENARIO": str(scenario_path),
        "LOAD_CA_BUNDLE": str(topology_.certificate),
        "LOAD_WAIT": f"{low},{high}",
    }
    subprocess.run(command, env=env, cwd=ROOT, check=False)  # noqa: S603


# --- the report ----------------------------------------------------------------------------------


def section(context: dict, pages: list[dict], total: dict, failures: list[dict]) -> str:
    lines = [
        "<!-- bench:national-load:start -->",
        "### National peak load, PostgreSQL (production topology)",
        "",
        f"- Run: {context['date']} on {context['machine']}",
        f"- Load average: {context['load']}",
        f"- Dataset: {context['dataset']}",
        f"- Topology: {context['topology']}",
        f"- Users: {context['users']} staff of {context['offices']} offices (spawned at "
        f"{context['spawn_rate']}/s), {context['duration']}, pausing {context['wait']} s between "
        f"actions; locust {context['locust']}, through nginx over HTTPS",
        "",
        "| page | requests | failures | p50 ms | p95 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in sorted(pages, key=lambda r: r["Name"]):
        lines.append(
            f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
            f"{row['50%']} | {row['95%']} | {row['99%']} | {float(row['Max Response Time']):.0f} |"
        )
    lines.append(
        f"| **all** | {total['Request Count']} | {total['Failure Count']} | {total['50%']} | "
        f"{total['95%']} | {total['99%']} | {float(total['Max Response Time']):.0f} |"
    )
    slow = [r["Name"] for r in pages if float(r["95%"]) > TARGET_P95_MS]
    errors = int(total["Failure Count"])
    lines += [
        "",
        "| target | measured | result |",
        "| --- | --- | --- |",
        f"| every page type p95 ≤ {TARGET_P95_MS} ms | "
        + (f"{len(slow)} above: {', '.join(sorted(slow))}" if slow else "all within")
        + f" | **{'FAIL' if slow else 'pass'}** |",
        f"| 0 errors | {errors} failed of {total['Request Count']} | "
        f"**{'FAIL' if errors else 'pass'}** |",
    ]
    if failures:
        lines += ["", "Failures:", ""]
        for row in failures[:20]:
            lines.append(f"- {row['Method']} {row['Name']}: {row['Error']} ({row['Occurrences']}×)")
    lines.append("<!-- bench:national-load:end -->")
    return "\n".join(lines)


def write_doc(text: str) -> None:
    doc = DOC.read_text()
    start, end = "<!-- bench:national-load:start -->", "<!-- bench:national-load:end -->"
    if start in doc:
        before = doc[: doc.index(start)]
        after = doc[doc.index(end) + len(end) :]
        doc = before + text + after
    else:
        doc = doc.rstrip("\n") + "\n\n" + text + "\n"
    DOC.write_text(doc)


def dataset_summary() -> str:
    from satuatap.core.models import Organisation
    from satuatap.frontdesk.models import Ticket
    from satuatap.people.models import Person

    offices = Organisation.objects.filter(slug__startswith=BENCH_SLUG_PREFIX, kind="office")
    return (
        f"{offices.count()} offices, {Person.objects.count():,} people, "
        f"{Ticket.objects.count():,} tickets"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg-database", default=PG_DATABASE)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--offices", type=int, default=50, help="the largest offices staffed")
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--duration", default="5m")
    parser.add_argument(
        "--wait",
        type=float,
        nargs=2,
        default=(5.0, 15.0),
        metavar=("MIN", "MAX"),
        help="seconds a user pauses between actions",
    )
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--web-threads", type=int, default=4)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--no-doc", action="store_true")
    args = parser.parse_args(argv)

    import prod_topology

    db_env = choose_database("postgres", args.pg_database)
    setup_django()
    from satuatap.core.attribution import acting_as_command

    load_before = os.getloadavg()
    with acting_as_command("national_load"):
        offices = largest_offices(args.offices)
        plan = scenario(offices)
    prod_topology.ensure_nginx()
    run_dir = Path(tempfile.mkdtemp(prefix="satuatap-national-load-"))
    run_dir.chmod(0o755)
    scenario_path = run_dir / "scenario.json"
    scenario_path.write_text(json.dumps(plan))
    topology_ = topology_for(run_dir, args, db_env["DATABASE_URL"])
    prefix = RESULTS / "national-load"
    RESULTS.mkdir(exist_ok=True)
    passed = False
    try:
        topology_.prepare()
        topology_.satuatap("collectstatic", "--no-input", name="collectstatic")
        topology_.start_services()
        started = time.monotonic()
        run_locust(topology_, args, scenario_path, prefix)
        print(f"locust ran {time.monotonic() - started:.0f} s", flush=True)
        pages, total, failures = read_stats(prefix)
        load_after = os.getloadavg()
        context = {
            "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
            "machine": machine(),
            "load": f"{load_before[0]:.2f} before, {load_after[0]:.2f} after",
            "dataset": dataset_summary(),
            "topology": (
                f"nginx, two app servers (gunicorn {args.web_workers} workers × "
                f"{args.web_threads} threads each), huey worker, Redis, PostgreSQL"
                + (", S3 (SeaweedFS)" if topology_.storage_env else "")
            ),
            "users": args.users,
            "offices": len(offices),
            "spawn_rate": args.spawn_rate,
            "duration": args.duration,
            "wait": f"{args.wait[0]:g}–{args.wait[1]:g}",
            "locust": importlib.metadata.version("locust"),
        }
        text = section(context, pages, total, failures)
        print(text)
        if not args.no_doc:
            write_doc(text)
        passed = int(total["Failure Count"]) == 0
    finally:
        topology_.stop()
        if not passed:
            for name, process in topology_.processes.items():
                print(f"--- {name} ({process.log}) ---\n{process.tail(15)}", flush=True)
        topology_.clean()
        if passed and not args.keep:
            shutil.rmtree(run_dir, ignore_errors=True)
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
