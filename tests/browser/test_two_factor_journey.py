"""A new case supervisor's first sign-in: password, then setting up an authenticator app from
the secret shown under the QR code, the recovery codes shown once, and the page first asked
for; at the next sign-in a recovery code instead of the phone works once."""

from __future__ import annotations

import base64

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from satuatap.core.roles import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _code_from_secret(secret_text: str) -> str:
    """What an authenticator app shows for the typed-in secret."""
    key = base64.b32decode(secret_text.replace(" ", ""))
    return f"{TOTP(key).token():06d}"


def _password_sign_in(page, base_url: str, next_path: str, username: str) -> None:
    page.goto(f"{base_url}/login/?next={next_path}")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def test_supervisor_sets_up_an_authenticator_then_signs_in_with_a_recovery_code(
    live_server, page, make_user, screenshot
):
    make_user(Role.CASE_SUPERVISOR, username="cirebon.supervisor", language="en")

    _password_sign_in(page, live_server.url, "/mrc/cases/", "cirebon.supervisor")
    expect(page.get_by_test_id("two-factor-setup")).to_be_visible()
    expect(page.get_by_test_id("two-factor-qr").locator("svg")).to_be_visible()
    screenshot("two-factor-setup")
    page.locator("input[name=code]").fill("000000")
    page.get_by_test_id("two-factor-submit").click()
    expect(page.locator(".invalid-feedback")).to_be_visible()

    page.wait_for_timeout(1500)  # a wrong code makes the next try wait a second
    secret = page.get_by_test_id("two-factor-secret").inner_text()
    page.locator("input[name=code]").fill(_code_from_secret(secret))
    page.get_by_test_id("two-factor-submit").click()
    expect(page.get_by_test_id("recovery-code-list")).to_be_visible()
    codes = page.get_by_test_id("recovery-code-list").locator("li").all_inner_texts()
    assert len(codes) == 10
    page.get_by_test_id("two-factor-continue").click()
    expect(page).to_have_url(f"{live_server.url}/mrc/cases/")

    page.get_by_test_id("account-menu").click()  # signing out is in the account menu
    page.get_by_role("button", name="Sign out").click()
    _password_sign_in(page, live_server.url, "/mrc/cases/", "cirebon.supervisor")
    expect(page.get_by_test_id("two-factor-verify")).to_be_visible()
    page.locator("input[name=code]").fill(codes[0])
    page.get_by_test_id("two-factor-submit").click()
    expect(page).to_have_url(f"{live_server.url}/mrc/cases/")
    expect(page.get_by_role("status").first).to_contain_text("9")
