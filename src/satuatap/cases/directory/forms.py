"""Forms of the partner directory. They parse input only: the rules are in `core.partners` and
`cases.directory.services`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from satuatap.cases.models import SharedItem
from satuatap.core import partners
from satuatap.core.models import PartnerType


class PartnerFilterForm(forms.Form):
    partner_type = forms.ChoiceField(
        label=_("Type"), choices=[("", _("All")), *PartnerType.choices], required=False
    )


class PartnerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    partner_type = forms.ChoiceField(label=_("Kind of partner"), choices=PartnerType.choices)
    services_offered = forms.CharField(
        label=_("Services offered"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One service per line: offered as suggestions on the referral form."),
    )
    service_area = forms.CharField(label=_("Area served"), max_length=200, required=False)
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        help_text=_("Reminders go here when none of your contacts there takes them."),
    )
    focal_person = forms.CharField(label=_("Focal person"), max_length=200, required=False)

    def details(self) -> partners.PartnerDetails:
        return partners.PartnerDetails(**self.cleaned_data)

    @staticmethod
    def initial_of(partner) -> dict:
        return {name: getattr(partner, name) for name in PartnerForm.base_fields}


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    position = forms.CharField(label=_("Position"), max_length=120, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    receives_reminders = forms.BooleanField(
        label=_("Receives referral reminders"),
        required=False,
        help_text=_(
            "Reminders of referrals waiting for an answer are mailed to this address (they "
            "name no client)."
        ),
    )

    def details(self) -> partners.ContactDetails:
        return partners.ContactDetails(**self.cleaned_data)

    @staticmethod
    def initial_of(contact) -> dict:
        return {name: getattr(contact, name) for name in ContactForm.base_fields}


class ConsentTemplateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("The kind of help, e.g. legal aid for unpaid wages."),
    )
    items = forms.MultipleChoiceField(
        label=_("Information the client is asked to share"),
        choices=SharedItem.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    explanation = forms.CharField(
        label=_("What the client is told"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Why the information goes to the partner, what the partner does with it, and that "
            "consent can be withdrawn at any time."
        ),
    )
    is_active = forms.BooleanField(
        label=_("Offered on the consent form"), required=False, initial=True
    )

    @staticmethod
    def initial_of(template) -> dict:
        return {name: getattr(template, name) for name in ConsentTemplateForm.base_fields}
