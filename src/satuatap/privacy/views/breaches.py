"""The breach register: anyone on an office's staff reports a suspected breach; the
administrator (the ministry's data-protection officer) keeps the register, completes each
breach, reads the draft notices, prints them as PDF, records when each was sent, and closes.
A reporter sees what they reported; a breach the reader may not see is a 404."""

from __future__ import annotations

import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, re_path
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from satuatap.core.errors import add_domain_error
from satuatap.core.exceptions import DomainError
from satuatap.core.models import OfficeTimeZone
from satuatap.privacy import deadlines, notices, selectors, services
from satuatap.privacy.forms import (
    ERROR_FIELDS,
    BreachDecisionForm,
    BreachFilterForm,
    BreachForm,
    BreachRecordForm,
    NoticeForm,
)
from satuatap.privacy.models import Breach, NoticeRecipient
from satuatap.privacy.templatetags.privacy_tags import on_clock

PAGE_SIZE = 50


def _require_report(user) -> None:
    if not user.has_perm("privacy.report_breach"):
        raise PermissionDenied


def _require_manage(user) -> None:
    if not user.has_perm("privacy.manage_breaches"):
        raise PermissionDenied


def _visible_or_404(request, breach_id: int) -> Breach:
    _require_report(request.user)
    breach = selectors.get_visible_breach(request.user, breach_id)
    if breach is None:
        raise Http404
    return breach


def _zone_of_user(user) -> zoneinfo.ZoneInfo:
    return user.office.zone if user.office else zoneinfo.ZoneInfo(OfficeTimeZone.WIB)


def _zone_of(breach: Breach) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(notices.zone_of(breach))


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def breach_list(request):
    user = request.user
    _require_report(user)
    manages = user.has_perm("privacy.manage_breaches")
    form = BreachFilterForm(request.GET or None)
    status, overdue = ("open" if manages else "all"), False
    if form.is_valid():
        status = form.cleaned_data["status"] or status
        overdue = form.cleaned_data["overdue"]
    now = timezone.now()
    breaches = selectors.filter_breaches(
        selectors.visible_breaches(user), status=status, overdue=overdue, now=now
    )
    page = Paginator(breaches, PAGE_SIZE).get_page(request.GET.get("page"))
    for breach in page.object_list:
        breach.notices_due_at = deadlines.breach_notice_due(breach.discovered_at)
        breach.zone = notices.zone_of(breach)
        breach.notices_late = (
            breach.is_open
            and breach.notices_due_at < now
            and not (breach.subjects_notified and breach.authority_notified)
        )
    query = {key: value for key, value in request.GET.items() if key != "page" and value}
    context = {
        "form": form,
        "page": page,
        "breaches": page.object_list,
        "manages": manages,
        "now": now,
        "counts": selectors.open_breach_counts(user, now) if manages else None,
        "filters": urlencode(query),
    }
    return render(request, "privacy/breach_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def breach_report(request):
    user = request.user
    _require_report(user)
    form = BreachForm(
        request.POST or None,
        zone=_zone_of_user(user),
        initial={"discovered_at": timezone.now().replace(second=0, microsecond=0)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            breach = services.report_breach(by=user, **form.values())
        except DomainError as error:
            add_domain_error(form, error, ERROR_FIELDS)
        else:
            messages.success(
                request,
                _(
                    "The breach is reported as %(reference)s and the data-protection officer "
                    "is told. The written notices are due by %(due)s."
                )
                % {
                    "reference": breach.reference,
                    "due": on_clock(
                        deadlines.breach_notice_due(breach.discovered_at),
                        notices.zone_of(breach),
                    ),
                },
            )
            return redirect("privacy:breach-detail", breach.pk)
    return render(request, "privacy/breach_form.html", {"form": form, "breach": None})


def _render_detail(request, breach: Breach, *, decision_form=None, notice_form=None, status=200):
    manages = request.user.has_perm("privacy.manage_breaches")
    zone = _zone_of(breach)
    context = {
        "breach": breach,
        "zone": notices.zone_of(breach),
        "manages": manages,
        "now": timezone.now(),
        "notices_due_at": deadlines.breach_notice_due(breach.discovered_at),
        "notices": list(selectors.notices_of(breach)) if manages else [],
    }
    if manages:
        notified = {notice.recipient for notice in context["notices"]}
        context |= {
            "missing": notices.missing_content(breach),
            "unnotified": [
                NoticeRecipient(r).label
                for r in (NoticeRecipient.SUBJECTS, NoticeRecipient.AUTHORITY)
                if r not in notified
            ],
            "letters": [
                {
                    "recipient": recipient,
                    "label": NoticeRecipient(recipient).label,
                    # Our own template's output, every value in it escaped when it was rendered.
                    "body": mark_safe(notices.notice_html(breach, recipient)),  # noqa: S308
                }
                for recipient in notices.LETTER_RECIPIENTS
            ],
            "decision_form": decision_form or BreachDecisionForm(),
            "notice_form": notice_form
            or NoticeForm(
                zone=zone,
                initial={"sent_at": timezone.now().replace(second=0, microsecond=0)},
            ),
            "authority": notices.authority_name(),
        }
    return render(request, "privacy/breach_detail.html", context, status=status)


@login_required
def breach_detail(request, breach_id: int):
    breach = _visible_or_404(request, breach_id)
    return _render_detail(request, breach)


@login_required
@require_http_methods(["GET", "POST"])
def breach_edit(request, breach_id: int):
    breach = _visible_or_404(request, breach_id)
    _require_manage(request.user)
    initial = {
        field: getattr(breach, field)
        for field in BreachRecordForm.base_fields
        if hasattr(breach, field)
    }
    form = BreachRecordForm(request.POST or None, zone=_zone_of(breach), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_breach(breach=breach, by=request.user, **form.values())
        except DomainError as error:
            add_domain_error(form, error, ERROR_FIELDS)
        else:
            messages.success(request, _("The breach is saved."))
            return redirect("privacy:breach-detail", breach.pk)
    return render(request, "privacy/breach_form.html", {"form": form, "breach": breach})


@login_required
@require_POST
def breach_decide(request, breach_id: int):
    breach = _visible_or_404(request, breach_id)
    _require_manage(request.user)
    form = BreachDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decide_breach(
                breach=breach,
                by=request.user,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            add_domain_error(form, error, ERROR_FIELDS)
        else:
            messages.success(request, _("The status of the breach is changed."))
            return redirect("privacy:breach-detail", breach.pk)
    return _render_detail(request, breach, decision_form=form, status=422)


@login_required
@require_POST
def breach_notice_record(request, breach_id: int):
    breach = _visible_or_404(request, breach_id)
    _require_manage(request.user)
    form = NoticeForm(request.POST, zone=_zone_of(breach))
    if form.is_valid():
        try:
            services.record_notice(breach=breach, by=request.user, **form.values())
        except DomainError as error:
            add_domain_error(form, error, ERROR_FIELDS)
        else:
            messages.success(request, _("The notice is recorded, with the letter as it was."))
            return redirect("privacy:breach-detail", breach.pk)
    return _render_detail(request, breach, notice_form=form, status=422)


@login_required
@require_GET
def breach_notice_draft(request, breach_id: int, recipient: str):
    """The letter as it would go out now, as PDF, to print and sign."""
    breach = _visible_or_404(request, breach_id)
    _require_manage(request.user)
    data = notices.notice_pdf(breach, recipient)
    return _pdf_response(data, f"{breach.reference}-{recipient}.pdf")


@login_required
@require_GET
def breach_notice_letter(request, breach_id: int, notice_id: int):
    """The letter kept with a recorded notice, as it was sent."""
    breach = _visible_or_404(request, breach_id)
    _require_manage(request.user)
    notice = breach.notices.filter(pk=notice_id).first()
    if notice is None or not notice.letter:
        raise Http404
    data = notices.recorded_notice_pdf(notice)
    return _pdf_response(data, f"{breach.reference}-{notice.recipient}-{notice.pk}.pdf")


urlpatterns = [
    path("breaches/", breach_list, name="breach-list"),
    path("breaches/report/", breach_report, name="breach-report"),
    path("breaches/<int:breach_id>/", breach_detail, name="breach-detail"),
    path("breaches/<int:breach_id>/edit/", breach_edit, name="breach-edit"),
    path("breaches/<int:breach_id>/status/", breach_decide, name="breach-decide"),
    path("breaches/<int:breach_id>/notices/", breach_notice_record, name="breach-notice-record"),
    re_path(
        r"^breaches/(?P<breach_id>[0-9]+)/notices/(?P<recipient>subjects|authority)\.pdf$",
        breach_notice_draft,
        name="breach-notice-draft",
    ),
    path(
        "breaches/<int:breach_id>/notices/<int:notice_id>/letter.pdf",
        breach_notice_letter,
        name="breach-notice-letter",
    ),
]
