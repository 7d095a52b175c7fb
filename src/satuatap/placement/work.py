"""What placement puts in "Your work" on the home page (`core.work`): the files blocked at the
readiness gate, with what blocks each (placement officers, and the office head, who may let a
file pass one condition with a written reason), and the ministry's open concerns about
agencies."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from satuatap.core.models import User
from satuatap.core.work import (
    ROW_LIMIT,
    WorkItem,
    WorkLink,
    WorkPanel,
    WorkRow,
    register_work_panel,
)
from satuatap.placement import selectors as placement_selectors
from satuatap.placement.files import selectors
from satuatap.placement.files.readiness import Readiness
from satuatap.placement.rules import manages_files


def blocking_reason(result: Readiness) -> str:
    """The first thing that keeps the file from "ready", and how many more there are."""
    problems = [problem for check in result.blocking() for problem in check.problems]
    if not problems:
        return ""
    reason = problems[0]
    if len(problems) > 1:
        reason += " " + ngettext(
            "(and %(count)d more)", "(and %(count)d more)", len(problems) - 1
        ) % {"count": len(problems) - 1}
    return reason


def gate_panel(user: User) -> WorkPanel | None:
    if user.office is None or not manages_files(user):
        return None
    today = user.office.today()
    at_gate = selectors.files_at_the_gate(user, today)
    blocked = [(f, result) for f, result in at_gate if not result.is_ready]
    listing = f"{reverse('placement:file-list')}?{urlencode({'stage': selectors.GATE_STAGE})}"
    rows = tuple(
        WorkRow(
            text=_("File #%(id)s: %(name)s")
            % {"id": placement_file.pk, "name": placement_file.person.full_name},
            url=reverse("placement:file-detail", args=[placement_file.pk]),
            detail=blocking_reason(result),
            needs_attention=True,
        )
        for placement_file, result in blocked[:ROW_LIMIT]
    )
    return WorkPanel(
        title=_("Files at the readiness gate"),
        items=(
            WorkItem(_("at the last step (OPP)"), len(at_gate), listing),
            WorkItem(_("blocked"), len(blocked), listing, needs_attention=True),
        ),
        rows=rows,
        rows_title=_("Blocked, and why"),
        empty_text=_("No file at the gate is blocked."),
        more=WorkLink(_("All files at the last step"), listing)
        if len(blocked) > ROW_LIMIT
        else None,
    )


def concerns_panel(user: User) -> WorkPanel | None:
    """For the ministry placement administrator: the concerns offices raised, still open."""
    if not user.has_perm("placement.review_agency_concerns"):
        return None
    listing = reverse("placement:agency-concern-list")
    return WorkPanel(
        title=_("Concerns about agencies"),
        items=(
            WorkItem(
                _("open"),
                placement_selectors.open_concern_count(user),
                listing,
                needs_attention=True,
            ),
        ),
        next_step=WorkLink(_("Review the concerns"), listing),
    )


def register() -> None:
    register_work_panel("placement-gate", gate_panel, order=18)
    register_work_panel("placement-concerns", concerns_panel, order=75)
