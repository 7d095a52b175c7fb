"""API tokens end with the authority they were issued under.

A token is issued against a password (and a second factor) to a user holding certain roles;
when one of those ends, every token of the user is revoked (`services.revoke_api_tokens_of`):

- the password is changed or reset (`set_password`, or the password made unusable),
- two-factor sign-in is reset (a confirmed authenticator device is removed),
- the account is deactivated (`is_active` becomes false),
- a role is removed (a role assignment deleted, or changed to another role).

Why model signals rather than one call in each service: these changes happen on many paths, and
most are not ours — the admin site's user form, its password form and its role inline,
Django's `changepassword` command, `seed_demo`, the two-factor reset action, a device deleted
in the admin, a shell. A signal on the model catches each of them, and any path added later,
with the revocation itself in one service function. The receivers run in the transaction of
the change when there is one (the admin site's views, the services), so both are committed
together. What signals cannot see is a bulk
`QuerySet.update()`; nothing in SatuAtap changes these fields that way, and the bearer
authentication refuses a deactivated user's tokens whatever happened to them.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django_otp.plugins.otp_totp.models import TOTPDevice

from satuatap.core.models import RoleAssignment, User
from satuatap.core.services import TokenRevocation, revoke_api_tokens_of

_PENDING = "_satuatap_token_revocations"


def _revoke_later(instance, reason: str) -> None:
    reasons = getattr(instance, _PENDING, [])
    if reason not in reasons:
        setattr(instance, _PENDING, [*reasons, reason])


def _revoke_pending(instance, user_id: int) -> None:
    reasons = getattr(instance, _PENDING, [])
    if reasons:
        setattr(instance, _PENDING, [])
        revoke_api_tokens_of(user_id=user_id, reason=reasons[0])


def _deleted_with_the_user(origin) -> bool:
    """Whether a delete cascades from deleting the user (their tokens go with them)."""
    model = getattr(origin, "model", None) or type(origin)
    return isinstance(model, type) and issubclass(model, User)


def _touches(update_fields, *names: str) -> bool:
    return update_fields is None or any(name in update_fields for name in names)


@receiver(pre_save, sender=User, dispatch_uid="satuatap_user_token_authority")
def _note_user_authority_change(sender, instance: User, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None:
        return
    # Django's `set_password` keeps the new raw password in `_password` until the save; a hash
    # upgraded at sign-in (`check_password`'s setter) clears it first, so it does not count.
    if instance._password is not None and _touches(update_fields, "password"):
        _revoke_later(instance, TokenRevocation.PASSWORD_CHANGED)
    if not _touches(update_fields, "password", "is_active"):
        return
    before = User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    if before["is_active"] and not instance.is_active and _touches(update_fields, "is_active"):
        _revoke_later(instance, TokenRevocation.DEACTIVATED)
    if (
        _touches(update_fields, "password")
        and before["password"] != instance.password
        and not instance.has_usable_password()
    ):
        _revoke_later(instance, TokenRevocation.PASSWORD_CHANGED)


@receiver(post_save, sender=User, dispatch_uid="satuatap_user_token_revocation")
def _revoke_after_user_change(sender, instance: User, raw=False, **kwargs):
    if not raw:
        _revoke_pending(instance, instance.pk)


@receiver(pre_save, sender=RoleAssignment, dispatch_uid="satuatap_role_change_authority")
def _note_role_change(sender, instance: RoleAssignment, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    before = RoleAssignment.objects.filter(pk=instance.pk).values("role", "user_id").first()
    if before is not None and (before["role"], before["user_id"]) != (
        instance.role,
        instance.user_id,
    ):
        _revoke_later(instance, TokenRevocation.ROLE_REMOVED)
        instance._satuatap_previous_user_id = before["user_id"]


@receiver(post_save, sender=RoleAssignment, dispatch_uid="satuatap_role_change_revocation")
def _revoke_after_role_change(sender, instance: RoleAssignment, raw=False, **kwargs):
    if not raw:
        _revoke_pending(instance, getattr(instance, "_satuatap_previous_user_id", instance.user_id))


@receiver(post_delete, sender=RoleAssignment, dispatch_uid="satuatap_role_removal_revocation")
def _revoke_after_role_removal(sender, instance: RoleAssignment, origin=None, **kwargs):
    if not _deleted_with_the_user(origin):
        revoke_api_tokens_of(user_id=instance.user_id, reason=TokenRevocation.ROLE_REMOVED)


@receiver(post_delete, sender=TOTPDevice, dispatch_uid="satuatap_two_factor_reset_revocation")
def _revoke_after_device_removal(sender, instance: TOTPDevice, origin=None, **kwargs):
    if instance.confirmed and not _deleted_with_the_user(origin):
        revoke_api_tokens_of(user_id=instance.user_id, reason=TokenRevocation.TWO_FACTOR_RESET)
