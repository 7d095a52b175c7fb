from __future__ import annotations

import re
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from satuatap.core.forms import DateInput
from satuatap.people.models import (
    ConsentMethod,
    ConsentPurpose,
    Disability,
    Education,
    ErasureReason,
    MaritalStatus,
    MigrationStatus,
    Relation,
    Sector,
    Sex,
)
from satuatap.regions.forms import RegionPickerField
from satuatap.regions.models import RegionLevel


class PhonesField(forms.CharField):
    """One or more phone numbers separated by commas or slashes; cleans to E.164 numbers."""

    def clean(self, value):
        from satuatap.people.phones import PhoneError, normalise_phone

        raw = super().clean(value) or ""
        numbers, errors = [], []
        for part in filter(None, (p.strip() for p in re.split(r"[,/;]", raw))):
            try:
                numbers.append(normalise_phone(part))
            except PhoneError as error:
                errors.append(f"{part}: {error.message}")
        if errors:
            raise forms.ValidationError(errors)
        return list(dict.fromkeys(numbers))


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    nik = forms.CharField(
        label=_("NIK"),
        required=False,
        max_length=24,
        help_text=_("16 digits, from the KTP or KK."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    nik_missing_reason = forms.CharField(
        label=_("If there is no NIK, why"),
        required=False,
        max_length=200,
        help_text=_("For example: a child without a KK entry, a family member abroad."),
    )
    # No sex is pre-selected: a default would be recorded for everyone the officer did not ask,
    # and would silently move the office's figures for women and men.
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=[("", _("Choose…")), *Sex.choices],
        error_messages={"required": _("Choose the person's sex (or “Not recorded”).")},
    )
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    birth_place = forms.CharField(label=_("Place of birth"), required=False, max_length=120)
    marital_status = forms.ChoiceField(
        label=_("Marital status"), required=False, choices=[("", "—"), *MaritalStatus.choices]
    )
    education = forms.ChoiceField(
        label=_("Education"), required=False, choices=[("", "—"), *Education.choices]
    )
    phones = PhonesField(
        label=_("Phone numbers"),
        required=False,
        help_text=_("Separate several numbers with a comma, e.g. 0812 3456 7890, +852 5123 4567."),
    )
    village = RegionPickerField(label=_("Village of residence"), level=RegionLevel.VILLAGE)
    address = forms.CharField(label=_("Address (street, RT/RW)"), required=False, max_length=255)
    languages = forms.CharField(label=_("Languages spoken"), required=False, max_length=200)
    disability = forms.ChoiceField(
        label=_("Disability"), choices=Disability.choices, initial=Disability.NONE, required=False
    )
    confirm_nik_warnings = forms.BooleanField(
        label=_("I have checked the NIK against the KTP/KK and the data above is right"),
        required=False,
    )
    confirm_not_duplicate = forms.BooleanField(
        label=_("None of the records above is this person"), required=False
    )

    def __init__(self, *args, user, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.person = person
        office = getattr(user, "office", None)
        if office is not None and office.region_id:
            # The picker opens at the office's regency, whose places it also finds first.
            cast(RegionPickerField, self.fields["village"]).start = office.region_id
        self.nik_warnings = []  # the officer confirms these
        self.nik_notes = []  # these only inform (a region code that changed since the NIK)
        self.duplicates = []

    def clean(self):
        from satuatap.people.nik import check_nik
        from satuatap.people.selectors import likely_duplicates

        cleaned = super().clean()
        cleaned["disability"] = cleaned.get("disability") or Disability.NONE
        raw_nik = cleaned.get("nik") or ""
        if raw_nik.strip():
            check = check_nik(raw_nik, sex=cleaned.get("sex"), birth_date=cleaned.get("birth_date"))
            for issue in check.errors:
                self.add_error("nik", issue.message)
            cleaned["nik"] = check.nik
            self.nik_warnings = list(check.warnings_to_confirm)
            self.nik_notes = [issue for issue in check.warnings if not issue.needs_confirmation]
            if check.is_valid and self.nik_warnings and not cleaned.get("confirm_nik_warnings"):
                self.add_error(
                    "confirm_nik_warnings",
                    _("The NIK does not match the data entered: check it, then confirm."),
                )
        else:
            cleaned["nik"] = None
        if self.errors or self.person is not None:
            return cleaned
        self.duplicates = likely_duplicates(
            self.user,
            full_name=cleaned.get("full_name", ""),
            birth_date=cleaned.get("birth_date"),
            village=cleaned.get("village"),
            phones=cleaned.get("phones") or [],
        )
        if self.duplicates and not cleaned.get("confirm_not_duplicate"):
            self.add_error(
                "confirm_not_duplicate",
                _("This person may already be registered: check the records listed."),
            )
        return cleaned

    def person_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("confirm_not_duplicate")
        data.pop("confirm_nik_warnings")
        data["confirmed_nik_warnings"] = [w.code for w in self.nik_warnings]
        return data


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search by NIK, phone or name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class StatusEventForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=MigrationStatus.choices)
    effective_date = forms.DateField(label=_("Since"), widget=DateInput())
    country = forms.CharField(label=_("Country"), required=False)
    employer = forms.CharField(label=_("Employer"), required=False, max_length=200)
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", "—"), *Sector.choices]
    )
    notes = forms.CharField(label=_("Notes"), required=False, max_length=255)

    def __init__(self, *args, **kwargs):
        from django_countries import countries

        super().__init__(*args, **kwargs)
        self.fields["country"] = forms.ChoiceField(
            label=_("Country"), required=False, choices=[("", "—"), *countries]
        )


class FamilyLinkForm(forms.Form):
    relation = forms.ChoiceField(label=_("Relation"), choices=Relation.choices)
    relative = forms.IntegerField(
        label=_("Relative's record number"),
        help_text=_("Find the relative in the registry first; the number is on their page."),
        min_value=1,
    )


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    given_on = forms.DateField(label=_("Given on"), widget=DateInput())
    method = forms.ChoiceField(label=_("How"), choices=ConsentMethod.choices)
    witness = forms.CharField(
        label=_("Witness (for verbal consent)"), required=False, max_length=200
    )


class MergeForm(forms.Form):
    other = forms.IntegerField(label=_("Record number of the duplicate"), min_value=1)
    reason = forms.CharField(label=_("Why they are the same person"), max_length=255)


class EraseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Request"))
    confirm = forms.BooleanField(
        label=_("I understand that the name, NIK, contacts and documents are erased for good"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = ErasureReason.choices
