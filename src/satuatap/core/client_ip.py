"""The address (and port) a request came from, for the sign-in lock-out (django-axes) and the
audit trail.

Served directly (gunicorn on its own), it is REMOTE_ADDR: an `X-Forwarded-For` header is the
client's own word and is ignored, so nobody can write another address into the audit trail or
spread their failed sign-ins over made-up addresses.

Behind the reverse proxy (`BEHIND_TLS_PROXY=true`, deploy/nginx), REMOTE_ADDR is the proxy's, the
same for everyone: (username, address) lock-outs would become one lock-out per username for the
whole country, and the audit trail would name the proxy. The proxy appends the address it saw
to `X-Forwarded-For` (nginx: `$proxy_add_x_forwarded_for`), so the last entry is the one to
believe; the entries before it are whatever the client sent. The client's port comes in
`X-Forwarded-Port`, which the proxy sets (nginx: `$remote_port`), replacing any the client sent.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address (see the module's docstring); None when there is none."""
    remote_addr = request.META.get("REMOTE_ADDR") or None
    if not getattr(settings, "BEHIND_TLS_PROXY", False):
        return remote_addr
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    last = forwarded.rsplit(",", 1)[-1].strip()
    try:
        return str(ipaddress.ip_address(last))
    except ValueError:
        return remote_addr


def client_port(request) -> int | None:
    """The client's source port: REMOTE_PORT served directly, the proxy's `X-Forwarded-Port`
    behind it (never a header the client could have written itself)."""
    if getattr(settings, "BEHIND_TLS_PROXY", False):
        value = request.META.get("HTTP_X_FORWARDED_PORT", "")
    else:
        value = request.META.get("REMOTE_PORT", "")
    try:
        port = int(str(value).strip())
    except ValueError:
        return None
    return port if 0 < port < 65536 else None
