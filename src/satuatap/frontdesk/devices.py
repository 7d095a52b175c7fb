"""Secret links for devices that work without signing in: the calling screen on a TV in the
waiting room and the exit kiosk for the satisfaction survey. Only the office head creates and
revokes them; a revoked link stops working at the device's next request."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.core.exceptions import DomainError
from satuatap.core.models import Organisation
from satuatap.frontdesk.models import DisplayLink

TOKEN_BYTES = 32


def _require_head(by, office: Organisation | None) -> None:
    if office is None or not by.has_perm("frontdesk.manage_devices", office):
        raise DomainError("forbidden", _("You may not do this."), status=403)


def office_links(office: Organisation) -> QuerySet[DisplayLink]:
    return DisplayLink.objects.filter(office=office).select_related("created_by")


def create_display_link(*, office: Organisation, kind: str, name: str, by) -> DisplayLink:
    """A new device link with a fresh unguessable token (`secrets.token_urlsafe(32)`)."""
    _require_head(by, office)
    if kind not in DisplayLink.Kind.values:
        raise DomainError("unknown_kind", _("Unknown kind of device."))
    name = name.strip()
    if not name:
        raise DomainError("name_required", _("Say where the device is, e.g. “TV ruang tunggu”."))
    with transaction.atomic():
        return DisplayLink.objects.create(
            office=office,
            kind=kind,
            name=name,
            token=secrets.token_urlsafe(TOKEN_BYTES),
            created_by=by,
        )


def revoke_display_link(*, link: DisplayLink, by) -> DisplayLink:
    """Stop a link from working. Revoking twice keeps the first time."""
    _require_head(by, link.office)
    with transaction.atomic():
        locked = DisplayLink.objects.select_for_update().get(pk=link.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])  # a save, so the audit log sees it
    return locked


def active_link(token: str, kind: str) -> DisplayLink | None:
    """The unrevoked link of this kind with this token, with its office (one query)."""
    if not token or len(token) > 64:
        return None
    return (
        DisplayLink.objects.filter(
            token=token, kind=kind, revoked_at__isnull=True, office__is_active=True
        )
        .select_related("office")
        .first()
    )
