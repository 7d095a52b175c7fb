"""The calling screen: a device the office head paired (no sign-in), its tiles and the strip of
the last calls. Pairing itself is tested in test_pairing.py."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from satuatap.core.roles import Role
from satuatap.frontdesk import devices
from satuatap.frontdesk.models import Device
from satuatap.frontdesk.services import call_next, call_ticket, check_in
from tests.factories import DeskFactory, PersonFactory, pair_device

pytestmark = pytest.mark.django_db

PAGE = "/display/"
NOW = "/display/now/"


@pytest.fixture
def head(make_user):
    return make_user(Role.OFFICE_HEAD, language="en")


@pytest.fixture
def screen(head, office, client, desks):
    """The paired calling screen of the office; `client` is its browser (the credential in its
    cookie)."""
    device, raw = pair_device(office=office, kind=Device.Kind.CALLING_SCREEN, by=head)
    client.cookies[devices.DEVICE_COOKIE] = raw
    return device


@pytest.fixture
def officer(make_user, desks):
    return make_user(Role.DESK_OFFICER, desk=desks["ketenagakerjaan"])


def _issue(frontdesk, service, person=None):
    return check_in(
        by=frontdesk, services=[service], person=person or PersonFactory()
    ).tickets.get()


def _recent(body: str) -> list[str]:
    strip = body[body.index('data-testid="recent-calls"') :]
    return re.findall(r'class="recent-code">([^<]+)<', strip)


def test_the_addresses_are_short():
    assert reverse("public:display") == PAGE and reverse("public:display-now") == NOW


def test_calling_screen_shows_the_latest_call_per_desk_without_signing_in(
    client, screen, frontdesk, officer, services, desks, office
):
    for _ in range(3):
        _issue(frontdesk, services["registration"])
    labour = desks["ketenagakerjaan"]
    for _ in range(3):
        call_next(desk=labour, by=officer)

    response = client.get(PAGE)

    assert response.status_code == 200
    body = response.content.decode()
    assert office.name in body
    assert 'data-testid="desk-A-code"><span class="tile-code-text">A-003<' in body
    assert _recent(body) == ["A-003", "A-002", "A-001"]
    assert 'hx-trigger="every 1s"' in body
    assert NOW in body
    assert "chime.wav" in body
    # Every active desk has its tile, called at or not; no session, no CSRF token.
    assert 'data-testid="desk-E-code"' in body
    assert "csrfmiddlewaretoken" not in body and "X-CSRFToken" not in body
    assert "no-store" in response["Cache-Control"]
    # The only cookie is the device's own credential, set again so that it lasts.
    assert set(response.cookies) == {devices.DEVICE_COOKIE}
    assert response.cookies[devices.DEVICE_COOKIE]["httponly"]


def test_the_strip_shows_the_last_five_calls_of_every_desk_newest_first_with_desk_names(
    client, screen, frontdesk, make_user, services, desks
):
    immigration = make_user(Role.DESK_OFFICER, desk=desks["keimigrasian"], username="imi")
    labour = make_user(Role.DESK_OFFICER, desk=desks["ketenagakerjaan"], username="labour")
    for _ in range(4):
        _issue(frontdesk, services["registration"])
        _issue(frontdesk, services["passport"])
    order = []
    for _ in range(4):
        order.append(call_next(desk=labour.desk, by=labour).code)
        order.append(call_next(desk=immigration.desk, by=immigration).code)

    body = client.get(NOW).content.decode()

    assert _recent(body) == order[::-1][:5]
    assert 'class="recent-desk">Loket E · Keimigrasian<' in body
    # Calling again brings a ticket back to the front of the strip.
    call_ticket(ticket=labour.desk.tickets.get(number=1), by=labour)
    assert _recent(client.get(NOW).content.decode())[0] == "A-001"


def test_fragment_is_small_uncached_and_carries_a_state(
    client, screen, frontdesk, officer, services
):
    _issue(frontdesk, services["registration"])
    empty = client.get(NOW)
    call_next(desk=officer.desk, by=officer)

    response = client.get(NOW)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert b"<html" not in response.content and b"<script" not in response.content
    assert b"A-001" in response.content
    assert len(response.content) < 4000
    assert response["X-Display-State"] != empty["X-Display-State"]
    assert not response.cookies


def test_call_again_changes_the_tile_so_the_screen_chimes_again(
    client, screen, frontdesk, officer, services
):
    _issue(frontdesk, services["registration"])
    ticket = call_next(desk=officer.desk, by=officer)
    before = client.get(NOW)

    call_ticket(ticket=ticket, by=officer)
    after = client.get(NOW)

    def call_key(response):
        pattern = rf'data-desk="{officer.desk_id}" data-call="([^"]+)"'
        return re.search(pattern, response.content.decode()).group(1)

    assert call_key(before) != call_key(after)
    assert before["X-Display-State"] != after["X-Display-State"]


def test_a_screen_for_some_desks_shows_only_those(
    client, office, head, frontdesk, officer, services, desks
):
    device, raw = pair_device(
        office=office,
        kind=Device.Kind.CALLING_SCREEN,
        by=head,
        name="TV lantai 2",
        desks=[desks["keimigrasian"]],
    )
    client.cookies[devices.DEVICE_COOKIE] = raw
    _issue(frontdesk, services["registration"])
    call_next(desk=officer.desk, by=officer)

    body = client.get(NOW).content.decode()

    assert 'data-testid="desk-E-code"' in body
    assert 'data-testid="desk-A-code"' not in body and "A-001" not in body


def test_calling_screen_never_shows_personal_data(client, screen, frontdesk, officer, services):
    person = PersonFactory(full_name="Siti Rahmawati Kusumadewi", nik="3209014403950001")
    _issue(frontdesk, services["registration"], person=person)
    call_next(desk=officer.desk, by=officer)

    for url in (PAGE, NOW):
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

    assert b"A-001" not in client.get(NOW).content


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
        response = client.get(NOW)

    body = response.content.decode()
    assert 'data-testid="desk-A-code"><span class="tile-code-text">A-012<' in body
    assert 'data-testid="desk-E-code"><span class="tile-code-text">E-012<' in body
    assert len(_recent(body)) == 5
