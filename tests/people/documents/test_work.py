"""The documents waiting for verification at the desk a user verifies for: the home page's panel
(`people/work.py`) and its page (`people:documents-to-verify`)."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from satuatap.core.models import DeskType
from satuatap.core.roles import Role
from satuatap.people.documents import services
from satuatap.people.models import DocumentType
from tests.factories import DeskFactory, PersonFactory
from tests.work import home_panels, item

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


def desk(office, code: str):
    return DeskFactory(office=office, desk_type=DeskType.objects.get(code=code))


def upload(person, code: str, by, **dates):
    return services.upload_document(
        person=person,
        document_type=DocumentType.objects.get(code=code),
        file=SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf"),
        by=by,
        **dates,
    )


@pytest.fixture
def uploads(office, other_office, make_user):
    """At office A: KTP and KK (civil-registry desk) of two people, a passport, an ijazah
    (labour desk), a verified KTP and an expired SKCK; a KTP at office B."""
    counsellor = make_user(Role.COUNSELLOR)
    frontdesk = make_user(Role.FRONTDESK)
    siti = PersonFactory(office=office, full_name="Siti Aminah")
    dewi = PersonFactory(office=office, full_name="Dewi Lestari")
    first = upload(siti, "ktp", counsellor)
    upload(dewi, "kk", frontdesk)
    upload(siti, "paspor", frontdesk)
    upload(dewi, "ijazah", frontdesk)
    verifier = make_user(
        Role.DESK_OFFICER, username="cirebon.verifier", desk=desk(office, "kependudukan")
    )
    done = upload(dewi, "ktp", frontdesk)
    services.verify_document(document=done, by=verifier)
    long_ago = office.today() - datetime.timedelta(days=400)
    upload(siti, "skck", frontdesk, issued_on=long_ago)  # valid 180 days: expired
    stranger = make_user(Role.FRONTDESK, organisation=other_office, username="tulungagung.fd")
    upload(PersonFactory(office=other_office, full_name="Rina Wati"), "ktp", stranger)
    return {"first": first, "siti": siti, "dewi": dewi}


def test_the_civil_registry_desk_sees_its_waiting_documents_oldest_first(
    client, office, make_user, uploads
):
    officer = make_user(
        Role.DESK_OFFICER,
        username="cirebon.dukcapil",
        desk=desk(office, "kependudukan"),
        language="en",
    )
    panels, html = home_panels(client, officer)

    panel = panels["people-documents"]
    waiting = item(panel, "waiting for verification")
    assert waiting.count == 2  # not the passport, the ijazah, the verified KTP or office B's
    assert waiting.url == reverse("people:documents-to-verify")
    assert [row.text for row in panel.rows] == ["Siti Aminah", "Dewi Lestari"]
    assert panel.rows[0].url.startswith(reverse("people:detail", args=[uploads["siti"].pk]))
    assert "ID card (KTP)" in panel.rows[0].detail

    page = client.get(waiting.url).content.decode()
    assert "Siti Aminah" in page and "Dewi Lestari" in page and "Rina Wati" not in page
    # Who uploaded a scan is never shown: a counsellor's name would tell that Siti is an MRC client.
    assert uploads["first"].uploaded_by.full_name not in page


def test_a_placement_officer_sees_the_labour_desks_documents(client, make_user, uploads):
    officer = make_user(Role.PLACEMENT_OFFICER, language="en")
    panels, _html = home_panels(client, officer)

    panel = panels["people-documents"]
    assert item(panel, "waiting for verification").count == 1
    assert [row.text for row in panel.rows] == ["Dewi Lestari"]


def test_a_placement_officer_of_another_office_sees_none_of_this_offices_documents(
    client, other_office, make_user, uploads
):
    outsider = make_user(
        Role.PLACEMENT_OFFICER, organisation=other_office, username="tulungagung.p3mi"
    )
    page = _page_of(client, outsider)
    assert "Dewi Lestari" not in page and "Siti Aminah" not in page
    insider_page = _page_of(client, make_user(Role.PLACEMENT_OFFICER, username="cirebon.p3mi"))
    assert "Dewi Lestari" in insider_page


def _page_of(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("people:documents-to-verify")).content.decode()


def test_an_expired_document_waits_for_a_new_scan_not_for_verification(
    client, office, make_user, uploads
):
    officer = make_user(
        Role.DESK_OFFICER, username="cirebon.polisi", desk=desk(office, "kepolisian"), language="en"
    )
    panels, _html = home_panels(client, officer)
    assert item(panels["people-documents"], "waiting for verification").count == 0


def test_who_verifies_nothing_gets_no_panel_and_no_page(client, office, make_user, uploads):
    mrc_desk_officer = make_user(
        Role.DESK_OFFICER, username="cirebon.mrc-desk", desk=desk(office, "pengaduan-informasi")
    )
    for user in (make_user(Role.FRONTDESK, username="cirebon.fd2"), mrc_desk_officer):
        panels, _html = home_panels(client, user)
        assert "people-documents" not in panels
        refused = client.get(reverse("people:documents-to-verify"))
        assert refused.status_code == 403
        assert "403.html" in [t.name for t in refused.templates]


def test_the_documents_page_reads_a_fixed_number_of_queries(
    client, office, make_user, django_assert_max_num_queries
):
    frontdesk = make_user(Role.FRONTDESK)
    for number in range(30):
        upload(PersonFactory(office=office, full_name=f"Orang {number}"), "ktp", frontdesk)
    officer = make_user(
        Role.DESK_OFFICER, username="cirebon.dukcapil", desk=desk(office, "kependudukan")
    )
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("people:documents-to-verify"))
    assert response.content.decode().count("#documents-heading") == 30
