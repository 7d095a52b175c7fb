"""Register a person, confirm the NIK warning, correct the record and read its history in words,
and find her again by a misspelled name."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from satuatap.core.roles import Role
from satuatap.people.models import Person
from tests.browser.session import open_menu_entry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_register_see_nik_warning_and_find_by_misspelled_name(
    live_server, page, make_user, screenshot
):
    make_user(Role.FRONTDESK, username="cirebon.frontdesk", full_name="Rina Marlina", language="en")
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Nama pengguna").fill("cirebon.frontdesk")
    page.get_by_label("Sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()

    page.get_by_role("link", name="Person registry").first.click()
    page.get_by_role("link", name="Register a person").click()
    page.get_by_label("Full name").fill("Hj. Siti Nurhaliza")
    # A woman's NIK (day 54 = 14 + 40) entered for someone recorded as a man.
    page.get_by_label("NIK", exact=True).fill("3209 0154 0395 0001")
    page.get_by_label("Sex").select_option("M")
    page.get_by_label("Date of birth").fill("1995-03-14")
    page.get_by_label("Phone numbers").fill("0812-3456-7890")
    page.get_by_label("Province", exact=True).select_option("32")
    page.get_by_label("Regency or city", exact=True).select_option("32.09")
    page.get_by_label("District (kecamatan)", exact=True).select_option("32.09.01")
    page.get_by_label("Village (desa/kelurahan)", exact=True).select_option("32.09.01.2008")
    page.get_by_role("button", name="Register").click()

    warnings = page.get_by_test_id("nik-warnings")
    expect(warnings).to_be_visible()
    expect(warnings).to_contain_text(re.compile("woman", re.I))
    screenshot("person-nik-warning-en")
    assert not Person.objects.exists()

    page.get_by_label("Sex").select_option("F")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Hj. Siti Nurhaliza")).to_be_visible()
    person = Person.objects.get()
    assert (person.nik, person.sex) == ("3209015403950001", "F")

    # The correction history reads as words: labels, old → new, the officer's name, the
    # office's clock; never a field name, an id or a placeholder.
    page.get_by_role("link", name="Correct", exact=True).click()
    page.get_by_label("Marital status").select_option("married")
    page.get_by_role("button", name="Save the correction").click()
    history = page.get_by_test_id("correction-history")
    expect(history).to_contain_text("Marital status: — → Married")
    expect(history).to_contain_text("Registered")
    expect(history).to_contain_text("Phone number added")
    expect(history).to_contain_text("Rina Marlina")
    expect(history).to_contain_text("WIB")
    for leak in ("people.Phone", "None →", "marital_status", "cirebon.frontdesk", "create"):
        expect(history).not_to_contain_text(leak)
    screenshot("person-history-en")

    open_menu_entry(page, "people", "Person registry")
    page.get_by_label("Search by NIK, phone or name").fill("siti nur haliza")
    results = page.get_by_test_id("people-table")
    expect(results.get_by_role("link", name="Hj. Siti Nurhaliza")).to_be_visible()
    screenshot("person-search-en")
    page.get_by_label("Search by NIK, phone or name").fill("0812 3456 7890")
    expect(results.get_by_role("link", name="Hj. Siti Nurhaliza")).to_be_visible()
