"""The calling screen (public, through a device link) and the office head's device links."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from satuatap.core.exceptions import DomainError
from satuatap.core.roles import Role
from satuatap.frontdesk import devices
from satuatap.frontdesk.models import DisplayLink
from satuatap.frontdesk.services import call_next, call_ticket, check_in
from tests.factories import DeskFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(make_user):
    return make_user(Role.OFFICE_HEAD, language="en")


@pytest.fixture
def screen(head, office):
    return devices.create_display_link(
        office=office, kind=DisplayLink.Kind.CALLING_SCREEN, name="TV ruang tunggu", by=head
    )


@pytest.fixture
def officer(make_user, desks):
    return make_user(Role.DESK_OFFICER, desk=desks["ketenagakerjaan"])


def _page(link):
    return reverse("public:display", args=[link.token])


def _now(link):
    return reverse("public:display-now", args=[link.token])


def _issue(frontdesk, service, person=None):
    return check_in(
        by=frontdesk, services=[service], person=person or PersonFactory()
    ).tickets.get()


# --- Calling screen -------------------------------------------------------------------------


def test_calling_screen_shows_the_latest_call_per_desk_without_signing_in(
    client, screen, frontdesk, officer, services, desks, office
):
    for _ in range(3):
        _issue(frontdesk, services["registration"])
    labour = desks["ketenagakerjaan"]
    for _ in range(3):
        call_next(desk=labour, by=officer)

    response = client.get(_page(screen))

    assert response.status_code == 200
    body = response.content.decode()
    assert office.name in body
    assert 'data-testid="desk-A-code">A-003<' in body
    assert "<li>A-002</li><li>A-001</li>" in body
    assert 'hx-trigger="every 1s"' in body
    assert _now(screen) in body
    assert "chime.wav" in body
    # Every active desk has its tile, called at or not; no session, no CSRF token.
    assert 'data-testid="desk-E-code"' in body
    assert "csrfmiddlewaretoken" not in body and "X-CSRFToken" not in body
    assert not response.cookies
    assert "no-store" in response["Cache-Control"]


def test_fragment_is_tiny_uncached_and_carries_a_state(
    client, screen, frontdesk, officer, services
):
    _issue(frontdesk, services["registration"])
    empty = client.get(_now(screen))
    call_next(desk=officer.desk, by=officer)

    response = client.get(_now(screen))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert b"<html" not in response.content and b"<script" not in response.content
    assert b"A-001" in response.content
    assert len(response.content) < 3000
    assert response["X-Display-State"] != empty["X-Display-State"]
    assert not response.cookies


def test_call_again_changes_the_tile_so_the_screen_chimes_again(
    client, screen, frontdesk, officer, services
):
    _issue(frontdesk, services["registration"])
    ticket = call_next(desk=officer.desk, by=officer)
    before = client.get(_now(screen))

    call_ticket(ticket=ticket, by=officer)
    after = client.get(_now(screen))

    def call_key(response):
        pattern = rf'data-desk="{officer.desk_id}" data-call="([^"]+)"'
        return re.search(pattern, response.content.decode()).group(1)

    assert call_key(before) != call_key(after)
    assert before["X-Display-State"] != after["X-Display-State"]


def test_calling_screen_never_shows_personal_data(client, screen, frontdesk, officer, services):
    person = PersonFactory(full_name="Siti Rahmawati Kusumadewi", nik="3209014403950001")
    _issue(frontdesk, services["registration"], person=person)
    call_next(desk=officer.desk, by=officer)

    for url in (_page(screen), _now(screen)):
        body = client.get(url).content.decode()
        assert "A-001" in body
        for secret in ("Siti", "Rahmawati", "Kusumadewi", person.nik):
            assert secret not in body


def test_other_offices_calls_are_not_shown(client, screen, other_office, make_user):
    from satuatap.frontdesk.models import Service

    desk = DeskFactory(office=other_office)
    Service.objects.create(
        office=other_office, desk=desk, name_id="Info", target_minutes=5, allows_anonymous=True
    )
    elsewhere = make_user(Role.FRONTDESK, organisation=other_office)
    officer = make_user(Role.DESK_OFFICER, organisation=other_office, desk=desk)
    check_in(by=elsewhere, services=list(Service.objects.filter(desk=desk)))
    call_next(desk=desk, by=officer)

    assert b"A-001" not in client.get(_now(screen)).content


def test_revoked_link_stops_working_at_the_next_poll(client, screen, head):
    assert client.get(_now(screen)).status_code == 200

    devices.revoke_display_link(link=screen, by=head)

    page = client.get(_page(screen))
    poll = client.get(_now(screen))
    assert page.status_code == 404
    assert poll.status_code == 404 and poll.content == b""
    assert "no-store" in poll["Cache-Control"]


def test_unknown_token_and_kiosk_link_do_not_open_the_calling_screen(client, head, office):
    kiosk = devices.create_display_link(
        office=office, kind=DisplayLink.Kind.EXIT_KIOSK, name="Tablet", by=head
    )
    for token in (kiosk.token, "not-a-token"):
        assert client.get(reverse("public:display", args=[token])).status_code == 404
        assert client.get(reverse("public:display-now", args=[token])).status_code == 404


def test_fragment_query_count_stays_small_with_many_tickets(
    client, screen, frontdesk, make_user, services, desks, django_assert_max_num_queries
):
    officers = {
        code: make_user(Role.DESK_OFFICER, desk=desk, username=f"officer-{code}")
        for code, desk in desks.items()
    }
    for n in range(60):
        service = [services["registration"], services["passport"], services["information"]][n % 3]
        _issue(frontdesk, service)
    for code, desk in desks.items():
        for _ in range(12):
            call_next(desk=desk, by=officers[code])

    with django_assert_max_num_queries(2):
        response = client.get(_now(screen))

    body = response.content.decode()
    assert 'data-testid="desk-A-code">A-012<' in body
    assert 'data-testid="desk-E-code">E-012<' in body
    assert body.count("<li>") == 3 * len(desks)


# --- Device links -----------------------------------------------------------------------------


def test_head_creates_a_calling_screen_link_and_sees_its_address(client, head, office):
    client.force_login(head)

    response = client.post(
        reverse("frontdesk:devices"), {"kind": "screen", "name": "TV ruang tunggu"}
    )

    assert response.status_code == 302
    link = DisplayLink.objects.get()
    assert (link.office, link.kind, link.name, link.created_by) == (
        office,
        "screen",
        "TV ruang tunggu",
        head,
    )
    assert len(link.token) >= 43
    page = client.get(reverse("frontdesk:devices")).content.decode()
    assert f"http://testserver{_page(link)}" in page


def test_head_revokes_a_link_and_its_address_is_no_longer_shown(client, head, screen):
    client.force_login(head)

    response = client.post(reverse("frontdesk:device-revoke", args=[screen.pk]))

    assert response.status_code == 302
    screen.refresh_from_db()
    assert screen.revoked_at is not None
    page = client.get(reverse("frontdesk:devices")).content.decode()
    assert "TV ruang tunggu" in page and screen.token not in page


def test_blank_name_is_refused(client, head):
    client.force_login(head)
    response = client.post(reverse("frontdesk:devices"), {"kind": "screen", "name": "  "})
    assert response.status_code == 200
    assert not DisplayLink.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.FRONTDESK, Role.DESK_OFFICER, Role.COUNSELLOR, Role.CASE_SUPERVISOR]
)
def test_only_the_office_head_manages_device_links(client, make_user, screen, role, desks):
    client.force_login(make_user(role))

    assert client.get(reverse("frontdesk:devices")).status_code == 403
    assert (
        client.post(reverse("frontdesk:devices"), {"kind": "screen", "name": "X"}).status_code
        == 403
    )
    assert client.post(reverse("frontdesk:device-revoke", args=[screen.pk])).status_code == 403
    screen.refresh_from_db()
    assert screen.revoked_at is None and DisplayLink.objects.count() == 1


def test_head_of_another_office_cannot_revoke_this_offices_link(
    client, make_user, other_office, screen
):
    client.force_login(make_user(Role.OFFICE_HEAD, organisation=other_office))
    response = client.post(reverse("frontdesk:device-revoke", args=[screen.pk]))
    assert response.status_code == 404
    screen.refresh_from_db()
    assert screen.revoked_at is None


def test_device_link_services_refuse_anyone_but_the_head(make_user, office, screen):
    officer = make_user(Role.FRONTDESK)
    with pytest.raises(DomainError):
        devices.create_display_link(office=office, kind="screen", name="TV", by=officer)
    with pytest.raises(DomainError):
        devices.revoke_display_link(link=screen, by=officer)
