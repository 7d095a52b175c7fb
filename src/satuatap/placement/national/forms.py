"""The forms of the exchange page: the period and format of an export, and an update file."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _


class ExportForm(forms.Form):
    date_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    file_format = forms.ChoiceField(
        label=_("Format"), choices=[("csv", "CSV"), ("json", "JSON")], initial="csv"
    )

    @classmethod
    def initial_for(cls, today: datetime.date) -> dict:
        """The last seven days up to today."""
        return {"date_from": today - datetime.timedelta(days=6), "date_to": today}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Status updates from SISKOP2MI"),
        help_text=_(
            "A CSV, JSON or Excel (.xlsx) file in the layout of docs/national-exchange.md: "
            "satuatap_file_id and nik in every row."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.json,.xlsx"}),
    )
