"""The forms of a file's page, each posting here: change the stage, cancel, grant an override,
record the departure, record the return. Each calls one of the files' services; a refusal is
shown as a message on the file's page and changes nothing."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satuatap.core.errors import add_domain_message, add_form_messages
from satuatap.core.exceptions import DomainError
from satuatap.placement.files import selectors, services
from satuatap.placement.files.forms import (
    CancelForm,
    DepartureForm,
    OverrideForm,
    ReturnForm,
    StageForm,
)
from satuatap.placement.files.models import PlacementFile, Stage
from satuatap.placement.files.readiness import Gate


def get_file_or_404(user, file_id: int) -> PlacementFile:
    placement_file = selectors.get_visible_file(user, file_id)
    if placement_file is None:
        raise Http404
    return placement_file


def _act(
    request,
    file_id: int,
    *,
    permission: str,
    make_form: Callable,
    act: Callable[[PlacementFile, dict], object],
    success: str,
):
    """Check the permission, parse the form, call the service, and go back to the file."""
    placement_file = get_file_or_404(request.user, file_id)
    if not request.user.has_perm(permission, placement_file):
        raise PermissionDenied
    form = make_form(placement_file)
    if not form.is_valid():
        add_form_messages(request, form)
    else:
        try:
            act(placement_file, form.cleaned_data)
        except DomainError as error:
            add_domain_message(request, error)
        else:
            messages.success(request, success)
    return redirect("placement:file-detail", file_id)


@login_required
@require_POST
def file_stage(request, file_id: int):
    return _act(
        request,
        file_id,
        permission="placement.manage_file",
        make_form=lambda f: StageForm(request.POST),
        act=lambda f, data: services.change_stage(
            placement_file=f, to_stage=data["to_stage"], note=data["note"], by=request.user
        ),
        success=_("The file moved to its new stage."),
    )


@login_required
@require_POST
def file_cancel(request, file_id: int):
    return _act(
        request,
        file_id,
        permission="placement.manage_file",
        make_form=lambda f: CancelForm(request.POST),
        act=lambda f, data: services.change_stage(
            placement_file=f, to_stage=Stage.CANCELLED, note=data["reason"], by=request.user
        ),
        success=_("The file is cancelled."),
    )


@login_required
@require_POST
def file_override(request, file_id: int):
    return _act(
        request,
        file_id,
        permission="placement.override_gate",
        # Every condition may be chosen here; the service refuses one the file meets.
        make_form=lambda f: OverrideForm(request.POST, gates=list(Gate)),
        act=lambda f, data: services.grant_override(
            placement_file=f, gate=data["gate"], reason=data["reason"], by=request.user
        ),
        success=_("The override is recorded; the office head sees it in the overrides report."),
    )


@login_required
@require_POST
def file_departure(request, file_id: int):
    return _act(
        request,
        file_id,
        permission="placement.manage_file",
        make_form=lambda f: DepartureForm(request.POST),
        act=lambda f, data: services.record_departure(
            placement_file=f,
            by=request.user,
            departure_date=data["departure_date"],
            country=data["country"] or "",
            note=data["note"],
        ),
        success=_("The departure is recorded."),
    )


@login_required
@require_POST
def file_return(request, file_id: int):
    return _act(
        request,
        file_id,
        permission="placement.manage_file",
        make_form=lambda f: ReturnForm(request.POST),
        act=lambda f, data: services.record_return(
            placement_file=f,
            by=request.user,
            return_date=data["return_date"],
            reason=data["reason"],
            mrc_case_reference=data["mrc_case_reference"],
            note=data["note"],
        ),
        success=_("The return is recorded."),
    )
