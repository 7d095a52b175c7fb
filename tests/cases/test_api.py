"""The MRC API: contacts, cases and their work, consent, referrals, and the partner portal, with
the same restrictions as the pages. The outsider tests are generated from the OpenAPI document,
so a new route is covered (or fails here) without anyone listing it by hand."""

from __future__ import annotations

import datetime
import json

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from satuatap.cases import services
from satuatap.cases.models import (
    Case,
    CaseNote,
    CaseStatus,
    Category,
    Channel,
    Contact,
    Referral,
    ReferralState,
    SharedItem,
    Topic,
)
from satuatap.core.audit import ReadPurpose
from satuatap.core.roles import OFFICE_ROLES, Role
from satuatap.core.services import issue_api_token
from tests.factories import PartnerFactory, PersonFactory

pytestmark = pytest.mark.django_db

NARRATIVE = "Dipukul oleh majikan di Taipei."
SAFETY_NOTES = "Tinggal di rumah kakak, jangan hubungi nomor lama."
CLIENT_NAME = "Siti Rahayu"


def _post(client, url, data=None, **extra):
    return client.post(url, json.dumps(data or {}), content_type="application/json", **extra)


def _access_entries(case: Case):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Case),
        object_pk=str(case.pk),
        action=LogEntry.Action.ACCESS,
    )


def _consent(case, by, partner, items=(SharedItem.IDENTITY, SharedItem.SUMMARY)):
    return services.record_consent(
        case=case,
        by=by,
        recipient=partner,
        items=items,
        given_on=case.office.today(),
        method="signed",
    )


def _refer(case, by, partner, items=(SharedItem.IDENTITY, SharedItem.SUMMARY)):
    _consent(case, by, partner, items)
    return services.send_referral(
        case=case,
        by=by,
        partner=partner,
        service="Pendampingan",
        due_on=case.office.today() + datetime.timedelta(days=7),
    )


@pytest.fixture
def other_partner(office):
    other = PartnerFactory(slug="lbh-apik", name="LBH APIK", partner_type="legal_aid")
    other.partner_offices.add(office)
    return other


# --- Contacts ---------------------------------------------------------------------------------


def test_counsellor_records_an_information_contact_in_one_call(client, counsellor, office):
    client.force_login(counsellor)
    response = _post(
        client,
        "/api/v1/contacts",
        {
            "kind": "information",
            "channel": "phone",
            "topic": "safe_migration",
            "occurred_on": str(office.today()),
            "served": "prospective",
            "sex": "F",
            "age_band": "18-24",
            "notes": "Tanya prosedur ke Taiwan.",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "information" and body["sex"] == "F" and body["total_people"] == 1
    assert "notes" not in body
    contact = Contact.objects.get(pk=body["id"])
    assert contact.office == office and contact.recorded_by == counsellor
    assert contact.notes == "Tanya prosedur ke Taiwan."


def test_group_session_is_recorded_with_counts_by_sex_and_age_band(client, counsellor, office):
    named = PersonFactory(office=office)
    client.force_login(counsellor)
    response = _post(
        client,
        "/api/v1/contacts",
        {
            "kind": "counselling",
            "channel": "outreach",
            "topic": "rights",
            "occurred_on": str(office.today()),
            "is_group": True,
            "counts": [
                {"sex": "F", "age_band": "25-39", "count": 12},
                {"sex": "M", "age_band": "25-39", "count": 4},
                {"sex": "F", "age_band": "25-39", "count": 1},
            ],
            "participant_ids": [named.pk],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["is_group"] is True
    assert sorted((c["sex"], c["count"]) for c in body["counts"]) == [("F", 13), ("M", 4)]
    assert body["total_people"] == 17 and body["participants"] == 1


def test_group_session_without_counts_is_refused_and_nothing_saved(client, counsellor, office):
    client.force_login(counsellor)
    response = _post(
        client,
        "/api/v1/contacts",
        {
            "kind": "information",
            "channel": "outreach",
            "topic": "documents",
            "occurred_on": str(office.today()),
            "is_group": True,
        },
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert "counts" in response.json()["details"]
    assert not Contact.objects.exists()


def test_contact_naming_a_person_of_another_office_is_refused(
    client, counsellor, office, other_office
):
    stranger = PersonFactory(office=other_office)
    client.force_login(counsellor)
    response = _post(
        client,
        "/api/v1/contacts",
        {
            "kind": "information",
            "channel": "walk_in",
            "topic": "jobs",
            "occurred_on": str(office.today()),
            "person_id": stranger.pk,
        },
    )
    assert response.status_code == 422
    assert response.json()["details"] == {"person_id": [response.json()["details"]["person_id"][0]]}
    assert not Contact.objects.exists()


def test_contact_list_filters_by_date_and_kind(client, counsellor, office):
    today = office.today()
    for days, kind in ((40, "information"), (10, "counselling"), (2, "information")):
        services.record_contact(
            by=counsellor,
            kind=kind,
            channel=Channel.WALK_IN,
            topic=Topic.JOBS,
            occurred_on=today - datetime.timedelta(days=days),
        )
    client.force_login(counsellor)

    every = client.get("/api/v1/contacts").json()
    recent = client.get(f"/api/v1/contacts?from={today - datetime.timedelta(days=15)}").json()
    older = client.get(f"/api/v1/contacts?to={today - datetime.timedelta(days=15)}").json()
    information = client.get("/api/v1/contacts?kind=information").json()

    assert len(every) == 3
    assert [c["occurred_on"] for c in every] == sorted(
        (c["occurred_on"] for c in every), reverse=True
    )
    assert len(recent) == 2 and len(older) == 1
    assert {c["kind"] for c in information} == {"information"} and len(information) == 2
    assert client.get("/api/v1/contacts?kind=gossip").status_code == 422


def test_contact_list_leaves_out_follow_ups_of_cases_the_caller_cannot_see(
    client, make_user, counsellor, gbv_case, office
):
    services.record_contact(
        by=counsellor,
        kind="counselling",
        channel=Channel.PHONE,
        topic=Topic.GBV,
        occurred_on=office.today(),
        case=gbv_case,
    )
    client.force_login(make_user(Role.COUNSELLOR, username="cirebon.counsellor3"))
    assert client.get("/api/v1/contacts").json() == []
    client.force_login(counsellor)
    assert [c["case_id"] for c in client.get("/api/v1/contacts").json()] == [gbv_case.pk]


# --- Opening and listing cases ----------------------------------------------------------------


def _case_body(client_person, **extra):
    body = {
        "client_id": client_person.pk,
        "channel": "walk_in",
        "categories": ["wages"],
        "country": "hk",
        "employer": "Mrs Chan",
        "narrative": "Gaji tidak dibayar.",
    }
    body.update(extra)
    return body


def test_counsellor_opens_a_case_and_is_assigned_to_it(client, counsellor, client_person):
    client.force_login(counsellor)
    response = _post(client, "/api/v1/cases", _case_body(client_person))
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(pk=body["id"])
    assert body["number"] == case.number and body["status"] == "open"
    assert body["priority"] == 3 and body["is_restricted"] is False
    assert body["client_name"] == CLIENT_NAME and body["country"] == "HK"
    assert body["is_mine"] is True and [w["id"] for w in body["workers"]] == [counsellor.pk]
    assert "narrative" not in body
    assert case.narrative == "Gaji tidak dibayar."


def test_violence_opens_a_restricted_case_prioritised_by_the_safety_assessment(
    client, counsellor, client_person
):
    client.force_login(counsellor)
    response = _post(
        client,
        "/api/v1/cases",
        _case_body(
            client_person,
            categories=["gbv", "wages"],
            gbv_types=["physical_assault"],
            safety=["immediate_danger", "needs_shelter"],
            narrative=NARRATIVE,
        ),
    )
    assert response.status_code == 201
    body = response.json()
    assert body["is_restricted"] is True and body["priority"] == 1
    assert body["client_id"] is None and body["client_name"] is None
    assert NARRATIVE not in response.content.decode()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"categories": ["gossip"]}, "categories"),
        ({"categories": []}, "categories"),
        ({"gbv_types": ["slapping"]}, "gbv_types"),
        ({"safety": ["bad_weather"]}, "safety"),
        ({"channel": "pigeon"}, "channel"),
    ],
)
def test_case_with_invalid_choices_is_refused_and_nothing_created(
    client, counsellor, client_person, change, field
):
    client.force_login(counsellor)
    response = _post(client, "/api/v1/cases", _case_body(client_person, **change))
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert field in json.dumps(response.json()["details"])
    assert not Case.objects.exists()


def test_case_for_someone_outside_the_registry_or_an_unknown_country_is_refused(
    client, counsellor, client_person, other_office
):
    client.force_login(counsellor)
    stranger = PersonFactory(office=other_office)
    for body, field in (
        (_case_body(stranger), "client_id"),
        (_case_body(client_person, complainant_id=stranger.pk), "complainant_id"),
        (_case_body(client_person, country="XX"), "country"),
        (_case_body(client_person, agency_id=999999), "agency_id"),
    ):
        response = _post(client, "/api/v1/cases", body)
        assert response.status_code == 422, body
        assert list(response.json()["details"]) == [field]
    assert not Case.objects.exists()


def test_a_case_asking_for_a_woman_is_not_given_to_a_man(
    client, counsellor, client_person, make_user, woman_counsellor
):
    man = make_user(Role.COUNSELLOR, username="cirebon.counsellor-m", gender="M")
    client.force_login(counsellor)
    response = _post(
        client,
        "/api/v1/cases",
        _case_body(client_person, wants_woman_worker=True, assign_to_id=man.pk),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "woman_worker_requested"
    assert not Case.objects.exists()

    response = _post(
        client,
        "/api/v1/cases",
        _case_body(client_person, wants_woman_worker=True, assign_to_id=woman_counsellor.pk),
    )
    assert response.status_code == 201
    assert [w["id"] for w in response.json()["workers"]] == [woman_counsellor.pk]


def test_case_list_filters_by_status_category_and_mine(
    client, counsellor, supervisor, make_case, client_person
):
    wages = make_case()
    fees = make_case(categories=(Category.FEES, Category.CONTRACT))
    theirs = make_case(by=supervisor)
    services.set_status(case=fees, status=CaseStatus.IN_PROGRESS, by=counsellor)
    client.force_login(counsellor)

    def ids(query=""):
        response = client.get(f"/api/v1/cases{query}")
        assert response.status_code == 200
        return {c["id"] for c in response.json()}

    assert ids() == {wages.pk, fees.pk, theirs.pk}
    assert ids("?status=in_progress") == {fees.pk}
    assert ids("?category=contract") == {fees.pk}
    assert ids("?mine=true") == {wages.pk, fees.pk}
    assert client.get("/api/v1/cases?status=lost").status_code == 422


def test_case_list_never_shows_a_narrative_and_hides_a_restricted_clients_name(
    client, supervisor, gbv_case, make_case, office
):
    other_client = PersonFactory(office=office, full_name="Dewi Lestari")
    make_case(client=other_client, narrative="Gaji tidak dibayar selama enam bulan.")
    client.force_login(supervisor)
    response = client.get("/api/v1/cases")
    content = response.content.decode()
    assert {c["id"] for c in response.json()} >= {gbv_case.pk}
    for secret in (NARRATIVE, SAFETY_NOTES, CLIENT_NAME, "enam bulan"):
        assert secret not in content
    assert "Dewi Lestari" in content  # an unrestricted case's client is named
    assert not _access_entries(gbv_case).exists()


def test_case_list_query_count_does_not_grow_with_cases(
    client, counsellor, make_case, django_assert_max_num_queries
):
    for _ in range(25):
        make_case(categories=(Category.WAGES, Category.FEES))
    client.force_login(counsellor)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/cases")
    assert len(response.json()) == 25


def test_contact_list_query_count_does_not_grow_with_contacts(
    client, counsellor, office, django_assert_max_num_queries
):
    for _ in range(25):
        services.record_contact(
            by=counsellor,
            kind="information",
            channel=Channel.OUTREACH,
            topic=Topic.JOBS,
            occurred_on=office.today(),
            is_group=True,
            counts=[("F", "25-39", 3), ("M", "18-24", 2)],
        )
    client.force_login(counsellor)
    with django_assert_max_num_queries(7):
        response = client.get("/api/v1/contacts")
    assert len(response.json()) == 25 and response.json()[0]["total_people"] == 5


# --- Reading a case ---------------------------------------------------------------------------


def test_reading_a_restricted_case_needs_a_purpose_and_is_logged(client, counsellor, gbv_case):
    client.force_login(counsellor)
    url = f"/api/v1/cases/{gbv_case.pk}"

    refused = client.get(url)
    assert refused.status_code == 428
    assert refused.json()["code"] == "purpose_required"
    assert ReadPurpose.CASE_HANDLING in refused.json()["details"]["purposes"]
    assert NARRATIVE not in refused.content.decode()
    assert client.get(f"{url}?purpose=curiosity").status_code == 422
    assert not _access_entries(gbv_case).exists()

    response = client.get(f"{url}?purpose=case")
    assert response.status_code == 200
    body = response.json()
    assert body["narrative"] == NARRATIVE and body["safety_notes"] == SAFETY_NOTES
    assert body["client_name"] == CLIENT_NAME and body["gbv_types"] == ["physical_assault"]
    entry = _access_entries(gbv_case).get()
    assert entry.actor == counsellor and entry.additional_data == {
        "purpose": "case",
        "case_work": True,
    }


@pytest.mark.parametrize("suffix", ["/timeline", "/consents", "/referrals"])
def test_every_read_of_a_restricted_case_asks_a_purpose(client, supervisor, gbv_case, suffix):
    client.force_login(supervisor)
    url = f"/api/v1/cases/{gbv_case.pk}{suffix}"
    assert client.get(url).status_code == 428
    assert client.get(f"{url}?purpose=supervision").status_code == 200
    assert _access_entries(gbv_case).get().additional_data == {
        "purpose": "supervision",
        "case_work": True,
    }


def test_an_unrestricted_case_reads_without_a_purpose(client, head, make_case):
    case = make_case(safety=["needs_medical_care"])
    client.force_login(head)
    response = client.get(f"/api/v1/cases/{case.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["narrative"] == "Gaji tidak dibayar selama enam bulan."
    assert body["safety"] == ["needs_medical_care"] and body["priority"] == 2
    assert body["first_steps"] and body["is_mine"] is False
    # Every read of a case is in its access log; this one needed no purpose, and says so.
    assert _access_entries(case).get().additional_data == {"purpose": ""}


@pytest.fixture
def outsiders(make_user, other_office, analyst, head, partner_worker):
    """Everyone who must never see the restricted case."""
    return {
        "unassigned counsellor": make_user(Role.COUNSELLOR, username="cirebon.counsellor3"),
        "office head": head,
        "other office counsellor": make_user(Role.COUNSELLOR, organisation=other_office),
        "other office supervisor": make_user(Role.CASE_SUPERVISOR, organisation=other_office),
        "national analyst": analyst,
        "partner case worker": partner_worker,
    }


@pytest.mark.parametrize(
    "who",
    [
        "unassigned counsellor",
        "office head",
        "other office counsellor",
        "other office supervisor",
        "national analyst",
        "partner case worker",
    ],
)
def test_a_restricted_case_does_not_exist_for_outsiders(client, outsiders, gbv_case, who):
    client.force_login(outsiders[who])
    unknown = client.get("/api/v1/cases/999999?purpose=case")
    for suffix in ("", "/timeline", "/consents", "/referrals"):
        response = client.get(f"/api/v1/cases/{gbv_case.pk}{suffix}?purpose=case")
        assert response.status_code == 404, (who, suffix)
        assert response.json() == unknown.json()
    listed = client.get("/api/v1/cases")
    assert listed.status_code == 403 or gbv_case.pk not in {c["id"] for c in listed.json()}
    response = _post(client, f"/api/v1/cases/{gbv_case.pk}/notes", {"text": "Saya lihat."})
    assert response.status_code == 404
    assert not _access_entries(gbv_case).exists()
    assert NARRATIVE not in listed.content.decode()


def test_the_case_timeline_lists_what_happened_in_order(client, counsellor, make_case):
    case = make_case()
    services.add_note(case=case, text="Catatan rahasia.", by=counsellor)
    client.force_login(counsellor)
    response = client.get(f"/api/v1/cases/{case.pk}/timeline")
    assert response.status_code == 200
    kinds = [e["kind"] for e in response.json()]
    assert kinds == ["opened", "assigned", "note"]
    assert "Catatan rahasia." not in response.content.decode()


# --- Working on a case ------------------------------------------------------------------------


def test_notes_and_plan_items_are_added_and_done(client, counsellor, make_case, office):
    case = make_case()
    client.force_login(counsellor)
    base = f"/api/v1/cases/{case.pk}"

    note = _post(client, f"{base}/notes", {"text": "  Klien datang bersama ibunya. "})
    assert note.status_code == 201 and note.json()["text"] == "Klien datang bersama ibunya."
    assert _post(client, f"{base}/notes", {"text": "  "}).json()["code"] == "text_required"

    yesterday = office.today() - datetime.timedelta(days=1)
    action = _post(
        client,
        f"{base}/actions",
        {"description": "Hubungi agensi.", "owner_id": counsellor.pk, "due_on": str(yesterday)},
    )
    assert action.status_code == 201, action.content
    assert action.json()["is_overdue"] is True and action.json()["owner"]["id"] == counsellor.pk
    action_id = action.json()["id"]

    done = _post(client, f"{base}/actions/{action_id}/done")
    assert done.status_code == 200 and done.json()["done_at"] and not done.json()["is_overdue"]
    assert _post(client, f"{base}/actions/{action_id}/done").status_code == 409

    other = make_case()
    assert _post(client, f"/api/v1/cases/{other.pk}/actions/{action_id}/done").status_code == 404
    assert _post(client, f"{base}/actions/999999/done").status_code == 404

    detail = client.get(base).json()
    assert [n["text"] for n in detail["notes"]] == ["Klien datang bersama ibunya."]
    assert [a["id"] for a in detail["actions"]] == [action_id]


def test_a_plan_item_owner_must_be_a_case_worker_of_the_office(
    client, counsellor, make_case, make_user, office
):
    case = make_case()
    frontdesk = make_user(Role.FRONTDESK)
    client.force_login(counsellor)
    for owner_id in (frontdesk.pk, 999999):
        response = _post(
            client,
            f"/api/v1/cases/{case.pk}/actions",
            {"description": "x", "owner_id": owner_id, "due_on": str(office.today())},
        )
        assert response.status_code == 422
        assert response.json()["code"] == "invalid_owner"
    assert not case.actions.exists()


def test_the_office_head_reads_but_cannot_work_on_a_case(client, head, make_case):
    case = make_case()
    client.force_login(head)
    response = _post(client, f"/api/v1/cases/{case.pk}/notes", {"text": "Catatan."})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not CaseNote.objects.exists()


def test_supervisor_assigns_a_woman_when_the_client_asked_for_one(
    client, counsellor, supervisor, woman_counsellor, make_user, make_case
):
    case = make_case(wants_woman_worker=True)
    assert not case.assignments.exists()  # the counsellor who took it in is not a woman
    man = make_user(Role.COUNSELLOR, username="cirebon.counsellor-m", gender="M")
    url = f"/api/v1/cases/{case.pk}/assignments"

    client.force_login(counsellor)
    assert _post(client, url, {"worker_id": woman_counsellor.pk}).status_code == 403

    client.force_login(supervisor)
    refused = _post(client, url, {"worker_id": man.pk})
    assert refused.status_code == 422 and refused.json()["code"] == "woman_worker_requested"
    assert _post(client, url, {"worker_id": 999999}).json()["code"] == "not_a_case_worker"
    response = _post(client, url, {"worker_id": woman_counsellor.pk})
    assert response.status_code == 201
    assert response.json()["worker"] == {
        "id": woman_counsellor.pk,
        "full_name": woman_counsellor.full_name,
        "gender": "F",
    }
    assert list(case.assignments.values_list("worker", flat=True)) == [woman_counsellor.pk]


def test_reassignment_replaces_the_current_case_worker(
    client, counsellor, supervisor, woman_counsellor, make_case
):
    case = make_case()
    client.force_login(supervisor)
    response = _post(
        client,
        f"/api/v1/cases/{case.pk}/assignments",
        {"worker_id": woman_counsellor.pk, "replace": True},
    )
    assert response.status_code == 201
    current = case.assignments.filter(ended_at__isnull=True)
    assert list(current.values_list("worker", flat=True)) == [woman_counsellor.pk]
    client.force_login(counsellor)
    assert client.get("/api/v1/cases?mine=true").json() == []


def test_status_moves_and_closure_needs_a_supervisors_approval(
    client, counsellor, supervisor, make_case
):
    case = make_case()
    base = f"/api/v1/cases/{case.pk}"
    client.force_login(counsellor)

    moved = _post(client, f"{base}/status", {"status": "in_progress"})
    assert moved.status_code == 200 and moved.json()["status"] == "in_progress"
    assert _post(client, f"{base}/status", {"status": "closed"}).status_code == 422

    requested = _post(
        client,
        f"{base}/closure-request",
        {
            "outcome": "resolved",
            "money_recovered_idr": 18_500_000,
            "money_original_amount": "9000.00",
            "money_original_currency": "hkd",
            "return_assisted": True,
        },
    )
    assert requested.status_code == 200, requested.content
    assert requested.json()["status"] == "resolved" and requested.json()["outcome"] == "resolved"
    assert _post(client, f"{base}/status", {"status": "open"}).status_code == 409
    assert _post(client, f"{base}/closure-decision", {"approve": True}).status_code == 403

    client.force_login(supervisor)
    sent_back = _post(client, f"{base}/closure-decision", {"approve": False})
    assert sent_back.status_code == 422 and sent_back.json()["code"] == "reason_required"
    approved = _post(client, f"{base}/closure-decision", {"approve": True})
    assert approved.status_code == 200 and approved.json()["status"] == "closed"
    assert approved.json()["closed_at"]
    case.refresh_from_db()
    assert case.closed_by == supervisor and case.money_recovered_idr == 18_500_000
    assert case.money_original_currency == "HKD"

    client.force_login(counsellor)
    closed = _post(client, f"{base}/notes", {"text": "Lagi."})
    assert closed.status_code == 409 and closed.json()["code"] == "case_closed"
    again = _post(client, f"{base}/closure-request", {"outcome": "resolved"})
    assert again.status_code == 409


def test_closure_request_needs_a_known_outcome_and_a_currency_for_a_foreign_amount(
    client, counsellor, make_case
):
    case = make_case()
    client.force_login(counsellor)
    url = f"/api/v1/cases/{case.pk}/closure-request"
    assert _post(client, url, {"outcome": "happy"}).status_code == 422
    assert _post(client, url, {"outcome": "partly", "money_recovered_idr": -5}).status_code == 422
    response = _post(client, url, {"outcome": "partly", "money_original_amount": "10"})
    assert response.json()["code"] == "currency_required"
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


# --- Consent and referrals --------------------------------------------------------------------


def test_consent_is_recorded_listed_and_withdrawn(client, counsellor, make_case, partner, office):
    case = make_case()
    client.force_login(counsellor)
    base = f"/api/v1/cases/{case.pk}/consents"
    verbal = {
        "recipient_id": partner.pk,
        "items": ["identity", "summary"],
        "given_on": str(office.today()),
        "method": "verbal",
    }
    refused = _post(client, base, verbal)
    assert refused.status_code == 422 and "witness" in refused.json()["details"]
    assert _post(client, base, {**verbal, "items": ["everything"]}).status_code == 422
    assert _post(client, base, {**verbal, "recipient_id": office.pk}).status_code == 422

    created = _post(client, base, {**verbal, "witness": "Ibu klien"})
    assert created.status_code == 201, created.content
    consent = created.json()
    assert consent["recipient_name"] == partner.name and consent["is_active"] is True
    assert consent["items"] == ["identity", "summary"]
    assert [c["id"] for c in client.get(base).json()] == [consent["id"]]

    withdrawn = _post(client, f"{base}/{consent['id']}/withdraw")
    assert withdrawn.status_code == 200
    assert withdrawn.json()["is_active"] is False and withdrawn.json()["withdrawn_on"]
    assert _post(client, f"{base}/{consent['id']}/withdraw").status_code == 409

    other = make_case()
    elsewhere = _post(client, f"/api/v1/cases/{other.pk}/consents/{consent['id']}/withdraw")
    assert elsewhere.status_code == 404 and elsewhere.json()["code"] == "not_found"


def test_referral_without_consent_is_refused_and_nothing_is_sent(
    client, counsellor, make_case, partner, office
):
    case = make_case()
    client.force_login(counsellor)
    body = {
        "partner_id": partner.pk,
        "service": "Pendampingan hukum",
        "due_on": str(office.today() + datetime.timedelta(days=5)),
    }
    response = _post(client, f"/api/v1/cases/{case.pk}/referrals", body)
    assert response.status_code == 409
    assert response.json()["code"] == "consent_required"
    assert not Referral.objects.exists()
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_referral_with_consent_is_sent_and_stops_when_consent_is_withdrawn(
    client, counsellor, make_case, partner, partner_worker, office
):
    case = make_case()
    consent = _consent(case, counsellor, partner)
    client.force_login(counsellor)
    base = f"/api/v1/cases/{case.pk}/referrals"
    body = {
        "partner_id": partner.pk,
        "service": "Pendampingan",
        "due_on": str(office.today() + datetime.timedelta(days=5)),
    }
    message = _post(client, base, {**body, "message": "Ceritanya begini."})
    assert message.status_code == 409 and message.json()["code"] == "message_not_consented"
    past = _post(client, base, {**body, "due_on": str(office.today() - datetime.timedelta(days=1))})
    assert past.status_code == 422

    sent = _post(client, base, body)
    assert sent.status_code == 201, sent.content
    referral = sent.json()
    assert referral["state"] == "sent" and referral["consent_id"] == consent.pk
    assert referral["partner_name"] == partner.name and referral["is_overdue"] is False
    assert client.get(f"/api/v1/cases/{case.pk}").json()["status"] == "pending_partner"
    assert [r["id"] for r in client.get(base).json()] == [referral["id"]]

    _post(client, f"/api/v1/cases/{case.pk}/consents/{consent.pk}/withdraw")
    stopped = client.get(base).json()[0]
    assert stopped["is_stopped"] is True and stopped["end_reason"] == "consent_withdrawn"
    assert stopped["ended_at"]
    # The partner sees that the referral ended, as ended by the office, and nothing more.
    client.force_login(partner_worker)
    ended = client.get(f"/api/v1/partner/referrals/{referral['id']}")
    assert ended.status_code == 200
    assert ended.json()["has_ended"] is True and ended.json()["shared"] is None
    assert ended.json()["end_reason"] == "ended_by_office"
    assert CLIENT_NAME not in ended.content.decode()
    [listed] = client.get("/api/v1/partner/referrals").json()
    assert listed["has_ended"] is True and listed["number"] is None and listed["service"] is None


# --- Partner portal ---------------------------------------------------------------------------


@pytest.fixture
def referral(make_case, counsellor, partner):
    return _refer(make_case(), counsellor, partner)


def test_partner_sees_only_its_referrals_and_only_the_consented_fields(
    client, counsellor, make_case, partner, other_partner, partner_worker, referral
):
    elsewhere = _refer(make_case(), counsellor, other_partner)
    client.force_login(partner_worker)

    listed = client.get("/api/v1/partner/referrals")
    assert listed.status_code == 200
    assert [r["id"] for r in listed.json()] == [referral.pk]
    assert listed.json()[0]["number"] == referral.case.number

    asked = client.get(f"/api/v1/partner/referrals/{referral.pk}")
    assert asked.status_code == 428 and asked.json()["code"] == "purpose_required"
    response = client.get(f"/api/v1/partner/referrals/{referral.pk}?purpose=case")
    assert response.status_code == 200
    shared = response.json()["shared"]
    assert shared["client_name"] == CLIENT_NAME and shared["categories"]
    assert shared["items"] == ["identity", "summary"]
    for withheld in ("narrative", "safety_notes", "client_phones", "client_address", "message"):
        assert shared[withheld] is None
    assert "Gaji tidak dibayar" not in response.content.decode()
    assert "narrative" not in json.dumps(response.json()).replace('"narrative": null', "")

    assert client.get(f"/api/v1/partner/referrals/{elsewhere.pk}?purpose=case").status_code == 404
    assert _post(client, f"/api/v1/partner/referrals/{elsewhere.pk}/accept").status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.state == ReferralState.SENT


def test_partner_accepts_updates_and_completes_a_referral(
    client, counsellor, partner_worker, referral
):
    client.force_login(partner_worker)
    base = f"/api/v1/partner/referrals/{referral.pk}"
    early = _post(client, f"{base}/feedback", {"feedback": "Sudah mulai."})
    assert early.status_code == 409 and early.json()["code"] == "not_accepted"

    accepted = _post(client, f"{base}/accept")
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    assert _post(client, f"{base}/accept").json()["code"] == "already_answered"
    assert _post(client, f"{base}/feedback", {"feedback": "  "}).status_code == 422

    update = _post(client, f"{base}/feedback", {"feedback": "Klien sudah kami temui."})
    assert update.status_code == 200 and update.json()["state"] == "accepted"
    done = _post(client, f"{base}/feedback", {"feedback": "Selesai.", "complete": True})
    assert done.status_code == 200
    assert done.json()["state"] == "completed" and done.json()["completed_at"]
    # An answer returns the referral's state only: the client's data is read with a purpose.
    assert set(done.json()) == {"id", "state", "due_on", "answered_at", "completed_at"}
    read = client.get(f"{base}?purpose=case").json()
    assert "Klien sudah kami temui." in read["feedback"]

    client.force_login(counsellor)
    office_view = client.get(f"/api/v1/cases/{referral.case_id}/referrals").json()[0]
    assert office_view["state"] == "completed" and "Selesai." in office_view["feedback"]
    timeline = client.get(f"/api/v1/cases/{referral.case_id}/timeline").json()
    assert [e["kind"] for e in timeline][-3:] == [
        "referral_accepted",
        "referral_update",
        "referral_completed",
    ]


def test_partner_declines_a_referral_with_a_reason(client, partner_worker, referral):
    client.force_login(partner_worker)
    base = f"/api/v1/partner/referrals/{referral.pk}"
    assert _post(client, f"{base}/decline", {"reason": " "}).json()["code"] == "reason_required"
    assert _post(client, f"{base}/decline").status_code == 422
    declined = _post(client, f"{base}/decline", {"reason": "Kapasitas penuh."})
    assert declined.status_code == 200
    assert declined.json()["state"] == "declined"
    assert client.get(f"{base}?purpose=case").json()["decline_reason"] == "Kapasitas penuh."


def test_a_partner_reading_a_restricted_case_is_logged(
    client, counsellor, gbv_case, partner, partner_worker
):
    referral = _refer(gbv_case, counsellor, partner, items=list(SharedItem.values))
    client.force_login(partner_worker)
    response = client.get(f"/api/v1/partner/referrals/{referral.pk}?purpose=legal")
    assert response.json()["shared"]["narrative"] == NARRATIVE
    # The partner's read is in the referral's access log, with the purpose the partner gave.
    entry = LogEntry.objects.get(
        action=LogEntry.Action.ACCESS, content_type__model="referral", object_pk=str(referral.pk)
    )
    assert entry.actor == partner_worker and entry.additional_data == {
        "purpose": "legal",
        "case_work": True,
    }


def test_a_partner_token_reaches_nothing_of_the_office(
    client, partner_worker, make_case, client_person, office
):
    case = make_case()
    raw, _ = issue_api_token(user=partner_worker)
    headers = {"Authorization": f"Bearer {raw}"}
    for url in (
        "/api/v1/cases",
        f"/api/v1/cases/{case.pk}",
        f"/api/v1/cases/{case.pk}/timeline",
        "/api/v1/contacts",
        f"/api/v1/people/{client_person.pk}",
    ):
        response = client.get(url, headers=headers)
        assert response.status_code in (403, 404), url
        assert CLIENT_NAME not in response.content.decode()
    people = client.get("/api/v1/people", headers=headers)
    assert people.status_code == 403 or people.json() == []
    for url, body in (
        ("/api/v1/cases", _case_body(client_person)),
        (
            "/api/v1/contacts",
            {
                "kind": "information",
                "channel": "phone",
                "topic": "jobs",
                "occurred_on": str(office.today()),
            },
        ),
        (f"/api/v1/cases/{case.pk}/notes", {"text": "Halo."}),
    ):
        response = client.post(url, json.dumps(body), "application/json", headers=headers)
        assert response.status_code in (403, 404), url
    assert Case.objects.count() == 1 and not Contact.objects.exists()
    assert not CaseNote.objects.exists()
    assert client.get("/api/v1/partner/referrals", headers=headers).status_code == 200


def test_partner_list_query_count_does_not_grow_with_referrals(
    client, counsellor, make_case, partner, partner_worker, django_assert_max_num_queries
):
    for _ in range(15):
        _refer(make_case(), counsellor, partner)
    client.force_login(partner_worker)
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/partner/referrals")
    assert len(response.json()) == 15


# --- Every route: in the OpenAPI document, and closed to outsiders ----------------------------

CASES, CONTACTS, PARTNER = "/api/v1/cases", "/api/v1/contacts", "/api/v1/partner/referrals"
ROUTES = {
    CONTACTS: {"get", "post"},
    f"{CONTACTS}/sync": {"post"},
    CASES: {"get", "post"},
    f"{CASES}/{{case_id}}": {"get"},
    f"{CASES}/{{case_id}}/timeline": {"get"},
    f"{CASES}/{{case_id}}/notes": {"post"},
    f"{CASES}/{{case_id}}/actions": {"post"},
    f"{CASES}/{{case_id}}/actions/{{action_id}}/done": {"post"},
    f"{CASES}/{{case_id}}/assignments": {"post"},
    f"{CASES}/{{case_id}}/status": {"post"},
    f"{CASES}/{{case_id}}/closure-request": {"post"},
    f"{CASES}/{{case_id}}/closure-decision": {"post"},
    f"{CASES}/{{case_id}}/reopen": {"post"},
    f"{CASES}/{{case_id}}/restrict": {"post"},
    f"{CASES}/{{case_id}}/unrestrict": {"post"},
    f"{CASES}/{{case_id}}/consents": {"get", "post"},
    f"{CASES}/{{case_id}}/consents/{{consent_id}}/withdraw": {"post"},
    f"{CASES}/{{case_id}}/referrals": {"get", "post"},
    f"{CASES}/{{case_id}}/referrals/{{referral_id}}/revoke": {"post"},
    PARTNER: {"get"},
    f"{PARTNER}/{{referral_id}}": {"get"},
    f"{PARTNER}/{{referral_id}}/accept": {"post"},
    f"{PARTNER}/{{referral_id}}/decline": {"post"},
    f"{PARTNER}/{{referral_id}}/feedback": {"post"},
}


def _mrc_paths(schema) -> list[str]:
    return [p for p in schema["paths"] if p.startswith((CASES, CONTACTS, PARTNER))]


def test_every_mrc_route_is_in_the_openapi_document_with_a_response_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert set(_mrc_paths(schema)) == set(ROUTES)
    for path, methods in ROUTES.items():
        assert set(schema["paths"][path]) == methods, path
        for method in methods:
            responses = schema["paths"][path][method]["responses"]
            success = next(code for code in ("200", "201") if code in responses)
            assert "$ref" in json.dumps(responses[success]["content"]), (path, method)
            if "{" in path:
                assert "404" in responses, (path, method)
            if method == "post":
                assert "422" in responses or "409" in responses or "404" in responses
    components = schema["components"]["schemas"]
    assert {"CaseOut", "CaseSummaryOut", "SharedCaseOut", "ContactOut", "ErrorOut"} <= set(
        components
    )
    assert "narrative" not in components["CaseSummaryOut"]["properties"]


@pytest.fixture
def records(counsellor, gbv_case, partner, office):
    """A restricted case with a plan item, a consent and a referral to the partner."""
    action = services.add_action(
        case=gbv_case,
        description="Cari rumah aman.",
        owner=counsellor,
        due_on=office.today(),
        by=counsellor,
    )
    referral = _refer(gbv_case, counsellor, partner)
    return {
        "case_id": gbv_case.pk,
        "action_id": action.pk,
        "consent_id": referral.consent_id,
        "referral_id": referral.pk,
    }


# A valid body for each write, so a refusal cannot be a mere validation error.
def _bodies(records, office, partner, worker_id):
    today = str(office.today())
    return {
        "notes": {"text": "Catatan."},
        "actions": {"description": "x", "owner_id": worker_id, "due_on": today},
        "done": {},
        "assignments": {"worker_id": worker_id},
        "status": {"status": "in_progress"},
        "closure-request": {"outcome": "resolved"},
        "closure-decision": {"approve": True, "open_actions": "done", "end_referrals": True},
        "reopen": {"reason": "Klien kembali."},
        "restrict": {"reason": "Kekerasan terungkap."},
        "unrestrict": {"reason": "Salah catat."},
        "revoke": {"reason": "Mitra tidak aman."},
        "consents": {
            "recipient_id": partner.pk,
            "items": ["identity"],
            "given_on": today,
            "method": "signed",
        },
        "withdraw": {},
        "referrals": {"partner_id": partner.pk, "service": "x", "due_on": today},
        "accept": {},
        "decline": {"reason": "Tidak bisa."},
        "feedback": {"feedback": "Selesai.", "complete": True},
    }


def _outsider(make_user, role, other_office, ministry, office, where):
    organisation = {
        Role.PARTNER_CASEWORKER: PartnerFactory(slug="sbmi", name="SBMI", partner_type="union"),
        Role.NATIONAL_ANALYST: ministry,
        Role.ADMINISTRATOR: ministry,
    }.get(role, office if where == "same office" else other_office)
    return make_user(role, organisation=organisation, username=f"outsider.{role}.{where[:4]}")


OUTSIDERS = (
    [(role, "other office") for role in sorted(OFFICE_ROLES)]
    + [
        (Role.PARTNER_CASEWORKER, "other partner"),
        (Role.NATIONAL_ANALYST, "ministry"),
        (Role.ADMINISTRATOR, "ministry"),
    ]
    + [(role, "same office") for role in sorted(OFFICE_ROLES - {Role.CASE_SUPERVISOR})]
)


@pytest.mark.parametrize("role, where", OUTSIDERS)
def test_no_outsider_reaches_a_restricted_case_or_its_referral_through_any_route(
    client, make_user, records, other_office, ministry, office, partner, counsellor, role, where
):
    """Generated from the OpenAPI document: every route with an id, every method, with a valid
    body, as someone who is neither assigned to the case nor its supervisor nor the partner."""
    user = _outsider(make_user, role, other_office, ministry, office, where)
    client.force_login(user)
    schema = client.get("/api/v1/openapi.json").json()
    bodies = _bodies(records, office, partner, counsellor.pk)
    paths = [p for p in _mrc_paths(schema) if "{" in p]
    assert paths
    for path in paths:
        url = path
        for name, value in records.items():
            url = url.replace(f"{{{name}}}", str(value))
        for method in schema["paths"][path]:
            body = bodies[path.rsplit("/", 1)[1]] if method == "post" else None
            response = client.generic(
                method.upper(),
                url if method == "post" else f"{url}?purpose=case",
                json.dumps(body or {}),
                "application/json",
            )
            assert response.status_code in (403, 404), (path, method, response.status_code)
            assert NARRATIVE not in response.content.decode()
    referral = Referral.objects.get(pk=records["referral_id"])
    assert referral.state == ReferralState.SENT and referral.stopped_at is None
    case = Case.objects.get(pk=records["case_id"])
    assert case.status == CaseStatus.PENDING_PARTNER and not case.notes.exists()
    assert case.assignments.count() == 1 and case.consents.count() == 1
    assert not _access_entries(case).exists()


def test_the_partner_reaches_its_referral_but_not_the_case_behind_it(
    client, records, partner_worker
):
    client.force_login(partner_worker)
    schema = client.get("/api/v1/openapi.json").json()
    for path in _mrc_paths(schema):
        if not path.startswith(f"{CASES}/{{"):
            continue
        url = path
        for name, value in records.items():
            url = url.replace(f"{{{name}}}", str(value))
        for method in schema["paths"][path]:
            response = client.generic(
                method.upper(), f"{url}?purpose=case", "{}", "application/json"
            )
            assert response.status_code in (403, 404, 422), (path, method)
            if response.status_code == 422:
                assert response.json()["code"] == "invalid_input"
    assert client.get(f"{PARTNER}/{records['referral_id']}?purpose=case").status_code == 200
