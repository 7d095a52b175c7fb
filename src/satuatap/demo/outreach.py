"""Demo outreach for each pilot office: about twelve events over the past twelve months in the
villages where its demo people live, with counts by sex and age band, partners, a few named
participants and follow-ups; focal points in five villages; two village regulations (Perdes)
with a tiny real PDF each.

Written through the services as the office's outreach worker, so every rule holds. Idempotent:
an office that already has events gets no demo events again; focal points are keyed by village
and name, regulations by village and number. Everything comes from a fixed seed."""

from __future__ import annotations

import datetime
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from satuatap.core.models import Organisation, OrganisationKind, User
from satuatap.core.roles import Role
from satuatap.demo.files import tiny_pdf
from satuatap.outreach import services
from satuatap.outreach.models import (
    AgeBand,
    EventKind,
    OutreachEvent,
    Topic,
    VillageFocalPoint,
    VillageRegulation,
)
from satuatap.people.models import Person, Sex
from satuatap.regions.models import Region

EVENTS_PER_OFFICE = 12
EVENT_VILLAGES = 6
FOCAL_POINT_VILLAGES = 5

EVENT_TEMPLATES = [
    (
        EventKind.SOCIALISATION,
        "Sosialisasi migrasi aman",
        [Topic.SAFE_MIGRATION, Topic.DOCUMENTS, Topic.AGENCIES],
        "Leaflet migrasi aman; video KJRI; daftar P3MI berizin",
    ),
    (
        EventKind.SOCIALISATION,
        "Sosialisasi bahaya calo dan biaya penempatan",
        [Topic.FEES, Topic.TRAFFICKING, Topic.AGENCIES],
        "Poster 'Kenali calo'; kartu hotline MRC",
    ),
    (
        EventKind.TRAINING,
        "Pelatihan literasi keuangan keluarga PMI",
        [Topic.REMITTANCE, Topic.FAMILY],
        "Modul pengelolaan remitansi; buku catatan keuangan",
    ),
    (
        EventKind.COMMUNITY_MEETING,
        "Pertemuan komunitas purna PMI",
        [Topic.REINTEGRATION, Topic.SERVICES],
        "Daftar layanan LTSA dan MRC",
    ),
    (
        EventKind.SOCIALISATION,
        "Sosialisasi hak pekerja dan perlindungan dari kekerasan",
        [Topic.RIGHTS, Topic.GBV, Topic.SERVICES],
        "Leaflet hak PMI; nomor pengaduan WCC",
    ),
    (
        EventKind.COMMUNITY_MEETING,
        "Musyawarah desa perlindungan PMI",
        [Topic.SAFE_MIGRATION, Topic.SERVICES],
        "Draf Perdes perlindungan PMI",
    ),
]

FOCAL_POINT_NAMES = [
    ("Sumarni", "Sekretaris desa"),
    ("Karsudi", "Kepala dusun"),
    ("Tati Rohaeti", "Ketua kelompok purna PMI"),
    ("Hj. Aminah", "Kader PKK"),
    ("Darmaji", "Kaur kesejahteraan"),
]
FOCAL_POINT_PHONES = ["0812-2201-{:04d}", "0813-1402-{:04d}", "0857-3303-{:04d}"]

REGULATIONS = [
    ("3 Tahun 2021", "Perlindungan Pekerja Migran Indonesia dan Keluarganya"),
    ("5 Tahun 2023", "Pendataan dan Informasi Migrasi Kerja di Desa"),
]

# Weight of each age band among participants (outreach reaches mostly working-age adults).
BAND_WEIGHTS = {
    AgeBand.UNDER_18: 0.05,
    AgeBand.YOUNG: 0.3,
    AgeBand.ADULT: 0.4,
    AgeBand.MIDDLE: 0.2,
    AgeBand.OLDER: 0.03,
    AgeBand.NOT_RECORDED: 0.02,
}


def seed(stdout=None) -> None:
    for office in Organisation.objects.filter(kind=OrganisationKind.OFFICE).order_by("slug"):
        worker = (
            User.objects.filter(
                organisation=office, role_assignments__role=Role.OUTREACH_WORKER, is_active=True
            )
            .order_by("pk")
            .first()
        )
        if worker is None or office.region_id is None:
            continue
        _seed_office(office, worker)
    if stdout is not None:
        stdout.write(_("Demo outreach events, focal points and village regulations are loaded."))


def _villages(office: Organisation) -> list[Region]:
    """The office's villages where most of its demo people live (a fixed order)."""
    ranked = (
        Person.objects.filter(office=office, village__isnull=False)
        .values("village_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "village_id")[:EVENT_VILLAGES]
    )
    codes = [row["village_id"] for row in ranked]
    if len(codes) < EVENT_VILLAGES:
        codes += list(
            services.villages_of_office(office)
            .exclude(code__in=codes)
            .order_by("code")
            .values_list("code", flat=True)[: EVENT_VILLAGES - len(codes)]
        )
    regions = Region.objects.in_bulk(codes)
    return [regions[code] for code in codes if code in regions]


def _counts(rng: random.Random, total: int) -> list[tuple[str, str, int]]:
    cells: dict[tuple[str, str], int] = {}
    bands = list(BAND_WEIGHTS)
    weights = list(BAND_WEIGHTS.values())
    for _person in range(total):
        roll = rng.random()
        sex = Sex.FEMALE if roll < 0.68 else Sex.MALE if roll < 0.97 else Sex.NOT_RECORDED
        band = rng.choices(bands, weights)[0]
        cells[(sex, band)] = cells.get((sex, band), 0) + 1
    return [(sex, band, n) for (sex, band), n in sorted(cells.items())]


@transaction.atomic
def _seed_office(office: Organisation, worker: User) -> None:
    rng = random.Random(f"outreach-{office.slug}")  # noqa: S311 - demo data, not security
    today = office.today()
    villages = _villages(office)
    if not villages:
        return
    partners = list(office.partners.filter(kind=OrganisationKind.PARTNER).order_by("slug"))
    if not OutreachEvent.objects.filter(office=office).exists():
        _seed_events(office, worker, villages, partners, rng, today)
    _seed_focal_points(office, worker, villages, rng, today)
    _seed_regulations(office, worker, villages, today)


def _seed_events(office, worker, villages, partners, rng, today) -> None:
    for index in range(EVENTS_PER_OFFICE):
        kind, title, topics, materials = EVENT_TEMPLATES[index % len(EVENT_TEMPLATES)]
        village = villages[index % len(villages)]
        days_ago = 10 + index * 29 + rng.randint(0, 12)
        date = today - datetime.timedelta(days=min(days_ago, 360))
        residents = list(
            Person.objects.filter(
                office=office, village=village, merged_into__isnull=True, anonymised_at__isnull=True
            ).order_by("pk")
        )
        named = rng.sample(residents, k=min(len(residents), rng.randint(1, 3)))
        event = services.create_event(
            by=worker,
            office=office,
            village=village,
            date=date,
            kind=kind,
            title=f"{title} di Desa {village.name.title()}",
            topics=topics,
            partners=rng.sample(partners, k=min(len(partners), rng.randint(0, 2))),
            participants=named,
            materials=materials,
            counts=_counts(rng, rng.randint(18, 75)),
        )
        # The first named participant of every other event came to the office a few weeks later.
        if named and index % 2 == 0:
            came_on = min(today, date + datetime.timedelta(days=rng.randint(3, 40)))
            services.record_follow_up(
                event=event,
                person=named[0],
                came_on=came_on,
                note="Datang ke LTSA untuk konsultasi setelah sosialisasi",
                by=worker,
            )


def _seed_focal_points(office, worker, villages, rng, today) -> None:
    for index, village in enumerate(villages[:FOCAL_POINT_VILLAGES]):
        name, role = FOCAL_POINT_NAMES[index % len(FOCAL_POINT_NAMES)]
        if VillageFocalPoint.objects.filter(office=office, village=village, name=name).exists():
            continue
        phone = FOCAL_POINT_PHONES[index % len(FOCAL_POINT_PHONES)].format(rng.randint(1000, 9999))
        services.add_focal_point(
            by=worker,
            office=office,
            village=village,
            name=name,
            role=role,
            phone=phone,
            since=today - datetime.timedelta(days=rng.randint(200, 700)),
        )


def _seed_regulations(office, worker, villages, today) -> None:
    for index, (number, title) in enumerate(REGULATIONS):
        village = villages[index % len(villages)]
        if VillageRegulation.objects.filter(village=village, number=number).exists():
            continue
        year = int(number.rsplit(" ", 1)[-1])
        enacted = min(today, datetime.date(year, 6, 1 + index * 10))
        data = tiny_pdf(
            f"PERATURAN DESA {village.name.upper()}",
            f"NOMOR {number.upper()}",
            f"TENTANG {title.upper()}",
            "(dokumen contoh SatuAtap)",
        )
        services.upload_regulation(
            by=worker,
            office=office,
            village=village,
            number=number,
            date=enacted,
            title=title,
            file=SimpleUploadedFile("perdes.pdf", data, content_type="application/pdf"),
        )
