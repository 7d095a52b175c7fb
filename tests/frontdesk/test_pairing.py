"""Pairing a calling screen or exit kiosk: the code the device shows, the office head's
confirmation, the device's credential, guessing, revocation and who may do what."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from satuatap.core.exceptions import DomainError
from satuatap.core.roles import OFFICE_ROLES, Role
from satuatap.frontdesk import devices
from satuatap.frontdesk.devices import selectors as device_selectors
from satuatap.frontdesk.devices import services as device_services
from satuatap.frontdesk.models import Device, DevicePairing, PairingFailure
from satuatap.frontdesk.qr import qr_svg
from satuatap.frontdesk.services import call_next, check_in
from tests.factories import DeskFactory, PersonFactory, pair_device

pytestmark = pytest.mark.django_db

SCREEN = Device.Kind.CALLING_SCREEN
KIOSK = Device.Kind.EXIT_KIOSK


@pytest.fixture
def head(make_user):
    return make_user(Role.OFFICE_HEAD, language="en")


@pytest.fixture
def other_head(make_user, other_office):
    return make_user(Role.OFFICE_HEAD, organisation=other_office, language="en")


def _confirm(pairing, *, by, office=None, kind=SCREEN, name="TV ruang tunggu", desks=()):
    return device_services.confirm_pairing(
        office=office or by.office, code=pairing.code, kind=kind, name=name, desks=desks, by=by
    )


def _code_on(response) -> str:
    match = re.search(r'data-testid="pairing-code"[^>]*>([A-Z0-9-]+)<', response.content.decode())
    assert match, "no pairing code on the page"
    return match.group(1)


# --- The code -----------------------------------------------------------------------------------


def test_a_code_is_eight_unambiguous_characters_valid_for_ten_minutes():
    before = timezone.now()
    secret, pairing = device_services.start_pairing(kind=SCREEN)

    assert len(pairing.code) == 8 and set(pairing.code) <= set(devices.CODE_ALPHABET)
    assert not set("01OIL") & set(devices.CODE_ALPHABET)
    assert timedelta(minutes=9) < pairing.expires_at - before <= timedelta(minutes=10, seconds=5)
    # Only a hash of the browser's secret is kept.
    assert pairing.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(DevicePairing.objects.values_list())


def test_codes_are_typed_loosely():
    assert devices.normalise_code(" k7qm-4txc ") == "K7QM4TXC"
    assert devices.format_code("K7QM4TXC") == "K7QM-4TXC"


def test_the_head_confirms_the_code_and_only_the_browser_that_showed_it_gets_the_credential(
    head, office
):
    secret, pairing = device_services.start_pairing(kind=SCREEN)
    other_secret, _other = device_services.start_pairing(kind=SCREEN)
    assert device_services.claim_device(secret=secret) is None  # not confirmed yet

    device = device_services.confirm_pairing(
        office=office,
        code=devices.format_code(pairing.code).lower(),
        kind=SCREEN,
        name="TV ruang tunggu",
        by=head,
    )

    assert (device.office, device.kind, device.created_by, device.token_hash) == (
        office,
        SCREEN,
        head,
        None,
    )
    assert device_services.claim_device(secret=other_secret) is None
    assert device_services.claim_device(secret="made-up") is None
    raw, claimed = device_services.claim_device(secret=secret)
    assert claimed == device
    device.refresh_from_db()
    assert device.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert device_selectors.paired_device(raw) == device
    assert device_selectors.paired_device("made-up") is None


def test_a_code_pairs_one_device_once(head, other_head, office):
    secret, pairing = device_services.start_pairing(kind=SCREEN)
    _confirm(pairing, by=head)

    # Neither the same head nor another office's head can confirm it again.
    for by in (head, other_head):
        with pytest.raises(DomainError) as error:
            _confirm(pairing, by=by)
        assert error.value.code == "invalid_code"
    assert device_services.claim_device(secret=secret) is not None
    assert device_services.claim_device(secret=secret) is None
    assert Device.objects.count() == 1


def test_an_expired_code_cannot_be_confirmed_and_the_device_shows_a_new_one(client, head, office):
    first = _code_on(client.get("/display/"))
    pairing = DevicePairing.objects.get()
    pairing.expires_at = timezone.now() - timedelta(seconds=1)
    pairing.save()

    with pytest.raises(DomainError) as error:
        _confirm(pairing, by=head)
    assert error.value.code == "invalid_code"
    assert client.get(reverse("public:device-pairing"))["HX-Refresh"] == "true"
    assert _code_on(client.get("/display/")) != first
    assert not Device.objects.exists()


def test_a_device_that_does_not_pick_its_credential_up_in_time_gets_nothing(head):
    secret, pairing = device_services.start_pairing(kind=SCREEN)
    device = _confirm(pairing, by=head)
    DevicePairing.objects.filter(pk=pairing.pk).update(
        confirmed_at=timezone.now() - timedelta(minutes=devices.PAIRING_MINUTES, seconds=1)
    )

    assert device_services.claim_device(secret=secret) is None
    device.refresh_from_db()
    assert device.token_hash is None


def test_a_flood_of_unpaired_browsers_cannot_fill_the_table(monkeypatch):
    monkeypatch.setattr(device_services, "MAX_WAITING_PAIRINGS", 3)
    for _n in range(3):
        device_services.start_pairing(kind=SCREEN)

    with pytest.raises(DomainError) as error:
        device_services.start_pairing(kind=SCREEN)
    assert error.value.status == 503
    # Codes long expired are cleared away, and room is made again.
    DevicePairing.objects.update(expires_at=timezone.now() - timedelta(hours=2))
    device_services.start_pairing(kind=SCREEN)
    assert DevicePairing.objects.count() == 1


# --- Wrong office, guessing, revocation --------------------------------------------------------


def test_a_head_cannot_show_another_offices_desks(head, other_office):
    elsewhere = DeskFactory(office=other_office)
    _secret, pairing = device_services.start_pairing(kind=SCREEN)

    with pytest.raises(DomainError) as error:
        _confirm(pairing, by=head, desks=[elsewhere])
    assert error.value.code == "unknown_desk"
    assert not Device.objects.exists()


def test_a_head_pairs_only_for_their_own_office(head, other_office):
    _secret, pairing = device_services.start_pairing(kind=SCREEN)
    with pytest.raises(DomainError) as error:
        _confirm(pairing, by=head, office=other_office)
    assert error.value.status == 403
    assert not Device.objects.exists()


def test_a_device_paired_by_another_office_shows_that_office_only(
    client, other_head, other_office, office, make_user, desks, services
):
    frontdesk = make_user(Role.FRONTDESK)
    officer = make_user(Role.DESK_OFFICER, desk=desks["ketenagakerjaan"])
    check_in(by=frontdesk, services=[services["registration"]], person=PersonFactory())
    call_next(desk=officer.desk, by=officer)
    DeskFactory(office=other_office)
    _device, raw = pair_device(office=other_office, kind=SCREEN, by=other_head)
    client.cookies[devices.DEVICE_COOKIE] = raw

    body = client.get("/display/").content.decode()

    assert other_office.name in body and office.name not in body
    assert "A-001" not in body


@pytest.mark.parametrize("role", sorted(OFFICE_ROLES - {Role.OFFICE_HEAD}))
def test_only_the_office_head_pairs_and_revokes(make_user, office, head, role, desks):
    user = make_user(role, desk=desks["ketenagakerjaan"] if role == Role.DESK_OFFICER else None)
    _secret, pairing = device_services.start_pairing(kind=SCREEN)
    device, _raw = pair_device(office=office, kind=SCREEN, by=head)

    with pytest.raises(DomainError):
        _confirm(pairing, by=user, office=office)
    with pytest.raises(DomainError):
        device_services.revoke_device(device=device, by=user)
    device.refresh_from_db()
    assert device.revoked_at is None and Device.objects.count() == 1


def test_guessing_codes_locks_pairing_for_the_head(head, other_head, office):
    _secret, pairing = device_services.start_pairing(kind=SCREEN)
    for n in range(devices.FAILURE_LIMIT):
        with pytest.raises(DomainError) as error:
            device_services.confirm_pairing(
                office=office, code=f"2222222{n + 2}", kind=SCREEN, name="TV", by=head
            )
    assert error.value.code == "too_many_attempts" and error.value.status == 429

    # Locked: even the right code is refused now, and nothing is paired.
    with pytest.raises(DomainError) as error:
        _confirm(pairing, by=head)
    assert error.value.code == "too_many_attempts"
    assert not Device.objects.exists()
    # Another head is not locked by it; the head is again once the window has passed.
    assert not device_selectors.pairing_is_locked(other_head)
    PairingFailure.objects.update(at=timezone.now() - devices.FAILURE_WINDOW)
    assert _confirm(pairing, by=head).office == office


def test_revoking_a_device_ends_its_access_at_its_next_request(client, head, office, desks):
    device, raw = pair_device(office=office, kind=SCREEN, by=head)
    client.cookies[devices.DEVICE_COOKIE] = raw
    assert client.get("/display/now/").status_code == 200

    device_services.revoke_device(device=device, by=head)

    poll = client.get("/display/now/")
    assert poll.status_code == 404 and poll.content == b""
    page = client.get("/display/")
    assert page.status_code == 200 and b'data-testid="pairing"' in page.content
    assert office.name.encode() not in page.content
    assert page.cookies[devices.DEVICE_COOKIE].value == ""  # the dead credential is dropped
    device.refresh_from_db()
    assert device.revoked_by == head and device.token_hash is None
    assert device_selectors.paired_device(raw) is None
    # Revoking twice keeps the first time.
    first = device.revoked_at
    assert device_services.revoke_device(device=device, by=head).revoked_at == first


def test_a_revoked_device_never_picks_its_credential_up(head):
    secret, pairing = device_services.start_pairing(kind=SCREEN)
    device = _confirm(pairing, by=head)
    device_services.revoke_device(device=device, by=head)
    assert device_services.claim_device(secret=secret) is None


def test_pairing_and_revocation_are_in_the_audit_trail_without_the_credential(
    client, head, office, desks
):
    client.force_login(head)
    anonymous = Client()
    code = _code_on(anonymous.get("/display/"))
    client.post(
        reverse("frontdesk:device-pair"),
        {
            "code": code,
            "kind": SCREEN,
            "name": "TV ruang tunggu",
            "desks": [desks["keimigrasian"].pk],
        },
    )
    anonymous.get("/display/")  # picks the credential up
    device = Device.objects.get()
    assert device.token_hash
    client.post(reverse("frontdesk:device-revoke", args=[device.pk]))

    entries = list(LogEntry.objects.get_for_object(device).order_by("timestamp", "pk"))
    create, revoke = entries[0], entries[-1]
    assert create.action == LogEntry.Action.CREATE and create.actor == head
    assert create.changes_dict["name"][1] == "TV ruang tunggu"
    assert revoke.action == LogEntry.Action.UPDATE and revoke.actor == head
    assert "revoked_at" in revoke.changes_dict
    assert any("desks" in entry.changes_dict or "desks" in str(entry.changes) for entry in entries)
    for entry in entries:
        assert "token_hash" not in entry.changes_dict
        assert "last_seen_at" not in entry.changes_dict


def test_last_seen_is_noted_at_most_once_a_minute(head, office, django_assert_num_queries):
    device, raw = pair_device(office=office, kind=SCREEN, by=head)
    Device.objects.filter(pk=device.pk).update(last_seen_at=timezone.now() - timedelta(hours=1))

    device_services.note_seen(device_selectors.paired_device(raw))
    device.refresh_from_db()
    assert device.last_seen_at > timezone.now() - timedelta(seconds=5)
    with django_assert_num_queries(0):  # seen less than a minute ago: nothing to write
        device_services.note_seen(device)


# --- The device's pages ------------------------------------------------------------------------


def test_an_unpaired_screen_shows_a_code_and_the_qr_code_of_the_heads_page(client):
    response = client.get("/display/")

    assert response.status_code == 200
    code = _code_on(response)
    pairing = DevicePairing.objects.get()
    assert code == devices.format_code(pairing.code) and pairing.kind == SCREEN
    pair_url = f"http://testserver/frontdesk/devices/pair/?code={pairing.code}&kind=screen"
    modules = re.search(r' d="([^"]+)"', str(qr_svg(pair_url))).group(1)
    assert f' d="{modules}"' in response.content.decode()
    cookie = response.cookies[devices.PAIRING_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert devices.DEVICE_COOKIE not in response.cookies
    assert 'hx-get="/device/pairing/"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    # A reload shows the same code; another browser gets another one.
    assert _code_on(client.get("/display/")) == code
    assert _code_on(Client().get("/display/")) != code
    assert DevicePairing.objects.count() == 2


def test_an_unpaired_kiosk_shows_a_code_for_a_kiosk(client):
    response = client.get("/kiosk/")
    assert response.status_code == 200 and _code_on(response)
    assert DevicePairing.objects.get().kind == KIOSK
    for page in ("/kiosk/thanks/", "/kiosk/survey/A-001/"):
        assert client.get(page)["Location"] == "/kiosk/"


def test_the_device_polls_then_opens_its_page_once_the_head_confirmed(client, head, office):
    code = _code_on(client.get("/display/"))
    poll = reverse("public:device-pairing")
    assert client.get(poll).status_code == 204
    _confirm(DevicePairing.objects.get(code=devices.normalise_code(code)), by=head)

    assert client.get(poll)["HX-Refresh"] == "true"
    page = client.get("/display/")

    assert page.status_code == 200 and b'id="calling-screen"' in page.content
    device = Device.objects.get()
    raw = page.cookies[devices.DEVICE_COOKIE].value
    assert device_selectors.paired_device(raw) == device
    assert page.cookies[devices.DEVICE_COOKIE]["max-age"] == devices.DEVICE_COOKIE_MAX_AGE
    assert page.cookies[devices.DEVICE_COOKIE]["httponly"]
    assert page.cookies[devices.PAIRING_COOKIE].value == ""
    assert client.get("/display/now/").status_code == 200


def test_the_poll_without_a_pairing_asks_for_a_reload_and_writes_nothing(client):
    response = client.get(reverse("public:device-pairing"))
    assert response.status_code == 200 and response["HX-Refresh"] == "true"
    assert not DevicePairing.objects.exists()


def test_each_kind_of_device_is_sent_to_its_own_page(client, head, office):
    _screen, screen_raw = pair_device(office=office, kind=SCREEN, by=head)
    _kiosk, kiosk_raw = pair_device(office=office, kind=KIOSK, by=head, name="Tablet")

    client.cookies[devices.DEVICE_COOKIE] = kiosk_raw
    assert client.get("/display/")["Location"] == "/kiosk/"
    assert client.get("/display/now/").status_code == 404
    assert client.get("/kiosk/").status_code == 200

    client.cookies[devices.DEVICE_COOKIE] = screen_raw
    assert client.get("/kiosk/")["Location"] == "/display/"
    assert client.get("/kiosk/thanks/")["Location"] == "/display/"


def test_a_device_credential_opens_no_staff_page(client, head, office):
    _device, raw = pair_device(office=office, kind=SCREEN, by=head)
    client.cookies[devices.DEVICE_COOKIE] = raw
    for url in ("/", "/frontdesk/devices/", "/frontdesk/desks/", "/people/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse(settings.LOGIN_URL))
    assert client.get("/api/v1/auth/me").status_code == 401


# --- The office head's pages -------------------------------------------------------------------


def test_the_qr_code_opens_the_pair_page_with_the_code_filled_in_and_nothing_looked_up(
    client, head
):
    client.force_login(head)
    _secret, pairing = device_services.start_pairing(kind=KIOSK)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            reverse("frontdesk:device-pair"), {"code": pairing.code, "kind": "kiosk"}
        )

    assert response.status_code == 200
    body = response.content.decode()
    assert f'value="{pairing.code}"' in body
    assert re.search(r'value="kiosk" checked', body)
    # The page cannot tell a real code from a made-up one: it never reads the codes.
    assert not any("frontdesk_devicepairing" in q["sql"] for q in queries.captured_queries)
    assert not PairingFailure.objects.exists()


def test_the_head_pairs_a_screen_for_two_desks_through_the_page(client, head, office, desks):
    client.force_login(head)
    code = _code_on(Client().get("/display/"))

    response = client.post(
        reverse("frontdesk:device-pair"),
        {
            "code": code.lower(),
            "kind": SCREEN,
            "name": "TV ruang tunggu",
            "desks": [desks["ketenagakerjaan"].pk, desks["keimigrasian"].pk],
        },
    )

    assert response.status_code == 302 and response["Location"] == reverse("frontdesk:devices")
    device = Device.objects.get()
    assert set(device.desks.all()) == {desks["ketenagakerjaan"], desks["keimigrasian"]}
    listing = client.get(reverse("frontdesk:devices")).content.decode()
    assert "TV ruang tunggu" in listing and "Not connected yet" in listing


def test_a_wrong_code_on_the_page_says_so_and_counts_against_the_head(client, head):
    client.force_login(head)
    url = reverse("frontdesk:device-pair")
    data = {"code": "ABCD-EFGH", "kind": SCREEN, "name": "TV"}

    response = client.post(url, data)

    assert response.status_code == 422
    assert "No device is waiting with this code" in response.content.decode()
    assert PairingFailure.objects.filter(user=head).count() == 1
    for _n in range(devices.FAILURE_LIMIT - 1):
        response = client.post(url, data)
    assert response.status_code == 429
    assert b'data-testid="pairing-locked"' in client.get(url).content


def test_a_blank_name_is_refused_without_counting_as_a_guess(client, head):
    client.force_login(head)
    _secret, pairing = device_services.start_pairing(kind=SCREEN)
    response = client.post(
        reverse("frontdesk:device-pair"), {"code": pairing.code, "kind": SCREEN, "name": "  "}
    )
    assert response.status_code == 200
    assert not Device.objects.exists() and not PairingFailure.objects.exists()


def test_the_list_shows_when_each_device_was_last_seen_and_revokes(client, head, office):
    client.force_login(head)
    device, raw = pair_device(office=office, kind=SCREEN, by=head)
    Device.objects.filter(pk=device.pk).update(last_seen_at=timezone.now() - timedelta(minutes=7))

    listing = client.get(reverse("frontdesk:devices")).content.decode()
    assert "7\xa0minutes ago" in listing or "7 minutes ago" in listing
    response = client.post(reverse("frontdesk:device-revoke", args=[device.pk]))

    assert response.status_code == 302
    device.refresh_from_db()
    assert device.revoked_at is not None and device.revoked_by == head
    assert device_selectors.paired_device(raw) is None
    assert "Revoked" in client.get(reverse("frontdesk:devices")).content.decode()


def test_the_head_of_another_office_cannot_see_or_revoke_a_device(client, head, other_head, office):
    device, raw = pair_device(office=office, kind=SCREEN, by=head)
    client.force_login(other_head)

    assert "TV ruang tunggu" not in client.get(reverse("frontdesk:devices")).content.decode()
    response = client.post(reverse("frontdesk:device-revoke", args=[device.pk]))

    assert response.status_code == 404
    assert device_selectors.paired_device(raw) == device


def test_the_upgrade_revokes_the_old_links_which_cannot_work_any_more(head, office):
    """Links made before pairing became devices without a credential: the migration marks
    them revoked, so that the list does not show them as working."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("satuatap.frontdesk.migrations.0004_paired_devices")
    old = Device.objects.create(office=office, kind=SCREEN, name="TV lama", created_by=head)
    paired, _raw = pair_device(office=office, kind=SCREEN, by=head)
    gone = timezone.now() - timedelta(days=3)
    revoked = Device.objects.create(
        office=office, kind=KIOSK, name="Tablet", created_by=head, revoked_at=gone
    )

    migration.revoke_old_links(apps, None)

    old.refresh_from_db()
    revoked.refresh_from_db()
    paired.refresh_from_db()
    assert old.revoked_at is not None and revoked.revoked_at == gone
    assert paired.revoked_at is None
