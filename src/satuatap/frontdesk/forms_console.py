"""Forms of the desk console and of the page that pairs devices."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from satuatap.core.models import Desk
from satuatap.frontdesk.models import Device, Service, ServiceRecord


class ServiceChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Service) -> str:
        return obj.name


class FinishForm(forms.Form):
    """What was done for the visitor, recorded against their record."""

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=ServiceRecord.Outcome.choices,
        initial=ServiceRecord.Outcome.COMPLETED,
    )
    services = ServiceChoiceField(
        label=_("Services done"),
        queryset=Service.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("What was done"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, desk: Desk, ticket=None, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["services"]).queryset = Service.objects.filter(
            desk=desk, is_active=True
        )
        if ticket is not None:
            self.fields["services"].initial = [s.pk for s in ticket.services.all()]
            prefix = f"t{ticket.pk}"
            self.auto_id = f"id_{prefix}_%s"


class DeskChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Desk) -> str:
        return str(obj)


class DeskServiceChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Service) -> str:
        return f"{obj.desk.prefix} · {obj.name}"


class TransferForm(forms.Form):
    """Send the visitor on to another active desk of the office."""

    to_desk = DeskChoiceField(
        label=_("To desk"),
        queryset=Desk.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    services = DeskServiceChoiceField(
        label=_("Services needed there"),
        queryset=Service.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 4}),
    )

    def __init__(self, *args, desk: Desk, desks, ticket=None, **kwargs):
        super().__init__(*args, **kwargs)
        others = desks.exclude(pk=desk.pk)
        cast(forms.ModelChoiceField, self.fields["to_desk"]).queryset = others
        cast(forms.ModelChoiceField, self.fields["services"]).queryset = (
            Service.objects.filter(desk__in=others, is_active=True)
            .select_related("desk__desk_type")
            .order_by("desk__desk_type__order", "order", "pk")
        )
        if ticket is not None:
            self.auto_id = f"id_t{ticket.pk}_%s"

    def clean(self):
        data = super().clean()
        to_desk, services = data.get("to_desk"), data.get("services") or []
        if to_desk is not None and any(s.desk_id != to_desk.pk for s in services):
            self.add_error("services", _("Choose only services of the desk the visitor goes to."))
        return data


class PairDeviceForm(forms.Form):
    """The office head's confirmation of a code an unpaired device shows."""

    code = forms.CharField(
        label=_("Code shown on the device"),
        max_length=16,
        help_text=_("Eight letters and digits, e.g. K7QM-4TXC."),
    )
    kind = forms.ChoiceField(
        label=_("The device is"),
        choices=Device.Kind.choices,
        initial=Device.Kind.CALLING_SCREEN,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(
        label=_("Where it is"),
        max_length=100,
        help_text=_("For example “TV ruang tunggu” or “Tablet pintu keluar”."),
    )
    desks = forms.ModelMultipleChoiceField(
        label=_("Desks the calling screen shows"),
        queryset=Desk.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave every box empty to show every desk, also desks opened later."),
    )

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desks"].queryset = (
            Desk.objects.filter(office=office, is_active=True)
            .select_related("desk_type")
            .order_by("desk_type__order", "pk")
        )
        self.fields["desks"].label_from_instance = str
