"""What the MRC's services share before they write: the refusals every one of them can give,
the limits of the short encrypted texts, and the row lock a referral is decided under. Used by
`services.py` and the services of the app's packages (`partner/`, `retention/`); nothing here
writes.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from satuatap.cases.models import Referral
from satuatap.core.exceptions import DomainError


def forbidden() -> DomainError:
    return DomainError("forbidden", _("You may not do this."), status=403)


def not_found() -> DomainError:
    return DomainError("not_found", _("No such record."), status=404)


def clean_text(value: str | None) -> str:
    return (value or "").strip()


# The longest text each encrypted short field takes (the columns no longer limit it: what is
# stored is longer than what was typed). Forms and API schemas give the same limits.
TEXT_LIMITS = {
    "complainant_relation": 64,
    "employer": 200,
    "interpreter_language": 64,
    "witness": 200,
    "service": 200,
    "decline_reason": 255,
}


def too_long(errors: dict, **values: str) -> None:
    """Add an error for every value longer than its field's limit (nothing is cut short)."""
    for field, value in values.items():
        limit = TEXT_LIMITS[field]
        if len(value or "") > limit:
            errors[field] = [_("Write at most %(limit)s characters.") % {"limit": limit}]


def refuse_if_too_long(**values: str) -> None:
    errors: dict = {}
    too_long(errors, **values)
    for field, messages in errors.items():
        raise DomainError("too_long", messages[0], status=422, details={field: messages})


def lock_referral(referral: Referral) -> Referral:
    """Lock the referral's row until the transaction ends and bring `referral` up to date."""
    referral.refresh_from_db(from_queryset=Referral.objects.select_for_update())
    return referral
