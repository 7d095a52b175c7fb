"""The IKM survey: the visitor's questionnaire (QR code on the ticket, or the exit kiosk, a
device the office head paired: `views/pairing.py`) and the office's IKM report."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from satuatap.core.exceptions import DomainError
from satuatap.core.forms import DateInput
from satuatap.core.models import Desk
from satuatap.frontdesk import surveys
from satuatap.frontdesk.ikm import (
    ANSWER_LABELS,
    ELEMENTS,
    GRADES,
    IkmResult,
    compute_ikm,
    office_ikm,
    office_ikm_by_desk,
)
from satuatap.frontdesk.models import Device, Survey, Visit
from satuatap.frontdesk.surveys import selectors as survey_selectors
from satuatap.frontdesk.surveys import services as survey_services
from satuatap.frontdesk.views.pairing import device_page

# The visitor's questionnaire ---------------------------------------------------------------


class SurveyForm(forms.Form):
    """Nine radio groups (1–4, each may be left blank) and a comment."""

    comment = forms.CharField(
        label=gettext_lazy("Anything else you want to tell us? (optional)"),
        required=False,
        max_length=surveys.COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control form-control-lg"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for element in ELEMENTS:
            self.fields[element.code] = forms.TypedChoiceField(
                label=element.question,
                choices=list(ANSWER_LABELS.items()),
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "btn-check", "autocomplete": "off"}),
            )

    def questions(self):
        return [(element, self[element.code]) for element in ELEMENTS]

    def answers(self) -> dict[str, int | None]:
        return {element.code: self.cleaned_data.get(element.code) for element in ELEMENTS}


def _answer(request, visit: Visit, *, channel: str) -> tuple[bool, SurveyForm]:
    """Bind and submit the questionnaire; True when the survey was stored. A survey answered
    meanwhile (another tab, the kiosk) raises the `already_answered` DomainError."""
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey_services.submit_survey(
                visit=visit,
                answers=form.answers(),
                comment=form.cleaned_data["comment"],
                channel=channel,
            )
        except DomainError as error:
            if error.code == "already_answered":
                raise
            form.add_error(None, error.message)
        else:
            return True, form
    return False, form


def _visit_context(visit: Visit) -> dict:
    return {"visit": visit, "office": visit.office, "desks": survey_selectors.desks_visited(visit)}


@never_cache
@require_http_methods(["GET", "POST"])
def survey(request, token: str):
    """The questionnaire opened from the QR code on the ticket."""
    visit = survey_selectors.visit_for_survey_token(token)
    if visit is None:
        raise Http404
    context = _visit_context(visit)
    if survey_selectors.has_survey(visit):
        return render(request, "frontdesk/survey_answered.html", context)
    if not survey_selectors.was_served(visit):
        return render(request, "frontdesk/survey_not_served.html", context)
    try:
        stored, form = _answer(request, visit, channel=Survey.Channel.QR)
    except DomainError:
        return render(request, "frontdesk/survey_answered.html", context)
    if stored:
        return redirect("public:survey-thanks", token=token)
    return render(request, "frontdesk/survey_form.html", {**context, "form": form})


@never_cache
@require_GET
def survey_thanks(request, token: str):
    visit = survey_selectors.visit_for_survey_token(token)
    if visit is None:
        raise Http404
    if not survey_selectors.has_survey(visit):
        return redirect("public:survey", token=token)
    return render(request, "frontdesk/survey_thanks.html", _visit_context(visit))


# The exit kiosk ------------------------------------------------------------------------------

KIOSK_RESTART_SECONDS = 8


@never_cache
@require_GET
@device_page(Device.Kind.EXIT_KIOSK, refresh_cookie=True)
def kiosk(request, device: Device):
    """Step 1: the visitor types the number on their ticket (e.g. A-012)."""
    office = device.office
    code = request.GET.get("ticket", "").strip()[:16]
    error = ""
    if code:
        parsed = surveys.parse_ticket_code(code)
        visit = survey_selectors.visit_for_ticket_code(office, code, office.today())
        if parsed is None or visit is None:
            error = _(
                "There is no ticket %(code)s today at this office. Check the number on your ticket."
            ) % {"code": code.upper()}
        elif survey_selectors.has_survey(visit):
            error = _("The survey for ticket %(code)s has already been answered. Thank you!") % {
                "code": code.upper()
            }
        elif not survey_selectors.was_served(visit):
            error = _(
                "Ticket %(code)s has not been served yet. The survey opens once a desk has "
                "served you."
            ) % {"code": code.upper()}
        else:
            prefix, number = parsed
            return redirect("public:kiosk-survey", code=f"{prefix}-{number:03d}")
    context = {"device": device, "office": office, "code": code, "error": error}
    return render(request, "frontdesk/kiosk_start.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@device_page(Device.Kind.EXIT_KIOSK, unpaired="home")
def kiosk_survey(request, device: Device, code: str):
    """Step 2: the questionnaire for today's ticket `code`."""
    office = device.office
    visit = survey_selectors.visit_for_ticket_code(office, code, office.today())
    back = f"{reverse('public:kiosk')}?{urlencode({'ticket': code})}"
    if (
        visit is None
        or survey_selectors.has_survey(visit)
        or not survey_selectors.was_served(visit)
    ):
        return redirect(back)
    context = {**_visit_context(visit), "device": device, "code": code}
    try:
        stored, form = _answer(request, visit, channel=Survey.Channel.KIOSK)
    except DomainError:
        return redirect(back)
    if stored:
        return redirect("public:kiosk-thanks")
    return render(request, "frontdesk/kiosk_survey.html", {**context, "form": form})


@never_cache
@require_GET
@device_page(Device.Kind.EXIT_KIOSK, unpaired="home")
def kiosk_thanks(request, device: Device):
    """Step 3: thank you; the page goes back to step 1 by itself after a few seconds."""
    context = {
        "device": device,
        "office": device.office,
        "restart_seconds": KIOSK_RESTART_SECONDS,
        "restart_url": reverse("public:kiosk"),
    }
    return render(request, "frontdesk/kiosk_thanks.html", context)


# The office's IKM report ---------------------------------------------------------------------


class IkmFilterForm(forms.Form):
    date_from = forms.DateField(
        label=gettext_lazy("From"),
        widget=DateInput(),
    )
    date_to = forms.DateField(label=gettext_lazy("To"), widget=DateInput())
    desk = forms.ModelChoiceField(
        label=gettext_lazy("Desk"),
        queryset=Desk.objects.none(),
        required=False,
        empty_label=gettext_lazy("All desks"),
    )

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desk"].queryset = Desk.objects.filter(office=office).select_related(
            "desk_type"
        )
        self.fields["desk"].label_from_instance = str

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data


CHART_WIDTH = 640
CHART_LABEL_WIDTH = 56
CHART_BAR_SPACE = CHART_WIDTH - CHART_LABEL_WIDTH - 72
CHART_ROW = 34


def _bar_width(value) -> str:
    return f"{float(value) / 100 * CHART_BAR_SPACE:.1f}"


def ikm_chart(result: IkmResult) -> dict:
    """Geometry of a horizontal bar chart of the converted values (0–100), as strings so the
    template does not localise them (SVG needs a decimal point)."""
    rows = [(e.code.upper(), e.converted, "") for e in result.elements]
    rows.append(("IKM", result.index, "ikm"))
    bars = []
    for i, (name, value, kind) in enumerate(rows):
        y = i * CHART_ROW + 4
        width = _bar_width(value) if value is not None else "0"
        bars.append(
            {
                "name": name,
                "value": value,
                "kind": kind,
                "y": str(y),
                "text_y": str(y + CHART_ROW // 2 + 2),
                "width": width,
                "value_x": f"{CHART_LABEL_WIDTH + float(width) + 6:.1f}",
            }
        )
    height = len(rows) * CHART_ROW + 24
    lines = [
        {
            "x": f"{CHART_LABEL_WIDTH + float(_bar_width(g.minimum)):.1f}",
            "letter": g.letter,
        }
        for g in GRADES[:-1]
    ]
    return {
        "width": str(CHART_WIDTH),
        "height": str(height),
        "label_width": str(CHART_LABEL_WIDTH),
        "bar_height": str(CHART_ROW - 10),
        "axis_y": str(height - 20),
        "letter_y": str(height - 6),
        "bars": bars,
        "lines": lines,
    }


@login_required
@require_GET
def ikm_report(request):
    """The office's IKM per element and overall, for a period, overall and per desk."""
    office = request.user.office
    if office is None or not request.user.has_perm("frontdesk.view_office_stats", office):
        raise PermissionDenied
    today = office.today()
    defaults = {"date_from": today.replace(day=1), "date_to": today, "desk": None}
    form = IkmFilterForm(request.GET or None, office=office, initial=defaults)
    period = dict(defaults)
    if request.GET and form.is_valid():
        period = form.cleaned_data
    date_from: datetime.date = period["date_from"]
    date_to: datetime.date = period["date_to"]
    desk = period.get("desk")
    result = office_ikm(office, date_from=date_from, date_to=date_to, desk=desk)
    by_desk = office_ikm_by_desk(office, date_from=date_from, date_to=date_to)
    desk_rows = [
        (d, by_desk.get(d.pk) or compute_ikm([]))
        for d in form.fields["desk"].queryset
        if d.is_active or d.pk in by_desk
    ]
    context = {
        "office": office,
        "form": form,
        "date_from": date_from,
        "date_to": date_to,
        "desk": desk,
        "result": result,
        "desk_rows": desk_rows,
        "elements": ELEMENTS,
        "chart": ikm_chart(result),
    }
    return render(request, "frontdesk/ikm_report.html", context)


urlpatterns = [path("ikm/", ikm_report, name="ikm")]

public_urlpatterns = [
    path("survey/<str:token>/", survey, name="survey"),
    path("survey/<str:token>/thanks/", survey_thanks, name="survey-thanks"),
    path("kiosk/", kiosk, name="kiosk"),
    path("kiosk/survey/<str:code>/", kiosk_survey, name="kiosk-survey"),
    path("kiosk/thanks/", kiosk_thanks, name="kiosk-thanks"),
]
