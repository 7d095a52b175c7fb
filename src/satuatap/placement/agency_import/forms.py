"""The upload form of the agency import."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AgencyImportForm(forms.Form):
    file = forms.FileField(
        label=_("List of agencies"),
        help_text=_("An Excel workbook (.xlsx) or a CSV file, with the headings in the first row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
