"""The demo looks like a year of real work (issue 19 point 9): thirteen months of front-desk
activity with a weekly and seasonal rhythm, waits that meet their targets on most days,
registrations spread over the year, and partners whose contacts receive the reminders."""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict

import pytest
from django.core import mail

from satuatap.cases.partner.services import send_referral_reminders
from satuatap.core.models import Organisation, OrganisationKind, PartnerContact
from satuatap.demo import frontdesk as demo
from satuatap.frontdesk.models import Service, Ticket, TicketStatus, Visit
from satuatap.people.models import Person

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo-year")]


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
    days = _visits_by_day(cirebon)
    start, end = demo.RAMADAN[2026]
    if min(days) > start - datetime.timedelta(days=42):
        pytest.skip("the demo's year began after the weeks before Ramadan 2026")
    before = [n for d, n in days.items() if 0 < (start - d).days <= 42]
    during = [n for d, n in days.items() if start <= d <= end]
    assert statistics.mean(before) > 1.5 * statistics.mean(during)


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
