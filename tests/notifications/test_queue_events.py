"""The queue's messages to visitors (issue 21): off by default, turned on by the office head,
"soon" when a few numbers are ahead and "called" when a desk calls the ticket — end to end to
the WhatsApp server, only to a registered person's own number, each once."""

from __future__ import annotations

import pytest

from satuatap.core.roles import Role
from satuatap.frontdesk import services as frontdesk
from satuatap.frontdesk.models import Service
from satuatap.notifications.models import Message, OfficeSettings
from tests.factories import DeskFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(office):
    return DeskFactory(office=office)


@pytest.fixture
def registration(office, desk):
    return Service.objects.create(
        office=office,
        desk=desk,
        name_id="Pendaftaran CPMI",
        name_en="Registration",
        target_minutes=20,
    )


@pytest.fixture
def desk_officer(make_user, desk):
    return make_user(Role.DESK_OFFICER, desk=desk)


def visitor(office, by, service, *, number=None, kind="whatsapp"):
    person = PersonFactory(office=office)
    if number:
        person.phones.create(number=number, kind=kind)
    visit = frontdesk.check_in(by=by, services=[service], person=person)
    return visit.issued_tickets[0][0]


def sent_templates(provider) -> list[tuple[str, str]]:
    return [(r["body"]["template"]["name"], r["body"]["to"]) for r in provider.sent("/messages")]


def test_off_by_default_nothing_is_sent(
    gateways, provider, office, make_user, registration, desk_officer
):
    frontdesk_user = make_user(Role.FRONTDESK)
    visitor(office, frontdesk_user, registration, number="+6281200000001")
    assert frontdesk.call_next(desk=registration.desk, by=desk_officer) is not None
    assert not Message.objects.exists() and not provider.requests


def test_head_turns_it_on_and_visitors_hear_soon_then_called_once_each(
    client,
    gateways,
    provider,
    office,
    make_user,
    registration,
    desk_officer,
    django_capture_on_commit_callbacks,
):
    head = make_user(Role.OFFICE_HEAD)
    client.force_login(head)
    page = client.get("/notifications/office/")
    assert 'name="ticket_calls"' in page.content.decode()
    client.post("/notifications/office/", {"ticket_calls": "on", "ticket_calls_ahead": "1"})
    settings = OfficeSettings.objects.get(office=office)
    assert settings.ticket_calls and settings.ticket_calls_ahead == 1

    frontdesk_user = make_user(Role.FRONTDESK)
    first = visitor(office, frontdesk_user, registration, number="+6281200000001")
    second = visitor(office, frontdesk_user, registration, number="+6281200000002")
    family_only = visitor(
        office, frontdesk_user, registration, number="+6281200000003", kind="family"
    )
    fourth = visitor(office, frontdesk_user, registration, number="+6281200000004")

    with django_capture_on_commit_callbacks(execute=True):
        assert frontdesk.call_next(desk=registration.desk, by=desk_officer) == first
    # first is called; second is next (0 ahead) and the family-only ticket has 1 ahead.
    assert sent_templates(provider) == [
        ("ticket_called", "6281200000001"),
        ("ticket_soon", "6281200000002"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        assert frontdesk.call_next(desk=registration.desk, by=desk_officer) == second
    assert sent_templates(provider)[2:] == [
        ("ticket_called", "6281200000002"),
        ("ticket_soon", "6281200000004"),  # second was told already; the family number never
    ]
    called = provider.sent("/messages")[2]["body"]["template"]
    texts = [p["text"] for p in called["components"][0]["parameters"]]
    assert texts[0] == second.code and office.name in texts
    assert Message.objects.filter(person=family_only.visit.person).count() == 0
    assert fourth.visit.person_id in set(Message.objects.values_list("person_id", flat=True))


def test_only_the_head_of_the_office_may_change_it(client, gateways, make_user):
    client.force_login(make_user(Role.FRONTDESK))
    assert client.get("/notifications/office/").status_code == 403
    assert (
        client.post(
            "/notifications/office/", {"ticket_calls": "on", "ticket_calls_ahead": "3"}
        ).status_code
        == 403
    )
    assert not OfficeSettings.objects.exists()
