"""MRC contacts recorded offline on a phone (`POST /api/v1/contacts/sync`): each exactly once
however often the phone sends it, through `record_contact` (the online form's rules, permission
and audit), bad input changing nothing. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import uuid

import pytest
from auditlog.models import LogEntry

from satuatap.cases.models import Contact, GroupCount
from satuatap.core.roles import Role
from satuatap.core.services import issue_api_token

pytestmark = pytest.mark.django_db

URL = "/api/v1/contacts/sync"


def _contact(office, **changes) -> dict:
    body = {
        "id": str(uuid.uuid4()),
        "kind": "information",
        "channel": "outreach",
        "topic": "documents",
        "occurred_on": office.today().isoformat(),
        "sex": "F",
        "age_band": "25-39",
        "notes": "Menanyakan paspor.",
    }
    body.update(changes)
    return body


def _post(client, user, contacts, language=None):
    raw, _ = issue_api_token(user=user)
    headers = {"Authorization": f"Bearer {raw}"}
    if language:
        headers["Accept-Language"] = language
    response = client.post(
        URL, json.dumps({"contacts": contacts}), content_type="application/json", headers=headers
    )
    return response.status_code, response.json()


def _rows():
    return (
        list(Contact.objects.order_by("pk").values()),
        list(GroupCount.objects.order_by("pk").values()),
    )


def test_a_retried_sync_stores_each_contact_exactly_once(client, counsellor, office):
    contacts = [
        _contact(office),
        _contact(
            office,
            is_group=True,
            kind="information",
            topic="safe_migration",
            counts=[{"sex": "F", "age_band": "18-24", "count": 6}],
        ),
    ]

    status, first = _post(client, counsellor, contacts)
    _status, again = _post(client, counsellor, contacts)

    assert status == 200
    assert [r["status"] for r in first["contacts"]] == ["created", "created"]
    assert [r["status"] for r in again["contacts"]] == ["already_synced", "already_synced"]
    assert Contact.objects.count() == 2
    single = Contact.objects.get(is_group=False)
    assert (single.sex, single.age_band, single.channel, single.notes) == (
        "F",
        "25-39",
        "outreach",
        "Menanyakan paspor.",
    )
    assert single.recorded_by == counsellor and str(single.offline_id) == contacts[0]["id"]
    group = Contact.objects.get(is_group=True)
    assert [(c.sex, c.age_band, c.count) for c in group.counts.all()] == [("F", "18-24", 6)]
    entry = LogEntry.objects.get_for_object(single).get(action=LogEntry.Action.CREATE)
    assert entry.actor == counsellor
    assert "Menanyakan" not in json.dumps(entry.changes)


@pytest.mark.parametrize("role", [Role.OUTREACH_WORKER, Role.FRONTDESK, Role.OFFICE_HEAD])
def test_who_may_not_record_contacts_is_refused_in_their_language(client, make_user, office, role):
    user = make_user(role)
    before = _rows()

    status, body = _post(client, user, [_contact(office)])
    status_en, body_en = _post(client, user, [_contact(office)], language="en")

    assert status == status_en == 403
    assert body["code"] == body_en["code"] == "forbidden"
    assert body["message"] != body_en["message"]
    assert body_en["message"] == "You may not do this."
    assert _rows() == before


def test_a_contact_the_form_would_refuse_is_refused_alone(client, counsellor, office):
    future = _contact(office, occurred_on="2999-01-01")
    good = _contact(office)

    _status, answer = _post(client, counsellor, [future, good], language="en")

    refused, created = answer["contacts"]
    assert refused["status"] == "refused" and created["status"] == "created"
    assert refused["error"]["details"]["occurred_on"] == ["The date cannot be in the future."]
    assert Contact.objects.get().offline_id == uuid.UUID(good["id"])


def test_another_counsellors_record_id_is_refused(client, counsellor, make_user, office):
    record = _contact(office)
    _post(client, counsellor, [record])
    supervisor = make_user(Role.CASE_SUPERVISOR)

    _status, answer = _post(client, supervisor, [record])

    assert answer["contacts"][0]["error"]["code"] == "offline_id_taken"
    assert Contact.objects.count() == 1


@pytest.mark.parametrize(
    "bad",
    [
        {"contacts": [{"id": "x"}]},
        {"contacts": [{"id": str(uuid.uuid4()), "kind": "gossip", "topic": "documents"}]},
        {"contacts": None},
    ],
)
def test_a_malformed_batch_is_a_422_that_changes_nothing(client, counsellor, bad):
    raw, _ = issue_api_token(user=counsellor)
    before = _rows()
    response = client.post(
        URL,
        json.dumps(bad),
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 422
    assert _rows() == before


def test_the_offline_contact_form_fragment_has_no_registry_search(client, counsellor):
    client.force_login(counsellor)
    page = client.get("/mrc/contacts/offline-form/").content.decode()
    assert 'data-offline-form="contact"' in page
    assert 'name="occurred_on"' in page and 'name="count:F:25-39"' in page
    assert "hx-get" not in page and 'name="person"' not in page
