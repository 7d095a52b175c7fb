"""The monthly roll-up (`RollupMonth`) always equals the day rows summed per month, after a
rebuild and after incremental changes, and reads that use it give the numbers the day rows
give for any period."""

from __future__ import annotations

import datetime
from collections import defaultdict

import pytest
from django.db.models import Sum

from satuatap.core.roles import Role
from satuatap.people import services as people_services
from satuatap.reports import release, selectors
from satuatap.reports.indicators import get_indicator
from satuatap.reports.models import RollupMonth, RollupValue
from satuatap.reports.services import rollups
from tests.reports.core_fixture import at, build, d

pytestmark = pytest.mark.django_db

CELL = ("office_id", "indicator", "dimension", "scheme", "destination", "sex", "age_band")


def months_from_days() -> dict[tuple, tuple[int, int]]:
    sums: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for row in RollupValue.objects.values_list("day", *CELL, "value", "weight"):
        day, *cell, value, weight = row
        key = (day.replace(day=1), *cell)
        sums[key][0] += value
        sums[key][1] += weight
    return {key: tuple(v) for key, v in sums.items()}


def months_stored() -> dict[tuple, tuple[int, int]]:
    return {
        (month, *cell): (value, weight)
        for month, *cell, value, weight in RollupMonth.objects.values_list(
            "month", *CELL, "value", "weight"
        )
    }


@pytest.fixture
def world(office):
    return build(office)


def test_monthly_rows_equal_the_day_rows_after_a_rebuild(world):
    rollups.flush_pending()
    RollupMonth.objects.all().delete()
    rollups.rebuild()
    stored = months_stored()
    assert len(stored) > 50
    assert stored == months_from_days()


def test_incremental_changes_keep_the_monthly_rows_equal_to_the_day_rows(world, make_user):
    rollups.flush_pending()
    assert months_stored() == months_from_days()
    head = make_user(Role.OFFICE_HEAD)
    # A birth date corrected moves every record of the person to another age band, in
    # several months; a departure moved from March to February moves a month.
    people_services.update_person(person=world.ani, by=head, birth_date=d(5, 10, 1985))
    world.pf1.departure_date = d(2, 20)
    world.pf1.save()
    world.cs1.closed_at = at(4, 2, 9)
    world.cs1.save()
    rollups.flush_pending()
    assert months_stored() == months_from_days()


def test_a_rebuild_of_one_office_deletes_its_months_no_record_supports(world, office):
    rollups.flush_pending()
    stale = RollupMonth.objects.create(
        office=office, month=datetime.date(2019, 1, 1), indicator="visitors", value=7, weight=7
    )
    rollups.rebuild(offices=[office])
    assert not RollupMonth.objects.filter(pk=stale.pk).exists()


@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [
        (d(3, 1), d(3, 31)),  # one whole month
        (d(2, 15), d(4, 10)),  # a whole month between two partial ones
        (d(3, 5), d(3, 20)),  # inside one month
        (d(1, 1), d(12, 31)),  # a year
        (d(2, 28), d(3, 1)),  # two days across a month's end
    ],
)
def test_reads_over_any_period_equal_the_sums_of_the_day_rows(
    world, office, make_user, date_from, date_to
):
    head = make_user(Role.OFFICE_HEAD)
    rollups.flush_pending()
    for code in ("visitors", "departures_by_destination", "complaints_received"):
        result = selectors.indicator_result(
            code=code, viewer=head, date_from=date_from, date_to=date_to
        )
        indicator = get_indicator(code)
        first, last = date_from, date_to
        if indicator.case_related:  # the office's own case figures count whole months
            first, last = release.widen_to_months(date_from, date_to)
        assert (result.date_from, result.date_to) == (first, last), code
        days = RollupValue.objects.filter(
            office=office, indicator=indicator.stored_series, day__gte=first, day__lte=last
        )
        if indicator.rows_overlap:  # the total is stored on its own row
            days = days.filter(dimension="")
        assert result.total.total.value == (days.aggregate(v=Sum("value"))["v"] or 0), code


def test_pending_complaints_read_from_months_equal_received_minus_resolved(
    world, office, make_user
):
    head = make_user(Role.OFFICE_HEAD)
    rollups.flush_pending()
    end = d(4, 15)
    pending = selectors.indicator_result(
        code="complaints_pending", viewer=head, date_from=d(4, 1), date_to=end
    )
    totals = RollupValue.objects.filter(office=office, dimension="", day__lte=end)
    received = totals.filter(indicator="complaints_received").aggregate(v=Sum("value"))["v"]
    resolved = totals.filter(indicator="complaints_resolved").aggregate(v=Sum("value"))["v"]
    assert received
    assert pending.total.total.value == received - resolved


@pytest.mark.parametrize(
    ("date_from", "date_to", "months", "days"),
    [
        (d(3, 1), d(3, 31), (d(3, 1), d(3, 1)), []),
        (d(2, 15), d(4, 10), (d(3, 1), d(3, 1)), [(d(2, 15), d(2, 28)), (d(4, 1), d(4, 10))]),
        (d(3, 5), d(3, 20), None, [(d(3, 5), d(3, 20))]),
        (d(3, 1), d(3, 20), None, [(d(3, 1), d(3, 20))]),
        (None, d(3, 10), (None, d(2, 1)), [(d(3, 1), d(3, 10))]),
        (None, d(12, 31), (None, d(12, 1)), []),
        (d(1, 31), d(3, 31), (d(2, 1), d(3, 1)), [(d(1, 31), d(1, 31))]),
    ],
)
def test_a_period_splits_into_whole_months_and_the_days_at_its_ends(
    date_from, date_to, months, days
):
    assert selectors._period_parts(date_from, date_to) == (months, days)


@pytest.mark.parametrize(("date_from", "date_to"), [(d(1, 20), d(4, 15)), (None, d(3, 31))])
def test_month_and_office_sums_read_from_months_equal_those_of_the_day_rows(
    world, analyst, date_from, date_to
):
    rollups.flush_pending()
    scope = selectors._Scope(analyst, None)
    filters = {"sex": "F", "scheme": None, "destination": None}
    for code in ("visitors", "departures_by_destination", "complaints_received"):
        indicator = get_indicator(code)
        days = selectors._filtered(indicator, scope, **filters).filter(day__lte=date_to)
        if date_from is not None:
            days = days.filter(day__gte=date_from)
        by_month = {(m, dim): (v, w) for m, dim, v, w in selectors._monthly(days)}
        assert by_month
        assert {
            (m, dim): (v, w)
            for m, dim, v, w in selectors._monthly_rows(
                indicator, scope, date_from, date_to, filters
            )
        } == by_month
        by_office = {
            (o, dim): (v, w)
            for o, dim, v, w in days.values("office_id", "dimension")
            .annotate(v=Sum("value"), w=Sum("weight"))
            .values_list("office_id", "dimension", "v", "w")
        }
        assert {
            (o, dim): (v, w)
            for o, dim, v, w in selectors._office_sums(
                indicator, scope, date_from, date_to, filters
            )
        } == by_office
