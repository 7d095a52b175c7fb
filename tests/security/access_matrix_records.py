"""The records the access matrix asks for: one of each kind in office A (Cirebon) and the same in
office B (Tulungagung), with the users of every role.

Everything is written through the apps' services where a service exists, so the records are
what the application itself makes. `build()` returns, per office, the value of each path
parameter the matrix fills in (`Records.ids["own"]` and `Records.ids["other"]`).
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from satuatap.cases import services as cases
from satuatap.cases.directory import services as directory_services
from satuatap.cases.models import Category, Channel, GbvType, SharedItem
from satuatap.cases.portal_intake import services as portal_intake
from satuatap.cases.retention import services as case_retention
from satuatap.core import partners
from satuatap.core.models import DeskType, Organisation, RetentionRun, RoleGrant
from satuatap.core.partners import services as partner_services
from satuatap.core.roles import Role
from satuatap.frontdesk import services as frontdesk
from satuatap.frontdesk.bookings import services as booking_services
from satuatap.frontdesk.models import Device, Service
from satuatap.notifications.addresses import address_key
from satuatap.notifications.models import Message, MessageStatus
from satuatap.outreach import services as outreach
from satuatap.outreach.models import AgeBand, EventKind
from satuatap.outreach.offline import services as offline_sync
from satuatap.people import services as people
from satuatap.people.data_rights import services as data_rights
from satuatap.people.documents import services as documents
from satuatap.people.imports import services as imports
from satuatap.people.models import DocumentType, Relation, Sex
from satuatap.placement import services as placement_services
from satuatap.placement.files import services as files
from satuatap.placement.models import Agency, AgencyStatus, JobOrder, Scheme
from satuatap.placement.training import services as training
from satuatap.privacy import services as privacy
from satuatap.privacy.models import Breach
from satuatap.regions.models import Region, RegionLevel
from satuatap.reports.exports import services as export_jobs
from satuatap.reports.exports.common import ExportParameters
from satuatap.reports.exports.worker import services as export_worker
from tests.factories import (
    DeskFactory,
    MinistryFactory,
    OfficeFactory,
    PartnerFactory,
    UserFactory,
    pair_device,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OFFICE_ROLE_NAMES = (
    Role.FRONTDESK,
    Role.DESK_OFFICER,
    Role.PLACEMENT_OFFICER,
    Role.COUNSELLOR,
    Role.CASE_SUPERVISOR,
    Role.OUTREACH_WORKER,
    Role.OFFICE_HEAD,
)
NIK_PREFIX = {"cirebon": "320901", "tulungagung": "350401"}


@dataclass
class Records:
    users: dict[str, object] = field(default_factory=dict)  # persona role → user (office A)
    ids: dict[str, dict[str, object]] = field(default_factory=dict)  # "own"/"other" → key → id
    # Paired device → its credential cookie (office A's calling screen and exit kiosk).
    device_cookies: dict[str, str] = field(default_factory=dict)


def _pdf(name: str = "scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _office_users(office: Organisation, labour_desk) -> dict[str, object]:
    users = {}
    for role in OFFICE_ROLE_NAMES:
        extra = {"desk": labour_desk} if role == Role.DESK_OFFICER else {}
        gender = {"gender": "F"} if role in (Role.COUNSELLOR, Role.CASE_SUPERVISOR) else {}
        users[str(role)] = UserFactory(
            username=f"{office.slug}.{role}", organisation=office, roles=[role], **extra, **gender
        )
    users["counsellor2"] = UserFactory(
        username=f"{office.slug}.counsellor2",
        organisation=office,
        roles=[Role.COUNSELLOR],
        gender="F",
    )
    return users


def _office_records(office: Organisation, partner: Organisation, agency: Agency) -> tuple:
    """One record of every kind in `office`; returns (users, ids)."""
    today = office.today()
    labour = DeskFactory(office=office, desk_type=DeskType.objects.get(code="ketenagakerjaan"))
    mrc = DeskFactory(office=office, desk_type=DeskType.objects.get(code="pengaduan-informasi"))
    users = _office_users(office, labour)
    head, placement, counsellor = users["head"], users["placement"], users["counsellor"]
    frontdesk_user = users["frontdesk"]
    nik = NIK_PREFIX[office.slug]

    # --- Registry ------------------------------------------------------------------------------
    village = Region.objects.filter(
        level=RegionLevel.VILLAGE, code__startswith=office.region_id + "."
    ).order_by("code")[0]
    person = people.register_person(
        by=frontdesk_user,
        full_name="Sulastri",
        sex=Sex.FEMALE,
        nik=f"{nik}5003950001",
        birth_date=datetime.date(1995, 3, 10),
        village=village,
    )
    worker = people.register_person(
        by=frontdesk_user,
        full_name="Wulandari",
        sex=Sex.FEMALE,
        nik=f"{nik}4106980002",
        birth_date=datetime.date(1998, 6, 1),
        village=village,
    )
    relative = people.register_person(by=frontdesk_user, full_name="Putri", sex=Sex.FEMALE)
    family_link = people.link_family(
        person=person, relative=relative, relation=Relation.CHILD, by=frontdesk_user
    )
    person_consent = people.record_consent(
        person=person, by=frontdesk_user, purpose="registry", given_on=today, method="signed"
    )
    document = documents.upload_document(
        person=person,
        document_type=DocumentType.objects.get(code="ijazah"),
        file=_pdf(),
        by=frontdesk_user,
    )
    register = SimpleUploadedFile("register.csv", b"Nama,Jenis Kelamin\nAni,P\n", "text/csv")
    import_job = imports.create_import_job(uploaded_file=register, by=frontdesk_user)

    # --- Front desk ------------------------------------------------------------------------------
    service = Service.objects.create(
        office=office, desk=labour, name_id="Pendaftaran CPMI", target_minutes=20
    )
    Service.objects.create(
        office=office, desk=mrc, name_id="Informasi", target_minutes=10, allows_anonymous=True
    )
    visit = frontdesk.check_in(by=frontdesk_user, services=[service], person=person)
    ticket = visit.tickets.get()
    # A time the head opened for tomorrow, and the person's booking of it (portal).
    tomorrow = today + datetime.timedelta(days=1)
    visit_slot = booking_services.add_slot(
        desk=labour, weekday=tomorrow.weekday(), starts_at=datetime.time(9, 0), capacity=5, by=head
    )
    booking = booking_services.book_visit(
        person=person, slot=visit_slot, service=service, day=tomorrow
    )
    # A request for help from the public portal: a contact of the office's MRC.
    portal_contact = portal_intake.receive_help_request(
        office=office, what_happened="Gaji tidak dibayar", reach="WhatsApp malam", country="HK"
    )
    screen, screen_cookie = pair_device(office=office, kind=Device.Kind.CALLING_SCREEN, by=head)
    _kiosk, kiosk_cookie = pair_device(
        office=office, kind=Device.Kind.EXIT_KIOSK, by=head, name="Tablet"
    )

    # --- Placement -----------------------------------------------------------------------------
    job_order = JobOrder.objects.create(
        office=office,
        agency=agency,
        scheme=Scheme.P3MI,
        permit_number=f"SIP2MI/{office.slug}",
        permit_valid_from=today - datetime.timedelta(days=10),
        permit_valid_until=today + datetime.timedelta(days=100),
        country="HK",
        employer="Household employer",
        sector="domestic",
        occupation="Domestic worker",
        quota_women=10,
        salary_amount=Decimal("4990.00"),
        salary_currency="HKD",
        contract_months=24,
        closing_date=today + datetime.timedelta(days=30),
        is_published=True,
    )
    placement_file = files.open_file(person=worker, by=placement, values={"job_order": job_order})
    concern = placement_services.raise_concern(
        agency=agency, by=placement, kind="recruiting", text="Merekrut di luar cabang."
    )
    course = training.create_course(
        by=placement,
        values={
            "kind": "training",
            "title": "Caregiver",
            "training_centre": "BLK",
            "competency": "Elderly care",
            "start_date": today - datetime.timedelta(days=4),
            "end_date": today,
            "weekdays": "0123456",
            "capacity": 10,
        },
    )
    enrolment = training.enrol(course=course, person=worker, by=placement)

    # --- MRC -----------------------------------------------------------------------------------
    contact = cases.record_contact(
        by=counsellor, kind="information", channel=Channel.WALK_IN, topic="documents",
        occurred_on=today, person=person, sex=Sex.FEMALE,
    )  # fmt: skip
    case = cases.open_case(
        by=counsellor,
        client=person,
        channel=Channel.WALK_IN,
        categories=[Category.WAGES],
        narrative="Gaji tidak dibayar.",
    )
    restricted = cases.open_case(
        by=users["counsellor2"],
        client=relative,
        channel=Channel.WALK_IN,
        categories=[Category.GBV],
        gbv_types=[GbvType.PHYSICAL_ASSAULT],
        narrative="Dipukul.",
    )
    action = cases.add_action(
        case=case, description="Hubungi agensi", owner=counsellor, due_on=today, by=counsellor
    )
    attachment = cases.upload_attachment(
        case=case, by=counsellor, title="Kontrak", file=_pdf("contract.pdf")
    )
    case_consent = cases.record_consent(
        case=case,
        by=counsellor,
        recipient=partner,
        items=[SharedItem.IDENTITY, SharedItem.SUMMARY],
        given_on=today,
        method="signed",
    )
    referral = cases.send_referral(
        case=case,
        by=counsellor,
        partner=partner,
        service="Pendampingan",
        due_on=today + datetime.timedelta(days=7),
    )

    # A legal hold on the case, and an erasure request waiting for the MRC's review (the
    # restricted case's client).
    legal_hold = case_retention.set_legal_hold(
        case=case, by=users["supervisor"], reason="Proses hukum berjalan."
    )
    erasure_request = data_rights.request_erasure(person=relative, by=head, reason="person")

    # --- Personal-data protection ----------------------------------------------------------------
    subject_request = privacy.register_subject_request(
        by=frontdesk_user,
        request_type="access",
        received_at=timezone.now(),
        channel="in_person",
        person=person,
    )
    breach = privacy.report_breach(
        by=head,
        title="Laptop hilang",
        discovered_at=timezone.now(),
        data_categories=["identity"],
        how="Laptop dicuri.",
        remediation="Kata sandi diganti.",
    )

    # --- Notifications: a message that could not be sent --------------------------------------
    failed_message = Message.objects.create(
        office=office,
        person=person,
        channel="sms",
        address="+6281234567890",
        address_key=address_key("sms", "+6281234567890"),
        template_code="document_expiring",
        status=MessageStatus.FAILED,
        attempts=5,
        last_error="SMS gateway 400: invalid destination number",
        failed_at=timezone.now(),
    )

    # --- Outreach ------------------------------------------------------------------------------
    outreach_user = users["outreach"]
    event = outreach.create_event(
        by=outreach_user,
        village=village,
        date=today - datetime.timedelta(days=3),
        kind=EventKind.SOCIALISATION,
        title="Sosialisasi",
        counts=[(Sex.FEMALE, AgeBand.ADULT, 5)],
    )
    outreach.add_participant(event=event, person=person, by=outreach_user)
    follow_up = outreach.record_follow_up(
        event=event, person=person, came_on=today, by=outreach_user
    )
    # An event recorded offline that names the same person twice: the sync reports it.
    offline_event = offline_sync.OfflineEvent(
        offline_id=uuid.uuid4(),
        village=village.code,
        date=today - datetime.timedelta(days=2),
        kind=EventKind.SOCIALISATION,
        title="Sosialisasi (offline)",
        counts=[(Sex.FEMALE, AgeBand.ADULT, 4)],
        participants=[
            offline_sync.OfflineParticipant(full_name="Sulastri", sex=Sex.FEMALE, nik=person.nik)
        ]
        * 2,
    )
    (synced,) = offline_sync.sync_events(by=outreach_user, records=[offline_event])
    (sync_conflict,) = synced.conflicts
    focal_point = outreach.add_focal_point(
        by=outreach_user, village=village, name="Sumarni", since=today
    )
    regulation = outreach.upload_regulation(
        by=outreach_user,
        village=village,
        number="3 Tahun 2021",
        date=datetime.date(2021, 6, 1),
        title="Perlindungan PMI",
        file=_pdf("perdes.pdf"),
    )

    # --- Staff: a colleague the head manages, a grant waiting for a second person --------------
    role_grant = RoleGrant.objects.create(
        user=users["outreach"], role=Role.CASE_SUPERVISOR, requested_by=head
    )
    new_head = UserFactory(
        username=f"{office.slug}.newhead", organisation=office, roles=[Role.OFFICE_HEAD]
    )
    new_head.set_unusable_password()
    new_head.save()

    # --- The partner directory: a contact person and a consent template ------------------------
    partner_contact = partner_services.save_contact(
        office=office,
        partner=partner,
        by=head,
        details=partners.ContactDetails(name="Ibu Wulan", email="wulan@example.org"),
    )
    consent_template = directory_services.save_consent_template(
        office=office, partner=partner, by=head, name="Pendampingan hukum", items=["identity"]
    )

    # --- Reports -------------------------------------------------------------------------------
    export = export_jobs.start_export(
        by=head,
        kind="dhis2",
        params=ExportParameters(date_from=today.replace(day=1), date_to=today, office_id=office.pk),
    )
    export_worker.run_export(export.pk)

    ids = {
        "office": office.pk,
        "office_slug": office.slug,
        "person": person.pk,
        "family_link": family_link.pk,
        "person_consent": person_consent.pk,
        "document": document.pk,
        "import_job": import_job.pk,
        "visit": visit.pk,
        "ticket": ticket.pk,
        "ticket_code": f"{ticket.prefix}-{ticket.number:03d}",
        "desk": labour.pk,
        "service": service.pk,
        "device": screen.pk,
        "screen_cookie": screen_cookie,
        "kiosk_cookie": kiosk_cookie,
        "survey_token": visit.survey_token,
        "visit_slot": visit_slot.pk,
        "booking_token": booking.token,
        "booking_reference": booking.reference,
        "portal_contact": portal_contact.pk,
        "job_order": job_order.pk,
        "placement_file": placement_file.pk,
        "concern": concern.pk,
        "course": course.pk,
        "enrolment": enrolment.pk,
        "contact": contact.pk,
        "case": case.pk,
        "restricted_case": restricted.pk,
        "action": action.pk,
        "attachment": attachment.pk,
        "case_consent": case_consent.pk,
        "referral": referral.pk,
        "legal_hold": legal_hold.pk,
        "erasure_request": erasure_request.pk,
        "subject_request": subject_request.pk,
        "breach": breach.pk,
        "failed_message": failed_message.pk,
        "event": event.pk,
        "follow_up": follow_up.pk,
        "sync_conflict": sync_conflict.pk,
        "focal_point": focal_point.pk,
        "regulation": regulation.pk,
        "village": village.code,
        "export_job": export.pk,
        "partner": partner.pk,
        "counsellor_id": counsellor.pk,
        "counsellor2_id": users["counsellor2"].pk,
        "staff_member": frontdesk_user.pk,
        "role_grant": role_grant.pk,
        "new_head": new_head.pk,
        "partner_contact": partner_contact.pk,
        "consent_template": consent_template.pk,
        "today": today.isoformat(),
    }
    return users, ids


def build() -> Records:
    """Both offices' records; the personas are office A's users, its partner's case worker, the
    national analyst, the ministry placement administrator and the administrator."""
    office = OfficeFactory(slug="cirebon")
    other_office = OfficeFactory(slug="tulungagung")
    ministry = MinistryFactory()
    partner = PartnerFactory(slug="wcc-mawar-balqis", name="WCC Mawar Balqis")
    partner.partner_offices.add(office)
    other_partner = PartnerFactory(slug="wcc-tulungagung", name="WCC Tulungagung")
    other_partner.partner_offices.add(other_office)
    today = office.today()
    agency = Agency.objects.create(
        name="PT Bina Karya",
        licence_number="SIP3MI/MATRIX",
        licence_valid_from=today - datetime.timedelta(days=365),
        licence_valid_until=today + datetime.timedelta(days=365),
        status=AgencyStatus.ACTIVE,
    )
    users, own = _office_records(office, partner, agency)
    _other_users, other = _office_records(other_office, other_partner, agency)
    retention_run = RetentionRun.objects.create(trigger="command", today=today)
    for ids in (own, other):
        ids["agency"] = agency.pk  # agencies are one national list
        ids["retention_run"] = retention_run.pk  # the retention reports are national
        ids["region"] = office.region_id  # reference data, the same for everyone
    users["caseworker"] = UserFactory(
        username="wcc-mawar-balqis.caseworker",
        organisation=partner,
        roles=[Role.PARTNER_CASEWORKER],
    )
    users["analyst"] = UserFactory(
        username="national.analyst", organisation=ministry, roles=[Role.NATIONAL_ANALYST]
    )
    users["placementadmin"] = UserFactory(
        username="national.placement", organisation=ministry, roles=[Role.NATIONAL_PLACEMENT]
    )
    users["admin"] = UserFactory(
        username="admin",
        organisation=ministry,
        roles=[Role.ADMINISTRATOR],
        is_staff=True,
        is_superuser=True,
    )
    for ids in (own, other):
        notice = privacy.record_notice(
            breach=Breach.objects.get(pk=ids["breach"]),
            by=users["admin"],
            recipient="authority",
            sent_at=timezone.now(),
            method="letter",
        )
        ids["breach_notice"] = notice.pk
    device_cookies = {"screen": str(own["screen_cookie"]), "kiosk": str(own["kiosk_cookie"])}
    return Records(users=users, ids={"own": own, "other": other}, device_cookies=device_cookies)
