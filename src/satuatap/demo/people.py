"""Demo people for each pilot office: valid NIKs for the regency, families, migration
timelines across the main destinations, about two thirds women. Idempotent: people are keyed
by NIK (derived from a fixed seed and a fixed reference date). About half of them registered
during the demo's year of front-desk activity, the others earlier (records the office brought
along); departures gather before the fasting month, as they do."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.db import transaction

from satuatap.core.models import Organisation, OrganisationKind
from satuatap.demo import frontdesk as frontdesk_demo
from satuatap.people.models import (
    Education,
    FamilyLink,
    MaritalStatus,
    MigrationStatus,
    Person,
    Phone,
    Relation,
    Sector,
    Sex,
    StatusEvent,
)
from satuatap.people.names import name_key
from satuatap.people.nik import make_nik
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
    "Wartini",
    "Rasinah",
    "Darsih",
    "Tarsini",
    "Kasmini",
    "Umi",
    "Yeni",
    "Rina",
    "Indah",
    "Puji",
    "Ratna",
    "Eka",
    "Novi",
    "Dwi",
    "Titin",
    "Lilis",
    "Iis",
    "Euis",
    "Neneng",
    "Imas",
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
    "Sutrisno",
    "Darto",
    "Carmo",
    "Warsono",
    "Asep",
    "Ujang",
    "Dadang",
    "Sugeng",
    "Teguh",
    "Andi",
]
SECOND = [
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
    "Nurjanah",
    "Wahyuni",
    "Rahmawati",
    "Sari",
    "Utami",
    "Prasetyo",
    "Firmansyah",
    "",
    "",
    "",
]
DESTINATIONS = [
    # country, weight, usual sectors, common employer names
    ("HK", 30, [Sector.DOMESTIC, Sector.CAREGIVING], ["Chan", "Wong", "Leung", "Lau"]),
    (
        "TW",
        26,
        [Sector.CAREGIVING, Sector.MANUFACTURING, Sector.FISHING],
        ["Lin", "Chen", "Formosa Plastics"],
    ),
    (
        "MY",
        16,
        [Sector.PLANTATION, Sector.MANUFACTURING, Sector.CONSTRUCTION],
        ["FGV Holdings", "Sime Darby", "Top Glove"],
    ),
    ("SG", 8, [Sector.DOMESTIC, Sector.CAREGIVING], ["Tan", "Lim", "Goh"]),
    ("JP", 8, [Sector.CAREGIVING, Sector.MANUFACTURING], ["Sato Kaigo", "Tanaka Seiki"]),
    ("KR", 6, [Sector.MANUFACTURING, Sector.FISHING], ["Daewon", "Hanil Fisheries"]),
    ("SA", 6, [Sector.DOMESTIC], ["Al-Harbi", "Al-Qahtani"]),
]
PEOPLE_PER_OFFICE = 300
# A fixed date, so that seeding on another day creates the same people.
REFERENCE_DATE = datetime.date(2026, 7, 1)


def _name(rng: random.Random, sex: str) -> str:
    given = rng.choice(WOMEN if sex == Sex.FEMALE else MEN)
    if sex == Sex.FEMALE and rng.random() < 0.06:
        given = "Hj. " + given
    return " ".join(p for p in (given, rng.choice(SECOND)) if p)


def _birth_date(rng: random.Random, min_age: int, max_age: int) -> datetime.date:
    age_days = rng.randint(min_age * 365 + 10, max_age * 365 - 10)
    return REFERENCE_DATE - datetime.timedelta(days=age_days)


def _registered_on(rng: random.Random, today: datetime.date) -> datetime.date:
    """A working day: within the demo's year for about half of the people, earlier for the
    others."""
    if rng.random() < 0.5:
        day = today - datetime.timedelta(days=rng.randint(1, 390))
    else:
        day = today - datetime.timedelta(days=rng.randint(400, 2400))
    while frontdesk_demo.is_closed(day):
        day -= datetime.timedelta(days=1)
    return day


def _before_ramadan(rng: random.Random, day: datetime.date) -> datetime.date:
    """Most who would leave during the fasting month leave in the weeks before it."""
    ramadan = frontdesk_demo.RAMADAN.get(day.year)
    if ramadan is not None and ramadan[0] <= day <= ramadan[1] and rng.random() < 0.8:
        return ramadan[0] - datetime.timedelta(days=rng.randint(1, 35))
    return day


def _timeline(
    rng: random.Random, person: Person, registered: datetime.date, today: datetime.date
) -> list[StatusEvent]:
    events = [
        StatusEvent(person=person, status=MigrationStatus.PROSPECTIVE, effective_date=registered)
    ]
    roll = rng.random()
    if roll < 0.3:
        return events
    country, _weight, sectors, employers = rng.choices(
        DESTINATIONS, weights=[d[1] for d in DESTINATIONS]
    )[0]
    departed = _before_ramadan(rng, registered + datetime.timedelta(days=rng.randint(60, 200)))
    if departed >= today or departed <= registered:
        return events
    events.append(
        StatusEvent(
            person=person,
            status=MigrationStatus.ABROAD,
            effective_date=departed,
            country=country,
            sector=rng.choice(sectors),
            employer=rng.choice(employers),
        )
    )
    returned = departed + datetime.timedelta(days=rng.randint(300, 1100))
    if roll > 0.65 and returned < today:
        events.append(
            StatusEvent(person=person, status=MigrationStatus.RETURNED, effective_date=returned)
        )
    return events


@transaction.atomic
def seed(stdout=None) -> None:
    for office in Organisation.objects.filter(kind=OrganisationKind.OFFICE).order_by("slug"):
        _seed_office(office)


def _seed_office(office: Organisation) -> None:
    rng = random.Random(f"people-{office.slug}")  # noqa: S311 - demo data, not security
    if office.region_id is None:
        return
    villages = list(
        Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=office.region_id + ".")
        .select_related("parent")
        .order_by("code")
    )
    if not villages:
        return
    serial = 0
    workers: list[dict[str, Any]] = []
    for _ in range(PEOPLE_PER_OFFICE):
        serial += 1
        sex = Sex.FEMALE if rng.random() < 0.67 else Sex.MALE
        village = rng.choice(villages)
        district = village.parent
        if district is None:  # a village always lies in a district
            continue
        birth_date = _birth_date(rng, 19, 45)
        married = rng.random() < 0.55
        workers.append(
            dict(
                nik=make_nik(district.code, birth_date, sex, serial),
                full_name=_name(rng, sex),
                sex=sex,
                birth_date=birth_date,
                village=village,
                birth_place=district.name.title(),
                marital_status=MaritalStatus.MARRIED if married else MaritalStatus.SINGLE,
                education=rng.choice([Education.SD, Education.SMP, Education.SMP, Education.SMA]),
                phone=f"+628{rng.randint(11, 59)}{rng.randint(10_000_000, 99_999_999)}",
                married=married,
            )
        )
    existing = set(
        Person.objects.filter(nik__in=[w["nik"] for w in workers]).values_list("nik", flat=True)
    )
    today = office.today()
    for worker in workers:
        family_rng = random.Random(worker["nik"])  # noqa: S311 - demo data
        if worker["nik"] in existing:
            continue
        registered = _registered_on(family_rng, today)
        worker["created_at"] = datetime.datetime.combine(
            registered, datetime.time(8), tzinfo=office.zone
        ) + datetime.timedelta(minutes=family_rng.randint(0, 390))
        person = _create(office, worker)
        Phone.objects.create(person=person, number=worker["phone"])
        StatusEvent.objects.bulk_create(_timeline(family_rng, person, registered, today))
        if worker["married"] and family_rng.random() < 0.35:
            _add_family(office, family_rng, person, worker)


def _create(office: Organisation, data: dict) -> Person:
    with frontdesk_demo.given_times(Person._meta.get_field("created_at")):
        return _create_person(office, data)


def _create_person(office: Organisation, data: dict) -> Person:
    return Person.objects.create(
        created_at=data["created_at"],
        office=office,
        nik=data.get("nik"),
        full_name=data["full_name"],
        name_key=name_key(data["full_name"]),
        sex=data["sex"],
        birth_date=data["birth_date"],
        birth_place=data.get("birth_place", ""),
        village=data["village"],
        marital_status=data.get("marital_status", ""),
        education=data.get("education", ""),
        nik_missing_reason=data.get("nik_missing_reason", ""),
    )


def _add_family(office, rng: random.Random, person: Person, worker: dict) -> None:
    """A spouse left at home and a child, linked to the worker."""
    spouse_sex = Sex.MALE if person.sex == Sex.FEMALE else Sex.FEMALE
    spouse_birth = _birth_date(rng, 22, 50)
    spouse = _create(
        office,
        dict(
            nik=make_nik(
                worker["village"].parent.code,
                spouse_birth,
                spouse_sex,
                5000 + int(worker["nik"][-4:]),
            ),
            full_name=_name(rng, spouse_sex),
            sex=spouse_sex,
            birth_date=spouse_birth,
            village=worker["village"],
            marital_status=MaritalStatus.MARRIED,
            created_at=worker["created_at"],
        ),
    )
    FamilyLink.objects.create(person=person, relative=spouse, relation=Relation.SPOUSE)
    child_sex = rng.choice([Sex.FEMALE, Sex.MALE])
    child = _create(
        office,
        dict(
            nik=None,
            full_name=_name(rng, child_sex),
            sex=child_sex,
            birth_date=_birth_date(rng, 3, 15),
            village=worker["village"],
            nik_missing_reason="Belum tercatat di KK",
            created_at=worker["created_at"],
        ),
    )
    FamilyLink.objects.create(person=person, relative=child, relation=Relation.CHILD)
