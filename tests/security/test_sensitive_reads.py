"""Every route that returns sensitive data goes through the one sensitive-data policy
(`core.sensitive`), generated from the access matrix (every URL and every API operation).

The records of the access matrix are made sensitive — the ordinary case is restricted, its
client is a sensitive person, the referral shares everything with the partner — and each holds a
canary: a text that only a read of sensitive data can return (the narrative, a note, the safety
details, the client's address, an attachment's and a document's bytes). Then every route is
asked, as every role allowed on it, with a fresh session:

- an answer that holds a canary fails: it returned sensitive data without a purpose;
- the purpose page (or a 428 `purpose_required` from the API) is the gate: the purpose is given
  the way a user gives it (the one form posting to `core:read-purpose`; `?purpose=` in the API),
  and the route must then answer with an access entry written with that purpose, by that user.

A route added later that shows sensitive data without the gate fails here by name.
"""

from __future__ import annotations

import io
import re

import pytest
from auditlog.models import LogEntry
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from satuatap.cases.models import Case, CaseAttachment, Contact, Referral, SharedItem
from satuatap.core.two_factor import requires_two_factor
from satuatap.core.two_factor.services import mark_session_verified
from satuatap.people.models import Person, PersonDocument
from tests.otp import authenticator_of
from tests.security.access_matrix import ANONYMOUS, ENTRIES, Entry
from tests.security.access_matrix_records import build
from tests.security.test_access_matrix import send
from tests.transactions import fire_deferred_checks

pytestmark = pytest.mark.django_db

CANARY = "KENARI"
CANARIES = {
    "narrative": f"{CANARY}-CERITA",
    "safety": f"{CANARY}-KESELAMATAN",
    "recruiter": f"{CANARY}-CALO",
    "note": f"{CANARY}-CATATAN",
    "action": f"{CANARY}-TINDAKAN",
    "message": f"{CANARY}-PESAN",
    "address": f"{CANARY}-ALAMAT",
    "file": f"{CANARY}-BERKAS",
    "help": f"{CANARY}-BANTUAN",
}
CHOSEN_PURPOSE = "supervision"
# Routes that must be found behind the gate: if the canaries stop reaching them, the test
# proves nothing, so it says so.
MUST_BE_GATED = {
    "cases:case-detail",
    "cases:case-access-log",
    "cases:attachment-file",
    "cases:case-summary-pdf",
    "cases:referral-letter-pdf",
    "cases:partner-referral-detail",
    "cases:portal-request",
    "people:detail",
    "people:access-log",
    "people:edit",
    "people:export",
    "people:document-file",
    "GET /api/v1/cases/{case_id}",
    "GET /api/v1/partner/referrals/{referral_id}",
    "GET /api/v1/people/{person_id}",
    "GET /api/v1/people/{person_id}/access-log",
}


def _pdf_with(text: str) -> bytes:
    return b"%PDF-1.4\n% " + text.encode() + b"\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _make_sensitive(ids: dict) -> None:
    """Turn office A's matrix records into sensitive ones, each carrying a canary."""
    case = Case.objects.get(pk=ids["case"])
    Case.objects.filter(pk=case.pk).update(is_restricted=True)
    case.refresh_from_db()
    case.narrative = CANARIES["narrative"]
    case.safety_notes = CANARIES["safety"]
    case.recruiter = CANARIES["recruiter"]
    case.save(update_fields=["narrative", "safety_notes", "recruiter"])
    case.notes.create(text=CANARIES["note"], author=None)
    case.actions.update(description=CANARIES["action"])
    for action in case.actions.all():
        action.description = CANARIES["action"]
        action.save(update_fields=["description"])
    for attachment in CaseAttachment.objects.filter(case=case):
        attachment.file.save(attachment.file.name, io.BytesIO(_pdf_with(CANARIES["file"])))
    person = Person.objects.get(pk=ids["person"])
    person.address = CANARIES["address"]
    person.has_specific_data = True
    person.save(update_fields=["address", "has_specific_data"])
    document = PersonDocument.objects.get(pk=ids["document"])
    document.file.save(document.file.name, io.BytesIO(_pdf_with(CANARIES["file"])))
    referral = Referral.objects.get(pk=ids["referral"])
    referral.message = CANARIES["message"]
    referral.save(update_fields=["message"])
    consent = referral.consent
    consent.items = sorted(SharedItem.values)
    consent.save(update_fields=["items"])
    portal_contact = Contact.objects.get(pk=ids["portal_contact"])
    portal_contact.notes = CANARIES["help"]
    portal_contact.save(update_fields=["notes"])


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("sensitive-media"))
    media.enable()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        records = build()
        _make_sensitive(records.ids["own"])
        fire_deferred_checks()
    yield records
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
    media.disable()


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    if requires_two_factor(user):
        session = client.session
        mark_session_verified(session, authenticator_of(user))
        session.save()
    return client


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _text(response) -> str:
    data = _body(response)
    text = data.decode("utf-8", "replace")
    if data.startswith(b"%PDF") and CANARY not in text:
        from pypdf import PdfReader

        try:
            text += "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
        except Exception:  # noqa: BLE001 - a PDF pypdf cannot read is searched as bytes only
            pass
    return text


def _leaked(response) -> list[str]:
    text = _text(response)
    return sorted(name for name, canary in CANARIES.items() if canary in text)


def _is_purpose_page(response) -> bool:
    return response.status_code == 200 and 'data-testid="read-purpose-form"' in _text(response)


def _is_purpose_required(response) -> bool:
    if response.status_code != 428:
        return False
    return response.json().get("code") == "purpose_required"


def _give_purpose(client: Client, entry: Entry, ids: dict, gate_response):
    """Answer the gate as a user does, then ask again."""
    if entry.is_api:
        purposed = Entry(
            route=entry.route,
            allow=entry.allow,
            method=entry.method,
            params=entry.params,
            query=(entry.query + "&" if entry.query else "") + f"purpose={CHOSEN_PURPOSE}",
            body=entry.body,
        )
        return send(client, purposed, ids)
    page = _text(gate_response)
    subject = re.search(r'name="subject" value="([^"]+)"', page).group(1)
    next_url = re.search(r'name="next" value="([^"]+)"', page).group(1).replace("&amp;", "&")
    answer = client.post(
        reverse("core:read-purpose"),
        {"subject": subject, "next": next_url, "purpose": CHOSEN_PURPOSE},
    )
    assert answer.status_code == 302, f"the purpose form answered {answer.status_code}"
    assert answer["Location"] == next_url
    return send(client, entry, ids)


def _entries():
    for entry in ENTRIES:
        if entry.route == "admin:*" or not entry.allow - {ANONYMOUS}:
            continue
        yield pytest.param(entry, id=entry.key)


# A write's own refusal of empty input is its answer, once the purpose was given.
FORM_ANSWERS = {400, 409, 422}


def _ask(records, entry: Entry, role: str) -> tuple[bool, str | None]:
    """(whether the route was behind the gate, what is wrong — None when nothing)."""
    ids = records.ids["own"]
    user = records.users[role]
    client = _signed_in(user)
    with transaction.atomic():
        try:
            first = send(client, entry, ids)
            if not (_is_purpose_page(first) or _is_purpose_required(first)):
                leaked = _leaked(first)
                return False, f"{', '.join(leaked)} without a purpose" if leaked else None
            last = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            second = _give_purpose(client, entry, ids, first)
            purposes = [
                data.get("purpose")
                for data in LogEntry.objects.filter(
                    pk__gt=last, action=LogEntry.Action.ACCESS, actor=user
                ).values_list("additional_data", flat=True)
            ]
            status = second.status_code
            if _is_purpose_page(second) or (status >= 400 and status not in FORM_ANSWERS):
                return True, f"after the purpose it answered {status}"
            if status not in FORM_ANSWERS and CHOSEN_PURPOSE not in purposes:
                return True, "no access entry with the purpose given"
            return True, None
        finally:
            transaction.set_rollback(True)


@pytest.mark.parametrize("entry", list(_entries()))
def test_sensitive_data_only_behind_the_purpose_gate(world, entry):
    problems = []
    for role in sorted(entry.allow - {ANONYMOUS}):
        _gated, problem = _ask(world, entry, role)
        if problem:
            problems.append(f"as {role}: {problem}")
    assert problems == [], f"{entry.key}: " + "; ".join(problems)


@pytest.mark.parametrize("route", sorted(MUST_BE_GATED))
def test_the_routes_known_to_show_sensitive_data_are_behind_the_gate(world, route):
    """If the canaries stopped reaching these routes, the test above would prove nothing."""
    entry = next(e for e in ENTRIES if e.route == route and not e.variant)
    roles = sorted(entry.allow - {ANONYMOUS})
    gated = [role for role in roles if _ask(world, entry, role)[0]]
    assert gated, f"{route} asked no purpose of {roles}"


def test_the_canaries_are_where_the_gate_leads(world):
    """The gate is not empty: behind it, the canaries are there (else the test proves
    nothing)."""
    records = world
    ids = records.ids["own"]
    client = _signed_in(records.users["supervisor"])
    url = reverse("cases:case-detail", args=[ids["case"]])
    with transaction.atomic():
        gate = client.get(url)
        assert _is_purpose_page(gate)
        entry = next(e for e in ENTRIES if e.route == "cases:case-detail" and not e.variant)
        opened = _give_purpose(client, entry, ids, gate)
        assert {"narrative", "note", "safety"} <= set(_leaked(opened))
        transaction.set_rollback(True)
