"""The offline page, its service worker and manifest (outreach/offline/views.py), and the
sync report's place in the retention schedule."""

from __future__ import annotations

import json
import uuid

import pytest
from django.urls import reverse

from satuatap.core.roles import Role
from satuatap.outreach import services
from satuatap.outreach.models import OfflineSyncConflict
from satuatap.outreach.offline import services as offline

pytestmark = pytest.mark.django_db


def _config(page) -> dict:
    html = page.content.decode()
    start = html.index('id="offline-config" type="application/json">') + len(
        'id="offline-config" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def test_the_outreach_worker_gets_the_event_form_and_no_contact_form(
    client, outreach_worker, village, settings
):
    settings.OUTREACH_OFFLINE_DAYS = 5
    client.force_login(outreach_worker)

    page = client.get(reverse("outreach:offline-app"))

    html = page.content.decode()
    config = _config(page)
    assert page.status_code == 200 and page["Cache-Control"].startswith("max-age=0")
    assert 'data-testid="offline-event-form"' in html and village.code in html
    assert config["eventsUrl"] == "/api/v1/outreach/sync" and config["contactsUrl"] == ""
    assert config["contactFormUrl"] == "" and config["days"] == 5
    assert "contact-form-slot" not in html


def test_a_counsellor_gets_both_and_the_page_is_in_her_language(client, counsellor):
    client.force_login(counsellor)

    page = client.get(reverse("outreach:offline-app"))

    config = _config(page)
    assert config["contactsUrl"] == "/api/v1/contacts/sync"
    assert config["contactFormUrl"] == "/mrc/contacts/offline-form/"
    assert "Simpan di ponsel ini" in page.content.decode()


@pytest.mark.parametrize("role", [Role.FRONTDESK, Role.DESK_OFFICER, Role.PLACEMENT_OFFICER])
def test_who_records_neither_is_refused(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("outreach:offline-app")).status_code == 403


def test_the_service_worker_is_scoped_to_the_page_and_keeps_no_sign_in_page(client):
    response = client.get(reverse("outreach:offline-worker"))

    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert reverse("outreach:offline-worker").rsplit("/", 1)[0] + "/" == "/outreach/offline/"
    assert '"/outreach/offline/"' in body and "outreach/offline/app.js" in body
    assert "response.redirected" in body
    assert "/api/" not in body


def test_the_manifest_installs_the_page(client):
    manifest = client.get(reverse("outreach:offline-manifest")).json()

    assert manifest["start_url"] == manifest["scope"] == "/outreach/offline/"
    assert manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    assert manifest["name"] == "Pencatatan lapangan SatuAtap"


def test_the_sync_report_goes_with_the_events_named_participants(
    outreach_worker, village, event_day
):
    typed = offline.OfflineParticipant(full_name="Dewi", sex="F", nik="3209014508950003")
    (result,) = offline.sync_events(
        by=outreach_worker,
        records=[
            offline.OfflineEvent(
                offline_id=uuid.uuid4(),
                village=village.code,
                date=event_day,
                kind="socialisation",
                title="Sosialisasi",
                counts=[("F", "25-39", 3)],
                participants=[typed, typed],
            )
        ],
    )
    assert OfflineSyncConflict.objects.count() == 1

    services.remove_named_participants([result.event.pk])

    assert not OfflineSyncConflict.objects.exists()
    assert not result.event.participants.exists() and result.event.counts.exists()
