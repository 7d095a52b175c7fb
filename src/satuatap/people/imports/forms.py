"""Forms of the register import: the upload, and the choice of a column per field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from satuatap.people.imports.mapping import IMPORT_FIELDS, REQUIRED_FIELDS, mapping_problems
from satuatap.people.models import ImportJob


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Register file"),
        help_text=_("An Excel workbook (.xlsx) or a CSV file, with the headings in the first row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class ImportMappingForm(forms.Form):
    """A select per importable field, offering the file's columns, prefilled with the mapping."""

    def __init__(self, *args, job: ImportJob, **kwargs):
        super().__init__(*args, **kwargs)
        self.job = job
        choices = [("", _("— not in the file —")), *((c, c) for c in job.columns)]
        for name, label in IMPORT_FIELDS.items():
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=choices,
                # The rules (required fields, each column once) live in the service.
                required=False,
                help_text=_("Required.") if name in REQUIRED_FIELDS else "",
                initial=job.mapping.get(name, ""),
            )

    def clean(self):
        cleaned_data = super().clean()
        for name, message in mapping_problems(
            columns=self.job.columns, mapping=self.mapping()
        ).items():
            self.add_error(name if name in self.fields else None, message)
        return cleaned_data

    def mapping(self) -> dict[str, str]:
        return {name: column for name, column in self.cleaned_data.items() if column}
