"""Access checks shared by the outreach pages: one check before a view does anything."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


def require_view(user) -> None:
    """Office staff only; the national analyst and partners never see outreach records."""
    if user.office is None or not user.has_perm("outreach.view_outreach"):
        raise PermissionDenied


def require_manage(user, office) -> None:
    if not user.has_perm("outreach.manage_outreach", office):
        raise PermissionDenied
