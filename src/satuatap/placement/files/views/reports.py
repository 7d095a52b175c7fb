"""Reports on the office's placement files: the returnees to follow up for reintegration, and
every readiness override granted (for the office head)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.http import urlencode

from satuatap.placement.files import selectors
from satuatap.placement.files.forms import ReturneeFilterForm
from satuatap.placement.files.readiness import Gate

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

PAGE_SIZE = 50


@login_required
def returnee_list(request):
    if not request.user.has_perm("placement.list_files"):
        raise PermissionDenied
    form = ReturneeFilterForm(request.GET or None)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    page = Paginator(selectors.returnees(request.user, reason=reason), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "filters": urlencode({"reason": reason} if reason else {}),
    }
    return render(request, "placement/file_returnee_list.html", context)


def gate_label(gate: str) -> StrOrPromise:
    return Gate(gate).label if gate in Gate.values else gate


@login_required
def override_list(request):
    if not request.user.has_perm("placement.view_overrides"):
        raise PermissionDenied
    page = Paginator(selectors.office_overrides(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "rows": [(o, gate_label(o.gate)) for o in page]}
    return render(request, "placement/file_override_list.html", context)
