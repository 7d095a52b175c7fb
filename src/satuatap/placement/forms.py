from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from satuatap.core.forms import DateInput
from satuatap.placement.models import Agency, JobOrder, Scheme
from satuatap.placement.services import AGENCY_FIELDS, JOB_ORDER_FIELDS


class AgencyForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = AGENCY_FIELDS
        widgets = {
            "licence_valid_from": DateInput(),
            "licence_valid_until": DateInput(),
            "branches": forms.Textarea(attrs={"rows": 3}),
            "address": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("licence_valid_from"), cleaned.get("licence_valid_until")
        if start and end and end < start:
            self.add_error(
                "licence_valid_until", _("The licence must end on or after the day it starts.")
            )
        return cleaned


class JobOrderForm(forms.ModelForm):
    class Meta:
        model = JobOrder
        fields = JOB_ORDER_FIELDS
        widgets = {
            "permit_valid_from": DateInput(),
            "permit_valid_until": DateInput(),
            "closing_date": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.order_by("name")
        self.fields["salary_currency"].help_text = _("ISO 4217 code, such as HKD, TWD or MYR.")

    def clean_salary_currency(self) -> str:
        return (self.cleaned_data.get("salary_currency") or "").strip().upper()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("permit_valid_from"), cleaned.get("permit_valid_until")
        if start and end and end < start:
            self.add_error(
                "permit_valid_until", _("The permit must end on or after the day it starts.")
            )
        if cleaned.get("scheme") == Scheme.P3MI and not cleaned.get("agency"):
            self.add_error("agency", _("A job order under the P3MI scheme needs an agency."))
        return cleaned
