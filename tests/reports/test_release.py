"""Monthly releases: every case-related number a viewer outside the office sees is a slice of
one suppression per indicator and month, so no two views can be set side by side to recover a
hidden count."""

from __future__ import annotations

import datetime

import pytest

from satuatap.cases.models import Contact, GroupCount
from satuatap.core.roles import Role
from satuatap.reports import release, selectors
from satuatap.reports.indicators import AGE_BANDS, SEXES, get_indicator
from satuatap.reports.services import releases as release_services
from tests.reports.core_fixture import MARCH, build, d
from tests.reports.test_suppression import check_protected

APRIL = (d(4, 1), d(4, 30))


@pytest.fixture
def world(office):
    return build(office)


def _group(office, user, day, counts, channel="walk_in"):
    contact = Contact.objects.create(
        office=office,
        kind="counselling",
        channel=channel,
        topic="rights",
        occurred_on=day,
        is_group=True,
        recorded_by=user,
    )
    for sex, band, count in counts:
        GroupCount.objects.create(contact=contact, sex=sex, age_band=band, count=count)


def _month_equations(rows, office_ids):
    """What a viewer can put side by side: the national table (rows and total row, each line's
    total = Σ sex = Σ age band, each column's total = Σ rows) and every office's totals line,
    with the national total row = Σ offices."""
    columns = ["total", *[("sex", s) for s in SEXES], *[("age", a) for a in AGE_BANDS]]
    lines = [(release.NATIONAL, r) for r in [*rows, release.TOTAL_ROW]]
    lines += [(release.OFFICE, o) for o in office_ids]
    equations = []
    for line in lines:
        equations.append(((*line, "total"), tuple((*line, ("sex", s)) for s in SEXES)))
        equations.append(((*line, "total"), tuple((*line, ("age", a)) for a in AGE_BANDS)))
    for column in columns:
        total = (release.NATIONAL, release.TOTAL_ROW, column)
        equations.append((total, tuple((release.NATIONAL, r, column) for r in rows)))
        equations.append((total, tuple((release.OFFICE, o, column) for o in office_ids)))
    return equations


@pytest.mark.django_db
def test_a_months_release_protects_the_national_table_and_every_office_line_together(
    world, make_user
):
    head = make_user(Role.OFFICE_HEAD)
    _group(world.office, head, d(3, 12), [("F", "25-39", 7), ("M", "25-39", 2)])
    indicator = get_indicator("counselling_contacts")
    (march,) = release_services.releases(indicator, *MARCH)
    office_ids = [world.office.pk, world.other_office.pk]
    assert march.values[(release.OFFICE, world.office.pk, "total")] == 12
    assert march.values[(release.OFFICE, world.other_office.pk, "total")] == 1
    assert march.values[(release.NATIONAL, release.TOTAL_ROW, "total")] == 13
    check_protected(march.values, march.hidden, _month_equations(march.rows, office_ids))


@pytest.mark.django_db
def test_a_longer_period_shows_only_cells_whose_every_month_is_shown(world, analyst, make_user):
    head = make_user(Role.OFFICE_HEAD)
    _group(world.office, head, d(3, 12), [("F", "25-39", 20), ("M", "25-39", 2)])
    _group(world.office, head, d(4, 12), [("F", "25-39", 9), ("M", "25-39", 8)])
    indicator = get_indicator("counselling_contacts")
    march, april = release_services.releases(indicator, MARCH[0], APRIL[1])
    both = selectors.indicator_result(
        code="counselling_contacts", viewer=analyst, date_from=MARCH[0], date_to=APRIL[1]
    )
    walk_in = next(r for r in both.rows if r.dimension == "walk_in")
    key = (release.NATIONAL, "walk_in", ("sex", "M"))
    # March's 2 men are small; April's 8 are not; the sum of 10 would give March's away.
    assert key in march.hidden and key not in april.hidden
    assert walk_in.by_sex["M"].suppressed
    women = (release.NATIONAL, "walk_in", ("sex", "F"))
    if women not in march.hidden and women not in april.hidden:
        assert walk_in.by_sex["F"].value == march.values[women] + april.values[women]
    for row in [*both.rows, both.total]:
        line = row.dimension or release.TOTAL_ROW
        cells = [("total", row.total), *((("sex", s), c) for s, c in row.by_sex.items())]
        cells += [(("age", a), c) for a, c in row.by_age_band.items()]
        for column, cell in cells:
            month_key = (release.NATIONAL, line, column)
            shown_every_month = all(month_key not in m.hidden for m in (march, april))
            assert cell.suppressed != shown_every_month, (line, column)


@pytest.mark.django_db
def test_a_period_leaves_the_office_as_the_whole_months_it_touches(world, analyst):
    part = selectors.indicator_result(
        code="complaints_received", viewer=analyst, date_from=d(3, 10), date_to=d(3, 20)
    )
    whole = selectors.indicator_result(
        code="complaints_received", viewer=analyst, date_from=MARCH[0], date_to=MARCH[1]
    )
    assert (part.date_from, part.date_to) == MARCH
    assert [(r.dimension, r.total.display()) for r in part.rows] == [
        (r.dimension, r.total.display()) for r in whole.rows
    ]
    assert part.total.total.display() == whole.total.total.display()


@pytest.mark.django_db
def test_a_sex_filter_gives_that_sex_column_without_age_bands(world, analyst, make_user):
    head = make_user(Role.OFFICE_HEAD)
    _group(world.office, head, d(3, 12), [("F", "25-39", 30), ("M", "40-59", 12)])
    (march,) = release_services.releases(get_indicator("counselling_contacts"), *MARCH)
    women = selectors.indicator_result(
        code="counselling_contacts",
        viewer=analyst,
        date_from=MARCH[0],
        date_to=MARCH[1],
        sex="F",
    )
    assert list(women.total.by_sex) == ["F"]
    assert women.total.by_age_band == {}
    key = (release.NATIONAL, release.TOTAL_ROW, ("sex", "F"))
    expected = None if key in march.hidden else march.values[key]
    assert women.total.total.value == expected
    assert women.total.by_sex["F"].value == expected
    assert women.total.total.suppressed == (key in march.hidden)


@pytest.mark.django_db
def test_a_small_count_is_hidden_in_every_view_outside_the_office(world, analyst):
    # Tulungagung's single counselling contact of March (Siti, by phone).
    tulungagung = [world.other_office.pk]
    table = selectors.indicator_result(
        code="counselling_contacts",
        viewer=analyst,
        date_from=MARCH[0],
        date_to=MARCH[1],
        office_ids=tulungagung,
    )
    assert table.total.total.reason == "small"
    comparison = {
        office.slug: cell
        for office, cell in selectors.office_comparison(
            code="counselling_contacts", viewer=analyst, date_from=MARCH[0], date_to=MARCH[1]
        )
    }
    assert comparison["tulungagung"].reason == "small"
    series = dict(
        selectors.monthly_series(
            code="counselling_contacts",
            viewer=analyst,
            months=1,
            end=MARCH[1],
            office_ids=tulungagung,
        )
    )
    assert series[MARCH[0]].reason == "small"
    national = selectors.indicator_result(
        code="counselling_contacts", viewer=analyst, date_from=MARCH[0], date_to=MARCH[1]
    )
    phone = next(r for r in national.rows if r.dimension == "phone")
    assert phone.total.value is None


@pytest.mark.django_db
def test_the_month_under_way_does_not_leave_the_office(world, analyst, make_user):
    head = make_user(Role.OFFICE_HEAD)
    today = world.office.today()
    this_month = today.replace(day=1)
    _group(world.office, head, today, [("F", "25-39", 30)])
    inside = selectors.indicator_result(
        code="counselling_contacts", viewer=head, date_from=this_month, date_to=today
    )
    assert inside.total.total.value >= 30
    outside = selectors.indicator_result(
        code="counselling_contacts", viewer=analyst, date_from=this_month, date_to=today
    )
    assert outside.open_month_left_out
    assert outside.total.total.suppressed and outside.total.total.reason == "unreleased"
    assert outside.total.total.display() == "…"
    assert all(c.reason == "unreleased" for c in outside.total.by_sex.values())
    comparison = dict(
        selectors.office_comparison(
            code="counselling_contacts", viewer=analyst, date_from=this_month, date_to=today
        )
    )
    assert comparison[world.office].reason == "unreleased"
    series = selectors.monthly_series(
        code="counselling_contacts", viewer=analyst, months=2, end=today
    )
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    assert [month for month, _cell in series] == [last_month, this_month]
    assert series[-1][1].reason == "unreleased"
    assert series[0][1].reason != "unreleased"

    # A period running into this month covers the months that are over.
    since_march = selectors.indicator_result(
        code="counselling_contacts", viewer=analyst, date_from=MARCH[0], date_to=today
    )
    assert since_march.date_to == this_month - datetime.timedelta(days=1)
    assert since_march.open_month_left_out
    assert since_march.total.total.reason != "unreleased"

    # In the API: the cell says why, and the table says which days it covers.
    from django.test import Client

    client = Client()
    client.force_login(analyst)
    body = client.get(
        "/api/v1/reports/indicators",
        {"indicator": "counselling_contacts", "from": this_month.isoformat()},
    ).json()
    table = body["indicators"][0]
    assert table["total"]["total"]["reason"] == "unreleased"
    assert table["total"]["total"]["value"] is None
    assert table["from"] == this_month.isoformat()
    assert table["to"] == release.month_end(this_month).isoformat()
