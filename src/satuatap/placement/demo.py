"""Demo agencies (one with an expired licence, one suspended) and job orders for each pilot
office. Idempotent: agencies are keyed by licence number, job orders by permit number."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from satuatap.core.models import Organisation, OrganisationKind
from satuatap.people.models import Sector
from satuatap.placement.models import Agency, AgencyStatus, JobOrder, Scheme

# licence number, name, status, licence starts (days from today), lasts (days), branches
AGENCIES = [
    (
        "SIP3MI/0012/2024",
        "PT Bina Karya Mandiri",
        AgencyStatus.ACTIVE,
        -400,
        1500,
        "Cirebon\nIndramayu",
    ),
    (
        "SIP3MI/0047/2023",
        "PT Citra Tenaga Asia",
        AgencyStatus.ACTIVE,
        -700,
        1800,
        "Tulungagung\nBlitar",
    ),
    ("SIP3MI/0103/2025", "PT Sinar Harapan Jaya", AgencyStatus.ACTIVE, -200, 1600, "Lampung Timur"),
    ("SIP3MI/0008/2019", "PT Lama Sentosa", AgencyStatus.ACTIVE, -1900, 1825, "Cirebon"),
    ("SIP3MI/0066/2022", "PT Duta Prima Sejahtera", AgencyStatus.SUSPENDED, -900, 1800, "Blitar"),
]
EXPIRED, SUSPENDED = "SIP3MI/0008/2019", "SIP3MI/0066/2022"

# key, agency licence (or None), scheme, country, employer, sector, occupation, women, men,
# salary, currency, worker fee (Rp), contract months, closes in (days), published
JOB_ORDERS = [
    (
        "HK",
        "SIP3MI/0012/2024",
        Scheme.P3MI,
        "HK",
        "Household employer via Kowloon Agency Ltd",
        Sector.DOMESTIC,
        "Domestic worker",
        40,
        0,
        "4990.00",
        "HKD",
        0,
        24,
        30,
        True,
    ),
    (
        "TW",
        "SIP3MI/0047/2023",
        Scheme.P3MI,
        "TW",
        "Changhua Care Home",
        Sector.CAREGIVING,
        "Caregiver",
        25,
        5,
        "28590.00",
        "TWD",
        0,
        36,
        45,
        True,
    ),
    (
        "MY",
        "SIP3MI/0103/2025",
        Scheme.P3MI,
        "MY",
        "Sabah Palm Estates Sdn Bhd",
        Sector.PLANTATION,
        "Plantation worker",
        10,
        60,
        "1700.00",
        "MYR",
        0,
        24,
        20,
        True,
    ),
    (
        "SG",
        "SIP3MI/0012/2024",
        Scheme.P3MI,
        "SG",
        "Household employer via Orchard Maids Pte Ltd",
        Sector.DOMESTIC,
        "Domestic worker",
        30,
        0,
        "750.00",
        "SGD",
        0,
        24,
        25,
        True,
    ),
    (
        "JP",
        None,
        Scheme.GOVERNMENT,
        "JP",
        "Japanese care facilities (IJEPA)",
        Sector.CAREGIVING,
        "Care worker candidate (kaigofukushishi)",
        20,
        10,
        "180000.00",
        "JPY",
        0,
        36,
        60,
        True,
    ),
    (
        "KR",
        None,
        Scheme.GOVERNMENT,
        "KR",
        "EPS employers (manufacturing)",
        Sector.MANUFACTURING,
        "Factory worker (EPS)",
        5,
        45,
        "2060740.00",
        "KRW",
        0,
        36,
        40,
        True,
    ),
    (
        "SA",
        "SIP3MI/0066/2022",
        Scheme.P3MI,
        "SA",
        "Riyadh Hospitality Group",
        Sector.HOSPITALITY,
        "Hotel housekeeping",
        15,
        15,
        "1500.00",
        "SAR",
        0,
        24,
        35,
        False,
    ),
    (
        "MY-OLD",
        "SIP3MI/0008/2019",
        Scheme.P3MI,
        "MY",
        "Johor Electronics Sdn Bhd",
        Sector.MANUFACTURING,
        "Production operator",
        20,
        20,
        "1500.00",
        "MYR",
        0,
        24,
        -10,
        False,
    ),
]


def seed(stdout=None) -> None:
    today = timezone.localdate()
    agencies = {}
    with transaction.atomic():
        for number, name, status, starts, lasts, branches in AGENCIES:
            valid_from = today + datetime.timedelta(days=starts)
            agencies[number], _ = Agency.objects.get_or_create(
                licence_number=number,
                defaults={
                    "name": name,
                    "status": status,
                    "licence_valid_from": valid_from,
                    "licence_valid_until": valid_from + datetime.timedelta(days=lasts),
                    "branches": branches,
                    "phone": "021-5550" + number[7:10],
                    "contact_person": "Bagian Penempatan",
                },
            )
    offices = Organisation.objects.filter(kind=OrganisationKind.OFFICE).order_by("slug")
    for office in offices:
        _seed_office(office, agencies)
    if stdout is not None:
        stdout.write(
            f"Placement: {len(agencies)} agencies, job orders for {offices.count()} offices."
        )


@transaction.atomic
def _seed_office(office: Organisation, agencies: dict[str, Agency]) -> None:
    today = office.today()
    for row in JOB_ORDERS:
        (
            key,
            licence,
            scheme,
            country,
            employer,
            sector,
            occupation,
            women,
            men,
            salary,
            currency,
            fee,
            months,
            closes_in,
            published,
        ) = row
        JobOrder.objects.get_or_create(
            permit_number=f"SIP2MI/{office.slug.upper()}/{key}",
            defaults={
                "office": office,
                "agency": agencies[licence] if licence else None,
                "scheme": scheme,
                "permit_valid_from": today - datetime.timedelta(days=30),
                "permit_valid_until": today + datetime.timedelta(days=180),
                "country": country,
                "employer": employer,
                "sector": sector,
                "occupation": occupation,
                "quota_women": women,
                "quota_men": men,
                "salary_amount": Decimal(salary),
                "salary_currency": currency,
                "worker_fee_idr": fee,
                "contract_months": months,
                "closing_date": today + datetime.timedelta(days=closes_in),
                "is_published": published,
            },
        )
