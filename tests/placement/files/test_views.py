"""Staff pages of placement files: who reaches them, and each form calling its service."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse

from satuatap.core.models import DeskType
from satuatap.core.roles import Role
from satuatap.people.documents import services as documents
from satuatap.people.models import DocumentType, PersonDocument, VerificationStatus
from satuatap.placement.files import services as files
from satuatap.placement.files.checklist import checklist
from satuatap.placement.files.models import (
    GateOverride,
    PlacementFile,
    ReturnReason,
    Stage,
    StageChange,
)
from satuatap.placement.files.readiness import Gate, readiness
from satuatap.placement.models import AgencyStatus, Scheme
from tests.factories import DeskFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


@pytest.fixture
def officer(make_user):
    return make_user(Role.PLACEMENT_OFFICER, language="en")


@pytest.fixture
def head(make_user):
    return make_user(Role.OFFICE_HEAD, language="en")


@pytest.fixture
def frontdesk(make_user):
    return make_user(Role.FRONTDESK, language="en")


def desk_officer(make_user, office, desk_type_code: str):
    desk = DeskFactory(office=office, desk_type=DeskType.objects.get(code=desk_type_code))
    return make_user(
        Role.DESK_OFFICER,
        username=f"{office.slug}.desk.{desk_type_code}",
        desk=desk,
        language="en",
    )


@pytest.fixture
def job_order(make_job_order, agency):
    return make_job_order("SIP2MI/HK", agency=agency, scheme=Scheme.P3MI, quota_women=2)


@pytest.fixture
def worker(make_worker):
    return make_worker(full_name="Sulastri Wulandari")


@pytest.fixture
def placement_file(officer, worker, job_order):
    return files.open_file(person=worker, by=officer, values={"job_order": job_order})


def upload(person, by, code: str, **extra) -> PersonDocument:
    return documents.upload_document(
        person=person,
        document_type=DocumentType.objects.get(code=code),
        file=SimpleUploadedFile("scan.pdf", PDF),
        by=by,
        **extra,
    )


def complete_documents(placement_file, by, today) -> None:
    """A verified scan of every document the checklist asks for (set up, not under test)."""
    for item in checklist(placement_file, today):
        code = item.document_type.code
        expires_on = today + relativedelta(years=5) if code == "paspor" else None
        document = upload(placement_file.person, by, code, issued_on=today, expires_on=expires_on)
        PersonDocument.objects.filter(pk=document.pk).update(
            verification_status=VerificationStatus.VERIFIED
        )


def page_text(response) -> str:
    return " ".join(html.unescape(response.content.decode()).split())


def detail_url(placement_file) -> str:
    return reverse("placement:file-detail", args=[placement_file.pk])


def _file_routes():
    """Every page and form of a file (read from the URL resolver, so a new one is covered)."""
    namespace = get_resolver().namespace_dict["placement"][1]
    for pattern in namespace.url_patterns:
        if pattern.name and pattern.name.startswith("file-") and "file_id" in str(pattern.pattern):
            yield pattern.name


# --- Pages and permissions -----------------------------------------------------------------


def test_every_page_renders_for_a_placement_officer(client, officer, placement_file, worker):
    client.force_login(officer)
    pages = [
        reverse("placement:file-list"),
        reverse("placement:file-list") + "?stage=open&q=sulastri",
        reverse("placement:file-create") + f"?person={worker.pk}",
        detail_url(placement_file),
        reverse("placement:file-edit", args=[placement_file.pk]),
        reverse("placement:returnee-list"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    listed = client.get(reverse("placement:file-list") + "?q=sulastri")
    assert "Sulastri Wulandari" in page_text(listed)


def test_file_list_answers_htmx_with_the_results_only(client, officer, placement_file):
    client.force_login(officer)
    response = client.get(reverse("placement:file-list") + "?stage=registration", **HTMX)
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "placement/_file_results.html"
    assert "<html" not in response.content.decode()
    assert "Sulastri Wulandari" in page_text(response)
    other_stage = client.get(reverse("placement:file-list") + "?stage=ready", **HTMX)
    assert "Sulastri Wulandari" not in page_text(other_stage)


def test_file_list_shows_stage_and_days_in_stage(client, officer, placement_file, today):
    PlacementFile.objects.filter(pk=placement_file.pk).update(
        stage_since=today - datetime.timedelta(days=12)
    )
    client.force_login(officer)
    response = client.get(reverse("placement:file-list"))
    assert response.context["rows"][0] == (
        PlacementFile.objects.get(pk=placement_file.pk),
        12,
    )
    assert 'data-stage="registration"' in response.content.decode()


def test_file_list_queries_do_not_grow_with_the_number_of_files(
    client, officer, make_worker, job_order, django_assert_max_num_queries
):
    for _index in range(40):
        files.open_file(person=make_worker(), by=officer, values={"job_order": job_order})
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("placement:file-list"))
    assert len(response.context["rows"]) == 40


def test_another_offices_file_is_a_404_on_every_page_and_form(
    client, officer, make_user, other_office, make_job_order, make_worker
):
    outsider = make_user(Role.PLACEMENT_OFFICER, organisation=other_office, username="t.placement")
    their_job_order = make_job_order("SIP2MI/TA", office=other_office)
    their_file = files.open_file(
        person=make_worker(office=other_office), by=outsider, values={"job_order": their_job_order}
    )
    client.force_login(officer)
    their_person = their_file.person
    before = _what_a_post_could_change(their_file)
    routes = list(_file_routes())
    assert {"file-detail", "file-edit", "file-stage", "file-departure"} <= set(routes)
    # A form that would pass were the file the officer's own: the refusal comes first.
    body = {
        "to_stage": "selection",
        "departure_date": "01/01/2026",
        "return_date": "02/01/2026",
        "reason": "sick",
        "gate": "documents",
        "note": "moved",
    }
    for name in routes:
        url = reverse(f"placement:{name}", args=[their_file.pk])
        got = client.get(url)
        assert got.status_code in (404, 405), name
        assert their_person.full_name not in got.content.decode(), name
        posted = client.post(url, body)
        assert posted.status_code == 404, name
        assert their_person.full_name not in posted.content.decode(), name
    assert _what_a_post_could_change(their_file) == before
    url = reverse("placement:file-create") + f"?person={their_person.pk}"
    response = client.get(url)
    assert response.status_code == 404
    assert their_person.full_name not in response.content.decode()


def _what_a_post_could_change(placement_file) -> tuple:
    """The file's row, its history and overrides, and how many files there are."""
    return (
        PlacementFile.objects.filter(pk=placement_file.pk).values().get(),
        list(placement_file.history.order_by("pk").values()),
        list(placement_file.overrides.order_by("pk").values()),
        PlacementFile.objects.count(),
    )


def test_frontdesk_sees_files_but_cannot_change_them(client, frontdesk, placement_file):
    """The pages and forms they are refused: tests/security/access_matrix.py."""
    client.force_login(frontdesk)
    detail = client.get(detail_url(placement_file))
    assert "stage_form" not in detail.context and "cancel_form" not in detail.context
    assert reverse("placement:file-stage", args=[placement_file.pk]) not in detail.content.decode()
    client.post(
        reverse("placement:file-stage", args=[placement_file.pk]), {"to_stage": "selection"}
    )
    placement_file.refresh_from_db()
    assert placement_file.stage == Stage.REGISTRATION


# --- Opening and changing a file ----------------------------------------------------------


def test_person_page_offers_to_open_a_file_to_a_placement_officer_only(
    client, officer, frontdesk, worker
):
    client.force_login(frontdesk)
    assert "Open placement file" not in page_text(
        client.get(reverse("people:detail", args=[worker.pk]))
    )
    client.force_login(officer)
    page = page_text(client.get(reverse("people:detail", args=[worker.pk])))
    assert "Open placement file" in page
    assert reverse("placement:file-create") + f"?person={worker.pk}" in page


def test_officer_opens_a_file_through_the_form(client, officer, worker, job_order):
    client.force_login(officer)
    url = reverse("placement:file-create") + f"?person={worker.pk}"
    form_page = client.get(url)
    assert "SIP2MI/HK" in page_text(form_page) and "Licence valid" in page_text(form_page)

    response = client.post(
        url,
        {
            "job_order": job_order.pk,
            "employer_address": "12 Nathan Road, Kowloon",
            "employer_phone": "+852 2345 6789",
            "fee_charged_idr": "1500000",
        },
    )

    placement_file = PlacementFile.objects.get(person=worker)
    assert response.status_code == 302 and response.url == detail_url(placement_file)
    assert placement_file.job_order == job_order and placement_file.scheme == Scheme.P3MI
    assert placement_file.fee_charged_idr == 1_500_000
    assert placement_file.stage == Stage.REGISTRATION and placement_file.created_by == officer
    assert StageChange.objects.filter(file=placement_file, to_stage=Stage.REGISTRATION).exists()
    person_page = page_text(client.get(reverse("people:detail", args=[worker.pk])))
    assert f"Placement file #{placement_file.pk}" in person_page
    assert "Open placement file" not in person_page


def test_job_order_of_a_suspended_agency_is_flagged_and_refused_on_its_field(
    client, officer, worker, make_agency, make_job_order
):
    suspended = make_agency("SIP3MI/SUS", name="PT Tutup", status=AgencyStatus.SUSPENDED)
    bad_job_order = make_job_order("SIP2MI/SUS", agency=suspended, scheme=Scheme.P3MI)
    client.force_login(officer)
    url = reverse("placement:file-create") + f"?person={worker.pk}"
    assert "PT Tutup: Licence suspended" in page_text(client.get(url))

    response = client.post(url, {"job_order": bad_job_order.pk})

    assert response.status_code == 200
    assert response.context["form"].errors["job_order"] == [
        "PT Tutup cannot receive new placements: licence suspended."
    ]
    assert not PlacementFile.objects.exists()


def test_a_file_without_job_order_needs_a_scheme(client, officer, worker):
    client.force_login(officer)
    url = reverse("placement:file-create") + f"?person={worker.pk}"
    response = client.post(url, {"employer": "Mr Tan"})
    assert response.status_code == 200
    assert response.context["form"].errors["scheme"] == ["Choose the placement scheme."]
    assert not PlacementFile.objects.exists()


def test_officer_changes_the_details_through_the_edit_page(client, officer, placement_file):
    client.force_login(officer)
    url = reverse("placement:file-edit", args=[placement_file.pk])
    response = client.post(
        url,
        {
            "job_order": placement_file.job_order_id,
            "contacts_abroad": "KJRI Hong Kong +852 2890 4421",
            "contract_months": "24",
        },
    )
    assert response.status_code == 302
    placement_file.refresh_from_db()
    assert placement_file.contacts_abroad == "KJRI Hong Kong +852 2890 4421"
    assert "KJRI Hong Kong" in page_text(client.get(detail_url(placement_file)))


# --- Stages, the readiness gate, overrides ---------------------------------------------------


def test_stage_change_through_the_form_writes_a_stage_change(client, officer, placement_file):
    client.force_login(officer)
    response = client.post(
        reverse("placement:file-stage", args=[placement_file.pk]),
        {"to_stage": Stage.MEDICAL, "note": "Referred to the clinic"},
        follow=True,
    )
    placement_file.refresh_from_db()
    assert placement_file.stage == Stage.MEDICAL
    change = StageChange.objects.filter(file=placement_file).latest("pk")
    assert (change.from_stage, change.to_stage, change.note, change.changed_by) == (
        Stage.REGISTRATION,
        Stage.MEDICAL,
        "Referred to the clinic",
        officer,
    )
    history = page_text(response)
    assert "Registration → Medical and psychological check" in history
    assert "Referred to the clinic" in history


def test_move_to_ready_is_refused_with_every_missing_item_listed(
    client, officer, placement_file, today
):
    upload(placement_file.person, officer, "ktp")
    expected = [
        problem for check in readiness(placement_file, today).failed for problem in check.problems
    ]
    assert (
        "ID card (KTP): waiting for verification at a Population and civil registration desk, "
        "which this office does not have." in expected
    )
    assert "Passport: missing." in expected
    client.force_login(officer)

    response = client.post(
        reverse("placement:file-stage", args=[placement_file.pk]),
        {"to_stage": Stage.READY},
        follow=True,
    )

    alerts = [str(m) for m in response.context["messages"]]
    assert len(alerts) == 1 and alerts[0].startswith("The file cannot move to ready yet:")
    for problem in expected:
        assert problem in alerts[0]
        assert problem in page_text(response)  # in the alert and under its condition
    placement_file.refresh_from_db()
    assert placement_file.stage == Stage.REGISTRATION
    assert StageChange.objects.filter(file=placement_file).count() == 1


def test_cancelling_needs_a_reason(client, officer, placement_file):
    client.force_login(officer)
    url = reverse("placement:file-cancel", args=[placement_file.pk])
    response = client.post(url, {"reason": ""}, follow=True)
    assert "Reason for cancelling: This field is required." in page_text(response)
    placement_file.refresh_from_db()
    assert placement_file.stage == Stage.REGISTRATION

    client.post(url, {"reason": "She found work in the village"})
    placement_file.refresh_from_db()
    assert placement_file.stage == Stage.CANCELLED
    assert placement_file.cancel_reason == "She found work in the village"


def test_head_grants_an_override_that_is_reported_and_lets_the_gate_pass(
    client, officer, head, make_worker, make_job_order, agency, today
):
    full_job_order = make_job_order("SIP2MI/FULL", agency=agency, scheme=Scheme.P3MI, quota_women=0)
    placement_file = files.open_file(
        person=make_worker(), by=officer, values={"job_order": full_job_order}
    )
    complete_documents(placement_file, officer, today)
    assert {c.gate for c in readiness(placement_file, today).failed} == {Gate.QUOTA}

    client.force_login(officer)
    assert "override_form" not in client.get(detail_url(placement_file)).context
    refused = client.post(
        reverse("placement:file-override", args=[placement_file.pk]),
        {"gate": Gate.QUOTA, "reason": "x"},
    )
    assert refused.status_code == 403

    client.force_login(head)
    page = client.get(detail_url(placement_file))
    assert [v for v, _ in page.context["override_form"].fields["gate"].choices] == [Gate.QUOTA]
    client.post(
        reverse("placement:file-override", args=[placement_file.pk]),
        {"gate": Gate.QUOTA, "reason": "Employer raised the quota; new SIP2MI on its way"},
    )
    override = GateOverride.objects.get(file=placement_file)
    assert (override.gate, override.granted_by, override.used_at) == (Gate.QUOTA, head, None)
    report = page_text(client.get(reverse("placement:override-list")))
    assert "Employer raised the quota; new SIP2MI on its way" in report
    assert "Job order quota for the worker's sex" in report and "not used yet" in report

    client.force_login(officer)
    client.post(
        reverse("placement:file-stage", args=[placement_file.pk]), {"to_stage": Stage.READY}
    )
    placement_file.refresh_from_db()
    assert placement_file.stage == Stage.READY
    override.refresh_from_db()
    assert override.used_at is not None
    change = StageChange.objects.filter(file=placement_file).latest("pk")
    assert list(change.overrides.all()) == [override]


def test_override_without_reason_changes_nothing(client, head, placement_file):
    client.force_login(head)
    response = client.post(
        reverse("placement:file-override", args=[placement_file.pk]),
        {"gate": Gate.DOCUMENTS, "reason": "  "},
        follow=True,
    )
    assert "This field is required." in page_text(response)
    assert not GateOverride.objects.exists()


def test_departure_and_return_through_the_forms(client, officer, placement_file, today):
    complete_documents(placement_file, officer, today)
    client.force_login(officer)
    client.post(
        reverse("placement:file-stage", args=[placement_file.pk]), {"to_stage": Stage.READY}
    )
    page = client.get(detail_url(placement_file))
    assert "departure_form" in page.context and "return_form" not in page.context

    future = client.post(
        reverse("placement:file-departure", args=[placement_file.pk]),
        {"departure_date": (today + datetime.timedelta(days=1)).isoformat()},
        follow=True,
    )
    assert "The date cannot be in the future." in page_text(future)
    placement_file.refresh_from_db()
    assert placement_file.stage == Stage.READY

    client.post(
        reverse("placement:file-departure", args=[placement_file.pk]),
        {"departure_date": today.isoformat(), "country": "HK"},
    )
    placement_file.refresh_from_db()
    assert (placement_file.stage, placement_file.departure_date) == (Stage.DEPARTED, today)
    assert placement_file.person.current_status.status == "abroad"

    response = client.post(
        reverse("placement:file-return", args=[placement_file.pk]),
        {
            "return_date": today.isoformat(),
            "reason": ReturnReason.PROBLEM,
            "mrc_case_reference": "MRC-2026-0042",
        },
        follow=True,
    )
    placement_file.refresh_from_db()
    assert placement_file.stage == Stage.RETURNED
    assert (placement_file.return_reason, placement_file.mrc_case_reference) == (
        ReturnReason.PROBLEM,
        "MRC-2026-0042",
    )
    assert "The return is recorded." in page_text(response)

    returnees = page_text(client.get(reverse("placement:returnee-list")))
    assert "Sulastri Wulandari" in returnees and "MRC-2026-0042" in returnees
    assert "Problem (complaint, abuse, dispute)" in returnees
    other_reason = client.get(
        reverse("placement:returnee-list") + f"?reason={ReturnReason.CONTRACT_FINISHED}"
    )
    assert "Sulastri Wulandari" not in page_text(other_reason)


# --- The checklist on the file page ----------------------------------------------------------


def _row(response, code: str) -> str:
    content = response.content.decode()
    match = re.search(rf'<tr data-testid="checklist-{code}".*?</tr>', content, re.S)
    assert match, code
    return match.group(0)


def test_checklist_shows_the_verify_button_only_to_the_desk_that_owns_the_document(
    client, officer, make_user, office, placement_file, today
):
    passport = upload(
        placement_file.person, officer, "paspor", expires_on=today + relativedelta(years=5)
    )
    diploma = upload(placement_file.person, officer, "ijazah")
    verify_passport = reverse(
        "people:document-verify", args=[placement_file.person_id, passport.pk]
    )
    verify_diploma = reverse("people:document-verify", args=[placement_file.person_id, diploma.pk])
    immigration = desk_officer(make_user, office, "keimigrasian")
    civil_registry = desk_officer(make_user, office, "kependudukan")

    client.force_login(civil_registry)
    page = client.get(detail_url(placement_file))
    assert 'data-status="submitted"' in _row(page, "paspor")
    assert verify_passport not in page.content.decode()
    assert verify_diploma not in page.content.decode()

    client.force_login(officer)  # a placement officer verifies Disnaker documents only
    page = client.get(detail_url(placement_file))
    assert verify_passport not in page.content.decode()
    assert verify_diploma in _row(page, "ijazah")

    client.force_login(immigration)
    page = client.get(detail_url(placement_file))
    assert verify_passport in _row(page, "paspor")
    assert verify_diploma not in page.content.decode()

    response = client.post(verify_passport, {"next": detail_url(placement_file)})
    assert response.status_code == 302 and response.url == detail_url(placement_file)
    passport.refresh_from_db()
    assert passport.verification_status == VerificationStatus.VERIFIED
    assert 'data-status="verified"' in _row(client.get(detail_url(placement_file)), "paspor")


def test_rejection_from_the_file_page_shows_its_reason(client, officer, placement_file):
    diploma = upload(placement_file.person, officer, "ijazah")
    client.force_login(officer)
    client.post(
        reverse("people:document-reject", args=[placement_file.person_id, diploma.pk]),
        {"reason": "Name does not match the KTP", "next": detail_url(placement_file)},
    )
    row = _row(client.get(detail_url(placement_file)), "ijazah")
    assert 'data-status="rejected"' in row and "Name does not match the KTP" in row


def test_passport_expiring_before_the_contract_ends_is_warned_about(
    client, officer, placement_file, today
):
    upload(placement_file.person, officer, "paspor", expires_on=today + relativedelta(months=6))
    client.force_login(officer)
    row = html.unescape(_row(client.get(detail_url(placement_file)), "paspor"))
    assert "before the contract ends" in row


def test_upload_link_preselects_the_type_and_comes_back_to_the_file(
    client, officer, placement_file
):
    client.force_login(officer)
    page = client.get(detail_url(placement_file))
    upload_url = next(
        row.upload_url for row in page.context["rows"] if row.item.document_type.code == "paspor"
    )
    form_page = client.get(upload_url)
    passport_type = DocumentType.objects.get(code="paspor")
    assert f'<option value="{passport_type.pk}" selected>' in form_page.content.decode()

    response = client.post(
        upload_url,
        {"document_type": passport_type.pk, "file": SimpleUploadedFile("p.pdf", PDF)},
    )
    assert response.status_code == 302 and response.url == detail_url(placement_file)
    assert placement_file.person.documents.filter(document_type=passport_type).exists()


def test_upload_never_redirects_to_another_site(client, officer, placement_file):
    client.force_login(officer)
    url = reverse("people:document-upload", args=[placement_file.person_id])
    response = client.post(
        url + "?next=https://evil.example/",
        {
            "document_type": DocumentType.objects.get(code="ktp").pk,
            "file": SimpleUploadedFile("k.pdf", PDF),
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("people:detail", args=[placement_file.person_id])


def test_file_page_renders_in_the_default_language(client, make_user, placement_file):
    client.force_login(make_user(Role.PLACEMENT_OFFICER, username="cirebon.placement.id"))
    response = client.get(detail_url(placement_file))
    assert response.status_code == 200
    assert '<html lang="id">' in response.content.decode()


def test_returnees_link_their_mrc_case_for_those_who_may_see_cases(client, make_user, office):
    from satuatap.placement.files.models import PlacementFile, ReturnReason, Stage
    from tests.factories import PersonFactory

    PlacementFile.objects.create(
        office=office,
        person=PersonFactory(office=office),
        scheme="individual",
        employer="Majikan",
        stage=Stage.RETURNED,
        stage_since=office.today(),
        return_date=office.today(),
        return_reason=ReturnReason.PROBLEM,
        mrc_case_reference="MRC-CIREBON-2026-0007",
    )
    url = reverse("placement:returnee-list")
    client.force_login(make_user(Role.COUNSELLOR))
    assert b"/mrc/cases/?q=MRC-CIREBON-2026-0007" in client.get(url).content
    client.force_login(make_user(Role.PLACEMENT_OFFICER))
    content = client.get(url).content
    assert b"MRC-CIREBON-2026-0007" in content and b"/mrc/cases/?q=" not in content


# --- Placement clarity (issue 19 point 5) --------------------------------------------------


def stage_choices(response) -> list[str]:
    return [value for value, _label in response.context["stage_form"].fields["to_stage"].choices]


@pytest.fixture
def over_quota_file(officer, make_worker, make_job_order, agency, today):
    """A complete file failing only the job order's quota for women."""
    job_order = make_job_order("SIP2MI/FULL", agency=agency, scheme=Scheme.P3MI, quota_women=0)
    placement_file = files.open_file(
        person=make_worker(), by=officer, values={"job_order": job_order}
    )
    complete_documents(placement_file, officer, today)
    return placement_file


def test_stage_selector_offers_ready_to_depart_only_when_the_gate_lets_the_file_through(
    client, officer, head, over_quota_file
):
    files.change_stage(placement_file=over_quota_file, to_stage=Stage.OPP, by=officer)
    client.force_login(officer)

    closed = client.get(detail_url(over_quota_file))

    assert Stage.READY not in stage_choices(closed)
    assert Stage.BPJS in stage_choices(closed)  # moving back stays possible
    assert "“Ready to depart” is offered once every readiness condition is met" in page_text(closed)

    files.grant_override(
        placement_file=over_quota_file, gate=Gate.QUOTA, reason="New SIP2MI coming", by=head
    )
    opened = client.get(detail_url(over_quota_file))

    assert Stage.READY in stage_choices(opened)
    assert opened.context["stage_form"].initial["to_stage"] == Stage.READY  # the next step
    assert "is offered once every readiness condition" not in page_text(opened)


def test_stage_selector_of_an_incomplete_file_in_indonesian_has_no_siap_berangkat(
    client, officer, placement_file
):
    officer.language = "id"
    officer.save(update_fields=["language"])
    client.force_login(officer)

    response = client.get(detail_url(placement_file))

    labels = [str(label) for _v, label in response.context["stage_form"].fields["to_stage"].choices]
    assert "Siap berangkat" not in labels
    assert "Seleksi" in labels


@pytest.mark.parametrize(
    ("language", "covered", "ready", "by_whom"),
    [
        ("en", "Covered by an override", "Ready to depart", "Employer raised the quota, by "),
        ("id", "Dicakup pengecualian", "Siap berangkat", "Employer raised the quota, oleh "),
    ],
)
def test_readiness_panel_of_a_file_ready_by_override_says_ready_and_covered_by_whom(
    client, officer, head, over_quota_file, language, covered, ready, by_whom
):
    files.grant_override(
        placement_file=over_quota_file, gate=Gate.QUOTA, reason="Employer raised the quota", by=head
    )
    files.change_stage(placement_file=over_quota_file, to_stage=Stage.READY, by=officer)
    officer.language = language
    officer.save(update_fields=["language"])
    client.force_login(officer)

    response = client.get(detail_url(over_quota_file))

    text = page_text(response)
    summary = re.search(
        r'data-testid="readiness-summary" data-ready="(\w+)"', response.content.decode()
    )
    assert summary is not None and summary.group(1) == "yes"
    assert ready in text
    assert "Not ready" not in text and "Belum siap" not in text
    quota = re.search(r'data-testid="gate-quota" data-passed="(\w+)"', response.content.decode())
    assert quota is not None and quota.group(1) == "override"
    assert covered in text
    assert by_whom + str(head) in text


def test_readiness_panel_before_the_move_says_covered_by_override_and_can_move(
    client, officer, head, over_quota_file
):
    files.grant_override(
        placement_file=over_quota_file, gate=Gate.QUOTA, reason="Employer raised the quota", by=head
    )
    client.force_login(officer)

    text = page_text(client.get(detail_url(over_quota_file)))

    assert "Every condition is met or covered by an override." in text
    assert f"Covered by an override (Employer raised the quota, by {head}," in text
    assert "Not ready" not in text


@pytest.mark.parametrize(
    ("language", "desk_text", "problem"),
    [
        (
            "en",
            "desk J, Migrant worker protection (BP3MI)",
            "waiting for verification at desk J, Migrant worker protection (BP3MI).",
        ),
        (
            "id",
            "loket J, Pelindungan PMI (BP3MI/UPT)",
            "menunggu verifikasi di loket J, Pelindungan PMI (BP3MI/UPT).",
        ),
    ],
)
def test_checklist_and_gate_name_the_desk_that_verifies_each_document(
    client, officer, office, placement_file, language, desk_text, problem
):
    DeskFactory(office=office, desk_type=DeskType.objects.get(code="bp3mi"), prefix="J")
    upload(placement_file.person, officer, "sertifikat-opp")
    officer.language = language
    officer.save(update_fields=["language"])
    client.force_login(officer)

    response = client.get(detail_url(placement_file))

    row = re.search(
        r'data-testid="checklist-sertifikat-opp".*?data-testid="verified-at">(.*?)</td>',
        response.content.decode(),
        re.S,
    )
    assert row is not None and desk_text in html.unescape(row.group(1))
    assert problem in page_text(response)


def test_checklist_says_when_the_office_has_no_desk_for_a_document(client, officer, placement_file):
    upload(placement_file.person, officer, "skck", issued_on=placement_file.office.today())
    client.force_login(officer)

    text = page_text(client.get(detail_url(placement_file)))

    assert (
        "Police certificate (SKCK): waiting for verification at a Police (police certificate) "
        "desk, which this office does not have." in text
    )


def test_a_document_a_file_waits_for_is_on_its_desk_officers_home(
    client, make_user, office, officer, placement_file
):
    from tests.work import home_panels, item

    bp3mi = desk_officer(make_user, office, "bp3mi")
    police = desk_officer(make_user, office, "kepolisian")
    upload(placement_file.person, officer, "sertifikat-opp")

    panels, _html = home_panels(client, bp3mi)
    panel = panels["people-documents"]
    assert item(panel, "waiting for verification").count == 1
    [row] = panel.rows
    assert row.text == placement_file.person.full_name
    assert row.detail.startswith("Pre-departure orientation (OPP) certificate, uploaded ")

    client.logout()
    panels, _html = home_panels(client, police)
    assert item(panels["people-documents"], "waiting for verification").count == 0


def test_job_order_title_shows_in_the_reader_language_on_the_file(
    client, officer, make_job_order, make_worker, agency
):
    job_order = make_job_order(
        "SIP2MI/KR",
        agency=agency,
        scheme=Scheme.P3MI,
        occupation="Pekerja pabrik",
        occupation_en="Factory worker",
    )
    placement_file = files.open_file(
        person=make_worker(), by=officer, values={"job_order": job_order}
    )
    client.force_login(officer)

    english = page_text(client.get(detail_url(placement_file)))
    officer.language = "id"
    officer.save(update_fields=["language"])
    indonesian = page_text(client.get(detail_url(placement_file)))

    assert "SIP2MI/KR — Factory worker" in english
    assert "SIP2MI/KR — Pekerja pabrik" in indonesian
