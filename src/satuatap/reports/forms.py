"""The filters of the report pages: period, sex, scheme, destination (and offices nationally).

The query parameters are the exports' own (`month=YYYY-MM` or `from=`/`to=`, `sex`, `scheme`,
`destination`, `office`), so a dashboard's "Download" link passes its filters on unchanged.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from typing import cast

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from satuatap.core.forms import DateInput
from satuatap.placement.facts import Scheme

MAX_DAYS = 3660  # ten years, as the exports


def month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def previous_month(day: datetime.date) -> datetime.date:
    """The first day of the month before `day`'s."""
    return (day.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


@dataclass(frozen=True)
class Period:
    date_from: datetime.date
    date_to: datetime.date
    is_month: bool

    @property
    def previous(self) -> Period:
        """The month before, for a month; else the same number of days just before."""
        if self.is_month:
            first, last = month_bounds(previous_month(self.date_from))
            return Period(first, last, True)
        length = (self.date_to - self.date_from).days + 1
        end = self.date_from - datetime.timedelta(days=1)
        return Period(end - datetime.timedelta(days=length - 1), end, False)

    @property
    def query(self) -> dict[str, str]:
        if self.is_month:
            return {"month": self.date_from.strftime("%Y-%m")}
        return {"from": self.date_from.isoformat(), "to": self.date_to.isoformat()}


SEX_CHOICES = [
    ("", gettext_lazy("Women and men")),
    ("F", gettext_lazy("Women")),
    ("M", gettext_lazy("Men")),
    ("U", gettext_lazy("Sex not recorded")),
]


class MonthInput(forms.TextInput):
    input_type = "month"


class ReportFilterForm(forms.Form):
    """Period (a month, or from/to), sex, scheme, destination; offices for national viewers.

    Bound to `request.GET`; `period()` and `filters()` give what the selectors take."""

    month = forms.CharField(
        label=gettext_lazy("Month"), required=False, widget=MonthInput(), max_length=7
    )
    sex = forms.ChoiceField(label=gettext_lazy("Sex"), choices=SEX_CHOICES, required=False)
    scheme = forms.ChoiceField(label=gettext_lazy("Placement scheme"), required=False)
    destination = forms.ChoiceField(label=gettext_lazy("Destination"), required=False)

    def __init__(self, data=None, *, today: datetime.date, offices=None, **kwargs):
        super().__init__(data, **kwargs)
        self.today = today
        # "from" and "to" are Python keywords: added here, under the exports' parameter names.
        self.fields["from"] = forms.DateField(label=_("From"), required=False, widget=DateInput())
        self.fields["to"] = forms.DateField(label=_("To"), required=False, widget=DateInput())
        self.order_fields(["month", "from", "to", "office", "sex", "scheme", "destination"])
        cast(forms.ChoiceField, self.fields["scheme"]).choices = [
            ("", _("All schemes")),
            *Scheme.choices,
        ]
        cast(forms.ChoiceField, self.fields["destination"]).choices = [
            ("", _("All destinations")),
            *countries,
        ]
        self.fields["month"].widget.attrs["placeholder"] = "YYYY-MM"
        if offices is not None:
            self.fields["office"] = forms.ModelMultipleChoiceField(
                label=_("Offices"),
                queryset=offices,
                required=False,
                help_text=_("None chosen: every office."),
                widget=forms.SelectMultiple(attrs={"size": 4}),
            )
            self.order_fields(["month", "from", "to", "office", "sex", "scheme", "destination"])

    def clean_month(self) -> str:
        value = self.cleaned_data["month"].strip()
        if value:
            match = re.fullmatch(r"(\d{4})-(\d{2})", value)
            if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
                raise forms.ValidationError(_("Give the month as YYYY-MM."))
        return value

    def clean(self):
        data = super().clean()
        date_from, date_to = data.get("from"), data.get("to")
        if date_from and date_to and date_from > date_to:
            raise forms.ValidationError(_("The period starts after it ends."))
        if (date_from or date_to) and (
            (date_to or self.today) - (date_from or (date_to or self.today).replace(day=1))
        ).days > MAX_DAYS:
            raise forms.ValidationError(_("The period may be at most ten years long."))
        return data

    def period(self) -> Period:
        """The period chosen; this month (in the office's calendar) when none or invalid."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        date_from, date_to = data.get("from"), data.get("to")
        if date_from or date_to:
            date_to = date_to or self.today
            date_from = date_from or date_to.replace(day=1)
            first, last = month_bounds(date_from)
            return Period(date_from, date_to, date_from == first and date_to == last)
        if data.get("month"):
            year, month = map(int, data["month"].split("-"))
            first, last = month_bounds(datetime.date(year, month, 1))
            return Period(first, last, True)
        first, last = month_bounds(self.today)
        return Period(first, last, True)

    def filters(self) -> dict:
        """sex, scheme, destination as the selectors take them (None: no filter)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "sex": data.get("sex") or None,
            "scheme": data.get("scheme") or None,
            "destination": data.get("destination") or None,
        }

    def offices(self) -> list:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return list(data.get("office") or [])

    def query(self, *, period: Period, office_id: int | None = None) -> dict[str, str]:
        """The filters as query parameters (the exports' names), for links."""
        query = dict(period.query)
        if office_id is not None:
            query["office"] = str(office_id)
        for name, value in self.filters().items():
            if value:
                query[name] = value
        return query
