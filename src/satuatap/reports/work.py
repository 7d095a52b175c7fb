"""What the reports put in "Your work" on the home page (`core.work`): for the national
viewers, the latest month released (`release.py`) and whether the figures are behind."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from satuatap.core.models import User
from satuatap.core.work import WorkLink, WorkPanel, WorkRow, register_work_panel
from satuatap.reports import selectors


def latest_release_panel(user: User) -> WorkPanel | None:
    if not user.has_perm("reports.view_national_reports"):
        return None
    dashboard = reverse("reports:national-dashboard")
    rows = []
    latest = selectors.latest_release(user)
    if latest is not None:
        month, built_at = latest
        rows.append(
            WorkRow(
                text=date_format(month, "YEAR_MONTH_FORMAT"),
                url=f"{dashboard}?{urlencode({'month': month.strftime('%Y-%m')})}",
                detail=_("released %(date)s")
                % {"date": date_format(timezone.localtime(built_at), "SHORT_DATE_FORMAT")},
            )
        )
    if selectors.figures_are_behind():
        rows.append(
            WorkRow(
                text=_("Figures may lag"),
                url=dashboard,
                detail=_("the background refresh of the figures is behind"),
                needs_attention=True,
            )
        )
    return WorkPanel(
        title=_("Latest release"),
        rows=tuple(rows),
        empty_text=_("No month has been released yet."),
        next_step=WorkLink(_("Open the national dashboard"), dashboard),
    )


def register() -> None:
    register_work_panel("reports-latest-release", latest_release_panel, order=90)
