"""WSGI entry point for the check-in and registry benchmarks: the app, plus the floors next to it.

    gunicorn --pythonpath benchmarks floor_wsgi:application …

Everything goes to `satuatap.wsgi.application` (the real app, unchanged) except:

- `POST /floor/`: the floor without middleware: a Django handler whose middleware chain is
  empty, resolving to `floor_view`, which does one `INSERT INTO bench_floor` on the default
  database connection and answers 201 with a small JSON body;
- `POST /floor/mw/`: the same view behind the project's whole `MIDDLEWARE` (sessions, CSRF –
  the view is exempt –, auth, axes, auditlog…), to show what the middleware costs;
- `GET /floor/auth/`: behind the whole `MIDDLEWARE`, the API's bearer-token authentication
  (`core.api_auth.bearer_token`, the token and its user read as every API call reads them) and
  nothing else: 204, or 401 without a usable token. The floor of the NIK lookup (issue 20: "the
  same request's bare authenticated HTTP stack").

Both floors share the settings, the database connection handling (`CONN_MAX_AGE`, the SQLite
`init_command` PRAGMAs, `request_started`/`request_finished`) and the gunicorn workers of the
app. The table `bench_floor` is created by `bench_checkin.py` in the benchmark database only.
"""

from __future__ import annotations

import json
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "satuatap.settings")

from django.core.handlers.exception import convert_exception_to_response  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse, JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402

from satuatap.wsgi import application as app  # noqa: E402  (sets Django up)

FLOOR_TABLE = "bench_floor"


@csrf_exempt
def floor_view(request):
    """One insert, nothing else: the least a check-in could cost through Django."""
    if request.method != "POST":
        return HttpResponse(status=405)
    body = json.loads(request.body or b"{}")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {FLOOR_TABLE} (client, payload) VALUES (%s, %s)",
            [int(body.get("client", 0)), len(request.body)],
        )
    return JsonResponse({"ok": True}, status=201)


def auth_floor_view(request):
    """Authenticate the bearer token as the API does, and answer nothing."""
    from satuatap.core.api_auth import bearer_token

    if request.method != "GET":
        return HttpResponse(status=405)
    user = bearer_token(request)
    return HttpResponse(status=204 if user is not None else 401)


urlpatterns = [
    path("floor/", floor_view),
    path("floor/mw/", floor_view),
    path("floor/auth/", auth_floor_view),
]


class FloorHandler(WSGIHandler):
    """A WSGIHandler that resolves against this module's urlpatterns, with or without the
    project's middleware."""

    def __init__(self, with_middleware: bool) -> None:
        self.with_middleware = with_middleware
        super().__init__()

    def load_middleware(self, is_async: bool = False) -> None:
        if self.with_middleware:
            super().load_middleware(is_async)
            return
        # What BaseHandler.load_middleware builds for an empty MIDDLEWARE setting.
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        self._middleware_chain = convert_exception_to_response(self._get_response)

    def get_response(self, request):
        request.urlconf = __name__
        return super().get_response(request)


floor_bare = FloorHandler(with_middleware=False)
floor_with_middleware = FloorHandler(with_middleware=True)


def application(environ, start_response):
    path_info = environ.get("PATH_INFO", "")
    if path_info == "/floor/":
        return floor_bare(environ, start_response)
    if path_info in ("/floor/mw/", "/floor/auth/"):
        return floor_with_middleware(environ, start_response)
    return app(environ, start_response)
