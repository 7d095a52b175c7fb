"""The office head's visit slots (which times each desk takes bookings for from the portal) and
the front desk's scan of a booking, which turns it into a ticket (`frontdesk/bookings/`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from satuatap.core.errors import add_domain_error, add_domain_message
from satuatap.core.exceptions import DomainError
from satuatap.frontdesk.bookings import selectors as booking_selectors
from satuatap.frontdesk.bookings import services as booking_services
from satuatap.frontdesk.forms_bookings import BookingScanForm, VisitSlotForm


def _require_head(request):
    office = request.user.office
    if office is None or not request.user.has_perm("frontdesk.configure_services", office):
        raise PermissionDenied
    return office


@login_required
@require_http_methods(["GET", "POST"])
def slot_list(request):
    office = _require_head(request)
    form = VisitSlotForm(request.POST or None, office=office)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            booking_services.add_slot(
                desk=data["desk"],
                weekday=data["weekday"],
                starts_at=data["starts_at"],
                capacity=data["capacity"],
                by=request.user,
            )
        except DomainError as error:
            add_domain_error(form, error, {"slot_exists": "starts_at"})
            status = error.status
        else:
            messages.success(request, _("The time is open for booking."))
            return redirect("frontdesk:slots")
    elif request.method == "POST":
        status = 422
    context = {"office": office, "form": form, "slots": booking_selectors.office_slots(office)}
    return render(request, "frontdesk/slots.html", context, status=status)


@login_required
@require_POST
def slot_open(request, slot_id: int):
    office = _require_head(request)
    slot = booking_selectors.office_slots(office).filter(pk=slot_id).first()
    if slot is None:
        raise Http404
    booking_services.set_slot_open(
        slot=slot, is_open=request.POST.get("is_active") == "1", by=request.user
    )
    return redirect("frontdesk:slots")


def _require_check_in(user) -> None:
    if not user.has_perm("frontdesk.check_in"):
        raise PermissionDenied


@login_required
def booking_scan(request):
    """The box a scanner types the QR code's address into (or a person the reference)."""
    _require_check_in(request.user)
    form = BookingScanForm(request.GET or None)
    status = 200
    if form.is_valid():
        booking = booking_selectors.find_booking(request.user, form.cleaned_data["scanned"])
        if booking is not None:
            return redirect("frontdesk:booking", token=booking.token)
        form.add_error("scanned", _("No booking of this office has this reference."))
        status = 404
    return render(request, "frontdesk/booking_scan.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def booking_detail(request, token: str):
    """What the booking's QR code opens on a signed-in front-desk device: the booking, and the
    button that checks the person in (once; a second scan shows the visit it became)."""
    _require_check_in(request.user)
    booking = booking_selectors.find_booking(request.user, token)
    if booking is None or booking.token != token:
        raise Http404
    if request.method == "POST":
        try:
            visit, is_new = booking_services.check_in_booking(booking=booking, by=request.user)
        except DomainError as error:
            add_domain_message(request, error)
        else:
            if is_new:
                messages.success(request, _("Checked in from the booking."))
            else:
                messages.info(request, _("This booking was already checked in."))
            return redirect("frontdesk:visit", visit.pk)
        return redirect("frontdesk:booking", token=booking.token)
    context = {"booking": booking, "today": booking.office.today()}
    return render(request, "frontdesk/booking_detail.html", context)


urlpatterns = [
    path("slots/", slot_list, name="slots"),
    path("slots/<int:slot_id>/open/", slot_open, name="slot-open"),
    path("bookings/", booking_scan, name="booking-scan"),
    path("bookings/<str:token>/", booking_detail, name="booking"),
]
