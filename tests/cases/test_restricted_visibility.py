"""A restricted case (violence, trafficking, a child) through the office pages: invisible in every
list, search, team view and detail to everyone but its case workers and the office's case
supervisors; each read of its page asks a purpose and is logged with it."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from satuatap.cases import services
from satuatap.cases.models import Case
from satuatap.core import sensitive
from satuatap.core.audit import ReadPurpose
from satuatap.core.roles import Role
from tests import purpose as purpose_form

pytestmark = pytest.mark.django_db

NARRATIVE = "Dipukul oleh majikan di Taipei."
CLIENT_NAME = "Siti Rahayu"
LIST_PAGES = ("cases:case-list", "cases:my-cases", "cases:overdue", "cases:contact-list")


@pytest.fixture
def outsiders(make_user, other_office, analyst, head):
    """Everyone who must never see the restricted case."""
    return {
        "unassigned counsellor": make_user(Role.COUNSELLOR, username="cirebon.counsellor3"),
        "office head": head,
        "other office counsellor": make_user(Role.COUNSELLOR, organisation=other_office),
        "other office supervisor": make_user(Role.CASE_SUPERVISOR, organisation=other_office),
        "national analyst": analyst,
    }


@pytest.fixture
def restricted(gbv_case, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert gbv_case.is_restricted
    return gbv_case


def _access_entries(case: Case):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Case),
        object_pk=str(case.pk),
        action=LogEntry.Action.ACCESS,
    )


def _read(client, case, purpose=ReadPurpose.CASE_HANDLING):
    """Give the purpose, then read the page (as a browser does after the redirect)."""
    return purpose_form.read(client, reverse("cases:case-detail", args=[case.pk]), purpose)


@pytest.mark.parametrize(
    "who",
    [
        "unassigned counsellor",
        "office head",
        "other office counsellor",
        "other office supervisor",
        "national analyst",
    ],
)
def test_restricted_case_is_invisible_to(client, outsiders, restricted, counsellor, who):
    upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    attachment = services.upload_attachment(
        case=restricted, by=counsellor, title="Visum", file=upload
    )
    client.force_login(outsiders[who])
    detail = reverse("cases:case-detail", args=[restricted.pk])

    for name in LIST_PAGES:
        response = client.get(reverse(name))
        if response.status_code == 200:
            html = response.content.decode()
            assert restricted.number not in html, name
            assert NARRATIVE not in html
    search = client.get(reverse("cases:case-list"), {"q": restricted.number})
    assert search.status_code in (200, 403)
    # The query is echoed in the search box; the case itself is not found.
    assert detail not in search.content.decode()
    if search.status_code == 200:
        assert list(search.context["page"]) == []
    team = client.get(reverse("cases:team-cases"))
    assert team.status_code in (200, 403)
    assert restricted.number not in team.content.decode()

    assert client.get(detail).status_code == 404
    assert client.get(detail, {"purpose": ReadPurpose.SUPERVISION}).status_code == 404
    # Nor can a purpose be given for it: the form's answer refuses a record the reader may not
    # read, whether or not it exists.
    grant = client.post(
        reverse("core:read-purpose"),
        {
            "subject": sensitive.subject_token(restricted),
            "next": detail,
            "purpose": ReadPurpose.SUPERVISION,
        },
    )
    assert grant.status_code == 404
    assert client.get(detail).status_code == 404
    file_url = reverse("cases:attachment-file", args=[restricted.pk, attachment.pk])
    assert client.get(file_url).status_code == 404
    note = client.post(reverse("cases:note-add", args=[restricted.pk]), {"text": "x"})
    assert note.status_code == 404
    assert not _access_entries(restricted).exists()


def test_an_unrestricted_case_is_seen_by_the_office_head_and_other_counsellors(
    client, outsiders, make_case
):
    case = make_case(narrative="Gaji tidak dibayar.")
    assert not case.is_restricted
    for who in ("unassigned counsellor", "office head"):
        client.force_login(outsiders[who])
        listing = client.get(reverse("cases:case-list"), {"q": case.number})
        assert case.number in listing.content.decode()
        assert CLIENT_NAME in listing.content.decode()
        assert client.get(reverse("cases:case-detail", args=[case.pk])).status_code == 200
    for who in ("other office counsellor", "other office supervisor"):
        client.force_login(outsiders[who])
        refused = client.get(reverse("cases:case-detail", args=[case.pk]))
        assert refused.status_code == 404
        assert case.number not in refused.content.decode()
        assert CLIENT_NAME not in refused.content.decode()


@pytest.mark.parametrize("who", ["assigned counsellor", "supervisor"])
def test_restricted_case_is_read_by_its_case_worker_and_supervisor_with_a_logged_purpose(
    client, restricted, counsellor, supervisor, who
):
    user = counsellor if who == "assigned counsellor" else supervisor
    client.force_login(user)
    url = reverse("cases:case-detail", args=[restricted.pk])

    prompt = client.get(url)
    assert prompt.status_code == 200
    assert "core/read_purpose.html" in [t.name for t in prompt.templates]
    assert NARRATIVE not in prompt.content.decode()
    assert not _access_entries(restricted).exists()

    page = _read(client, restricted, ReadPurpose.SUPERVISION)
    assert page.status_code == 200
    assert NARRATIVE in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"
    entries = list(_access_entries(restricted))
    assert len(entries) == 1
    assert entries[0].actor == user
    assert entries[0].additional_data == {
        "purpose": ReadPurpose.SUPERVISION,
        "case_work": True,
    }
    assert prompt.context["form"].initial == {"purpose": ReadPurpose.CASE_HANDLING}

    # Every further read of the page is logged again, with the purpose given.
    client.get(url)
    assert _access_entries(restricted).count() == 2


def test_a_purpose_in_the_address_is_not_the_readers_choice(client, restricted, counsellor):
    """A link carrying `?purpose=` would log a purpose the reader never chose: the page asks."""
    client.force_login(counsellor)
    url = reverse("cases:case-detail", args=[restricted.pk])
    response = client.get(url, {"purpose": ReadPurpose.LEGAL})
    assert purpose_form.is_purpose_page(response)
    assert NARRATIVE not in response.content.decode()
    assert not _access_entries(restricted).exists()


def test_an_unknown_purpose_shows_the_prompt_again_and_logs_nothing(client, restricted, counsellor):
    client.force_login(counsellor)
    url = reverse("cases:case-detail", args=[restricted.pk])
    response = purpose_form.answer(client, client.get(url), "curiosity")
    assert response.status_code == 422
    assert purpose_form.is_purpose_page_with_errors(response)
    assert NARRATIVE not in response.content.decode()
    assert purpose_form.is_purpose_page(client.get(url))
    assert not _access_entries(restricted).exists()


def test_lists_of_those_who_may_see_it_show_the_number_but_never_name_or_narrative(
    client, restricted, counsellor, supervisor
):
    for user, pages in (
        (counsellor, ("cases:case-list", "cases:my-cases")),
        (supervisor, ("cases:case-list", "cases:team-cases")),
    ):
        client.force_login(user)
        for name in pages:
            html = client.get(reverse(name)).content.decode()
            assert restricted.number in html, name
            assert CLIENT_NAME not in html, name
            assert NARRATIVE not in html, name
        search = client.get(reverse("cases:case-list"), {"q": restricted.number[-4:]})
        assert restricted.number in search.content.decode()
    assert not _access_entries(restricted).exists()


def test_attachment_of_a_restricted_case_is_downloaded_only_after_a_purpose_and_logged(
    client, restricted, counsellor
):
    upload = SimpleUploadedFile("x.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    attachment = services.upload_attachment(
        case=restricted, by=counsellor, title="Visum et repertum", file=upload
    )
    client.force_login(counsellor)
    url = reverse("cases:attachment-file", args=[restricted.pk, attachment.pk])
    first = client.get(url)
    assert purpose_form.is_purpose_page(first)

    download = purpose_form.read(client, url, ReadPurpose.CASE_HANDLING)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert "Visum" not in download["Content-Disposition"]
    # The read is logged on the case (the attachment's subject), naming the attachment.
    logged = _access_entries(restricted)
    assert list(logged.values_list("additional_data", flat=True)) == [
        {
            "purpose": ReadPurpose.CASE_HANDLING,
            "read": f"caseattachment #{attachment.pk}",
            "case_work": True,
        }
    ]
