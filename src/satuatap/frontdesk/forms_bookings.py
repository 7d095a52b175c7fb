"""Forms of the office head's visit slots and of the front desk's booking scan."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from satuatap.core.models import Desk, Organisation
from satuatap.frontdesk.bookings import MAX_CAPACITY
from satuatap.frontdesk.models import Weekday


class DeskChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Desk) -> str:
        return str(obj)


class VisitSlotForm(forms.Form):
    desk = DeskChoiceField(label=_("Desk"), queryset=Desk.objects.none())
    weekday = forms.TypedChoiceField(
        label=_("Day of the week"), choices=Weekday.choices, coerce=int
    )
    starts_at = forms.TimeField(
        label=_("Time"),
        input_formats=["%H:%M", "%H.%M"],
        widget=forms.TimeInput(format="%H:%M", attrs={"placeholder": "09:00"}),
        help_text=_("24-hour clock, e.g. 09:00 or 13:30, the office's time."),
    )
    capacity = forms.IntegerField(
        label=_("Bookings it takes"), min_value=1, max_value=MAX_CAPACITY, initial=4
    )

    def __init__(self, *args, office: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        desk_field = cast(forms.ModelChoiceField, self.fields["desk"])
        desk_field.queryset = Desk.objects.filter(office=office, is_active=True)


class BookingScanForm(forms.Form):
    scanned = forms.CharField(
        label=_("Booking reference or QR code"),
        max_length=300,
        help_text=_("Scan the QR code on the visitor's phone or type the reference."),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )


class ArrivalScanForm(forms.Form):
    """The arrival kiosk's one field: a hand-held scanner types the QR code's address into it
    (and presses Enter), or the visitor types the booking reference."""

    scanned = forms.CharField(
        label=_("Booking code"),
        max_length=300,
        help_text=_("Scan the QR code of your booking, or type its reference (8 characters)."),
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )
