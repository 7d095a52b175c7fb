"""The placement-files API: list, open, change, checklist, readiness, history, stage moves
through the gate, overrides, departure and return; permissions and another office's files."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from satuatap.core.roles import OFFICE_ROLES, Role
from satuatap.people.documents import services as documents
from satuatap.people.models import DocumentType, MigrationStatus
from satuatap.placement.files import services as files
from satuatap.placement.files.models import GateOverride, PlacementFile, Stage, StageChange
from satuatap.placement.models import Scheme

pytestmark = pytest.mark.django_db

BASE = "/api/v1/placement-files"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _post(client, url, body=None, **headers):
    return client.post(url, body or {}, content_type="application/json", headers=headers)


def _patch(client, url, body):
    return client.patch(url, body, content_type="application/json")


@pytest.fixture
def hk_job_order(make_job_order, agency):
    return make_job_order("SIP2MI/HK", agency=agency, scheme=Scheme.P3MI)


@pytest.fixture
def worker(make_worker):
    return make_worker(full_name="Sulastri")


@pytest.fixture
def placement_file(worker, hk_job_order, officer):
    return files.open_file(person=worker, by=officer, values={"job_order": hk_job_order})


@pytest.fixture
def their_file(other_office, make_user, make_job_order, agency):
    from tests.factories import PersonFactory

    their_officer = make_user(Role.PLACEMENT_OFFICER, organisation=other_office)
    person = PersonFactory(
        office=other_office,
        sex="F",
        birth_date=datetime.date(1998, 1, 1),
        marital_status="single",
    )
    job_order = make_job_order("SIP2MI/THEIRS", office=other_office, agency=agency)
    return files.open_file(person=person, by=their_officer, values={"job_order": job_order})


# --- Reading --------------------------------------------------------------------------------


def test_list_holds_the_files_of_the_callers_office_only(
    client, officer, placement_file, their_file
):
    client.force_login(officer)
    response = client.get(BASE)
    assert response.status_code == 200
    assert [f["id"] for f in response.json()] == [placement_file.pk]
    listed = response.json()[0]
    assert listed["person_name"] == "Sulastri" and listed["stage"] == "registration"
    assert listed["scheme"] == "p3mi" and listed["destination"] == "HK"
    assert listed["job_order_permit_number"] == "SIP2MI/HK"


def test_list_filters_by_stage_person_and_job_order(
    client, officer, placement_file, make_worker, make_job_order, agency
):
    other_order = make_job_order("SIP2MI/TW", agency=agency, country="TW")
    second = files.open_file(
        person=make_worker(full_name="Wati"), by=officer, values={"job_order": other_order}
    )
    files.change_stage(placement_file=second, to_stage=Stage.SELECTION, by=officer)
    client.force_login(officer)

    def ids(query):
        return [f["id"] for f in client.get(f"{BASE}?{query}").json()]

    assert ids("stage=selection") == [second.pk]
    assert ids("stage=registration") == [placement_file.pk]
    assert ids(f"person={placement_file.person_id}") == [placement_file.pk]
    assert ids(f"job_order={other_order.pk}") == [second.pk]
    assert sorted(ids("limit=5")) == sorted([placement_file.pk, second.pk])
    assert len(ids("limit=1")) == 1
    assert client.get(f"{BASE}?stage=flying").status_code == 422


def test_list_runs_a_fixed_number_of_queries(
    client, officer, make_worker, hk_job_order, django_assert_max_num_queries
):
    for number in range(15):
        files.open_file(
            person=make_worker(full_name=f"Pekerja {number}"),
            by=officer,
            values={"job_order": hk_job_order},
        )
    client.force_login(officer)
    with django_assert_max_num_queries(8):
        response = client.get(BASE)
    assert len(response.json()) == 15


def test_one_file_is_read_by_every_office_role(client, make_user, placement_file):
    for role in sorted(OFFICE_ROLES):
        client.force_login(make_user(role))
        response = client.get(f"{BASE}/{placement_file.pk}")
        assert response.status_code == 200, role
        assert response.json()["employer_name"] == "Household employer"


def test_a_file_of_another_office_is_404(client, officer, their_file):
    client.force_login(officer)
    for suffix in ("", "/checklist", "/readiness", "/history"):
        response = client.get(f"{BASE}/{their_file.pk}{suffix}")
        assert response.status_code == 404, suffix
        assert response.json()["code"] == "not_found"
    assert client.get(f"{BASE}/999999").status_code == 404


def test_checklist_gives_each_documents_status_and_reason(
    client, officer, placement_file, worker, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    ktp = documents.upload_document(
        person=worker,
        document_type=DocumentType.objects.get(code="ktp"),
        file=SimpleUploadedFile("ktp.pdf", PDF),
        by=officer,
    )
    diploma = documents.upload_document(
        person=worker,
        document_type=DocumentType.objects.get(code="ijazah"),
        file=SimpleUploadedFile("ijazah.pdf", PDF),
        by=officer,
    )
    documents.reject_document(document=diploma, reason="Scan unreadable", by=officer)
    client.force_login(officer)
    response = client.get(f"{BASE}/{placement_file.pk}/checklist")
    assert response.status_code == 200
    body = response.json()
    assert body["file_id"] == placement_file.pk and body["is_complete"] is False
    items = {item["document_type"]["code"]: item for item in body["items"]}
    assert items["ktp"]["status"] == "submitted" and items["ktp"]["document_id"] == ktp.pk
    assert items["ijazah"]["status"] == "rejected"
    assert items["ijazah"]["rejection_reason"] == "Scan unreadable"
    assert items["kk"] == {
        "document_type": {"code": "kk", "name": items["kk"]["document_type"]["name"]},
        "status": "missing",
        "status_label": items["kk"]["status_label"],
        "document_id": None,
        "rejection_reason": "",
        "warnings": [],
        "verified_at": items["kk"]["verified_at"],
    }
    assert items["kk"]["document_type"]["name"]
    assert items["kk"]["verified_at"]  # the desk (type) that verifies it, in words
    assert "buku-nikah" not in items  # single: no marriage book


def test_readiness_lists_every_condition_with_its_problems(client, officer, placement_file):
    client.force_login(officer)
    response = client.get(
        f"{BASE}/{placement_file.pk}/readiness", headers={"accept-language": "en"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["is_ready"] is False
    checks = {check["gate"]: check for check in body["checks"]}
    assert set(checks) == {
        "documents",
        "passport_validity",
        "age",
        "employer",
        "agency_licence",
        "job_order_permit",
        "quota",
    }
    assert checks["documents"]["passed"] is False
    assert checks["documents"]["problems"] and checks["documents"]["override"] is None
    assert checks["age"] == {
        "gate": "age",
        "label": checks["age"]["label"],
        "passed": True,
        "problems": [],
        "override": None,
    }


def test_history_lists_the_stage_changes_oldest_first(client, officer, placement_file):
    files.change_stage(
        placement_file=placement_file, to_stage=Stage.SELECTION, by=officer, note="Interview"
    )
    client.force_login(officer)
    history = client.get(f"{BASE}/{placement_file.pk}/history").json()
    assert [(h["from_stage"], h["to_stage"]) for h in history] == [
        ("", "registration"),
        ("registration", "selection"),
    ]
    assert history[1]["note"] == "Interview"
    assert history[1]["changed_by_id"] == officer.pk and history[1]["override_ids"] == []


# --- Opening and changing -------------------------------------------------------------------


def test_officer_opens_a_file_on_a_job_order(client, officer, worker, hk_job_order, today):
    client.force_login(officer)
    response = _post(
        client,
        BASE,
        {"person_id": worker.pk, "job_order_id": hk_job_order.pk, "fee_charged_idr": 0},
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["stage"] == "registration" and body["stage_since"] == today.isoformat()
    assert body["scheme"] == "p3mi" and body["job_order_id"] == hk_job_order.pk
    placement_file = PlacementFile.objects.get(pk=body["id"])
    assert placement_file.created_by == officer
    assert StageChange.objects.filter(file=placement_file, to_stage="registration").exists()


def test_officer_opens_an_individual_file_naming_the_employer(client, officer, worker):
    client.force_login(officer)
    body = {
        "person_id": worker.pk,
        "scheme": "individual",
        "employer": "Mr Chan",
        "country": "hk",
        "sector": "domestic",
        "occupation": "Domestic worker",
        "contract_months": 24,
    }
    response = _post(client, BASE, body)
    assert response.status_code == 201, response.json()
    assert response.json()["employer_name"] == "Mr Chan"
    assert response.json()["country"] == "HK"


def test_a_second_open_file_for_the_same_person_is_409(client, officer, placement_file, worker):
    client.force_login(officer)
    response = _post(client, BASE, {"person_id": worker.pk, "scheme": "g2g"})
    assert response.status_code == 409
    assert response.json()["code"] == "file_already_open"


def test_a_job_order_of_an_agency_without_a_valid_licence_is_refused(
    client, officer, worker, hk_job_order, agency
):
    agency.status = "suspended"
    agency.save()
    client.force_login(officer)
    response = _post(client, BASE, {"person_id": worker.pk, "job_order_id": hk_job_order.pk})
    assert response.status_code == 422
    assert response.json()["code"] == "agency_licence_invalid"
    assert not PlacementFile.objects.exists()


def test_a_job_order_of_another_office_cannot_be_linked(
    client, officer, worker, other_office, make_job_order, agency
):
    theirs = make_job_order("SIP2MI/T", office=other_office, agency=agency)
    client.force_login(officer)
    response = _post(client, BASE, {"person_id": worker.pk, "job_order_id": theirs.pk})
    assert response.status_code == 422
    assert not PlacementFile.objects.exists()


def test_a_person_of_another_office_is_404(client, make_user, other_office, worker):
    client.force_login(make_user(Role.PLACEMENT_OFFICER, organisation=other_office))
    response = _post(client, BASE, {"person_id": worker.pk, "scheme": "g2g"})
    assert response.status_code == 404
    assert not PlacementFile.objects.exists()


def test_invalid_fields_come_back_together(client, officer, worker):
    client.force_login(officer)
    response = _post(
        client, BASE, {"person_id": worker.pk, "scheme": "g2g", "country": "XX", "sector": "nope"}
    )
    assert response.status_code == 422
    assert {"country", "sector"} <= set(response.json()["details"])


def test_patch_changes_the_files_details(client, officer, placement_file):
    client.force_login(officer)
    response = _patch(
        client,
        f"{BASE}/{placement_file.pk}",
        {"employer_phone": "+852 5555 0101", "fee_charged_idr": 1500000, "country": None},
    )
    assert response.status_code == 200, response.json()
    placement_file.refresh_from_db()
    assert placement_file.employer_phone == "+852 5555 0101"
    assert placement_file.fee_charged_idr == 1500000
    assert placement_file.job_order_id is not None  # not sent, not changed


def test_patch_of_another_offices_file_is_404(client, officer, their_file):
    client.force_login(officer)
    response = _patch(client, f"{BASE}/{their_file.pk}", {"occupation": "x"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "SIP2MI/THEIRS" not in response.content.decode()
    assert their_file.person.full_name not in response.content.decode()
    their_file.refresh_from_db()
    assert their_file.occupation == ""


# --- Stages, overrides, departure and return ------------------------------------------------


def test_moving_to_ready_with_problems_is_409_with_every_problem(client, officer, placement_file):
    client.force_login(officer)
    response = _post(
        client, f"{BASE}/{placement_file.pk}/stage", {"to_stage": "ready"}, accept_language="en"
    )
    assert response.status_code == 409
    error = response.json()
    assert error["code"] == "not_ready"
    assert isinstance(error["details"], list) and len(error["details"]) > 5
    assert "KTP" in " ".join(error["details"]) or "ID card" in " ".join(error["details"])
    placement_file.refresh_from_db()
    assert placement_file.stage == Stage.REGISTRATION


def test_an_unknown_stage_is_422(client, officer, placement_file):
    client.force_login(officer)
    response = _post(client, f"{BASE}/{placement_file.pk}/stage", {"to_stage": "flying"})
    assert response.status_code == 422 and response.json()["code"] == "invalid_stage"


def test_cancelling_needs_a_reason(client, officer, placement_file):
    client.force_login(officer)
    url = f"{BASE}/{placement_file.pk}/stage"
    assert _post(client, url, {"to_stage": "cancelled"}).status_code == 422
    response = _post(client, url, {"to_stage": "cancelled", "note": "Withdrew"})
    assert response.status_code == 200
    assert response.json()["stage"] == "cancelled"
    assert response.json()["cancel_reason"] == "Withdrew"


def test_only_the_head_grants_an_override(client, officer, head, placement_file):
    url = f"{BASE}/{placement_file.pk}/overrides"
    body = {"gate": "documents", "reason": "Originals seen at the desk; scans follow."}
    client.force_login(officer)
    assert _post(client, url, body).status_code == 403
    client.force_login(head)
    response = _post(client, url, body)
    assert response.status_code == 201, response.json()
    override = response.json()
    assert override["gate"] == "documents" and override["granted_by_id"] == head.pk
    assert override["used_at"] is None
    readiness = client.get(f"{BASE}/{placement_file.pk}/readiness").json()
    documents_check = next(c for c in readiness["checks"] if c["gate"] == "documents")
    assert documents_check["override"]["id"] == override["id"]
    assert readiness["is_ready"] is True
    assert readiness["file_is_ready"] is False

    client.force_login(officer)
    moved = _post(client, f"{BASE}/{placement_file.pk}/stage", {"to_stage": "ready"})
    assert moved.status_code == 200, moved.json()

    # The ready file still shows the override its move used: ready, consistently.
    readiness = client.get(f"{BASE}/{placement_file.pk}/readiness").json()
    documents_check = next(c for c in readiness["checks"] if c["gate"] == "documents")
    assert documents_check["override"]["id"] == override["id"]
    assert documents_check["override"]["used_at"] is not None
    assert readiness["is_ready"] is True and readiness["file_is_ready"] is True


@pytest.mark.parametrize(
    ("body", "code", "status"),
    [
        ({"gate": "weather", "reason": "x"}, "invalid_gate", 422),
        ({"gate": "documents", "reason": "   "}, "reason_required", 422),
        ({"gate": "age", "reason": "not needed"}, "gate_passed", 409),
    ],
)
def test_override_errors(client, head, placement_file, body, code, status):
    client.force_login(head)
    response = _post(client, f"{BASE}/{placement_file.pk}/overrides", body)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert not GateOverride.objects.exists()


def test_a_file_goes_to_ready_departs_and_returns(
    client, officer, head, placement_file, today, worker
):
    client.force_login(head)
    _post(
        client,
        f"{BASE}/{placement_file.pk}/overrides",
        {"gate": "documents", "reason": "Documents checked on paper."},
    )
    client.force_login(officer)
    moved = _post(client, f"{BASE}/{placement_file.pk}/stage", {"to_stage": "ready"})
    assert moved.status_code == 200, moved.json()
    assert moved.json()["stage"] == "ready"

    departed = _post(
        client, f"{BASE}/{placement_file.pk}/departure", {"departure_date": today.isoformat()}
    )
    assert departed.status_code == 200, departed.json()
    assert departed.json()["stage"] == "departed"
    assert departed.json()["departure_date"] == today.isoformat()
    assert worker.current_status.status == MigrationStatus.ABROAD

    returned = _post(
        client,
        f"{BASE}/{placement_file.pk}/return",
        {
            "return_date": today.isoformat(),
            "reason": "problem",
            "mrc_case_reference": "MRC-2026-0001",
        },
    )
    assert returned.status_code == 200, returned.json()
    body = returned.json()
    assert body["stage"] == "returned" and body["return_reason"] == "problem"
    assert body["mrc_case_reference"] == "MRC-2026-0001"

    history = client.get(f"{BASE}/{placement_file.pk}/history").json()
    assert [h["to_stage"] for h in history] == ["registration", "ready", "departed", "returned"]
    assert history[1]["override_ids"] == list(
        GateOverride.objects.filter(file=placement_file).values_list("pk", flat=True)
    )


def test_departure_errors(client, officer, placement_file, today):
    client.force_login(officer)
    url = f"{BASE}/{placement_file.pk}/departure"
    not_ready = _post(client, url, {"departure_date": today.isoformat()})
    assert (not_ready.status_code, not_ready.json()["code"]) == (409, "not_ready")
    bad_country = _post(client, url, {"departure_date": today.isoformat(), "country": "ZZ"})
    assert bad_country.status_code == 422 and "country" in bad_country.json()["details"]
    bad_date = _post(client, url, {"departure_date": "31/12/2026"})
    assert bad_date.status_code == 422 and bad_date.json()["code"] == "invalid_input"


def test_return_of_a_file_that_has_not_departed_is_409(client, officer, placement_file, today):
    client.force_login(officer)
    history = placement_file.history.count()
    response = _post(
        client,
        f"{BASE}/{placement_file.pk}/return",
        {"return_date": today.isoformat(), "reason": "sick"},
    )
    assert (response.status_code, response.json()["code"]) == (409, "not_departed")
    placement_file.refresh_from_db()
    assert placement_file.return_date is None and placement_file.stage == Stage.REGISTRATION
    assert placement_file.history.count() == history


def test_another_offices_file_cannot_be_moved(client, make_user, their_file, today):
    client.force_login(make_user(Role.OFFICE_HEAD))
    url = f"{BASE}/{their_file.pk}"
    assert _post(client, f"{url}/stage", {"to_stage": "selection"}).status_code == 404
    override = {"gate": "documents", "reason": "x"}
    assert _post(client, f"{url}/overrides", override).status_code == 404
    their_file.refresh_from_db()
    assert their_file.stage == Stage.REGISTRATION


# --- Every route, for every outsider --------------------------------------------------------


def _file_paths(schema) -> list[str]:
    return [path for path in schema["paths"] if path.startswith(f"{BASE}/{{")]


def test_every_file_route_is_in_the_openapi_document_with_a_response_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    expected = {
        BASE: {"get", "post"},
        f"{BASE}/{{file_id}}": {"get", "patch"},
        f"{BASE}/{{file_id}}/checklist": {"get"},
        f"{BASE}/{{file_id}}/readiness": {"get"},
        f"{BASE}/{{file_id}}/history": {"get"},
        f"{BASE}/{{file_id}}/stage": {"post"},
        f"{BASE}/{{file_id}}/overrides": {"post"},
        f"{BASE}/{{file_id}}/departure": {"post"},
        f"{BASE}/{{file_id}}/return": {"post"},
    }
    for path, methods in expected.items():
        assert set(schema["paths"][path]) == methods, path
        for method in methods:
            responses = schema["paths"][path][method]["responses"]
            success = "201" if path == BASE and method == "post" else None
            success = success or ("201" if path.endswith("/overrides") else "200")
            assert "$ref" in str(responses[success]["content"]), (path, method)
            assert "404" in responses or path == BASE, (path, method)
    assert set(_file_paths(schema)) == set(expected) - {BASE}
    assert "ReadinessOut" in schema["components"]["schemas"]


def test_anonymous_caller_is_401(client, placement_file):
    for url in (BASE, f"{BASE}/{placement_file.pk}"):
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.json()["code"] == "not_authenticated"
        assert (
            "Sulastri" not in response.content.decode()
            and "SIP2MI/HK" not in response.content.decode()
        )
