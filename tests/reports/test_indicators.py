"""Every indicator against the hand-counted world of core_fixture.py (March 2026, Cirebon).

The numbers below were counted by hand from the records in core_fixture.py; each comment says
which records make them. The office head reads them (inside the office: nothing suppressed).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from satuatap.core.roles import Role
from satuatap.reports import selectors
from satuatap.reports.indicators import AGE_BANDS, INDICATORS, get_indicator
from tests.reports.core_fixture import MARCH, build, d

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(office):
    return build(office)


@pytest.fixture
def head(make_user):
    return make_user(Role.OFFICE_HEAD)


def table(result):
    """{row: (total, by_sex, by_age_band)} with plain values; the total row under "*"."""

    def values(cells):
        return {key: cell.value for key, cell in cells.items()}

    out = {
        row.dimension: (row.total.value, values(row.by_sex), values(row.by_age_band))
        for row in result.rows
    }
    out["*"] = (
        result.total.total.value,
        values(result.total.by_sex),
        values(result.total.by_age_band),
    )
    return out


def sexes(f=0, m=0, u=0):
    return {"F": f, "M": m, "U": u}


def bands(**counts):
    names = {
        "child": "0-17",
        "young": "18-24",
        "adult": "25-39",
        "middle": "40-59",
        "old": "60+",
        "unknown": "unknown",
    }
    out = dict.fromkeys(AGE_BANDS, 0)
    for name, count in counts.items():
        out[names[name]] = count
    return out


def read(code, head, world, *, date_from=MARCH[0], date_to=MARCH[1], **filters):
    return table(
        selectors.indicator_result(
            code=code,
            viewer=head,
            date_from=date_from,
            date_to=date_to,
            office_ids=[world.office.pk],
            **filters,
        )
    )


# --- Front desk -------------------------------------------------------------------------------


def test_visitors_by_desk_count_a_visit_at_each_desk_and_once_in_total(world, head):
    # V1 Ani (F 25-39) at both desks; V2 Hana on 9 March (F 18-24) and V3 Hana on 10 March
    # (F 25-39: her 25th birthday) at the labour desk; V4 anonymous man 35-44 (→ unknown) and
    # V5 anonymous woman 25-34 (→ 25-39) at the MRC desk. V6 is in February.
    t = read("visitors", head, world)
    assert t["*"] == (5, sexes(f=4, m=1), bands(young=1, adult=3, unknown=1))
    assert t["ketenagakerjaan"] == (3, sexes(f=3), bands(young=1, adult=2))
    assert t["pengaduan-informasi"] == (3, sexes(f=2, m=1), bands(adult=2, unknown=1))
    assert list(t) == ["ketenagakerjaan", "pengaduan-informasi", "*"]


def test_services_served_count_only_tickets_served(world, head):
    # V1 at both desks, V3 at the labour desk, V4 at the MRC desk (V2 was a no-show, V5 waits).
    t = read("services_served", head, world)
    assert t["*"] == (4, sexes(f=3, m=1), bands(adult=3, unknown=1))
    assert t["ketenagakerjaan"] == (2, sexes(f=2), bands(adult=2))
    assert t["pengaduan-informasi"] == (2, sexes(f=1, m=1), bands(adult=1, unknown=1))


def test_waiting_time_is_the_mean_from_issue_to_call_of_tickets_served(world, head):
    # Waits: V1 labour 10, V1 MRC 30, V3 labour 20, V4 MRC 6 minutes.
    t = read("waiting_time", head, world)
    assert t["*"][0] == Decimal("16.5")
    assert t["*"][1] == {"F": Decimal("20.0"), "M": Decimal("6.0"), "U": None}
    assert t["ketenagakerjaan"][0] == Decimal("15.0")
    assert t["pengaduan-informasi"][0] == Decimal("18.0")


def test_service_time_runs_from_the_start_of_service_or_the_call(world, head):
    # V1 labour 8:12→8:30 = 18; V1 MRC never "started": 8:30 (call) → 8:40 = 10;
    # V3 10:21→10:31 = 10; V4 11:06→11:16 = 10.
    t = read("service_time", head, world)
    assert t["*"][0] == Decimal("12.0")
    assert t["*"][1]["F"] == Decimal("12.7")  # 38 / 3
    assert t["ketenagakerjaan"][0] == Decimal("14.0")
    assert t["pengaduan-informasi"][0] == Decimal("10.0")


def test_ikm_is_computed_exactly_from_the_sums_of_the_answers(world, head):
    # Ani answered 4 everywhere; the anonymous man 3 to U1–U8 and nothing to U9.
    # U1–U8 mean 3.5 (87.50), U9 mean 4 (100.00); IKM = (8 × 3.5 + 4) / 9 = 32/9 → 88.89.
    t = read("ikm", head, world)
    assert t["*"][0] == Decimal("88.89")
    assert t["u1"][0] == Decimal("87.50")
    assert t["u9"][0] == Decimal("100.00")
    assert t["*"][1] == {"F": Decimal("100.00"), "M": None, "U": None}  # the man skipped U9
    assert [k for k in t if k != "*"] == [f"u{n}" for n in range(1, 10)]


def test_ikm_respondents(world, head):
    t = read("ikm_respondents", head, world)
    assert t["*"] == (2, sexes(f=1, m=1), bands(adult=1, unknown=1))


# --- Registry ---------------------------------------------------------------------------------


def test_registrations_count_the_office_day_and_leave_out_merged_records(world, head):
    # Ani 2 March (25), Budi 2 March 23:30 (36), Citra 00:30 on 3 March (17), Hana 5 March (24),
    # Eko 31 March 23:59 (sex and birth date not recorded). Dewi registered in February, Fajar
    # at 00:10 on 1 April, Hana's duplicate was merged.
    t = read("registrations", head, world)
    assert t["*"] == (5, sexes(f=3, m=1, u=1), bands(child=1, young=1, adult=2, unknown=1))
    april = read("registrations", head, world, date_from=d(4, 1), date_to=d(4, 30))
    assert april["*"][0] == 1


# --- Placement --------------------------------------------------------------------------------


def test_departures_by_destination_scheme_and_sector(world, head):
    # Ani to HK (individual, domestic), Budi to KR (G to G, manufacturing), Hana to HK
    # (individual, no sector) on 25 March, age 25. Dewi left in January.
    t = read("departures_by_destination", head, world)
    assert t["*"] == (3, sexes(f=2, m=1), bands(adult=3))
    assert t["HK"] == (2, sexes(f=2), bands(adult=2))
    assert t["KR"] == (1, sexes(m=1), bands(adult=1))
    by_scheme = read("departures_by_scheme", head, world)
    assert {k: v[0] for k, v in by_scheme.items()} == {
        "g2g": 1,
        "p3mi": 0,
        "own_company": 0,
        "individual": 2,
        "*": 3,
    }
    by_sector = read("departures_by_sector", head, world)
    assert {k: v[0] for k, v in by_sector.items()} == {
        "domestic": 1,
        "manufacturing": 1,
        "unknown": 1,
        "*": 3,
    }


def test_scheme_and_destination_filters_act_on_placement_tables(world, head):
    individual = read("departures_by_destination", head, world, scheme="individual")
    assert individual["*"][0] == 2 and individual["HK"][0] == 2 and "KR" not in individual
    korea = read("departures_by_scheme", head, world, destination="KR")
    assert korea["*"][0] == 1 and korea["g2g"][0] == 1 and korea["individual"][0] == 0
    # Dewi's return: destination from her job order (Taiwan).
    taiwan = read("returns_by_reason", head, world, destination="TW")
    assert taiwan["*"][0] == 1 and taiwan["problem"][0] == 1
    # A filter that does not apply leaves the table as it is.
    assert read("visitors", head, world, scheme="g2g")["*"][0] == 5


def test_returns_by_reason(world, head):
    # Dewi (F, 46 on 20 March) returned with a problem; Fajar (M, 66) after his contract.
    t = read("returns_by_reason", head, world)
    assert t["*"] == (2, sexes(f=1, m=1), bands(middle=1, old=1))
    assert t["problem"] == (1, sexes(f=1), bands(middle=1))
    assert t["contract_finished"] == (1, sexes(m=1), bands(old=1))
    assert t["deported"][0] == 0


# --- Training ---------------------------------------------------------------------------------


def test_people_trained_count_passed_enrolments_on_the_last_course_day(world, head):
    # Caregiver course (ends 15 March): Ani and Citra passed, Budi failed; OPP (20 March): Dewi.
    t = read("people_trained", head, world)
    assert t["*"] == (3, sexes(f=3), bands(child=1, adult=1, middle=1))
    assert t["training"] == (2, sexes(f=2), bands(child=1, adult=1))
    assert t["opp"] == (1, sexes(f=1), bands(middle=1))


# --- MRC --------------------------------------------------------------------------------------


def test_information_contacts_count_people_reached(world, head):
    # Budi walk-in, an unnamed woman 18-24 by phone, a group by outreach of 6 + 2 + 1.
    t = read("information_contacts", head, world)
    assert t["*"] == (11, sexes(f=7, m=3, u=1), bands(young=1, adult=7, middle=2, unknown=1))
    assert t["walk_in"] == (1, sexes(m=1), bands(adult=1))
    assert t["phone"] == (1, sexes(f=1), bands(young=1))
    assert t["outreach"] == (9, sexes(f=6, m=2, u=1), bands(adult=6, middle=2, unknown=1))
    assert t["online"][0] == 0


def test_counselling_contacts_count_named_participants_of_a_group_without_counts(world, head):
    # Hana walk-in (24), an online group with Ani and Citra named and no counts. The contact
    # of 1 April and Tulungagung's are not counted.
    t = read("counselling_contacts", head, world)
    assert t["*"] == (3, sexes(f=3), bands(child=1, young=1, adult=1))
    assert t["online"] == (2, sexes(f=2), bands(child=1, adult=1))


def test_complaints_received_count_a_case_in_each_category_and_once_in_total(world, head):
    # C1 Ani (wages, fees), C3 Hana (GBV), C4 Budi (contract).
    t = read("complaints_received", head, world)
    assert t["*"] == (3, sexes(f=2, m=1), bands(young=1, adult=2))
    assert {k: v[0] for k, v in t.items() if v[0]} == {
        "wages": 1,
        "fees": 1,
        "gbv": 1,
        "contract": 1,
        "*": 3,
    }
    assert len(t) == 13  # every category is listed


def test_complaints_resolved_are_cases_closed_on_an_office_day_of_the_period(world, head):
    # C1 closed 20 March; C2 (Dewi, received in February at 45) at 23:00 on 31 March; C4 at
    # 00:30 on 1 April is April's.
    t = read("complaints_resolved", head, world)
    assert t["*"] == (2, sexes(f=2), bands(adult=1, middle=1))
    assert t["wages"][0] == 2 and t["fees"][0] == 1 and t["contract"][0] == 0


def test_complaints_pending_is_received_minus_closed_up_to_the_end(world, head):
    # End of March: C3 (GBV), C4 (contract), C5 (document retention, received in January).
    t = read("complaints_pending", head, world)
    assert t["*"] == (3, sexes(f=2, m=1), bands(child=1, young=1, adult=1))
    assert {k: v[0] for k, v in t.items() if v[0]} == {
        "gbv": 1,
        "contract": 1,
        "document_retention": 1,
        "*": 3,
    }
    # End of February: C2 (wages) and C5, whatever the first day of the period.
    february = read("complaints_pending", head, world, date_from=d(2, 27), date_to=d(2, 28))
    assert {k: v[0] for k, v in february.items() if v[0]} == {
        "wages": 1,
        "document_retention": 1,
        "*": 2,
    }


def test_money_recovered_sums_rupiah_of_cases_closed_in_the_period(world, head):
    t = read("money_recovered", head, world)
    assert t["*"] == (5_000_000, sexes(f=5_000_000), bands(adult=5_000_000))
    assert read("money_recovered", head, world, date_from=d(4, 1), date_to=d(4, 30))["*"][0] == (
        1_000_000
    )


def test_referrals_by_partner_count_referrals_sent_in_the_period(world, head):
    # R1 (C1, Ani) and R2 (C3, Hana) to the WCC; R3 (C4, Budi) to legal aid. R4 was sent in
    # February.
    t = read("referrals_by_partner", head, world)
    assert t["*"] == (3, sexes(f=2, m=1), bands(young=1, adult=2))
    assert t["wcc-mawar-balqis"][0] == 2 and t["lbh-cirebon"][0] == 1


def test_referrals_by_result_count_the_state_on_the_day_it_was_reached(world, head):
    # R1 completed 10 March, R2 not answered (sent 10 March), R4 accepted 2 March; R3 was
    # declined at 00:30 on 1 April.
    t = read("referrals_by_result", head, world)
    assert {k: v[0] for k, v in t.items()} == {
        "sent": 1,
        "accepted": 1,
        "declined": 0,
        "completed": 1,
        "*": 3,
    }
    # R4: Citra was 17 when her complaint was received.
    assert t["accepted"][2]["0-17"] == 1


# --- Outreach ---------------------------------------------------------------------------------


def test_outreach_events_by_village(world, head):
    t = read("outreach_events", head, world)
    assert t["*"][0] == 3
    assert t[world.village_a.code][0] == 2 and t[world.village_b.code][0] == 1
    assert t["*"][1] == {} and t["*"][2] == {}  # events are not split by sex


def test_outreach_people_reached_by_village(world, head):
    t = read("outreach_people_reached", head, world)
    assert t["*"] == (20, sexes(f=13, m=7), bands(young=10, adult=5, old=2, unknown=3))
    assert t[world.village_a.code] == (18, sexes(f=13, m=5), bands(young=10, adult=5, unknown=3))


# --- Across indicators ------------------------------------------------------------------------


def test_the_sex_filter_keeps_one_sex(world, head):
    t = read("visitors", head, world, sex="M")
    assert t["*"] == (1, {"M": 1}, bands(unknown=1))
    assert "ketenagakerjaan" not in t  # no man at that desk: a data row, not a fixed one


def test_rows_are_labelled_in_the_active_language(world, head, settings):
    from django.utils import translation

    with translation.override("en"):
        result = selectors.indicator_result(
            code="departures_by_destination",
            viewer=head,
            date_from=MARCH[0],
            date_to=MARCH[1],
        )
    assert {row.label for row in result.rows} == {"Hong Kong", "South Korea"}
    assert result.name == "Departures by destination"


def test_monthly_series_gives_a_cell_per_month(world, head):
    series = selectors.monthly_series(
        code="registrations", viewer=head, months=3, end=d(4, 30), office_ids=[world.office.pk]
    )
    assert [(month, cell.value) for month, cell in series] == [
        (d(2, 1), 1),  # Dewi
        (d(3, 1), 5),
        (d(4, 1), 1),  # Fajar
    ]
    pending = selectors.monthly_series(
        code="complaints_pending", viewer=head, months=3, end=d(4, 30)
    )
    # End of February 2 (C2, C5); March 3; April: C4 closed → 2.
    assert [cell.value for _m, cell in pending] == [2, 3, 2]
    waits = selectors.monthly_series(code="waiting_time", viewer=head, months=2, end=d(3, 31))
    assert [cell.value for _m, cell in waits] == [Decimal("1.0"), Decimal("16.5")]


def test_indicator_results_returns_every_indicator_in_order(world, head):
    results = selectors.indicator_results(
        viewer=head, date_from=MARCH[0], date_to=MARCH[1], office_ids=[world.office.pk]
    )
    assert [r.code for r in results] == [i.code for i in INDICATORS]
    assert all(r.suppressed_cells == 0 for r in results)


def test_reads_take_one_query_per_indicator(world, head, django_assert_max_num_queries):
    from satuatap.reports.services.rollups import flush_pending

    flush_pending()
    with django_assert_max_num_queries(len(INDICATORS) + 12):
        selectors.indicator_results(viewer=head, date_from=MARCH[0], date_to=MARCH[1])


def test_every_indicator_is_checked_here():
    """A new indicator needs its hand-counted test in this file."""
    import pathlib
    import re

    source = pathlib.Path(__file__).read_text()
    read_codes = set(re.findall(r'read\(\s*"(\w+)"', source))
    assert {i.code for i in INDICATORS} <= read_codes


def test_get_indicator_knows_every_code():
    for indicator in INDICATORS:
        assert get_indicator(indicator.code) is indicator
        assert indicator.name_id and indicator.name_en
        assert indicator.definition_id and indicator.definition_en
    with pytest.raises(KeyError):
        get_indicator("nope")
    assert get_indicator("complaints_pending").stock_of == (
        "complaints_received",
        "complaints_resolved",
    )


def test_age_bands_follow_the_birthday():
    from satuatap.reports.compute import age_band

    born = datetime.date(2001, 3, 10)
    assert age_band(born, datetime.date(2026, 3, 9)) == "18-24"
    assert age_band(born, datetime.date(2026, 3, 10)) == "25-39"
    assert age_band(datetime.date(2008, 6, 1), datetime.date(2026, 5, 31)) == "0-17"
    assert age_band(datetime.date(1966, 1, 1), datetime.date(2026, 1, 1)) == "60+"
    assert age_band(None, datetime.date(2026, 1, 1)) == "unknown"
