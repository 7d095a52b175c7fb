"""Signing in through the login page, as a user does (one place for every journey)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from satuatap.core.models import User
from satuatap.core.two_factor import requires_two_factor
from tests.factories import PASSWORD
from tests.otp import authenticator_of, code_for


def sign_in(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Sign in on the Indonesian login page and wait for the signed-in header. A user under
    the two-factor rule then types the code their authenticator app shows (the demo secret
    for demo users, else a device made for the test)."""
    user = User.objects.get(username=username)
    device = authenticator_of(user) if requires_two_factor(user) else None
    page.goto(f"{base_url}/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    if device is not None:
        expect(page.get_by_test_id("two-factor-verify")).to_be_visible()
        page.locator("input[name=code]").fill(code_for(device))
        page.get_by_test_id("two-factor-submit").click()
    expect(page.get_by_test_id("whoami")).to_be_visible()


def open_menu_entry(page: Page, group: str, label: str) -> None:
    """Follow an entry of the menu: open its group (`menu-<group>`, a dropdown) and click it."""
    menu = page.get_by_test_id(f"menu-{group}")
    menu.get_by_role("button").click()
    menu.get_by_role("link", name=label).click()
