"""The document checklist rules in plain words, with a preview of what a given file needs.

Rules are edited by an administrator in the administration site; every office reads them here.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField  # type: ignore[attr-defined]  # not in its stubs

from satuatap.people.models import MaritalStatus, Sector, Sex
from satuatap.placement.checklist import FileFacts, required_document_types
from satuatap.placement.models import ChecklistRule, Scheme


class PreviewForm(forms.Form):
    scheme = forms.ChoiceField(label=_("Scheme"), choices=Scheme.choices)
    country = LazyTypedChoiceField(label=_("Destination country"), choices=countries)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    marital_status = forms.ChoiceField(label=_("Marital status"), choices=MaritalStatus.choices)


@login_required
def checklist_rules(request):
    if not request.user.has_perm("placement.list_files") and not request.user.has_perm(
        "placement.manage_checklist_rules"
    ):
        raise PermissionDenied
    rules = ChecklistRule.objects.select_related("document_type").order_by(
        "-is_active", "document_type__order", "pk"
    )
    form = PreviewForm(request.GET or None)
    required = None
    if form.is_valid():
        required = required_document_types(FileFacts(**form.cleaned_data))
    context = {
        "rules": rules,
        "form": form,
        "required": required,
        "can_edit": request.user.has_perm("placement.manage_checklist_rules"),
    }
    return render(request, "placement/checklist_rules.html", context)


urlpatterns = [path("checklist-rules/", checklist_rules, name="checklist-rules")]
