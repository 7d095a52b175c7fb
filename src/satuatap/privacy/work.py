"""What privacy puts in "Your work" on the home page (`core.work`): the office head's
data-subject requests and their deadlines, and the administrator's open breaches. Like the
register itself, nothing here says anything about MRC cases."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from satuatap.core.models import User
from satuatap.core.work import WorkItem, WorkPanel, register_work_panel
from satuatap.privacy import selectors

OVERDUE_ONLY = urlencode({"overdue": "on"})


def subject_requests_panel(user: User) -> WorkPanel | None:
    if not user.has_perm("privacy.view_office_subject_requests"):
        return None
    counts = selectors.open_request_counts(user)
    listing = reverse("privacy:subject-request-list")
    return WorkPanel(
        title=_("Data-subject requests"),
        items=(
            WorkItem(_("open"), counts.open, listing),
            WorkItem(
                _("past their deadline"),
                counts.overdue,
                f"{listing}?{OVERDUE_ONLY}",
                needs_attention=True,
            ),
        ),
    )


def breaches_panel(user: User) -> WorkPanel | None:
    if not user.has_perm("privacy.manage_breaches"):
        return None
    counts = selectors.open_breach_counts(user)
    listing = reverse("privacy:breach-list")
    return WorkPanel(
        title=_("Personal-data breaches"),
        items=(
            WorkItem(_("open"), counts.open, listing),
            WorkItem(
                _("with notices overdue"),
                counts.notices_overdue,
                f"{listing}?{OVERDUE_ONLY}",
                needs_attention=True,
            ),
        ),
    )


def register() -> None:
    register_work_panel("privacy-subject-requests", subject_requests_panel, order=80)
    register_work_panel("privacy-breaches", breaches_panel, order=85)
