"""The office head's pages for the office's devices (calling screens, exit kiosks): the list with
when each was last seen, pairing a device by the code it shows, and revoking one
(`frontdesk/devices/__init__.py` describes the pairing)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from satuatap.core.exceptions import DomainError
from satuatap.frontdesk import devices
from satuatap.frontdesk.devices import selectors as device_selectors
from satuatap.frontdesk.devices import services as device_services
from satuatap.frontdesk.forms_console import PairDeviceForm
from satuatap.frontdesk.models import Device


def _managed_office(request):
    office = request.user.office
    if office is None or not request.user.has_perm("frontdesk.manage_devices", office):
        raise PermissionDenied
    return office


@login_required
def device_list(request):
    office = _managed_office(request)
    context = {"office": office, "devices": list(device_selectors.office_devices(office))}
    return render(request, "frontdesk/devices.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def pair_device(request):
    """Confirm the code an unpaired device shows. The QR code on the device opens this page with
    `?code=…&kind=…` filled in; nothing is looked up before the head sends the form, so that the
    page tells nothing about a code to someone who only tries it."""
    office = _managed_office(request)
    if request.method == "POST":
        form = PairDeviceForm(request.POST, office=office)
    else:
        initial = {"code": request.GET.get("code", "")[:16]}
        if request.GET.get("kind") in Device.Kind.values:
            initial["kind"] = request.GET["kind"]
        form = PairDeviceForm(initial=initial, office=office)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            device = device_services.confirm_pairing(
                office=office,
                code=data["code"],
                kind=data["kind"],
                name=data["name"],
                desks=data["desks"],
                by=request.user,
            )
        except DomainError as error:
            field = "code" if error.code in ("invalid_code", "too_many_attempts") else None
            form.add_error(field, error.message)
            status = error.status
        else:
            messages.success(
                request,
                _("“%(name)s” is paired: it opens its page within a few seconds.")
                % {"name": device.name},
            )
            return redirect("frontdesk:devices")
    context = {
        "office": office,
        "form": form,
        "is_locked": device_selectors.pairing_is_locked(request.user),
        "code_minutes": devices.PAIRING_MINUTES,
    }
    return render(request, "frontdesk/device_pair.html", context, status=status)


@login_required
@require_POST
def revoke_device(request, device_id: int):
    office = _managed_office(request)
    device = device_selectors.office_devices(office).filter(pk=device_id).first()
    if device is None:
        raise Http404
    try:
        device_services.revoke_device(device=device, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("“%(name)s” is revoked: it stops working now.") % {"name": device.name}
        )
    return redirect("frontdesk:devices")


urlpatterns = [
    path("devices/", device_list, name="devices"),
    path("devices/pair/", pair_device, name="device-pair"),
    path("devices/<int:device_id>/revoke/", revoke_device, name="device-revoke"),
]
