"""Placement files: the office's list, opening a file, its page (checklist, readiness, history)
and changing its details. The stage, override, departure and return forms post to
`actions.py`; the returnee and override reports are in `reports.py`.

A file of another office is a 404 everywhere, whether or not it exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from satuatap.core.errors import add_domain_error
from satuatap.core.exceptions import DomainError
from satuatap.people import selectors as people_selectors
from satuatap.placement import selectors as placement_selectors
from satuatap.placement.files import selectors, services
from satuatap.placement.files.checklist import ChecklistItem, ItemStatus, checklist
from satuatap.placement.files.forms import (
    CancelForm,
    DepartureForm,
    FileFilterForm,
    OverrideForm,
    PlacementFileForm,
    ReturnForm,
    StageForm,
    allowed_stages,
)
from satuatap.placement.files.models import PREPARATION_STAGES, PlacementFile, Stage
from satuatap.placement.files.readiness import readiness
from satuatap.placement.files.views.actions import get_file_or_404
from satuatap.placement.files.views.reports import gate_label

PAGE_SIZE = 50


@login_required
def file_list(request):
    if not request.user.has_perm("placement.list_files"):
        raise PermissionDenied
    form = FileFilterForm(request.GET or None)
    queryset = selectors.visible_files(request.user)
    if form.is_valid():
        stage, query = form.cleaned_data["stage"], form.cleaned_data["q"].strip()
        if stage == FileFilterForm.OPEN:
            queryset = queryset.exclude(stage__in=[Stage.RETURNED, Stage.CANCELLED])
        elif stage:
            queryset = queryset.filter(stage=stage)
        if query:
            digits = "".join(query.split())
            match = Q(person__full_name__icontains=query)
            if digits.isdigit():
                match |= Q(person__nik=digits)
            queryset = queryset.filter(match)
    page = Paginator(queryset.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = placement_selectors.today_for(request.user)
    filters = {k: v for k, v in request.GET.items() if k in ("q", "stage") and v}
    context = {
        "form": form,
        "page": page,
        "rows": [(f, (today - f.stage_since).days) for f in page],
        "filters": urlencode(filters),
        "can_view_overrides": request.user.has_perm("placement.view_overrides"),
    }
    template = "placement/_file_results.html" if request.htmx else "placement/file_list.html"
    return render(request, template, context)


def _job_orders(user):
    return placement_selectors.office_job_orders(user).order_by("-closing_date", "pk")


@login_required
@require_http_methods(["GET", "POST"])
def file_create(request):
    person_id = request.GET.get("person") or ""
    person = (
        people_selectors.get_visible_person(request.user, int(person_id))
        if person_id.isdigit() and len(person_id) < 10
        else None
    )
    if person is None:
        raise Http404
    if not request.user.has_perm("placement.open_file", person):
        raise PermissionDenied
    today = placement_selectors.today_for(request.user)
    form = PlacementFileForm(
        request.POST or None,
        instance=PlacementFile(person=person),
        job_orders=_job_orders(request.user),
        today=today,
    )
    if request.method == "POST" and form.is_valid():
        try:
            placement_file = services.open_file(
                person=person, by=request.user, values=form.service_values()
            )
        except DomainError as error:
            add_domain_error(form, error, form.ERROR_FIELDS)
        else:
            messages.success(request, _("The placement file is opened."))
            return redirect("placement:file-detail", placement_file.pk)
    context = {"form": form, "person": person, "placement_file": None}
    return render(request, "placement/file_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def file_edit(request, file_id: int):
    placement_file = get_file_or_404(request.user, file_id)
    if not request.user.has_perm("placement.manage_file", placement_file):
        raise PermissionDenied
    if not placement_file.is_open:
        messages.error(request, _("This file is closed."))
        return redirect("placement:file-detail", placement_file.pk)
    form = PlacementFileForm(
        request.POST or None,
        instance=placement_file,
        job_orders=_job_orders(request.user),
        today=placement_selectors.today_for(request.user),
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_file(
                placement_file=placement_file, by=request.user, values=form.service_values()
            )
        except DomainError as error:
            add_domain_error(form, error, form.ERROR_FIELDS)
        else:
            messages.success(request, _("The placement file is saved."))
            return redirect("placement:file-detail", placement_file.pk)
    context = {"form": form, "person": placement_file.person, "placement_file": placement_file}
    return render(request, "placement/file_form.html", context)


@dataclass(frozen=True)
class ChecklistRow:
    item: ChecklistItem
    can_verify: bool
    upload_url: str


def _checklist_rows(request, placement_file: PlacementFile, today) -> list[ChecklistRow]:
    user = request.user
    here = reverse("placement:file-detail", args=[placement_file.pk])
    upload = reverse("people:document-upload", args=[placement_file.person_id])
    can_upload = user.has_perm("people.upload_document", placement_file.person)
    rows = []
    for item in checklist(placement_file, today):
        document = item.document
        rows.append(
            ChecklistRow(
                item=item,
                can_verify=(
                    item.status == ItemStatus.SUBMITTED
                    and user.has_perm("people.verify_document", document)
                ),
                upload_url=(
                    f"{upload}?{urlencode({'type': item.document_type.code, 'next': here})}"
                    if can_upload
                    else ""
                ),
            )
        )
    return rows


@login_required
def file_detail(request, file_id: int):
    placement_file = get_file_or_404(request.user, file_id)
    user = request.user
    today = placement_selectors.today_for(user)
    can_manage = user.has_perm("placement.manage_file", placement_file) and placement_file.is_open
    preparing = placement_file.stage in PREPARATION_STAGES
    gated = preparing or placement_file.stage == Stage.READY
    result = readiness(placement_file, today) if gated else None
    history = list(selectors.file_history(placement_file))
    overrides = list(placement_file.overrides.select_related("granted_by"))
    for override in [*overrides, *(o for change in history for o in change.overrides.all())]:
        override.gate_label = gate_label(override.gate)
    context = {
        "placement_file": placement_file,
        "person": placement_file.person,
        "today": today,
        "rows": _checklist_rows(request, placement_file, today),
        "readiness": result,
        "person_age": placement_file.person.age_on(today),
        "history": history,
        "overrides": overrides,
        "can_manage": can_manage,
        "next": request.path,
    }
    # "Ready to depart" is offered only when the gate lets the file through.
    gate_is_open = not preparing or (result is not None and result.is_ready)
    stages = allowed_stages(placement_file.stage, gate_is_open=gate_is_open) if can_manage else []
    if stages:
        order = Stage.values
        following = [s for s in stages if order.index(s) > order.index(placement_file.stage)]
        context["stage_form"] = StageForm(
            current=placement_file.stage,
            gate_is_open=gate_is_open,
            initial={"to_stage": (following or stages)[0]},
        )
        context["gate_is_closed"] = not gate_is_open
    if can_manage and placement_file.stage != Stage.DEPARTED:
        context["cancel_form"] = CancelForm()
    if can_manage and placement_file.stage == Stage.READY:
        context["departure_form"] = DepartureForm(
            initial={"departure_date": today, "country": placement_file.destination()}
        )
    if can_manage and placement_file.stage == Stage.DEPARTED:
        context["return_form"] = ReturnForm(initial={"return_date": today})
    if (
        preparing
        and result is not None
        and user.has_perm("placement.override_gate", placement_file)
    ):
        gates = [check.gate for check in result.checks if not check.passes_with_override]
        if gates:
            context["override_form"] = OverrideForm(gates=gates)
    return render(request, "placement/file_detail.html", context)
