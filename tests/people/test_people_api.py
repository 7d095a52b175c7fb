"""The registry API: search, NIK lookup, register, correct, timeline — permission-checked."""

from __future__ import annotations

import datetime

import pytest

from satuatap.core.roles import Role
from satuatap.people import services
from satuatap.people.models import MigrationStatus, Person, Sex
from tests.factories import PersonFactory
from tests.people.conftest import MERAUKE_1995

pytestmark = pytest.mark.django_db

NIK = "3209015403950001"


@pytest.fixture
def officer(make_user):
    return make_user(Role.FRONTDESK)


@pytest.fixture
def api(client, officer):
    client.force_login(officer)
    return client


def test_register_through_the_api(api, office):
    response = api.post(
        "/api/v1/people",
        {
            "full_name": "Siti Nurhaliza",
            "sex": "F",
            "nik": NIK,
            "birth_date": "1995-03-14",
            "village_code": "32.09.01.2008",
            "phones": ["0812 3456 7890"],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["nik"] == NIK and body["phones"][0]["number"] == "+6281234567890"
    assert Person.objects.get().office == office


def test_invalid_fields_are_reported_together_and_nothing_is_saved(api):
    response = api.post(
        "/api/v1/people",
        {
            "full_name": "X",
            "sex": "F",
            "nik": "3209013203950000",
            "phones": ["12"],
            "village_code": "99.99.99.9999",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert set(response.json()["details"]) == {"nik", "phones", "village_code"}
    assert not Person.objects.exists()


def test_a_nik_in_full_width_digits_is_refused_naming_the_digits(api):
    full_width = NIK.translate(str.maketrans("0123456789", "０１２３４５６７８９"))

    response = api.post(
        "/api/v1/people",
        {"full_name": "Siti", "sex": "F", "nik": full_width},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 422
    [message] = response.json()["details"]["nik"]
    assert "Not allowed here: “３”" in message and "has 16" not in message
    assert not Person.objects.exists()


def test_nik_warning_must_be_confirmed(api):
    payload = {"full_name": "Budi", "sex": "M", "nik": NIK}
    refused = api.post("/api/v1/people", payload, content_type="application/json")
    accepted = api.post(
        "/api/v1/people",
        {**payload, "confirm_nik_warnings": True},
        content_type="application/json",
    )
    assert refused.status_code == 422 and "nik" in refused.json()["details"]
    assert accepted.status_code == 201
    assert Person.objects.get().confirmed_nik_warnings == ["sex_mismatch"]


def test_an_old_merauke_nik_is_registered_with_a_warning_not_an_error(api, papua):
    response = api.post(
        "/api/v1/people",
        {
            "full_name": "Maria Gebze",
            "sex": "F",
            "nik": MERAUKE_1995,
            "birth_date": "1995-03-14",
            "village_code": "93.01.01.1002",
        },
        content_type="application/json",
        headers={"Accept-Language": "id"},
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["village_code"] == "93.01.01.1002"
    [warning] = body["nik_warnings"]
    assert warning["code"] == "retired_region_code"
    assert "sekarang 93.01.01 Merauke, di 93.01 Kabupaten Merauke" in warning["message"]
    person = Person.objects.get()
    assert person.confirmed_nik_warnings == []
    again = api.get(f"/api/v1/people/{person.pk}").json()
    assert [w["code"] for w in again["nik_warnings"]] == ["retired_region_code"]


def test_only_the_warnings_to_confirm_hold_up_an_old_merauke_nik(api, papua):
    payload = {"full_name": "Yohanes", "sex": "M", "nik": MERAUKE_1995}

    refused = api.post("/api/v1/people", payload, content_type="application/json")
    accepted = api.post(
        "/api/v1/people", {**payload, "confirm_nik_warnings": True}, content_type="application/json"
    )

    assert refused.status_code == 422
    assert len(refused.json()["details"]["nik"]) == 2  # the sex mismatch, and what to send
    assert accepted.status_code == 201
    assert [w["code"] for w in accepted.json()["nik_warnings"]] == [
        "retired_region_code",
        "sex_mismatch",
    ]
    assert Person.objects.get().confirmed_nik_warnings == ["sex_mismatch"]


def test_duplicate_nik_is_a_409(api, officer):
    services.register_person(by=officer, full_name="A", sex=Sex.FEMALE, nik=NIK)
    response = api.post(
        "/api/v1/people",
        {"full_name": "B", "sex": "F", "nik": NIK},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_nik"


def test_search_by_name_nik_and_phone(api, officer):
    person = services.register_person(
        by=officer,
        full_name="Muhammad Rizky",
        sex=Sex.MALE,
        nik="3209011403950002",
        phones=["+6281234567890"],
    )
    by_name = api.get("/api/v1/people", {"q": "Moch Riski"}).json()
    by_nik = api.get("/api/v1/people", {"nik": "3209011403950002"}).json()
    by_phone = api.get("/api/v1/people", {"q": "0812-3456-7890"}).json()
    assert by_name[0]["id"] == person.pk and by_name[0]["matched_by"] == "name"
    assert [p["id"] for p in by_nik] == [person.pk]
    assert by_phone[0]["id"] == person.pk and by_phone[0]["matched_by"] == "phone"
    assert by_nik[0]["nik_masked"] == "3209********0002"


def test_patch_corrects_and_keeps_history(api, officer):
    person = services.register_person(by=officer, full_name="Dewi", sex=Sex.FEMALE)
    response = api.patch(
        f"/api/v1/people/{person.pk}",
        {"full_name": "Dewi Lestari", "phones": ["0857 1111 2222"]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["full_name"] == "Dewi Lestari"
    assert response.json()["phones"][0]["number"] == "+6285711112222"
    from auditlog.models import LogEntry

    update = LogEntry.objects.get_for_object(person).filter(action=LogEntry.Action.UPDATE).get()
    assert update.changes_dict["full_name"] == ["Dewi", "Dewi Lestari"]


def test_timeline_endpoint(api, officer):
    person = services.register_person(by=officer, full_name="Sri", sex=Sex.FEMALE)
    services.record_status(
        person=person,
        by=officer,
        status=MigrationStatus.ABROAD,
        effective_date=datetime.date(2024, 3, 1),
        country="TW",
    )
    timeline = api.get(f"/api/v1/people/{person.pk}/timeline").json()
    assert timeline == [
        {
            "status": "abroad",
            "effective_date": "2024-03-01",
            "country": "TW",
            "employer": "",
            "sector": "",
        }
    ]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/people/{id}"),
        ("patch", "/api/v1/people/{id}"),
        ("get", "/api/v1/people/{id}/timeline"),
    ],
)
def test_other_office_gets_404_on_every_person_endpoint(api, other_office, method, path):
    stranger = PersonFactory(office=other_office)
    name = stranger.full_name
    response = getattr(api, method)(
        path.format(id=stranger.pk),
        {} if method == "get" else {"full_name": "x"},
        **({} if method == "get" else {"content_type": "application/json"}),
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert name not in response.content.decode() and stranger.nik not in response.content.decode()
    stranger.refresh_from_db()
    assert stranger.full_name == name


def test_list_people_query_count_stays_flat(api, office, django_assert_max_num_queries):
    for n in range(60):
        PersonFactory(office=office, full_name=f"Person {n}")
    with django_assert_max_num_queries(8):
        response = api.get("/api/v1/people")
    assert len(response.json()) == 50
