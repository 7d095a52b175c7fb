"""The device's side of pairing (`frontdesk/devices/__init__.py` tells the whole story).

`device_page(kind)` wraps the views of the calling screen and the kiosks: the view runs
with the paired device of that kind, found from the credential cookie. A browser without one
gets the pairing page (its code and QR code) instead, and picks its credential up there as soon
as the office head has confirmed the code. No session, no sign-in: the cookie is the device's
only key, and it opens nothing but the device's own pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from satuatap.core.exceptions import DomainError
from satuatap.frontdesk import devices
from satuatap.frontdesk.devices import selectors as device_selectors
from satuatap.frontdesk.devices import services as device_services
from satuatap.frontdesk.models import Device
from satuatap.frontdesk.qr import qr_svg

# The page each kind of device works on.
HOME = {
    Device.Kind.CALLING_SCREEN: "public:display",
    Device.Kind.EXIT_KIOSK: "public:kiosk",
    Device.Kind.ARRIVAL_KIOSK: "public:arrival",
}
POLL_SECONDS = 2


def _set_cookie(response: HttpResponse, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _forget(response: HttpResponse, name: str) -> None:
    response.delete_cookie(name, samesite="Lax")


def pairing_page(request, kind: str) -> HttpResponse:
    """The code (and its QR code) of this browser's pairing, a new one when it has none."""
    secret = request.COOKIES.get(devices.PAIRING_COOKIE, "")
    pairing = device_selectors.waiting_pairing(secret)
    new_secret = None
    error = ""
    if pairing is None:
        try:
            new_secret, pairing = device_services.start_pairing(kind=kind)
        except DomainError as problem:
            error = problem.message
    # A full table of waiting codes: try again, but not every two seconds.
    context: dict = {"kind": kind, "error": error, "poll_seconds": 30 if error else POLL_SECONDS}
    if pairing is not None:
        query = urlencode({"code": pairing.code, "kind": kind})
        pair_url = request.build_absolute_uri(f"{reverse('frontdesk:device-pair')}?{query}")
        context.update(
            {
                "code": devices.format_code(pairing.code),
                "qr": qr_svg(pair_url, title=_("Pair this device")),
                "minutes": devices.PAIRING_MINUTES,
                "devices_path": reverse("frontdesk:devices"),
            }
        )
    response = render(request, "frontdesk/pairing.html", context, status=503 if error else 200)
    if new_secret is not None:
        _set_cookie(response, devices.PAIRING_COOKIE, new_secret, 2 * devices.PAIRING_MINUTES * 60)
    if devices.DEVICE_COOKIE in request.COOKIES:
        _forget(response, devices.DEVICE_COOKIE)  # revoked, or of a device no longer there
    return response


def device_page(kind: str, *, unpaired: str = "pair", refresh_cookie: bool = False):
    """Run the view as the paired device of `kind`: `view(request, device, ...)`.

    Without a device: `unpaired="pair"` shows the pairing page, `"home"` redirects to the
    kind's page (which shows it), `"404"` answers an empty 404 (a polled fragment: the page
    then says the device is no longer paired). A device of the other kind is sent to its own
    page. `refresh_cookie`: set the credential again, so it stays while the device is used."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            raw = request.COOKIES.get(devices.DEVICE_COOKIE, "")
            device = device_selectors.paired_device(raw)
            issued = False
            if device is None:
                claimed = device_services.claim_device(
                    secret=request.COOKIES.get(devices.PAIRING_COOKIE, "")
                )
                if claimed is not None:
                    raw, device = claimed
                    issued = True
            if device is None:
                if unpaired == "404":
                    return HttpResponseNotFound(b"", content_type="text/plain")
                if unpaired == "home":
                    return redirect(HOME[kind])
                return pairing_page(request, kind)
            if device.kind != kind:
                if unpaired == "404":
                    return HttpResponseNotFound(b"", content_type="text/plain")
                return redirect(HOME[device.kind])
            device_services.note_seen(device)
            response = view(request, device, *args, **kwargs)
            if issued or refresh_cookie:
                _set_cookie(response, devices.DEVICE_COOKIE, raw, devices.DEVICE_COOKIE_MAX_AGE)
            if issued:
                _forget(response, devices.PAIRING_COOKIE)
            return response

        return wrapper

    return decorate


@never_cache
@require_GET
def pairing_status(request):
    """Polled by the pairing page: 204 while the code waits; once the head confirmed it, or the
    code is gone (expired, or no pairing at all), `HX-Refresh` reloads the page, which then
    picks the credential up or shows a new code. It never writes."""
    state = device_selectors.pairing_state(request.COOKIES.get(devices.PAIRING_COOKIE, ""))
    if state == "waiting":
        return HttpResponse(status=204)
    response = HttpResponse(b"", content_type="text/plain")
    response["HX-Refresh"] = "true"
    return response


public_urlpatterns = [
    path("device/pairing/", pairing_status, name="device-pairing"),
]
