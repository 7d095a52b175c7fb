"""GET /api/v1/indicators and GET /api/v1/reports/indicators: shape, values, suppression and
who may ask for what."""

from __future__ import annotations

import pytest

from satuatap.core.roles import Role
from satuatap.reports.indicators import AGE_BANDS, INDICATORS
from tests.reports.core_fixture import build

pytestmark = pytest.mark.django_db

MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


@pytest.fixture
def world(office):
    return build(office)


@pytest.fixture
def head_client(client, make_user):
    client.force_login(make_user(Role.OFFICE_HEAD))
    return client


def test_indicators_lists_every_definition_in_both_languages(head_client):
    response = head_client.get("/api/v1/indicators")
    assert response.status_code == 200
    body = response.json()
    assert [i["code"] for i in body] == [i.code for i in INDICATORS]
    first = body[0]
    assert set(first) == {
        "code",
        "name_id",
        "name_en",
        "definition_id",
        "definition_en",
        "unit",
        "group",
        "dimension",
        "is_person_count",
        "by_sex_and_age",
        "case_related",
        "filters",
        "source",
    }
    assert first["name_en"] == "Visitors by desk" and first["name_id"] == "Pengunjung per loket"
    money = next(i for i in body if i["code"] == "money_recovered")
    assert money["case_related"] and money["unit"] == "rupiah" and money["by_sex_and_age"]
    departures = next(i for i in body if i["code"] == "departures_by_scheme")
    assert departures["filters"] == ["scheme", "destination"]


def test_an_office_head_reads_the_office_values_unsuppressed(head_client, world):
    response = head_client.get(
        "/api/v1/reports/indicators", {**MARCH, "indicator": "visitors,money_recovered"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["office"] == {"id": world.office.pk, "slug": "cirebon", "name": world.office.name}
    assert body["office_ids"] == [world.office.pk]
    assert body["from"] == "2026-03-01" and body["to"] == "2026-03-31"
    assert body["suppression"] is False
    visitors, money = body["indicators"]
    assert visitors["code"] == "visitors" and visitors["unit"] == "people"
    assert visitors["total"]["total"] == {
        "value": 5,
        "suppressed": False,
        "display": "5",
        "reason": None,
    }
    assert {k: v["value"] for k, v in visitors["total"]["by_sex"].items()} == {
        "F": 4,
        "M": 1,
        "U": 0,
    }
    assert list(visitors["total"]["by_age_band"]) == list(AGE_BANDS)
    desks = {row["dimension"]: row for row in visitors["rows"]}
    assert desks["ketenagakerjaan"]["total"]["value"] == 3
    assert desks["ketenagakerjaan"]["label"]
    assert money["total"]["total"]["value"] == 5_000_000


def test_averages_and_the_ikm_come_as_numbers(head_client, world):
    response = head_client.get(
        "/api/v1/reports/indicators", {**MARCH, "indicator": "waiting_time,ikm"}
    )
    waiting, ikm = response.json()["indicators"]
    assert waiting["total"]["total"]["value"] == 16.5
    assert ikm["total"]["total"] == {
        "value": 88.89,
        "suppressed": False,
        "display": "88.89",
        "reason": None,
    }
    assert ikm["total"]["by_sex"]["M"]["value"] is None
    assert ikm["total"]["by_sex"]["M"]["display"] == "–"


def test_the_analyst_gets_small_case_counts_suppressed(client, analyst, world):
    client.force_login(analyst)
    response = client.get(
        "/api/v1/reports/indicators",
        {**MARCH, "office": "cirebon", "indicator": "complaints_received,registrations"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["suppression"] is True
    complaints, registrations = body["indicators"]
    total = complaints["total"]["total"]
    assert total["value"] is None and total["suppressed"] is True
    assert (total["display"], total["reason"]) in (("<5", "small"), ("×", "complementary"))
    assert complaints["suppressed_cells"] > 0
    assert complaints["total"]["by_sex"]["U"]["value"] == 0  # zero stays visible
    assert registrations["suppressed_cells"] == 0  # not case-related
    assert registrations["total"]["total"]["value"] == 5


def test_the_analyst_reads_every_office_summed_when_no_office_is_given(client, analyst, world):
    client.force_login(analyst)
    body = client.get(
        "/api/v1/reports/indicators", {**MARCH, "indicator": "counselling_contacts"}
    ).json()
    assert body["office"] is None
    assert sorted(body["office_ids"]) == sorted([world.office.pk, world.other_office.pk])
    # Cirebon 3 + Tulungagung 1 counselled: 4, hidden.
    assert body["indicators"][0]["total"]["total"]["suppressed"] is True
    by_id = client.get(
        "/api/v1/reports/indicators",
        {**MARCH, "office": str(world.other_office.pk), "indicator": "counselling_contacts"},
    ).json()
    assert by_id["office"]["slug"] == "tulungagung"


def test_office_staff_cannot_read_another_office(head_client, world):
    response = head_client.get("/api/v1/reports/indicators", {**MARCH, "office": "tulungagung"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    response = head_client.get("/api/v1/reports/indicators", {**MARCH, "office": "cirebon"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "role", [Role.FRONTDESK, Role.DESK_OFFICER, Role.PLACEMENT_OFFICER, Role.OUTREACH_WORKER]
)
def test_every_office_role_reads_its_office(client, make_user, world, role):
    client.force_login(make_user(role))
    response = client.get("/api/v1/reports/indicators", {**MARCH, "indicator": "visitors"})
    assert response.status_code == 200
    assert response.json()["indicators"][0]["total"]["total"]["value"] == 5


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"indicator": "visitors,nope"}, "indicator"),
        ({"sex": "X"}, "sex"),
        ({"from": "2026-03-31", "to": "2026-03-01"}, "from"),
    ],
)
def test_bad_parameters_are_422_with_the_field(head_client, params, field):
    response = head_client.get("/api/v1/reports/indicators", params)
    assert response.status_code == 422
    assert field in response.json()["details"]


def test_filters_are_applied(head_client, world):
    body = head_client.get(
        "/api/v1/reports/indicators",
        {
            **MARCH,
            "indicator": "departures_by_destination,visitors",
            "scheme": "individual",
            "sex": "F",
        },
    ).json()
    departures, visitors = body["indicators"]
    assert departures["total"]["total"]["value"] == 2
    assert list(departures["total"]["by_sex"]) == ["F"]
    assert visitors["total"]["total"]["value"] == 4  # scheme does not apply; sex does
    assert body["scheme"] == "individual" and body["sex"] == "F"


def test_the_period_defaults_to_this_month(head_client, office):
    body = head_client.get("/api/v1/reports/indicators", {"indicator": "visitors"}).json()
    today = office.today()
    assert body["to"] == today.isoformat()
    assert body["from"] == today.replace(day=1).isoformat()


def test_the_openapi_document_describes_both_routes(head_client):
    paths = head_client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/indicators" in paths
    parameters = {p["name"] for p in paths["/api/v1/reports/indicators"]["get"]["parameters"]}
    assert {"office", "from", "to", "indicator", "sex", "scheme", "destination"} <= parameters
