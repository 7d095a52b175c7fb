"""Signing in through the login page, as a user does (one place for every journey)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.factories import PASSWORD


def sign_in(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Sign in on the Indonesian login page and wait for the signed-in header."""
    page.goto(f"{base_url}/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_test_id("whoami")).to_be_visible()
