"""Every registry page and API route, for every role outside the record's office: never allowed.

The routes are read from the URL resolver and the OpenAPI document, so a new route is covered
(or fails here) without anyone adding it by hand.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import get_resolver

from satuatap.core.roles import OFFICE_ROLES, Role
from satuatap.people import services
from satuatap.people.models import ProcessingConsent, Relation, Sex

pytestmark = pytest.mark.django_db

OUTSIDER_ROLES = sorted(OFFICE_ROLES) + [
    Role.PARTNER_CASEWORKER,
    Role.NATIONAL_ANALYST,
    Role.ADMINISTRATOR,
]
# Pages that list only the caller's own office's data, with no record id in the URL (that an
# outsider's list holds nothing of this office is asserted where each list is tested).
OWN_OFFICE_PAGES = {
    "people:list",
    "people:create",
    "people:import-list",
    "people:merge-list",
    "people:documents-to-verify",
}


def _people_patterns():
    resolver = get_resolver()
    namespace = resolver.namespace_dict["people"][1]
    for pattern in namespace.url_patterns:
        yield f"people:{pattern.name}", str(pattern.pattern)


@pytest.fixture
def records(make_user, office, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    officer = make_user(Role.PLACEMENT_OFFICER)
    person = services.register_person(by=officer, full_name="Sulastri", sex=Sex.FEMALE)
    relative = services.register_person(by=officer, full_name="Putri", sex=Sex.FEMALE)
    link = services.link_family(
        person=person, relative=relative, relation=Relation.CHILD, by=officer
    )
    consent = services.record_consent(
        person=person,
        by=officer,
        purpose="registry",
        given_on=datetime.date(2026, 1, 1),
        method="signed",
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    from satuatap.people.documents.services import upload_document
    from satuatap.people.models import DocumentType

    pdf = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    document = upload_document(
        person=person, document_type=DocumentType.objects.get(code="ktp"), file=pdf, by=officer
    )
    from satuatap.people.imports.services import create_import_job

    csv = SimpleUploadedFile("register.csv", b"Nama,Jenis Kelamin\nAni,P\n", "text/csv")
    job = create_import_job(uploaded_file=csv, by=officer)
    return {
        "person_id": person.pk,
        "link_id": link.pk,
        "consent_id": consent.pk,
        "document_id": document.pk,
        "job_id": job.pk,
        "pk": job.pk,
        "fmt": "json",
    }


def _url(route: str, ids: dict) -> str:
    route = re.sub(r"\^|\$", "", route).replace("\\.", ".")
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: f"<{m.group(1)}>", route)
    return "/people/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), route)


def _outsider(make_user, role, other_office, partner, ministry):
    organisation = {
        Role.PARTNER_CASEWORKER: partner,
        Role.NATIONAL_ANALYST: ministry,
        Role.ADMINISTRATOR: ministry,
    }.get(role, other_office)
    return make_user(role, organisation=organisation, username=f"outsider.{role}")


def test_every_registry_route_is_in_this_test():
    names = {name for name, _ in _people_patterns()}
    assert "people:detail" in names and len(names) >= 15


@pytest.mark.parametrize("role", OUTSIDER_ROLES)
def test_no_outsider_reaches_any_record_page(
    client, make_user, records, other_office, partner, ministry, role
):
    client.force_login(_outsider(make_user, role, other_office, partner, ministry))
    for name, route in _people_patterns():
        if name in OWN_OFFICE_PAGES:
            continue
        url = _url(route, records)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in (403, 404, 405), (name, method, response.status_code)


@pytest.mark.parametrize("role", [Role.PARTNER_CASEWORKER, Role.NATIONAL_ANALYST])
def test_roles_without_registry_cannot_open_registry_pages(
    client, make_user, partner, ministry, role
):
    organisation = partner if role == Role.PARTNER_CASEWORKER else ministry
    client.force_login(make_user(role, organisation=organisation))
    for name in ("people:list", "people:create", "people:import-list", "people:merge-list"):
        from django.urls import reverse

        assert client.get(reverse(name)).status_code == 403, name


@pytest.mark.parametrize("role", OUTSIDER_ROLES)
def test_no_outsider_reaches_any_record_through_the_api(
    client, make_user, records, other_office, partner, ministry, role
):
    client.force_login(_outsider(make_user, role, other_office, partner, ministry))
    schema = client.get("/api/v1/openapi.json").json()
    person_paths = [p for p in schema["paths"] if p.startswith("/api/v1/people/{")]
    assert person_paths
    for path in person_paths:
        url = path.replace("{person_id}", str(records["person_id"]))
        for method in schema["paths"][path]:
            response = client.generic(method.upper(), url, "{}", "application/json")
            assert response.status_code in (403, 404), (path, method, response.status_code)


def test_consent_of_another_person_cannot_be_withdrawn_through_this_one(client, make_user, records):
    officer = make_user(Role.FRONTDESK)
    other = services.register_person(by=officer, full_name="Lain", sex=Sex.FEMALE)
    client.force_login(officer)
    response = client.post(f"/people/{other.pk}/consents/{records['consent_id']}/withdraw/")
    assert response.status_code == 404
    assert ProcessingConsent.objects.get(pk=records["consent_id"]).withdrawn_on is None
