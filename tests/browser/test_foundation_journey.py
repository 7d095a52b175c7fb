"""Sign in, switch the language, and pick a village through the cascading picker."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from satuatap.core.roles import Role
from satuatap.people.models import Person
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_front_desk_signs_in_switches_language_and_picks_a_village(
    live_server, page, make_user, screenshot
):
    make_user(Role.FRONTDESK, username="cirebon.frontdesk")

    page.goto(f"{live_server.url}/login/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", name="Masuk")).to_be_visible()
    page.get_by_label("Nama pengguna").fill("cirebon.frontdesk")
    page.get_by_label("Sandi").fill(PASSWORD)
    screenshot("login-id")
    page.get_by_role("button", name="Masuk").click()

    expect(page.get_by_test_id("home-actions")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Selamat datang"))).to_be_visible()
    # (Each role's home is photographed by tests/browser/test_homes.py.)

    page.get_by_test_id("account-menu").click()  # the language is chosen in the account menu
    page.get_by_test_id("language-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()

    page.get_by_role("link", name="Person registry").first.click()
    page.get_by_role("link", name="Register a person").click()
    page.get_by_label("Full name").fill("Siti Nurhaliza")
    page.get_by_label("Sex").select_option("F")

    page.get_by_label("Province", exact=True).select_option("32")
    page.get_by_label("Regency or city", exact=True).select_option("32.09")
    page.get_by_label("District (kecamatan)", exact=True).select_option("32.09.01")
    village = page.get_by_label("Village (desa/kelurahan)", exact=True)
    expect(village.locator("option", has_text="Waled Desa")).to_have_count(1)
    village.select_option("32.09.01.2008")
    screenshot("person-register-en")
    page.get_by_role("button", name="Register").click()

    expect(page.get_by_role("heading", name="Siti Nurhaliza")).to_be_visible()
    person = Person.objects.get(full_name="Siti Nurhaliza")
    assert person.village_id == "32.09.01.2008"
    assert person.office.slug == "cirebon"
