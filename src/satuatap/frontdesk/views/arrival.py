"""The arrival kiosk (`/arrival/`): a visitor who booked a visit in the portal scans the
booking's QR code (or types its reference) and gets the desk's queue number, without queueing
at the front desk. A paired device of the office (`views/pairing.py`); the visit it checks in
is the kiosk's (`Visit.checked_in_device`). The screen is public: it shows the number and the
desk, never the visitor's name."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from satuatap.core.exceptions import DomainError
from satuatap.frontdesk import selectors
from satuatap.frontdesk.bookings import selectors as booking_selectors
from satuatap.frontdesk.bookings import services as booking_services
from satuatap.frontdesk.forms_bookings import ArrivalScanForm
from satuatap.frontdesk.models import Device
from satuatap.frontdesk.qr import qr_svg
from satuatap.frontdesk.views.checkin import survey_url
from satuatap.frontdesk.views.pairing import device_page

# The ticket stays on the screen this long (to note or print it), then the kiosk starts again
# (static/frontdesk/arrival.js; the page also takes the next scan at once).
TICKET_SECONDS = 30


@never_cache
@require_http_methods(["GET", "POST"])
@device_page(Device.Kind.ARRIVAL_KIOSK, refresh_cookie=True)
def arrival(request, device: Device):
    office = device.office
    form = ArrivalScanForm(request.POST or None)
    context = {"device": device, "office": office, "form": form}
    if request.method == "GET":
        return render(request, "frontdesk/arrival_start.html", context)
    status = 422
    if form.is_valid():
        booking = booking_selectors.office_booking(office.pk, form.cleaned_data["scanned"])
        if booking is None:
            form.add_error(
                "scanned",
                _("No booking of this office has this code. Check it, or ask at the front desk."),
            )
            status = 404
        else:
            try:
                visit, is_new = booking_services.check_in_booking_at_kiosk(
                    booking=booking, device=device
                )
            except DomainError as error:
                form.add_error("scanned", error.message)
                status = error.status
            else:
                return _ticket(request, device, visit, is_new)
    return render(request, "frontdesk/arrival_start.html", context, status=status)


def _ticket(request, device: Device, visit, is_new: bool):
    tickets = [(ticket, selectors.waiting_ahead(ticket)) for ticket in visit.tickets.all()]
    context = {
        "device": device,
        "office": device.office,
        "visit": visit,
        "tickets": tickets,
        "is_new": is_new,
        "qr": qr_svg(survey_url(request, visit), title=_("QR code: satisfaction survey")),
        "restart_seconds": TICKET_SECONDS,
        "restart_url": reverse("public:arrival"),
        "form": ArrivalScanForm(),  # the next visitor's scan
    }
    return render(request, "frontdesk/arrival_ticket.html", context, status=201 if is_new else 200)


public_urlpatterns = [
    path("arrival/", arrival, name="arrival"),
]
