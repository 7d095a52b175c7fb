"""Fixtures of the outreach tests: villages of each office's area and a recorded event."""

from __future__ import annotations

import datetime

import pytest

from satuatap.core.roles import Role
from satuatap.outreach import services
from satuatap.outreach.models import AgeBand, EventKind
from satuatap.people.models import Sex
from satuatap.regions.models import Region, RegionLevel


def villages_of(prefix: str) -> list[Region]:
    return list(
        Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=prefix + ".").order_by(
            "code"
        )[:3]
    )


@pytest.fixture
def village(office):
    return villages_of(office.region_id)[0]


@pytest.fixture
def second_village(office):
    return villages_of(office.region_id)[1]


@pytest.fixture
def other_village(other_office):
    return villages_of(other_office.region_id)[0]


@pytest.fixture
def outreach_worker(make_user):
    return make_user(Role.OUTREACH_WORKER)


@pytest.fixture
def event_day(office):
    return office.today() - datetime.timedelta(days=20)


COUNTS = [
    (Sex.FEMALE, AgeBand.YOUNG, 7),
    (Sex.FEMALE, AgeBand.ADULT, 12),
    (Sex.MALE, AgeBand.ADULT, 5),
    (Sex.MALE, AgeBand.MIDDLE, 2),
    (Sex.NOT_RECORDED, AgeBand.NOT_RECORDED, 1),
]


@pytest.fixture
def event(outreach_worker, village, event_day):
    return services.create_event(
        by=outreach_worker,
        village=village,
        date=event_day,
        kind=EventKind.SOCIALISATION,
        title="Sosialisasi migrasi aman",
        counts=COUNTS,
        topics=["safe_migration"],
    )
