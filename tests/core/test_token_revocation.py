"""API tokens end with their authority: a password change or reset, a two-factor reset, a
deactivation and a removed role revoke every token of the user, on each path that does it
(the admin site, Django's commands, the services), audited (`core.signals`)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from satuatap.core import services
from satuatap.core.models import ApiToken, RoleAssignment
from satuatap.core.roles import Role
from satuatap.core.two_factor import services as two_factor_services
from tests.factories import PASSWORD
from tests.otp import authenticator_of

pytestmark = pytest.mark.django_db


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


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def holder(make_user, ministry):
    """A ministry placement administrator with two working tokens: an account the admin site
    manages (an office's accounts are their head's, `core.staff`)."""
    user = make_user(Role.NATIONAL_PLACEMENT, organisation=ministry, username="national.placement")
    authenticator_of(user)
    services.issue_api_token(user=user, name="laptop")
    services.issue_api_token(user=user, name="phone")
    return user


def works(token_owner) -> list[bool]:
    return [t.is_usable() for t in ApiToken.objects.filter(user=token_owner).order_by("pk")]


def revocations(user) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(
            content_type__model="apitoken",
            object_pk__in=[str(pk) for pk in user.api_tokens.values_list("pk", flat=True)],
            additional_data__tokens_revoked_because__isnull=False,
        ).order_by("pk")
    )


def assert_revoked(user, reason: str, by=None) -> None:
    assert works(user) == [False, False]
    entries = revocations(user)
    assert len(entries) == 2
    for entry in entries:
        assert entry.additional_data["tokens_revoked_because"] == reason
        assert "revoked_at" in entry.changes_dict
        assert entry.actor == by


def admin_change_data(client, user, **changes) -> dict:
    """The admin change form of `user` as the browser would post it back, with `changes`."""
    page = client.get(reverse("admin:core_user_change", args=[user.pk]))
    form = page.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form.initial.get(name)
        if name == "password" or value is None or value is False:
            continue
        data[name] = "on" if value is True else getattr(value, "pk", value)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[f"{formset.prefix}-{name}"] = management.initial.get(name, "")
        for form in formset.initial_forms:
            data[f"{form.prefix}-id"] = form.instance.pk
            for name in form.fields:
                value = form.initial.get(name)
                if value is not None:
                    data[f"{form.prefix}-{name}"] = getattr(value, "pk", value)
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- Password ---------------------------------------------------------------------------------


def test_changing_the_password_revokes_the_tokens_and_they_stop_working(holder):
    raw, _token = services.issue_api_token(user=holder)
    holder.set_password("a-new-password-42")
    holder.save()

    assert works(holder) == [False, False, False]
    me = Client().get("/api/v1/auth/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 401


def test_the_admin_password_form_revokes_the_tokens_as_the_administrator(
    admin_client, superuser, holder
):
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[holder.pk]),
        {"password1": "a-new-password-42", "password2": "a-new-password-42"},
    )

    assert response.status_code == 302
    assert_revoked(holder, "password_changed", by=superuser)


def test_the_changepassword_command_revokes_the_tokens(holder, monkeypatch):
    from django.contrib.auth.management.commands import changepassword

    monkeypatch.setattr(changepassword.getpass, "getpass", lambda prompt: "a-new-password-42")

    call_command("changepassword", holder.username, stdout=io.StringIO())

    assert_revoked(holder, "password_changed")


def test_making_the_password_unusable_revokes_the_tokens(holder):
    holder.set_unusable_password()
    holder.save()

    assert_revoked(holder, "password_changed")


def test_a_password_hash_upgraded_at_sign_in_revokes_nothing(holder, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    holder.password = make_password(PASSWORD, hasher="md5")
    holder.save(update_fields=["password"])

    assert holder.check_password(PASSWORD)  # upgrades the hash and saves it

    holder.refresh_from_db()
    assert holder.password.startswith("pbkdf2_")
    assert works(holder) == [True, True]


# --- Two-factor reset -------------------------------------------------------------------------


def test_the_admin_two_factor_reset_revokes_the_tokens(admin_client, superuser, holder):
    response = admin_client.post(
        reverse("admin:core_user_changelist"),
        {
            "action": "reset_two_factor",
            "_selected_action": [holder.pk],
            "apply": "1",
            "reason": "Lost phone",
        },
    )

    assert response.status_code == 302
    assert_revoked(holder, "two_factor_reset", by=superuser)


def test_deleting_the_authenticator_in_the_admin_revokes_the_tokens(
    admin_client, superuser, holder
):
    device = TOTPDevice.objects.get(user=holder, confirmed=True)

    response = admin_client.post(
        reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert_revoked(holder, "two_factor_reset", by=superuser)


def test_a_reset_revokes_the_tokens_of_a_user_who_had_no_authenticator(make_user):
    head = make_user(Role.OFFICE_HEAD)
    frontdesk = make_user(Role.FRONTDESK)
    services.issue_api_token(user=frontdesk)
    services.issue_api_token(user=frontdesk)

    two_factor_services.reset_devices(user=frontdesk, by=head, reason="Lost phone")

    assert works(frontdesk) == [False, False]


def test_new_recovery_codes_or_a_finished_enrolment_revoke_nothing(make_user, rf):
    counsellor = make_user(Role.COUNSELLOR)
    services.issue_api_token(user=counsellor)
    pending = TOTPDevice.objects.create(user=counsellor, name="old try", confirmed=False)
    authenticator_of(counsellor)

    pending.delete()
    two_factor_services.regenerate_recovery_codes(user=counsellor)

    assert works(counsellor) == [True]


# --- Deactivation -----------------------------------------------------------------------------


def test_deactivating_in_the_admin_revokes_the_tokens(admin_client, superuser, holder):
    data = admin_change_data(admin_client, holder)
    del data["is_active"]

    response = admin_client.post(reverse("admin:core_user_change", args=[holder.pk]), data)

    assert response.status_code == 302, _errors(response)
    holder.refresh_from_db()
    assert not holder.is_active
    assert_revoked(holder, "deactivated", by=superuser)


def test_deactivating_through_the_model_revokes_the_tokens_and_reactivating_revives_none(holder):
    holder.is_active = False
    holder.save(update_fields=["is_active"])
    holder.is_active = True
    holder.save(update_fields=["is_active"])

    assert_revoked(holder, "deactivated")


# --- Roles ------------------------------------------------------------------------------------


def test_removing_a_role_in_the_admin_revokes_the_tokens(admin_client, superuser, holder):
    data = admin_change_data(admin_client, holder, **{"role_assignments-0-DELETE": "on"})

    response = admin_client.post(reverse("admin:core_user_change", args=[holder.pk]), data)

    assert response.status_code == 302, _errors(response)
    assert not RoleAssignment.objects.filter(user=holder).exists()
    assert_revoked(holder, "role_removed", by=superuser)


def test_changing_a_role_in_the_admin_revokes_the_tokens(admin_client, superuser, holder):
    data = admin_change_data(
        admin_client, holder, **{"role_assignments-0-role": Role.NATIONAL_ANALYST}
    )

    response = admin_client.post(reverse("admin:core_user_change", args=[holder.pk]), data)

    assert response.status_code == 302, _errors(response)
    assert list(holder.role_assignments.values_list("role", flat=True)) == [Role.NATIONAL_ANALYST]
    assert_revoked(holder, "role_removed", by=superuser)


def test_deleting_a_role_assignment_revokes_the_tokens(holder):
    holder.role_assignments.get().delete()

    assert_revoked(holder, "role_removed")


# --- What leaves tokens alone -----------------------------------------------------------------


def test_ordinary_changes_to_the_user_revoke_nothing(admin_client, holder):
    services.set_user_language(user=holder, language="en")
    holder.last_login = timezone.now()
    holder.save(update_fields=["last_login"])
    holder.full_name = "Ibu Ratna"
    holder.save()
    RoleAssignment.objects.create(user=holder, role=Role.NATIONAL_ANALYST)
    data = admin_change_data(admin_client, holder, full_name="Ratna Sari")
    response = admin_client.post(reverse("admin:core_user_change", args=[holder.pk]), data)

    assert response.status_code == 302, _errors(response)

    assert works(holder) == [True, True]
    assert revocations(holder) == []


def test_only_the_users_own_working_tokens_are_revoked(holder, make_user):
    colleague = make_user(Role.FRONTDESK)
    services.issue_api_token(user=colleague)
    _raw, expired = services.issue_api_token(user=holder, lifetime=timedelta(seconds=1))
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    _raw, revoked = services.issue_api_token(user=holder)
    services.revoke_api_token(token_id=revoked.pk, by=holder)
    revoked.refresh_from_db()

    holder.set_password("a-new-password-42")
    holder.save()

    assert works(colleague) == [True]
    assert ApiToken.objects.get(pk=revoked.pk).revoked_at == revoked.revoked_at
    assert ApiToken.objects.get(pk=expired.pk).revoked_at is None
    assert len(revocations(holder)) == 2


def test_deleting_a_user_deletes_their_tokens_without_revoking_first(holder):
    user_id = holder.pk
    holder.delete()

    assert not ApiToken.objects.filter(user_id=user_id).exists()
    assert not LogEntry.objects.filter(additional_data__tokens_revoked_because__isnull=False)


def test_the_trail_says_why_tokens_were_revoked(admin_client, holder):
    holder.role_assignments.get().delete()

    page = admin_client.get(reverse("core:audit-trail")).content.decode()

    assert "API tokens revoked: A role was removed" in page


def _errors(response) -> list:
    context = response.context
    return [context["adminform"].form.errors] + [
        (inline.formset.errors, inline.formset.non_form_errors())
        for inline in context["inline_admin_formsets"]
    ]
