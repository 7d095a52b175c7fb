"""The village profile: people from the village by status, departures and returns per year,
outreach, focal points and Perdes, and case counts (suppressed); and who may see it."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from satuatap.cases.models import Case, CaseCategory, CaseStatus
from satuatap.core.roles import Role
from satuatap.outreach.models import (
    OutreachCount,
    OutreachEvent,
    VillageFocalPoint,
    VillageRegulation,
)
from satuatap.people.models import Person, StatusEvent
from satuatap.regions.models import Region, RegionLevel
from satuatap.reports import village as village_report

pytestmark = pytest.mark.django_db

CODE = "32.09.01.2008"  # a village of Cirebon


def neighbour_code() -> str:
    """Another village of the same district."""
    return (
        Region.objects.filter(level=RegionLevel.VILLAGE, parent_id="32.09.01")
        .exclude(code=CODE)
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )


def d(year: int, month: int = 1, day: int = 1) -> datetime.date:
    return datetime.date(year, month, day)


class Village:
    """The records, by name."""


def person(office, name, sex, *, village=CODE, steps=()):
    p = Person.objects.create(office=office, full_name=name, sex=sex, village_id=village)
    for status, day, country in steps:
        StatusEvent.objects.create(person=p, status=status, effective_date=day, country=country)
    return p


@pytest.fixture
def world(office, other_office):
    w = Village()
    w.office, w.other_office = office, other_office
    w.wulan = person(office, "Wulan Sari", "F", steps=[("prospective", d(2025, 5), "")])
    w.yanti = person(
        office,
        "Yanti Rahayu",
        "F",
        steps=[
            ("prospective", d(2022, 6), ""),
            ("abroad", d(2023, 2), "HK"),
            ("abroad", d(2024, 8), "TW"),  # a new employer abroad: no new departure
        ],
    )
    w.sri = person(
        office,
        "Sri Mulyani",
        "F",
        steps=[("abroad", d(2022, 3), "SA"), ("returned", d(2024, 4), "")],
    )
    w.joko = person(office, "Joko Susilo", "M", steps=[("abroad", d(2024, 9), "MY")])
    w.agus = person(office, "Agus Salim", "M")  # no step recorded
    duplicate = person(office, "Wulan S.", "F", steps=[("prospective", d(2025, 5), "")])
    duplicate.merged_into = w.wulan
    duplicate.save()
    person(office, "Neighbour", "F", village=neighbour_code(), steps=[("abroad", d(2024), "HK")])
    # Registered by another office: counted nationally only.
    w.rina = person(other_office, "Rina Wati", "F", steps=[("abroad", d(2024, 2), "HK")])

    # Cases: wages 6 (two also fees), GBV 1; one closed.
    clients = [w.wulan, w.yanti, w.sri, w.joko, w.agus, w.wulan, w.sri]
    categories = [["wages", "fees"], ["wages", "fees"], ["wages"], ["wages"], ["wages"]]
    categories += [["wages"], ["gbv"]]
    for n, (client, cats) in enumerate(zip(clients, categories, strict=True)):
        case = Case.objects.create(
            office=office,
            number=f"V{n}",
            client=client,
            channel="walk_in",
            received_on=d(2025, 3, n + 1),
            status=CaseStatus.CLOSED if n == 0 else CaseStatus.OPEN,
        )
        for category in cats:
            CaseCategory.objects.create(case=case, category=category)

    w.event = OutreachEvent.objects.create(
        office=office,
        village_id=CODE,
        date=d(2025, 4, 12),
        kind="socialisation",
        title="Sosialisasi migrasi aman",
        topics=["safe_migration"],
    )
    for sex, band, count in (("F", "25-39", 10), ("M", "40-59", 5)):
        OutreachCount.objects.create(event=w.event, sex=sex, age_band=band, count=count)
    VillageFocalPoint.objects.create(
        office=office,
        village_id=CODE,
        name="Pak Slamet Riyadi",
        phone="+6281234567890",
        role="Sekretaris desa",
        since=d(2024, 1, 15),
    )
    VillageRegulation.objects.create(
        office=office,
        village_id=CODE,
        number="5/2023",
        date=d(2023, 7, 1),
        title="Pelindungan Pekerja Migran Indonesia",
        file="perdes/test.pdf",
        content_type="application/pdf",
        extension=".pdf",
        size=10,
        sha256="0" * 64,
    )
    return w


@pytest.fixture
def head(make_user):
    return make_user(Role.OFFICE_HEAD, language="en")


def page(client, user, code=CODE):
    client.force_login(user)
    response = client.get(reverse("reports:village-profile", args=[code]))
    return response, response.content.decode()


def row_cells(html: str, attribute: str, value: str) -> list[str]:
    row = re.search(rf'<tr {attribute}="{re.escape(value)}">(.*?)</tr>', html, re.S).group(1)
    return [
        " ".join(re.sub("<[^>]+>", "", c).split())
        for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]


# --- the numbers -------------------------------------------------------------------------


def test_people_by_current_status_and_abroad_by_country(world):
    people = village_report.people_by_status(CODE, [world.office.pk])
    counts = {row.key: (row.by_sex["F"].value, row.by_sex["M"].value) for row in people.rows}
    assert counts == {
        "prospective": (1, 0),  # Wulan (her merged duplicate is left out)
        "abroad": (1, 1),  # Yanti in Taiwan now, Joko
        "returned": (1, 0),  # Sri
        "": (0, 1),  # Agus
    }
    assert people.total.total.value == 5
    assert [(row.key, row.total.value) for row in people.abroad_by_country] == [
        ("MY", 1),
        ("TW", 1),
    ]


def test_departures_and_returns_per_year(world):
    years = {
        row.year: (row.departures.total.value, row.returns.total.value)
        for row in village_report.movements_by_year(CODE, [world.office.pk])
    }
    # 2022 Sri leaves; 2023 Yanti leaves (her move to Taiwan in 2024 is no departure);
    # 2024 Joko leaves and Sri returns.
    assert years == {2022: (1, 0), 2023: (1, 0), 2024: (1, 1)}


def test_case_counts_hide_small_numbers_and_the_cell_that_would_give_them_away(world):
    cases = village_report.case_counts(CODE, [world.office.pk])
    by_category = {code: cell.display() for code, _label, cell in cases.by_category}
    assert by_category["wages"] == "6"
    assert by_category["fees"] == "<5" and by_category["gbv"] == "<5"
    assert by_category["trafficking"] == "0"
    assert cases.total.display() == "7"
    assert cases.closed.display() == "<5"
    assert cases.open.display() == "×"  # 7 − open would give the closed count
    assert cases.closed.value is None and cases.open.value is None


def test_national_viewer_counts_every_offices_records(world, analyst):
    offices = village_report.profile_office_ids(analyst, Region.objects.get(code=CODE))
    assert set(offices) == {world.office.pk, world.other_office.pk}
    people = village_report.people_by_status(CODE, offices)
    assert people.total.total.value == 6  # Rina, registered in Tulungagung, too


# --- the page ----------------------------------------------------------------------------


def test_office_head_sees_the_profile_without_any_name(client, world, head, settings):
    settings.VILLAGE_PROFILE_MIN_PEOPLE = 5  # the village has five people of the office
    response, html = page(client, head)
    assert response.status_code == 200
    assert row_cells(html, "data-status", "abroad") == ["1", "1", "2"]
    assert 'data-testid="village-people-total">5<' in html
    # 2024: Joko left (a man), Sri came back (a woman).
    assert row_cells(html, "data-year", "2024") == ["0", "1", "1", "1", "0", "1"]
    assert row_cells(html, "data-category", "wages") == ["6"]
    assert row_cells(html, "data-category", "fees") == ["&lt;5"]
    assert 'data-testid="village-cases-total">7<' in html
    assert 'data-testid="village-cases-closed">&lt;5<' in html
    assert "Sekretaris desa" in html and "5/2023" in html
    assert "Sosialisasi migrasi aman" in html
    main = html[html.index("<main") : html.index("</main>")]  # the menu names the user
    for name in ("Wulan", "Yanti", "Sri", "Joko", "Agus", "Rina", "Slamet", "+62812"):
        assert name not in main
    assert not re.search(r'href="/(people|mrc/cases|mrc/contacts|placement/files)/\d', html)
    assert html.count('role="img"') == 4  # status, countries, years, cases


def test_each_village_chart_switches_to_its_table(client, world, head, settings):
    settings.VILLAGE_PROFILE_MIN_PEOPLE = 5
    _response, html = page(client, head)
    for chart in ("village-status", "village-countries", "village-years", "village-cases"):
        figure = re.search(
            rf'<div class="report-block report-figure[^"]*" data-report-figure data-view="chart" '
            rf'data-testid="{chart}-figure">(.*?)</table>',
            html,
            re.S,
        )
        assert figure, chart
        button = re.search(r"<button [^>]*data-report-figure-toggle[^>]*>", figure.group(1))
        assert 'aria-pressed="false"' in button.group(0)
        assert f'aria-controls="{chart}-chart-view {chart}-table-view"' in button.group(0)
        # The chart and, in the same page, its table (hidden by the style sheet until pressed).
        assert f'id="{chart}-chart-view"' in figure.group(1)
        assert f'id="{chart}-table-view"' in figure.group(1)
        assert f'data-testid="{chart}-table"' in figure.group(1)


def test_office_staff_open_the_outreach_records_from_the_profile(client, world, head):
    _response, html = page(client, head)
    assert reverse("outreach:village-detail", args=[CODE]) in html
    assert reverse("outreach:event-detail", args=[world.event.pk]) in html


def test_analyst_sees_aggregates_only_and_no_link_to_records(client, world, analyst, settings):
    settings.VILLAGE_PROFILE_MIN_PEOPLE = 5
    response, html = page(client, analyst)
    assert response.status_code == 200
    assert 'data-testid="village-people-total">6<' in html
    assert 'data-testid="village-cases-closed">&lt;5<' in html
    main = html[html.index("<main") : html.index("</main>")]
    assert "/outreach/" not in main
    for name in ("Wulan", "Rina", "Slamet"):
        assert name not in main


def shows_no_profile(html: str) -> bool:
    """Not a figure, table or record of any village profile is on the page."""
    return 'data-testid="village-' not in html and "Sosialisasi migrasi aman" not in html


def test_staff_of_another_office_get_not_found(client, world, make_user):
    other_head = make_user(Role.OFFICE_HEAD, organisation=world.other_office)
    response, html = page(client, other_head)
    assert response.status_code == 404
    assert shows_no_profile(html)
    assert Region.objects.get(code=CODE).name not in html


def test_a_village_outside_the_office_area_is_not_found(client, world, head):
    outside = Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith="35.04.").first()
    response, html = page(client, head, outside.code)
    assert response.status_code == 404
    assert shows_no_profile(html) and outside.name not in html


@pytest.mark.parametrize("code", ["32.09.01", "99.99.99.9999", "nonsense"])
def test_a_code_that_is_not_a_village_is_not_found(client, world, head, code):
    response, html = page(client, head, code)
    assert response.status_code == 404
    assert shows_no_profile(html)


def test_profile_reads_in_few_queries(client, world, head, django_assert_max_num_queries):
    page(client, head)  # roll-ups catch up with the records written above
    # 27 today: two of them check the head's second factor, as on every page (issue 19).
    with django_assert_max_num_queries(27):
        response, html = page(client, head)
    assert response.status_code == 200
    # The whole profile is drawn within the budget.
    assert 'data-testid="village-people-total">5<' in html
    assert "Sosialisasi migrasi aman" in html
    assert 'data-testid="village-cases-withheld"' in html  # fewer people than the default 10


# --- small villages and restricted cases (issue 16) ---------------------------------------


def gbv_label() -> str:
    from satuatap.cases.models import Category

    return str(dict(Category.choices)["gbv"])


def case(office, client, number, categories, *, restricted=False, status=CaseStatus.OPEN):
    c = Case.objects.create(
        office=office,
        number=number,
        client=client,
        channel="walk_in",
        received_on=d(2026, 2, 1),
        status=status,
        is_restricted=restricted,
    )
    for category in categories:
        CaseCategory.objects.create(case=c, category=category)
    return c


@pytest.fixture
def tiny_village(office):
    """One woman registered from the village, returned in 2026, with a GBV case (not
    restricted: the count alone must not name her)."""
    code = neighbour_code()
    woman = person(
        office,
        "Siti Aminah",
        "F",
        village=code,
        steps=[("abroad", d(2024, 3), "SA"), ("returned", d(2026, 1, 10), "")],
    )
    case(office, woman, "T1", ["gbv"])
    return code


def cases_withheld(html: str) -> bool:
    return (
        'data-testid="village-cases-withheld"' in html
        and 'data-testid="village-cases-table"' not in html
        and 'id="village-cases"' not in html
        and gbv_label() not in html
    )


@pytest.mark.parametrize("role", [Role.NATIONAL_ANALYST, Role.OFFICE_HEAD, Role.COUNSELLOR])
def test_a_village_of_one_woman_shows_no_case_figure_to_anyone(
    client, tiny_village, make_user, ministry, role
):
    organisation = ministry if role == Role.NATIONAL_ANALYST else None
    user = make_user(role, organisation=organisation, language="en")
    response, html = page(client, user, tiny_village)
    assert response.status_code == 200
    assert 'data-testid="village-people-total">1<' in html  # the registry count stays
    assert cases_withheld(html)
    assert "fewer than 10 registered people" in html
    assert html.count('role="img"') == 2  # status and years: no case chart


def test_the_sentence_is_in_indonesian(client, tiny_village, make_user):
    user = make_user(Role.OFFICE_HEAD, language="id")
    _response, html = page(client, user, tiny_village)
    assert cases_withheld(html)
    assert "kurang dari 10 orang terdaftar" in html


def test_the_threshold_is_a_setting(client, tiny_village, world, head, settings):
    settings.VILLAGE_PROFILE_MIN_PEOPLE = 1
    _response, html = page(client, head, tiny_village)
    assert 'data-testid="village-cases-table"' in html
    assert row_cells(html, "data-category", "gbv") == ["&lt;5"]
    settings.VILLAGE_PROFILE_MIN_PEOPLE = 6  # the world's village has five people of the office
    _response, html = page(client, head)
    assert cases_withheld(html) and "fewer than 6 registered people" in html
    settings.VILLAGE_PROFILE_MIN_PEOPLE = 5
    _response, html = page(client, head)
    assert row_cells(html, "data-category", "wages") == ["6"]


@pytest.fixture
def big_village(office):
    """Twelve people registered from the village, five wage cases, and one restricted
    trafficking case of a woman of the village."""
    code = neighbour_code()
    people = [person(office, f"Orang {n}", "F" if n % 2 else "M", village=code) for n in range(12)]
    for n in range(5):
        case(office, people[n], f"B{n}", ["wages"])
    case(office, people[11], "R1", ["trafficking", "gbv"], restricted=True)
    return code


def test_restricted_cases_are_not_counted_in_a_village(big_village, office):
    cases = village_report.case_counts(big_village, [office.pk])
    by_category = {code: cell.display() for code, _label, cell in cases.by_category}
    assert by_category["trafficking"] == "0" and by_category["gbv"] == "0"
    assert by_category["wages"] == "5"
    assert cases.total.display() == "5"


@pytest.mark.parametrize("role", [Role.NATIONAL_ANALYST, Role.OFFICE_HEAD, Role.CASE_SUPERVISOR])
def test_no_role_sees_a_restricted_case_in_a_village_profile(
    client, big_village, make_user, ministry, role
):
    organisation = ministry if role == Role.NATIONAL_ANALYST else None
    user = make_user(role, organisation=organisation, language="en")
    response, html = page(client, user, big_village)
    assert response.status_code == 200
    assert 'data-testid="village-people-total">12<' in html
    assert row_cells(html, "data-category", "trafficking") == ["0"]
    assert row_cells(html, "data-category", "gbv") == ["0"]
    assert 'data-testid="village-cases-total">5<' in html


# --- the village list --------------------------------------------------------------------


def test_village_list_links_villages_with_records_to_their_profile(client, world, head):
    client.force_login(head)
    html = client.get(reverse("reports:village-list")).content.decode()
    assert reverse("reports:village-profile", args=[CODE]) in html
    assert reverse("reports:village-profile", args=[neighbour_code()]) in html
    row = re.search(rf"{re.escape(CODE)}</span></th>(.*?)</tr>", html, re.S).group(1)
    assert [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)][1:] == [
        "5",  # people
        "2",  # abroad now
        "1",  # outreach events
    ]


def test_analyst_picks_the_office_whose_area_the_list_shows(client, world, analyst):
    client.force_login(analyst)
    response = client.get(reverse("reports:village-list"), {"office": world.office.pk})
    html = response.content.decode()
    assert response.status_code == 200
    row = re.search(rf"{re.escape(CODE)}</span></th>(.*?)</tr>", html, re.S).group(1)
    assert re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[1].strip() == "6"
