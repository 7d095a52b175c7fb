"""Reads of the region tree. Regions are public reference data: no per-user filtering."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Case, IntegerField, QuerySet, Value, When

from satuatap.regions.codes import ancestor_codes, is_valid_code
from satuatap.regions.models import Region, RegionCodeChange, RegionLevel

MAX_SEARCH_RESULTS = 100


def get_region(code: str) -> Region | None:
    if not is_valid_code(code):
        return None
    return Region.objects.filter(code=code).first()


def children_of(parent_code: str | None) -> QuerySet[Region]:
    """The regions directly under `parent_code` by name; provinces when it is None."""
    if parent_code is None:
        regions = Region.objects.filter(parent__isnull=True)
    else:
        regions = Region.objects.filter(parent_id=parent_code)
    return regions.order_by("name", "code")


def search_regions(
    q: str,
    *,
    level: RegionLevel | int | None = None,
    parent: str | None = None,
    limit: int = 20,
) -> QuerySet[Region]:
    """Regions whose name contains `q` (case-insensitive), for type-ahead pickers.

    `parent` limits the search to regions inside that code at any depth; with `level` one more
    than the parent's, that is its children. Names starting with `q` come first.
    """
    q = q.strip()
    regions = Region.objects.filter(name__icontains=q).annotate(
        is_prefix_match=Case(
            When(name__istartswith=q, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    )
    if level is not None:
        regions = regions.filter(level=level)
    if parent is not None:
        regions = regions.filter(code__startswith=parent + ".")
    limit = max(1, min(limit, MAX_SEARCH_RESULTS))
    return regions.order_by("level", "is_prefix_match", "name", "code")[:limit]


def region_path(code: str) -> list[Region]:
    """The region and its ancestors, province first; empty if `code` is not a known region."""
    if not is_valid_code(code):
        return []
    path = list(Region.objects.filter(code__in=ancestor_codes(code)).order_by("level"))
    if not path or path[-1].code != code:
        return []
    return path


def retired_codes(codes: Iterable[str]) -> dict[str, RegionCodeChange]:
    """For each of `codes` that is no longer in use because its region moved to a new code, that
    change, with the region today and its parent. Codes in use today, and codes no region ever
    had as far as the table knows, are absent. One query."""
    changes = RegionCodeChange.objects.filter(
        old_code__in=list(codes), kind=RegionCodeChange.Kind.MOVED
    ).select_related("new_region__parent")
    return {change.old_code: change for change in changes}
