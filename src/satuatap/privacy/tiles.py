"""What the home page's tiles of the registers say waits there (core.navigation)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from satuatap.core.navigation import TileStatus, register_tile_status
from satuatap.privacy import selectors


def subject_requests_status(user) -> TileStatus | None:
    """For the office head: the office's open requests and how many are past their deadline."""
    if not user.has_perm("privacy.view_office_subject_requests"):
        return None
    counts = selectors.open_request_counts(user)
    if not counts.open:
        return TileStatus(_("No open request."))
    text = ngettext("%(count)d open", "%(count)d open", counts.open) % {"count": counts.open}
    if counts.overdue:
        text += " · " + ngettext(
            "%(count)d past its deadline", "%(count)d past their deadline", counts.overdue
        ) % {"count": counts.overdue}
    return TileStatus(text, needs_attention=counts.overdue > 0)


def breaches_status(user) -> TileStatus | None:
    """For the administrator: open breaches, and those whose notices are overdue."""
    if not user.has_perm("privacy.manage_breaches"):
        return None
    counts = selectors.open_breach_counts(user)
    if not counts.open:
        return TileStatus(_("No open breach."))
    text = ngettext("%(count)d open", "%(count)d open", counts.open) % {"count": counts.open}
    if counts.notices_overdue:
        text += " · " + ngettext(
            "%(count)d with notices overdue",
            "%(count)d with notices overdue",
            counts.notices_overdue,
        ) % {"count": counts.notices_overdue}
    return TileStatus(text, needs_attention=counts.notices_overdue > 0)


def register() -> None:
    register_tile_status("privacy:subject-request-list", subject_requests_status)
    register_tile_status("privacy:breach-list", breaches_status)
