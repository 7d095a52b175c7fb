"""The office and national dashboards: who sees which, the numbers they show (from the
hand-counted world of core_fixture.py, March 2026), filters, suppression and downloads."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from satuatap.core.roles import Role
from satuatap.reports import selectors
from satuatap.reports.dashboards import national_reads
from tests.reports.core_fixture import build

pytestmark = pytest.mark.django_db

OFFICE = reverse("reports:office-dashboard")
NATIONAL = reverse("reports:national-dashboard")
MARCH = {"month": "2026-03"}


@pytest.fixture
def world(office):
    return build(office)


@pytest.fixture
def head(make_user):
    return make_user(Role.OFFICE_HEAD, language="en")


class _TextOf(HTMLParser):
    """Collects the text inside the first element with a given data-testid."""

    def __init__(self, testid: str):
        super().__init__()
        self.testid, self.depth, self.parts, self.found = testid, 0, [], False

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += tag not in VOID
        elif not self.found and dict(attrs).get("data-testid") == self.testid:
            self.depth, self.found = 1, True

    def handle_startendtag(self, tag, attrs):
        pass  # <path/>: neither opens nor closes anything

    def handle_endtag(self, tag):
        if self.depth and tag not in VOID:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


VOID = {"br", "img", "input", "meta", "link", "hr", "path", "rect", "line", "circle"}


def text_of(html: str, testid: str) -> str:
    """The text inside the element with this data-testid, spaces squeezed."""
    parser = _TextOf(testid)
    parser.feed(html)
    assert parser.found, f"no element {testid}"
    return " ".join("".join(parser.parts).split())


def get(client, user, url, params=None):
    client.force_login(user)
    response = client.get(url, params or {})
    return response, response.content.decode()


# --- the office dashboard ----------------------------------------------------------------


def test_office_head_sees_this_month_against_last(client, world, head):
    response, html = get(client, head, OFFICE, MARCH)
    assert response.status_code == 200
    # Registrations: five in March (Ani, Budi, Citra, Hana, Eko), one in February (Dewi).
    assert text_of(html, "figure-registrations-now") == "5"
    assert "+4" in text_of(html, "figure-registrations-change")
    assert "(+400 %)" in text_of(html, "figure-registrations-change")
    # Complaints received in March: C1, C3, C4; inside the office nothing is suppressed.
    assert text_of(html, "figure-complaints_received-now") == "3"
    assert text_of(html, "figure-outreach_people_reached-now") == "20"
    assert text_of(html, "figure-money_recovered-now") == "IDR 5,000,000"
    assert "March 2026" in text_of(html, "dashboard-scope")


class _Toggles(HTMLParser):
    """The chart/table switches of a page: each button's attributes, and the ids and
    `data-view` of the elements around them."""

    def __init__(self):
        super().__init__()
        self.buttons, self.ids, self.views = [], {}, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids[attrs["id"]] = attrs.get("class", "")
        if "data-report-figure" in attrs:
            self.views.append(attrs.get("data-view"))
        if "data-report-figure-toggle" in attrs:
            self.buttons.append((tag, attrs))


def toggles(html: str) -> _Toggles:
    parser = _Toggles()
    parser.feed(html)
    return parser


def test_office_dashboard_draws_each_trend_with_its_table_behind_a_toggle(client, world, head):
    _response, html = get(client, head, OFFICE, MARCH)
    for code in ("visitors", "registrations", "departures_by_destination", "complaints_received"):
        assert f'data-testid="trend-{code}"' in html
        table = re.search(rf'data-testid="trend-{code}-table".*?</table>', html, re.S).group(0)
        assert table.count("<tr>") == 13  # the header and twelve months
        assert "April 2025" in table and "March 2026" in table
    found = toggles(html)
    # One switch per chart, a real button saying what it controls and that it is not pressed
    # (the chart shows; the table is in the page, hidden until pressed).
    assert len(found.buttons) == 4 and found.views == ["chart"] * 4
    for tag, attrs in found.buttons:
        assert tag == "button" and attrs["type"] == "button" and attrs["aria-pressed"] == "false"
        chart, table = attrs["aria-controls"].split()
        assert found.ids[chart] == "report-figure-chart"
        assert found.ids[table] == "report-figure-table"
    # Charts only once: no breakdown bar chart or table on the dashboard itself.
    assert html.count('role="img"') == 4
    assert 'data-testid="bars-' not in html
    assert 'src="/static/reports/chart-toggle.js"' in html
    assert "style=" not in html and "<script>" not in html


def test_office_dashboard_links_every_figure_and_breakdown_to_its_indicator_page(
    client, world, head
):
    _response, html = get(client, head, OFFICE, {**MARCH, "sex": "F"})
    links = re.findall(r'href="(/reports/office/indicators/[^"]+)"', html)
    codes = {urlsplit(link).path.split("/")[-2] for link in links}
    from satuatap.reports.dashboards import BARS, KEY_FIGURES

    assert codes == {code for code, _l in KEY_FIGURES} | {code for code, _l in BARS}
    for link in links:  # with the dashboard's period and filters
        assert parse_qs(urlsplit(link.replace("&amp;", "&")).query) == {
            "month": ["2026-03"],
            "sex": ["F"],
        }
    details = text_of(html, "dashboard-details")
    assert "Departures by destination" in details and "Services (tickets served) by desk" in details


def indicator_url(code: str) -> str:
    return reverse("reports:office-indicator", args=[code])


def test_indicator_page_shows_the_breakdown_chart_and_its_table(client, world, head):
    _response, html = get(client, head, indicator_url("departures_by_destination"), MARCH)
    assert 'data-testid="bars-departures_by_destination"' in html
    # Departures in March: Ani to Hong Kong, Budi to Korea, Hana to Hong Kong.
    table = re.search(r'data-testid="bars-departures_by_destination-table".*?</table>', html, re.S)
    assert re.search(r"Hong Kong.*?>1<.*?>0<.*?>2<", table.group(0), re.S)  # women, men… total
    assert "Destination" in table.group(0)
    # Its twelve months too, each chart with its switch.
    assert 'data-testid="trend-departures_by_destination-table"' in html
    assert html.count('role="img"') == 2 and len(toggles(html).buttons) == 2
    back = re.search(r'href="([^"]+)" data-testid="back-to-dashboard"', html).group(1)
    assert back == f"{OFFICE}?month=2026-03"
    assert "March 2026" in text_of(html, "dashboard-scope")


def test_indicator_page_of_a_figure_without_rows_shows_its_table_by_sex(client, world, head):
    _response, html = get(client, head, indicator_url("registrations"), {**MARCH, "sex": "F"})
    assert 'data-testid="bars-registrations"' not in html  # no chart of a single bar
    table = re.search(r'data-testid="bars-registrations-table".*?</table>', html, re.S).group(0)
    assert re.search(r"All.*?>3<", table, re.S)  # Ani, Citra, Hana
    assert "women" in text_of(html, "dashboard-scope")


def test_indicator_page_reads_in_few_queries(client, world, head, django_assert_max_num_queries):
    client.force_login(head)
    url = indicator_url("complaints_received")
    client.get(url, MARCH)  # the roll-ups catch up with the records the world wrote
    # One indicator for the period, its two trend lines, the case months, the scope checks.
    with django_assert_max_num_queries(25):
        response = client.get(url, MARCH)
    assert 'data-testid="bars-complaints_received-table"' in response.content.decode()


def test_indicator_page_of_an_unknown_indicator_is_not_found(client, world, head):
    response, html = get(client, head, indicator_url("no_such_indicator"), MARCH)
    assert response.status_code == 404
    assert 'data-testid="bars-' not in html and 'data-testid="trend-' not in html


def test_indicator_page_is_the_own_offices_only(client, world, head, other_office):
    response, html = get(
        client, head, indicator_url("registrations"), {**MARCH, "office": other_office.pk}
    )
    assert response.status_code == 404
    assert other_office.name not in html
    assert 'data-testid="bars-registrations' not in html
    assert 'data-testid="trend-registrations' not in html
    own, own_html = get(client, head, indicator_url("registrations"), MARCH)
    assert own.status_code == 200 and 'data-testid="bars-registrations' in own_html


def test_sex_filter_shows_the_figures_of_women(client, world, head):
    _response, html = get(client, head, OFFICE, {**MARCH, "sex": "F"})
    # Registrations of women in March: Ani, Citra, Hana; in February: Dewi.
    assert text_of(html, "figure-registrations-now") == "3"
    assert "women" in text_of(html, "dashboard-scope")
    trend = re.search(r'data-testid="trend-registrations-table".*?</table>', html, re.S).group(0)
    assert ">Women<" in trend and ">Men<" not in trend


def test_download_link_carries_the_filters(client, world, head):
    _response, html = get(client, head, OFFICE, {**MARCH, "sex": "F", "scheme": "individual"})
    link = re.search(r'href="([^"]+)" data-testid="download-xlsx"', html).group(1)
    url = urlsplit(link.replace("&amp;", "&"))
    assert url.path == reverse("reports:export-monthly-xlsx")
    assert parse_qs(url.query) == {
        "month": ["2026-03"],
        "office": [str(world.office.pk)],
        "sex": ["F"],
        "scheme": ["individual"],
    }


def test_a_period_from_to_compares_with_as_many_days_before(client, world, head):
    _response, html = get(client, head, OFFICE, {"from": "2026-03-01", "to": "2026-03-10"})
    assert text_of(html, "figure-registrations-now") == "4"  # Eko registered on 31 March
    assert "19 Feb 2026" in html  # the ten days before: 19–28 February


def test_a_bad_period_shows_the_error_and_this_month(client, world, head):
    response, html = get(client, head, OFFICE, {"from": "2026-03-10", "to": "2026-03-01"})
    assert response.status_code == 200
    assert "The period starts after it ends." in html


def test_office_staff_cannot_open_another_offices_dashboard(client, world, head):
    response, html = get(client, head, OFFICE, {"office": world.other_office.pk})
    assert response.status_code == 404
    assert 'data-testid="figure-' not in html  # not one figure of either office
    assert world.other_office.name not in html


def test_national_viewer_is_sent_to_the_national_dashboard(client, world, analyst):
    response, _html = get(client, analyst, OFFICE, {**MARCH, "office": world.office.pk})
    assert response.status_code == 302
    assert response["Location"].startswith(NATIONAL + "?")


def test_office_dashboard_reads_in_few_queries(client, world, head, django_assert_max_num_queries):
    client.force_login(head)
    client.get(OFFICE, MARCH)  # the roll-ups catch up with the records the world wrote
    # About one query per indicator and period, one per trend line, and the scope checks.
    with django_assert_max_num_queries(75):
        response = client.get(OFFICE, MARCH)
    assert response.status_code == 200
    html = response.content.decode()
    assert text_of(html, "figure-registrations-now") == "5"  # the figures drawn, in budget
    assert html.count('role="img"') == 4


# --- the national dashboard --------------------------------------------------------------


def comparison_cells(html: str, office) -> list[str]:
    row = re.search(rf'data-testid="office-row-{office.pk}".*?</tr>', html, re.S).group(0)
    return [
        " ".join(re.sub("<[^>]+>", "", c).split())
        for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]


def test_analyst_compares_offices_with_case_counts_suppressed(client, world, analyst):
    params = {**MARCH, "indicator": ["registrations", "complaints_received"]}
    response, html = get(client, analyst, NATIONAL, params)
    assert response.status_code == 200
    # Registrations are not case-related: Cirebon 5, Tulungagung 1 (Siti).
    # Complaints: Cirebon 3, Tulungagung 1, both small: "<5", never the number.
    assert comparison_cells(html, world.office)[0] == "5"
    assert comparison_cells(html, world.office)[1] in ("&lt;5", "×")
    assert comparison_cells(html, world.other_office)[0] == "1"
    assert comparison_cells(html, world.other_office)[1] in ("&lt;5", "×")
    total = re.search(r'data-testid="national-total".*?</tr>', html, re.S).group(0)
    assert "&lt;5" in total or "×" in total  # 4 complaints in all
    assert 'data-testid="offices-complaints_received"' in html


def test_national_dashboard_never_shows_a_number_it_suppresses(client, world, analyst):
    _response, html = get(client, analyst, NATIONAL, {**MARCH, "indicator": "complaints_received"})
    table = re.search(r'data-testid="national-complaints_received".*?</table>', html, re.S)
    cells = re.findall(r'<td class="text-end[^"]*">([^<]*)</td>', table.group(0))
    assert cells and all(c in {"0", "&lt;5", "×"} for c in cells), cells


def test_national_dashboard_links_to_no_personal_record(client, world, analyst):
    _response, html = get(client, analyst, NATIONAL, MARCH)
    main = html[html.index("<main") : html.index("</main>")]
    for prefix in ("/people/", "/mrc/", "/placement/", "/frontdesk/", "/outreach/"):
        assert f'href="{prefix}' not in main
    for name in ("Ani", "Budi", "Siti"):
        assert f">{name}<" not in main


def test_choosing_offices_withholds_figures_that_would_give_a_hidden_one_away(
    client, world, analyst
):
    params = {
        **MARCH,
        "office": [world.office.pk],
        "indicator": ["registrations", "complaints_received"],
    }
    _response, html = get(client, analyst, NATIONAL, params)
    assert 'data-testid="withheld"' in html
    assert 'data-testid="national-complaints_received"' not in html
    assert 'data-testid="national-registrations"' in html
    assert 'data-testid="trend-complaints_received"' not in html
    assert f'data-testid="office-row-{world.other_office.pk}"' not in html


def test_national_trends_switch_to_their_tables(client, world, analyst):
    _response, html = get(client, analyst, NATIONAL, MARCH)
    found = toggles(html)
    assert len(found.buttons) == 3 and found.views == ["chart"] * 3  # the national trends
    for _tag, attrs in found.buttons:
        chart, table = attrs["aria-controls"].split()
        assert found.ids[table] == "report-figure-table"
        code = table.removeprefix("trend-").removesuffix("-table-view")
        assert f'data-testid="trend-{code}-table"' in html


def test_national_tables_are_the_ones_the_filters_give_though_read_once(world, analyst):
    """The national dashboard reads a table the scheme/destination filters do not change only
    once; every table it shows is still the table the selectors give with those filters."""
    codes = ["departures_by_destination", "outreach_people_reached", "complaints_received"]
    march = {"date_from": datetime.date(2026, 3, 1), "date_to": datetime.date(2026, 3, 31)}
    for filters in (
        {"sex": None, "scheme": None, "destination": None},
        {"sex": "F", "scheme": "individual", "destination": "HK"},
    ):
        reads = national_reads(
            analyst, **march, filters=filters, chosen_ids=None, codes=codes, shown_offices=[]
        )
        expected = selectors.indicator_results(codes=codes, viewer=analyst, **march, **filters)
        assert reads.results == expected
    # The destination filter did narrow the departures (Hana, to Hong Kong, only).
    assert [row.dimension for row in reads.results[0].rows] == ["HK"]


# --- changes coloured and worded by whether they are good news ---------------------------


def _figure(code: str, now: int, before: int):
    from satuatap.reports.dashboards import KeyFigure, change_between
    from satuatap.reports.indicators import get_indicator
    from satuatap.reports.results import Cell

    change = change_between(Cell(now), Cell(before))
    return KeyFigure(
        code, code, "people", Cell(now), Cell(before), change, get_indicator(code).better
    )


def test_a_change_is_judged_by_the_indicators_good_direction_not_by_its_own():
    assert _figure("waiting_time", 12, 20).verdict == "better"  # a shorter wait
    assert _figure("waiting_time", 20, 12).verdict == "worse"
    assert _figure("ikm", 80, 75).verdict == "better"
    assert _figure("complaints_pending", 9, 4).verdict == "worse"
    assert _figure("complaints_received", 9, 4).verdict == ""  # neither good nor bad news
    assert _figure("departures_by_destination", 2, 9).verdict == ""
    assert _figure("waiting_time", 12, 12).verdict == ""


def test_the_dashboard_colours_and_words_a_change_by_its_verdict(client, world, head):
    _response, html = get(client, head, OFFICE, MARCH)
    # Money recovered rose from nothing in February: good news, in words and colour.
    money = re.search(
        r'<span class="change change-(\w+)" data-testid="figure-money_recovered-change"', html
    )
    assert money.group(1) == "better"
    assert text_of(html, "figure-money_recovered-verdict") == "better"
    # Registrations rose too, but more registrations is neither better nor worse.
    registrations = re.search(
        r'<span class="change change-(\w+)" data-testid="figure-registrations-change"', html
    )
    assert registrations.group(1) == "neutral"
    assert 'data-testid="figure-registrations-verdict"' not in html
