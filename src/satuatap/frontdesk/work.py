"""What the front desk puts in "Your work" on the home page (`core.work`): the office's day at
the desks for the front desk and the office head, and each desk's line for who works at it.

Ticket codes and counts only: no visitor is named on the home page."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from satuatap.core.models import User
from satuatap.core.roles import Role
from satuatap.core.work import WorkItem, WorkLink, WorkPanel, WorkRow, register_work_panel
from satuatap.frontdesk import selectors

# The roles whose home shows the whole office's day at the desks.
OFFICE_DAY_ROLES = (Role.FRONTDESK, Role.OFFICE_HEAD)


def _waited(since, now) -> str:
    minutes = max(0, int((now - since).total_seconds() // 60))
    return ngettext(
        "waiting longest %(minutes)d minute", "waiting longest %(minutes)d minutes", minutes
    ) % {"minutes": minutes}


def office_day_panel(user: User) -> WorkPanel | None:
    """Today at the office's desks: check-ins, who waits where, and (front desk) check-in."""
    office = user.office
    if (
        office is None
        or not user.has_role(*OFFICE_DAY_ROLES)
        or not user.has_perm("frontdesk.view_office_stats", office)
    ):
        return None
    now = timezone.now()
    today_url = reverse("frontdesk:today")
    desks = selectors.desks_today(user)
    rows = []
    for day in desks:
        detail = ngettext("%(count)d waiting", "%(count)d waiting", day.waiting) % {
            "count": day.waiting
        }
        if day.waiting_since is not None:
            detail += " · " + _waited(day.waiting_since, now)
        rows.append(WorkRow(text=str(day.desk), url=today_url, detail=detail))
    items = (
        WorkItem(_("checked in today"), selectors.visits_on(user, office.today()), today_url),
        WorkItem(_("waiting now"), sum(d.waiting for d in desks), today_url),
        WorkItem(_("being served"), sum(d.in_service for d in desks), today_url),
        WorkItem(_("served today"), sum(d.served for d in desks), today_url),
    )
    next_step = (
        WorkLink(_("Check in a visitor"), reverse("frontdesk:check-in"))
        if user.has_perm("frontdesk.check_in")
        else WorkLink(_("Queues today"), today_url)
    )
    return WorkPanel(
        title=_("Today at the desks"),
        items=items,
        rows=tuple(rows),
        rows_title=_("Waiting by desk"),
        empty_text=_("The office has no desk yet."),
        next_step=next_step,
    )


def desk_line_panel(user: User) -> WorkPanel | None:
    """The line at each desk the user works at, and the ticket it calls next."""
    if user.office is None or not user.has_perm("frontdesk.use_console"):
        return None
    desks = [
        day for day in selectors.desks_today(user) if user.has_perm("frontdesk.work_desk", day.desk)
    ]
    if not desks:
        return None
    rows = []
    for day in desks:
        detail = ngettext("%(count)d waiting", "%(count)d waiting", day.waiting) % {
            "count": day.waiting
        }
        following = selectors.next_in_line(day.desk) if day.waiting else None
        if following is not None:
            detail += " · " + _("next: %(code)s") % {"code": following.code}
        url = reverse("frontdesk:console", args=[day.desk.pk])
        rows.append(WorkRow(text=str(day.desk), url=url, detail=detail))
    console = (
        reverse("frontdesk:console", args=[desks[0].desk.pk])
        if len(desks) == 1
        else reverse("frontdesk:desk-list")
    )
    return WorkPanel(
        title=ngettext("Your desk's line", "Your desks' lines", len(desks)),
        items=(
            WorkItem(_("waiting"), sum(d.waiting for d in desks), console),
            WorkItem(_("being served"), sum(d.in_service for d in desks), console),
        ),
        rows=tuple(rows),
        next_step=WorkLink(_("Open the console"), console),
    )


def register() -> None:
    register_work_panel("frontdesk-office-day", office_day_panel, order=10)
    register_work_panel("frontdesk-desk-line", desk_line_panel, order=20)
