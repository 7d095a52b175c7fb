"""Two-factor sign-in: who must use it, set-up, codes, recovery codes, throttling, the API,
the admin site and the demo. These tests sign in with the password (the login page), never
with force_login, so nothing is verified unless a code was typed."""

from __future__ import annotations

import io
import re

import pytest
from auditlog.models import LogEntry
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from satuatap.core import checks, two_factor
from satuatap.core.roles import Role
from satuatap.core.two_factor import selectors as two_factor_selectors
from satuatap.core.two_factor import services as two_factor_services
from tests.factories import PASSWORD
from tests.otp import authenticator_of, code_for

pytestmark = pytest.mark.django_db

UNDER_THE_RULE = {
    Role.COUNSELLOR,
    Role.CASE_SUPERVISOR,
    Role.PARTNER_CASEWORKER,
    Role.NATIONAL_PLACEMENT,
    Role.OFFICE_HEAD,
    Role.ADMINISTRATOR,
}


@pytest.fixture
def user_with_role(make_user, partner, ministry):
    def make(role, **extra):
        organisation = {
            Role.PARTNER_CASEWORKER: partner,
            Role.NATIONAL_ANALYST: ministry,
            Role.NATIONAL_PLACEMENT: ministry,
            Role.ADMINISTRATOR: ministry,
        }.get(role)
        return make_user(role, organisation=organisation, **extra)

    return make


def sign_in_with_password(client, user) -> None:
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the password sign-in itself must succeed"


def enter_code(client, code: str, next_url: str = ""):
    return client.post(reverse("core:two-factor-verify"), {"code": code, "next": next_url})


def is_verified_session(client) -> bool:
    return client.get(reverse("home")).status_code == 200


# --- Who is stopped -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_each_role_under_the_rule_is_stopped_until_enrolled_others_are_not(
    client, user_with_role, role
):
    user = user_with_role(role)
    sign_in_with_password(client, user)

    page = client.get(reverse("home"))
    api = client.get("/api/v1/auth/me")

    if role in UNDER_THE_RULE:
        assert page.status_code == 302
        assert page.url.startswith(reverse("core:two-factor-setup"))
        assert api.status_code == 403
        assert api.json()["code"] == "two_factor_required"
    else:
        assert page.status_code == 200
        assert api.status_code == 200


@pytest.mark.parametrize("role", sorted(UNDER_THE_RULE))
def test_enrolled_user_is_sent_to_the_code_page_keeping_the_page_asked_for(
    client, user_with_role, role
):
    user = user_with_role(role)
    authenticator_of(user)
    sign_in_with_password(client, user)

    response = client.get("/mrc/cases/?q=x")

    assert response.status_code == 302
    assert response.url == reverse("core:two-factor-verify") + "?next=%2Fmrc%2Fcases%2F%3Fq%3Dx"
    assert client.get("/api/v1/cases").status_code == 403


def test_superuser_and_staff_without_roles_are_under_the_rule(make_user):
    assert two_factor.requires_two_factor(make_user(Role.FRONTDESK, is_superuser=True))
    assert two_factor.requires_two_factor(
        make_user(Role.FRONTDESK, username="staff", is_staff=True)
    )
    assert not two_factor.requires_two_factor(make_user(Role.OUTREACH_WORKER))


def test_setting_off_lets_a_counsellor_in_with_the_password(client, counsellor, settings):
    settings.SATUATAP_REQUIRE_2FA = False
    sign_in_with_password(client, counsellor)

    home = client.get(reverse("home"))

    assert home.status_code == 200  # the home page itself, not the code or set-up page
    assert home.context["user"] == counsellor
    assert reverse("cases:case-list") in [action["url"] for action in home.context["actions"]]
    assert client.get("/api/v1/auth/me").json()["username"] == counsellor.username


def test_deploy_check_warns_when_two_factor_is_off(settings):
    assert checks.two_factor_sign_in_is_required(None) == []
    settings.SATUATAP_REQUIRE_2FA = False
    assert [w.id for w in checks.two_factor_sign_in_is_required(None)] == ["satuatap.W002"]


def test_unverified_user_may_sign_out_and_switch_language(client, counsellor):
    sign_in_with_password(client, counsellor)

    language = client.post(reverse("set-language"), {"language": "en", "next": "/about/"})
    assert language.status_code == 302
    assert language.url == "/about/"
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_htmx_request_gets_403_with_a_redirect_not_a_swap(client, counsellor):
    authenticator_of(counsellor)
    sign_in_with_password(client, counsellor)

    response = client.get(
        "/people/",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/people/?q=ani"},
    )

    assert response.status_code == 403
    assert response["HX-Redirect"] == (
        reverse("core:two-factor-verify") + "?next=%2Fpeople%2F%3Fq%3Dani"
    )


def test_force_login_in_tests_marks_the_session_verified_honestly(client, counsellor):
    client.force_login(counsellor)
    device_id = client.session["otp_device_id"]
    assert device_id == authenticator_of(counsellor).persistent_id
    assert is_verified_session(client)


# --- Set-up -------------------------------------------------------------------------------------


def test_setup_page_shows_a_qr_code_and_the_secret_and_keeps_them_on_reload(client, counsellor):
    sign_in_with_password(client, counsellor)

    first = client.get(reverse("core:two-factor-setup"))
    again = client.get(reverse("core:two-factor-setup"))

    content = first.content.decode()
    assert first.status_code == 200
    assert '<svg width="' in content and 'data-testid="two-factor-qr"' in content
    pending = TOTPDevice.objects.get(user=counsellor, confirmed=False)
    assert two_factor.secret_in_base32(pending) in content
    assert two_factor.secret_in_base32(pending) in again.content.decode()
    assert TOTPDevice.objects.filter(user=counsellor).count() == 1
    assert "style=" not in re.search(r"<svg.*?</svg>", content, re.S).group(0)


def test_setup_with_a_wrong_first_code_confirms_nothing(client, make_user):
    user = make_user(Role.COUNSELLOR, language="en")
    sign_in_with_password(client, user)
    client.get(reverse("core:two-factor-setup"))

    response = client.post(reverse("core:two-factor-setup"), {"code": "000000"})

    assert response.status_code == 200
    assert "This code is not valid." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    assert not is_verified_session(client)


def test_setup_with_the_right_code_shows_ten_recovery_codes_once_and_verifies(client, counsellor):
    sign_in_with_password(client, counsellor)
    client.get(reverse("core:two-factor-setup") + "?next=/mrc/cases/")
    pending = TOTPDevice.objects.get(user=counsellor, confirmed=False)

    response = client.post(
        reverse("core:two-factor-setup"), {"code": code_for(pending), "next": "/mrc/cases/"}
    )

    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 == len(set(codes))
    assert 'href="/mrc/cases/"' in response.content.decode()
    assert TOTPDevice.objects.get(pk=pending.pk).confirmed
    assert set(StaticToken.objects.filter(device__user=counsellor).values_list("token", flat=True))
    assert set(codes) == set(
        StaticToken.objects.filter(device__user=counsellor).values_list("token", flat=True)
    )
    assert is_verified_session(client)
    assert client.get(reverse("core:two-factor-setup")).status_code == 302


# --- The code page ------------------------------------------------------------------------------


def test_a_valid_code_verifies_and_returns_to_the_page_asked_for(client, counsellor):
    device = authenticator_of(counsellor)
    sign_in_with_password(client, counsellor)
    asked = client.get("/mrc/cases/")
    assert asked.status_code == 302

    response = client.post(asked.url, {"code": code_for(device), "next": "/mrc/cases/"})

    assert response.status_code == 302
    assert response.url == "/mrc/cases/"
    assert client.get("/mrc/cases/").status_code == 200
    assert client.get("/api/v1/auth/me").status_code == 200


def test_next_pointing_elsewhere_is_ignored(client, counsellor):
    device = authenticator_of(counsellor)
    sign_in_with_password(client, counsellor)
    response = enter_code(client, code_for(device), "https://evil.example/")
    assert response.url == "/"


def test_the_same_code_is_not_accepted_twice(client, counsellor):
    device = authenticator_of(counsellor)
    code = code_for(device)
    assert two_factor_services.check_code(user=counsellor, code=code).device == device
    with pytest.raises(two_factor.DomainError):
        two_factor_services.check_code(user=counsellor, code=code)


def test_a_wrong_code_gets_a_clear_error_and_does_not_verify(client, make_user):
    user = make_user(Role.COUNSELLOR, language="en")
    authenticator_of(user)
    sign_in_with_password(client, user)

    response = enter_code(client, "123456")

    assert response.status_code == 200
    assert "This code is not valid." in response.content.decode()
    assert not is_verified_session(client)


def test_wrong_code_error_is_translated(client, make_user):
    user = make_user(Role.COUNSELLOR, language="id")
    authenticator_of(user)
    sign_in_with_password(client, user)

    response = enter_code(client, "123456")

    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    from django.utils import translation

    with translation.override("id"):
        expected = str(translation.gettext("This code is not valid."))
    assert expected in response.content.decode()


def test_repeated_wrong_codes_lock_out_even_the_right_code(client, make_user, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    user = make_user(Role.COUNSELLOR, language="en")
    device = authenticator_of(user)
    sign_in_with_password(client, user)
    for _ in range(3):
        enter_code(client, "000000")

    response = enter_code(client, code_for(device))

    assert response.status_code == 429
    assert "Too many wrong codes" in response.content.decode()
    assert not is_verified_session(client)
    device.refresh_from_db()
    # Tries during the wait are refused unchecked, so they cannot be used to guess either.
    assert device.throttling_failure_count == 1


def test_a_recovery_code_works_once(client, counsellor):
    device = authenticator_of(counsellor)
    codes = two_factor_services.regenerate_recovery_codes(user=counsellor)
    assert device.confirmed
    sign_in_with_password(client, counsellor)

    response = enter_code(client, codes[0].upper())

    assert response.status_code == 302
    assert is_verified_session(client)
    assert two_factor_selectors.recovery_codes_left(counsellor) == 9

    client.post(reverse("logout"))
    sign_in_with_password(client, counsellor)
    again = enter_code(client, codes[0])
    assert again.status_code == 200
    assert not is_verified_session(client)


def test_sign_out_clears_the_verification(client, counsellor):
    device = authenticator_of(counsellor)
    sign_in_with_password(client, counsellor)
    enter_code(client, code_for(device))
    assert is_verified_session(client)

    client.post(reverse("logout"))
    sign_in_with_password(client, counsellor)

    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("core:two-factor-verify"))


def test_verification_gives_a_new_session_key(client, counsellor):
    device = authenticator_of(counsellor)
    sign_in_with_password(client, counsellor)
    before = client.session.session_key
    enter_code(client, code_for(device))
    assert client.session.session_key != before


# --- Recovery codes page ------------------------------------------------------------------------


def test_overview_shows_codes_left_and_new_codes_replace_the_old(client, counsellor):
    client.force_login(counsellor)
    old = two_factor_services.regenerate_recovery_codes(user=counsellor)

    overview = client.get(reverse("core:two-factor"))
    assert overview.status_code == 200
    assert overview.context["recovery_codes_left"] == 10

    response = client.post(reverse("core:two-factor-recovery-codes"))

    new = response.context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    assert two_factor_services.check_code(user=counsellor, code=new[0]).used_recovery_code
    with pytest.raises(two_factor.DomainError):
        two_factor_services.check_code(user=counsellor, code=old[0])


def test_new_recovery_codes_need_a_verified_session(client, counsellor):
    authenticator_of(counsellor)
    sign_in_with_password(client, counsellor)
    response = client.post(reverse("core:two-factor-recovery-codes"))
    assert response.status_code == 302
    assert not StaticDevice.objects.filter(user=counsellor).exists()


# --- API tokens ---------------------------------------------------------------------------------


def _token(client, user, otp=""):
    return client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": PASSWORD, "otp": otp},
        content_type="application/json",
    )


def test_api_token_for_a_user_under_the_rule_needs_a_code(client, counsellor):
    assert _token(client, counsellor).json()["code"] == "two_factor_enrolment_required"
    device = authenticator_of(counsellor)

    without = _token(client, counsellor)
    right = _token(client, counsellor, code_for(device))
    wrong = _token(client, counsellor, "000000")

    assert (without.status_code, without.json()["code"]) == (401, "two_factor_required")
    assert right.status_code == 200 and right.json()["token"]
    assert (wrong.status_code, wrong.json()["code"]) == (401, "invalid_code")


def test_api_token_for_other_roles_needs_only_the_password(client, make_user):
    frontdesk = make_user(Role.FRONTDESK)

    response = _token(client, frontdesk)

    assert response.status_code == 200
    me = client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {response.json()['token']}"}
    )
    assert me.json()["username"] == frontdesk.username


def test_api_token_code_guessing_is_throttled(client, counsellor, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    device = authenticator_of(counsellor)
    _token(client, counsellor, "000000")
    response = _token(client, counsellor, code_for(device))
    assert (response.status_code, response.json()["code"]) == (429, "too_many_attempts")


# --- Admin site ---------------------------------------------------------------------------------


@pytest.fixture
def superuser(make_user, ministry):
    return make_user(
        Role.ADMINISTRATOR,
        organisation=ministry,
        username="admin",
        is_staff=True,
        is_superuser=True,
        language="en",
    )


def test_admin_site_needs_the_second_factor(client, superuser):
    device = authenticator_of(superuser)
    sign_in_with_password(client, superuser)

    refused = client.get("/admin/")
    assert refused.status_code == 302
    assert refused.url.startswith(reverse("core:two-factor-verify"))

    enter_code(client, code_for(device))
    admitted = client.get("/admin/")
    assert admitted.status_code == 200
    assert "admin/index.html" in [t.name for t in admitted.templates]


def test_admin_site_itself_refuses_an_unverified_session(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    superuser.is_verified = lambda: False
    assert not admin.site.has_permission(request)
    superuser.is_verified = lambda: True
    assert admin.site.has_permission(request)


def test_administrator_resets_a_heads_devices_with_a_reason_and_it_is_audited(
    client, superuser, make_user
):
    head = make_user(Role.OFFICE_HEAD)
    authenticator_of(head)
    two_factor_services.regenerate_recovery_codes(user=head)
    client.force_login(superuser)
    selected = {"action": "reset_two_factor", "_selected_action": [head.pk]}

    asked = client.post(reverse("admin:core_user_changelist"), selected)
    assert asked.status_code == 200  # the page asking why
    assert TOTPDevice.objects.filter(user=head).exists()
    response = client.post(
        reverse("admin:core_user_changelist"),
        {**selected, "apply": "1", "reason": "Lost phone, reported by phone call"},
    )

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=head).exists()
    assert not StaticDevice.objects.filter(user=head).exists()
    entry = LogEntry.objects.get(additional_data__event="two_factor_reset")
    assert (entry.actor, entry.object_pk) == (superuser, str(head.pk))
    assert entry.additional_data["reason"] == "Lost phone, reported by phone call"

    other = client.__class__()
    sign_in_with_password(other, head)
    assert other.get(reverse("home")).url.startswith(reverse("core:two-factor-setup"))


def test_the_admin_action_leaves_an_offices_other_staff_to_their_head(
    client, superuser, counsellor
):
    authenticator_of(counsellor)
    client.force_login(superuser)

    response = client.post(
        reverse("admin:core_user_changelist"),
        {
            "action": "reset_two_factor",
            "_selected_action": [counsellor.pk],
            "apply": "1",
            "reason": "Lost phone",
        },
    )

    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=counsellor).exists()


def test_only_a_head_of_the_office_or_the_administrator_may_reset_devices(counsellor, make_user):
    authenticator_of(counsellor)
    for outsider in (make_user(Role.CASE_SUPERVISOR), make_user(Role.FRONTDESK)):
        with pytest.raises(two_factor.DomainError):
            two_factor_services.reset_devices(user=counsellor, by=outsider, reason="Lost phone")
    assert TOTPDevice.objects.filter(user=counsellor).exists()


# --- Demo ---------------------------------------------------------------------------------------


def test_demo_users_under_the_rule_get_the_demo_authenticator_and_its_code_signs_in(
    client, settings
):
    from satuatap.core.models import User
    from satuatap.demo import core as demo
    from satuatap.demo.core import DEMO_TOTP_SECRET

    settings.DEBUG = False
    demo.seed()
    demo.seed()  # idempotent: still one device each
    assert TOTPDevice.objects.filter(user__username="admin").count() == 1
    for username in ["cirebon.counsellor", "cirebon.supervisor", "wcc-mawar-balqis.caseworker"]:
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        assert two_factor.secret_in_base32(device).replace(" ", "") == DEMO_TOTP_SECRET
    assert not TOTPDevice.objects.filter(user__username="cirebon.frontdesk").exists()

    out = io.StringIO()
    call_command("demo_otp_code", "cirebon.counsellor", stdout=out)
    user = User.objects.get(username="cirebon.counsellor")
    response = client.post(
        reverse("login"), {"username": user.username, "password": settings.SATUATAP_DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert enter_code(client, out.getvalue().strip()).status_code == 302
    assert is_verified_session(client)


def test_demo_otp_code_refuses_a_real_account(counsellor, settings):
    settings.DEBUG = False
    with translation.override("id"), pytest.raises(CommandError, match="tidak punya perangkat"):
        call_command("demo_otp_code", counsellor.username, stdout=io.StringIO())
    authenticator_of(counsellor)
    with translation.override("id"), pytest.raises(CommandError, match="bukan akun demo"):
        call_command("demo_otp_code", counsellor.username, stdout=io.StringIO())
