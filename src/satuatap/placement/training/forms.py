"""Forms of the training and OPP pages: thin, the rules live in `services.py`."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from satuatap.core.forms import DateInput, ScanUploadForm
from satuatap.placement.training.models import Course, CourseKind, Result, Weekday
from satuatap.placement.training.services import COURSE_FIELDS


class CourseForm(forms.ModelForm):
    weekdays = forms.MultipleChoiceField(
        label=_("Meets on"),
        choices=Weekday.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The days of the week the course meets between its first and last day."),
    )

    class Meta:
        model = Course
        fields = COURSE_FIELDS
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = CourseKind.choices  # no blank choice: training by default
        self.initial["weekdays"] = list(self.instance.weekdays or "")

    def clean_weekdays(self) -> str:
        return "".join(sorted(set(self.cleaned_data["weekdays"])))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last day cannot be before the first day."))
        if cleaned.get("kind") == CourseKind.TRAINING and not cleaned.get("competency"):
            self.add_error("competency", _("Say which competency the training leads to."))
        return cleaned

    def _post_clean(self):
        # The service validates the course (with the office it belongs to) and saves it.
        pass


PERIOD_CHOICES = [
    ("", _("All")),
    ("upcoming", _("Upcoming")),
    ("running", _("Running")),
    ("past", _("Past")),
]


class CourseFilterForm(forms.Form):
    period = forms.ChoiceField(label=_("When"), choices=PERIOD_CHOICES, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All"))] + CourseKind.choices, required=False
    )


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Find a person by NIK, phone or name"), max_length=100)


class EnrolForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)


class AttendanceForm(forms.Form):
    """The register of one day: a checkbox per enrolled person, ticked when present."""

    day = forms.DateField(widget=forms.HiddenInput)
    present = forms.TypedMultipleChoiceField(
        label=_("Present"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, enrolment_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["present"]).choices = [(pk, pk) for pk in enrolment_ids]


class ResultForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=Result.choices)


class CertificateForm(ScanUploadForm):
    number_label = _("Certificate number")
    file_label = _("Scan of the certificate")

    # Which field a domain error of `attach_certificate` belongs to.
    ERROR_FIELDS = {**ScanUploadForm.ERROR_FIELDS, "future_issue_date": "issued_on"}


class CountsForm(forms.Form):
    date_from = forms.DateField(label=_("Courses starting from"), widget=DateInput())
    date_to = forms.DateField(label=_("to"), widget=DateInput())
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All"))] + CourseKind.choices, required=False
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the period cannot be before its start."))
        return cleaned
