"""Forms of the placement-file pages: thin, the rules live in `services.py`."""

from __future__ import annotations

import datetime
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import (  # type: ignore[attr-defined]
    CountryField,
    LazyTypedChoiceField,  # not in django-countries' stubs
)

from satuatap.core.forms import DateInput
from satuatap.people.models import MaritalStatus, Sector, Sex
from satuatap.placement.files.models import PREPARATION_STAGES, PlacementFile, ReturnReason, Stage
from satuatap.placement.models import JobOrder, Scheme

OPEN_FIELDS = (
    "scheme",
    "job_order",
    "employer",
    "employer_address",
    "employer_phone",
    "country",
    "sector",
    "occupation",
    "contract_months",
    "fee_charged_idr",
)
EDIT_FIELDS = (*OPEN_FIELDS, "planned_departure_on", "contacts_abroad")


class JobOrderChoiceField(forms.ModelChoiceField):
    """A job order, labelled with what an officer must see before choosing it: the permit,
    the job, the destination and the agency's licence state today."""

    def __init__(self, *args, today: datetime.date, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: JobOrder) -> str:
        label = f"{obj.permit_number} — {obj.title}, {obj.employer} ({obj.country.name})"
        if obj.agency is not None:
            state = obj.agency.licence_state(self.today)
            label += f" · {obj.agency.name}: {state.label}"
        return label


class PlacementFileForm(forms.ModelForm):
    """Open a file, or change its details (`contacts_abroad` only when changing)."""

    # Which box shows an error of the file services.
    ERROR_FIELDS = {
        "scheme_required": "scheme",
        "not_found": "job_order",
        "agency_licence_invalid": "job_order",
        "permit_invalid": "job_order",
        "job_order_closed": "job_order",
        "job_order_locked": "job_order",
    }

    class Meta:
        model = PlacementFile
        fields = EDIT_FIELDS
        widgets = {
            "contacts_abroad": forms.Textarea(attrs={"rows": 3}),
            "planned_departure_on": DateInput(),
        }

    def __init__(self, *args, job_orders, today: datetime.date, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["contacts_abroad"]
            del self.fields["planned_departure_on"]
        self.fields["job_order"] = JobOrderChoiceField(
            queryset=job_orders,
            today=today,
            required=False,
            label=_("Job order"),
            help_text=_("The job order decides the scheme; leave empty for a scheme without one."),
        )
        self.fields["scheme"].required = False
        self.fields["scheme"].help_text = _("Needed only when no job order is chosen.")
        self.fields["country"].help_text = _("Leave empty to use the job order's destination.")

    def service_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}

    def _post_clean(self):
        # The service validates the file; the form only parses the boxes (and must not change
        # the instance the service reads).
        pass


class StageForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("Move to"))
    note = forms.CharField(label=_("Note"), required=False, max_length=255)

    def __init__(self, *args, current: str | None = None, gate_is_open: bool = True, **kwargs):
        """The choices are the stages allowed from `current` (without "ready" while the gate
        is closed); posted, every stage parses and the service says why a move is refused."""
        super().__init__(*args, **kwargs)
        stages = (
            list(Stage) if current is None else allowed_stages(current, gate_is_open=gate_is_open)
        )
        cast(forms.ChoiceField, self.fields["to_stage"]).choices = [
            (stage.value, stage.label) for stage in stages
        ]


def allowed_stages(current: str, *, gate_is_open: bool = True) -> list[Stage]:
    """The stages an officer may move an open file to with the stage form: "ready" only when
    the readiness gate lets the file through (every condition met or covered by an override)."""
    movable = (*PREPARATION_STAGES, Stage.READY)
    if current not in movable:
        return []
    return [
        Stage(stage)
        for stage in movable
        if stage != current and (gate_is_open or stage != Stage.READY)
    ]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=255)


class OverrideForm(forms.Form):
    gate = forms.ChoiceField(label=_("Condition"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, gates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gate"].choices = [(gate.value, gate.label) for gate in gates]


class DepartureForm(forms.Form):
    departure_date = forms.DateField(label=_("Departure date"), widget=DateInput())
    country = CountryField(blank=True).formfield(
        label=_("Destination country"),
        required=False,
        help_text=_("Leave empty to keep the file's destination."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=255)


class ReturnForm(forms.Form):
    return_date = forms.DateField(label=_("Return date"), widget=DateInput())
    reason = forms.ChoiceField(label=_("Reason for return"), choices=ReturnReason.choices)
    mrc_case_reference = forms.CharField(label=_("MRC case number"), required=False, max_length=32)
    note = forms.CharField(label=_("Note"), required=False, max_length=255)


class FileFilterForm(forms.Form):
    OPEN = "open"

    q = forms.CharField(label=_("Name or NIK"), required=False, max_length=100)
    stage = forms.ChoiceField(label=_("Stage"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [
            ("", _("All stages")),
            (self.OPEN, _("Open files")),
            *Stage.choices,
        ]


class ReturneeFilterForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason for return"),
        required=False,
        choices=[("", _("All reasons")), *ReturnReason.choices],
    )


class ChecklistPreviewForm(forms.Form):
    """The facts of an imagined file, to preview the documents the checklist rules require."""

    scheme = forms.ChoiceField(label=_("Scheme"), choices=Scheme.choices)
    country = LazyTypedChoiceField(label=_("Destination country"), choices=countries)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    marital_status = forms.ChoiceField(label=_("Marital status"), choices=MaritalStatus.choices)
