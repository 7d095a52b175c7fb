"""Ticket numbers: A-001, A-002… per desk per office day; never duplicated or skipped."""

from __future__ import annotations

import datetime
import threading
import zoneinfo

import pytest
from django.db import connection
from django.utils import timezone

from satuatap.core.exceptions import DomainError
from satuatap.core.models import OfficeTimeZone
from satuatap.frontdesk.models import Ticket
from satuatap.frontdesk.services import check_in
from tests.factories import PersonFactory


def _codes(visit):
    return sorted(t.code for t in visit.tickets.all())


@pytest.mark.django_db
def test_one_ticket_per_desk_numbered_per_desk(frontdesk, services, office):
    person = PersonFactory(office=office)
    first = check_in(
        by=frontdesk,
        person=person,
        services=[services["registration"], services["recommendation"], services["passport"]],
    )
    second = check_in(by=frontdesk, person=person, services=[services["registration"]])

    assert _codes(first) == ["A-001", "E-001"]
    assert _codes(second) == ["A-002"]
    ticket = first.tickets.get(prefix="A")
    assert set(ticket.services.all()) == {services["registration"], services["recommendation"]}


@pytest.mark.django_db
def test_anonymous_visit_only_for_information(frontdesk, services):
    visit = check_in(by=frontdesk, services=[services["information"]], sex="F", age_band="25-39")
    assert _codes(visit) == ["B-001"] and visit.is_anonymous and visit.sex == "F"
    with pytest.raises(DomainError) as error:
        check_in(by=frontdesk, services=[services["passport"]], sex="F")
    assert error.value.code == "person_required"
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_failed_check_in_takes_no_number(frontdesk, services, other_office):
    stranger = PersonFactory(office=other_office)
    with pytest.raises(DomainError):
        check_in(by=frontdesk, person=stranger, services=[services["registration"]])
    visit = check_in(by=frontdesk, services=[services["information"]])
    assert _codes(visit) == ["B-001"]


@pytest.mark.django_db
@pytest.mark.parametrize("zone", OfficeTimeZone.values)
def test_numbering_restarts_at_midnight_in_the_offices_time_zone(
    frontdesk, services, office, zone, monkeypatch
):
    office.time_zone = zone
    office.save()
    frontdesk.office.time_zone = zone  # the user's cached organisation
    local = zoneinfo.ZoneInfo(zone)
    before = datetime.datetime(2026, 8, 17, 23, 59, 30, tzinfo=local)
    after = datetime.datetime(2026, 8, 18, 0, 0, 30, tzinfo=local)

    numbers = []
    for moment in (before, before, after, after):
        monkeypatch.setattr(timezone, "now", lambda moment=moment: moment)
        visit = check_in(by=frontdesk, services=[services["information"]])
        ticket = visit.tickets.get()
        numbers.append((ticket.day, ticket.code))

    assert numbers == [
        (datetime.date(2026, 8, 17), "B-001"),
        (datetime.date(2026, 8, 17), "B-002"),
        (datetime.date(2026, 8, 18), "B-001"),
        (datetime.date(2026, 8, 18), "B-002"),
    ]


@pytest.mark.django_db
def test_same_instant_is_a_different_day_in_jayapura_than_in_jakarta(office, other_office):
    office.time_zone = OfficeTimeZone.WIB
    other_office.time_zone = OfficeTimeZone.WIT
    instant = datetime.datetime(2026, 8, 17, 16, 30, tzinfo=datetime.UTC)  # 23:30 WIB, 01:30 WIT
    assert timezone.localdate(instant, office.zone) == datetime.date(2026, 8, 17)
    assert timezone.localdate(instant, other_office.zone) == datetime.date(2026, 8, 18)


CLIENTS = 12
PER_CLIENT = 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_check_ins_never_duplicate_or_skip_a_number(frontdesk, services):
    barrier = threading.Barrier(CLIENTS)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            for _ in range(PER_CLIENT):
                check_in(by=frontdesk, services=[services["information"]])
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    numbers = sorted(Ticket.objects.filter(prefix="B").values_list("number", flat=True))
    assert numbers == list(range(1, CLIENTS * PER_CLIENT + 1))
