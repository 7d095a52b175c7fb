"""Generate a national-size registry for the benchmarks: people across LTSA offices.

    SATUATAP_DATA_DIR=/tmp/bench-sqlite python benchmarks/generate_registry.py --people 1000000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x \
        python benchmarks/generate_registry.py --engine postgres --people 1000000

Creates (idempotently) 50 offices `bench-<regency>` for real regencies, one front-desk user
each, then people with Indonesian names (~2/3 women), valid NIKs of the office's districts
(unique serials), birth dates 1960-2006, villages of the office's regency, and a mobile
number for half of them. Office sizes follow a long tail (the largest is ~3x the mean).
Rows go in with `bulk_create` (no audit entries: this is generated data, not user changes).

When the bench offices already hold exactly the requested number of people, nothing happens.
Otherwise the existing bench people are deleted first (`--reset`) or the run stops.

`--office-sizes 10000,50000,100000,500000` instead gives each office its size (the name-search
scaling run of `bench_registry.py --scaling`). That mode resumes: an office that holds its size
is skipped, one that holds fewer people (a run stopped part-way: every batch is committed on its
own) is completed from where it stopped.
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
import time
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    BENCH_SLUG_PREFIX,
    REGENCIES,
    bench_password,
    choose_database,
    frontdesk_username,
    office_zone,
    setup_django,
)
from names import make_name  # noqa: E402

BATCH = 5000
FIRST_SERIAL = 1001  # leaves serials 1..1000 to hand-made and demo records
BIRTH_FIRST = datetime.date(1960, 1, 1)
BIRTH_LAST = datetime.date(2006, 12, 31)


def office_sizes(total: int, count: int) -> list[int]:
    weights = [1.0 / (rank + 8) for rank in range(count)]
    scale = total / sum(weights)
    sizes = [int(w * scale) for w in weights]
    sizes[0] += total - sum(sizes)
    return sizes


def prepare(stdout=print) -> None:
    from django.core.management import call_command

    from satuatap.regions.models import Region

    call_command("migrate", interactive=False, verbosity=0)
    if not Region.objects.filter(level=4).exists():
        stdout("loading regions …")
        call_command("load_regions", verbosity=0)


def ensure_offices(count: int):
    """The bench offices and their front-desk users (created when missing)."""
    from django.conf import settings  # noqa: F401
    from django.db import transaction
    from django.utils.text import slugify

    from satuatap.core.models import Organisation, OrganisationKind, RoleAssignment, User
    from satuatap.core.roles import Role
    from satuatap.regions.models import Region

    if count > len(REGENCIES):
        sys.exit(f"At most {len(REGENCIES)} offices (one per listed regency).")
    offices = []
    with transaction.atomic():
        for name in REGENCIES[:count]:
            region = Region.objects.get(level=2, name=name)
            slug = BENCH_SLUG_PREFIX + slugify(name.removeprefix("Kabupaten "))
            zone = office_zone(region.code)
            office = Organisation.objects.filter(
                kind=OrganisationKind.OFFICE, region=region
            ).first()
            if office is not None and office.slug != slug:
                sys.exit(
                    f"{region} already has a non-benchmark office ({office.slug}); "
                    "use an empty database."
                )
            if office is None:
                office = Organisation.objects.create(
                    kind=OrganisationKind.OFFICE,
                    slug=slug,
                    name=f"LTSA-PPMI {name}",
                    region=region,
                    time_zone=zone,
                )
            user, created = User.objects.get_or_create(
                username=frontdesk_username(slug),
                defaults={"full_name": "Petugas Front Desk", "organisation": office},
            )
            if created:
                user.set_password(bench_password())
                user.save(update_fields=["password"])
            RoleAssignment.objects.get_or_create(user=user, role=Role.FRONTDESK)
            offices.append((office, user))
    return offices


def delete_people(offices) -> None:
    from django.db import connection, transaction

    from satuatap.people.models import Person, Phone

    office_ids = ",".join(str(office.pk) for office, _user in offices)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {Phone._meta.db_table} WHERE person_id IN "
            f"(SELECT id FROM {Person._meta.db_table} WHERE office_id IN ({office_ids}))"
        )
        cursor.execute(f"DELETE FROM {Person._meta.db_table} WHERE office_id IN ({office_ids})")


def existing_serials(office_ids: list[int]) -> dict[tuple, int]:
    """The next free NIK serial of each (district, birth date, sex) among existing people."""
    from satuatap.people.models import Person

    serials: dict[tuple, int] = defaultdict(lambda: FIRST_SERIAL)
    rows = Person.objects.filter(office_id__in=office_ids, nik__isnull=False).values_list(
        "nik", "birth_date", "sex"
    )
    for nik, birth, sex in rows.iterator(chunk_size=20_000):
        district = f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}"
        slot = (district, birth, sex)
        serials[slot] = max(serials[slot], int(nik[12:]) + 1)
    return serials


def generate(offices, total: int, seed: int, stdout=print, sizes: list[int] | None = None) -> None:
    from django.db import transaction

    from satuatap.people.models import Person, Phone
    from satuatap.people.names import name_key
    from satuatap.people.nik import make_nik
    from satuatap.regions.models import Region

    rng = random.Random(seed)
    cached_key = lru_cache(maxsize=200_000)(name_key)
    resume = sizes is not None
    if sizes is None:
        sizes = office_sizes(total, len(offices))
    span = (BIRTH_LAST - BIRTH_FIRST).days
    serials: dict[tuple, int] = defaultdict(lambda: FIRST_SERIAL)
    if resume:
        serials = existing_serials([office.pk for office, _user in offices])
    started = time.perf_counter()
    done = 0
    for (office, user), size in zip(offices, sizes, strict=True):
        villages = list(
            Region.objects.filter(level=4, code__startswith=office.region_id + ".").values_list(
                "code", flat=True
            )
        )
        made = Person.objects.filter(office=office).count() if resume else 0
        if resume:
            # The same people whether the office is made in one run or resumed after a batch.
            rng = random.Random(f"{seed}:{office.slug}:{made}")
            if made:
                stdout(f"  office {office.slug}: {made:,}/{size:,} already there")
        while made < size:
            batch = min(BATCH, size - made)
            people = []
            phones_for: list[int] = []
            for index in range(batch):
                sex = "F" if rng.random() < 2 / 3 else "M"
                birth = BIRTH_FIRST + datetime.timedelta(days=rng.randrange(span + 1))
                village = rng.choice(villages)
                district = village[:8]
                slot = (district, birth, sex)
                serial = serials[slot]
                serials[slot] = serial + 1
                full_name = make_name(rng, sex=sex, birth_year=birth.year)
                people.append(
                    Person(
                        office_id=office.pk,
                        nik=make_nik(district, birth, sex, serial),
                        full_name=full_name,
                        name_key=cached_key(full_name),
                        sex=sex,
                        birth_date=birth,
                        village_id=village,
                        created_by_id=user.pk,
                    )
                )
                if rng.random() < 0.5:
                    phones_for.append(index)
            with transaction.atomic():
                Person.objects.bulk_create(people, batch_size=BATCH)
                if people[0].pk is None:  # backends without RETURNING: look the ids up
                    ids = dict(
                        Person.objects.filter(nik__in=[p.nik for p in people]).values_list(
                            "nik", "pk"
                        )
                    )
                    for person in people:
                        person.pk = ids[person.nik]
                Phone.objects.bulk_create(
                    [
                        Phone(
                            person_id=people[i].pk,
                            number=f"+628{rng.choice('12357')}{rng.randrange(10**8, 10**10)}",
                        )
                        for i in phones_for
                    ],
                    batch_size=BATCH,
                )
            made += batch
            done += batch
            elapsed = time.perf_counter() - started
            if done // 50_000 != (done - batch) // 50_000 or made == size:
                stdout(
                    f"  {done:>9,} / {total:,} people  {elapsed:6.1f} s  "
                    f"({done / elapsed:,.0f}/s)  office {office.slug} {made:,}/{size:,}"
                )


def analyse() -> None:
    from django.db import connection

    # Statistics for the planner; on PostgreSQL also the visibility map (index-only scans), as
    # autovacuum would set it some minutes after a bulk load.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--offices", type=int, default=50)
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-database", default="satuatap_bench")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument(
        "--reset",
        action="store_true",
        help="delete existing bench people when their number differs from --people",
    )
    parser.add_argument("--force", action="store_true", help="regenerate even when complete")
    parser.add_argument(
        "--office-sizes",
        help="comma-separated people per office (e.g. 10000,50000,100000,500000): one office "
        "each, resumable; --people and --offices are then ignored",
    )
    args = parser.parse_args(argv)

    choose_database(args.engine, args.pg_database)
    setup_django()
    from satuatap.people.models import Person

    started = time.perf_counter()
    prepare()
    if args.office_sizes:
        return generate_sizes(args, started)
    offices = ensure_offices(args.offices)
    existing = Person.objects.filter(office__in=[o for o, _u in offices]).count()
    if existing == args.people and not args.force:
        print(
            f"The bench offices already hold {existing:,} people ({len(offices)} offices): "
            "nothing to generate."
        )
        analyse()  # a migration may have added an index since: give the planner its statistics
        return 0
    if existing:
        if not (args.reset or args.force):
            sys.exit(
                f"The bench offices hold {existing:,} people, not {args.people:,}: "
                "run with --reset to regenerate."
            )
        print(f"deleting {existing:,} existing bench people …", flush=True)
        delete_people(offices)
    print(f"generating {args.people:,} people in {len(offices)} offices …", flush=True)
    generate(offices, args.people, args.seed, stdout=lambda line: print(line, flush=True))
    analysed = time.perf_counter()
    analyse()
    print(f"ANALYZE {time.perf_counter() - analysed:.1f} s", flush=True)
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


def generate_sizes(args, started: float) -> int:
    """One office per given size; offices already complete are kept, partial ones completed."""
    from satuatap.people.models import Person

    sizes = [int(size.replace("_", "")) for size in args.office_sizes.split(",")]
    offices = ensure_offices(len(sizes))
    held = [Person.objects.filter(office=office).count() for office, _user in offices]
    if any(count > size for count, size in zip(held, sizes, strict=True)):
        if not args.reset:
            sys.exit(f"The bench offices hold {held} people, more than {sizes}: run with --reset.")
        print("deleting the existing bench people …", flush=True)
        delete_people(offices)
        held = [0] * len(sizes)
    if held == sizes:
        print(f"The bench offices already hold {sizes}: nothing to generate.")
    else:
        todo = sum(sizes) - sum(held)
        print(f"generating {todo:,} people for offices of {sizes} …", flush=True)
        generate(offices, todo, args.seed, stdout=lambda line: print(line, flush=True), sizes=sizes)
    analysed = time.perf_counter()
    analyse()
    print(f"ANALYZE {time.perf_counter() - analysed:.1f} s", flush=True)
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
