"""Stored monthly releases: built once, read as stored while the roll-ups they come from are
unchanged, rebuilt as soon as they change (a late record, an edit, a new office, a rebuild), so
a stored release is always what building it afresh would give."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.cache import cache
from django.core.management import call_command

from satuatap.cases.models import CaseStatus
from satuatap.core.models import Organisation, OrganisationKind
from satuatap.core.roles import Role
from satuatap.regions.models import Region
from satuatap.reports import release
from satuatap.reports.indicators import INDICATORS, get_indicator
from satuatap.reports.models import StoredRelease
from tests.reports.core_fixture import MARCH, WIB, build, d
from tests.reports.test_release import _group

pytestmark = pytest.mark.django_db
APRIL = (d(4, 1), d(4, 30))


@pytest.fixture
def world(office):
    return build(office)


def fresh(indicator, date_from, date_to, **kwargs) -> list[release.MonthRelease]:
    """The releases built from the roll-ups now, ignoring what is stored."""
    StoredRelease.objects.filter(indicator=indicator.code).delete()
    cache.clear()
    return release.releases(indicator, date_from, date_to, **kwargs)


def as_tuple(months: list[release.MonthRelease]) -> list:
    return [(m.month, m.rows, m.values, m.weights, m.hidden) for m in months]


def built_at(indicator) -> dict:
    return dict(
        StoredRelease.objects.filter(indicator=indicator.code).values_list("month", "built_at")
    )


def test_a_release_is_stored_once_and_read_back_the_same(world, make_user):
    head = make_user(Role.OFFICE_HEAD)
    _group(world.office, head, d(3, 12), [("F", "25-39", 3), ("M", "25-39", 9)])
    indicator = get_indicator("counselling_contacts")

    first = release.releases(indicator, MARCH[0], APRIL[1])
    stored = built_at(indicator)
    again = release.releases(indicator, MARCH[0], APRIL[1])

    assert set(stored) == {d(3, 1), d(4, 1)}
    assert built_at(indicator) == stored  # read, not rebuilt
    assert as_tuple(again) == as_tuple(first)
    assert first[0].hidden  # the 3 women (and their complements) are hidden as stored
    assert as_tuple(again) == as_tuple(fresh(indicator, MARCH[0], APRIL[1]))


def test_a_late_record_in_a_month_that_is_over_rebuilds_only_that_month(world, make_user):
    head = make_user(Role.OFFICE_HEAD)
    indicator = get_indicator("counselling_contacts")
    release.releases(indicator, MARCH[0], APRIL[1])
    before = built_at(indicator)
    march_total = (release.NATIONAL, release.TOTAL_ROW, "total")
    old_march = release.releases(indicator, *MARCH)[0].values[march_total]

    _group(world.office, head, d(3, 30), [("F", "40-54", 6)])  # entered late
    march, april = release.releases(indicator, MARCH[0], APRIL[1])

    after = built_at(indicator)
    assert after[d(3, 1)] != before[d(3, 1)] and after[d(4, 1)] == before[d(4, 1)]
    assert march.values[march_total] == old_march + 6
    assert as_tuple([march, april]) == as_tuple(fresh(indicator, MARCH[0], APRIL[1]))


def test_a_stock_is_rebuilt_for_every_month_after_the_change(world):
    indicator = get_indicator("complaints_pending")
    release.releases(indicator, MARCH[0], APRIL[1], every_month=True)
    total = (release.OFFICE, world.office.pk, "total")
    pending = {m.month: m.values[total] for m in release.releases(indicator, *MARCH)}

    # A complaint received in January, closed in February: pending neither in March nor April.
    world.cs5.status = CaseStatus.CLOSED
    world.cs5.closed_at = datetime.datetime(2026, 2, 16, 9, tzinfo=WIB)
    world.cs5.save()
    march, april = release.releases(indicator, MARCH[0], APRIL[1], every_month=True)

    assert march.values[total] == pending[d(3, 1)] - 1
    expected = fresh(indicator, MARCH[0], APRIL[1], every_month=True)
    assert as_tuple([march, april]) == as_tuple(expected)


def test_a_new_office_rebuilds_the_releases_with_its_line(world):
    indicator = get_indicator("counselling_contacts")
    (march,) = release.releases(indicator, *MARCH)
    newcomer = Organisation.objects.create(
        kind=OrganisationKind.OFFICE,
        slug="indramayu",
        name="LTSA-PPMI Indramayu",
        region=Region.objects.get(code="35.05"),
    )

    (again,) = release.releases(indicator, *MARCH)

    assert (release.OFFICE, newcomer.pk, "total") not in march.values
    assert again.values[(release.OFFICE, newcomer.pk, "total")] == 0
    assert as_tuple([again]) == as_tuple(fresh(indicator, *MARCH))


def test_a_stored_release_is_not_trusted_beyond_its_stamp(world):
    indicator = get_indicator("counselling_contacts")
    (march,) = release.releases(indicator, *MARCH)
    total = (release.NATIONAL, release.TOTAL_ROW, "total")
    # Someone (or a bug) leaves a stored release that no longer matches its stamp.
    stored = StoredRelease.objects.get(indicator=indicator.code, month=d(3, 1))
    stored.stamp -= 1
    stored.cells = [[*cell[:3], 999, *cell[4:]] for cell in stored.cells]
    stored.save()

    (again,) = release.releases(indicator, *MARCH)

    assert again.values[total] == march.values[total] != 999


def test_publishing_builds_every_closed_month_once_and_then_only_what_changed(world, make_user):
    case_related = [i for i in INDICATORS if i.case_related]
    built = release.publish_closed_months()
    months = set(StoredRelease.objects.values_list("month", flat=True))
    open_month = release.open_month()

    assert built == StoredRelease.objects.count() >= len(case_related) * len(months)
    assert max(months) < open_month
    assert set(StoredRelease.objects.values_list("indicator", flat=True)) == {
        i.code for i in case_related
    }
    assert release.publish_closed_months() == 0

    _group(world.office, make_user(Role.OFFICE_HEAD), d(3, 30), [("F", "40-54", 6)])
    stored = dict(StoredRelease.objects.values_list("pk", "built_at"))
    # March's roll-ups changed: its releases are rebuilt (a stock's and a linked group's later
    # months too: each is built from the month before), no other.
    assert release.publish_closed_months() >= 1
    rebuilt = StoredRelease.objects.exclude(
        pk__in=[
            pk for pk, at in StoredRelease.objects.values_list("pk", "built_at") if stored[pk] == at
        ]
    )
    assert {r.month for r in rebuilt if r.month < d(3, 1)} == set()
    assert "counselling_contacts" in {r.indicator for r in rebuilt if r.month == d(3, 1)}
    assert {r.indicator for r in rebuilt if r.month > d(3, 1)} <= {
        i.code for i in case_related if i.aggregate == "stock" or i.code in release.GROUP_OF
    }


def test_rebuilding_the_rollups_rebuilds_the_releases(world):
    release.publish_closed_months()
    before = dict(StoredRelease.objects.values_list("pk", "built_at"))

    call_command("rebuild_rollups", verbosity=0, stdout=io.StringIO())

    after = dict(StoredRelease.objects.values_list("pk", "built_at"))
    assert set(after) == set(before)
    assert all(after[pk] != at for pk, at in before.items())
