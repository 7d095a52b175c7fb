"""Core's own panels of "Your work" on the home page (`core.work`): role grants waiting for a
second person's confirmation (a case supervisor of the office, or the administrator)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from satuatap.core import selectors
from satuatap.core.models import User
from satuatap.core.work import ROW_LIMIT, WorkItem, WorkPanel, WorkRow, register_work_panel


def role_grants_panel(user: User) -> WorkPanel | None:
    """Shown only while a grant waits: it is a rare decision, not a daily queue."""
    if not user.has_perm("core.decide_role_grants"):
        return None
    grants = list(selectors.open_role_grants(user))
    if not grants:
        return None
    listing = reverse("core:role-grants")
    zone = user.office.zone if user.office is not None else None
    rows = tuple(
        WorkRow(
            text=_("%(name)s as %(role)s") % {"name": grant.user, "role": grant.get_role_display()},
            url=listing,
            detail=_("asked by %(name)s on %(date)s")
            % {
                "name": grant.requested_by or "—",
                "date": date_format(
                    timezone.localtime(grant.requested_at, zone), "SHORT_DATE_FORMAT"
                ),
            },
        )
        for grant in grants[:ROW_LIMIT]
    )
    return WorkPanel(
        title=_("Role grants to confirm"),
        items=(WorkItem(_("waiting for you"), len(grants), listing, needs_attention=True),),
        rows=rows,
    )


def register() -> None:
    register_work_panel("core-role-grants", role_grants_panel, order=55)
