"""Demo organisations and one user per role per pilot office (`satuatap seed_demo`)."""

from __future__ import annotations

import base64

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from satuatap.core.models import (
    Desk,
    DeskType,
    Organisation,
    OrganisationKind,
    PartnerContact,
    PartnerType,
    RoleAssignment,
    User,
)
from satuatap.core.roles import Role
from satuatap.core.two_factor import two_factor_applies_to
from satuatap.regions.models import Region

PILOT_OFFICES = [
    # slug, name, regency code
    ("cirebon", "LTSA-PPMI Kabupaten Cirebon", "32.09"),
    ("tulungagung", "LTSA-PPMI Kabupaten Tulungagung", "35.04"),
    ("blitar", "LTSA-PPMI Kabupaten Blitar", "35.05"),
    ("lampung-timur", "LTSA-PPMI Kabupaten Lampung Timur", "18.07"),
]
# The offices' public details (shown on their job boards under "how to apply"). Invented
# addresses and numbers: the demo's offices are not the real ones.
OFFICE_ADDRESSES = {
    "cirebon": ("Jl. Sunan Drajat No. 15, Sumber, Kabupaten Cirebon 45611", "0231-555-0119"),
    "tulungagung": ("Jl. Ki Hajar Dewantara No. 8, Tulungagung 66219", "0355-555-0128"),
    "blitar": ("Jl. Kusuma Bangsa No. 21, Kanigoro, Kabupaten Blitar 66171", "0342-555-0137"),
    "lampung-timur": ("Jl. Lintas Timur, Sukadana, Kabupaten Lampung Timur 34194", "0725-555-0146"),
}
OPENING_HOURS_ID = "Senin–Kamis 08.00–15.30 WIB\nJumat 08.00–11.30 dan 13.30–16.00 WIB"
OPENING_HOURS_EN = "Monday to Thursday 8:00–15:30 WIB\nFriday 8:00–11:30 and 13:30–16:00 WIB"

PARTNERS = [
    # slug, name, type, offices (slugs)
    (
        "wcc-mawar-balqis",
        "Women's Crisis Center Mawar Balqis",
        PartnerType.WOMENS_CRISIS_CENTRE,
        ["cirebon"],
    ),
    (
        "sbmi",
        "Serikat Buruh Migran Indonesia (SBMI)",
        PartnerType.UNION,
        ["cirebon", "tulungagung", "blitar", "lampung-timur"],
    ),
    (
        "ksbsi",
        "Konfederasi Serikat Buruh Sejahtera Indonesia (KSBSI)",
        PartnerType.UNION,
        ["tulungagung", "blitar"],
    ),
    (
        "kpi",
        "Koalisi Perempuan Indonesia (KPI)",
        PartnerType.WOMENS_ORGANISATION,
        ["blitar", "lampung-timur"],
    ),
    (
        "solidaritas-perempuan",
        "Solidaritas Perempuan",
        PartnerType.WOMENS_ORGANISATION,
        ["lampung-timur"],
    ),
    (
        "lbh-apik",
        "LBH APIK (bantuan hukum)",
        PartnerType.LEGAL_AID,
        ["cirebon", "tulungagung", "blitar", "lampung-timur"],
    ),
    ("rumah-aman", "Rumah Aman P2TP2A", PartnerType.SHELTER, ["cirebon", "tulungagung"]),
    ("rsud-waled", "RSUD Waled", PartnerType.HOSPITAL, ["cirebon"]),
    ("polres-cirebon", "Polresta Cirebon (Unit PPA)", PartnerType.POLICE, ["cirebon"]),
    (
        "kjri-hong-kong",
        "KJRI Hong Kong",
        PartnerType.CONSULATE,
        ["cirebon", "tulungagung", "blitar", "lampung-timur"],
    ),
]

# The person each office deals with at a partner; reminders of referrals waiting for an answer
# are mailed to them (to the console in the demo: no EMAIL_URL).
PARTNER_CONTACTS = [
    ("Sri Wahyuni", "Koordinator layanan"),
    ("Nining Susilawati", "Pendamping kasus"),
    ("Ahmad Fauzi", "Advokat"),
    ("Lilis Suryani", "Konselor"),
]


def _partner_phone(key: str) -> str:
    digits = sum(ord(c) * (i + 1) for i, c in enumerate(key)) % 90_000_000 + 10_000_000
    return f"+6281{digits}"


DEMO_DESKS = [
    "ketenagakerjaan",
    "pengaduan-informasi",
    "kependudukan",
    "kesehatan",
    "keimigrasian",
    "kepolisian",
    "perbankan",
    "jaminan-sosial",
    "bp3mi",
]

OFFICE_STAFF = [
    # role, full name pattern
    (Role.FRONTDESK, "Rina Marlina"),
    (Role.DESK_OFFICER, "Agus Setiawan"),
    (Role.PLACEMENT_OFFICER, "Dedi Kurniawan"),
    (Role.COUNSELLOR, "Siti Nurjanah"),
    (Role.CASE_SUPERVISOR, "Hj. Euis Komariah"),
    (Role.OUTREACH_WORKER, "Wahyuni"),
    (Role.OFFICE_HEAD, "Drs. Bambang Sutrisno"),
]
# The demo staff's gender: the MRC gives a client who asks for one a woman case worker.
STAFF_GENDER = {
    Role.FRONTDESK: "F",
    Role.DESK_OFFICER: "M",
    Role.PLACEMENT_OFFICER: "M",
    Role.COUNSELLOR: "F",
    Role.CASE_SUPERVISOR: "F",
    Role.OUTREACH_WORKER: "F",
    Role.OFFICE_HEAD: "M",
}
# A desk officer for every other desk (`<office>.deskofficer-<letter>`; `<office>.deskofficer` is
# the labour desk's, A), so that every desk's tickets can be called and served and every kind of
# document verified at its desk (passports at immigration, SKCK at the police, health letters at
# the health desk…). The MRC desk (B) is worked by the counsellors.
DESK_OFFICERS = [
    # desk type, full name, gender
    ("kependudukan", "Yuli Astuti", "F"),
    ("kesehatan", "dr. Ratih Puspitasari", "F"),
    ("keimigrasian", "Hendra Gunawan", "M"),
    ("kepolisian", "Aipda Slamet Riyadi", "M"),
    ("perbankan", "Dewi Anggraini", "F"),
    ("jaminan-sosial", "Fajar Nugroho", "M"),
    ("bp3mi", "Nining Suryani", "F"),
]
# A second MRC counsellor per office, a man (`<office>.counsellor2`): a restricted case assigned
# to one counsellor stays hidden from the other, and a client who asks for a woman case worker
# is not given him.
SECOND_COUNSELLOR = ("counsellor2", "Ahmad Fauzi", "M")


def _user(
    username: str,
    *,
    full_name: str,
    organisation: Organisation,
    roles,
    desk=None,
    is_staff: bool = False,
    is_superuser: bool = False,
    gender: str = "U",
) -> tuple[User, bool]:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "full_name": full_name,
            "organisation": organisation,
            "desk": desk,
            "is_staff": is_staff,
            "is_superuser": is_superuser,
            "gender": gender,
        },
    )
    if created:
        user.set_password(settings.SATUATAP_DEMO_PASSWORD)
        user.save(update_fields=["password"])
    for role in roles:
        RoleAssignment.objects.get_or_create(user=user, role=role)
    return user, created


@transaction.atomic
def seed(stdout=None) -> list[str]:
    """Create the demo organisations and users; return the demo usernames."""
    ministry, _ = Organisation.objects.get_or_create(
        slug="national",
        defaults={
            "kind": OrganisationKind.MINISTRY,
            "name": "Kementerian Pelindungan Pekerja Migran Indonesia",
        },
    )
    offices: dict[str, Organisation] = {}
    for slug, name, regency in PILOT_OFFICES:
        offices[slug], _ = Organisation.objects.get_or_create(
            slug=slug,
            defaults={
                "kind": OrganisationKind.OFFICE,
                "name": name,
                "region": Region.objects.get(code=regency),
                "address": OFFICE_ADDRESSES[slug][0],
                "phone": OFFICE_ADDRESSES[slug][1],
                "opening_hours_id": OPENING_HOURS_ID,
                "opening_hours_en": OPENING_HOURS_EN,
            },
        )
    desk_types = {t.code: t for t in DeskType.objects.all()}
    for office in offices.values():
        for code in DEMO_DESKS:
            Desk.objects.get_or_create(
                office=office,
                desk_type=desk_types[code],
                defaults={"prefix": desk_types[code].default_prefix},
            )
    partners: dict[str, Organisation] = {}
    for slug, name, partner_type, office_slugs in PARTNERS:
        partner, created = Organisation.objects.get_or_create(
            slug=slug,
            defaults={"kind": OrganisationKind.PARTNER, "name": name, "partner_type": partner_type},
        )
        if created:
            partner.partner_offices.set([offices[s] for s in office_slugs])
        if not partner.email:
            partner.email = f"layanan@{slug}.example"
            partner.phone = partner.phone or _partner_phone(slug)
            partner.focal_person = partner.focal_person or PARTNER_CONTACTS[0][0]
            partner.save(update_fields=["email", "phone", "focal_person"])
        partners[slug] = partner
        for number, office_slug in enumerate(office_slugs):
            name, position = PARTNER_CONTACTS[(len(slug) + number) % len(PARTNER_CONTACTS)]
            PartnerContact.objects.get_or_create(
                office=offices[office_slug],
                partner=partner,
                name=name,
                defaults={
                    "position": position,
                    "phone": _partner_phone(f"{slug}-{office_slug}"),
                    "email": f"{office_slug}@{slug}.example",
                    "receives_reminders": True,
                },
            )

    usernames = []
    for slug, office in offices.items():
        desk = office.desks.get(desk_type__code="ketenagakerjaan")
        for role, full_name in OFFICE_STAFF:
            username = f"{slug}.{role}"
            _user(
                username,
                full_name=full_name,
                organisation=office,
                roles=[role],
                desk=desk if role == Role.DESK_OFFICER else None,
                gender=STAFF_GENDER.get(role, "U"),
            )
            usernames.append(username)
        suffix, full_name, gender = SECOND_COUNSELLOR
        _user(
            f"{slug}.{suffix}",
            full_name=full_name,
            organisation=office,
            roles=[Role.COUNSELLOR],
            gender=gender,
        )
        usernames.append(f"{slug}.{suffix}")
        for desk_code, full_name, gender in DESK_OFFICERS:
            desk = office.desks.get(desk_type__code=desk_code)
            username = f"{slug}.{Role.DESK_OFFICER}-{desk.prefix.lower()}"
            _user(
                username,
                full_name=full_name,
                organisation=office,
                roles=[Role.DESK_OFFICER],
                desk=desk,
                gender=gender,
            )
            usernames.append(username)
    _user(
        "wcc-mawar-balqis.caseworker",
        full_name="Nurul Hidayah",
        organisation=partners["wcc-mawar-balqis"],
        roles=[Role.PARTNER_CASEWORKER],
        gender="F",
    )
    _user(
        "national.analyst",
        full_name="Dian Pratiwi",
        organisation=ministry,
        roles=[Role.NATIONAL_ANALYST],
    )
    _user(
        "national.placement",
        full_name="Ratna Wulandari",
        organisation=ministry,
        roles=[Role.NATIONAL_PLACEMENT],
        gender="F",
    )
    _user(
        "admin",
        full_name="Administrator SatuAtap",
        organisation=ministry,
        roles=[Role.ADMINISTRATOR],
        is_staff=True,
        is_superuser=True,
    )
    usernames += [
        "wcc-mawar-balqis.caseworker",
        "national.analyst",
        "national.placement",
        "admin",
    ]
    for user in User.objects.filter(username__in=usernames):
        if two_factor_applies_to(user):
            give_demo_authenticator(user)
    return usernames


# Every demo account under two-factor sign-in shares this published TOTP secret, so one entry in
# an authenticator app (or `satuatap demo_otp_code <username>`) signs any of them in.
DEMO_TOTP_SECRET = "SATUATAPDEMOSATUATAPDEMOSATUATAP"
DEMO_TOTP_KEY = base64.b32decode(DEMO_TOTP_SECRET).hex()


def give_demo_authenticator(user: User) -> None:
    """A confirmed TOTP device with the demo secret, unless the user already set one up."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="demo", key=DEMO_TOTP_KEY, confirmed=True)


def is_demo_device(device: TOTPDevice) -> bool:
    return device.key == DEMO_TOTP_KEY
