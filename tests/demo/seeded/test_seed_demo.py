"""The demo dataset: pilot offices, partners, one user per role per office; idempotent.

It looks like a year of real work (issue 19 point 9): thirteen months of front-desk activity with
a weekly and seasonal rhythm, waits that meet their targets on most days, registrations spread
over the year, and partners whose contacts receive the reminders. The demo is seeded once for
the package (tests/demo/seeded/conftest.py `demo_data`)."""

from __future__ import annotations

import datetime
import io
import statistics
from collections import defaultdict

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import translation

from satuatap.cases.partner.services import send_referral_reminders
from satuatap.core.models import (
    Organisation,
    OrganisationKind,
    PartnerContact,
    RoleAssignment,
    User,
)
from satuatap.core.roles import OFFICE_ROLES
from satuatap.demo import frontdesk as demo
from satuatap.demo.outreach import EVENTS_PER_OFFICE
from satuatap.frontdesk.models import Service, Survey, Ticket, TicketStatus, Visit
from satuatap.outreach.models import OutreachEvent, VillageRegulation
from satuatap.people.models import FamilyLink, Person, StatusEvent

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo-seeded")]


def _snapshot():
    return (
        sorted(User.objects.values_list("username", "password")),
        sorted(Organisation.objects.values_list("slug", "kind")),
        RoleAssignment.objects.count(),
        list(Person.objects.order_by("pk").values_list("pk", "nik", "full_name")),
        StatusEvent.objects.count(),
        FamilyLink.objects.count(),
        Visit.objects.count(),
        Ticket.objects.count(),
        Survey.objects.count(),
    )


def test_seed_demo_creates_the_named_users_and_is_idempotent(demo_data, settings):
    first = _snapshot()
    # A survey only for a visit a desk served, as the survey's own rule says.
    assert Survey.objects.exists()
    assert not Survey.objects.exclude(visit__tickets__status=TicketStatus.SERVED).exists()
    out = io.StringIO()
    # As from a shell: the default language, not one an earlier test left active in the thread.
    with translation.override(settings.LANGUAGE_CODE):
        call_command("seed_demo", stdout=out)
    assert _snapshot() == first

    # It speaks the default language (Indonesian), every line of it.
    printed = out.getvalue()
    for line in (
        "Penempatan: 5 P3MI, job order untuk 4 kantor",
        "Pelatihan dan OPP:",
        "MRC: kontak, kasus, dan rujukan untuk",
        "Kegiatan penjangkauan, narahubung desa, dan peraturan desa untuk demo sudah dimuat.",
        "Data demo sudah dimuat.",
        f"Akun demo (sandi: {settings.SATUATAP_DEMO_PASSWORD}):",
        "  cirebon.counsellor\n",
        "juga memerlukan kode dua langkah",
    ):
        assert line in printed
    assert "loaded" not in printed and "Demo logins" not in printed

    usernames = {u for u, _ in first[0]}
    for office in ["cirebon", "tulungagung", "blitar", "lampung-timur"]:
        for role in OFFICE_ROLES:
            assert f"{office}.{role}" in usernames
    assert {
        "wcc-mawar-balqis.caseworker",
        "national.analyst",
        "national.placement",
        "admin",
    } <= usernames

    user = User.objects.get(username="cirebon.counsellor")
    assert user.check_password(settings.SATUATAP_DEMO_PASSWORD)
    assert user.has_role("counsellor")
    assert user.office.region_id == "32.09"
    assert User.objects.get(username="tulungagung.deskofficer").desk.desk_type.code == (
        "ketenagakerjaan"
    )


def test_demo_offices_have_desks_partners_and_people(demo_data):
    cirebon = Organisation.objects.get(slug="cirebon")
    assert cirebon.desks.count() >= 8
    assert cirebon.partners.filter(slug="wcc-mawar-balqis").exists()
    # Its job board tells where and when to apply.
    assert cirebon.address and cirebon.phone
    assert "Senin" in cirebon.opening_hours_id and "Monday" in cirebon.opening_hours_en
    people = Person.objects.filter(office=cirebon)
    assert people.count() > 0
    assert people.count() >= 300
    assert all(p.nik.startswith("3209") for p in people if p.nik)
    assert any(p.is_sensitive for p in people)
    women = people.filter(sex="F").count() / people.count()
    assert 0.55 < women < 0.75
    countries = set(
        StatusEvent.objects.filter(person__office=cirebon, status="abroad").values_list(
            "country", flat=True
        )
    )
    assert {"HK", "TW", "MY", "SG", "JP", "KR", "SA"} <= countries
    assert FamilyLink.objects.filter(person__office=cirebon, relation="child").exists()


def test_demo_offices_have_a_service_catalogue_and_weeks_of_visits(demo_data):
    cirebon = Organisation.objects.get(slug="cirebon")
    assert Service.objects.filter(office=cirebon, allows_anonymous=True).exists()
    days = set(Visit.objects.filter(office=cirebon).values_list("day", flat=True))
    assert len(days) >= 10
    assert Survey.objects.filter(visit__office=cirebon).count() > 50
    served = Ticket.objects.filter(office=cirebon, status="served")
    assert all(t.issued_at <= t.called_at <= t.finished_at for t in served)


def test_the_ministry_placement_administrator_keeps_the_agency_list(demo_data, settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from satuatap.core.models import OrganisationKind
    from satuatap.core.roles import Role
    from satuatap.placement.models import AgencyConcern

    user = User.objects.get(username="national.placement")
    assert user.check_password(settings.SATUATAP_DEMO_PASSWORD)
    assert user.roles == {Role.NATIONAL_PLACEMENT}
    assert user.organisation.kind == OrganisationKind.MINISTRY and user.office is None
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()  # under two-factor
    assert user.has_perm("placement.manage_agencies")
    assert user.has_perm("placement.review_agency_concerns")
    assert not user.has_perm("people.list_person") and not user.has_perm("cases.list_cases")
    assert not user.has_perm("reports.view_national_reports")
    for username in ("cirebon.placement", "cirebon.head", "admin"):
        assert not User.objects.get(username=username).has_perm("placement.manage_agencies")
    # The demo's concerns: one open from Cirebon, one Blitar's the ministry acknowledged.
    statuses = dict(AgencyConcern.objects.values_list("office__slug", "status"))
    assert statuses == {"cirebon": "open", "blitar": "acknowledged"}


def test_seed_demo_loads_the_outreach_demo(demo_data):
    assert OutreachEvent.objects.filter(office__slug="cirebon").count() == EVENTS_PER_OFFICE
    assert VillageRegulation.objects.filter(office__slug="cirebon").count() == 2


@pytest.fixture
def cirebon(demo_data) -> Organisation:
    return Organisation.objects.get(slug="cirebon")


def _visits_by_day(office) -> dict[datetime.date, int]:
    counts: dict[datetime.date, int] = defaultdict(int)
    for day in Visit.objects.filter(office=office).values_list("day", flat=True):
        counts[day] += 1
    return counts


def test_every_office_has_thirteen_months_of_working_days(demo_data):
    for office in Organisation.objects.filter(kind=OrganisationKind.OFFICE):
        days = _visits_by_day(office)
        today = office.today()
        assert min(days) <= demo.first_day(today) + datetime.timedelta(days=7)
        assert max(days) == max(d for d in days if d < today)
        months = {(d.year, d.month) for d in days}
        assert len(months) >= 13, office.slug
        assert all(not demo.is_closed(d) for d in days)  # no weekend, no Lebaran, no 17 August


def test_mondays_are_busiest_and_fridays_quietest(cirebon):
    by_weekday: dict[int, list[int]] = defaultdict(list)
    for day, count in _visits_by_day(cirebon).items():
        by_weekday[day.weekday()].append(count)
    means = {weekday: statistics.mean(counts) for weekday, counts in by_weekday.items()}
    assert max(means, key=means.__getitem__) == 0
    assert min(means, key=means.__getitem__) == 4


def test_the_weeks_before_ramadan_are_busier_than_ramadan(cirebon):
    # Thirteen months always hold some of a Ramadan together with some of the six weeks before
    # it (Ramadan comes every 354 days), whatever day the demo is seeded.
    days = _visits_by_day(cirebon)
    compared = 0
    for start, end in demo.RAMADAN.values():
        before = [n for d, n in days.items() if 0 < (start - d).days <= 42]
        during = [n for d, n in days.items() if start <= d <= end]
        if before and during:
            assert statistics.mean(before) > 1.5 * statistics.mean(during), start.year
            compared += 1
    assert compared >= 1


def test_waits_meet_the_desks_targets_on_most_days(cirebon):
    services = Service.objects.filter(office=cirebon)
    targets = {service.desk_id: service.target_minutes for service in services}
    waits: dict[datetime.date, list[float]] = defaultdict(list)
    for day, desk_id, issued, called in Ticket.objects.filter(
        office=cirebon, status=TicketStatus.SERVED
    ).values_list("day", "desk_id", "issued_at", "called_at"):
        assert issued <= called
        waits[day].append((called - issued).total_seconds() / 60 / targets[desk_id])
    within = [statistics.mean(ratios) <= 1 for ratios in waits.values()]
    assert sum(within) / len(within) >= 0.8


def test_registrations_are_spread_over_the_year(cirebon):
    months = defaultdict(int)
    for created in Person.objects.filter(office=cirebon).values_list("created_at", flat=True):
        months[(created.year, created.month)] += 1
    today = cirebon.today()
    last_year = [m for m in months if demo.first_day(today) <= datetime.date(*m, 28)]
    assert len(last_year) >= 12
    # No month holds most of the people (they were once all registered on the seeding day).
    assert max(months.values()) < 0.2 * sum(months.values())


def test_the_visits_of_a_person_follow_their_registration(cirebon):
    visits = Visit.objects.filter(office=cirebon, person__isnull=False)
    assert visits.count() > 1000
    for day, registered in visits.values_list("day", "person__created_at"):
        assert registered.date() <= day


def test_partners_have_addresses_and_the_reminders_reach_the_office_contacts(cirebon, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for partner in Organisation.objects.filter(kind=OrganisationKind.PARTNER):
        assert partner.email
        for office in partner.partner_offices.all():
            assert PartnerContact.objects.filter(
                office=office, partner=partner, receives_reminders=True
            ).exclude(email="")
    result = send_referral_reminders()
    assert result.emails > 0
    recipients = {address for message in mail.outbox for address in message.to}
    contacts = set(
        PartnerContact.objects.filter(receives_reminders=True).values_list("email", flat=True)
    )
    assert recipients and recipients <= contacts
