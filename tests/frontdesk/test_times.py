"""Waiting and service times per desk: median and p90 against the target."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from satuatap.frontdesk.models import Ticket, TicketStatus
from satuatap.frontdesk.services import check_in
from satuatap.frontdesk.times import desk_times, percentile
from tests.factories import PersonFactory


def test_percentile_is_nearest_rank():
    assert percentile([], 0.9) is None
    assert percentile([5.0], 0.9) == 5.0
    assert percentile([float(n) for n in range(1, 11)], 0.9) == 9.0
    assert percentile([float(n) for n in range(1, 11)], 0.5) == 5.0


@pytest.mark.django_db
def test_desk_times_from_hand_made_tickets(frontdesk, services, office):
    start = datetime.datetime(2026, 8, 17, 8, 0, tzinfo=office.zone)
    # (wait minutes, service minutes) for four served tickets; one still waiting, one no-show.
    plan = [(5, 10), (15, 25), (25, 18), (35, 30)]
    tickets = []
    for _ in range(len(plan) + 2):
        visit = check_in(by=frontdesk, services=[services["registration"]], person=PersonFactory())
        tickets.append(visit.tickets.get())
    day = tickets[0].day
    for ticket, (wait, service) in zip(tickets, plan, strict=False):
        called = start + datetime.timedelta(minutes=wait)
        Ticket.objects.filter(pk=ticket.pk).update(
            issued_at=start,
            called_at=called,
            served_at=called,
            finished_at=called + datetime.timedelta(minutes=service),
            status=TicketStatus.SERVED,
        )
    Ticket.objects.filter(pk=tickets[-1].pk).update(
        issued_at=start,
        called_at=start + datetime.timedelta(minutes=40),
        finished_at=start + datetime.timedelta(minutes=41),
        status=TicketStatus.NO_SHOW,
    )

    row = next(r for r in desk_times(office, day) if r.desk.desk_type.code == "ketenagakerjaan")

    assert (row.waiting_now, row.served, row.no_shows) == (1, 4, 1)
    assert row.median_wait == 25.0  # waits 5, 15, 25, 35, 40 → median 25
    assert row.p90_wait == 40.0
    assert row.median_service == 21.5  # services 10, 18, 25, 30
    assert row.p90_service == 30.0
    assert row.target_minutes == 17.5  # the desk's services: 20 and 15 minutes
    assert row.within_target == 2  # 10 and 18 are within the ticket's 20-minute target
    assert row.is_over_target


@pytest.mark.django_db
def test_today_page_for_office_staff_only(client, frontdesk, make_user, partner):
    client.force_login(frontdesk)
    page = client.get(reverse("frontdesk:today"))
    fragment = client.get(reverse("frontdesk:today"), headers={"HX-Request": "true"})
    assert page.status_code == 200 and 'data-testid="today-table"' in page.content.decode()
    assert "<html" not in fragment.content.decode()
    client.force_login(make_user("caseworker", organisation=partner))
    assert client.get(reverse("frontdesk:today")).status_code == 403
