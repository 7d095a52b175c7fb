"""The register of data-subject requests: the list with its filters and deadlines, recording a
request (from the person's page or for someone not in the registry), its page, correcting it,
starting it, answering it, and erasing the record an erasure request is about. A request the
reader may not see is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from satuatap.core.errors import add_domain_error, add_domain_message
from satuatap.core.exceptions import DomainError
from satuatap.people.selectors import get_visible_person
from satuatap.privacy import deadlines, selectors, services
from satuatap.privacy.forms import (
    ERROR_FIELDS,
    CloseRequestForm,
    ConfirmForm,
    SubjectRequestFilterForm,
    SubjectRequestForm,
)
from satuatap.privacy.models import RequestStatus, RequestType, SubjectRequest
from satuatap.privacy.templatetags.privacy_tags import on_clock

PAGE_SIZE = 50


def _require_register(user) -> None:
    if not user.has_perm("privacy.register_subject_request"):
        raise PermissionDenied


def _visible_or_404(request, subject_request_id: int) -> SubjectRequest:
    _require_register(request.user)
    subject_request = selectors.get_visible_subject_request(request.user, subject_request_id)
    if subject_request is None:
        raise Http404
    return subject_request


def _require_handle(user, subject_request: SubjectRequest) -> None:
    if not user.has_perm("privacy.handle_subject_request", subject_request):
        raise PermissionDenied


@login_required
def subject_request_list(request):
    user = request.user
    _require_register(user)
    form = SubjectRequestFilterForm(request.GET or None)
    filters = {"status": "open", "request_type": "", "overdue": False}
    if form.is_valid():
        filters |= {
            "status": form.cleaned_data["status"] or "open",
            "request_type": form.cleaned_data["request_type"],
            "overdue": form.cleaned_data["overdue"],
        }
    now = timezone.now()
    requests = selectors.filter_subject_requests(
        selectors.visible_subject_requests(user), now=now, **filters
    )
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    query = {key: value for key, value in request.GET.items() if key != "page" and value}
    context = {
        "office": user.office,
        "form": form,
        "page": page,
        "subject_requests": page.object_list,
        "now": now,
        "counts": selectors.open_request_counts(user, now),
        "is_whole_office": user.has_perm("privacy.view_office_subject_requests"),
        "deadline_table": deadlines.deadline_table(),
        "filters": urlencode(query),
    }
    return render(request, "privacy/subject_request_list.html", context)


def _person_from_query(request):
    raw = request.GET.get("person", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    person = get_visible_person(request.user, int(raw))
    if person is None:
        raise Http404
    return person


@login_required
@require_http_methods(["GET", "POST"])
def subject_request_create(request):
    user = request.user
    _require_register(user)
    person = _person_from_query(request)
    form = SubjectRequestForm(
        request.POST or None,
        zone=user.office.zone,
        has_person=person is not None,
        initial={"received_at": timezone.now().replace(second=0, microsecond=0)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            subject_request = services.register_subject_request(
                by=user, person=person, **form.values()
            )
        except DomainError as error:
            add_domain_error(form, error, ERROR_FIELDS)
        else:
            messages.success(
                request,
                _("The request is recorded as %(reference)s. It must be answered by %(due)s.")
                % {
                    "reference": subject_request.reference,
                    "due": on_clock(subject_request.due_at, subject_request.office.time_zone),
                },
            )
            return redirect("privacy:subject-request-detail", subject_request.pk)
    context = {
        "form": form,
        "person": person,
        "subject_request": None,
        "deadline_table": deadlines.deadline_table(),
    }
    return render(request, "privacy/subject_request_form.html", context)


@login_required
def subject_request_detail(request, subject_request_id: int):
    subject_request = _visible_or_404(request, subject_request_id)
    user = request.user
    can_handle = user.has_perm("privacy.handle_subject_request", subject_request)
    person = subject_request.person
    context = {
        "subject_request": subject_request,
        "office": subject_request.office,
        "zone": subject_request.office.time_zone,
        "now": timezone.now(),
        "can_handle": can_handle and subject_request.is_open,
        "can_erase": (
            can_handle
            and subject_request.is_open
            and subject_request.request_type == RequestType.ERASURE
            and person is not None
            and subject_request.erasure_request_id is None
            and user.has_perm("people.erase_person", person)
        ),
        "confirm_form": ConfirmForm(),
        "person": person,
        "deadline_basis": deadlines.RULES[subject_request.request_type].basis,
    }
    return render(request, "privacy/subject_request_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def subject_request_edit(request, subject_request_id: int):
    subject_request = _visible_or_404(request, subject_request_id)
    _require_handle(request.user, subject_request)
    if not subject_request.is_open:
        messages.info(request, _("This request is closed: it can no longer be changed."))
        return redirect("privacy:subject-request-detail", subject_request.pk)
    initial = {field: getattr(subject_request, field) for field in SubjectRequestForm.base_fields}
    form = SubjectRequestForm(
        request.POST or None,
        zone=subject_request.office.zone,
        has_person=subject_request.person_id is not None,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_subject_request(
                subject_request=subject_request, by=request.user, **form.values()
            )
        except DomainError as error:
            add_domain_error(form, error, ERROR_FIELDS)
        else:
            messages.success(request, _("The request is corrected."))
            return redirect("privacy:subject-request-detail", subject_request.pk)
    context = {
        "form": form,
        "person": subject_request.person,
        "subject_request": subject_request,
        "deadline_table": deadlines.deadline_table(),
    }
    return render(request, "privacy/subject_request_form.html", context)


@login_required
@require_POST
def subject_request_start(request, subject_request_id: int):
    subject_request = _visible_or_404(request, subject_request_id)
    _require_handle(request.user, subject_request)
    try:
        services.start_subject_request(subject_request=subject_request, by=request.user)
    except DomainError as error:
        add_domain_message(request, error)
    else:
        messages.success(request, _("The request is in progress."))
    return redirect("privacy:subject-request-detail", subject_request.pk)


@login_required
@require_http_methods(["GET", "POST"])
def subject_request_close(request, subject_request_id: int):
    subject_request = _visible_or_404(request, subject_request_id)
    _require_handle(request.user, subject_request)
    if not subject_request.is_open:
        messages.info(request, _("This request is already closed."))
        return redirect("privacy:subject-request-detail", subject_request.pk)
    form = CloseRequestForm(
        request.POST or None,
        zone=subject_request.office.zone,
        initial={"answered_at": timezone.now().replace(second=0, microsecond=0)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.close_subject_request(
                subject_request=subject_request, by=request.user, **form.values()
            )
        except DomainError as error:
            add_domain_error(form, error, ERROR_FIELDS)
        else:
            messages.success(request, _("The answer is recorded and the request is closed."))
            return redirect("privacy:subject-request-detail", subject_request.pk)
    context = {
        "form": form,
        "subject_request": subject_request,
        "zone": subject_request.office.time_zone,
        "now": timezone.now(),
        "answered": RequestStatus.ANSWERED,
    }
    return render(request, "privacy/subject_request_close.html", context)


@login_required
@require_POST
def subject_request_erase(request, subject_request_id: int):
    """Erase the record an erasure request is about, through the registry's own erasure: it
    is carried out now, or waits for a review (the message is the record's erasure page's)."""
    subject_request = _visible_or_404(request, subject_request_id)
    _require_handle(request.user, subject_request)
    target = reverse("privacy:subject-request-detail", args=[subject_request.pk])
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm."))
        return redirect(target)
    try:
        erasure = services.erase_for_request(subject_request=subject_request, by=request.user)
    except DomainError as error:
        add_domain_message(request, error)
        return redirect(target)
    if erasure.is_pending:
        messages.info(
            request,
            _(
                "The erasure request is recorded. It is carried out once it has been "
                "reviewed; the record stays until then."
            ),
        )
    else:
        messages.success(
            request, _("The record is anonymised. Record the answer to close the request.")
        )
    return redirect(target)


urlpatterns = [
    path("subject-requests/", subject_request_list, name="subject-request-list"),
    path("subject-requests/new/", subject_request_create, name="subject-request-create"),
    path(
        "subject-requests/<int:subject_request_id>/",
        subject_request_detail,
        name="subject-request-detail",
    ),
    path(
        "subject-requests/<int:subject_request_id>/edit/",
        subject_request_edit,
        name="subject-request-edit",
    ),
    path(
        "subject-requests/<int:subject_request_id>/start/",
        subject_request_start,
        name="subject-request-start",
    ),
    path(
        "subject-requests/<int:subject_request_id>/answer/",
        subject_request_close,
        name="subject-request-close",
    ),
    path(
        "subject-requests/<int:subject_request_id>/erase/",
        subject_request_erase,
        name="subject-request-erase",
    ),
]
