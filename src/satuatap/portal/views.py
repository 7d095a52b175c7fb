"""The portal's pages (public, no staff sign-in). Thin: a form, a service or a selector, a
template. Every form posts with its CSRF token; nothing needs JavaScript."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from satuatap.core.client_ip import client_ip
from satuatap.core.errors import add_domain_error
from satuatap.core.exceptions import DomainError
from satuatap.frontdesk.bookings import selectors as booking_selectors
from satuatap.frontdesk.bookings import services as booking_services
from satuatap.frontdesk.qr import qr_svg
from satuatap.portal import CODE_MINUTES, QUICK_EXIT_URL, SESSION_MINUTES, selectors, services
from satuatap.portal import session as portal_session
from satuatap.portal.forms import (
    AgencySearchForm,
    BookingForm,
    CodeForm,
    HelpForm,
    IdentifyForm,
    RecruiterReportForm,
)


def _client(request) -> str:
    return client_ip(request) or "unknown"


def _render(request, template: str, context: dict | None = None, *, status: int = 200):
    return render(
        request,
        template,
        {"quick_exit_url": QUICK_EXIT_URL, **(context or {})},
        status=status,
    )


def _person_or_redirect(request):
    person = portal_session.current_person(request)
    if person is None:
        return None, redirect("portal:identify")
    return person, None


@require_GET
def home(request):
    person = portal_session.current_person(request)
    return _render(request, "portal/home.html", {"person": person})


# --- Identify, then see one's files --------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def identify(request):
    form = IdentifyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                challenge = services.start_identification(
                    nik=form.cleaned_data["nik"],
                    birth_date=form.cleaned_data["birth_date"],
                    client=_client(request),
                )
            except DomainError as error:
                add_domain_error(form, error)
                status = error.status
            else:
                portal_session.remember_challenge(request, challenge.token)
                return redirect("portal:code")
        else:
            status = 422
    return _render(request, "portal/identify.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def code(request):
    token = portal_session.challenge_token(request)
    if not token:
        return redirect("portal:identify")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                person = services.verify_code(
                    token=token, code=form.cleaned_data["code"], client=_client(request)
                )
            except DomainError as error:
                add_domain_error(form, error)
                status = error.status
            else:
                portal_session.sign_in(request, person)
                return redirect("portal:status")
        else:
            status = 422
    context = {"form": form, "code_minutes": CODE_MINUTES}
    return _render(request, "portal/code.html", context, status=status)


@never_cache
@require_GET
def status(request):
    person, leave = _person_or_redirect(request)
    if leave is not None:
        return leave
    today = person.office.today()
    context = {
        "person": person,
        "files": selectors.file_statuses(person, today),
        "bookings": booking_selectors.open_bookings_of(person, today),
        "session_minutes": SESSION_MINUTES,
    }
    return _render(request, "portal/status.html", context)


@require_POST
def sign_out(request):
    portal_session.sign_out(request)
    return redirect("portal:home")


# --- Booking a visit -----------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def book(request):
    person, leave = _person_or_redirect(request)
    if leave is not None:
        return leave
    office = person.office
    desks = list(booking_selectors.bookable_desks(office))
    desk_id = request.POST.get("desk") or request.GET.get("desk") or ""
    desk = next((d for d in desks if str(d.pk) == desk_id), None)
    context = {"person": person, "office": office, "desks": desks, "desk": desk}
    if desk is None:
        return _render(request, "portal/book.html", context)
    times = booking_selectors.open_times(desk)
    form = BookingForm(
        request.POST if request.method == "POST" else None,
        services=booking_selectors.bookable_services(desk),
        times=times,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            chosen = form.chosen_time()
            try:
                booking = services.book_visit(
                    person=person,
                    slot=chosen.slot,
                    service=form.cleaned_data["service"],
                    day=chosen.day,
                    client=_client(request),
                )
            except DomainError as error:
                add_domain_error(form, error, default="time")
                status = error.status
            else:
                return redirect("portal:booking", reference=booking.reference)
        else:
            status = 422
    context |= {"form": form, "times": times}
    return _render(request, "portal/book.html", context, status=status)


def _own_booking(request, reference: str):
    person, leave = _person_or_redirect(request)
    if leave is not None:
        return None, None, leave
    booking = booking_selectors.booking_for_person(person, reference)
    if booking is None:
        raise Http404
    return person, booking, None


@never_cache
@require_GET
def booking(request, reference: str):
    """The booking's reference and the QR code the front desk scans: the address of the
    desk's booking page with the booking's secret token (a signed-in desk opens it)."""
    person, booking, leave = _own_booking(request, reference)
    if leave is not None:
        return leave
    desk_page = reverse("frontdesk:booking", kwargs={"token": booking.token})
    url = settings.SATUATAP_SITE_URL.rstrip("/") + desk_page
    context = {
        "person": person,
        "booking": booking,
        "qr": qr_svg(url, title=_("QR code of the booking")),
    }
    return _render(request, "portal/booking.html", context)


@require_POST
def booking_cancel(request, reference: str):
    person, booking, leave = _own_booking(request, reference)
    if leave is not None:
        return leave
    try:
        booking_services.cancel_booking(booking=booking, person=person)
    except DomainError as error:
        if error.status in (403, 404):
            raise Http404 from error
        raise PermissionDenied(error.message) from error
    return redirect("portal:status")


# --- Agencies and recruiters ---------------------------------------------------------------------


@require_GET
def agencies(request):
    form = AgencySearchForm(request.GET or None)
    today = timezone.localdate()
    answers = None
    if form.is_valid() and form.cleaned_data["q"]:
        answers = selectors.search_agencies(" ".join(form.cleaned_data["q"].split()), today)
    context = {"form": form, "answers": answers, "today": today}
    return _render(request, "portal/agencies.html", context)


def _contact_form(request, form_class, template: str, send) -> HttpResponse:
    """A form that leaves a message for the office's MRC (a report, a request for help): on
    success the neutral thank-you page, never the message back; `send(data, client)` calls the
    service."""
    form = form_class(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                send(form.cleaned_data, _client(request))
            except DomainError as error:
                add_domain_error(form, error)
                status = error.status
            else:
                return redirect("portal:thanks")
        else:
            status = 422
    return _render(request, template, {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def report(request):
    return _contact_form(
        request,
        RecruiterReportForm,
        "portal/report.html",
        lambda data, client: services.report_recruiter(
            office=data["office"],
            recruiter=data["recruiter"],
            details=data["details"],
            reach=data["reach"],
            client=client,
        ),
    )


# --- Asking the MRC for help ---------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def help_request(request):
    return _contact_form(
        request,
        HelpForm,
        "portal/help.html",
        lambda data, client: services.ask_for_help(
            office=data["office"],
            what_happened=data["what_happened"],
            reach=data["reach"],
            country=data["country"],
            client=client,
            confirm_to=data["confirmation_phone"] if data["wants_confirmation"] else "",
        ),
    )


@require_GET
def thanks(request):
    """The same neutral page after a request for help and after a report: nothing of either."""
    return _render(request, "portal/thanks.html")


app_name = "portal"
urlpatterns = [
    path("", home, name="home"),
    path("identify/", identify, name="identify"),
    path("code/", code, name="code"),
    path("status/", status, name="status"),
    path("sign-out/", sign_out, name="sign-out"),
    path("book/", book, name="book"),
    path("bookings/<str:reference>/", booking, name="booking"),
    path("bookings/<str:reference>/cancel/", booking_cancel, name="booking-cancel"),
    path("agencies/", agencies, name="agencies"),
    path("report/", report, name="report"),
    path("help/", help_request, name="help"),
    path("thanks/", thanks, name="thanks"),
]
