"""The document checklist rules in plain words, with a preview of what a given file needs.

Rules are edited by an administrator in the administration site; every office reads them here.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from satuatap.placement.files import selectors
from satuatap.placement.files.checklist import FileFacts, required_document_types
from satuatap.placement.files.forms import ChecklistPreviewForm


@login_required
def checklist_rules(request):
    if not request.user.has_perm("placement.list_files") and not request.user.has_perm(
        "placement.manage_checklist_rules"
    ):
        raise PermissionDenied
    form = ChecklistPreviewForm(request.GET or None)
    required = None
    if form.is_valid():
        required = required_document_types(FileFacts(**form.cleaned_data))
    context = {
        "rules": selectors.checklist_rules(),
        "form": form,
        "required": required,
        "can_edit": request.user.has_perm("placement.manage_checklist_rules"),
    }
    return render(request, "placement/checklist_rules.html", context)
