"""What the MRC puts in "Your work" on the home page (`core.work`): a case worker's cases by
their next due action, the case supervisor's decisions and the team's overdue work, and a
partner's new referrals.

Every count and row starts from `selectors.visible_cases` (or, for a partner, from
`partner.selectors.partner_referrals`), so a restricted case reaches a number only for those
who may open it: its assigned case workers and the case supervisors. No row names the client
of a restricted case, and no row shows an action's or a referral's text (they are encrypted:
they can tell a survivor's story); a partner's rows name no client at all, as its list does.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from satuatap.cases import selectors
from satuatap.cases.models import Case, CaseStatus, ReferralState
from satuatap.cases.partner import selectors as partner_selectors
from satuatap.cases.retention.selectors import pending_erasure_requests
from satuatap.core.models import User
from satuatap.core.roles import Role
from satuatap.core.work import (
    ROW_LIMIT,
    WorkItem,
    WorkLink,
    WorkPanel,
    WorkRow,
    register_work_panel,
)


def _day(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _case_text(case: Case) -> str:
    """The case's number, and its client's name unless the case is restricted."""
    if case.is_restricted:
        return _("%(number)s (restricted)") % {"number": case.number}
    return f"{case.number} · {case.client.full_name}"


def _next_action_detail(row: selectors.CaseNextAction, today: datetime.date) -> str:
    next_due = row.next_due
    if next_due is None:
        if row.is_overdue:
            return _("a referral's answer is overdue")
        return _("no action planned")
    if next_due < today:
        return _("action overdue since %(date)s") % {"date": _day(next_due)}
    if next_due == today:
        return _("action due today")
    return _("next action due %(date)s") % {"date": _day(next_due)}


def my_cases_panel(user: User) -> WorkPanel | None:
    """A case worker's open cases, the overdue first, then by the next action's due date."""
    if user.office is None or not user.has_perm("cases.open_case"):
        return None
    today = user.office.today()
    total = selectors.my_cases(user).count()
    if not total and not user.has_role(Role.COUNSELLOR):
        return None  # a case supervisor with no case of her own: the team panel is hers
    overdue = selectors.my_overdue_cases(user, today).count()
    mine = reverse("cases:my-cases")
    rows = tuple(
        WorkRow(
            text=_case_text(row.case),
            url=reverse("cases:case-detail", args=[row.case.pk]),
            detail=_next_action_detail(row, today),
            needs_attention=row.is_overdue,
        )
        for row in selectors.my_cases_by_next_action(user, today, limit=ROW_LIMIT)
    )
    return WorkPanel(
        title=_("Your cases"),
        items=(
            WorkItem(_("open, assigned to you"), total, mine),
            WorkItem(_("with something overdue"), overdue, mine, needs_attention=True),
        ),
        rows=rows,
        rows_title=_("By next due action, overdue first"),
        empty_text=_("No open case is assigned to you."),
        next_step=WorkLink(_("Record a contact"), reverse("cases:contact-create")),
        more=WorkLink(_("All your cases"), mine) if total > ROW_LIMIT else None,
    )


def team_panel(user: User) -> WorkPanel | None:
    """The case supervisor's decisions (closures, erasure reviews), the cases nobody works on
    and the overdue actions of each case worker. Supervisors see every case of the office,
    restricted ones included, so these counts hide nothing from them and show them to nobody
    else."""
    if user.office is None or not user.has_perm("cases.view_team_cases"):
        return None
    today = user.office.today()
    overdue_url = reverse("cases:overdue")
    closures = selectors.awaiting_closure(user).count()
    by_worker = selectors.overdue_actions_by_worker(user, today)
    rows = tuple(
        WorkRow(
            text=row["owner__full_name"] or row["owner__username"],
            url=overdue_url,
            detail=ngettext("%(count)d overdue action", "%(count)d overdue actions", row["count"])
            % {"count": row["count"]},
            needs_attention=True,
        )
        for row in by_worker[:ROW_LIMIT]
    )
    status_filter = urlencode({"status": CaseStatus.RESOLVED})
    return WorkPanel(
        title=_("Team cases and decisions"),
        items=(
            WorkItem(
                _("closures to approve"),
                closures,
                f"{reverse('cases:case-list')}?{status_filter}",
                needs_attention=True,
            ),
            WorkItem(
                _("erasure requests to review"),
                pending_erasure_requests(user).count(),
                reverse("cases:erasure-requests"),
                needs_attention=True,
            ),
            WorkItem(
                _("without a case worker"),
                selectors.unassigned_cases(user).count(),
                reverse("cases:team-cases"),
                needs_attention=True,
            ),
            WorkItem(
                _("overdue referrals"),
                selectors.overdue_referrals(user, today).count(),
                overdue_url,
                needs_attention=True,
            ),
        ),
        rows=rows,
        rows_title=_("Overdue actions by case worker"),
        empty_text=_("No action is overdue."),
        next_step=WorkLink(_("Team cases"), reverse("cases:team-cases")),
        more=WorkLink(_("Everything overdue"), overdue_url) if len(by_worker) > ROW_LIMIT else None,
    )


def partner_panel(user: User) -> WorkPanel | None:
    """A partner's new referrals (sent, not answered, not ended), the answer due first."""
    if not user.has_perm("cases.use_partner_portal"):
        return None
    new = partner_selectors.live_referrals_in_state(user, ReferralState.SENT)
    listing = reverse("cases:partner-referral-list")
    rows = []
    for referral in new[:ROW_LIMIT]:
        is_overdue = referral.due_on < referral.case.office.today()  # the office's today
        detail = _("answer overdue since %(date)s") if is_overdue else _("answer by %(date)s")
        rows.append(
            WorkRow(
                text=_("Referral #%(id)s from %(office)s")
                % {"id": referral.pk, "office": referral.case.office.name},
                url=reverse("cases:partner-referral-detail", args=[referral.pk]),
                detail=detail % {"date": _day(referral.due_on)},
                needs_attention=is_overdue,
            )
        )
    new_count = new.count()
    return WorkPanel(
        title=_("Referrals to your organisation"),
        items=(
            WorkItem(
                _("new, to answer"),
                new_count,
                f"{listing}?{urlencode({'state': ReferralState.SENT})}",
                needs_attention=True,
            ),
            WorkItem(
                _("accepted, in progress"),
                partner_selectors.live_referrals_in_state(user, ReferralState.ACCEPTED).count(),
                f"{listing}?{urlencode({'state': ReferralState.ACCEPTED})}",
            ),
        ),
        rows=tuple(rows),
        rows_title=_("New referrals, the answer due first"),
        empty_text=_("No new referral waits for an answer."),
        more=WorkLink(_("All referrals"), listing) if new_count > ROW_LIMIT else None,
    )


def register() -> None:
    register_work_panel("cases-mine", my_cases_panel, order=12)
    register_work_panel("cases-team", team_panel, order=14)
    register_work_panel("cases-partner", partner_panel, order=16)
