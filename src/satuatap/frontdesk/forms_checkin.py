"""Forms of the check-in page and of the service catalogue. They parse input only: the rules
live in `services.check_in` and `catalogue.services.save_service`."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from satuatap.core.limits import MAX_SMALLINT
from satuatap.core.models import Desk
from satuatap.frontdesk.catalogue import MAX_TARGET_MINUTES, MIN_TARGET_MINUTES
from satuatap.frontdesk.models import AgeBand, Priority, Service
from satuatap.frontdesk.selectors import active_services
from satuatap.people.models import Person, Sex
from satuatap.people.selectors import active_people

ANONYMOUS = "anonymous"


class CheckInForm(forms.Form):
    """Who the visitor is (a registry record, or an anonymous visit with sex and age band),
    which services they need, and any priority."""

    visitor = forms.CharField(
        label=_("Visitor"),
        required=False,
        error_messages={"required": _("Find the visitor, or choose an anonymous visit.")},
    )
    sex = forms.ChoiceField(
        label=_("Sex"), choices=[("", "—"), *Sex.choices], required=False, widget=forms.Select
    )
    age_band = forms.ChoiceField(label=_("Age band"), choices=AgeBand.choices, required=False)
    services = forms.ModelMultipleChoiceField(
        label=_("Services"),
        queryset=Service.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one service.")},
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        cast(forms.ModelChoiceField, self.fields["services"]).queryset = active_services(
            user.office
        )
        self.chosen_person: Person | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.data.get("visitor") == ANONYMOUS

    def clean_visitor(self) -> Person | None:
        value = (self.cleaned_data.get("visitor") or "").strip()
        if value == ANONYMOUS:
            return None
        if not value:
            raise forms.ValidationError(_("Find the visitor, or choose an anonymous visit."))
        person = active_people(self.user).filter(pk=int(value)).first() if value.isdigit() else None
        if person is None:
            raise forms.ValidationError(_("No such person in this office's registry."))
        self.chosen_person = person
        return person

    def clean(self):
        cleaned = super().clean()
        if self.is_anonymous and not cleaned.get("sex"):
            self.add_error("sex", _("For an anonymous visit, record the visitor's sex."))
        return cleaned

    def check_in_data(self) -> dict:
        """Keyword arguments for `services.check_in`."""
        data = self.cleaned_data
        person = data["visitor"]
        return {
            "person": person,
            "services": list(data["services"]),
            "sex": Sex.NOT_RECORDED if person else data["sex"],
            "age_band": "" if person else data["age_band"],
            "priority": data["priority"] or Priority.NONE,
        }

    def service_groups(self) -> list[tuple[Desk, list[tuple[Service, bool]]]]:
        """The offered services grouped by desk, each with whether it is ticked."""
        chosen = {str(v) for v in (self["services"].value() or [])}
        groups: dict[int, tuple[Desk, list[tuple[Service, bool]]]] = {}
        offered = cast(forms.ModelChoiceField, self.fields["services"]).queryset
        assert offered is not None  # set in __init__
        services = offered.order_by("desk__desk_type__order", "desk_id", "order", "pk")
        for service in services:
            desk, rows = groups.setdefault(service.desk_id, (service.desk, []))
            rows.append((service, str(service.pk) in chosen))
        return list(groups.values())


class ServiceForm(forms.Form):
    """One service of the catalogue. The range of the target time is checked by the service
    function (one place for the rule); the widget only hints it to the browser."""

    desk = forms.ModelChoiceField(label=_("Desk"), queryset=Desk.objects.none())
    name_id = forms.CharField(label=_("Name (Indonesian)"), max_length=120)
    name_en = forms.CharField(label=_("Name (English)"), max_length=120, required=False)
    target_minutes = forms.IntegerField(
        label=_("Target service time (minutes)"),
        widget=forms.NumberInput(attrs={"min": MIN_TARGET_MINUTES, "max": MAX_TARGET_MINUTES}),
    )
    allows_anonymous = forms.BooleanField(
        label=_("Anonymous visitors allowed"),
        required=False,
        help_text=_("For information requests: the visitor need not give a name."),
    )
    is_active = forms.BooleanField(label=_("Offered at check-in"), required=False, initial=True)
    order = forms.IntegerField(
        label=_("Order"),
        initial=0,
        min_value=0,
        max_value=MAX_SMALLINT,
        help_text=_("Services of a desk are listed from the lowest number."),
    )

    def __init__(self, *args, office, service: Service | None = None, **kwargs):
        if service is not None:
            kwargs.setdefault(
                "initial",
                {
                    "desk": service.desk_id,
                    "name_id": service.name_id,
                    "name_en": service.name_en,
                    "target_minutes": service.target_minutes,
                    "allows_anonymous": service.allows_anonymous,
                    "is_active": service.is_active,
                    "order": service.order,
                },
            )
        super().__init__(*args, **kwargs)
        desks = Desk.objects.filter(office=office).select_related("desk_type")
        if service is not None:
            desks = desks.filter(is_active=True) | desks.filter(pk=service.desk_id)
        else:
            desks = desks.filter(is_active=True)
        desk_field = cast(forms.ModelChoiceField, self.fields["desk"])
        desk_field.queryset = desks.order_by("desk_type__order", "pk")
        desk_field.label_from_instance = lambda desk: str(desk)  # type: ignore[method-assign,assignment]  # replaced on this instance only
