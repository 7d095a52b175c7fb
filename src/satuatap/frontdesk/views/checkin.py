"""Check-in (find or register the visitor, pick services, one ticket per desk), the visit page,
the printable tickets, and the office's service catalogue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from satuatap.core.errors import add_domain_error
from satuatap.core.exceptions import DomainError
from satuatap.frontdesk import catalogue, selectors, services
from satuatap.frontdesk.catalogue import selectors as catalogue_selectors
from satuatap.frontdesk.catalogue import services as catalogue_services
from satuatap.frontdesk.forms_checkin import ANONYMOUS, CheckInForm, ServiceForm
from satuatap.frontdesk.models import Service, Visit
from satuatap.frontdesk.qr import qr_svg
from satuatap.people.models import Person
from satuatap.people.search import search_people
from satuatap.people.selectors import active_people

SEARCH_LIMIT = 10
# Which box of the check-in form shows an error of `services.check_in`.
CHECK_IN_ERROR_FIELDS = {
    "no_service": "services",
    "unknown_service": "services",
    "person_required": "services",
    "unknown_priority": "priority",
}


def _require_check_in(user) -> None:
    if not user.has_perm("frontdesk.check_in"):
        raise PermissionDenied


def _search_query(request) -> str:
    return (request.GET.get("q") or "").strip()[:100]


def _person_from_link(request) -> Person | None:
    person_id = request.GET.get("person") or ""
    if not person_id.isdigit():
        return None
    return active_people(request.user).filter(pk=int(person_id)).first()


@login_required
@require_http_methods(["GET", "POST"])
def check_in(request):
    _require_check_in(request.user)
    query = _search_query(request)
    hits = search_people(request.user, query, limit=SEARCH_LIMIT) if query else []
    if request.htmx and request.method == "GET":
        return render(
            request,
            "people/_person_choices.html",
            {
                "hits": hits,
                "query": query,
                "field": "visitor",
                "testid": "checkin-people",
                "choose_nik_match": True,
            },
        )
    form = CheckInForm(request.POST or None, user=request.user)
    if request.method == "GET":
        # From a person's page ("Check in") or a registration: that person is chosen.
        form.chosen_person = _person_from_link(request)
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.check_in(by=request.user, **form.check_in_data())
        except DomainError as error:
            add_domain_error(form, error, CHECK_IN_ERROR_FIELDS)
        else:
            messages.success(request, _("The visitor is checked in."))
            return redirect("frontdesk:visit", visit.pk)
    context = {
        "form": form,
        "hits": hits,
        "query": query,
        "chosen": form.chosen_person,
        "anonymous": ANONYMOUS,
        "is_anonymous": form.is_anonymous,
        "groups": form.service_groups(),
    }
    return render(request, "frontdesk/checkin.html", context)


def _get_visit_or_404(request, visit_id: int) -> Visit:
    _require_check_in(request.user)
    visit = selectors.get_visible_visit(request.user, visit_id)
    if visit is None:
        raise Http404
    return visit


@login_required
def visit_detail(request, visit_id: int):
    visit = _get_visit_or_404(request, visit_id)
    return render(request, "frontdesk/checkin_visit.html", {"visit": visit})


def survey_url(request, visit: Visit) -> str:
    """The absolute address of the visit's satisfaction survey (what the QR code holds)."""
    try:
        survey_path = reverse("public:survey", kwargs={"token": visit.survey_token})
    except NoReverseMatch:  # the survey page is not wired yet
        survey_path = f"/survey/{visit.survey_token}/"
    return request.build_absolute_uri(survey_path)


@login_required
def visit_print(request, visit_id: int):
    visit = _get_visit_or_404(request, visit_id)
    url = survey_url(request, visit)
    qr = qr_svg(url, title=_("QR code: satisfaction survey of this visit"))
    tickets = [(ticket, selectors.waiting_ahead(ticket)) for ticket in visit.tickets.all()]
    context = {
        "visit": visit,
        "office": visit.office,
        "tickets": tickets,
        "qr": qr,
        "autoprint": request.GET.get("autoprint") == "1",
    }
    return render(request, "frontdesk/ticket_print.html", context)


# --- The service catalogue (office head) ------------------------------------------------------


def _require_head(request):
    office = request.user.office
    if office is None or not request.user.has_perm("frontdesk.configure_services", office):
        raise PermissionDenied
    return office


def _get_service_or_404(office, service_id: int) -> Service:
    service = catalogue_selectors.catalogue_services(office).filter(pk=service_id).first()
    if service is None:
        raise Http404
    return service


@login_required
def service_list(request):
    office = _require_head(request)
    groups = catalogue_selectors.catalogue_by_desk(office)
    context = {
        "office": office,
        "groups": groups,
        "can_configure_desks": request.user.has_perm("core.configure_office", office),
        "has_desks": any(desk.is_active for desk, _services in groups),
        "can_install_defaults": any(
            desk.is_active and not rows and desk.desk_type.code in catalogue.DEFAULT_SERVICES
            for desk, rows in groups
        ),
    }
    return render(request, "frontdesk/services.html", context)


def _service_form_page(request, office, service: Service | None):
    form = ServiceForm(request.POST or None, office=office, service=service)
    if request.method == "POST" and form.is_valid():
        try:
            catalogue_services.save_service(
                office=office, by=request.user, service=service, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The service is saved."))
            return redirect("frontdesk:services")
    return render(request, "frontdesk/services_form.html", {"form": form, "service": service})


@login_required
@require_http_methods(["GET", "POST"])
def service_new(request):
    office = _require_head(request)
    return _service_form_page(request, office, None)


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(request, service_id: int):
    office = _require_head(request)
    return _service_form_page(request, office, _get_service_or_404(office, service_id))


@login_required
@require_POST
def service_active(request, service_id: int):
    office = _require_head(request)
    service = _get_service_or_404(office, service_id)
    is_active = request.POST.get("is_active") == "1"
    catalogue_services.set_service_active(service=service, by=request.user, is_active=is_active)
    if is_active:
        messages.success(request, _("The service is offered at check-in again."))
    else:
        messages.success(request, _("The service is no longer offered at check-in."))
    return redirect("frontdesk:services")


@login_required
@require_POST
def services_install_defaults(request):
    office = _require_head(request)
    created = catalogue_services.install_default_services(office=office, by=request.user)
    if created:
        messages.success(
            request,
            ngettext(
                "%(count)d default service was added: check its name and time.",
                "%(count)d default services were added: check their names and times.",
                len(created),
            )
            % {"count": len(created)},
        )
    else:
        messages.info(request, _("Every desk already has services: nothing was added."))
    return redirect("frontdesk:services")


urlpatterns = [
    path("check-in/", check_in, name="check-in"),
    path("visits/<int:visit_id>/", visit_detail, name="visit"),
    path("visits/<int:visit_id>/print/", visit_print, name="visit-print"),
    path("services/", service_list, name="services"),
    path("services/new/", service_new, name="service-new"),
    path("services/defaults/", services_install_defaults, name="services-defaults"),
    path("services/<int:service_id>/edit/", service_edit, name="service-edit"),
    path("services/<int:service_id>/active/", service_active, name="service-active"),
]
