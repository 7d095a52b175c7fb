"""The office the production smoke works in, and the proof that it lost no write.

`create_office` runs once after `satuatap migrate` and `load_regions`, in the smoke's own
process with production settings (no demo app): one office of Kabupaten Cirebon with two desks
and their default services (set by its head through the services, as the office-desks page
does), a partner women's crisis centre, and the staff of the morning, each with a password of
this run; the counsellor has an authenticator (a TOTP device with a key of this run, as after
the set-up page), since case workers sign in with two factors. Twenty people are registered
through `register_person` for the front desk to check in.

`check_writes` reads the database after the morning: every answer that told a user a write was
made (a check-in's ticket, a registration, a scan, an export, a case, its consent and referral)
is there, exactly once, and nothing beyond what the retried requests can explain.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass, field

OFFICE_SLUG = "smoke-cirebon"
REGENCY = "32.09"
PARTNER_SLUG = "smoke-wcc"
PEOPLE = 20
DESKS = {"ketenagakerjaan": "A", "pengaduan-informasi": "B"}
FRONT_DESK = ("smoke.frontdesk1", "smoke.frontdesk2", "smoke.kiosk")
COUNSELLOR = "smoke.counsellor"
HEAD = "smoke.head"
FIRST_NAMES = ["Siti", "Sri", "Nur", "Dewi", "Wahyuni", "Rina", "Yuliana", "Ratna", "Eti", "Tini"]
LAST_NAMES = ["Aminah", "Rahayu", "Hidayati", "Lestari", "Susanti", "Marlina", "Kurniasih"]


def create_office(password: str) -> dict:
    """Create the office, its staff and people; return what the morning needs to know."""
    from django.db import transaction
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from satuatap.core.models import (
        Organisation,
        OrganisationKind,
        PartnerType,
        RoleAssignment,
        User,
    )
    from satuatap.core.roles import Role
    from satuatap.core.services import configure_desks
    from satuatap.frontdesk.catalogue.services import install_default_services
    from satuatap.frontdesk.models import Service
    from satuatap.people.models import DocumentType, Sex
    from satuatap.people.nik import make_nik
    from satuatap.people.services import register_person
    from satuatap.regions.models import Region

    regency = Region.objects.get(code=REGENCY)
    villages = list(
        Region.objects.filter(code__startswith=f"{REGENCY}.", level=4).order_by("code")[:50]
    )
    if not villages:
        raise RuntimeError("no village of 32.09: did `satuatap load_regions` run?")

    def staff(username: str, role: str, office, gender: str = "U") -> User:
        user = User.objects.create_user(
            username=username,
            password=password,
            full_name=username.split(".", 1)[1].title(),
            organisation=office,
            gender=gender,
        )
        RoleAssignment.objects.create(user=user, role=role)
        return user

    with transaction.atomic():
        office = Organisation.objects.create(
            kind=OrganisationKind.OFFICE,
            slug=OFFICE_SLUG,
            name="LTSA-PPMI Kabupaten Cirebon (smoke)",
            region=regency,
        )
        partner = Organisation.objects.create(
            kind=OrganisationKind.PARTNER,
            slug=PARTNER_SLUG,
            name="Women's Crisis Center (smoke)",
            partner_type=PartnerType.WOMENS_CRISIS_CENTRE,
        )
        partner.partner_offices.add(office)
        head = staff(HEAD, Role.OFFICE_HEAD, office)
        configure_desks(office=office, prefixes=dict(DESKS), by=head)
        install_default_services(office=office, by=head)
        front_desk = [staff(name, Role.FRONTDESK, office, "F") for name in FRONT_DESK]
        counsellor = staff(COUNSELLOR, Role.COUNSELLOR, office, "F")
        totp_key = secrets.token_hex(20)
        # The counsellor and the head sign in with two factors (their authenticators share
        # the key: each account takes a code once).
        for user in (counsellor, head):
            TOTPDevice.objects.create(user=user, name="authenticator", key=totp_key, confirmed=True)
        people = []
        birth = datetime.date(1990, 1, 1)
        for n in range(PEOPLE):
            village = villages[n % len(villages)]
            born = birth + datetime.timedelta(days=97 * n)
            name = f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[n % len(LAST_NAMES)]} {n}"
            person = register_person(
                by=front_desk[0],
                full_name=name,
                sex=Sex.FEMALE,
                nik=make_nik(village.code[:8], born, Sex.FEMALE, 1001 + n),
                birth_date=born,
                village=village,
            )
            people.append(person.pk)
    services = Service.objects.filter(office=office, is_active=True)
    person_service = services.filter(
        desk__desk_type__code="ketenagakerjaan", allows_anonymous=False
    ).first()
    information = services.filter(
        desk__desk_type__code="pengaduan-informasi", allows_anonymous=True
    ).first()
    if person_service is None or information is None:
        raise RuntimeError("the default services of the two desks are missing")
    # A new registration at the morning: a village and a NIK no fixture person has.
    village = villages[-1]
    born = datetime.date(1996, 8, 17)
    return {
        "office_id": office.pk,
        "partner_id": partner.pk,
        "password": password,
        "front_desk": list(FRONT_DESK),
        "counsellor": COUNSELLOR,
        "head": HEAD,
        "totp_key": totp_key,
        "people": people,
        "person_service": person_service.pk,
        "information_service": information.pk,
        "ktp_type": DocumentType.objects.get(code="ktp").pk,
        "new_person": {
            "full_name": "Kartini Wulandari",
            "sex": Sex.FEMALE,
            "birth_date": born.isoformat(),
            "nik": make_nik(village.code[:8], born, Sex.FEMALE, 4321),
            "village": village.code,
        },
        "today": office.today().isoformat(),
    }


@dataclass
class Claims:
    """What the answers told the users was written."""

    visits: dict[int, list[tuple[int, str]]] = field(default_factory=dict)  # id → tickets
    # How often a request of each kind was answered 502 and sent again by its user: the first
    # attempt may have committed before its app server died, so as many more rows may exist.
    resent: dict[str, int] = field(default_factory=dict)
    person_id: int | None = None
    document_sha256: str = ""
    export_id: int | None = None
    case_id: int | None = None


def check_writes(scenario: dict, claims: Claims) -> tuple[list[str], dict]:
    """Problems found (empty when every claimed write is there once), and the counts."""
    import hashlib

    from auditlog.models import LogEntry
    from django.contrib.sessions.models import Session
    from django.db import connection

    from satuatap.cases.models import Case, CaseConsent, Referral
    from satuatap.frontdesk.models import DeskDayCounter, Ticket, Visit
    from satuatap.people.models import Person, PersonDocument
    from satuatap.reports.export_models import ExportJob, ExportStatus

    connection.close()  # read what the servers committed
    problems: list[str] = []
    office_id = scenario["office_id"]

    # Check-ins: every visit an answer named exists, with exactly the tickets it named.
    visits = Visit.objects.filter(office_id=office_id)
    in_database = set(visits.values_list("pk", flat=True))
    claimed = set(claims.visits)
    lost = claimed - in_database
    if lost:
        problems.append(f"{len(lost)} check-ins answered with a ticket are not in the database")
    tickets = {
        pk: (visit_id, f"{prefix}-{number:03d}")
        for pk, visit_id, prefix, number in Ticket.objects.filter(office_id=office_id).values_list(
            "pk", "visit_id", "prefix", "number"
        )
    }
    for visit_id, answered in claims.visits.items():
        for ticket_id, code in answered:
            if tickets.get(ticket_id) != (visit_id, code):
                problems.append(f"ticket {ticket_id} ({code}) of visit {visit_id} differs")
    # Beyond the answered ones, only what a request answered 502 (and sent again by its user)
    # may have written: the first attempt can have committed before its server died.
    extra = len(in_database - claimed)
    resent_check_ins = claims.resent.get("check-in", 0) + claims.resent.get("check-in (API)", 0)
    if extra > resent_check_ins:
        problems.append(
            f"{extra} check-ins in the database that no answer named, but only "
            f"{resent_check_ins} were sent again after a 502"
        )
    # Every desk-day holds the numbers 1..N exactly once and its counter says N.
    for desk_id, day in set(
        Ticket.objects.filter(office_id=office_id).values_list("desk_id", "day")
    ):
        numbers = sorted(
            Ticket.objects.filter(desk_id=desk_id, day=day).values_list("number", flat=True)
        )
        if numbers != list(range(1, len(numbers) + 1)):
            problems.append(f"desk {desk_id} on {day}: numbers are not 1..{len(numbers)}")
        counter = DeskDayCounter.objects.filter(desk_id=desk_id, day=day).first()
        if counter is None or counter.last_number != len(numbers):
            problems.append(f"desk {desk_id} on {day}: the counter is not {len(numbers)}")

    # The registration, its scan, the export, the case with its consent and referral.
    new_person = scenario["new_person"]
    registered = Person.objects.filter(office_id=office_id, full_name=new_person["full_name"])
    if claims.person_id is None or list(registered.values_list("pk", flat=True)) != [
        claims.person_id
    ]:
        problems.append("the registered person is not in the database exactly once")
    # Its audit entry names the address nginx saw, not the X-Forwarded-For the client sent.
    addresses = set(
        LogEntry.objects.get_for_model(Person)
        .filter(object_pk=str(claims.person_id), action=LogEntry.Action.CREATE)
        .values_list("remote_addr", flat=True)
    )
    if addresses != {"127.0.0.1"}:
        problems.append(f"the registration's audit entry names {addresses}, not 127.0.0.1")

    def once(label: str, rows: int, what: str) -> None:
        """One row, or up to one more per time its request was sent again after a 502."""
        allowed = 1 + claims.resent.get(label, 0)
        if not 1 <= rows <= allowed:
            problems.append(f"{rows} {what} in the database, not 1 (sent again: {allowed - 1})")

    scans = list(PersonDocument.objects.filter(person_id=claims.person_id))
    once("document upload", len(scans), "document scans")
    hashes = set()
    for scan in scans:
        with scan.file.open("rb") as handle:
            hashes.add(hashlib.sha256(handle.read()).hexdigest())
    if scans and hashes != {claims.document_sha256}:
        problems.append("a stored scan is not the uploaded one")
    job = ExportJob.objects.filter(pk=claims.export_id).first()
    if job is None or job.status != ExportStatus.DONE:
        problems.append(f"the export job is {job and job.status}, not done")
    once("export", ExportJob.objects.filter(office_id=office_id).count(), "export jobs")
    cases = Case.objects.filter(office_id=office_id)
    once("case intake", cases.count(), "cases")
    if claims.case_id not in set(cases.values_list("pk", flat=True)):
        problems.append("the case the intake answered with is not in the database")
    once("consent", CaseConsent.objects.filter(case_id=claims.case_id).count(), "consents")
    referrals = Referral.objects.filter(case_id=claims.case_id)
    once("referral", referrals.count(), "referrals")
    if set(referrals.values_list("partner_id", flat=True)) - {scenario["partner_id"]}:
        problems.append("a referral went to another partner")

    # Sessions live in Redis (SESSION_ENGINE=…cache): none in the database.
    if Session.objects.exists():
        problems.append("sessions were written to the database, not to Redis")
    counts = {
        "check-ins answered": len(claimed),
        "check-ins in the database": len(in_database),
        "check-ins written by a request answered 502": extra,
        "tickets": len(tickets),
    }
    return problems, counts
