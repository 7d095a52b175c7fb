"""Concerns about agencies: an office raises one (it cannot change the national list), the
ministry placement administrator acknowledges and resolves it, the office sees the answer."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.urls import reverse

from satuatap.core.exceptions import DomainError
from satuatap.core.roles import OFFICE_ROLES, Role
from satuatap.placement import selectors, services
from satuatap.placement.models import AgencyConcern, AgencyStatus, ConcernKind, JobOrder
from satuatap.placement.rules import CONCERN_RAISERS
from tests.placement.conftest import job_order_values

pytestmark = pytest.mark.django_db

TEXT = "Petugas lapangan masih merekrut di Desa Gegesik walau izinnya sudah habis."


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


@pytest.fixture
def raise_one(agency):
    def make(by, *, text: str = TEXT, kind: str = ConcernKind.RECRUITING, about=agency):
        return services.raise_concern(agency=about, by=by, kind=kind, text=text)

    return make


@pytest.fixture
def their_officer(make_user, other_office):
    return make_user(Role.PLACEMENT_OFFICER, organisation=other_office)


# --- Raising a concern (services) -------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(CONCERN_RAISERS))
def test_office_roles_whose_work_meets_agencies_raise_a_concern(
    make_user, office, agency, raise_one, role
):
    user = make_user(role)
    concern = raise_one(user)
    concern.refresh_from_db()
    assert (concern.office, concern.raised_by, concern.status) == (office, user, "open")
    assert concern.text == TEXT and concern.raised_at is not None
    agency.refresh_from_db()
    assert agency.status == AgencyStatus.ACTIVE  # a concern changes nothing of the agency


@pytest.mark.parametrize("role", sorted(OFFICE_ROLES - CONCERN_RAISERS))
def test_other_office_roles_cannot_raise_one(make_user, raise_one, role):
    with pytest.raises(DomainError) as raised:
        raise_one(make_user(role))
    assert raised.value.status == 403
    assert not AgencyConcern.objects.exists()


def test_the_ministry_reviews_concerns_but_raises_none(national_placement, raise_one):
    with pytest.raises(DomainError) as raised:
        raise_one(national_placement)
    assert raised.value.status == 403


@pytest.mark.parametrize(
    ("kind", "text", "field"),
    [
        (ConcernKind.FEES, "   ", "text"),
        (ConcernKind.FEES, "x" * 2001, "text"),
        ("gossip", TEXT, "kind"),
    ],
)
def test_a_bad_concern_is_refused_naming_the_field_and_nothing_is_saved(
    officer, raise_one, kind, text, field
):
    with pytest.raises(DomainError) as raised:
        raise_one(officer, kind=kind, text=text)
    assert raised.value.status == 422
    assert field in raised.value.details
    assert not AgencyConcern.objects.exists()


def test_the_text_is_encrypted_in_the_database_and_kept_out_of_the_audit_trail(officer, raise_one):
    concern = raise_one(officer)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT text FROM {AgencyConcern._meta.db_table} WHERE id = %s", [concern.pk]
        )
        stored = cursor.fetchone()[0]
    assert "Gegesik" not in stored
    entry = LogEntry.objects.get_for_object(concern).get()
    assert entry.action == LogEntry.Action.CREATE
    assert "text" not in entry.changes_dict and "Gegesik" not in str(entry.changes)
    assert entry.changes_dict["kind"][1] == ConcernKind.RECRUITING


# --- Reviewing (services) ---------------------------------------------------------------------


def test_the_ministry_acknowledges_then_resolves_with_a_note(
    national_placement, officer, raise_one
):
    concern = raise_one(officer)
    concern = services.review_concern(concern=concern, by=national_placement, status="acknowledged")
    assert concern.acknowledged_by == national_placement and concern.acknowledged_at
    with pytest.raises(DomainError) as again:
        services.review_concern(concern=concern, by=national_placement, status="acknowledged")
    assert again.value.status == 409

    concern = services.review_concern(
        concern=concern, by=national_placement, status="resolved", note="  Izin dicabut.  "
    )
    concern.refresh_from_db()
    assert concern.status == "resolved" and concern.resolved_by == national_placement
    assert concern.resolution_note == "Izin dicabut."
    with pytest.raises(DomainError) as closed:
        services.review_concern(concern=concern, by=national_placement, status="resolved", note="x")
    assert closed.value.status == 409
    changes = [e.changes_dict for e in LogEntry.objects.get_for_object(concern)]
    assert any(c.get("status") == ["acknowledged", "resolved"] for c in changes)
    assert all("resolution_note" not in c for c in changes)


@pytest.mark.parametrize(
    ("status", "note", "field"),
    [
        ("resolved", "", "note"),
        ("resolved", "   ", "note"),
        ("acknowledged", "Kami periksa.", "note"),
        ("open", "", "status"),
        ("deleted", "", "status"),
    ],
)
def test_a_review_that_does_not_fit_is_refused_and_changes_nothing(
    national_placement, officer, raise_one, status, note, field
):
    concern = raise_one(officer)
    with pytest.raises(DomainError) as raised:
        services.review_concern(concern=concern, by=national_placement, status=status, note=note)
    assert raised.value.status == 422 and field in raised.value.details
    concern.refresh_from_db()
    assert concern.status == "open" and concern.resolution_note == ""


@pytest.mark.parametrize("role", [Role.PLACEMENT_OFFICER, Role.OFFICE_HEAD, Role.ADMINISTRATOR])
def test_offices_and_the_administrator_do_not_review(make_user, ministry, officer, raise_one, role):
    concern = raise_one(officer)
    user = make_user(role, organisation=ministry if role == Role.ADMINISTRATOR else None)
    with pytest.raises(DomainError) as raised:
        services.review_concern(concern=concern, by=user, status="resolved", note="Selesai.")
    assert raised.value.status == 403
    concern.refresh_from_db()
    assert concern.status == "open"


# --- Who reads which concern (selectors) ------------------------------------------------------


def test_an_office_reads_its_own_concerns_and_the_ministry_every_one(
    make_user, officer, their_officer, national_placement, raise_one
):
    ours = raise_one(officer)
    theirs = raise_one(their_officer)
    counsellor = make_user(Role.COUNSELLOR)
    assert list(selectors.visible_concerns(officer)) == [ours]
    assert list(selectors.visible_concerns(counsellor)) == [ours]
    assert list(selectors.visible_concerns(their_officer)) == [theirs]
    assert set(selectors.visible_concerns(national_placement)) == {ours, theirs}
    assert not selectors.visible_concerns(make_user(Role.FRONTDESK)).exists()
    assert not selectors.concerns_to_review(officer).exists()
    assert selectors.open_concern_count(national_placement) == 2


# --- Pages ------------------------------------------------------------------------------------


def test_an_officer_raises_a_concern_from_the_agency_page(client, officer, agency):
    client.force_login(officer)
    detail = reverse("placement:agency-detail", args=[agency.pk])
    create = reverse("placement:agency-concern-create", args=[agency.pk])
    assert create in client.get(detail).content.decode()
    officer.language = "en"
    officer.save(update_fields=["language"])
    form = client.get(create)
    assert "Do not write a worker's name, NIK, phone or address" in form.content.decode()

    response = client.post(create, {"kind": "recruiting", "text": TEXT})

    assert response.status_code == 302 and response.url == detail
    concern = AgencyConcern.objects.get()
    assert concern.raised_by == officer
    page = client.get(detail).content.decode()
    assert "Gegesik" in page and 'data-concern-status="open"' in page


def test_a_bad_concern_keeps_what_was_typed(client, officer, agency):
    client.force_login(officer)
    create = reverse("placement:agency-concern-create", args=[agency.pk])
    response = client.post(create, {"kind": "", "text": TEXT})
    assert response.status_code == 200
    assert "kind" in response.context["form"].errors
    assert "Gegesik" in response.content.decode()
    assert not AgencyConcern.objects.exists()


def test_another_office_does_not_see_our_concern(client, their_officer, officer, raise_one, agency):
    raise_one(officer)
    client.force_login(their_officer)
    page = client.get(reverse("placement:agency-detail", args=[agency.pk])).content.decode()
    assert "Gegesik" not in page and "data-concern-status" not in page


@pytest.mark.parametrize("role", sorted(OFFICE_ROLES - CONCERN_RAISERS))
def test_roles_that_do_not_raise_concerns_do_not_see_them_or_the_button(
    client, make_user, officer, raise_one, agency, role
):
    """Raising one is refused them too: tests/security/access_matrix.py."""
    raise_one(officer)
    client.force_login(make_user(role))
    page = client.get(reverse("placement:agency-detail", args=[agency.pk])).content.decode()
    assert "Gegesik" not in page
    assert reverse("placement:agency-concern-create", args=[agency.pk]) not in page


def test_the_ministry_lists_acknowledges_and_resolves_and_the_office_sees_the_note(
    client, national_placement, officer, their_officer, raise_one, agency
):
    concern = raise_one(officer)
    raise_one(their_officer, text="Kantor cabang tanpa izin di Tulungagung.")
    client.force_login(national_placement)
    listing = client.get(reverse("placement:agency-concern-list"))
    assert listing.status_code == 200
    assert len(listing.context["concerns"]) == 2 and listing.context["open_count"] == 2
    detail = reverse("placement:agency-concern-detail", args=[concern.pk])
    assert "Gegesik" in client.get(detail).content.decode()

    assert client.post(detail, {"status": "acknowledged"}).status_code == 302
    refused = client.post(detail, {"status": "resolved", "note": ""})
    assert refused.status_code == 200 and "note" in refused.context["form"].errors
    concern.refresh_from_db()
    assert concern.status == "acknowledged"
    note = "Izin PT Bina Karya dibekukan setelah pemeriksaan."
    assert client.post(detail, {"status": "resolved", "note": note}).status_code == 302
    acknowledged = client.get(reverse("placement:agency-concern-list") + "?status=resolved")
    assert [c.pk for c in acknowledged.context["concerns"]] == [concern.pk]

    client.force_login(officer)
    page = client.get(reverse("placement:agency-detail", args=[agency.pk])).content.decode()
    assert note in page and 'data-concern-status="resolved"' in page


def test_the_concern_list_query_count_stays_flat(
    client, national_placement, officer, make_agency, django_assert_max_num_queries
):
    agencies = [make_agency(f"SIP3MI/C{n}") for n in range(15)]
    for n, agency in enumerate(agencies):
        services.raise_concern(agency=agency, by=officer, kind="fees", text=f"Biaya {n}")
    client.force_login(national_placement)
    with django_assert_max_num_queries(12):
        concern_page = client.get(reverse("placement:agency-concern-list"))
    with django_assert_max_num_queries(14):
        agency_page = client.get(reverse("placement:agency-list"))

    # Every row is drawn within the budget: each agency's link is on both pages.
    for page in (concern_page, agency_page):
        assert page.status_code == 200
        html = page.content.decode()
        for agency in agencies:
            assert reverse("placement:agency-detail", args=[agency.pk]) in html, agency


def test_the_ministrys_home_shows_its_work_with_the_open_count(
    client, national_placement, officer, raise_one
):
    raise_one(officer)
    raise_one(officer, kind=ConcernKind.FEES)
    national_placement.language = "en"
    national_placement.save(update_fields=["language"])
    client.force_login(national_placement)
    response = client.get(reverse("home"))
    tiles = {a["url"]: a for a in response.context["actions"]}
    assert reverse("placement:agency-list") in tiles
    assert reverse("placement:agency-import") in tiles
    concerns = tiles[reverse("placement:agency-concern-list")]
    assert concerns["status"].text == "2 open concerns"
    assert "2 open concerns" in response.content.decode()


# --- API --------------------------------------------------------------------------------------


def test_api_an_officer_raises_a_concern_and_reads_only_the_offices(
    client, officer, their_officer, raise_one, agency
):
    raise_one(their_officer)
    client.force_login(officer)
    url = f"/api/v1/agencies/{agency.pk}/concerns"
    response = _post(client, url, {"kind": "fees", "text": TEXT})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "open" and body["office_id"] == officer.office.pk
    assert body["text"] == TEXT and body["raised_by"] == str(officer)
    assert [c["id"] for c in client.get(url).json()] == [body["id"]]
    concerns = AgencyConcern.objects.count()
    missing = _post(client, "/api/v1/agencies/999999/concerns", body)
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert AgencyConcern.objects.count() == concerns


def test_api_refuses_those_who_do_not_raise_concerns_with_the_json_error(client, make_user, agency):
    client.force_login(make_user(Role.FRONTDESK))
    response = _post(client, f"/api/v1/agencies/{agency.pk}/concerns", {"kind": "x", "text": "y"})
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert client.get(f"/api/v1/agencies/{agency.pk}/concerns").status_code == 403
    assert not AgencyConcern.objects.exists()


def test_api_a_bad_concern_is_a_json_422(client, officer, agency):
    client.force_login(officer)
    response = _post(client, f"/api/v1/agencies/{agency.pk}/concerns", {"kind": "x", "text": "y"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid" and "kind" in response.json()["details"]


def test_api_the_ministry_lists_and_reviews_concerns(
    client, national_placement, officer, raise_one
):
    concern = raise_one(officer)
    client.force_login(national_placement)
    listed = client.get("/api/v1/agencies/concerns?status=open").json()
    assert [c["id"] for c in listed] == [concern.pk]
    assert client.get("/api/v1/agencies/concerns?status=resolved").json() == []
    assert client.get("/api/v1/agencies/concerns?status=gone").status_code == 422
    url = f"/api/v1/agencies/concerns/{concern.pk}/status"
    missing_note = _post(client, url, {"status": "resolved"})
    assert missing_note.status_code == 422 and "note" in missing_note.json()["details"]
    done = _post(client, url, {"status": "resolved", "note": "Izin dibekukan."})
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    again = _post(client, url, {"status": "acknowledged"})
    assert again.status_code == 409 and again.json()["code"] == "concern_resolved"
    assert _post(
        client, "/api/v1/agencies/concerns/999999/status", {"status": "x"}
    ).status_code in (
        404,
        422,
    )


def test_openapi_document_lists_the_concern_routes(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"get"} <= set(paths["/api/v1/agencies/concerns"])
    assert {"get", "post"} <= set(paths["/api/v1/agencies/{agency_id}/concerns"])
    review = paths["/api/v1/agencies/concerns/{concern_id}/status"]["post"]["responses"]
    assert {"200", "401", "403", "404", "409", "422"} <= set(review)


# --- Job orders stay with the offices ---------------------------------------------------------


def test_job_orders_stay_with_the_office(client, officer, head, office, agency, today):
    client.force_login(officer)
    body = job_order_values(today, agency) | {"agency": agency.pk}
    body = {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in body.items()}
    assert client.post(reverse("placement:job-order-create"), body).status_code == 302
    job_order = JobOrder.objects.get()
    assert job_order.office == office and job_order.agency == agency

    client.force_login(head)
    edit = reverse("placement:job-order-edit", args=[job_order.pk])
    assert client.post(edit, body | {"quota_women": 12}).status_code == 302
    job_order.refresh_from_db()
    assert job_order.quota_women == 12


def test_the_ministry_has_no_say_over_an_offices_job_orders(
    client, national_placement, make_job_order, agency
):
    job_order = make_job_order("SIP2MI/OFFICE", agency=agency)
    client.force_login(national_placement)

    listing = client.get("/api/v1/job-orders")
    response = client.patch(
        f"/api/v1/job-orders/{job_order.pk}", {"quota_men": 3}, content_type="application/json"
    )
    edit = client.get(reverse("placement:job-order-edit", args=[job_order.pk]))

    assert (listing.status_code, response.status_code, edit.status_code) == (403, 403, 403)
    for refused in (listing, response, edit):
        assert "SIP2MI/OFFICE" not in refused.content.decode()
    job_order.refresh_from_db()
    assert job_order.quota_men == 0
