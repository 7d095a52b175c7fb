"""DHIS2 dataValueSets JSON: the shape DHIS2 imports, deterministic ids, no suppressed value."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.urls import reverse

from satuatap.core.roles import Role
from satuatap.reports.exports import dhis2
from satuatap.reports.results import Cell, IndicatorResult, Row
from tests.reports.core_fixture import build
from tests.reports.exports_support import (
    person_result,
    person_row,
    suppressed_result,
    value_result,
)

UID = re.compile(r"^[A-Za-z][A-Za-z0-9]{10}$")
PERIOD = re.compile(r"^\d{4}(0[1-9]|1[0-2])$")
KEYS = {"dataElement", "period", "orgUnit", "categoryOptionCombo", "value"}


def assert_data_value_set(document) -> None:
    """The dataValueSets JSON schema DHIS2 imports (the part we send), as plain assertions:
    an object with one key "dataValues", a list of objects with exactly these string
    members, ids that are DHIS2 uids, a monthly period and a number as the value."""
    assert isinstance(document, dict)
    assert set(document) == {"dataValues"}
    assert isinstance(document["dataValues"], list)
    for value in document["dataValues"]:
        assert isinstance(value, dict)
        assert set(value) == KEYS, value
        assert all(isinstance(value[key], str) for key in KEYS)
        for key in ("dataElement", "orgUnit", "categoryOptionCombo"):
            assert UID.match(value[key]), (key, value[key])
        assert PERIOD.match(value["period"])
        assert re.fullmatch(r"-?\d+(\.\d+)?", value["value"]), value["value"]
    keys = [
        (v["dataElement"], v["period"], v["orgUnit"], v["categoryOptionCombo"])
        for v in document["dataValues"]
    ]
    assert len(keys) == len(set(keys)), "one value per data element, period, org unit, combo"


def departures():
    return person_result(
        "departures",
        "Departures",
        [
            person_row("HK", "Hong Kong", women=12, men=1),
            person_row("TW", "Taiwan", women=7, men=9, unknown=2),
        ],
    )


def values_by_key(document):
    return {
        (v["dataElement"], v["categoryOptionCombo"]): v["value"] for v in document["dataValues"]
    }


def test_uid_is_dhis2_shaped_and_deterministic():
    ids = {dhis2.uid("dataElement", f"indicator-{n}") for n in range(2000)}
    assert len(ids) == 2000
    assert all(UID.match(each) for each in ids)
    assert dhis2.uid("orgUnit", "32.09") == dhis2.uid("orgUnit", "32.09")
    assert dhis2.uid("orgUnit", "32.09") != dhis2.uid("dataElement", "32.09")


def test_data_value_set_has_dhis2_shape():
    document = json.loads(
        dhis2.data_value_set_json(
            [
                ("32.09", [departures(), value_result("money_recovered", "Money", 1500000)]),
                ("35.04", [departures()]),
            ]
        )
    )
    assert_data_value_set(document)
    periods = {v["period"] for v in document["dataValues"]}
    assert periods == {"202601"}
    assert {v["orgUnit"] for v in document["dataValues"]} == {
        dhis2.org_unit_id("32.09"),
        dhis2.org_unit_id("35.04"),
    }


def test_values_are_the_results_numbers():
    document = dhis2.data_value_set([("32.09", [departures()])])
    values = values_by_key(document)
    default = dhis2.DEFAULT_CATEGORY_OPTION_COMBO
    total = dhis2.data_element_id("departures")
    by_sex = dhis2.data_element_id("departures#sex")
    by_age = dhis2.data_element_id("departures#age")
    hong_kong = dhis2.data_element_id("departures/HK")
    hong_kong_by_sex = dhis2.data_element_id("departures/HK#sex")
    women = dhis2.category_option_combo_id("sex:F")
    assert values[(total, default)] == "31"
    assert values[(by_sex, women)] == "19"
    assert values[(by_sex, dhis2.category_option_combo_id("sex:U"))] == "2"
    assert values[(by_age, dhis2.category_option_combo_id("age:25-34"))] == "10"
    assert values[(hong_kong, default)] == "13"
    assert values[(hong_kong_by_sex, women)] == "12"
    # Zeros of a split are not sent (Hong Kong has nobody of unrecorded sex); totals are.
    assert (hong_kong_by_sex, dhis2.category_option_combo_id("sex:U")) not in values


def test_zero_total_is_sent():
    empty = person_result("visitors", "Visitors", [person_row("", "", women=0, men=0)])
    document = dhis2.data_value_set([("32.09", [empty])])
    assert document["dataValues"] == [
        {
            "dataElement": dhis2.data_element_id("visitors"),
            "period": "202601",
            "orgUnit": dhis2.org_unit_id("32.09"),
            "categoryOptionCombo": dhis2.DEFAULT_CATEGORY_OPTION_COMBO,
            "value": "0",
        }
    ]


def test_suppressed_values_are_left_out():
    document = dhis2.data_value_set([("32.09", [suppressed_result()])])
    assert_data_value_set(document)
    assert document["dataValues"] == []  # total, women and men hidden; the rest are zeros
    assert "<5" not in json.dumps(document)


def test_decimal_values_are_plain_numbers_and_missing_averages_are_left_out():
    average = value_result(
        "waiting_minutes", "Waiting", __import__("decimal").Decimal("12.50"), unit="minutes"
    )
    nothing = IndicatorResult(
        code="service_minutes",
        name="Service",
        unit="minutes",
        date_from=datetime.date(2026, 1, 1),
        date_to=datetime.date(2026, 1, 31),
        office_ids=[1],
        rows=[],
        total=Row(dimension="", label="", total=Cell(None)),
    )
    document = dhis2.data_value_set([("32.09", [average, nothing])])
    assert_data_value_set(document)
    assert [v["value"] for v in document["dataValues"]] == ["12.5"]


def test_mapping_tables_override_the_derived_ids(monkeypatch):
    monkeypatch.setitem(dhis2.DATA_ELEMENT_IDS, "departures", "abcDEF12345")
    monkeypatch.setitem(dhis2.ORG_UNIT_IDS, "32.09", "OrgUnit0001")
    document = dhis2.data_value_set([("32.09", [departures()])])
    assert_data_value_set(document)
    totals = [v for v in document["dataValues"] if v["dataElement"] == "abcDEF12345"]
    assert totals and all(v["orgUnit"] == "OrgUnit0001" for v in totals)


def test_metadata_lists_every_id_an_export_uses():
    document = dhis2.data_value_set([("32.09", [departures()])])
    metadata = dhis2.metadata(
        codes_with_dimensions=[("departures", ["HK", "TW"])],
        region_codes=["32.09"],
        age_bands=["18-24", "25-34", "unknown"],
    )
    for value in document["dataValues"]:
        assert value["dataElement"] in metadata["dataElements"].values()
        assert value["orgUnit"] in metadata["organisationUnits"].values()
        assert value["categoryOptionCombo"] in metadata["categoryOptionCombos"].values()


# --- Downloads ---------------------------------------------------------------------------------


@pytest.fixture
def world(office):
    return build(office)


@pytest.fixture
def head(make_user):
    return make_user(Role.OFFICE_HEAD, language="en")


def get(client, user, **query):
    client.force_login(user)
    return client.get(reverse("reports:export-dhis2"), query)


@pytest.mark.django_db
def test_office_dhis2_download_holds_the_hand_counted_registrations(client, world, head):
    response = get(client, head, month="2026-03")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        'attachment; filename="satuatap-cirebon-2026-03-dhis2.json"'
    )
    document = json.loads(response.content)
    assert_data_value_set(document)
    org_unit = dhis2.org_unit_id(world.office.region_id)
    assert {v["orgUnit"] for v in document["dataValues"]} == {org_unit}
    values = values_by_key(document)
    assert (
        values[(dhis2.data_element_id("registrations"), dhis2.DEFAULT_CATEGORY_OPTION_COMBO)] == "5"
    )
    by_sex = dhis2.data_element_id("registrations#sex")
    assert values[(by_sex, dhis2.category_option_combo_id("sex:F"))] == "3"
    assert values[(by_sex, dhis2.category_option_combo_id("sex:M"))] == "1"
    hong_kong = dhis2.data_element_id("departures_by_destination/HK")
    assert values[(hong_kong, dhis2.DEFAULT_CATEGORY_OPTION_COMBO)] == "2"


@pytest.mark.django_db
def test_dhis2_download_has_a_period_per_month(client, world, head):
    document = json.loads(get(client, head, **{"from": "2026-02", "to": "2026-04"}).content)
    assert_data_value_set(document)
    assert {v["period"] for v in document["dataValues"]} == {"202602", "202603", "202604"}


@pytest.mark.django_db
def test_long_or_national_dhis2_exports_go_to_the_background(client, world, head, analyst):
    response = get(client, head, **{"from": "2025-01", "to": "2026-03"})
    assert response.status_code == 302 and "kind=dhis2" in response["Location"]
    response = get(client, analyst, month="2026-03")
    assert response.status_code == 302 and "kind=dhis2" in response["Location"]


@pytest.mark.django_db
def test_dhis2_of_another_office_is_404(client, world, head):
    response = get(client, head, office=world.other_office.pk)

    assert response.status_code == 404
    assert not response.has_header("Content-Disposition")
    assert b"dataValues" not in response.content
    assert world.other_office.name not in response.content.decode()
