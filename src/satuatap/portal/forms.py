"""The portal's forms: short, one question a line, for a phone."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from satuatap.cases.portal_intake import MAX_REACH, MAX_RECRUITER, MAX_STORY
from satuatap.core.forms import DateInput
from satuatap.core.models import Organisation
from satuatap.frontdesk.models import Service
from satuatap.people.nik import looks_like_nik, strip_separators
from satuatap.portal import CODE_DIGITS
from satuatap.portal.selectors import public_offices


class IdentifyForm(forms.Form):
    nik = forms.CharField(
        label=_("NIK (16 digits, on your KTP)"),
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    birth_date = forms.DateField(label=_("Date of birth"), widget=DateInput())

    def clean_nik(self) -> str:
        nik = self.cleaned_data["nik"]
        if not looks_like_nik(nik):
            raise forms.ValidationError(_("A NIK has 16 digits."))
        return strip_separators(nik)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
        help_text=_("The %(digits)s digits we sent to your phone.") % {"digits": CODE_DIGITS},
    )


class OfficeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name


def _country_choices():
    return [("", _("— choose —")), *countries]


class HelpForm(forms.Form):
    office = OfficeChoiceField(
        label=_("The office nearest to your home in Indonesia"),
        queryset=Organisation.objects.none(),
    )
    what_happened = forms.CharField(
        label=_("What happened?"),
        max_length=MAX_STORY,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("A few words are enough. You can tell more when we talk."),
    )
    reach = forms.CharField(
        label=_("A safe way and time to reach you"),
        max_length=MAX_REACH,
        help_text=_(
            "For example: WhatsApp +852…, after 21:00 Hong Kong time; or: call my sister at …"
        ),
    )
    country = forms.ChoiceField(label=_("Country you are in now"), choices=(), required=False)
    wants_confirmation = forms.BooleanField(
        label=_("Send me a short message that it arrived"),
        required=False,
        help_text=_(
            "Only if your phone is safe: the message says only that the office received a message."
        ),
    )
    confirmation_phone = forms.CharField(
        label=_("Number for that message"), max_length=20, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = public_offices()
        self.fields["country"].choices = _country_choices()

    def clean(self):
        data = super().clean()
        if data.get("wants_confirmation") and not (data.get("confirmation_phone") or "").strip():
            self.add_error("confirmation_phone", _("Give the number, or untick the box."))
        return data


class AgencySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Agency name or licence number"), min_length=3, max_length=100, required=False
    )


class RecruiterReportForm(forms.Form):
    office = OfficeChoiceField(
        label=_("The office nearest to you"), queryset=Organisation.objects.none()
    )
    recruiter = forms.CharField(
        label=_("Name the recruiter or agency uses"), max_length=MAX_RECRUITER
    )
    details = forms.CharField(
        label=_("What did they offer or ask for? Where?"),
        max_length=MAX_STORY,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    reach = forms.CharField(
        label=_("How we may reach you (optional)"), max_length=MAX_REACH, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = public_offices()


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Service) -> str:
        return obj.name


class BookingForm(forms.Form):
    service = ServiceChoiceField(
        label=_("What do you come for?"), queryset=Service.objects.none(), empty_label=None
    )
    time = forms.ChoiceField(label=_("Day and time"), widget=forms.RadioSelect, choices=())

    def __init__(self, *args, services, times, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.times = {time.key: time for time in times}
        self.fields["time"].choices = [
            (time.key, f"{time.day.strftime('%d/%m/%Y')} {time.slot.starts_at.strftime('%H:%M')}")
            for time in times
        ]

    def chosen_time(self):
        return self.times[self.cleaned_data["time"]]
