from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from satuatap.core.audit import ReadPurpose
from satuatap.core.models import DeskType, Language


class DateInput(forms.DateInput):
    """A date typed day first, dd/mm/yyyy, in both languages (`satuatap/formats`): a text
    field, since a browser's date picker shows the date in the browser's own language (08/17/2026
    on an English system) whatever the page's. It reads dd/mm/yyyy, dd-mm-yyyy and ISO dates."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__({"placeholder": _("dd/mm/yyyy"), "autocomplete": "off", **(attrs or {})})


class DateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker, which reads and writes `2026-08-17T09:30` only."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class ZonedDateTimeField(forms.DateTimeField):
    """A date and time typed as read on the office's clock (`zone`: WIB, WITA or WIT), stored
    as the moment it is. The field's initial value is shown on that clock too."""

    widget = DateTimeInput
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]

    def __init__(self, *args, zone=None, **kwargs):
        self.zone = zone
        kwargs.setdefault("error_messages", {"invalid": _("Give a date and a time.")})
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value) and self.zone:
            return timezone.localtime(value, timezone=self.zone).replace(tzinfo=None)
        return super().prepare_value(value)

    def to_python(self, value):
        if self.zone is None:
            return super().to_python(value)
        with timezone.override(self.zone):
            return super().to_python(value)


# A hint for the browser's file picker only; the server decides by the file's content.
ACCEPTED_SCAN_FILES = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"


class ScanUploadForm(forms.Form):
    """The scan of a paper (PDF, JPEG or PNG, at most `DOCUMENT_MAX_BYTES`) with its number and
    dates: a person's document (`people`), a training certificate (`placement`). A subclass
    names the number and the scan (`number_label`, `file_label`), adds its fields and extends
    `ERROR_FIELDS` with its service's errors; the service checks the file by its content."""

    number_label = _("Document number")
    file_label = _("Scan")

    number = forms.CharField(required=False, max_length=64)
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DateInput())
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=DateInput())
    file = forms.FileField(widget=forms.FileInput(attrs={"accept": ACCEPTED_SCAN_FILES}))

    # Which field a domain error of the service that stores the scan belongs to.
    ERROR_FIELDS = {
        "unsupported_file_type": "file",
        "file_too_large": "file",
        "empty_file": "file",
        "expiry_before_issue": "expires_on",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].label = self.number_label
        self.fields["file"].label = self.file_label
        self.fields["file"].help_text = _("A PDF, JPEG or PNG file of at most %(size)s MB.") % {
            "size": f"{settings.DOCUMENT_MAX_BYTES / (1024 * 1024):g}"
        }


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class ReadPurposeForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Why do you need to read this record?"),
        choices=ReadPurpose.choices,
        widget=forms.RadioSelect,
    )


class DeskConfigurationForm(forms.Form):
    """One checkbox and one prefix box per desk type."""

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        current = {d.desk_type_id: d for d in office.desks.all() if d.is_active}
        self.desk_types = list(DeskType.objects.all())
        # `services.configure_desks` names a refused desk by its type's code.
        self.error_fields = {t.code: f"prefix_{t.code}" for t in self.desk_types}
        for desk_type in self.desk_types:
            desk = current.get(desk_type.pk)
            self.fields[f"has_{desk_type.code}"] = forms.BooleanField(
                label=desk_type.name, required=False, initial=desk is not None
            )
            self.fields[f"prefix_{desk_type.code}"] = forms.CharField(
                label=_("Ticket prefix"),
                max_length=2,
                required=False,
                initial=desk.prefix if desk else desk_type.default_prefix,
            )

    def clean(self):
        cleaned = super().clean()
        for desk_type in self.desk_types:
            if cleaned.get(f"has_{desk_type.code}") and not cleaned.get(f"prefix_{desk_type.code}"):
                self.add_error(f"prefix_{desk_type.code}", _("Give this desk a ticket prefix."))
        return cleaned

    def rows(self):
        for desk_type in self.desk_types:
            yield desk_type, self[f"has_{desk_type.code}"], self[f"prefix_{desk_type.code}"]

    def prefixes(self) -> dict[str, str | None]:
        return {
            t.code: (
                self.cleaned_data[f"prefix_{t.code}"]
                if self.cleaned_data[f"has_{t.code}"]
                else None
            )
            for t in self.desk_types
        }


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("User"), required=False)
    model = forms.ChoiceField(label=_("Record type"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    object_pk = forms.CharField(label=_("Record id"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args, model_choices, action_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", _("All"))] + model_choices
        self.fields["action"].choices = [("", _("All"))] + action_choices


class TwoFactorCodeForm(forms.Form):
    """A code from the authenticator app, or one of the recovery codes."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )
