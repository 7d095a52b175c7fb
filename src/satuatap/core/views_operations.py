"""What the operator's machines ask: is the server alive (`/healthz`), ready (`/readyz`), and
its metrics (`/metrics`, for Prometheus and the administrator). docs/operations.md.

`/healthz` and `/readyz` answer anyone (load balancers and probes carry no credentials) and so
say nothing but "ok" or which components by name are not ready: no version, no host, no error
text. `/metrics` answers a request bearing a token of `SATUATAP_METRICS_TOKEN` (`Authorization:
Bearer …`, compared in constant time; two tokens, comma-separated, while one replaces the
other) or a signed-in administrator (past two-factor sign-in); anyone else gets 401 (no
credentials) or 403.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from satuatap.core import health, metrics


@never_cache
@require_GET
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


@never_cache
@require_GET
def readyz(request):
    checks = health.readiness()
    failing = [name for name, ready in checks.items() if not ready]
    body: dict[str, object] = {
        "status": "not ready" if failing else "ready",
        "checks": {name: "ok" if ready else "failing" for name, ready in checks.items()},
    }
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)


def metrics_tokens() -> list[str]:
    """The accepted tokens: SATUATAP_METRICS_TOKEN, comma-separated (two during a rotation)."""
    return [token.strip() for token in settings.SATUATAP_METRICS_TOKEN.split(",") if token.strip()]


def _bearer_token_matches(request) -> bool:
    scheme, _, offered = request.headers.get("Authorization", "").partition(" ")
    offered = offered.strip()
    if scheme.lower() != "bearer" or not offered:
        return False
    # Every token is compared, so the time taken says nothing about which one came close.
    matches = [hmac.compare_digest(offered.encode(), token.encode()) for token in metrics_tokens()]
    return any(matches)


@never_cache
@require_GET
def metrics_view(request):
    if not _bearer_token_matches(request):
        if not request.user.is_authenticated:
            response = HttpResponse("", status=401, content_type="text/plain")
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
        if not request.user.has_perm("core.view_metrics"):
            raise PermissionDenied
    body, content_type = metrics.exposition()
    return HttpResponse(body, content_type=content_type)
