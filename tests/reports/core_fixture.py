"""A small, hand-counted world for the report tests: March 2026 in the Cirebon office (WIB),
with records just before and after the month and a few in Tulungagung.

Every record is written with `save()`/`create()` (never `QuerySet.update()`), so the roll-up
receivers see every change, exactly as in production. The expected numbers are written next to
the records in tests/reports/test_indicators.py.
"""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal

from satuatap.cases.models import (
    Case,
    CaseCategory,
    CaseConsent,
    CaseStatus,
    Contact,
    GroupCount,
    Referral,
)
from satuatap.core.models import Desk, DeskType, Organisation, OrganisationKind, PartnerType
from satuatap.core.roles import Role
from satuatap.frontdesk.models import ServiceRecord, Survey, Ticket, TicketStatus, Visit
from satuatap.outreach.models import OutreachCount, OutreachEvent
from satuatap.people.models import Person
from satuatap.placement.files.models import PlacementFile
from satuatap.placement.models import Agency, JobOrder
from satuatap.placement.training.models import Course, Enrolment
from satuatap.regions.models import Region, RegionLevel
from tests.factories import OfficeFactory, PartnerFactory, UserFactory

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


def d(month: int, day: int, year: int = 2026) -> datetime.date:
    return datetime.date(year, month, day)


def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime.datetime:
    """An instant in Cirebon's time (WIB)."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=WIB)


class World:
    """The records, by name, for tests that change them."""


def _person(office, user, name, sex, birth, registered):
    person = Person.objects.create(
        office=office, full_name=name, sex=sex, birth_date=birth, created_by=user
    )
    person.created_at = registered
    person.save()
    return person


def _visit(office, user, day, *, person=None, sex="U", age_band=""):
    return Visit.objects.create(
        office=office,
        person=person,
        sex=person.sex if person else sex,
        age_band="" if person else age_band,
        day=day,
        checked_in_by=user,
    )


_numbers: dict = {}


def _ticket(visit, desk, *, status, issued, called=None, served=None, finished=None, user=None):
    key = (desk.pk, visit.day)
    _numbers[key] = _numbers.get(key, 0) + 1
    ticket = Ticket.objects.create(
        visit=visit,
        office=visit.office,
        desk=desk,
        day=visit.day,
        number=_numbers[key],
        prefix=desk.prefix,
        status=status,
        issued_at=issued,
        called_at=called,
        served_at=served,
        finished_at=finished,
    )
    if status == TicketStatus.SERVED:
        ServiceRecord.objects.create(
            ticket=ticket, person=visit.person, outcome="completed", recorded_by=user
        )
    return ticket


def build(office=None) -> World:
    """The Cirebon world (the `office` fixture's organisation when given)."""
    _numbers.clear()
    w = World()
    office = office or OfficeFactory(slug="cirebon")
    w.office = office
    w.other_office = OfficeFactory(slug="tulungagung")
    user = w.user = UserFactory(
        username="cirebon.worldbuilder", organisation=office, roles=[Role.OFFICE_HEAD]
    )
    other_user = UserFactory(
        username="tulungagung.worldbuilder", organisation=w.other_office, roles=[Role.OFFICE_HEAD]
    )

    # --- People (registrations) ------------------------------------------------------------
    w.ani = _person(office, user, "Ani", "F", d(5, 10, 2000), at(3, 2, 10))
    w.budi = _person(office, user, "Budi", "M", d(1, 1, 1990), at(3, 2, 23, 30))
    # 00:30 WIB on 3 March is still 2 March in UTC: a registration of 3 March.
    w.citra = _person(office, user, "Citra", "F", d(6, 1, 2008), at(3, 3, 0, 30))
    w.dewi = _person(office, user, "Dewi", "F", d(3, 15, 1980), at(2, 27, 9))
    w.eko = _person(office, user, "Eko", "U", None, at(3, 31, 23, 59))
    # 00:10 WIB on 1 April is 31 March in UTC: April.
    w.fajar = _person(office, user, "Fajar", "M", d(1, 1, 1960), at(4, 1, 0, 10))
    # 24 on 9 March, 25 from 10 March.
    w.hana = _person(office, user, "Hana", "F", d(3, 10, 2001), at(3, 5, 8))
    w.hana_duplicate = _person(office, user, "Hana D.", "F", d(3, 10, 2001), at(3, 5, 9))
    w.hana_duplicate.merged_into = w.hana
    w.hana_duplicate.save()

    # --- Front desk ------------------------------------------------------------------------
    labour = w.labour = Desk.objects.create(
        office=office, desk_type=DeskType.objects.get(code="ketenagakerjaan"), prefix="A"
    )
    mrc = w.mrc = Desk.objects.create(
        office=office, desk_type=DeskType.objects.get(code="pengaduan-informasi"), prefix="B"
    )
    served = TicketStatus.SERVED
    w.v1 = _visit(office, user, d(3, 9), person=w.ani)
    _ticket(
        w.v1,
        labour,
        status=served,
        issued=at(3, 9, 8),
        called=at(3, 9, 8, 10),
        served=at(3, 9, 8, 12),
        finished=at(3, 9, 8, 30),
        user=user,
    )
    _ticket(
        w.v1,
        mrc,
        status=served,
        issued=at(3, 9, 8),
        called=at(3, 9, 8, 30),
        finished=at(3, 9, 8, 40),
        user=user,
    )
    w.v2 = _visit(office, user, d(3, 9), person=w.hana)
    _ticket(
        w.v2,
        labour,
        status=TicketStatus.NO_SHOW,
        issued=at(3, 9, 9),
        called=at(3, 9, 9, 5),
        finished=at(3, 9, 9, 10),
    )
    w.v3 = _visit(office, user, d(3, 10), person=w.hana)
    _ticket(
        w.v3,
        labour,
        status=served,
        issued=at(3, 10, 10),
        called=at(3, 10, 10, 20),
        served=at(3, 10, 10, 21),
        finished=at(3, 10, 10, 31),
        user=user,
    )
    w.v4 = _visit(office, user, d(3, 10), sex="M", age_band="35-44")
    _ticket(
        w.v4,
        mrc,
        status=served,
        issued=at(3, 10, 11),
        called=at(3, 10, 11, 6),
        served=at(3, 10, 11, 6),
        finished=at(3, 10, 11, 16),
        user=user,
    )
    w.v5 = _visit(office, user, d(3, 11), sex="F", age_band="25-34")
    _ticket(w.v5, mrc, status=TicketStatus.WAITING, issued=at(3, 11, 9))
    w.v6 = _visit(office, user, d(2, 28), person=w.budi)
    _ticket(
        w.v6,
        labour,
        status=served,
        issued=at(2, 28, 9),
        called=at(2, 28, 9, 1),
        finished=at(2, 28, 9, 2),
        user=user,
    )
    Survey.objects.create(visit=w.v1, channel="qr", **{f"u{n}": 4 for n in range(1, 10)})
    Survey.objects.create(visit=w.v4, channel="kiosk", **{f"u{n}": 3 for n in range(1, 9)}, u9=None)

    # --- Placement ---------------------------------------------------------------------------
    agency = Agency.objects.create(
        name="PT Bina",
        licence_number="SIP3MI/W1",
        licence_valid_from=d(1, 1, 2020),
        licence_valid_until=d(12, 31, 2030),
    )
    job_order = JobOrder.objects.create(
        office=office,
        agency=agency,
        scheme="p3mi",
        permit_number="SIP2MI/W1",
        permit_valid_from=d(1, 1, 2025),
        permit_valid_until=d(12, 31, 2027),
        country="TW",
        employer="Keluarga Lin",
        sector="caregiving",
        occupation="Caregiver",
        quota_women=5,
        salary_amount=Decimal("20000"),
        salary_currency="TWD",
        contract_months=36,
        closing_date=d(12, 31, 2026),
    )

    def placement_file(person, **values):
        return PlacementFile.objects.create(
            office=office, person=person, stage_since=d(1, 1), created_by=user, **values
        )

    w.pf1 = placement_file(
        w.ani,
        scheme="individual",
        country="HK",
        sector="domestic",
        stage="departed",
        departure_date=d(3, 5),
    )
    w.pf2 = placement_file(
        w.budi,
        scheme="g2g",
        country="KR",
        sector="manufacturing",
        stage="departed",
        departure_date=d(3, 12),
    )
    w.pf3 = placement_file(
        w.dewi,
        scheme="p3mi",
        job_order=job_order,
        stage="returned",
        departure_date=d(1, 10),
        return_date=d(3, 20),
        return_reason="problem",
    )
    w.pf4 = placement_file(
        w.hana, scheme="individual", country="HK", stage="departed", departure_date=d(3, 25)
    )
    w.pf5 = placement_file(
        w.fajar,
        scheme="individual",
        country="MY",
        sector="plantation",
        stage="returned",
        departure_date=d(1, 1, 2024),
        return_date=d(3, 31),
        return_reason="contract_finished",
    )

    # --- Training ----------------------------------------------------------------------------
    def course(kind, title, end):
        return Course.objects.create(
            office=office,
            kind=kind,
            title=title,
            training_centre="BLK Cirebon",
            start_date=end - datetime.timedelta(days=5),
            end_date=end,
            capacity=20,
        )

    w.c1 = course("training", "Caregiver", d(3, 15))
    w.c2 = course("opp", "OPP Maret", d(3, 20))
    w.c3 = course("training", "Bahasa", d(4, 2))
    w.e_ani = Enrolment.objects.create(course=w.c1, person=w.ani, result="passed")
    Enrolment.objects.create(course=w.c1, person=w.citra, result="passed")
    Enrolment.objects.create(course=w.c1, person=w.budi, result="failed")
    Enrolment.objects.create(course=w.c2, person=w.dewi, result="passed")
    Enrolment.objects.create(course=w.c3, person=w.hana, result="passed")

    # --- MRC contacts ------------------------------------------------------------------------
    def contact(kind, channel, day, **values):
        return Contact.objects.create(
            office=office,
            kind=kind,
            channel=channel,
            topic="safe_migration",
            occurred_on=day,
            recorded_by=user,
            **values,
        )

    w.k1 = contact("information", "walk_in", d(3, 3), person=w.budi, sex="M")
    w.k2 = contact("information", "phone", d(3, 4), sex="F", age_band="18-24")
    w.k3 = contact("information", "outreach", d(3, 6), is_group=True)
    for sex, band, count in (("F", "25-39", 6), ("M", "40-59", 2), ("U", "unknown", 1)):
        GroupCount.objects.create(contact=w.k3, sex=sex, age_band=band, count=count)
    w.k4 = contact("counselling", "walk_in", d(3, 9), person=w.hana, sex="F")
    w.k5 = contact("counselling", "online", d(3, 10), is_group=True)
    w.k5.participants.set([w.ani, w.citra])
    w.k6 = contact("counselling", "walk_in", d(4, 1), sex="F", age_band="25-39")

    # --- MRC cases and referrals -------------------------------------------------------------
    def case(number, client, received, categories, *, closed=None, money=0):
        item = Case.objects.create(
            office=office,
            number=number,
            client=client,
            channel="walk_in",
            received_on=received,
            money_recovered_idr=money,
            created_by=user,
        )
        for category in categories:
            CaseCategory.objects.create(case=item, category=category)
        if closed is not None:
            item.status = CaseStatus.CLOSED
            item.closed_at = closed
            item.save()
        return item

    w.cs1 = case("C1", w.ani, d(3, 2), ["wages", "fees"], closed=at(3, 20, 10), money=5_000_000)
    w.cs2 = case("C2", w.dewi, d(2, 20), ["wages"], closed=at(3, 31, 23))
    w.cs3 = case("C3", w.hana, d(3, 9), ["gbv"])
    # Closed at 00:30 WIB on 1 April: April, although 31 March in UTC.
    w.cs4 = case("C4", w.budi, d(3, 15), ["contract"], closed=at(4, 1, 0, 30), money=1_000_000)
    w.cs5 = case("C5", w.citra, d(1, 10), ["document_retention"])

    w.wcc = PartnerFactory(slug="wcc-mawar-balqis", name="WCC Mawar Balqis")
    w.legal = PartnerFactory(
        slug="lbh-cirebon", name="LBH Cirebon", partner_type=PartnerType.LEGAL_AID
    )

    def referral(case_, partner, sent, *, state="sent", answered=None, completed=None):
        consent = CaseConsent.objects.create(
            case=case_, recipient=partner, items=["identity"], given_on=sent.date(), method="signed"
        )
        item = Referral.objects.create(
            case=case_,
            partner=partner,
            consent=consent,
            service="Pendampingan",
            due_on=sent.date() + datetime.timedelta(days=7),
            state=state,
            answered_at=answered,
            completed_at=completed,
        )
        item.sent_at = sent
        item.save()
        return item

    w.r1 = referral(
        w.cs1, w.wcc, at(3, 3, 10), state="completed", answered=at(3, 4, 9), completed=at(3, 10, 9)
    )
    w.r2 = referral(w.cs3, w.wcc, at(3, 10, 11))
    w.r3 = referral(w.cs4, w.legal, at(3, 16, 9), state="declined", answered=at(4, 1, 0, 30))
    w.r4 = referral(w.cs5, w.legal, at(2, 1, 9), state="accepted", answered=at(3, 2, 9))

    # --- Outreach ------------------------------------------------------------------------------
    villages = list(
        Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith="32.09.").order_by(
            "code"
        )[:2]
    )
    w.village_a, w.village_b = villages

    def event(day, village, counts):
        item = OutreachEvent.objects.create(
            office=office, village=village, date=day, kind="socialisation", title="Sosialisasi"
        )
        for sex, band, count in counts:
            OutreachCount.objects.create(event=item, sex=sex, age_band=band, count=count)
        return item

    w.o1 = event(d(3, 7), w.village_a, [("F", "18-24", 10), ("M", "25-39", 5)])
    w.o2 = event(d(3, 21), w.village_a, [("F", "unknown", 3)])
    w.o3 = event(d(3, 21), w.village_b, [("M", "60+", 2)])
    w.o4 = event(d(4, 5), w.village_b, [("F", "25-39", 4)])

    # --- Tulungagung: a little of everything the national tables sum --------------------------
    other = w.other_office
    siti = _person(other, other_user, "Siti", "F", d(7, 7, 1995), at(3, 4, 10))
    w.other_case = Case.objects.create(
        office=other, number="T1", client=siti, channel="phone", received_on=d(3, 4)
    )
    CaseCategory.objects.create(case=w.other_case, category="wages")
    w.other_contact = Contact.objects.create(
        office=other,
        kind="counselling",
        channel="phone",
        topic="rights",
        occurred_on=d(3, 4),
        person=siti,
        sex="F",
    )
    return w


def national_world() -> World:
    """Only the offices and users of the national tests."""
    w = World()
    w.office = OfficeFactory(slug="cirebon")
    w.other_office = OfficeFactory(slug="tulungagung")
    w.ministry = Organisation.objects.get_or_create(
        slug="national", defaults={"kind": OrganisationKind.MINISTRY, "name": "Kementerian"}
    )[0]
    return w
