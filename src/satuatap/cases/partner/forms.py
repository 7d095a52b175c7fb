"""Forms of the partner portal: the list's filter, and a partner's answers (thin: the rules
are in `services.py`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from satuatap.cases.models import ReferralState

ENDED = "ended"


class StateFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("State"),
        choices=[
            ("", gettext_lazy("All")),
            *ReferralState.choices,
            (ENDED, gettext_lazy("Ended")),
        ],
        required=False,
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why do you decline?"),
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class UpdateForm(forms.Form):
    feedback = forms.CharField(
        label=gettext_lazy("Update or feedback for the office"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
