"""Reads of the offline capture: the villages the phone offers, the office's sync reports."""

from __future__ import annotations

from django.db.models import QuerySet

from satuatap.core.models import User
from satuatap.outreach.models import OfflineSyncConflict
from satuatap.regions.models import Region, RegionLevel


def offline_villages(user: User) -> QuerySet[Region]:
    """Every village of the office's area, with its district, for the phone's village list."""
    office = user.office
    if office is None or office.region_id is None:
        return Region.objects.none()
    return (
        Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=office.region_id + ".")
        .select_related("parent")
        .order_by("parent__name", "name", "code")
    )


def office_sync_conflicts(user: User, *, open_only: bool = False) -> QuerySet[OfflineSyncConflict]:
    """The participants the office's offline syncs reported, newest first."""
    if user.office is None or not user.has_perm("outreach.view_outreach"):
        return OfflineSyncConflict.objects.none()
    conflicts = OfflineSyncConflict.objects.filter(office_id=user.office_id_or_none)
    if open_only:
        conflicts = conflicts.filter(reviewed_at__isnull=True)
    return conflicts.select_related("event", "event__village", "person", "recorded_by")


def get_visible_conflict(user: User, conflict_id: int) -> OfflineSyncConflict | None:
    return office_sync_conflicts(user).filter(pk=conflict_id).first()
