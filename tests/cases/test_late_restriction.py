"""Restricting a case after intake (issue 16): violence disclosed later, in a note or a follow-up.

Before, a case became restricted only at intake: the note with the disclosure stayed readable by
the office head and every counsellor. Now the assigned case worker or a case supervisor
restricts it at any time, with effect on everything already in it; only a supervisor lifts it.
"""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from satuatap.cases import services
from satuatap.cases.models import (
    Case,
    CaseEvent,
    CaseNote,
    CaseStatus,
    Channel,
    Outcome,
    SharedItem,
    Topic,
)
from satuatap.core.audit import ReadPurpose
from satuatap.core.exceptions import DomainError
from satuatap.core.roles import Role
from tests import purpose as purpose_form

pytestmark = pytest.mark.django_db

DISCLOSURE = "Klien bercerita suaminya memukulnya sejak pulang dari Taiwan."
FOLLOW_UP = "Telepon: klien takut pulang ke rumah."
REASON = "Kekerasan dalam rumah tangga terungkap dalam catatan."
CLIENT_NAME = "Siti Rahayu"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def others(make_user, head):
    """Those who see an ordinary case of the office and must lose it once it is restricted."""
    return {
        "office head": head,
        "unassigned counsellor": make_user(Role.COUNSELLOR, username="cirebon.counsellor3"),
    }


@pytest.fixture
def disclosed(make_case, counsellor, partner, office):
    """An ordinary wage case in which violence came out later: a note and a follow-up contact
    tell it; it has an attachment, an overdue plan item and an overdue referral."""
    case = make_case(narrative="Gaji tidak dibayar selama enam bulan.")
    assert not case.is_restricted
    services.add_note(case=case, text=DISCLOSURE, by=counsellor)
    services.record_contact(
        by=counsellor,
        kind="counselling",
        channel=Channel.PHONE,
        topic=Topic.GBV,
        occurred_on=office.today(),
        notes=FOLLOW_UP,
        case=case,
    )
    yesterday = office.today() - datetime.timedelta(days=1)
    action = services.add_action(
        case=case,
        description="Cari rumah aman",
        owner=counsellor,
        due_on=office.today(),
        by=counsellor,
    )
    type(action).objects.filter(pk=action.pk).update(due_on=yesterday)
    services.record_consent(
        case=case,
        by=counsellor,
        recipient=partner,
        items=[SharedItem.IDENTITY],
        given_on=office.today(),
        method="signed",
    )
    referral = services.send_referral(
        case=case, by=counsellor, partner=partner, service="Rumah aman", due_on=office.today()
    )
    type(referral).objects.filter(pk=referral.pk).update(due_on=yesterday)
    upload = SimpleUploadedFile("visum.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    services.upload_attachment(case=case, by=counsellor, title="Visum", file=upload)
    return case


def _restrict_on_the_page(client, user, case, reason=REASON):
    client.force_login(user)
    return client.post(reverse("cases:case-restrict", args=[case.pk]), {"restrict-reason": reason})


def _what_they_find(client, user, case) -> dict[str, bool]:
    """Where this user still finds the case, its disclosure or its follow-up."""
    client.force_login(user)
    found = {}
    for name in ("cases:case-list", "cases:my-cases", "cases:overdue", "cases:contact-list"):
        html = client.get(reverse(name)).content.decode()
        found[name] = any(text in html for text in (case.number, DISCLOSURE, FOLLOW_UP))
    search = client.get(reverse("cases:case-list"), {"q": case.number})
    found["search"] = case.number in search.content.decode() and bool(list(search.context["page"]))
    detail = client.get(reverse("cases:case-detail", args=[case.pk]))
    found["case page"] = detail.status_code != 404
    attachment = case.attachments.get()
    file_url = reverse("cases:attachment-file", args=[case.pk, attachment.pk])
    found["attachment"] = client.get(file_url).status_code != 404
    summary = reverse("cases:case-summary-pdf", args=[case.pk])
    found["summary pdf"] = client.get(summary).status_code != 404
    letter = reverse("cases:referral-letter-pdf", args=[case.referrals.get().pk])
    found["letter pdf"] = client.get(letter).status_code != 404
    api_list = client.get("/api/v1/cases").json()
    found["api list"] = any(row["id"] == case.pk for row in api_list)
    found["api search"] = any(
        row["id"] == case.pk for row in client.get("/api/v1/cases?status=pending_partner").json()
    )
    for path in ("", "/timeline", "/consents", "/referrals"):
        response = client.get(f"/api/v1/cases/{case.pk}{path}?purpose=case")
        found[f"api{path or ' case'}"] = response.status_code != 404
    contacts = client.get("/api/v1/contacts").json()
    found["api contacts"] = any(row["case_id"] == case.pk for row in contacts)
    return found


def test_before_restriction_the_head_and_other_counsellors_find_the_case(client, disclosed, others):
    """The starting point of the finding: the disclosure is open to the whole MRC team."""
    for user in others.values():
        found = _what_they_find(client, user, disclosed)
        assert found["case page"] and found["api list"] and found["api contacts"], found
        client.force_login(user)
        page = client.get(reverse("cases:case-detail", args=[disclosed.pk]))
        assert DISCLOSURE in page.content.decode()


def test_after_a_late_restriction_the_head_and_other_counsellors_find_nothing(
    client, disclosed, others, counsellor
):
    response = _restrict_on_the_page(client, counsellor, disclosed)
    assert response.status_code == 302
    disclosed.refresh_from_db()
    assert disclosed.is_restricted

    for who, user in others.items():
        found = _what_they_find(client, user, disclosed)
        assert not any(found.values()), (who, [k for k, v in found.items() if v])
        client.force_login(user)
        note = client.post(reverse("cases:note-add", args=[disclosed.pk]), {"text": "x"})
        assert note.status_code == 404
        api_note = client.post(
            f"/api/v1/cases/{disclosed.pk}/notes", '{"text": "x"}', "application/json"
        )
        assert api_note.status_code == 404
    assert disclosed.notes.count() == 2  # the disclosure and the reason; nobody else wrote


@pytest.mark.parametrize("who", ["assigned counsellor", "supervisor"])
def test_the_case_worker_and_the_supervisor_still_read_it_with_a_logged_purpose(
    client, disclosed, counsellor, supervisor, who
):
    services.restrict_case(case=disclosed, by=counsellor, reason=REASON)
    user = counsellor if who == "assigned counsellor" else supervisor
    client.force_login(user)
    url = reverse("cases:case-detail", args=[disclosed.pk])
    prompt = client.get(url)
    assert "core/read_purpose.html" in [t.name for t in prompt.templates]
    assert DISCLOSURE not in prompt.content.decode()
    page = purpose_form.read(client, url, ReadPurpose.CASE_HANDLING)
    html = page.content.decode()
    assert DISCLOSURE in html and FOLLOW_UP in html and REASON in html
    assert LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, object_pk=str(disclosed.pk), actor=user
    ).exists()
    # Lists of those who may see it show the number, never the client's name.
    listing = client.get(reverse("cases:case-list")).content.decode()
    assert disclosed.number in listing and CLIENT_NAME not in listing


def test_the_reason_is_an_encrypted_note_and_no_event_or_audit_row_holds_it(disclosed, counsellor):
    services.restrict_case(case=disclosed, by=counsellor, reason=REASON)

    note = disclosed.notes.order_by("-pk").first()
    assert note.text == REASON and note.author == counsellor
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(CaseNote._meta.db_table)
        cursor.execute(f"SELECT text FROM {table} WHERE id = %s", [note.pk])  # noqa: S608
        stored = cursor.fetchone()[0]
    assert "Kekerasan" not in stored
    event = disclosed.events.get(kind="restricted")
    assert event.by == counsellor and REASON not in f"{event.detail} {event.params}"
    change = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Case),
        object_pk=str(disclosed.pk),
        action=LogEntry.Action.UPDATE,
    ).latest("pk")
    assert change.actor is None or change.actor == counsellor
    assert "is_restricted" in change.changes_dict
    assert not any("Kekerasan" in str(entry.changes) for entry in LogEntry.objects.all())


def test_only_the_assigned_case_worker_or_a_supervisor_may_restrict(
    client, disclosed, others, make_user, other_office
):
    for user in others.values():
        response = _restrict_on_the_page(client, user, disclosed)
        assert response.status_code == 403
        with pytest.raises(DomainError) as refused:
            services.restrict_case(case=disclosed, by=user, reason=REASON)
        assert refused.value.status == 403
    stranger = make_user(Role.CASE_SUPERVISOR, organisation=other_office)
    assert _restrict_on_the_page(client, stranger, disclosed).status_code == 404
    disclosed.refresh_from_db()
    assert not disclosed.is_restricted
    assert not disclosed.events.filter(kind="restricted").exists()


def test_a_supervisor_restricts_through_the_api(client, disclosed, supervisor):
    client.force_login(supervisor)
    url = f"/api/v1/cases/{disclosed.pk}/restrict"
    empty = client.post(url, '{"reason": ""}', "application/json")
    assert empty.status_code == 422
    blank = client.post(url, '{"reason": "   "}', "application/json")
    assert blank.status_code == 422 and blank.json()["code"] == "reason_required"
    disclosed.refresh_from_db()
    assert not disclosed.is_restricted

    done = client.post(url, '{"reason": "Kekerasan."}', "application/json")
    assert done.status_code == 200 and done.json()["is_restricted"] is True
    again = client.post(url, '{"reason": "Kekerasan."}', "application/json")
    assert again.status_code == 409 and again.json()["code"] == "already_restricted"


def test_a_closed_case_can_be_restricted_by_its_case_worker(
    client, make_case, counsellor, supervisor, others
):
    case = make_case()
    services.request_closure(case=case, by=counsellor, outcome=Outcome.RESOLVED)
    services.decide_closure(case=case, by=supervisor, approve=True)
    assert case.status == CaseStatus.CLOSED

    _restrict_on_the_page(client, counsellor, case)
    case.refresh_from_db()
    assert case.is_restricted
    client.force_login(others["office head"])
    refused = client.get(reverse("cases:case-detail", args=[case.pk]))
    assert refused.status_code == 404 and case.number not in refused.content.decode()


def test_the_restrict_button_is_on_the_case_page_for_those_who_may_use_it(
    client, disclosed, counsellor, supervisor, others
):
    client.force_login(counsellor)
    page = client.get(reverse("cases:case-detail", args=[disclosed.pk]))
    assert page.context["restrict_form"] is not None
    assert reverse("cases:case-restrict", args=[disclosed.pk]) in page.content.decode()
    assert page.context["unrestrict_form"] is None
    client.force_login(others["office head"])
    page = client.get(reverse("cases:case-detail", args=[disclosed.pk]))
    assert page.context["restrict_form"] is None

    services.restrict_case(case=disclosed, by=counsellor, reason=REASON)
    client.force_login(counsellor)
    page = purpose_form.read(client, reverse("cases:case-detail", args=[disclosed.pk]), "case")
    assert page.context["restrict_form"] is None and page.context["unrestrict_form"] is None
    client.force_login(supervisor)
    page = purpose_form.read(client, reverse("cases:case-detail", args=[disclosed.pk]), "case")
    assert page.context["unrestrict_form"] is not None
    assert page.context["timeline"][-1]["label"]


def test_a_restriction_without_a_reason_is_refused_with_a_message(
    client, disclosed, counsellor, english
):
    response = _restrict_on_the_page(client, counsellor, disclosed, reason="")
    assert response.status_code == 302
    messages = [str(m) for m in client.get(response.url).context["messages"]]
    assert any("Write the reason." in m for m in messages)
    disclosed.refresh_from_db()
    assert not disclosed.is_restricted


# --- Lifting ----------------------------------------------------------------------------------


def test_only_a_supervisor_lifts_a_restriction_with_a_reason(
    client, disclosed, counsellor, supervisor, others
):
    services.restrict_case(case=disclosed, by=counsellor, reason=REASON)
    url = reverse("cases:case-unrestrict", args=[disclosed.pk])

    client.force_login(counsellor)
    assert client.post(url, {"unrestrict-reason": "Salah catat"}).status_code == 403
    with pytest.raises(DomainError) as refused:
        services.lift_restriction(case=disclosed, by=supervisor, reason=" ")
    assert refused.value.code == "reason_required"
    disclosed.refresh_from_db()
    assert disclosed.is_restricted

    client.force_login(supervisor)
    assert client.post(url, {"unrestrict-reason": "Ternyata bukan kekerasan."}).status_code == 302
    disclosed.refresh_from_db()
    assert not disclosed.is_restricted
    assert disclosed.events.filter(kind="unrestricted", by=supervisor).exists()
    assert "Ternyata bukan kekerasan." in [note.text for note in disclosed.notes.all()]
    found = _what_they_find(client, others["office head"], disclosed)
    assert found["case page"] and found["api list"]


def test_a_case_about_violence_stays_restricted(client, gbv_case, supervisor):
    with pytest.raises(DomainError) as refused:
        services.lift_restriction(case=gbv_case, by=supervisor, reason="Sudah aman.")
    assert refused.value.code == "restriction_required" and refused.value.status == 409
    client.force_login(supervisor)
    response = client.post(
        f"/api/v1/cases/{gbv_case.pk}/unrestrict", '{"reason": "Sudah aman."}', "application/json"
    )
    assert response.status_code == 409
    gbv_case.refresh_from_db()
    assert gbv_case.is_restricted
    page = purpose_form.read(client, reverse("cases:case-detail", args=[gbv_case.pk]), "case")
    assert page.context["unrestrict_form"] is None


def test_lifting_an_unrestricted_case_is_refused(disclosed, supervisor):
    with pytest.raises(DomainError) as refused:
        services.lift_restriction(case=disclosed, by=supervisor, reason="x")
    assert refused.value.code == "not_restricted"
    assert not CaseEvent.objects.filter(kind="unrestricted").exists()


@pytest.fixture
def english(counsellor, supervisor):
    for user in (counsellor, supervisor):
        user.language = "en"
        user.save(update_fields=["language"])
