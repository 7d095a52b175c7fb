"""Two-factor sign-in (TOTP with django-otp): who must use it, enrolment, codes, recovery codes.

The rule, in one place (`requires_two_factor`): everyone who can read survivors' data or
administer the system signs in with a code from an authenticator app as well as a password —

- MRC counsellors / case workers (they can be assigned restricted cases),
- case supervisors (they see every case of their office, restricted ones included),
- partner case workers (they see the consented details of referred GBV cases),
- ministry placement administrators (they change an agency's licence for the whole country,
  and read the concerns offices raise about agencies, whose text may name a complaining
  worker),
- office heads (they add the office's staff, give them roles — counsellor among them — and
  reset a colleague's second factor: with the head's password alone, those would open the
  door the second factor closes for everyone else),
- administrators, superusers and staff users (the admin site and the audit trail).

`SATUATAP_REQUIRE_2FA=false` turns enforcement off for a deployment that cannot use it yet;
`satuatap check --deploy` then warns (satuatap.W002).

The package: the rule, the constants and the pure helpers here; `selectors.py` (a user's
devices and recovery codes left), `services.py` (enrolment, recovery codes, checking a code,
marking a session verified, a reset by a head or the administrator).
"""

from __future__ import annotations

import base64

from django.conf import settings
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from satuatap.core.exceptions import DomainError
from satuatap.core.roles import Role

TWO_FACTOR_ROLES = frozenset(
    {
        Role.COUNSELLOR,
        Role.CASE_SUPERVISOR,
        Role.PARTNER_CASEWORKER,
        Role.NATIONAL_PLACEMENT,
        Role.OFFICE_HEAD,
        Role.ADMINISTRATOR,
    }
)
RECOVERY_CODE_COUNT = 10
MAX_REASON_LENGTH = 500
DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"


def two_factor_applies_to(user) -> bool:
    """Whether the user's roles put them under the two-factor rule (whatever the setting)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.is_staff or user.roles.intersection(TWO_FACTOR_ROLES))


def requires_two_factor(user) -> bool:
    """The one rule: must this user verify a second factor before using SatuAtap?"""
    return bool(settings.SATUATAP_REQUIRE_2FA) and two_factor_applies_to(user)


def is_verified(user) -> bool:
    """Whether this session passed the second factor (set by django-otp's OTPMiddleware)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def has_passed_two_factor(user) -> bool:
    """The user may go on: either they need no second factor, or this session verified one."""
    return not requires_two_factor(user) or is_verified(user)


def secret_in_base32(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed in, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG (segno; no image service, no inline style)."""
    import segno

    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, title=_("QR code for your authenticator app"), dark="#000", light="#fff"
    )


def check_reason(reason: str) -> str:
    """A reset's reason, in one line: required, at most `MAX_REASON_LENGTH` characters."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(
            "invalid",
            _("Some fields are not valid."),
            status=422,
            details={"reason": _("Say why the second factor is reset.")},
        )
    if len(reason) > MAX_REASON_LENGTH:
        raise DomainError(
            "invalid",
            _("Some fields are not valid."),
            status=422,
            details={"reason": _("At most %(count)s characters.") % {"count": MAX_REASON_LENGTH}},
        )
    return reason
