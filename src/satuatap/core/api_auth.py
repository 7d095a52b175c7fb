"""How API callers authenticate: a bearer token, or the browser session (with CSRF)."""

from __future__ import annotations

from ninja.security import APIKeyCookie, HttpBearer

from satuatap.core import two_factor
from satuatap.core.services import user_for_api_token


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_api_token(token)
        if user is None:
            return None
        request.user = user
        return user


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
