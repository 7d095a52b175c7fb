"""Demo agencies (one with an expired licence, one suspended), job orders and placement files for
each pilot office, and two concerns offices raised about agencies (one open, one acknowledged
by `national.placement`).

Idempotent: agencies are keyed by licence number, job orders by permit number, and an office
that already has placement files gets no demo files again. Each office gets a placement file at
every stage (see `SCENARIOS`), with its stage history on plausible past dates, the documents its
checklist needs (tiny real PDFs in the private storage) and, once departed or returned, the
matching steps on the person's migration timeline; some files show on purpose what the checklist,
the readiness gate and the fraud signals catch."""

from __future__ import annotations

import datetime
import hashlib
import random
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, Min, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.core.models import Organisation, OrganisationKind, User
from satuatap.core.roles import Role
from satuatap.demo import training
from satuatap.demo.files import tiny_pdf
from satuatap.people.models import (
    MigrationStatus,
    Person,
    PersonDocument,
    Sector,
    Sex,
    StatusEvent,
    VerificationStatus,
)
from satuatap.placement import services
from satuatap.placement.files import timeline as file_timeline
from satuatap.placement.files.checklist import PASSPORT_CODE, FileFacts, required_document_types
from satuatap.placement.files.models import (
    PREPARATION_STAGES,
    ChecklistRule,
    PlacementFile,
    ReturnReason,
    Stage,
    StageChange,
)
from satuatap.placement.models import (
    Agency,
    AgencyConcern,
    AgencyStatus,
    ConcernKind,
    ConcernStatus,
    JobOrder,
    Scheme,
)

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

# office, the role raising it, agency licence, kind, text, status the ministry left it in.
# The texts say what an office saw without naming any worker, as the form asks.
CONCERNS = [
    (
        "cirebon",
        Role.PLACEMENT_OFFICER,
        EXPIRED,
        ConcernKind.RECRUITING,
        "Petugas lapangan PT Lama Sentosa masih mendata calon PMI di dua desa Kecamatan "
        "Gegesik pada bulan ini, padahal izin SIP3MI-nya sudah berakhir.",
        ConcernStatus.OPEN,
    ),
    (
        "blitar",
        Role.COUNSELLOR,
        "SIP3MI/0047/2023",
        ConcernKind.FEES,
        "Tiga pengaduan ke MRC bulan ini menyebut biaya pelatihan Rp 12 juta yang ditagih "
        "kantor cabang Blitar sebelum keberangkatan ke Taiwan.",
        ConcernStatus.ACKNOWLEDGED,
    ),
]

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


# Job orders of earlier years, for the files of workers who already came back.
# key, agency licence, scheme, country, employer, sector, occupation, women, men, salary,
# currency, worker fee (Rp), contract months, permit starts (days from today)
PAST_JOB_ORDERS = [
    (
        "TW-2023",
        "SIP3MI/0008/2019",
        Scheme.P3MI,
        "TW",
        "Taichung Elderly Care Centre",
        Sector.CAREGIVING,
        "Caregiver",
        20,
        0,
        "20000.00",
        "TWD",
        0,
        24,
        -920,
    ),
    (
        "HK-2025",
        "SIP3MI/0047/2023",
        Scheme.P3MI,
        "HK",
        "Household employer via Tsuen Wan Employment Agency",
        Sector.DOMESTIC,
        "Domestic worker",
        30,
        0,
        "4870.00",
        "HKD",
        0,
        24,
        -560,
    ),
    (
        "MY-2025",
        "SIP3MI/0047/2023",
        Scheme.P3MI,
        "MY",
        "Penang Glove Industries Sdn Bhd",
        Sector.MANUFACTURING,
        "Production operator",
        10,
        30,
        "1500.00",
        "MYR",
        0,
        24,
        -500,
    ),
]
PAST_PERMIT_DAYS = 365

# The job titles above are the English ones; the Indonesian title each job order shows to
# Indonesian readers (the board falls back to it for English readers when none is given).
JOB_TITLES_ID = {
    "Domestic worker": "Pekerja rumah tangga",
    "Caregiver": "Pengasuh lansia (caregiver)",
    "Plantation worker": "Pekerja perkebunan",
    "Care worker candidate (kaigofukushishi)": "Kandidat perawat lansia (kaigofukushishi)",
    "Factory worker (EPS)": "Pekerja pabrik (EPS)",
    "Hotel housekeeping": "Petugas tata graha hotel",
    "Production operator": "Operator produksi",
}


def seed(stdout=None) -> None:
    today = timezone.localdate()
    agencies = {}
    with transaction.atomic():
        for number, name, status, starts, lasts, branches in AGENCIES:
            valid_from = today + datetime.timedelta(days=starts)
            agencies[number], _created = Agency.objects.get_or_create(
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
    created = 0
    for office in offices:
        with transaction.atomic():
            job_orders = _seed_office(office, agencies)
            created += _seed_files(office, job_orders)
    if stdout is not None:
        stdout.write(
            _(
                "Placement: %(agencies)s agencies, job orders for %(offices)s offices, "
                "%(files)s placement files."
            )
            % {"agencies": len(agencies), "offices": offices.count(), "files": created}
        )
    _seed_concerns(agencies)
    # The training demo enrols the open files made above, so it runs last.
    training.seed(stdout)


@transaction.atomic
def _seed_concerns(agencies: dict[str, Agency]) -> None:
    """The demo concerns, through the services, once (skipped without the demo's users)."""
    ministry = (
        User.objects.filter(
            role_assignments__role=Role.NATIONAL_PLACEMENT,
            organisation__kind=OrganisationKind.MINISTRY,
            is_active=True,
        )
        .order_by("pk")
        .first()
    )
    for office_slug, role, licence, kind, text, status in CONCERNS:
        office = Organisation.objects.filter(slug=office_slug).first()
        by = (
            User.objects.filter(organisation=office, role_assignments__role=role, is_active=True)
            .order_by("pk")
            .first()
        )
        agency = agencies[licence]
        if by is None or AgencyConcern.objects.filter(agency=agency, office=office).exists():
            continue
        concern = services.raise_concern(agency=agency, by=by, kind=kind, text=text)
        if status == ConcernStatus.ACKNOWLEDGED and ministry is not None:
            services.review_concern(concern=concern, by=ministry, status=status)


def _seed_office(office: Organisation, agencies: dict[str, Agency]) -> dict[str, JobOrder]:
    today = office.today()
    job_orders = {}
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
        job_orders[key], _created = JobOrder.objects.get_or_create(
            permit_number=f"SIP2MI/{office.slug.upper()}/{key}",
            defaults={
                "office": office,
                "agency": agencies[licence] if licence else None,
                "scheme": scheme,
                "permit_valid_from": today - datetime.timedelta(days=200),
                "permit_valid_until": today + datetime.timedelta(days=180),
                "country": country,
                "employer": employer,
                "sector": sector,
                "occupation": JOB_TITLES_ID[occupation],
                "occupation_en": occupation,
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
    for past_row in PAST_JOB_ORDERS:
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
            starts,
        ) = past_row
        valid_from = today + datetime.timedelta(days=starts)
        job_orders[key], _created = JobOrder.objects.get_or_create(
            permit_number=f"SIP2MI/{office.slug.upper()}/{key}",
            defaults={
                "office": office,
                "agency": agencies[licence],
                "scheme": scheme,
                "permit_valid_from": valid_from,
                "permit_valid_until": valid_from + datetime.timedelta(days=PAST_PERMIT_DAYS),
                "country": country,
                "employer": employer,
                "sector": sector,
                "occupation": JOB_TITLES_ID[occupation],
                "occupation_en": occupation,
                "quota_women": women,
                "quota_men": men,
                "salary_amount": Decimal(salary),
                "salary_currency": currency,
                "worker_fee_idr": fee,
                "contract_months": months,
                "closing_date": valid_from + datetime.timedelta(days=PAST_PERMIT_DAYS - 60),
                "is_published": False,
            },
        )
    return job_orders


# --- Placement files --------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """One demo file: where it is, since how many days, and what is special about it."""

    key: str
    job_order: str | None
    sex: str
    stage: str
    days: int
    special: str = ""
    return_reason: str = ""
    days_abroad: int = 0


SCENARIOS = [
    Scenario("registration", "HK", Sex.FEMALE, Stage.REGISTRATION, 2),
    Scenario("selection", "TW", Sex.FEMALE, Stage.SELECTION, 6),
    Scenario("medical", "SG", Sex.FEMALE, Stage.MEDICAL, 4, special="rejected_document"),
    Scenario("training", "JP", Sex.FEMALE, Stage.TRAINING, 12),
    Scenario("agreement", "HK", Sex.FEMALE, Stage.AGREEMENT, 5, special="fee_above_job_order"),
    Scenario("passport", "MY", Sex.MALE, Stage.PASSPORT, 9),
    Scenario(
        "visa-contract",
        "TW",
        Sex.FEMALE,
        Stage.VISA_CONTRACT,
        7,
        special="passport_before_contract_end",
    ),
    Scenario("bpjs", "KR", Sex.MALE, Stage.BPJS, 3),
    Scenario("opp", "SG", Sex.FEMALE, Stage.OPP, 2, special="expired_health_letter"),
    Scenario("opp-complete", "JP", Sex.MALE, Stage.OPP, 1),
    Scenario("ready", "HK", Sex.FEMALE, Stage.READY, 4),
    Scenario("ready-korea", "KR", Sex.MALE, Stage.READY, 2),
    Scenario("departed", "HK", Sex.FEMALE, Stage.DEPARTED, 25),
    Scenario("departed-taiwan", "TW", Sex.FEMALE, Stage.DEPARTED, 40),
    Scenario(
        "returned",
        "TW-2023",
        Sex.FEMALE,
        Stage.RETURNED,
        55,
        return_reason=ReturnReason.CONTRACT_FINISHED,
        days_abroad=730,
    ),
    Scenario(
        "returned-problem",
        "HK-2025",
        Sex.FEMALE,
        Stage.RETURNED,
        90,
        special="mrc_case",
        return_reason=ReturnReason.PROBLEM,
        days_abroad=330,
    ),
    Scenario(
        "returned-sick",
        "MY-2025",
        Sex.MALE,
        Stage.RETURNED,
        150,
        return_reason=ReturnReason.SICK,
        days_abroad=200,
    ),
    Scenario("cancelled", "SG", Sex.FEMALE, Stage.CANCELLED, 20),
    Scenario("stuck", "MY", Sex.MALE, Stage.MEDICAL, 60),
    Scenario("expired-licence", "MY-OLD", Sex.MALE, Stage.SELECTION, 14),
    Scenario(
        "passport-without-job-order",
        None,
        Sex.FEMALE,
        Stage.REGISTRATION,
        10,
        special="passport_without_job_order",
    ),
]

# The stage at which each document is usually brought in (the others at registration).
DOCUMENT_STAGES = {
    "surat-kesehatan": Stage.MEDICAL,
    "sertifikat-kompetensi": Stage.TRAINING,
    "sertifikat-bahasa": Stage.TRAINING,
    "buku-pelaut": Stage.TRAINING,
    "perjanjian-penempatan": Stage.AGREEMENT,
    "paspor": Stage.PASSPORT,
    "skck": Stage.PASSPORT,
    "visa-kerja": Stage.VISA_CONTRACT,
    "perjanjian-kerja": Stage.VISA_CONTRACT,
    "kartu-bpjs": Stage.BPJS,
    "sertifikat-opp": Stage.OPP,
}
PASSPORT_YEARS = 10
CANCEL_REASON = "Tidak lulus pemeriksaan kesehatan (unfit); calon PMI mengundurkan diri."
REJECTION_REASON = "Pindaian buram dan terpotong; unggah ulang ijazah asli."
PASSPORT_WITHOUT_JOB_ORDER = ("SA", Sector.DOMESTIC, "Pekerja rumah tangga (tawaran sponsor)")
FEE_CHARGED_IDR = 25_000_000
# Contacts abroad of departed workers, per destination: (employer's address, employer's phone,
# contacts).
ABROAD = {
    "HK": (
        "Flat 12B, Block 3, Laguna City, Kwun Tong, Kowloon",
        "+852 2345 6789",
        "Agensi: Kowloon Agency Ltd, +852 2388 1020\n"
        "KJRI Hong Kong (Citizen Service): +852 3651 0200\n"
        "Teman sesama PMI: Sri, +852 6123 4567",
    ),
    "TW": (
        "No. 88, Zhongshan Rd., Changhua City",
        "+886 4 723 1234",
        "Agensi: Changhua Manpower Co., +886 4 726 5500\n"
        "KDEI Taipei: +886 2 8752 6170\n"
        "Hotline 1955 (Kementerian Tenaga Kerja Taiwan)",
    ),
    "MY": (
        "Lot 21, Jalan Perusahaan, Prai, Pulau Pinang",
        "+60 4 390 1234",
        "KJRI Penang: +60 4 227 4686\nWakil agensi: Pak Rahman, +60 12 555 0101",
    ),
}


def _history(
    scenario: Scenario, today: datetime.date, rng: random.Random
) -> list[tuple[str, datetime.date]]:
    """The stages the file went through, with the day it entered each, oldest first."""
    day = datetime.timedelta(days=1)
    end = today - scenario.days * day
    if scenario.stage == Stage.RETURNED:
        departure = end - scenario.days_abroad * day
        tail = [
            (Stage.READY, departure - 5 * day),
            (Stage.DEPARTED, departure),
            (Stage.RETURNED, end),
        ]
        preparation = list(PREPARATION_STAGES)
    elif scenario.stage == Stage.DEPARTED:
        tail = [(Stage.READY, end - 3 * day), (Stage.DEPARTED, end)]
        preparation = list(PREPARATION_STAGES)
    elif scenario.stage == Stage.READY:
        tail = [(Stage.READY, end)]
        preparation = list(PREPARATION_STAGES)
    elif scenario.stage == Stage.CANCELLED:
        tail = [(Stage.CANCELLED, end)]
        preparation = list(PREPARATION_STAGES[:3])
    else:
        tail = []
        preparation = list(PREPARATION_STAGES[: PREPARATION_STAGES.index(scenario.stage) + 1])
    cursor = tail[0][1] - rng.randint(3, 8) * day if tail else end
    steps = []
    for stage in reversed(preparation):
        steps.append((stage, cursor))
        cursor -= rng.randint(6, 14) * day
    return [*reversed(steps), *tail]


def _candidates(office: Organisation) -> list[tuple[Person, datetime.date]]:
    """Demo workers of the office still only prospective on their timeline, with no file, each
    with the day they became prospective."""
    moved = StatusEvent.objects.filter(
        person=OuterRef("pk"), status__in=[MigrationStatus.ABROAD, MigrationStatus.RETURNED]
    )
    people = (
        Person.objects.filter(
            office=office,
            nik__isnull=False,
            birth_date__isnull=False,
            merged_into__isnull=True,
            anonymised_at__isnull=True,
            placement_files__isnull=True,
            status_events__status=MigrationStatus.PROSPECTIVE,
        )
        .exclude(Exists(moved))
        .annotate(prospective_since=Min("status_events__effective_date"))
        .order_by("pk")
    )
    return [(person, person.prospective_since) for person in people]


def _pick(
    candidates: list[tuple[Person, datetime.date]], sex: str, registered: datetime.date
) -> Person | None:
    for candidate in candidates:
        person, prospective_since = candidate
        age = person.age_on(registered)
        if (
            person.sex == sex
            and prospective_since <= registered
            and age is not None
            and 21 <= age <= 40
        ):
            candidates.remove(candidate)
            return person
    return None


def _office_users(office: Organisation) -> tuple[User | None, dict[str, User]]:
    """The office's demo placement officer, and its desk officers by desk type."""
    users = User.objects.filter(organisation=office).select_related("desk__desk_type")
    placement = users.filter(role_assignments__role=Role.PLACEMENT_OFFICER).order_by("pk").first()
    verifiers = {
        user.desk.desk_type.code: user
        for user in users.filter(role_assignments__role=Role.DESK_OFFICER, desk__isnull=False)
    }
    return placement, verifiers


def _seed_files(office: Organisation, job_orders: dict[str, JobOrder]) -> int:
    if PlacementFile.objects.filter(office=office).exists():
        return 0
    today = office.today()
    rng = random.Random(f"placement-{office.slug}")  # noqa: S311 - demo data, not security
    candidates = _candidates(office)
    officer, verifiers = _office_users(office)
    rules = list(ChecklistRule.objects.filter(is_active=True).select_related("document_type"))
    changes: list[StageChange] = []
    documents: list[PersonDocument] = []
    events: list[StatusEvent] = []
    opened: dict[int, datetime.date] = {}
    for scenario in SCENARIOS:
        history = _history(scenario, today, rng)
        person = _pick(candidates, scenario.sex, history[0][1])
        if person is None:
            continue
        placement_file = _file(office, scenario, person, job_orders, history, officer)
        opened[placement_file.pk] = history[0][1]
        previous = ""
        for stage, day in history:
            note = placement_file.cancel_reason if stage == Stage.CANCELLED else ""
            changes.append(
                StageChange(
                    file=placement_file,
                    from_stage=previous,
                    to_stage=stage,
                    effective_date=day,
                    note=note,
                    changed_by=officer,
                )
            )
            previous = stage
        documents.extend(
            _documents(placement_file, scenario, history, rules, today, officer, verifiers)
        )
        events.extend(_timeline(placement_file, officer))
    StageChange.objects.bulk_create(changes)
    PersonDocument.objects.bulk_create(documents)
    StatusEvent.objects.bulk_create(events)
    zone = office.zone
    for pk, day in opened.items():
        opened_at = datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=zone)
        PlacementFile.objects.filter(pk=pk).update(created_at=opened_at)
    return len(opened)


def _file(office, scenario, person, job_orders, history, officer) -> PlacementFile:
    job_order = job_orders[scenario.job_order] if scenario.job_order else None
    dates = dict(history)
    values = {
        "office": office,
        "person": person,
        "job_order": job_order,
        "scheme": job_order.scheme if job_order else Scheme.P3MI,
        "stage": history[-1][0],
        "stage_since": history[-1][1],
        "created_by": officer,
    }
    if scenario.special == "passport_without_job_order":
        country, sector, occupation = PASSPORT_WITHOUT_JOB_ORDER
        values |= {"country": country, "sector": sector, "occupation": occupation}
    if scenario.special == "fee_above_job_order":
        values["fee_charged_idr"] = FEE_CHARGED_IDR
    if Stage.DEPARTED in dates:
        assert job_order is not None  # every scenario that departs has a job order
        address, phone, contacts = ABROAD[job_order.country.code]
        values |= {
            "departure_date": dates[Stage.DEPARTED],
            "employer_address": address,
            "employer_phone": phone,
            "contacts_abroad": contacts,
            "fee_charged_idr": job_order.worker_fee_idr,
        }
    if Stage.RETURNED in dates:
        values |= {"return_date": dates[Stage.RETURNED], "return_reason": scenario.return_reason}
        if scenario.special == "mrc_case":
            values["mrc_case_reference"] = (
                f"MRC/{office.slug[:3].upper()}/{dates[Stage.RETURNED].year}/0007"
            )
    if Stage.CANCELLED in dates:
        values["cancel_reason"] = CANCEL_REASON
    return PlacementFile.objects.create(**values)


def _documents(placement_file, scenario, history, rules, today, officer, verifiers):
    """The file's checklist documents brought so far: verified for the stages passed, waiting
    for verification for the current one; all verified once the file is ready."""
    day = datetime.timedelta(days=1)
    dates = dict(history)
    complete = Stage.READY in dates
    current = history[-1][0]
    # A passport applied for before any job order: brought in at registration.
    early_passport = scenario.special == "passport_without_job_order"
    made = []
    for document_type in required_document_types(FileFacts.of(placement_file), rules):
        stage = DOCUMENT_STAGES.get(document_type.code, Stage.REGISTRATION)
        if early_passport and document_type.code == PASSPORT_CODE:
            stage = Stage.REGISTRATION
        if stage not in dates:
            continue
        issued = dates[stage] + day
        waiting = not complete and stage == current
        if complete and document_type.validity_days:
            # Documents valid for a short time are renewed just before departure.
            issued = max(issued, dates[Stage.READY] - document_type.validity_days // 3 * day)
        status = VerificationStatus.PENDING if waiting else VerificationStatus.VERIFIED
        reason = ""
        expires = None
        if document_type.code == PASSPORT_CODE:
            expires = issued + relativedelta(years=PASSPORT_YEARS) - day
            if scenario.special == "passport_before_contract_end":
                # An old passport, already held: it expires eight months from now.
                expires = today + relativedelta(months=8)
                issued = expires - relativedelta(years=PASSPORT_YEARS) + day
        if scenario.special == "expired_health_letter" and document_type.code == "surat-kesehatan":
            issued = today - 100 * day
            status = VerificationStatus.VERIFIED
        if scenario.special == "rejected_document" and document_type.code == "ijazah":
            status, reason = VerificationStatus.REJECTED, REJECTION_REASON
        made.append(
            _document(
                placement_file,
                document_type,
                issued=min(issued, today),
                expires=expires,
                status=status,
                reason=reason,
                uploaded_by=officer,
                verified_by=verifiers.get(document_type.desk_type_code),
            )
        )
    return made


def _document(
    placement_file, document_type, *, issued, expires, status, reason, uploaded_by, verified_by
) -> PersonDocument:
    data = tiny_pdf(
        "SatuAtap - dokumen contoh (demo)",
        document_type.name_id,
        f"Berkas penempatan #{placement_file.pk}, diterbitkan {issued.isoformat()}",
    )
    decided = status != VerificationStatus.PENDING
    document = PersonDocument(
        person=placement_file.person,
        document_type=document_type,
        number=f"DEMO-{document_type.code.upper()}-{placement_file.pk:05d}",
        issued_on=issued,
        expires_on=expires,
        content_type="application/pdf",
        extension=".pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        verification_status=status,
        rejection_reason=reason,
        verified_by=verified_by if decided else None,
        verified_at=timezone.now() if decided else None,
        uploaded_by=uploaded_by,
    )
    document.file.save("scan.pdf", ContentFile(data), save=False)
    return document


def _timeline(placement_file: PlacementFile, officer) -> list[StatusEvent]:
    """The registry's migration steps that the file's departure and return stand for."""
    events = []
    job_order = placement_file.job_order
    if placement_file.departure_date:
        events.append(
            StatusEvent(
                person=placement_file.person,
                status=MigrationStatus.ABROAD,
                effective_date=placement_file.departure_date,
                country=placement_file.destination().code,
                employer=placement_file.employer_name(),
                sector=placement_file.sector or (job_order.sector if job_order else ""),
                note_kind=file_timeline.DEPARTURE,
                note_params={"file": placement_file.pk},
                recorded_by=officer,
            )
        )
    if placement_file.return_date:
        events.append(
            StatusEvent(
                person=placement_file.person,
                status=MigrationStatus.RETURNED,
                effective_date=placement_file.return_date,
                note_kind=file_timeline.RETURN,
                note_params={"reason": placement_file.return_reason},
                recorded_by=officer,
            )
        )
    return events
