"""Writes on core objects: API tokens, desk configuration, user preferences."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satuatap.core import attribution
from satuatap.core.exceptions import DomainError
from satuatap.core.models import ApiToken, Desk, DeskType, Language, Organisation, User

TOKEN_PREFIX_LENGTH = 8


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_api_token(
    *, user: User, name: str = "", lifetime: timedelta | None = None
) -> tuple[str, ApiToken]:
    """Create a token for `user`; return its secret (shown once, never stored) and the token."""
    if not user.is_active:
        raise DomainError("inactive_user", _("This account is disabled."), status=403)
    raw = secrets.token_urlsafe(32)
    lifetime = lifetime or timedelta(hours=settings.API_TOKEN_LIFETIME_HOURS)
    token = ApiToken.objects.create(
        user=user,
        key_hash=_hash_token(raw),
        prefix=raw[:TOKEN_PREFIX_LENGTH],
        name=name[:100],
        expires_at=timezone.now() + lifetime,
    )
    return raw, token


def usable_api_token(raw: str) -> ApiToken | None:
    """The usable token with this secret, of an active user (`token.user` loaded), or None."""
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("user", "user__organisation")
        .filter(key_hash=_hash_token(raw))
        .first()
    )
    now = timezone.now()
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def user_for_api_token(raw: str) -> User | None:
    """The active user a usable token belongs to, or None."""
    token = usable_api_token(raw)
    return token.user if token is not None else None


def revoke_api_token(*, raw: str | None = None, token_id: int | None = None, by: User) -> None:
    """Revoke one of `by`'s tokens, given either its secret or its id."""
    tokens = ApiToken.objects.filter(user=by, revoked_at__isnull=True)
    if raw is not None:
        tokens = tokens.filter(key_hash=_hash_token(raw))
    elif token_id is not None:
        tokens = tokens.filter(pk=token_id)
    else:
        raise DomainError("token_required", _("Say which token to revoke."))
    with transaction.atomic():
        token = tokens.select_for_update().first()
        if token is None:
            raise DomainError("token_not_found", _("No such active token."), status=404)
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


class TokenRevocation(models.TextChoices):
    """Why every token of a user was revoked at once: the authority it carried ended."""

    PASSWORD_CHANGED = "password_changed", gettext_lazy("The password was changed or reset")
    TWO_FACTOR_RESET = "two_factor_reset", gettext_lazy("Two-factor sign-in was reset")
    DEACTIVATED = "deactivated", gettext_lazy("The account was deactivated")
    ROLE_REMOVED = "role_removed", gettext_lazy("A role was removed")


def revoke_api_tokens_of(*, user_id: int, reason: str) -> int:
    """Revoke every token of the user that still works; return how many.

    Called (through `core.signals`) whenever the authority a token was issued under ends: the
    password changes, two-factor sign-in is reset, the account is deactivated or loses a role.
    Each revocation is an audited change of the token, made by whoever made the change that
    caused it, with the reason as `additional_data["tokens_revoked_because"]`.
    """
    if reason not in TokenRevocation.values:
        raise ValueError(f"unknown revocation reason {reason!r}")
    now = timezone.now()
    with transaction.atomic(), attribution.with_audit_data(tokens_revoked_because=reason):
        tokens = list(
            ApiToken.objects.select_for_update().filter(
                user_id=user_id, revoked_at__isnull=True, expires_at__gt=now
            )
        )
        for token in tokens:
            token.revoked_at = now
            token.save(update_fields=["revoked_at"])
    return len(tokens)


def set_user_language(*, user: User, language: str) -> None:
    if language not in Language.values:
        raise DomainError("unknown_language", _("Unknown language."))
    user.language = language
    user.save(update_fields=["language"])


def configure_desks(
    *, office: Organisation, prefixes: dict[str, str | None], by: User
) -> list[Desk]:
    """Set which desks an office has: `prefixes` maps a desk type code to its ticket prefix,
    or None for a desk the office does not have. Existing desks are deactivated, not deleted,
    so their history stays."""
    if not by.has_perm("core.configure_office", office):
        raise DomainError("forbidden", _("You may not configure this office."), status=403)
    types = {t.code: t for t in DeskType.objects.all()}
    unknown = set(prefixes) - set(types)
    if unknown:
        raise DomainError("unknown_desk_type", _("Unknown desk type."))
    chosen = {code: (p or "").strip().upper() for code, p in prefixes.items() if p is not None}
    errors: dict[str, str] = {}
    for code, prefix in chosen.items():
        if not (1 <= len(prefix) <= 2 and prefix.isalpha() and prefix.isascii()):
            errors[code] = _("A ticket prefix is one or two letters (A–Z).")
    seen: dict[str, str] = {}
    for code, prefix in chosen.items():
        if prefix in seen and code not in errors:
            errors[code] = _("Two desks cannot share the prefix %(prefix)s.") % {"prefix": prefix}
        seen.setdefault(prefix, code)
    if errors:
        raise DomainError("invalid_desks", _("Some desks are not valid."), details=errors)
    with transaction.atomic():
        existing = {d.desk_type.code: d for d in office.desks.select_related("desk_type")}
        # Deactivate first: the prefix is unique among active desks only, so prefixes can move
        # between desks in one change.
        office.desks.update(is_active=False)
        result = []
        for code, prefix in chosen.items():
            desk = existing.get(code)
            if desk is None:
                desk = Desk.objects.create(office=office, desk_type=types[code], prefix=prefix)
            else:
                desk.prefix = prefix
                desk.is_active = True
                desk.save(update_fields=["prefix", "is_active"])
            result.append(desk)
    return result
