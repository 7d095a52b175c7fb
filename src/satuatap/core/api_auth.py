"""How API callers authenticate: a bearer token, or the browser session (with CSRF)."""

from __future__ import annotations

from ninja.security import APIKeyCookie, HttpBearer

from satuatap.core import attribution, two_factor
from satuatap.core.services import usable_api_token


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        api_token = usable_api_token(token)
        if api_token is None:
            return None
        # The audit trail reads both when a change is written (core.attribution): the change is the
        # token's user's, made with this token.
        request.user = api_token.user
        setattr(request, attribution.API_TOKEN_ATTRIBUTE, api_token.pk)
        return api_token.user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods also need the CSRF token."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        # The two-factor middleware refuses such a session already; never rely on order alone.
        return user if two_factor.has_passed_two_factor(user) else None


bearer_token = BearerToken()
session_auth = SessionAuth()
