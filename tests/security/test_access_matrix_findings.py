"""The defects the access matrix found, each pinned by a small test of its own."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.template.loader import render_to_string
from django.urls import reverse

from satuatap.cases import services as cases
from satuatap.cases.models import CaseNote, SharedItem
from satuatap.core.roles import Role
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(make_user, office):
    counsellor = make_user(Role.COUNSELLOR)
    client = PersonFactory(office=office, full_name="Siti Rahayu")
    return cases.open_case(by=counsellor, client=client, channel="walk_in", categories=["wages"])


def test_audit_trail_shows_a_change_of_a_field_called_items(client, administrator, case, partner):
    # The template language read `changes_dict.items` as the key "items": a 500 for every
    # audit page holding a case consent.
    counsellor = case.assignments.get().worker
    cases.record_consent(
        case=case,
        by=counsellor,
        recipient=partner,
        items=[SharedItem.IDENTITY],
        given_on=case.office.today(),
        method="signed",
    )
    client.force_login(administrator)
    response = client.get(reverse("core:audit-trail"))
    assert response.status_code == 200
    # The trail withholds a consent's values (core.audit); where values are shown, a field
    # called `items` is one row like any other.
    entry = LogEntry.objects.get(content_type__model="caseconsent")
    html = render_to_string(
        "core/_audit_rows.html", {"page": [entry], "with_values": {entry.pk}, "query": ""}
    )
    assert "<code>items</code>" in html


def test_anonymous_visitor_of_the_audit_trail_is_sent_to_sign_in(client):
    response = client.get(reverse("core:audit-trail"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_superuser_gets_only_what_the_rules_give_their_roles(make_user, ministry, case):
    admin = make_user(Role.ADMINISTRATOR, organisation=ministry, is_staff=True, is_superuser=True)
    assert not admin.has_perm("people.list_person")
    assert not admin.has_perm("cases.view_case", case)
    assert not admin.has_perm("placement.view_job_orders")
    assert admin.has_perm("placement.manage_checklist_rules")  # an administrator's own rule
    assert admin.has_perm("placement.change_agency")  # a model permission: the admin site


@pytest.mark.parametrize("path", ["/api/v1/people", "/api/v1/offices"])
def test_a_partner_case_worker_is_refused_the_people_and_office_lists(
    client, make_user, partner, path
):
    client.force_login(make_user(Role.PARTNER_CASEWORKER, organisation=partner))
    response = client.get(path)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_office_head_posting_a_note_is_refused_before_the_form_is_read(client, make_user, case):
    client.force_login(make_user(Role.OFFICE_HEAD))
    response = client.post(reverse("cases:note-add", args=[case.pk]), {})
    assert response.status_code == 403
    assert not CaseNote.objects.exists()


def test_a_counsellor_cannot_assign_or_decide_closure(client, make_user, case):
    other = make_user(Role.COUNSELLOR)
    client.force_login(case.assignments.get().worker)

    def state():
        return (
            type(case).objects.filter(pk=case.pk).values().get(),
            list(case.assignments.order_by("pk").values()),
            list(case.events.order_by("pk").values_list("kind", flat=True)),
        )

    before = state()
    body = {"worker": other.pk, "decision": "approve", "approve": "1", "note": "x"}
    for name in ("cases:case-assign", "cases:closure-decide"):
        response = client.post(reverse(name, args=[case.pk]), body)
        assert response.status_code == 403, name
        assert "403.html" in [t.name for t in response.templates], name
    assert state() == before
