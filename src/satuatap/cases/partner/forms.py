"""Forms of the partner portal: the list's filter, and a partner's answers (thin: the rules
are in `services.py`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from satuatap.cases.models import ReferralState
from satuatap.core.models import Organisation

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


class ReferToOfficeForm(forms.Form):
    """A partner refers a client to an office's MRC (`cases.partner.services.refer_to_office`)."""

    office: forms.ModelChoiceField = forms.ModelChoiceField(
        label=gettext_lazy("Office"), queryset=Organisation.objects.none()
    )
    client_name = forms.CharField(label=gettext_lazy("Client's name"), max_length=200)
    sex = forms.ChoiceField(label=gettext_lazy("Sex"))
    age_band = forms.ChoiceField(label=gettext_lazy("Age band"))
    topic = forms.ChoiceField(label=gettext_lazy("Topic"))
    what_happened = forms.CharField(
        label=gettext_lazy("What happened, and what she needs"),
        widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "off"}),
        max_length=4000,
    )
    reach = forms.CharField(
        label=gettext_lazy("A safe way and time to reach her"),
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=gettext_lazy("The office calls only this way and at this time."),
    )
    country = forms.ChoiceField(label=gettext_lazy("Country she is in"), required=False)
    consent_given_on = forms.DateField(
        label=gettext_lazy("Consent to this referral given on"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    consent_method = forms.ChoiceField(label=gettext_lazy("How she gave her consent"))
    consent = forms.BooleanField(
        label=gettext_lazy(
            "She agreed that we share this with the office's MRC, so that they can help her."
        )
    )

    def __init__(self, *args, offices, **kwargs):
        from django_countries import countries

        from satuatap.cases.models import AgeBand, PartnerReferralIn, Topic
        from satuatap.people.models import Sex

        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
        self.fields["sex"].choices = Sex.choices
        self.fields["age_band"].choices = AgeBand.choices
        self.fields["topic"].choices = Topic.choices
        self.fields["country"].choices = [("", "—"), *countries]
        self.fields["consent_method"].choices = PartnerReferralIn.ConsentMethod.choices
