"""Outreach pages: wiring, the count grid, downloads, and a permission matrix generated from the
URL resolver (a new page nobody added here fails)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse

from satuatap.core.roles import OFFICE_ROLES, Role
from satuatap.outreach import services
from satuatap.outreach.forms import EventForm
from satuatap.outreach.models import (
    AgeBand,
    EventKind,
    OfflineSyncConflict,
    OutreachEvent,
    SyncConflictKind,
    SyncResolution,
    VillageRegulation,
)
from satuatap.people import services as people_services
from satuatap.people.models import Sex
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MANAGERS = {Role.OUTREACH_WORKER, Role.OFFICE_HEAD, Role.COUNSELLOR, Role.CASE_SUPERVISOR}


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def records(event, outreach_worker, office, village):
    person = PersonFactory(office=office, village=village)
    services.add_participant(event=event, person=person, by=outreach_worker)
    follow_up = services.record_follow_up(
        event=event, person=person, came_on=event.date, by=outreach_worker
    )
    point = services.add_focal_point(
        by=outreach_worker, village=village, name="Sumarni", since=event.date
    )
    regulation = services.upload_regulation(
        by=outreach_worker,
        village=village,
        number="3 Tahun 2021",
        date=datetime.date(2021, 6, 1),
        title="Perlindungan PMI",
        file=SimpleUploadedFile("p.pdf", PDF),
    )
    conflict = OfflineSyncConflict.objects.create(
        office=office,
        event=event,
        person=person,
        kind=SyncConflictKind.SAME_IN_EVENT,
        resolution=SyncResolution.NAMED_ONCE,
        entered='{"full_name": "Sumarni"}',
        recorded_by=outreach_worker,
    )
    return {
        "conflict_id": conflict.pk,
        "event_id": event.pk,
        "follow_up_id": follow_up.pk,
        "focal_point_id": point.pk,
        "regulation_id": regulation.pk,
        "code": village.code,
    }


def _outreach_urls(ids: dict) -> list[tuple[str, str]]:
    resolver = get_resolver()
    prefix, namespace = resolver.namespace_dict["outreach"]
    urls = []
    for pattern in namespace.url_patterns:
        route = str(pattern.pattern)
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), route)
        urls.append((f"outreach:{pattern.name}", "/outreach/" + path))
    return urls


# Who may open which page, exactly: tests/security/access_matrix.py. These take a POST only.
POST_ONLY = {
    "outreach:participant-add",
    "outreach:participant-remove",
    "outreach:follow-up-add",
    "outreach:follow-up-delete",
    "outreach:focal-point-end",
    "outreach:sync-conflict-review",
}
# Pages that show only the caller's own office's data, with no record in the URL.
OWN_OFFICE_PAGES = {
    "outreach:event-list",
    "outreach:village-list",
    "outreach:event-create",
    "outreach:offline-app",
    "outreach:sync-conflicts",
}
# Public and the same for everyone, GET only (the offline page's service worker and manifest).
PUBLIC_PAGES = {"outreach:offline-worker", "outreach:offline-manifest"}


def _outreach_rows() -> dict[str, list[dict]]:
    """Every row of every outreach table, to tell that nothing changed."""
    config = apps.get_app_config("outreach")
    return {m._meta.label: list(m.objects.order_by("pk").values()) for m in config.get_models()}


@pytest.mark.parametrize("role", sorted(OFFICE_ROLES))
def test_another_office_cannot_post_to_any_page(client, make_user, records, other_office, role):
    client.force_login(make_user(role, organisation=other_office))
    before = _outreach_rows()
    for name, url in _outreach_urls(records):
        if name in OWN_OFFICE_PAGES or name in PUBLIC_PAGES:
            continue
        response = client.post(url, {"person": 1})
        assert response.status_code == 404, name
        assert "Sumarni" not in response.content.decode(), name
    assert _outreach_rows() == before


def test_frontdesk_reads_but_cannot_change(client, make_user, records):
    client.force_login(make_user(Role.FRONTDESK))
    page = client.get(reverse("outreach:event-detail", args=[records["event_id"]]))
    assert page.status_code == 200
    assert reverse("outreach:event-edit", args=[records["event_id"]]) not in page.content.decode()
    before = _outreach_rows()
    for name, url in _outreach_urls(records):
        if name in POST_ONLY:
            assert client.post(url, {"person": 1, "until": "2026-01-01"}).status_code == 403, name
    assert _outreach_rows() == before
    download = client.get(reverse("outreach:regulation-file", args=[records["regulation_id"]]))
    assert download.status_code == 200
    body = b"".join(download.streaming_content) if download.streaming else download.content
    assert body == PDF


def _grid_data(cells: dict[tuple[str, str], int]) -> dict:
    return {EventForm.count_name(sex, band): value for (sex, band), value in cells.items()}


def test_recording_an_event_through_the_form(client, outreach_worker, village, partner, office):
    client.force_login(outreach_worker)
    page = client.get(reverse("outreach:event-create"))
    assert page.status_code == 200
    assert 'data-testid="count-grid"' in page.content.decode()
    day = office.today() - datetime.timedelta(days=2)
    data = {
        "village": village.code,
        "date": day.isoformat(),
        "kind": EventKind.SOCIALISATION,
        "title": "Sosialisasi di balai desa",
        "topics": ["safe_migration", "fees"],
        "partners": [partner.pk],
        "materials": "Leaflet",
        **_grid_data({(Sex.FEMALE, AgeBand.ADULT): 10, (Sex.MALE, AgeBand.YOUNG): 4}),
    }
    response = client.post(reverse("outreach:event-create"), data)
    event = OutreachEvent.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("outreach:event-detail", args=[event.pk])
    assert event.topics == ["safe_migration", "fees"]
    assert list(event.partners.all()) == [partner]
    detail = client.get(response.url)
    assert b'data-testid="event-total">14<' in detail.content


def test_form_without_any_count_says_so(client, outreach_worker, village, office):
    client.force_login(outreach_worker)
    data = {
        "village": village.code,
        "date": office.today().isoformat(),
        "kind": EventKind.TRAINING,
        "title": "X",
        **_grid_data({(Sex.FEMALE, AgeBand.ADULT): -2}),
    }
    response = client.post(reverse("outreach:event-create"), data)
    assert response.status_code == 200
    assert not OutreachEvent.objects.exists()
    data.update(_grid_data({(Sex.FEMALE, AgeBand.ADULT): 0}))
    outreach_worker.language = "en"  # the message is checked in English
    outreach_worker.save(update_fields=["language"])
    response = client.post(reverse("outreach:event-create"), data)
    assert "Count at least one participant" in response.content.decode()


def test_form_refuses_a_village_of_another_regency(client, outreach_worker, other_village, office):
    client.force_login(outreach_worker)
    data = {
        "village": other_village.code,
        "date": office.today().isoformat(),
        "kind": EventKind.TRAINING,
        "title": "X",
        **_grid_data({(Sex.FEMALE, AgeBand.ADULT): 2}),
    }
    response = client.post(reverse("outreach:event-create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["village"]
    assert not OutreachEvent.objects.exists()


def test_editing_shows_the_stored_counts(client, outreach_worker, event):
    client.force_login(outreach_worker)
    page = client.get(reverse("outreach:event-edit", args=[event.pk]))
    form = page.context["form"]
    assert form[EventForm.count_name(Sex.FEMALE, AgeBand.ADULT)].value() == 12


def test_event_list_filters_by_village_and_period(
    client, outreach_worker, event, second_village, django_assert_max_num_queries
):
    for index in range(30):
        services.create_event(
            by=outreach_worker,
            village=second_village,
            date=event.date - datetime.timedelta(days=40 + index),
            kind=EventKind.TRAINING,
            title=f"Pelatihan {index}",
            counts=[(Sex.MALE, AgeBand.ADULT, 2)],
        )
    client.force_login(outreach_worker)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("outreach:event-list"))
    assert response.context["event_count"] == 31
    response = client.get(reverse("outreach:event-list"), {"village": event.village_id})
    assert [e.pk for e in response.context["events"]] == [event.pk]
    assert response.context["totals"]["total"] == 27
    response = client.get(
        reverse("outreach:event-list"),
        {"date_from": (event.date - datetime.timedelta(days=45)).isoformat()},
    )
    assert response.context["event_count"] == 1 + 6


def test_naming_a_participant_and_confirming_a_suggested_follow_up(
    client, outreach_worker, event, office
):
    person = people_services.register_person(
        by=outreach_worker, full_name="Sulastri Wahyuni", sex=Sex.FEMALE
    )
    client.force_login(outreach_worker)
    hits = client.get(reverse("outreach:event-detail", args=[event.pk]), {"q": "Sulastri"})
    assert "Sulastri Wahyuni" in hits.content.decode()
    client.post(reverse("outreach:participant-add", args=[event.pk]), {"person": person.pk})
    assert list(event.participants.all()) == [person]
    # PersonFactory registered the person today, after the event: a suggestion.
    page = client.get(reverse("outreach:event-detail", args=[event.pk]))
    [row] = page.context["follow_ups"]
    assert not row.is_recorded
    client.post(
        reverse("outreach:follow-up-add", args=[event.pk]),
        {"person": person.pk, "came_on": row.came_on.isoformat(), "note": "ok"},
    )
    assert event.follow_ups.get().person == person


def test_village_page_lists_records_and_profile_link_only_when_it_exists(
    client, outreach_worker, records
):
    client.force_login(outreach_worker)
    page = client.get(reverse("outreach:village-detail", args=[records["code"]]))
    content = page.content.decode()
    assert "Sumarni" in content and "3 Tahun 2021" in content
    try:
        reverse("reports:village-profile", args=[records["code"]])
    except Exception:  # noqa: BLE001 - the reports app may not offer it yet
        assert page.context["profile_url"] is None
    else:
        assert page.context["profile_url"]


def test_village_outside_the_area_is_not_found(client, outreach_worker, other_village):
    client.force_login(outreach_worker)
    response = client.get(reverse("outreach:village-detail", args=[other_village.code]))
    assert response.status_code == 404
    assert other_village.name not in response.content.decode()
    response = client.get(reverse("outreach:village-detail", args=["32.09"]))
    assert response.status_code == 404
    assert "village" not in (response.context or {})  # a regency: no village page drawn


def test_focal_point_add_and_end_through_the_pages(client, outreach_worker, village, office):
    client.force_login(outreach_worker)
    since = office.today() - datetime.timedelta(days=5)
    response = client.post(
        reverse("outreach:focal-point-add", args=[village.code]),
        {"name": "Karsudi", "phone": "0812 3456 7890", "since": since.isoformat()},
    )
    assert response.status_code == 302
    point = village_point = office.village_focal_points.get()
    assert village_point.phone == "+6281234567890"
    client.post(
        reverse("outreach:focal-point-end", args=[point.pk]), {"until": office.today().isoformat()}
    )
    point.refresh_from_db()
    assert point.until == office.today()


def test_regulation_upload_page_refuses_html_and_download_is_safe(client, outreach_worker, village):
    client.force_login(outreach_worker)
    url = reverse("outreach:regulation-upload", args=[village.code])
    data = {"number": "1 Tahun 2020", "date": "2020-03-01", "title": "Perlindungan PMI"}
    html = SimpleUploadedFile(
        "perdes.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"
    )
    response = client.post(url, {**data, "file": html})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not VillageRegulation.objects.exists()

    response = client.post(url, {**data, "file": SimpleUploadedFile("scan.pdf", PDF)})
    assert response.status_code == 302
    regulation = VillageRegulation.objects.get()
    download = client.get(reverse("outreach:regulation-file", args=[regulation.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF


def test_home_page_shows_the_outreach_tile_to_office_staff(client, make_user, analyst):
    client.force_login(make_user(Role.FRONTDESK))
    urls = {action["url"] for action in client.get(reverse("home")).context["actions"]}
    assert reverse("outreach:event-list") in urls
    client.force_login(analyst)
    urls = {action["url"] for action in client.get(reverse("home")).context["actions"]}
    assert reverse("outreach:event-list") not in urls


def test_village_list_queries_do_not_grow_with_villages(
    client, outreach_worker, event, django_assert_max_num_queries
):
    client.force_login(outreach_worker)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("outreach:village-list"), {"all": "1"})
    assert len(response.context["villages"]) == 100  # one page of the regency's 400+ villages
    with django_assert_max_num_queries(12):
        response = client.get(reverse("outreach:village-list"))
    assert [v.code for v in response.context["villages"]] == [event.village_id]


def test_event_detail_queries_do_not_grow_with_participants(
    client, outreach_worker, event, office, django_assert_max_num_queries
):
    for _ in range(10):
        person = PersonFactory(office=office)
        services.add_participant(event=event, person=person, by=outreach_worker)
        services.record_follow_up(
            event=event, person=person, came_on=event.date, by=outreach_worker
        )
    client.force_login(outreach_worker)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("outreach:event-detail", args=[event.pk]))
    assert len(response.context["follow_ups"]) == 10
