"""The region picker when a choice is made before its deferred script has run. It opens at the
office's regency (Cirebon, 32.09): the officer here registers someone from another province."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from satuatap.core.roles import Role
from tests.browser.session import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_another_province_chosen_before_the_script_ran_still_opens_its_regencies(
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
    expect(regency).to_have_value("32.09")  # opened at the office's regency
    province.select_option("35")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the page never asked for region-picker.js"
    expect(regency.locator('option[value="35.04"]')).to_have_count(0)

    held[0].continue_()

    expect(regency.locator('option[value="35.04"]')).to_have_count(1)
    regency.select_option("35.04")
    page.locator("#id_village_district").select_option("35.04.01")
    page.locator("#id_village_village").select_option("35.04.01.1001")
    expect(page.locator("#id_village")).to_have_value("35.04.01.1001")
