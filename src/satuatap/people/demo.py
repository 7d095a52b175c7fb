"""Demo people for each pilot office, with valid NIKs for their regency. Idempotent."""

from __future__ import annotations

import datetime
import random

from django.db import transaction

from satuatap.core.models import Organisation, OrganisationKind
from satuatap.people.models import Person, Sex
from satuatap.regions.models import Region, RegionLevel

WOMEN = [
    "Siti",
    "Sri",
    "Nur",
    "Dewi",
    "Lestari",
    "Wulan",
    "Kartini",
    "Yuli",
    "Ani",
    "Rohmah",
    "Eni",
    "Tuti",
    "Sulastri",
    "Nurhaliza",
    "Fatimah",
    "Khadijah",
    "Endang",
    "Suryani",
]
MEN = [
    "Muhammad",
    "Agus",
    "Budi",
    "Slamet",
    "Joko",
    "Rizky",
    "Ahmad",
    "Eko",
    "Bayu",
    "Dedi",
    "Hendra",
    "Imam",
    "Wahyu",
    "Yusuf",
]
FAMILY = [
    "Rahayu",
    "Wati",
    "Lestari",
    "Santoso",
    "Hidayat",
    "Saputra",
    "Purnama",
    "Susanti",
    "Handayani",
    "Setiawati",
    "Kurniasih",
    "Maulana",
    "Fauzi",
    "Ningsih",
    "Aminah",
    "",
]

PEOPLE_PER_OFFICE = 24
# A fixed date, so that seeding on another day creates the same people.
REFERENCE_DATE = datetime.date(2026, 7, 1)


def make_nik(district: Region, birth_date: datetime.date, sex: str, serial: int) -> str:
    day = birth_date.day + (40 if sex == Sex.FEMALE else 0)
    return f"{district.digits}{day:02d}{birth_date:%m%y}{serial:04d}"


@transaction.atomic
def seed(stdout=None) -> None:
    today = REFERENCE_DATE
    for office in Organisation.objects.filter(kind=OrganisationKind.OFFICE).order_by("slug"):
        rng = random.Random(f"people-{office.slug}")  # noqa: S311 - demo data, not security
        villages = list(
            Region.objects.filter(
                level=RegionLevel.VILLAGE, code__startswith=office.region_id + "."
            )
            .select_related("parent")
            .order_by("code")
        )
        for index in range(PEOPLE_PER_OFFICE):
            sex = Sex.FEMALE if rng.random() < 0.67 else Sex.MALE
            given = rng.choice(WOMEN if sex == Sex.FEMALE else MEN)
            full_name = " ".join(p for p in (given, rng.choice(FAMILY)) if p)
            age = 12 if index == 0 else rng.randint(19, 45)
            birth_date = today.replace(year=today.year - age, day=1) - datetime.timedelta(
                days=rng.randint(1, 300)
            )
            village = rng.choice(villages)
            nik = make_nik(village.parent, birth_date, sex, serial=index + 1)
            Person.objects.get_or_create(
                nik=nik,
                defaults={
                    "office": office,
                    "full_name": full_name,
                    "sex": sex,
                    "birth_date": birth_date,
                    "village": village,
                    "birth_place": village.parent.name.title(),
                },
            )
