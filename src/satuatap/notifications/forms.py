from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from satuatap.notifications.models import Channel


class OptOutForm(forms.Form):
    phone = forms.TypedChoiceField(label=_("Number"), coerce=int)
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[(Channel.WHATSAPP, _("WhatsApp")), (Channel.SMS, _("SMS"))]
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["phone"].choices = [(phone.pk, phone.number) for phone in person.phones.all()]

    def number(self) -> str:
        return next(
            p.number for p in self.person.phones.all() if p.pk == self.cleaned_data["phone"]
        )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language for messages"), choices=settings.LANGUAGES)


class OfficeSettingsForm(forms.Form):
    ticket_calls = forms.BooleanField(
        label=_("Tell visitors on their phone when their number is near and when it is called"),
        required=False,
    )
    ticket_calls_ahead = forms.IntegerField(
        label=_("Numbers ahead for the 'soon' message"), min_value=1, max_value=10
    )


class DigestForm(forms.Form):
    subscribed = forms.BooleanField(
        label=_("Send me the office's daily digest by e-mail"), required=False
    )
