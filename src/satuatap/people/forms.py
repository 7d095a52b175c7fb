from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from satuatap.people.models import Sex
from satuatap.regions.forms import RegionPickerField
from satuatap.regions.models import RegionLevel


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    nik = forms.CharField(
        label=_("NIK"),
        required=False,
        max_length=16,
        validators=[RegexValidator(r"^[0-9]{16}$", _("A NIK has exactly 16 digits."))],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    birth_date = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    birth_place = forms.CharField(label=_("Place of birth"), required=False, max_length=120)
    village = RegionPickerField(label=_("Village of residence"), level=RegionLevel.VILLAGE)
    address = forms.CharField(label=_("Address (street, RT/RW)"), required=False, max_length=255)
