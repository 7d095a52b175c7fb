"""Two-factor pages: set-up (QR code, first code, recovery codes), the code page after the
password, and the user's own overview with new recovery codes. The rule is in two_factor.py."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from satuatap.core import two_factor
from satuatap.core.exceptions import DomainError
from satuatap.core.forms import TwoFactorCodeForm
from satuatap.core.two_factor import selectors as two_factor_selectors
from satuatap.core.two_factor import services as two_factor_services


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, {request.get_host()}, request.is_secure()
    ):
        return candidate
    return "/"


def _recovery_codes_page(request, codes: list[str], next_url: str):
    return render(
        request, "core/two_factor/recovery_codes.html", {"codes": codes, "next": next_url}
    )


@never_cache
@login_required
def setup(request):
    """Enrol an authenticator app: scan the QR code (or type the secret), confirm with a code."""
    user = request.user
    next_url = _next_url(request)
    if not two_factor.two_factor_applies_to(user):
        return redirect("home")
    if two_factor_selectors.is_enrolled(user):
        return redirect("core:two-factor")
    form = TwoFactorCodeForm(request.POST or None)
    device = two_factor_services.pending_device(user=user)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor_services.confirm_enrolment(
                user=user, request=request, code=form.cleaned_data["code"]
            )
        except DomainError as error:
            form.add_error("code", error.message)
        else:
            return _recovery_codes_page(request, codes, next_url)
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": two_factor.qr_code_svg(device),
        "secret": two_factor.secret_in_base32(device),
        "required": two_factor.requires_two_factor(user),
    }
    return render(request, "core/two_factor/setup.html", context)


@never_cache
@login_required
def verify(request):
    """The code page after the password: a code from the app, or a recovery code."""
    user = request.user
    next_url = _next_url(request)
    if not two_factor.two_factor_applies_to(user) or two_factor.is_verified(user):
        return redirect(next_url)
    if not two_factor_selectors.is_enrolled(user):
        return redirect(f"{reverse('core:two-factor-setup')}?{urlencode({'next': next_url})}")
    form = TwoFactorCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            verified = two_factor_services.verify_session(
                request=request, code=form.cleaned_data["code"]
            )
        except DomainError as error:
            form.add_error("code", error.message)
            status = error.status if error.status == 429 else 200
        else:
            if verified.used_recovery_code:
                messages.warning(
                    request,
                    _("You used a recovery code; %(count)s are left.")
                    % {"count": two_factor_selectors.recovery_codes_left(user)},
                )
            return redirect(next_url)
    return render(
        request, "core/two_factor/verify.html", {"form": form, "next": next_url}, status=status
    )


@never_cache
@login_required
def overview(request):
    """The user's own two-factor state: enrolled since, recovery codes left."""
    user = request.user
    context = {
        "applies": two_factor.two_factor_applies_to(user),
        "required": two_factor.requires_two_factor(user),
        "device": two_factor_selectors.confirmed_totp_device(user),
        "recovery_codes_left": two_factor_selectors.recovery_codes_left(user),
    }
    return render(request, "core/two_factor/overview.html", context)


@never_cache
@require_POST
@login_required
def new_recovery_codes(request):
    """Replace the recovery codes; only from a session verified with a code."""
    if not two_factor.is_verified(request.user):
        return redirect("core:two-factor-verify")
    try:
        codes = two_factor_services.regenerate_recovery_codes(user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("core:two-factor")
    return _recovery_codes_page(request, codes, "")
