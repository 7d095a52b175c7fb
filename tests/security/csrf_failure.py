"""A CSRF failure view for the tests: a 403 that says it came from the CSRF check, so a test can
tell it from a permission refusal."""

from django.http import HttpResponseForbidden


def refused(request, reason=""):
    response = HttpResponseForbidden("csrf")
    response["X-Refused-By"] = "csrf"
    return response
