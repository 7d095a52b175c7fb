"""Each role lands on a home page listing what it can do."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from satuatap.core.roles import Role

pytestmark = pytest.mark.django_db

STATS = {
    "frontdesk:today",
    "frontdesk:ikm",
    "placement:job-order-list",
    "placement:agency-list",
    "placement:file-list",
    "placement:course-list",
    "outreach:event-list",
    "reports:office-dashboard",
    # Every office role records a data-subject request and reports a suspected breach.
    "privacy:subject-request-list",
    "privacy:breach-list",
}
CASE_WORK = {"cases:contact-create", "cases:case-list"}
PLACEMENT_WORK = {"placement:fraud-signals", "placement:national-exchange"}
TWO_FACTOR = {"core:two-factor"}
# Every office role may take the daily digest; whoever checks in also checks in a booking.
DIGEST = {"notifications:digest"}
BOOKINGS = {"frontdesk:booking-scan"}
EXPECTED_TILES = {
    Role.FRONTDESK: {"people:list", "frontdesk:check-in"} | STATS | DIGEST | BOOKINGS,
    Role.DESK_OFFICER: {"people:list", "frontdesk:check-in", "frontdesk:desk-list"}
    | STATS
    | DIGEST
    | BOOKINGS,
    Role.PLACEMENT_OFFICER: {"people:list", "frontdesk:check-in", "frontdesk:desk-list"}
    | STATS
    | PLACEMENT_WORK
    | DIGEST
    | BOOKINGS,
    Role.COUNSELLOR: {"people:list", "frontdesk:check-in", "frontdesk:desk-list"}
    | STATS
    | CASE_WORK
    | TWO_FACTOR
    | DIGEST
    | BOOKINGS,
    Role.CASE_SUPERVISOR: {
        "people:list",
        "frontdesk:desk-list",
        "cases:team-cases",
        "cases:erasure-requests",
        "core:role-grants",
        # Failed messages, and the messages about cases only a supervisor lists.
        "notifications:outbox",
        "cases:case-messages",
    }
    | STATS
    | CASE_WORK
    | TWO_FACTOR
    | DIGEST,
    Role.OUTREACH_WORKER: {"people:list"} | STATS | DIGEST,
    Role.OFFICE_HEAD: {
        "people:list",
        "core:office-desks",
        "frontdesk:services",
        "frontdesk:devices",
        "cases:case-list",
        "core:office-trail",
        "core:staff-list",
        "frontdesk:slots",
        "notifications:outbox",
        "notifications:office-settings",
    }
    | STATS
    | PLACEMENT_WORK
    | TWO_FACTOR
    | DIGEST,
    Role.PARTNER_CASEWORKER: {"cases:partner-referral-list", "cases:partner-inbound-list"}
    | TWO_FACTOR,
    Role.NATIONAL_ANALYST: {"reports:national-dashboard"},
    Role.NATIONAL_PLACEMENT: {
        "placement:agency-list",
        "placement:agency-concern-list",
        "placement:agency-import",
    }
    | TWO_FACTOR,
    Role.ADMINISTRATOR: {
        "reports:national-dashboard",
        "core:audit-trail",
        "core:retention",
        "admin:index",
        "people:merge-list",
        "placement:agency-list",
        "privacy:breach-list",
        "core:role-grants",
        "core:office-list",
    }
    | TWO_FACTOR,
}
ALWAYS = {"core:api-tokens", "api:openapi-view"}
GUARDED = set().union(*EXPECTED_TILES.values())


@pytest.mark.parametrize("role", list(Role))
def test_each_role_lands_on_home_listing_what_it_can_do(client, make_user, partner, ministry, role):
    organisation = {
        Role.PARTNER_CASEWORKER: partner,
        Role.NATIONAL_ANALYST: ministry,
        Role.NATIONAL_PLACEMENT: ministry,
        Role.ADMINISTRATOR: ministry,
    }.get(role)
    user = make_user(role, organisation=organisation)
    client.force_login(user)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    tile_urls = {a["url"] for a in response.context["actions"]}
    expected = {reverse(name) for name in EXPECTED_TILES[role] | ALWAYS}
    assert tile_urls == expected
    for name in GUARDED - EXPECTED_TILES[role]:
        assert reverse(name) not in tile_urls
    with translation.override("id"):
        assert str(role.label) in response.content.decode()


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_login_page_lands_signed_in_user_on_home(client, counsellor):
    from tests.factories import PASSWORD

    response = client.post(
        reverse("login"), {"username": counsellor.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")
