"""Demo MRC records for each pilot office: three months of information and counselling contacts
(group sessions counted by sex and age band), cases of every category — restricted ones for
violence, trafficking and a child —, in every status, with plans, notes, consent and referrals
to each of the office's partners in every state (sent, sent and overdue, accepted, declined,
completed, stopped by a withdrawn consent).

Everything is written through the services, acting as the office's demo counsellors and case
supervisor and the partners' case workers, so case numbers, timelines, restriction and
encryption are what real use gives; afterwards each case's timestamps are spread over the weeks
it has been open. Idempotent: an office that already has cases is left alone. A partner without
a demo login gets a case worker account without a usable password (`<partner>.caseworker`), who
only answers the demo referrals.
"""

from __future__ import annotations

import bisect
import datetime
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.cases import services
from satuatap.cases.models import (
    ActionItem,
    AgeBand,
    Case,
    CaseAssignment,
    CaseConsent,
    CaseEvent,
    CaseNote,
    CaseStatus,
    Category,
    Channel,
    ConsentMethod,
    Contact,
    ContactKind,
    GbvType,
    Outcome,
    PersonServed,
    Referral,
    ReferralState,
    SharedItem,
    Topic,
    Urgency,
)
from satuatap.cases.partner import services as partner_services
from satuatap.core.models import (
    Organisation,
    OrganisationKind,
    PartnerType,
    RoleAssignment,
    User,
)
from satuatap.core.roles import Role
from satuatap.people.models import FamilyLink, Person, Relation, Sex
from satuatap.placement.models import Agency

ALL_ITEMS = [item.value for item in SharedItem]
BASIC_ITEMS = [SharedItem.IDENTITY, SharedItem.CONTACT, SharedItem.SUMMARY]

# A referral: partner types in order of preference, its state, the service asked for, and what
# the client agreed to share. States: sent, overdue (sent, not answered in time), accepted,
# declined, completed, stopped (the client withdrew consent afterwards).
CASES = [
    {
        "client": "woman",
        "by": "counsellor",
        "channel": Channel.PHONE,
        "days_ago": 12,
        "categories": [Category.GBV, Category.WORKPLACE_VIOLENCE],
        "gbv": [GbvType.PHYSICAL_ASSAULT, GbvType.PSYCHOLOGICAL],
        "urgency": Urgency.HIGH,
        "safety": ["needs_shelter", "perpetrator_threat"],
        "country": "SA",
        "employer": "Keluarga Al-Harbi, Riyadh",
        "narrative": (
            "Klien dipukul dan dimaki majikan hampir setiap hari selama delapan bulan. "
            "Paspor ditahan. Klien melarikan diri ke KBRI dan dipulangkan minggu lalu."
        ),
        "safety_notes": (
            "Mantan calo tinggal di desa sebelah dan sudah menanyakan keberadaan klien. "
            "Klien sementara tinggal di rumah bibinya; jangan hubungi nomor lamanya."
        ),
        "wants_woman": True,
        "notes": [
            "Asesmen awal dengan konselor perempuan di ruang konseling tertutup.",
            "Klien setuju dirujuk ke pendampingan dan rumah aman bila perlu.",
        ],
        "actions": [
            ("Cari tempat tinggal aman sementara.", -2, True),
            ("Dampingi klien membuat laporan ke Unit PPA.", -3, False),
            ("Kunjungan rumah untuk asesmen keamanan.", 5, False),
        ],
        "referrals": [
            (
                [
                    PartnerType.WOMENS_CRISIS_CENTRE,
                    PartnerType.SHELTER,
                    PartnerType.WOMENS_ORGANISATION,
                ],
                "sent",
                "Pendampingan psikososial dan rumah aman",
                ALL_ITEMS,
            ),
        ],
    },
    {
        "client": "woman",
        "by": "counsellor",
        "channel": Channel.WALK_IN,
        "days_ago": 40,
        "categories": [Category.GBV],
        "gbv": [GbvType.RAPE, GbvType.SEXUAL_ASSAULT],
        "urgency": Urgency.CRITICAL,
        "safety": ["needs_medical_care", "immediate_danger"],
        "country": "MY",
        "employer": "Rumah tangga di Johor Bahru",
        "narrative": (
            "Klien mengalami kekerasan seksual oleh anak majikan. Klien pulang dalam keadaan "
            "hamil dan trauma berat."
        ),
        "safety_notes": "Pelaku mengirim ancaman lewat WhatsApp kepada keluarga klien.",
        "wants_woman": True,
        "notes": [
            "Klien didampingi ibunya. Visum sudah dilakukan di RSUD.",
            "Klien memilih melapor ke polisi setelah konseling kedua.",
        ],
        "actions": [
            ("Pemeriksaan kesehatan dan visum.", -30, True),
            ("Konseling psikologis rutin tiap minggu.", 7, False),
        ],
        "referrals": [
            (
                [
                    PartnerType.HOSPITAL,
                    PartnerType.WOMENS_CRISIS_CENTRE,
                    PartnerType.SHELTER,
                    PartnerType.WOMENS_ORGANISATION,
                ],
                "completed",
                "Pemeriksaan medis dan visum et repertum",
                ALL_ITEMS,
            ),
            (
                [PartnerType.POLICE, PartnerType.LEGAL_AID],
                "accepted",
                "Laporan pidana dan perlindungan saksi",
                ALL_ITEMS,
            ),
            (
                [
                    PartnerType.WOMENS_CRISIS_CENTRE,
                    PartnerType.WOMENS_ORGANISATION,
                    PartnerType.PSYCHOSOCIAL,
                    PartnerType.SHELTER,
                ],
                "sent",
                "Konseling trauma",
                [SharedItem.IDENTITY, SharedItem.CONTACT, SharedItem.SAFETY],
            ),
        ],
        "status": CaseStatus.IN_PROGRESS,
    },
    {
        "client": "woman",
        "by": "counsellor",
        "channel": Channel.ONLINE,
        "days_ago": 25,
        "categories": [Category.TRAFFICKING, Category.DOCUMENT_RETENTION, Category.FEES],
        "urgency": Urgency.HIGH,
        "safety": ["perpetrator_threat"],
        "country": "MY",
        "employer": "Kilang sarung tangan, Klang",
        "agency": True,
        "recruiter": "Pak Darmo (sponsor desa), nomor 0812-xxxx",
        "narrative": (
            "Klien direkrut sponsor dengan janji kerja di pabrik, berangkat lewat Batam tanpa "
            "dokumen lengkap, gaji dipotong untuk utang Rp 25 juta, paspor dipegang penampung."
        ),
        "safety_notes": "Sponsor masih aktif merekrut di desa klien.",
        "notes": ["Indikasi TPPO: penipuan, jeratan utang, penahanan dokumen."],
        "actions": [("Siapkan kronologi untuk laporan TPPO.", 3, False)],
        "referrals": [
            (
                [
                    PartnerType.SHELTER,
                    PartnerType.WOMENS_CRISIS_CENTRE,
                    PartnerType.WOMENS_ORGANISATION,
                ],
                "declined",
                "Rumah aman sementara",
                BASIC_ITEMS,
            ),
            (
                [PartnerType.LEGAL_AID],
                "accepted",
                "Pendampingan hukum laporan TPPO",
                ALL_ITEMS,
            ),
        ],
    },
    {
        "client": "man",
        "by": "counsellor2",
        "channel": Channel.WALK_IN,
        "days_ago": 30,
        "categories": [Category.WORKPLACE_VIOLENCE, Category.WAGES],
        "urgency": Urgency.NORMAL,
        "country": "MY",
        "employer": "Ladang sawit, Sabah",
        "narrative": (
            "Klien dipukul mandor setelah menanyakan gaji tiga bulan yang belum dibayar."
        ),
        "notes": ["Klien minta serikat mendampingi tuntutan gaji kawan-kawannya juga."],
        "actions": [("Kumpulkan slip gaji dan kontrak kerja.", -6, False)],
        "referrals": [
            (
                [PartnerType.UNION],
                "overdue",
                "Pendampingan tuntutan gaji dan kekerasan di tempat kerja",
                BASIC_ITEMS,
            ),
        ],
    },
    {
        "client": "child",
        "by": "counsellor",
        "channel": Channel.OUTREACH,
        "days_ago": 20,
        "categories": [Category.FAMILY],
        "urgency": Urgency.HIGH,
        "safety": ["children_at_risk"],
        "narrative": (
            "Anak ditinggal ibunya yang bekerja di luar negeri, diasuh kakek yang sakit; anak "
            "putus sekolah dan kiriman uang tidak sampai."
        ),
        "safety_notes": "Ayah tiri pernah memukul anak. Jangan serahkan anak kepadanya.",
        "complainant": "parent",
        "notes": ["Kunjungan rumah bersama kader desa."],
        "actions": [("Koordinasi dengan sekolah untuk kembali bersekolah.", 10, False)],
        "referrals": [
            (
                [
                    PartnerType.SOCIAL_SERVICES,
                    PartnerType.WOMENS_CRISIS_CENTRE,
                    PartnerType.WOMENS_ORGANISATION,
                    PartnerType.SHELTER,
                ],
                "stopped",
                "Pendampingan anak",
                BASIC_ITEMS,
            ),
        ],
    },
    {
        "client": "woman",
        "by": "counsellor",
        "channel": Channel.WALK_IN,
        "days_ago": 80,
        "span": 45,
        "categories": [Category.WAGES, Category.CONTRACT],
        "country": "HK",
        "employer": "Mrs Chan, Kowloon",
        "narrative": (
            "Gaji sembilan bulan di bawah upah minimum Hong Kong; majikan memutus kontrak."
        ),
        "notes": ["Majikan setuju membayar kekurangan gaji lewat Labour Department."],
        "actions": [("Kirim kronologi ke KJRI.", -70, True)],
        "referrals": [
            (
                [PartnerType.CONSULATE, PartnerType.UNION],
                "completed",
                "Mediasi tuntutan gaji dengan majikan",
                BASIC_ITEMS,
            ),
        ],
        "closure": {
            "outcome": Outcome.RESOLVED,
            "money_recovered_idr": 18_500_000,
            "money_original_amount": Decimal("9000.00"),
            "money_original_currency": "HKD",
            "approve": True,
        },
    },
    {
        "client": "man",
        "by": "counsellor2",
        "channel": Channel.PHONE,
        "days_ago": 50,
        "span": 46,
        "categories": [Category.CONTRACT],
        "country": "TW",
        "employer": "Pabrik elektronik, Taoyuan",
        "narrative": "Kontrak diganti setiba di Taiwan: jam kerja 12 jam, potongan asrama.",
        "notes": ["Agensi mengembalikan sebagian potongan setelah mediasi."],
        "actions": [("Konfirmasi pembayaran ke klien.", -10, True)],
        "closure": {
            "outcome": Outcome.PARTLY,
            "money_recovered_idr": 4_200_000,
            "money_original_amount": Decimal("8000.00"),
            "money_original_currency": "TWD",
            "approve": False,
        },
    },
    {
        "client": "woman",
        "by": "counsellor",
        "channel": Channel.WALK_IN,
        "days_ago": 70,
        "span": 40,
        "categories": [Category.FEES],
        "agency": True,
        "narrative": "Calon PMI membayar Rp 12 juta biaya penempatan yang seharusnya gratis.",
        "actions": [("Surati P3MI untuk pengembalian biaya.", -60, True)],
        "closure": {
            "outcome": Outcome.PARTLY,
            "money_recovered_idr": 6_000_000,
            "approve": True,
        },
    },
    {
        "client": "woman",
        "by": "counsellor",
        "channel": Channel.ONLINE,
        "days_ago": 8,
        "categories": [Category.DOCUMENT_RETENTION],
        "country": "SG",
        "employer": "Household employer, Tampines",
        "narrative": "Paspor dan kontrak kerja dipegang agensi di Singapura.",
        "actions": [
            ("Hubungi agensi di Singapura lewat KBRI.", -2, False),
            ("Minta salinan paspor dari Disdukcapil/Imigrasi.", 4, False),
        ],
    },
    {
        "client": "man",
        "by": "counsellor2",
        "channel": Channel.WALK_IN,
        "days_ago": 85,
        "span": 60,
        "categories": [Category.RECRUITER_FRAUD, Category.NON_PROCEDURAL],
        "recruiter": "Sdr. Karsim, calo dari kecamatan sebelah",
        "narrative": "Tiga calon PMI ditipu calo, uang Rp 30 juta dibawa lari, tidak berangkat.",
        "notes": ["Calo sudah ditahan Polres; klien menjadi saksi."],
        "actions": [("Dampingi klien sebagai saksi.", -40, True)],
        "referrals": [
            (
                [PartnerType.LEGAL_AID, PartnerType.POLICE],
                "completed",
                "Pendampingan hukum laporan penipuan",
                BASIC_ITEMS,
            ),
        ],
        "closure": {"outcome": Outcome.RESOLVED, "legal_action": True, "approve": True},
    },
    {
        "client": "man",
        "by": "counsellor2",
        "channel": Channel.PHONE,
        "days_ago": 60,
        "span": 30,
        "categories": [Category.NON_PROCEDURAL],
        "country": "MY",
        "narrative": "Klien bekerja tanpa izin di Malaysia, ditangkap dan menunggu deportasi.",
        "actions": [("Jemput klien di debarkasi Tanjung Pinang.", -20, True)],
        "referrals": [
            (
                [PartnerType.CONSULATE],
                "accepted",
                "Pendampingan deportasi dan pemulangan",
                BASIC_ITEMS,
            ),
        ],
        "closure": {"outcome": Outcome.RESOLVED, "return_assisted": True, "approve": True},
    },
    {
        "client": "man",
        "by": "counsellor2",
        "channel": Channel.WALK_IN,
        "days_ago": 18,
        "categories": [Category.DEATH_ILLNESS],
        "country": "TW",
        "employer": "Kapal ikan, Kaohsiung",
        "complainant": "spouse",
        "urgency": Urgency.HIGH,
        "narrative": "Klien meninggal dalam kecelakaan kerja di kapal; istri meminta pemulangan "
        "jenazah dan santunan asuransi.",
        "actions": [("Urus klaim asuransi BPJS Ketenagakerjaan.", 12, False)],
        "referrals": [
            (
                [PartnerType.CONSULATE, PartnerType.UNION],
                "accepted",
                "Pemulangan jenazah dan hak santunan",
                BASIC_ITEMS,
            ),
        ],
    },
    {
        "client": "woman",
        "by": "counsellor",
        "channel": Channel.PHONE,
        "days_ago": 15,
        "categories": [Category.DETENTION],
        "country": "HK",
        "urgency": Urgency.HIGH,
        "complainant": "spouse",
        "narrative": "Klien ditahan polisi Hong Kong karena tuduhan pencurian oleh majikan.",
        "actions": [("Minta KJRI menunjuk pengacara.", 2, False)],
        "referrals": [
            (
                [PartnerType.CONSULATE, PartnerType.LEGAL_AID],
                "overdue",
                "Pendampingan hukum di Hong Kong",
                BASIC_ITEMS,
            ),
        ],
    },
    {
        "client": "woman",
        "by": "counsellor2",
        "channel": Channel.WALK_IN,
        "days_ago": 5,
        "categories": [Category.FAMILY],
        "complainant": "spouse",
        "wants_woman": True,
        "narrative": "Kiriman uang dari luar negeri dipakai suami; anak tidak dibiayai sekolah.",
        "notes": ["Klien minta ditangani konselor perempuan; diserahkan ke supervisor."],
        "assign_woman": True,
    },
    {
        "client": "man",
        "by": "counsellor",
        "channel": Channel.WALK_IN,
        "days_ago": 45,
        "span": 20,
        "categories": [Category.WAGES],
        "country": "KR",
        "employer": "Pabrik komponen, Ansan",
        "narrative": "Pesangon tidak dibayar setelah kontrak EPS selesai.",
        "closure": {"outcome": Outcome.WITHDREW, "approve": True},
    },
    {
        "client": "woman",
        "by": "counsellor",
        "channel": Channel.WALK_IN,
        "days_ago": 3,
        "categories": [Category.RECRUITER_FRAUD],
        "narrative": "Sponsor meminta uang muka Rp 5 juta untuk lowongan ke Jepang.",
        "actions": [("Cek lowongan di daftar job order resmi.", 1, False)],
    },
]

# Information and counselling contacts: kind, channel, topic, person served.
CONTACTS = [
    (ContactKind.INFORMATION, Channel.WALK_IN, Topic.SAFE_MIGRATION, PersonServed.PROSPECTIVE),
    (ContactKind.INFORMATION, Channel.PHONE, Topic.JOBS, PersonServed.PROSPECTIVE),
    (ContactKind.INFORMATION, Channel.ONLINE, Topic.RIGHTS, PersonServed.WORKER),
    (ContactKind.INFORMATION, Channel.ONLINE, Topic.REMITTANCE, PersonServed.WORKER),
    (ContactKind.INFORMATION, Channel.WALK_IN, Topic.REINTEGRATION, PersonServed.RETURNEE),
    (ContactKind.INFORMATION, Channel.PHONE, Topic.FAMILY, PersonServed.FAMILY),
    (ContactKind.INFORMATION, Channel.OUTREACH, Topic.SAFE_MIGRATION, PersonServed.FAMILY),
    (ContactKind.COUNSELLING, Channel.WALK_IN, Topic.REINTEGRATION, PersonServed.RETURNEE),
    (ContactKind.COUNSELLING, Channel.PHONE, Topic.GBV, PersonServed.WORKER),
    (ContactKind.COUNSELLING, Channel.WALK_IN, Topic.FAMILY, PersonServed.FAMILY),
    (ContactKind.INFORMATION, Channel.PHONE, Topic.OTHER, PersonServed.OTHER),
]
# Group sessions: kind, channel, topic, counts (sex, age band, number), named participants.
GROUP_SESSIONS = [
    (
        ContactKind.INFORMATION,
        Channel.OUTREACH,
        Topic.SAFE_MIGRATION,
        [("F", "18-24", 9), ("F", "25-39", 14), ("M", "18-24", 4), ("M", "25-39", 5)],
        0,
    ),
    (
        ContactKind.INFORMATION,
        Channel.WALK_IN,
        Topic.DOCUMENTS,
        [("F", "25-39", 7), ("M", "25-39", 3), ("F", "40-59", 2)],
        3,
    ),
    (
        ContactKind.COUNSELLING,
        Channel.WALK_IN,
        Topic.REINTEGRATION,
        [("F", "25-39", 6), ("F", "40-59", 4), ("M", "40-59", 1)],
        2,
    ),
    (
        ContactKind.INFORMATION,
        Channel.OUTREACH,
        Topic.FAMILY,
        [("F", "40-59", 11), ("M", "40-59", 6), ("F", "60+", 3), ("M", "60+", 2)],
        0,
    ),
    (
        ContactKind.COUNSELLING,
        Channel.OUTREACH,
        Topic.GBV,
        [("F", "18-24", 5), ("F", "25-39", 8)],
        0,
    ),
]
CONTACT_DAYS = 90
# Demo work is dated within office hours, 08:00–15:30.
OFFICE_OPENS = datetime.time(8, 0)
OFFICE_MINUTES = 7 * 60 + 30

DECLINE_REASON = "Kapasitas rumah aman penuh bulan ini; mohon dirujuk ke lembaga lain."
FEEDBACK = [
    "Klien sudah kami terima dan didampingi; pertemuan pertama berjalan baik.",
    "Layanan selesai. Klien mendapat pendampingan penuh; laporan terlampir di berkas kami.",
]


def seed(stdout=None) -> None:
    offices = Organisation.objects.filter(kind=OrganisationKind.OFFICE, is_active=True)
    seeded = 0
    for office in offices.order_by("slug"):
        if _seed_office(office):
            seeded += 1
    if stdout is not None:
        stdout.write(
            _("MRC: contacts, cases and referrals for %(count)s offices.") % {"count": seeded}
        )


class _Office:
    """What seeding one office needs: its staff, people, partners and a seeded random."""

    def __init__(self, office: Organisation, staff: dict[str, User]):
        self.office = office
        self.staff = staff
        self.today = office.today()
        self.rng = random.Random(f"cases-{office.slug}")  # noqa: S311 - demo data
        people = list(
            Person.objects.filter(
                office=office, merged_into__isnull=True, anonymised_at__isnull=True
            )
            .exclude(birth_date__isnull=True)
            .order_by("pk")
        )
        adults = [p for p in people if (p.age_on(self.today) or 0) >= 18]
        self.pools = {
            "woman": [p for p in adults if p.sex == Sex.FEMALE],
            "man": [p for p in adults if p.sex == Sex.MALE],
        }
        self.rng.shuffle(self.pools["woman"])
        self.rng.shuffle(self.pools["man"])
        links = FamilyLink.objects.filter(person__office=office).select_related(
            "person", "relative"
        )
        self.children = [
            (link.person, link.relative)
            for link in links.order_by("pk")
            if link.relation == Relation.CHILD and (link.relative.age_on(self.today) or 99) < 18
        ]
        self.spouses = {
            link.person_id: link.relative for link in links if link.relation == Relation.SPOUSE
        }
        self.partners = list(
            office.partners.filter(kind=OrganisationKind.PARTNER, is_active=True).order_by("slug")
        )
        self.referred: set[int] = set()
        self.zone = office.zone
        self.now = timezone.now()
        # When each case really started and how long it has run, and the moments each step of
        # its work began (see _spread_in_time); referrals to make overdue.
        self.windows: dict[int, tuple[datetime.date, int]] = {}
        self.steps: dict[int, list[datetime.datetime]] = defaultdict(list)
        self.overdue: list[int] = []
        women = [u for u in (staff["counsellor"], staff["supervisor"]) if u.gender == "F"]
        self.woman = women[0] if women else None

    def step(self, case: Case) -> None:
        """A new step of the case's work begins (it will be dated after the previous one)."""
        self.steps[case.pk].append(timezone.now())

    def person(self, kind: str) -> Person:
        return self.pools[kind].pop()

    def married(self, kind: str) -> tuple[Person, Person | None]:
        for index, person in enumerate(self.pools[kind]):
            if person.pk in self.spouses:
                del self.pools[kind][index]
                return person, self.spouses[person.pk]
        return self.person(kind), None

    def partner(self, types) -> Organisation:
        """The first partner of a preferred type, those not yet referred to first."""
        for wanted in types:
            for fresh in (True, False):
                for partner in self.partners:
                    if partner.partner_type == wanted and (
                        partner.pk not in self.referred or not fresh
                    ):
                        return partner
        unused = [p for p in self.partners if p.pk not in self.referred]
        return (unused or self.partners)[0]


def _staff(office: Organisation) -> dict[str, User] | None:
    users = {
        u.username.split(".", 1)[1]: u
        for u in User.objects.filter(
            username__in=[
                f"{office.slug}.counsellor",
                f"{office.slug}.counsellor2",
                f"{office.slug}.supervisor",
            ],
            organisation=office,
            is_active=True,
        )
    }
    if "counsellor" not in users or "supervisor" not in users:
        return None
    users.setdefault("counsellor2", users["counsellor"])
    return users


def _seed_office(office: Organisation) -> bool:
    if (
        Case.objects.filter(office=office).exists()
        or Contact.objects.filter(office=office).exists()
    ):
        return False
    staff = _staff(office)
    if staff is None:
        return False
    context = _Office(office, staff)
    if not context.partners or len(context.pools["woman"]) < 12 or not context.children:
        return False
    with transaction.atomic():
        cases = [_case(context, spec) for spec in CASES]
        _refer_to_every_partner(context, cases)
        _contacts(context)
        _spread_in_time(context)
        _set_due_dates(context)
    return True


# --- Cases ------------------------------------------------------------------------------------


def _client(context: _Office, spec: dict) -> tuple[Person, Person | None, str]:
    kind = spec["client"]
    if kind == "child":
        parent, child = context.children[0]
        return child, parent, "Orang tua"
    if spec.get("complainant") == "spouse":
        client, spouse = context.married(kind)
        return client, spouse, ("Suami" if client.sex == Sex.FEMALE else "Istri")
    return context.person(kind), None, ""


def _case(context: _Office, spec: dict) -> Case:
    staff, today = context.staff, context.today
    by = staff[spec["by"]]
    supervisor = staff["supervisor"]
    client, complainant, relation = _client(context, spec)
    received_on = today - datetime.timedelta(days=spec["days_ago"])
    agency = None
    if spec.get("agency"):
        agency = Agency.objects.order_by("pk").first()
    began = timezone.now()
    case = services.open_case(
        by=by,
        client=client,
        channel=spec["channel"],
        categories=spec["categories"],
        received_on=received_on,
        complainant=complainant,
        complainant_relation=relation,
        gbv_types=spec.get("gbv", ()),
        urgency=spec.get("urgency", Urgency.NORMAL),
        safety=spec.get("safety", ()),
        country=spec.get("country", ""),
        employer=spec.get("employer", ""),
        agency=agency,
        recruiter=spec.get("recruiter", ""),
        narrative=spec["narrative"],
        safety_notes=spec.get("safety_notes", ""),
        wants_woman_worker=bool(spec.get("wants_woman")) and context.woman is not None,
    )
    context.steps[case.pk].append(began)
    worker = by
    if spec.get("assign_woman") or not case.assignments.exists():
        # The client asked for a woman and the counsellor who took it in is a man.
        context.step(case)
        worker = context.woman or staff["counsellor"]
        services.assign(case=case, worker=worker, by=supervisor)
    for text in spec.get("notes", ()):
        context.step(case)
        services.add_note(case=case, text=text, by=worker)
    for description, due_in, done in spec.get("actions", ()):
        context.step(case)
        action = services.add_action(
            case=case,
            description=description,
            owner=worker,
            due_on=today + datetime.timedelta(days=due_in),
            by=worker,
        )
        if done:
            context.step(case)
            services.complete_action(action=action, by=worker)
    for types, state, service, items in spec.get("referrals", ()):
        referral = _referral(context, case, worker, types, state, service, items)
        if state == "overdue":
            context.overdue.append(referral.pk)
    if spec.get("status"):
        context.step(case)
        services.set_status(case=case, status=spec["status"], by=worker)
    if "closure" in spec:
        closure = dict(spec["closure"])
        approve = closure.pop("approve")
        context.step(case)
        services.request_closure(case=case, by=worker, **closure)
        if approve:
            context.step(case)
            services.decide_closure(
                case=case, by=supervisor, approve=True, open_actions="done", end_referrals=True
            )
    if spec["days_ago"] > 10 and not case.is_closed:
        context.step(case)
        services.record_contact(
            by=worker,
            kind=ContactKind.COUNSELLING,
            channel=Channel.PHONE,
            topic=Topic.RIGHTS,
            served=PersonServed.WORKER,
            person=client,
            occurred_on=today,
            notes="Tindak lanjut lewat telepon: klien mendapat kabar perkembangan kasus.",
            case=case,
        )
    context.windows[case.pk] = (received_on, spec.get("span", spec["days_ago"]))
    return case


def _referral(context, case, worker, types, state, service, items) -> Referral:
    partner = context.partner(types)
    context.referred.add(partner.pk)
    context.step(case)
    if not case.consents.filter(recipient=partner, withdrawn_on__isnull=True).exists():
        verbal = context.rng.random() < 0.3
        services.record_consent(
            case=case,
            by=worker,
            recipient=partner,
            items=items,
            given_on=case.received_on,
            method=ConsentMethod.VERBAL_WITNESSED if verbal else ConsentMethod.SIGNED,
            witness="Ibu kandung klien" if verbal else "",
        )
    consented = case.consents.filter(recipient=partner, withdrawn_on__isnull=True).first()
    message = ""
    if SharedItem.NARRATIVE in consented.items:
        message = "Mohon hubungi klien lewat konselor kami; klien meminta pendamping perempuan."
    referral = services.send_referral(
        case=case,
        by=worker,
        partner=partner,
        service=service,
        due_on=context.today + datetime.timedelta(days=7),
        message=message,
    )
    answerer = _partner_worker(partner)
    if state in ("accepted", "completed", "stopped"):
        context.step(case)
        partner_services.answer_referral(referral=referral, by=answerer, accept=True)
    if state in ("accepted", "completed"):
        context.step(case)
        partner_services.add_feedback(referral=referral, by=answerer, feedback=FEEDBACK[0])
    if state == "completed":
        context.step(case)
        partner_services.add_feedback(
            referral=referral, by=answerer, feedback=FEEDBACK[1], complete=True
        )
    if state == "declined":
        context.step(case)
        partner_services.answer_referral(
            referral=referral, by=answerer, accept=False, reason=DECLINE_REASON
        )
    if state == "stopped":
        context.step(case)
        services.withdraw_consent(consent=consented, by=worker)
    return referral


def _partner_worker(partner: Organisation) -> User:
    """The partner's demo case worker; one without a usable password when it has none."""
    worker = (
        User.objects.filter(
            organisation=partner,
            is_active=True,
            role_assignments__role=Role.PARTNER_CASEWORKER,
        )
        .order_by("pk")
        .first()
    )
    if worker is not None:
        return worker
    worker, created = User.objects.get_or_create(
        username=f"{partner.slug}.caseworker",
        defaults={"full_name": f"Pendamping {partner.name}"[:200], "organisation": partner},
    )
    if created:
        worker.set_unusable_password()
        worker.save(update_fields=["password"])
    RoleAssignment.objects.get_or_create(user=worker, role=Role.PARTNER_CASEWORKER)
    return User.objects.get(pk=worker.pk)


def _refer_to_every_partner(context: _Office, cases: list[Case]) -> None:
    """Every partner of the office gets at least one referral (left unanswered)."""
    open_cases = [
        case
        for case in cases
        if not case.is_restricted and case.status not in (CaseStatus.RESOLVED, CaseStatus.CLOSED)
    ]
    missing = [p for p in context.partners if p.pk not in context.referred]
    for index, partner in enumerate(missing):
        case = open_cases[index % len(open_cases)]
        worker = case.assignments.filter(ended_at__isnull=True).earliest("assigned_at", "pk").worker
        _referral(
            context,
            case,
            worker,
            [partner.partner_type],
            "sent",
            "Informasi dan pendampingan",
            BASIC_ITEMS,
        )


# --- Timestamps -------------------------------------------------------------------------------

_TIMESTAMPS = [
    (Case, ["created_at", "updated_at", "closure_requested_at", "closed_at"]),
    (CaseEvent, ["at"]),
    (CaseNote, ["written_at"]),
    (ActionItem, ["created_at", "done_at"]),
    (CaseAssignment, ["assigned_at", "ended_at"]),
    (CaseConsent, ["created_at"]),
    (Referral, ["sent_at", "answered_at", "completed_at", "stopped_at"]),
    (Contact, ["recorded_at"]),
]


def _spread_in_time(context: _Office) -> None:
    """Spread what happened on each case (all written a moment ago) over the days since it came
    in, step by step in its order: the timeline then reads like weeks of work."""
    case_ids = list(context.windows)
    rows: list[tuple[type[models.Model], list[str], list[Any]]] = []
    for model, fields in _TIMESTAMPS:
        manager = model._default_manager
        if model is Case:
            found = manager.filter(pk__in=case_ids).only("pk", *fields)
        else:
            extra = ["occurred_on"] if model is Contact else []
            found = manager.filter(case_id__in=case_ids).only("pk", "case_id", *fields, *extra)
        rows.append((model, fields, list(found)))

    def case_of(obj) -> int:
        return obj.pk if isinstance(obj, Case) else obj.case_id

    def moved(case_id: int, stamp: datetime.datetime) -> datetime.datetime:
        # The step the stamp was written in, placed evenly over the office hours of the days
        # the case ran; the milliseconds into the step are kept, so the order within holds.
        steps = context.steps[case_id]
        received_on, days = context.windows[case_id]
        index = max(bisect.bisect_right(steps, stamp) - 1, 0)
        working = min(days, (context.today - received_on).days) or 1
        minutes = OFFICE_MINUTES * working * index // max(len(steps) - 1, 1)
        minutes = min(minutes, OFFICE_MINUTES * working - 1)
        day, minute = divmod(minutes, OFFICE_MINUTES)
        moment = datetime.datetime.combine(
            received_on + datetime.timedelta(days=day), OFFICE_OPENS, tzinfo=context.zone
        ) + datetime.timedelta(minutes=minute)
        return min(moment, context.now - datetime.timedelta(minutes=5)) + (stamp - steps[index])

    for model, fields, objs in rows:
        for obj in objs:
            for field in fields:
                value = getattr(obj, field)
                if value:
                    setattr(obj, field, moved(case_of(obj), value))
            if model is Contact:
                obj.occurred_on = timezone.localtime(obj.recorded_at, context.zone).date()
        extra = ["occurred_on"] if model is Contact else []
        model._default_manager.bulk_update(objs, fields + extra, batch_size=200)


def _set_due_dates(context: _Office) -> None:
    """A referral is due a week after it was sent; the overdue ones a few days after, already
    past; those still waiting for an answer not before tomorrow."""
    referrals = list(
        Referral.objects.filter(case_id__in=list(context.windows)).only(
            "pk", "sent_at", "state", "stopped_at", "due_on"
        )
    )
    tomorrow = context.today + datetime.timedelta(days=1)
    for referral in referrals:
        sent_on = timezone.localtime(referral.sent_at, context.zone).date()
        referral.due_on = sent_on + datetime.timedelta(days=7)
        if referral.pk in context.overdue:
            referral.due_on = min(
                sent_on + datetime.timedelta(days=5), context.today - datetime.timedelta(days=2)
            )
        elif referral.state == ReferralState.SENT and referral.stopped_at is None:
            referral.due_on = max(referral.due_on, tomorrow)
    Referral.objects.bulk_update(referrals, ["due_on"], batch_size=200)


# --- Contacts ---------------------------------------------------------------------------------


def _contacts(context: _Office) -> None:
    rng, today = context.rng, context.today
    staff = [context.staff["counsellor"], context.staff["counsellor2"]]
    bands = [AgeBand.YOUNG, AgeBand.ADULT, AgeBand.ADULT, AgeBand.MIDDLE]
    for index, (kind, channel, topic, served) in enumerate(CONTACTS):
        by = staff[index % 2]
        person = None
        if index % 3 == 0:
            pool = context.pools["woman" if index % 2 == 0 else "man"]
            person = pool.pop() if pool else None
        services.record_contact(
            by=by,
            kind=kind,
            channel=channel,
            topic=topic,
            served=served,
            occurred_on=today - datetime.timedelta(days=rng.randint(0, CONTACT_DAYS - 1)),
            person=person,
            sex=Sex.FEMALE if rng.random() < 0.75 else Sex.MALE,
            age_band=rng.choice(bands),
            notes="Diberi leaflet migrasi aman dan nomor pengaduan."
            if kind == ContactKind.INFORMATION
            else "Konseling individual; klien diminta kembali bila perlu.",
        )
    for index, (kind, channel, topic, counts, named) in enumerate(GROUP_SESSIONS):
        participants = [context.pools["woman"].pop() for _ in range(named)]
        services.record_contact(
            by=staff[index % 2],
            kind=kind,
            channel=channel,
            topic=topic,
            served=PersonServed.PROSPECTIVE if topic == Topic.SAFE_MIGRATION else "",
            occurred_on=today - datetime.timedelta(days=rng.randint(0, CONTACT_DAYS - 1)),
            is_group=True,
            counts=counts,
            participants=participants,
            notes="Sesi kelompok di balai desa bersama kader.",
        )
    stamps = []
    for contact in Contact.objects.filter(office=context.office, case__isnull=True):
        hour = rng.randint(8, 15)
        contact.recorded_at = datetime.datetime.combine(
            contact.occurred_on, datetime.time(hour, rng.randint(0, 59)), tzinfo=context.office.zone
        )
        contact.recorded_at = min(contact.recorded_at, timezone.now())
        stamps.append(contact)
    Contact.objects.bulk_update(stamps, ["recorded_at"])
