"""Ticket numbering for any interleaving of check-ins (tests/frontdesk/test_numbering.py has the
examples and the concurrent run): per desk per office day, numbers run 1, 2, 3… in the order
the tickets were issued, and the office day is the calendar day in the office's own time zone,
so each office starts again at its own midnight (WIB, WITA or WIT)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from satuatap.core.models import DeskType, OfficeTimeZone
from satuatap.core.roles import Role
from satuatap.frontdesk.models import Service
from satuatap.frontdesk.services import check_in
from tests.factories import DeskFactory

pytestmark = pytest.mark.django_db

DESK_CODES = ("ketenagakerjaan", "pengaduan-informasi")
# 13:00 UTC on 17 August to 03:00 UTC on 19 August: midnight twice in WIT (15:00 UTC), WITA
# (16:00 UTC) and WIB (17:00 UTC).
START = datetime.datetime(2026, 8, 17, 13, 0, tzinfo=datetime.UTC)
WINDOW_MINUTES = 38 * 60


@pytest.fixture
def counters(office, other_office, make_user):
    """Per office: its front desk user and an anonymous service at each of two desks."""
    made = []
    for organisation in (office, other_office):
        services = []
        for code in DESK_CODES:
            desk = DeskFactory(office=organisation, desk_type=DeskType.objects.get(code=code))
            services.append(
                Service.objects.create(
                    office=organisation,
                    desk=desk,
                    name_id=f"Informasi {code}",
                    target_minutes=10,
                    allows_anonymous=True,
                )
            )
        made.append((make_user(Role.FRONTDESK, organisation=organisation), services))
    return made


check_ins = st.lists(
    st.tuples(
        st.integers(0, 1),  # which office
        st.sampled_from([(0,), (1,), (0, 1)]),  # which desks (one visit, one ticket per desk)
        st.integers(0, WINDOW_MINUTES),  # minutes after START
    ),
    min_size=1,
    max_size=30,
).map(lambda steps: sorted(steps, key=lambda step: step[2]))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(zones=st.tuples(*[st.sampled_from(OfficeTimeZone.values)] * 2), steps=check_ins)
def test_numbers_run_1_2_3_per_desk_per_office_day_for_any_interleaving(counters, zones, steps):
    with transaction.atomic():
        for (user, _services), zone in zip(counters, zones, strict=True):
            user.organisation.time_zone = zone
            user.organisation.save(update_fields=["time_zone"])

        issued = []  # (office index, desk index, local day, number, prefix, ticket's day)
        for office_index, desk_indexes, minutes in steps:
            user, services = counters[office_index]
            moment = START + datetime.timedelta(minutes=minutes)
            with mock.patch.object(timezone, "now", return_value=moment):
                visit = check_in(by=user, services=[services[i] for i in desk_indexes])
            local_day = moment.astimezone(user.organisation.zone).date()
            for ticket, _ in visit.issued_tickets:
                desk_index = next(i for i in desk_indexes if services[i].desk_id == ticket.desk_id)
                issued.append((office_index, desk_index, local_day, ticket))
        transaction.set_rollback(True)

    numbers = defaultdict(list)
    for office_index, desk_index, local_day, ticket in issued:
        assert ticket.day == local_day
        assert ticket.code == f"{ticket.prefix}-{ticket.number:03d}"
        numbers[office_index, desk_index, local_day].append(ticket.number)
    for sequence in numbers.values():
        assert sequence == list(range(1, len(sequence) + 1))
    assert len(issued) == sum(len(desks) for _, desks, _ in steps)
