"""Forms of the outreach pages. They parse input only; the rules live in `services.py`."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from satuatap.core.forms import DateInput
from satuatap.core.models import Organisation
from satuatap.core.selectors import office_partners
from satuatap.outreach.models import AgeBand, EventKind, OutreachEvent, Topic
from satuatap.outreach.selectors import SEXES
from satuatap.people.models import Person, Sex
from satuatap.people.selectors import active_people
from satuatap.regions.forms import RegionPickerField
from satuatap.regions.models import Region, RegionLevel

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

# Which box of a form shows an error of the services.
ERROR_FIELDS = {
    "village_unknown": "village",
    "not_a_village": "village",
    "village_outside_area": "village",
    "date_required": "date",
    "date_in_future": "date",
    "invalid_kind": "kind",
    "title_required": "title",
    "invalid_topic": "topics",
    "partner_not_of_office": "partners",
    "came_on_in_future": "came_on",
    "came_on_before_event": "came_on",
    "since_in_future": "since",
    "until_in_future": "until",
    "until_before_since": "until",
    "name_required": "name",
    "invalid_phone": "phone",
    "number_required": "number",
    "duplicate_regulation": "number",
    "file_too_large": "file",
    "empty_file": "file",
    "unsupported_file_type": "file",
}


class PartnerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return f"{obj.name} · {obj.get_partner_type_display()}"


class EventFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, widget=DateInput(attrs={"class": "form-control"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=DateInput(attrs={"class": "form-control"})
    )
    village = forms.ChoiceField(label=_("Village"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All")), *EventKind.choices], required=False
    )

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [("", _("All villages"))] + [
            (village.code, f"{village.name} ({village.parent.name})") for village in villages
        ]


class EventForm(forms.Form):
    """An event's facts and its participant counts by sex × age band."""

    village = RegionPickerField(label=_("Village"), level=RegionLevel.VILLAGE)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Kind of event"), choices=[("", "—"), *EventKind.choices])
    title = forms.CharField(label=_("Title"), max_length=200)
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=Topic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    partners = PartnerChoiceField(
        label=_("Partner organisations involved"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    materials = forms.CharField(
        label=_("Materials"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Leaflets, videos, posters used or handed out."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, office: Organisation, event: OutreachEvent | None = None, **kwargs):
        if event is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "village": event.village_id,
                "date": event.date,
                "kind": event.kind,
                "title": event.title,
                "topics": event.topics,
                "partners": list(event.partners.all()),
                "materials": event.materials,
                "notes": event.notes,
                **{self.count_name(row.sex, row.age_band): row.count for row in event.counts.all()},
            }
        super().__init__(*args, **kwargs)
        # The type-ahead finds the office's places first (one type-ahead across levels).
        cast(RegionPickerField, self.fields["village"]).start = office.region_id
        if event is None and not self.is_bound:
            self.fields["village"].initial = office.region_id
            self.fields["date"].initial = office.today()
        cast(forms.ModelChoiceField, self.fields["partners"]).queryset = office_partners(office)
        self.grid_fields: list[tuple[StrOrPromise, list[str]]] = []
        for band, band_label in AgeBand.choices:
            names = []
            for sex in SEXES:
                name = self.count_name(sex, band)
                self.fields[name] = forms.IntegerField(
                    label=f"{Sex(sex).label}, {band_label}",
                    min_value=0,
                    max_value=100_000,
                    required=False,
                )
                names.append(name)
            self.grid_fields.append((band_label, names))

    @staticmethod
    def count_name(sex: str, band: str) -> str:
        return f"count_{sex}_{AgeBand.values.index(band)}"

    def grid(self):
        """Rows of the count grid: (age band, [bound fields for women, men, not recorded])."""
        return [(label, [self[name] for name in names]) for label, names in self.grid_fields]

    def counts(self) -> list[tuple[str, str, int]]:
        rows: list[tuple[str, str, int]] = []
        for band in AgeBand.values:
            for sex in SEXES:
                value = self.cleaned_data.get(self.count_name(sex, band))
                if value:
                    rows.append((sex, band, value))
        return rows

    def clean(self):
        cleaned = super().clean()
        if (
            not any(
                self.errors.get(self.count_name(sex, band))
                for band in AgeBand.values
                for sex in SEXES
            )
            and not self.counts()
        ):
            self.add_error(None, _("Count at least one participant by sex and age band."))
        return cleaned

    def event_values(self) -> dict:
        """Keyword arguments for `services.create_event` / `update_event`."""
        data = self.cleaned_data
        return {
            "village": data["village"],
            "date": data["date"],
            "kind": data["kind"],
            "title": data["title"],
            "topics": data["topics"],
            "partners": list(data["partners"]),
            "materials": data["materials"],
            "notes": data["notes"],
            "counts": self.counts(),
        }


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Find a person by NIK, phone or name"), max_length=100)


class PersonIdForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)


class FollowUpForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    came_on = forms.DateField(label=_("Came to the office on"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class FocalPointForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    role = forms.CharField(
        label=_("Role in the village"),
        max_length=120,
        required=False,
        help_text=_("For example: village secretary, returnee group leader."),
    )
    person = forms.ModelChoiceField(
        label=_("Registry record (optional)"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("People of the registry who live in this village."),
    )
    since = forms.DateField(label=_("Since"), widget=DateInput())

    def __init__(self, *args, user, village: Region, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["person"]).queryset = (
            active_people(user).filter(village=village).order_by("full_name", "pk")
        )
        if user.office and not self.is_bound:
            self.fields["since"].initial = user.office.today()


class FocalPointEndForm(forms.Form):
    until = forms.DateField(label=_("Last day"), widget=DateInput())


class RegulationForm(forms.Form):
    number = forms.CharField(
        label=_("Number"), max_length=64, help_text=_("For example: 3 Tahun 2021.")
    )
    date = forms.DateField(label=_("Date enacted"), widget=DateInput())
    title = forms.CharField(label=_("Title"), max_length=255)
    file = forms.FileField(
        label=_("Scan (PDF, JPEG or PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
