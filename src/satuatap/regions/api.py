"""Regions API (mounted at `/api/v1/regions`; authentication is set on the NinjaAPI)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Router, Status

from satuatap.regions import selectors
from satuatap.regions.codes import is_valid_code, level_of
from satuatap.regions.models import Region, RegionLevel
from satuatap.regions.schemas import ErrorOut, PlaceOut, RegionDetailOut, RegionOut

router = Router(tags=["regions"])


def _region_not_found(code: str) -> Status:
    """The one place the regions API makes an error (to fold into the project's error handling).

    Regions sit below core, so this cannot raise core's DomainError; it returns the same shape.
    """
    return Status(
        404,
        {
            "code": "region_not_found",
            "message": _("There is no region with code %(code)s.") % {"code": code},
        },
    )


@router.get("", response={200: list[RegionOut], 404: ErrorOut}, url_name="regions_list")
def list_regions(request, parent: str | None = None, q: str | None = None):
    """The regions directly under `parent` (provinces without it), by name; `q` filters names."""
    if parent and selectors.get_region(parent) is None:
        return _region_not_found(parent)
    parent = parent or None
    if q and q.strip():
        child_level = level_of(parent) + 1 if parent else 1
        return list(selectors.search_regions(q, level=child_level, parent=parent, limit=50))
    return list(selectors.children_of(parent))


@router.get("/search", response=list[PlaceOut], url_name="regions_search")
def search_places(request, q: str = "", near: str | None = None, level: int = RegionLevel.VILLAGE):
    """One type-ahead across levels: regencies, districts and villages (down to `level`) whose
    name contains `q` (two characters or more), those inside `near` (a regency code: the
    office's) first, each with a `label` saying where it is (`Desa X, Kec. Y, Kab. Z`)."""
    level = max(RegionLevel.REGENCY, min(level, RegionLevel.VILLAGE))
    near = near if near and is_valid_code(near) else None
    return [
        {
            "code": match.region.code,
            "name": match.region.name,
            "level": match.region.level,
            "parent": match.region.parent_id,
            "label": match.label,
            "is_near": match.is_near,
        }
        for match in selectors.find_places(q[:100], down_to=level, near=near)
    ]


@router.get("/{code}", response={200: RegionDetailOut, 404: ErrorOut}, url_name="regions_detail")
def get_region(request, code: str):
    """One region with its `path`: its ancestors from the province down, ending with itself."""
    path: list[Region] = selectors.region_path(code)
    if not path:
        return _region_not_found(code)
    region = path[-1]
    region.path = path
    return region
