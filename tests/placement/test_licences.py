"""An agency's licence state on a day, around the boundary dates."""

from __future__ import annotations

import datetime

import pytest

from satuatap.placement.models import AgencyStatus, LicenceState

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def test_licence_expiring_today_is_still_valid(make_agency, today):
    agency = make_agency(licence_valid_until=today)
    assert agency.licence_state(today) == LicenceState.VALID
    assert agency.has_valid_licence(today)


def test_licence_that_expired_yesterday_is_expired(make_agency, today):
    agency = make_agency(licence_valid_until=today - DAY)
    assert agency.licence_state(today) == LicenceState.EXPIRED
    assert not agency.has_valid_licence(today)


def test_licence_starting_tomorrow_is_not_yet_valid_and_starting_today_is(make_agency, today):
    later = make_agency("A", licence_valid_from=today + DAY)
    now = make_agency("B", licence_valid_from=today)
    assert later.licence_state(today) == LicenceState.NOT_YET_VALID
    assert now.has_valid_licence(today)


@pytest.mark.parametrize(
    ("status", "state"),
    [
        (AgencyStatus.SUSPENDED, LicenceState.SUSPENDED),
        (AgencyStatus.REVOKED, LicenceState.REVOKED),
    ],
)
def test_suspended_or_revoked_licence_is_invalid_within_its_dates(
    make_agency, today, status, state
):
    agency = make_agency(status=status)
    assert agency.licence_state(today) == state
    assert not agency.has_valid_licence(today)


def test_licence_cannot_end_before_it_starts(make_agency, today):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        make_agency(licence_valid_from=today, licence_valid_until=today - DAY)
