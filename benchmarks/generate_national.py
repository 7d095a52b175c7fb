"""Generate a national dataset for the reports benchmark: 50 offices, two years, 5,000,000
front-desk tickets, with registrations, placement files, training, MRC contacts and cases,
referrals and outreach events in proportion; then rebuild the report roll-ups.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x \
        python benchmarks/generate_national.py --engine postgres          # 5,000,000 tickets
    SATUATAP_DATA_DIR=/tmp/bench-national python benchmarks/generate_national.py --scale 0.01

Rows are written in bulk (`national_tables.py`: COPY on PostgreSQL, executemany on SQLite),
with no audit entries and no roll-up signals (generated data, not user changes); the roll-ups
are rebuilt at the end with `satuatap rebuild_rollups`, timed. The seed fixes the data.

Proportions per ticket (what an office of this size records, roughly): 0.77 visits (30 % of
visits go to two desks), 0.1 people registered, 0.02 placement files, 0.012 passed course
places, 0.05 MRC contacts, 0.004 cases, 0.0025 referrals, 0.0008 outreach events.
"""

from __future__ import annotations

import argparse
import bisect
import calendar
import datetime
import json
import os
import random
import sys
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    BENCH_SLUG_PREFIX,
    REGENCIES,
    bench_password,
    choose_database,
    office_zone,
    setup_django,
)
from names import make_name  # noqa: E402
from national_tables import Ids, Sink, Table  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_TICKETS = 5_000_000
PG_DATABASE = "satuatap_bench_national"
ANALYST_USERNAME = "bench-national.analyst"
FIRST_SERIAL = 1001
UTC = datetime.UTC

# Per ticket.
PEOPLE_PER_TICKET = 0.1
FILES_PER_PERSON = 0.2
CONTACTS_PER_TICKET = 0.05
CASES_PER_TICKET = 0.004
REFERRALS_PER_CASE = 0.6
EVENTS_PER_TICKET = 0.0008
TWO_DESK_VISITS = 0.3
ANONYMOUS_VISITS = 0.35
SURVEYED_VISITS = 0.12

# Which desk a named visitor goes to (desk type code: weight).
DESK_WEIGHTS = {
    "ketenagakerjaan": 30,
    "pengaduan-informasi": 14,
    "kependudukan": 10,
    "kesehatan": 9,
    "keimigrasian": 14,
    "kepolisian": 8,
    "perbankan": 5,
    "jaminan-sosial": 6,
    "bp3mi": 4,
}
ANONYMOUS_DESKS = {"pengaduan-informasi": 4, "bp3mi": 1}
# The front desk's bands for anonymous visitors ("" = not recorded).
VISIT_BANDS = {"0-17": 2, "18-24": 25, "25-34": 38, "35-44": 20, "45-59": 10, "60+": 2, "": 3}
CONTACT_BANDS = {"0-17": 2, "18-24": 25, "25-39": 48, "40-59": 17, "60+": 2, "unknown": 6}
SEX_OF_ANONYMOUS = {"F": 60, "M": 36, "U": 4}
SCHEMES = {"p3mi": 75, "g2g": 14, "own_company": 6, "individual": 5}
DESTINATIONS = {"HK": 22, "TW": 24, "MY": 18, "SG": 6, "SA": 5, "KR": 10, "JP": 9, "BN": 3, "AE": 3}
SECTORS_WOMEN = {
    "domestic": 45,
    "caregiving": 25,
    "manufacturing": 18,
    "hospitality": 8,
    "other": 4,
}
SECTORS_MEN = {
    "manufacturing": 30,
    "plantation": 22,
    "construction": 22,
    "fishing": 16,
    "hospitality": 6,
    "other": 4,
}
RETURN_REASONS = {
    "contract_finished": 70,
    "early_return": 12,
    "problem": 8,
    "sick": 5,
    "deported": 4,
    "deceased": 1,
}
CHANNELS = {"walk_in": 55, "phone": 15, "online": 22, "outreach": 8}
CONTACT_TOPICS = [
    "safe_migration",
    "documents",
    "jobs",
    "rights",
    "gbv",
    "remittance",
    "reintegration",
    "family",
    "other",
]
CATEGORIES = {
    "wages": 24,
    "contract": 14,
    "fees": 12,
    "document_retention": 9,
    "recruiter_fraud": 10,
    "non_procedural": 8,
    "trafficking": 4,
    "workplace_violence": 6,
    "gbv": 4,
    "death_illness": 5,
    "detention": 3,
    "family": 1,
}
RESTRICTING = {"trafficking", "workplace_violence", "gbv"}
REFERRAL_STATES = {"completed": 40, "accepted": 25, "declined": 10, "sent": 25}
PARTNER_TYPES = ["wcc", "legal_aid", "shelter", "union"]
EVENT_KINDS = {"socialisation": 60, "training": 15, "community_meeting": 20, "other": 5}
OUTREACH_TOPICS = [
    "safe_migration",
    "documents",
    "agencies",
    "rights",
    "fees",
    "trafficking",
    "gbv",
]


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class Picker:
    """Fast weighted choice from a fixed table (cumulative weights, one `random()` each)."""

    def __init__(self, weights: dict):
        self.values = list(weights)
        total = sum(weights.values())
        running = 0.0
        self.edges = []
        for value in self.values:
            running += weights[value] / total
            self.edges.append(running)

    def __call__(self, rng: random.Random):
        index = bisect.bisect_left(self.edges, rng.random())
        return self.values[min(index, len(self.values) - 1)]


def office_sizes(total: int, count: int, tail: int = 8) -> list[int]:
    """A long tail: office `rank` weighs 1/(rank + tail). With the default the largest of 50 is
    ~3x the mean (as the registry benchmark); `--tail 3` on 500 offices makes the largest
    6.3 % of the whole (630,000 of 10,000,000 people) and the smallest 0.04 %."""
    weights = [1.0 / (rank + tail) for rank in range(count)]
    scale = total / sum(weights)
    sizes = [int(w * scale) for w in weights]
    sizes[0] += total - sum(sizes)
    return sizes


def default_end() -> datetime.date:
    """The last day of the month before this one: the two years end with a whole month."""
    today = datetime.date.today()
    return today.replace(day=1) - datetime.timedelta(days=1)


def span_of(end: datetime.date, years: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(end.year - years, end.month, 1) + datetime.timedelta(days=31)
    start = start.replace(day=1)
    return start, end


def zone_offset(time_zone: str) -> datetime.timedelta:
    """Indonesian zones keep no daylight saving: a fixed offset from UTC."""
    hours = {"Asia/Jakarta": 7, "Asia/Makassar": 8, "Asia/Jayapura": 9}[time_zone]
    return datetime.timedelta(hours=hours)


# --- Offices and their set-up (small tables: the ORM) -----------------------------------------


@dataclass
class OfficeKit:
    office: object
    user: object
    offset: datetime.timedelta
    villages: list[str]
    desks: dict[str, int]  # desk type code → desk id
    prefixes: dict[int, str]
    services: dict[int, list[int]]  # desk id → service ids
    partners: list[int]
    job_orders: list[tuple[int, str, str, str]]  # id, scheme, country, sector
    people: list[tuple[int, datetime.date, str, datetime.date | None]] = field(default_factory=list)
    person_days: list[int] = field(default_factory=list)  # ordinal of each person's first day

    def local(self, day: datetime.date, seconds: int) -> datetime.datetime:
        """The instant `seconds` after midnight of `day` in office time, in UTC."""
        return (
            datetime.datetime(day.year, day.month, day.day, tzinfo=UTC)
            + datetime.timedelta(seconds=seconds)
            - self.offset
        )

    def person_before(self, rng: random.Random, day: datetime.date):
        """A random person registered at this office on or before `day` (None if nobody)."""
        count = bisect.bisect_right(self.person_days, day.toordinal())
        if not count:
            return None
        return self.people[rng.randrange(count)]


def prepare(stdout=print) -> None:
    from django.core.management import call_command

    from satuatap.regions.models import Region

    call_command("migrate", interactive=False, verbosity=0)
    if not Region.objects.filter(level=4).exists():
        stdout("loading regions …")
        call_command("load_regions", verbosity=0)


def ensure_offices(count: int) -> list:
    """Up to `count` bench offices, for the regencies of `_common.REGENCIES` that the region
    table holds (all 50 after `load_regions`; the test database has four), with their desks,
    default services, four partners each, a front-desk user, and job orders."""
    from django.db import transaction
    from django.utils.text import slugify

    from satuatap.core.models import (
        Desk,
        DeskType,
        Organisation,
        OrganisationKind,
        RoleAssignment,
        User,
    )
    from satuatap.core.roles import Role
    from satuatap.frontdesk.catalogue.services import install_default_services
    from satuatap.regions.models import Region

    regions = {r.name: r for r in Region.objects.filter(level=2, name__in=REGENCIES)}
    names = [name for name in REGENCIES if name in regions][:count]
    if len(names) < count:
        # Beyond the 50 regencies that send most workers: every other regency and city by code
        # (the national run's 500 offices).
        for region in Region.objects.filter(level=2).exclude(name__in=names).order_by("code"):
            if len(names) >= count:
                break
            regions[region.name] = region
            names.append(region.name)
    desk_types = list(DeskType.objects.order_by("order"))
    offices = []
    with transaction.atomic():
        for name in names:
            region = regions[name]
            slug = BENCH_SLUG_PREFIX + slugify(name.removeprefix("Kabupaten "))
            if name.startswith("Kota "):
                slug = BENCH_SLUG_PREFIX + slugify(name)
            zone = office_zone(region.code)
            office = Organisation.objects.filter(
                kind=OrganisationKind.OFFICE, region=region
            ).first()
            if office is not None and office.slug != slug:
                continue  # a real office holds this regency (the test database): leave it alone
            if office is None:
                office = Organisation.objects.create(
                    kind=OrganisationKind.OFFICE,
                    slug=slug,
                    name=f"LTSA-PPMI {name}",
                    region=region,
                    time_zone=zone,
                )
            for desk_type in desk_types:
                Desk.objects.get_or_create(
                    office=office,
                    desk_type=desk_type,
                    defaults={"prefix": desk_type.default_prefix},
                )
            install_default_services(office=office)
            user, created = User.objects.get_or_create(
                username=f"{slug}.frontdesk",
                defaults={"full_name": "Petugas Front Desk", "organisation": office},
            )
            if created:
                user.set_password(bench_password())
                user.save(update_fields=["password"])
            RoleAssignment.objects.get_or_create(user=user, role=Role.FRONTDESK)
            for index, partner_type in enumerate(PARTNER_TYPES):
                partner, _new = Organisation.objects.get_or_create(
                    slug=f"{slug}-partner-{index + 1}",
                    defaults={
                        "kind": OrganisationKind.PARTNER,
                        "name": f"Mitra {index + 1} {name.removeprefix('Kabupaten ')}",
                        "partner_type": partner_type,
                    },
                )
                partner.partner_offices.add(office)
            offices.append(office)
        ensure_analyst()
    return offices


def ensure_analyst():
    """The national analyst whose dashboard the benchmark computes."""
    from satuatap.core.models import Organisation, OrganisationKind, RoleAssignment, User
    from satuatap.core.roles import Role

    ministry = Organisation.objects.filter(kind=OrganisationKind.MINISTRY).first()
    if ministry is None:
        ministry = Organisation.objects.create(
            kind=OrganisationKind.MINISTRY, slug="bench-ministry", name="Kementerian P2MI"
        )
    user, created = User.objects.get_or_create(
        username=ANALYST_USERNAME,
        defaults={"full_name": "Analis Nasional", "organisation": ministry},
    )
    if created:
        user.set_password(bench_password())
        user.save(update_fields=["password"])
    RoleAssignment.objects.get_or_create(user=user, role=Role.NATIONAL_ANALYST)
    return User.objects.get(pk=user.pk)


def _job_orders(office, rng: random.Random, start: datetime.date, end: datetime.date):
    from satuatap.placement.models import Agency, JobOrder

    agency, _new = Agency.objects.get_or_create(
        licence_number=f"BENCH-SIP3MI-{office.pk}",
        defaults={
            "name": f"PT Bench Penempatan {office.pk}",
            "licence_valid_from": start,
            "licence_valid_until": end + datetime.timedelta(days=3650),
        },
    )
    orders = list(JobOrder.objects.filter(office=office))
    if not orders:
        new = []
        for index in range(12):
            sector = _weighted(rng, SECTORS_WOMEN if index % 3 else SECTORS_MEN)
            new.append(
                JobOrder(
                    office=office,
                    agency=agency,
                    scheme="p3mi",
                    permit_number=f"BENCH-SIP2MI-{office.pk}-{index}",
                    permit_valid_from=start,
                    permit_valid_until=end,
                    country=_weighted(rng, DESTINATIONS),
                    employer=f"Employer {index}",
                    sector=sector,
                    occupation="Pekerja",
                    salary_amount=1000,
                    salary_currency="USD",
                    contract_months=24,
                    closing_date=end,
                )
            )
        orders = JobOrder.objects.bulk_create(new)
        orders = list(JobOrder.objects.filter(office=office))
    return [(o.pk, o.scheme, str(o.country), o.sector) for o in orders]


def office_kit(office, rng: random.Random, start, end) -> OfficeKit:
    from satuatap.core.models import Desk, Organisation, User
    from satuatap.frontdesk.models import Service
    from satuatap.regions.models import Region

    desks = {
        d.desk_type.code: d for d in Desk.objects.filter(office=office).select_related("desk_type")
    }
    services: dict[int, list[int]] = {}
    for service_id, desk_id in Service.objects.filter(office=office).values_list("pk", "desk_id"):
        services.setdefault(desk_id, []).append(service_id)
    return OfficeKit(
        office=office,
        user=User.objects.get(username=f"{office.slug}.frontdesk"),
        offset=zone_offset(office.time_zone),
        villages=list(
            Region.objects.filter(level=4, code__startswith=office.region_id + ".")
            .order_by("code")
            .values_list("code", flat=True)
        ),
        desks={code: d.pk for code, d in desks.items()},
        prefixes={d.pk: d.prefix for d in desks.values()},
        services=services,
        partners=list(
            Organisation.objects.filter(slug__startswith=f"{office.slug}-partner-")
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        job_orders=_job_orders(office, rng, start, end),
    )


# --- The generator -----------------------------------------------------------------------------


class Generator:
    def __init__(self, *, sink: Sink, ids: Ids, seed: int, start, end, stdout=print):
        from django.apps import apps

        self.sink = sink
        self.ids = ids
        self.rng = random.Random(seed)
        self.start = start
        self.end = end
        self.stdout = stdout
        self.days = [
            start + datetime.timedelta(days=n)
            for n in range((end - start).days + 1)
            if (start + datetime.timedelta(days=n)).weekday() < 5
        ]
        model = apps.get_model
        self.m = {
            name: model(*name.split("."))
            for name in (
                "people.Person",
                "frontdesk.Visit",
                "frontdesk.Ticket",
                "frontdesk.ServiceRecord",
                "frontdesk.Survey",
                "placement.PlacementFile",
                "placement.Course",
                "placement.Enrolment",
                "cases.Contact",
                "cases.GroupCount",
                "cases.Case",
                "cases.CaseCategory",
                "cases.CaseConsent",
                "cases.Referral",
                "outreach.OutreachEvent",
                "outreach.OutreachCount",
            )
        }
        m = self.m
        self.t = {
            "person": Table(
                sink,
                m["people.Person"],
                [
                    "id",
                    "office_id",
                    "nik",
                    "full_name",
                    "name_key",
                    "sex",
                    "birth_date",
                    "village_id",
                    "created_by_id",
                    "created_at",
                    "updated_at",
                ],
            ),
            "visit": Table(
                sink,
                m["frontdesk.Visit"],
                [
                    "id",
                    "office_id",
                    "person_id",
                    "sex",
                    "age_band",
                    "survey_token",
                    "checked_in_at",
                    "day",
                    "checked_in_by_id",
                ],
            ),
            "ticket": Table(
                sink,
                m["frontdesk.Ticket"],
                [
                    "id",
                    "visit_id",
                    "office_id",
                    "desk_id",
                    "day",
                    "number",
                    "prefix",
                    "is_priority",
                    "status",
                    "issued_at",
                    "called_at",
                    "served_at",
                    "finished_at",
                    "called_by_id",
                    "call_count",
                ],
            ),
            "ticket_service": Table(
                sink, m["frontdesk.Ticket"].services.through, ["ticket_id", "service_id"]
            ),
            "record": Table(
                sink,
                m["frontdesk.ServiceRecord"],
                ["ticket_id", "person_id", "outcome", "recorded_by_id", "recorded_at"],
            ),
            "survey": Table(
                sink,
                m["frontdesk.Survey"],
                [
                    "visit_id",
                    "channel",
                    "u1",
                    "u2",
                    "u3",
                    "u4",
                    "u5",
                    "u6",
                    "u7",
                    "u8",
                    "u9",
                    "submitted_at",
                ],
            ),
            "file": Table(
                sink,
                m["placement.PlacementFile"],
                [
                    "office_id",
                    "person_id",
                    "scheme",
                    "job_order_id",
                    "country",
                    "sector",
                    "stage",
                    "stage_since",
                    "departure_date",
                    "return_date",
                    "return_reason",
                    "created_by_id",
                    "created_at",
                    "updated_at",
                ],
            ),
            "enrolment": Table(
                sink,
                m["placement.Enrolment"],
                ["course_id", "person_id", "result", "enrolled_at"],
            ),
            "contact": Table(
                sink,
                m["cases.Contact"],
                [
                    "id",
                    "office_id",
                    "kind",
                    "is_group",
                    "channel",
                    "topic",
                    "served",
                    "person_id",
                    "sex",
                    "age_band",
                    "occurred_on",
                    "recorded_at",
                ],
            ),
            "participant": Table(
                sink, m["cases.Contact"].participants.through, ["contact_id", "person_id"]
            ),
            "group_count": Table(
                sink, m["cases.GroupCount"], ["contact_id", "sex", "age_band", "count"]
            ),
            "case": Table(
                sink,
                m["cases.Case"],
                [
                    "id",
                    "office_id",
                    "number",
                    "client_id",
                    "channel",
                    "received_on",
                    "is_restricted",
                    "priority",
                    "status",
                    "outcome",
                    "money_recovered_idr",
                    "closed_at",
                    "created_at",
                    "updated_at",
                ],
            ),
            "case_category": Table(sink, m["cases.CaseCategory"], ["case_id", "category"]),
            "consent": Table(
                sink,
                m["cases.CaseConsent"],
                ["id", "case_id", "recipient_id", "items", "given_on", "method", "created_at"],
            ),
            "referral": Table(
                sink,
                m["cases.Referral"],
                [
                    "case_id",
                    "partner_id",
                    "consent_id",
                    "service",
                    "due_on",
                    "state",
                    "sent_at",
                    "answered_at",
                    "completed_at",
                ],
            ),
            "event": Table(
                sink,
                m["outreach.OutreachEvent"],
                [
                    "id",
                    "office_id",
                    "village_id",
                    "date",
                    "kind",
                    "title",
                    "topics",
                    "created_at",
                    "updated_at",
                ],
            ),
            "event_count": Table(
                sink, m["outreach.OutreachCount"], ["event_id", "sex", "age_band", "count"]
            ),
        }
        self.pick_desk = Picker(DESK_WEIGHTS)
        self.pick_anonymous_desk = Picker(ANONYMOUS_DESKS)
        self.pick_visit_band = Picker(VISIT_BANDS)
        self.pick_contact_band = Picker(CONTACT_BANDS)
        self.pick_sex = Picker(SEX_OF_ANONYMOUS)
        self.pick_scheme = Picker(SCHEMES)
        self.pick_destination = Picker(DESTINATIONS)
        self.pick_sector_f = Picker(SECTORS_WOMEN)
        self.pick_sector_m = Picker(SECTORS_MEN)
        self.pick_reason = Picker(RETURN_REASONS)
        self.pick_channel = Picker(CHANNELS)
        self.pick_category = Picker(CATEGORIES)
        self.pick_state = Picker(REFERRAL_STATES)
        self.pick_event_kind = Picker(EVENT_KINDS)
        self.serials: dict[tuple, int] = {}
        self.name_key = lru_cache(maxsize=200_000)(self._name_key)
        # An encrypted column (cases.Referral.service): written encrypted with the install's key,
        # as the model would (COPY bypasses the field).
        from satuatap.core.encryption import encrypt

        self.referral_service = encrypt("Pendampingan")

    @staticmethod
    def _name_key(name: str) -> str:
        from satuatap.people.names import name_key

        return name_key(name)

    def flush(self) -> None:
        for table in self.t.values():
            table.flush()

    def _day(self, lo: datetime.date | None = None) -> datetime.date:
        """A random working day of the span, on or after `lo`."""
        if lo is None or lo <= self.days[0]:
            return self.days[self.rng.randrange(len(self.days))]
        first = bisect.bisect_left(self.days, lo)
        if first >= len(self.days):
            return self.days[-1]
        return self.days[self.rng.randrange(first, len(self.days))]

    def _seconds_in_office_hours(self) -> int:
        return 8 * 3600 + self.rng.randrange(7 * 3600)

    # --- people ------------------------------------------------------------------------------

    def people(self, kit: OfficeKit, count: int) -> None:
        from satuatap.people.nik import make_nik

        rng = self.rng
        table = self.t["person"]
        days = sorted(self._day() for _n in range(count))
        # A tenth were registered before the span (earlier records of the office).
        before = self.start - datetime.timedelta(days=1)
        for index, day in enumerate(days):
            if index < count // 10:
                day = before - datetime.timedelta(days=rng.randrange(365))
            roll = rng.random()
            sex = "F" if roll < 0.64 else "M" if roll < 0.99 else "U"
            if rng.random() < 0.04:  # a child registered with a family
                birth = day - datetime.timedelta(days=rng.randrange(365, 17 * 365))
            else:
                birth = day - datetime.timedelta(days=rng.randrange(18 * 365, 55 * 365))
            if rng.random() < 0.01:
                birth = None
            village = kit.villages[rng.randrange(len(kit.villages))]
            nik = None
            if birth is not None and sex != "U":
                slot = (village[:8], birth, sex)
                serial = self.serials.get(slot, FIRST_SERIAL)
                self.serials[slot] = serial + 1
                nik = make_nik(village[:8], birth, sex, serial)
            full_name = make_name(
                rng, sex="M" if sex == "M" else "F", birth_year=(birth or day).year
            )
            pk = self.ids.take(self.m["people.Person"])
            created = kit.local(day, self._seconds_in_office_hours())
            table.add(
                pk,
                kit.office.pk,
                nik,
                full_name,
                self.name_key(full_name),
                sex,
                birth,
                village,
                kit.user.pk,
                created,
                created,
            )
            kit.people.append((pk, day, sex, birth))
        kit.people.sort(key=lambda p: (p[1], p[0]))
        kit.person_days = [p[1].toordinal() for p in kit.people]
        table.flush()

    # --- front desk --------------------------------------------------------------------------

    def frontdesk(self, kit: OfficeKit, tickets: int) -> None:
        rng = self.rng
        t_visit, t_ticket = self.t["visit"], self.t["ticket"]
        t_service, t_record, t_survey = self.t["ticket_service"], self.t["record"], self.t["survey"]
        visit_model, ticket_model = self.m["frontdesk.Visit"], self.m["frontdesk.Ticket"]
        office_id, user_id = kit.office.pk, kit.user.pk
        # Busier months: after Lebaran and at the start of the year.
        weights = [1.0 + 0.25 * (day.month in (1, 2, 5, 6)) for day in self.days]
        scale = tickets / sum(weights)
        made = 0
        for day_index, day in enumerate(self.days):
            target = min(
                round(weights[day_index] * scale * rng.uniform(0.75, 1.25)), tickets - made
            )
            if day_index == len(self.days) - 1:
                target = tickets - made  # exactly `tickets` in all
            counters: dict[int, int] = {}
            today = 0
            while today < target:
                person = None if rng.random() < ANONYMOUS_VISITS else kit.person_before(rng, day)
                if person is None:
                    desks = [kit.desks[self.pick_anonymous_desk(rng)]]
                    sex, band = self.pick_sex(rng), self.pick_visit_band(rng)
                    person_id = None
                else:
                    first = kit.desks[self.pick_desk(rng)]
                    desks = [first]
                    if rng.random() < TWO_DESK_VISITS and target - today > 1:
                        second = kit.desks[self.pick_desk(rng)]
                        if second != first:
                            desks.append(second)
                    person_id, sex, band = person[0], "U", ""
                visit_id = self.ids.take(visit_model)
                arrived = self._seconds_in_office_hours()
                checked_in = kit.local(day, arrived)
                t_visit.add(
                    visit_id,
                    office_id,
                    person_id,
                    sex,
                    band,
                    f"b{visit_id}",
                    checked_in,
                    day,
                    user_id,
                )
                served_any = False
                clock = arrived
                for desk_id in desks:
                    number = counters.get(desk_id, 0) + 1
                    counters[desk_id] = number
                    ticket_id = self.ids.take(ticket_model)
                    issued = clock + rng.randrange(5, 60)
                    wait = int(rng.expovariate(1 / 900)) + 30
                    called = issued + wait
                    if rng.random() < 0.9:
                        served = called + rng.randrange(20, 180)
                        finished = served + int(rng.expovariate(1 / 840)) + 60
                        status = "served"
                        clock = finished
                        served_any = True
                        times = (kit.local(day, served), kit.local(day, finished))
                    else:
                        status = "no_show"
                        times = (None, None)
                    t_ticket.add(
                        ticket_id,
                        visit_id,
                        office_id,
                        desk_id,
                        day,
                        number,
                        kit.prefixes[desk_id],
                        rng.random() < 0.04,
                        status,
                        kit.local(day, issued),
                        kit.local(day, called),
                        *times,
                        user_id,
                        1 if status == "served" else 2,
                    )
                    services = kit.services.get(desk_id)
                    if services:
                        t_service.add(ticket_id, services[rng.randrange(len(services))])
                    if status == "served":
                        t_record.add(
                            ticket_id,
                            person_id,
                            "information" if person_id is None else "completed",
                            user_id,
                            times[1],
                        )
                    today += 1
                if served_any and rng.random() < SURVEYED_VISITS:
                    answers = [
                        None
                        if rng.random() < 0.03
                        else (4 if rng.random() < 0.45 else 3 if rng.random() < 0.8 else 2)
                        for _n in range(9)
                    ]
                    t_survey.add(
                        visit_id,
                        "kiosk" if rng.random() < 0.7 else "qr",
                        *answers,
                        kit.local(day, clock + 120),
                    )
            made += today

    # --- placement and training --------------------------------------------------------------

    def placement(self, kit: OfficeKit, count: int) -> None:
        rng = self.rng
        table = self.t["file"]
        movers = rng.sample(kit.people, min(count, len(kit.people)))
        for pk, registered, sex, _birth in movers:
            opened = max(registered, self.start) + datetime.timedelta(days=rng.randrange(0, 120))
            if opened > self.end:
                continue
            scheme = self.pick_scheme(rng)
            job_order_id, country, sector = None, "", ""
            if scheme == "p3mi" and rng.random() < 0.6:
                job_order_id = kit.job_orders[rng.randrange(len(kit.job_orders))][0]
            else:
                country = self.pick_destination(rng)
                if rng.random() < 0.95:
                    sector = (self.pick_sector_m if sex == "M" else self.pick_sector_f)(rng)
            departed = returned = None
            reason = ""
            stage, since = "registration", opened
            roll = rng.random()
            if roll < 0.05:
                stage = "cancelled"
            elif roll < 0.85:
                departed = opened + datetime.timedelta(days=rng.randrange(45, 200))
                if departed > self.end:
                    departed = None
                    stage = "medical"
                else:
                    stage, since = "departed", departed
                    if rng.random() < 0.3:
                        returned = departed + datetime.timedelta(days=rng.randrange(60, 720))
                        if returned > self.end:
                            returned = None
                        else:
                            reason = self.pick_reason(rng)
                            stage, since = "returned", returned
            created = kit.local(opened, self._seconds_in_office_hours())
            table.add(
                kit.office.pk,
                pk,
                scheme,
                job_order_id,
                country,
                sector,
                stage,
                since,
                departed,
                returned,
                reason,
                kit.user.pk,
                created,
                created,
            )

    def training(self, kit: OfficeKit, per_course: int) -> None:
        from satuatap.placement.training.models import Course

        rng = self.rng
        courses = []
        month = self.start
        while month <= self.end:
            last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
            for kind in ("training", "opp"):
                begin = month + datetime.timedelta(days=rng.randrange(0, 10))
                finish = min(begin + datetime.timedelta(days=rng.randrange(3, 15)), self.end)
                courses.append(
                    Course(
                        office=kit.office,
                        kind=kind,
                        title=f"{kind.upper()} {month:%Y-%m}",
                        start_date=begin,
                        end_date=finish,
                        weekdays="01234",
                        capacity=max(per_course * 2, 1),
                        created_by=kit.user,
                    )
                )
            month = last + datetime.timedelta(days=1)
        Course.objects.bulk_create(courses)
        table = self.t["enrolment"]
        for course in Course.objects.filter(
            office=kit.office, title__in=[c.title for c in courses]
        ):
            count = bisect.bisect_right(kit.person_days, course.start_date.toordinal())
            if not count:
                continue
            chosen = {rng.randrange(count) for _n in range(per_course)}
            for index in chosen:
                roll = rng.random()
                result = "passed" if roll < 0.85 else "failed" if roll < 0.95 else "withdrew"
                table.add(course.pk, kit.people[index][0], result, GENERATED_DT)

    # --- MRC ----------------------------------------------------------------------------------

    def contacts(self, kit: OfficeKit, count: int) -> None:
        rng = self.rng
        table, counts, participants = (
            self.t["contact"],
            self.t["group_count"],
            self.t["participant"],
        )
        model = self.m["cases.Contact"]
        for _n in range(count):
            day = self._day()
            pk = self.ids.take(model)
            kind = "information" if rng.random() < 0.7 else "counselling"
            channel = self.pick_channel(rng)
            topic = CONTACT_TOPICS[rng.randrange(len(CONTACT_TOPICS))]
            recorded = kit.local(day, self._seconds_in_office_hours())
            if rng.random() < 0.06:  # a group session
                table.add(
                    pk,
                    kit.office.pk,
                    kind,
                    True,
                    channel,
                    topic,
                    "",
                    None,
                    "U",
                    "unknown",
                    day,
                    recorded,
                )
                if rng.random() < 0.75:
                    for sex in ("F", "M"):
                        for band in ("18-24", "25-39", "40-59"):
                            number = rng.randrange(0, 12)
                            if number:
                                counts.add(pk, sex, band, number)
                else:
                    known = bisect.bisect_right(kit.person_days, day.toordinal())
                    for index in (
                        {rng.randrange(known) for _i in range(rng.randrange(3, 9))} if known else ()
                    ):
                        participants.add(pk, kit.people[index][0])
                continue
            person = kit.person_before(rng, day) if rng.random() < 0.6 else None
            if person is None:
                sex, band = self.pick_sex(rng), self.pick_contact_band(rng)
                person_id = None
            else:
                person_id, sex, band = person[0], "U", "unknown"
            table.add(
                pk,
                kit.office.pk,
                kind,
                False,
                channel,
                topic,
                "worker",
                person_id,
                sex,
                band,
                day,
                recorded,
            )

    def cases(self, kit: OfficeKit, count: int) -> None:
        rng = self.rng
        t_case, t_category = self.t["case"], self.t["case_category"]
        t_consent, t_referral = self.t["consent"], self.t["referral"]
        case_model, consent_model = self.m["cases.Case"], self.m["cases.CaseConsent"]
        end_moment = kit.local(self.end + datetime.timedelta(days=1), 0)
        for _n in range(count):
            received = self._day(self.days[0] + datetime.timedelta(days=30))
            person = kit.person_before(rng, received)
            if person is None:
                continue
            pk = self.ids.take(case_model)
            categories = {self.pick_category(rng) for _i in range(1 if rng.random() < 0.7 else 2)}
            status, outcome, money, closed_at = "in_progress", "", 0, None
            if rng.random() < 0.6:
                closed_at = kit.local(
                    received, self._seconds_in_office_hours()
                ) + datetime.timedelta(days=rng.randrange(5, 150))
                if closed_at < end_moment:
                    status, outcome = "closed", "resolved" if rng.random() < 0.7 else "partly"
                    if rng.random() < 0.3:
                        money = rng.randrange(5, 500) * 100_000
                else:
                    closed_at = None
            if status != "closed":
                status = "open" if rng.random() < 0.3 else "in_progress"
            created = kit.local(received, self._seconds_in_office_hours())
            t_case.add(
                pk,
                kit.office.pk,
                f"B-{kit.office.pk}-{pk}",
                person[0],
                self.pick_channel(rng),
                received,
                bool(categories & RESTRICTING),
                rng.randrange(1, 5),
                status,
                outcome,
                money,
                closed_at,
                created,
                created,
            )
            for category in categories:
                t_category.add(pk, category)
            if rng.random() < REFERRALS_PER_CASE and kit.partners:
                partner = kit.partners[rng.randrange(len(kit.partners))]
                consent_id = self.ids.take(consent_model)
                t_consent.add(
                    consent_id,
                    pk,
                    partner,
                    ["identity", "case_summary"],
                    received,
                    "signed",
                    created,
                )
                sent = created + datetime.timedelta(
                    days=rng.randrange(0, 10), minutes=rng.randrange(600)
                )
                if sent >= end_moment:
                    continue
                state = self.pick_state(rng)
                answered = completed = None
                if state != "sent":
                    answered = sent + datetime.timedelta(
                        days=rng.randrange(1, 8), minutes=rng.randrange(600)
                    )
                    if answered >= end_moment:
                        state, answered = "sent", None
                if state == "completed":
                    completed = answered + datetime.timedelta(days=rng.randrange(7, 60))
                    if completed >= end_moment:
                        state, completed = "accepted", None
                t_referral.add(
                    pk,
                    partner,
                    consent_id,
                    self.referral_service,
                    sent.date() + datetime.timedelta(days=14),
                    state,
                    sent,
                    answered,
                    completed,
                )

    # --- outreach -------------------------------------------------------------------------------

    def outreach(self, kit: OfficeKit, count: int) -> None:
        rng = self.rng
        t_event, t_count = self.t["event"], self.t["event_count"]
        model = self.m["outreach.OutreachEvent"]
        for _n in range(count):
            day = self._day()
            pk = self.ids.take(model)
            topics = sorted(
                {OUTREACH_TOPICS[rng.randrange(len(OUTREACH_TOPICS))] for _i in range(2)}
            )
            created = kit.local(day, self._seconds_in_office_hours())
            t_event.add(
                pk,
                kit.office.pk,
                kit.villages[rng.randrange(len(kit.villages))],
                day,
                self.pick_event_kind(rng),
                "Sosialisasi migrasi aman",
                topics,
                created,
                created,
            )
            for sex in ("F", "M"):
                for band in ("0-17", "18-24", "25-39", "40-59", "60+", "unknown"):
                    number = rng.randrange(0, 25) if band != "unknown" else rng.randrange(0, 3)
                    if number:
                        t_count.add(pk, sex, band, number)


GENERATED_DT = datetime.datetime(2026, 1, 1, tzinfo=UTC)


@dataclass
class Sizes:
    tickets: int
    offices: int

    def per_office(self) -> list[int]:
        return office_sizes(self.tickets, self.offices)


def generate(
    *,
    tickets: int,
    offices: list,
    seed: int,
    start: datetime.date,
    end: datetime.date,
    people: int | None = None,
    tail: int = 8,
    stdout=print,
) -> dict[str, int]:
    """Write the dataset for these bench offices; the row counts per table written by this run.

    Each office is one transaction, its random numbers seeded by the office: a run stopped
    part-way is resumed by running again with `--resume`, which skips the offices that hold
    their people already and makes the others exactly as one uninterrupted run would."""
    from django.db import connection, transaction

    from satuatap.people.models import Person

    sink = Sink(connection)
    ids = Ids(connection)
    gen = Generator(sink=sink, ids=ids, seed=seed, start=start, end=end, stdout=stdout)
    started = time.perf_counter()
    sizes = office_sizes(tickets, len(offices), tail)
    registered = office_sizes(people, len(offices), tail) if people else [0] * len(offices)
    done = 0
    try:
        for office, size, extra in zip(offices, sizes, registered, strict=True):
            if Person.objects.filter(office=office).exists():
                stdout(f"  {office.slug:<32} already generated: skipped")
                done += size
                continue
            gen.rng = random.Random(f"{seed}:{office.slug}")
            with transaction.atomic():
                kit = office_kit(office, random.Random(seed + office.pk), start, end)
                gen.people(kit, max(1, round(size * PEOPLE_PER_TICKET), extra))
                gen.frontdesk(kit, size)
                gen.placement(kit, round(len(kit.people) * FILES_PER_PERSON))
                gen.training(kit, max(1, round(size * 0.012 / (2 * 24 * 0.85))))
                gen.contacts(kit, round(size * CONTACTS_PER_TICKET))
                gen.cases(kit, round(size * CASES_PER_TICKET))
                gen.outreach(kit, max(1, round(size * EVENTS_PER_TICKET)))
                gen.flush()
            done += size
            elapsed = time.perf_counter() - started
            stdout(
                f"  {office.slug:<32} {size:>9,} tickets {len(kit.people):>8,} people  "
                f"{done:>10,} / {tickets:,}  {elapsed:7.1f} s  "
                f"({sink.rows_written / elapsed:,.0f} rows/s)"
            )
        with transaction.atomic():
            ids.finish()
    finally:
        sink.close()
    return {name: table.count for name, table in gen.t.items()}


def bench_offices_with_data() -> tuple[list, int]:
    from satuatap.core.models import Organisation, OrganisationKind
    from satuatap.frontdesk.models import Ticket

    offices = list(
        Organisation.objects.filter(
            kind=OrganisationKind.OFFICE, slug__startswith=BENCH_SLUG_PREFIX
        ).order_by("pk")
    )
    return offices, Ticket.objects.filter(office__in=offices).count()


SOURCE_TABLES = (
    "outreach.OutreachCount",
    "outreach.OutreachEvent",
    "cases.Referral",
    "cases.CaseConsent",
    "cases.CaseCategory",
    "cases.Case",
    "cases.GroupCount",
    "cases.Contact",
    "placement.Enrolment",
    "placement.Course",
    "placement.PlacementFile",
    "frontdesk.Survey",
    "frontdesk.ServiceRecord",
    "frontdesk.Ticket",
    "frontdesk.Visit",
    "people.Person",
    "reports.RollupValue",
)


def has_dataset(offices) -> bool:
    from satuatap.people.models import Person

    return Person.objects.filter(office__in=offices).exists()


def delete_dataset() -> None:
    """Empty the tables this generator fills (the benchmark database is its own)."""
    from django.apps import apps
    from django.db import connection, transaction

    tables = []
    for name in SOURCE_TABLES:
        model = apps.get_model(*name.split("."))
        tables.append(model._meta.db_table)
        for m2m in model._meta.local_many_to_many:
            tables.append(m2m.remote_field.through._meta.db_table)
    extra = ["people_phone", "frontdesk_servicerecord_services", "people_statusevent"]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "TRUNCATE "
                + ", ".join(f'"{t}"' for t in dict.fromkeys(tables + extra))
                + " CASCADE"
            )
        else:
            for table in [*extra, *dict.fromkeys(tables)]:
                cursor.execute(f'DELETE FROM "{table}"')


def rebuild_rollups(offices=None, stdout=print) -> float:
    """Rebuild the roll-ups (all offices, as `satuatap rebuild_rollups`); the seconds it took."""
    from satuatap.reports.services import rollups

    started = time.perf_counter()
    rows = rollups.rebuild(offices=offices)
    seconds = time.perf_counter() - started
    stdout(f"rebuild_rollups: {rows:,} rows in {seconds:.1f} s")
    return seconds


def analyse() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=DEFAULT_TICKETS)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies --tickets")
    parser.add_argument("--offices", type=int, default=50)
    parser.add_argument(
        "--people",
        type=int,
        default=None,
        help="people registered in all (default: a tenth of the tickets); an office registers "
        "its share of these or a tenth of its tickets, whichever is more",
    )
    parser.add_argument(
        "--tail", type=int, default=8, help="office sizes weigh 1/(rank + tail): smaller, longer"
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="complete a dataset a stopped run left: offices holding people are skipped",
    )
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument(
        "--end",
        type=datetime.date.fromisoformat,
        default=None,
        help="last day of the data (default: last day of the previous month)",
    )
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-database", default=PG_DATABASE)
    parser.add_argument("--seed", type=int, default=20260107)
    parser.add_argument(
        "--reset",
        action="store_true",
        help="empty the dataset first when it holds another number of tickets",
    )
    parser.add_argument("--force", action="store_true", help="regenerate even when complete")
    parser.add_argument("--skip-rollups", action="store_true")
    parser.add_argument(
        "--key",
        default=None,
        help="name of the results file and docs/performance.md section (default: the engine)",
    )
    args = parser.parse_args(argv)
    if args.engine == "postgres" and not args.pg_database.startswith("satuatap_bench"):
        sys.exit("--pg-database must start with satuatap_bench (the generator empties tables).")

    tickets = round(args.tickets * args.scale)
    choose_database(args.engine, args.pg_database)
    setup_django()
    started = time.perf_counter()
    prepare()
    end = args.end or default_end()
    start, end = span_of(end, args.years)
    record = RESULTS / f"national-generate-{args.key or args.engine}.json"
    offices, existing = bench_offices_with_data()
    if existing == tickets and not args.force:
        print(f"The bench offices already hold {existing:,} tickets: nothing to generate.")
        analyse()
        if needs_rollups() and not args.skip_rollups:
            _rebuild_and_record(record, {})
        return 0
    if has_dataset(offices) and not args.resume:
        if not (args.reset or args.force):
            sys.exit(
                f"The database holds {existing:,} bench tickets, not {tickets:,}: "
                "run with --reset to regenerate."
            )
        print("emptying the dataset …", flush=True)
        delete_dataset()
    offices = ensure_offices(args.offices)
    print(
        f"generating {tickets:,} tickets in {len(offices)} offices, {start} – {end} …", flush=True
    )
    generated = time.perf_counter()
    counts = generate(
        tickets=tickets,
        offices=offices,
        seed=args.seed,
        start=start,
        end=end,
        people=args.people,
        tail=args.tail,
        stdout=lambda line: print(line, flush=True),
    )
    generation = time.perf_counter() - generated
    print(
        f"generated in {generation:.1f} s: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()),
        flush=True,
    )
    analysed = time.perf_counter()
    analyse()
    print(f"ANALYZE {time.perf_counter() - analysed:.1f} s", flush=True)
    info = {
        "tickets": tickets,
        "offices": len(offices),
        "people": args.people,
        "tail": args.tail,
        "resumed": args.resume,
        "start": str(start),
        "end": str(end),
        "seed": args.seed,
        "generation_s": round(generation, 1),
        "rows": counts,
        "load_average_after_generation": os.getloadavg()[0],
    }
    RESULTS.mkdir(exist_ok=True)
    record.write_text(json.dumps(info, indent=2))
    if not args.skip_rollups:
        _rebuild_and_record(record, info)
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


def needs_rollups() -> bool:
    """A bench office holds tickets but no roll-ups (none built, or a rebuild stopped part-way)."""
    from satuatap.core.models import Organisation, OrganisationKind
    from satuatap.frontdesk.models import Ticket
    from satuatap.reports.models import RollupMonth

    offices = Organisation.objects.filter(
        kind=OrganisationKind.OFFICE, slug__startswith=BENCH_SLUG_PREFIX
    )
    return any(
        Ticket.objects.filter(office=office).exists()
        and not RollupMonth.objects.filter(office=office).exists()
        for office in offices
    )


def _rebuild_and_record(record: Path, info: dict) -> None:
    """`satuatap rebuild_rollups`, timed, its duration added to the generation record."""
    from django.core.management import call_command

    if not info and record.exists():
        info = json.loads(record.read_text())
    print("satuatap rebuild_rollups …", flush=True)
    rebuilt = time.perf_counter()
    call_command("rebuild_rollups", verbosity=0)
    seconds = time.perf_counter() - rebuilt
    print(f"rebuild_rollups {seconds:.1f} s", flush=True)
    analyse()
    info.update(rebuild_s=round(seconds, 1), load_average_after_rebuild=os.getloadavg()[0])
    RESULTS.mkdir(exist_ok=True)
    record.write_text(json.dumps(info, indent=2))


if __name__ == "__main__":
    raise SystemExit(main())
