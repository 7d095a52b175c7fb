from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from satuatap.core.forms import DateInput
from satuatap.placement.models import (
    CONCERN_TEXT_MAX,
    Agency,
    AgencyConcern,
    ConcernStatus,
    JobOrder,
    Scheme,
)
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


PERSONAL_DATA_HELP = _(
    "Write what the office saw or heard about the agency: dates, places, amounts, the agency's "
    "staff involved. Do not write a worker's name, NIK, phone or address here, nor anything "
    "that identifies them: a worker's complaint belongs in an MRC case."
)


class ConcernForm(forms.ModelForm):
    """An office's concern about an agency."""

    class Meta:
        model = AgencyConcern
        fields = ("kind", "text")
        widgets = {"text": forms.Textarea(attrs={"rows": 5, "maxlength": CONCERN_TEXT_MAX})}
        help_texts = {"text": PERSONAL_DATA_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].max_length = CONCERN_TEXT_MAX
        self.fields["text"].validators.append(MaxLengthValidator(CONCERN_TEXT_MAX))


class ConcernReviewForm(forms.Form):
    """The ministry's answer to a concern: acknowledge it, or resolve it with a note."""

    status = forms.ChoiceField(
        choices=[
            (ConcernStatus.ACKNOWLEDGED, ConcernStatus.ACKNOWLEDGED.label),
            (ConcernStatus.RESOLVED, ConcernStatus.RESOLVED.label),
        ],
        widget=forms.HiddenInput,
    )
    note = forms.CharField(
        label=_("What the ministry did"),
        required=False,
        max_length=CONCERN_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Shown to the office that raised the concern. No worker's personal data here either."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == ConcernStatus.RESOLVED and not cleaned.get("note", "").strip():
            self.add_error("note", _("Say what the ministry did before resolving the concern."))
        return cleaned
