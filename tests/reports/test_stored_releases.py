"""Published once: a month's release is built the first time it is asked for and never changes
after, so nobody outside the office can subtract two versions of a month. What the roll-ups of
a published month gain or lose later is counted in the next month built, where it fits, and the
months' sum still counts every record."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command

from satuatap.cases.models import Case, CaseCategory, CaseStatus, Contact
from satuatap.core.models import Organisation, OrganisationKind
from satuatap.core.roles import Role
from satuatap.regions.models import Region
from satuatap.reports import release
from satuatap.reports.indicators import INDICATORS, get_indicator
from satuatap.reports.models import StoredRelease
from satuatap.reports.services import releases as release_services
from tests.reports.core_fixture import MARCH, WIB, build, d
from tests.reports.test_release import _group

pytestmark = pytest.mark.django_db
APRIL = (d(4, 1), d(4, 30))
MAY = (d(5, 1), d(5, 31))
TOTAL = (release.NATIONAL, release.TOTAL_ROW, "total")


@pytest.fixture
def world(office):
    return build(office)


def fresh(indicator, date_from, date_to, **kwargs) -> list[release.MonthRelease]:
    """The releases built from the roll-ups now, as if nothing had been published."""
    StoredRelease.objects.all().delete()
    release.forget_decoded()
    return release_services.releases(indicator, date_from, date_to, **kwargs)


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

    first = release_services.releases(indicator, MARCH[0], APRIL[1])
    stored = built_at(indicator)
    release.forget_decoded()
    again = release_services.releases(indicator, MARCH[0], APRIL[1])

    assert set(stored) == {d(3, 1), d(4, 1)}
    assert built_at(indicator) == stored  # read, not rebuilt
    assert as_tuple(again) == as_tuple(first)
    assert first[0].hidden  # the 3 women (and their complements) are hidden as stored
    assert as_tuple(again) == as_tuple(fresh(indicator, MARCH[0], APRIL[1]))


def test_a_late_record_leaves_its_published_month_and_counts_in_the_next_one_built(
    world, make_user
):
    head = make_user(Role.OFFICE_HEAD)
    indicator = get_indicator("counselling_contacts")
    (march,) = release_services.releases(indicator, *MARCH)
    published = built_at(indicator)
    women = (release.NATIONAL, "walk_in", ("sex", "F"))

    _group(world.office, head, d(3, 30), [("F", "40-54", 6)])  # entered after March was out
    march_again, april = release_services.releases(indicator, MARCH[0], APRIL[1])
    (may,) = release_services.releases(indicator, *MAY)

    assert as_tuple([march_again]) == as_tuple([march])
    assert built_at(indicator)[d(3, 1)] == published[d(3, 1)]
    real_march, real_april, real_may = fresh(indicator, MARCH[0], MAY[1])
    assert real_march.values[TOTAL] == march.values[TOTAL] + 6
    assert april.values[TOTAL] == real_april.values[TOTAL] + 6
    assert april.values[women] == real_april.values[women] + 6
    assert may.values[TOTAL] == real_may.values[TOTAL]  # counted once, not again
    assert march.values[TOTAL] + april.values[TOTAL] == (
        real_march.values[TOTAL] + real_april.values[TOTAL]
    )


def test_a_decrease_waits_for_a_month_it_fits_in(world, make_user):
    head = make_user(Role.OFFICE_HEAD)
    indicator = get_indicator("counselling_contacts")
    _group(world.office, head, d(3, 12), [("F", "25-39", 3), ("M", "25-39", 9)])
    line = (release.OFFICE, world.office.pk)
    (march,) = release_services.releases(indicator, *MARCH)

    # The March group was a mistake: deleted after March was published.
    Contact.objects.filter(occurred_on=d(3, 12), is_group=True).delete()
    _group(world.office, head, d(4, 7), [("F", "25-39", 5)])
    _group(world.office, head, d(5, 7), [("M", "25-39", 10)])
    april, may = release_services.releases(indicator, APRIL[0], MAY[1])

    real = {m.month: m for m in fresh(indicator, MARCH[0], MAY[1])}
    women, men = (*line, ("sex", "F")), (*line, ("sex", "M"))
    # April's five women take the three taken back; no man was counselled in April, so the
    # nine men taken back wait for May, which has ten.
    assert april.values[women] == real[d(4, 1)].values[women] - 3
    assert april.values[men] == real[d(4, 1)].values[men] >= 0
    assert may.values[men] == real[d(5, 1)].values[men] - 9
    for key in (women, men, (*line, "total")):
        published = march.values[key] + april.values[key] + may.values[key]
        assert published == sum(m.values[key] for m in real.values())


def test_pending_complaints_follow_a_late_closure_in_the_next_month(world):
    pending = get_indicator("complaints_pending")
    resolved = get_indicator("complaints_resolved")
    total = (release.OFFICE, world.office.pk, "total")
    march = {m.month: m for m in release_services.releases(pending, *MARCH, every_month=True)}

    # A complaint received in January, whose closure in February is entered in April.
    world.cs5.status = CaseStatus.CLOSED
    world.cs5.closed_at = datetime.datetime(2026, 2, 16, 9, tzinfo=WIB)
    world.cs5.save()
    (march_again,) = release_services.releases(pending, *MARCH)
    (april_pending,) = release_services.releases(pending, *APRIL)
    (april_resolved,) = release_services.releases(resolved, *APRIL)

    assert march_again.values[total] == march[d(3, 1)].values[total]
    (real_pending,) = fresh(pending, *APRIL)
    (real_resolved,) = fresh(resolved, *APRIL)
    assert april_pending.values[total] == real_pending.values[total]
    assert april_resolved.values[total] == real_resolved.values[total] + 1


def test_a_complaint_before_the_first_published_month_counts_in_the_next_one(world, make_user):
    received = get_indicator("complaints_received")
    pending = get_indicator("complaints_pending")
    total = (release.OFFICE, world.office.pk, "total")
    release_services.releases(pending, *MARCH, every_month=True)
    first_published = min(built_at(pending))

    late = Case.objects.create(
        office=world.office,
        number="C9",
        client=world.ani,
        channel="walk_in",
        received_on=d(12, 5, 2025),
        created_by=world.user,
    )
    CaseCategory.objects.create(case=late, category="wages")
    december = release_services.releases(received, d(12, 1, 2025), d(12, 31, 2025))[0]
    (april,) = release_services.releases(received, *APRIL)
    (april_pending,) = release_services.releases(pending, *APRIL)

    assert d(12, 1, 2025) < first_published
    assert december.values[total] == 0  # published empty: nothing was out for it yet
    (real_april,) = fresh(received, *APRIL)
    (real_pending,) = fresh(pending, *APRIL)
    assert april.values[total] == real_april.values[total] + 1
    assert april_pending.values[total] == real_pending.values[total]


def test_a_new_office_leaves_the_published_months_as_they_are(world):
    indicator = get_indicator("counselling_contacts")
    (march,) = release_services.releases(indicator, *MARCH)
    published = built_at(indicator)
    newcomer = Organisation.objects.create(
        kind=OrganisationKind.OFFICE,
        slug="indramayu",
        name="LTSA-PPMI Indramayu",
        region=Region.objects.get(code="35.05"),
    )

    (again,) = release_services.releases(indicator, *MARCH)
    (april,) = release_services.releases(indicator, *APRIL)

    assert as_tuple([again]) == as_tuple([march])
    assert built_at(indicator)[d(3, 1)] == published[d(3, 1)]
    assert release.combine([again], [(release.OFFICE, newcomer.pk, "total")]).value == 0
    assert april.values[(release.OFFICE, newcomer.pk, "total")] == 0


def test_publishing_builds_every_closed_month_once_and_never_again(world, make_user):
    case_related = [i for i in INDICATORS if i.case_related]
    built = release_services.publish_closed_months()
    months = set(StoredRelease.objects.values_list("month", flat=True))
    open_month = release.open_month()

    assert built == StoredRelease.objects.count() >= len(case_related) * len(months)
    assert max(months) < open_month
    assert set(StoredRelease.objects.values_list("indicator", flat=True)) == {
        i.code for i in case_related
    }
    assert release_services.publish_closed_months() == 0

    before = dict(StoredRelease.objects.values_list("pk", "built_at"))
    _group(world.office, make_user(Role.OFFICE_HEAD), d(3, 30), [("F", "40-54", 6)])
    assert release_services.publish_closed_months() == 0
    assert dict(StoredRelease.objects.values_list("pk", "built_at")) == before


def test_rebuilding_the_rollups_changes_no_published_month(world):
    release_services.publish_closed_months()
    before = {(r.indicator, r.month): (r.built_at, r.cells) for r in StoredRelease.objects.all()}
    counted = dict(StoredRelease.objects.values_list("pk", "accounted"))

    call_command("rebuild_rollups", verbosity=0, stdout=io.StringIO())

    after = {(r.indicator, r.month): (r.built_at, r.cells) for r in StoredRelease.objects.all()}
    assert after == before
    # The rebuilt roll-ups hold what was counted: nothing is late for the next month.
    assert dict(StoredRelease.objects.values_list("pk", "accounted")) == counted
