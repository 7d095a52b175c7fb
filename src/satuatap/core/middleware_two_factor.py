"""Nobody who must use two-factor sign-in goes further than the code page without it.

Sits after django-otp's OTPMiddleware (which tells whether this session passed a code) and
after HtmxMiddleware. A signed-in user under the rule (`two_factor.requires_two_factor`) whose
session is not verified reaches only the two-factor pages, sign-out, the language switch,
/healthz and /readyz; any other page sends them to set-up (no device yet) or to the code page,
keeping the page they asked for as `next`. htmx requests get 403 with HX-Redirect (a full-page
redirect, not a broken swap); API calls with the session get a JSON 403. A bearer token is a
separate credential, issued only against a code (`POST /api/v1/auth/token` with `otp`).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from satuatap.core import two_factor
from satuatap.core.two_factor import selectors as two_factor_selectors

OPEN_VIEWS = frozenset(
    {
        "logout",
        "login",
        "set-language",
        "healthz",
        "readyz",
        "core:two-factor-setup",
        "core:two-factor-verify",
    }
)


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or two_factor.has_passed_two_factor(user):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_VIEWS:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "code": "two_factor_required",
                    "message": _("Enter your two-factor code first (sign in on the website)."),
                },
                status=403,
            )
        target = reverse(
            "core:two-factor-verify"
            if two_factor_selectors.is_enrolled(user)
            else "core:two-factor-setup"
        )
        if getattr(request, "htmx", False):
            response = HttpResponseForbidden(_("Enter your two-factor code first."))
            next_url = request.htmx.current_url_abs_path or "/"
            response["HX-Redirect"] = f"{target}?{urlencode({'next': next_url})}"
            return response
        next_url = request.get_full_path() if request.method == "GET" else "/"
        return redirect(f"{target}?{urlencode({'next': next_url})}")
