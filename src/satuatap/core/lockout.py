"""What a locked-out sign-in gets: a page in the UI, JSON from the API."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request, response=None, credentials=None, *args, **kwargs):
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "locked_out", "message": _("Too many failed attempts. Try again later.")},
            status=429,
        )
    return render(request, "registration/locked_out.html", status=429)
