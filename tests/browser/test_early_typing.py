"""Typing into a type-ahead box before the page's scripts have run still brings the results
(`core/static/core/early-input.js`)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Route, expect

from satuatap.core.roles import Role
from satuatap.people.services import register_person
from tests.browser.session import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


class HeldHtmx:
    """Lets htmx load normally until `hold()`, then keeps the next request for it waiting."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.armed = False
        self.held: list[Route] = []
        # Routed from the start, so the browser does not take htmx from its cache later.
        page.route("**/django_htmx/htmx*.js", self._on_request)

    def _on_request(self, route: Route) -> None:
        if self.armed:
            self.held.append(route)
        else:
            route.continue_()

    def hold(self) -> None:
        self.armed = True

    def wait_until_asked(self) -> None:
        for _ in range(100):
            if self.held:
                return
            self.page.wait_for_timeout(50)
        raise AssertionError("the page never asked for htmx")

    def release(self) -> None:
        self.held.pop().continue_()


@pytest.fixture
def frontdesk(make_user):
    user = make_user(Role.FRONTDESK, username="cirebon.frontdesk", language="en")
    register_person(by=user, full_name="Sulastri Wulandari", sex="F")
    register_person(by=user, full_name="Budi Santoso", sex="M")
    return user


def type_before_htmx(page: Page, base_url: str, username: str, path: str, box: str) -> HeldHtmx:
    """Sign in, open `path` with htmx held back, and type "sulastri" into `box` meanwhile."""
    htmx = HeldHtmx(page)
    sign_in(page, base_url, username)
    htmx.hold()
    page.goto(f"{base_url}{path}", wait_until="commit")
    page.locator(box).fill("sulastri")
    htmx.wait_until_asked()
    return htmx


def test_a_name_typed_at_check_in_before_htmx_ran_is_searched_once_it_has(
    live_server, page, frontdesk
):
    htmx = type_before_htmx(
        page, live_server.url, frontdesk.username, "/frontdesk/check-in/", "#checkin-q"
    )
    choices = page.get_by_test_id("checkin-people")
    page.wait_for_timeout(500)  # htmx would have answered by now, had it run
    expect(choices.get_by_label(re.compile("Sulastri Wulandari"))).to_have_count(0)

    htmx.release()

    expect(choices.get_by_label(re.compile("Sulastri Wulandari"))).to_be_visible()
    expect(page.locator("#checkin-q")).to_have_value("sulastri")


def test_a_name_typed_in_the_registry_before_htmx_ran_narrows_the_list(
    live_server, page, frontdesk
):
    htmx = type_before_htmx(page, live_server.url, frontdesk.username, "/people/", "#id_q")
    table = page.get_by_test_id("people-table")
    expect(table.get_by_role("link", name="Budi Santoso")).to_be_visible()

    htmx.release()

    expect(table.get_by_role("link", name="Budi Santoso")).to_have_count(0)
    expect(table.get_by_role("link", name="Sulastri Wulandari")).to_be_visible()
