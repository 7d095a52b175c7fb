"""The region picker when a choice is made before its deferred script has run."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from satuatap.core.roles import Role
from tests.browser.session import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_province_chosen_before_the_script_ran_still_opens_its_regencies(
    live_server, page, make_user
):
    make_user(Role.FRONTDESK, username="cirebon.frontdesk")
    sign_in(page, live_server.url, "cirebon.frontdesk")
    held = []

    def hold(route) -> None:
        held.append(route)

    page.route("**/region-picker.js", hold)

    page.goto(f"{live_server.url}/people/new/", wait_until="commit")
    province = page.locator("#id_village_province")
    regency = page.locator("#id_village_regency")
    province.select_option("32")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the page never asked for region-picker.js"
    expect(regency).to_be_disabled()

    held[0].continue_()

    expect(regency).to_be_enabled()
    regency.select_option("32.09")
    page.locator("#id_village_district").select_option("32.09.01")
    page.locator("#id_village_village").select_option("32.09.01.2008")
    expect(page.locator("#id_village")).to_have_value("32.09.01.2008")
