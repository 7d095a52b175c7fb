"""Reads of the region tree. Regions are public reference data: no per-user filtering."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

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


# Indonesian address abbreviations: they are part of an address in every language.
DISTRICT_PREFIX = "Kec."
REGENCY_PREFIXES = (("Kabupaten ", "Kab. "), ("Kota Administrasi ", "Kota Adm. "))


def _village_kind(code: str) -> str:
    # Kemendagri numbers kelurahan from 1001 and desa from 2001 within a district.
    return "Kel." if code.rsplit(".", 1)[-1].startswith("1") else "Desa"


def _short_name(region: Region) -> str:
    if region.level == RegionLevel.VILLAGE:
        return f"{_village_kind(region.code)} {region.name}"
    if region.level == RegionLevel.DISTRICT:
        return f"{DISTRICT_PREFIX} {region.name}"
    if region.level == RegionLevel.REGENCY:
        for long, short in REGENCY_PREFIXES:
            if region.name.startswith(long):
                return short + region.name[len(long) :]
    return region.name


def place_labels(regions: Iterable[Region], *, near: str | None = None) -> dict[str, str]:
    """For each region, where it is in words: `Desa Waled Desa, Kec. Waled, Kab. Cirebon`, down
    to the regency; the province is added for a place outside `near` (the office's regency),
    where a regency's name alone may not say enough. One query."""
    regions = list(regions)
    wanted = {code for region in regions for code in ancestor_codes(region.code)[:-1]}
    names = {region.code: region for region in regions}
    names.update({r.code: r for r in Region.objects.filter(code__in=wanted - set(names))})
    labels = {}
    for region in regions:
        codes = ancestor_codes(region.code)
        is_near = near is not None and (region.code + ".").startswith(near + ".")
        shown = codes[1:] if is_near or len(codes) == 1 else codes
        parts = [_short_name(names[code]) for code in reversed(shown) if code in names]
        labels[region.code] = ", ".join(parts)
    return labels


LABEL_PREFIXES = ("desa ", "kel. ", "kec. ", "kab. ", "kota adm. ")


def _name_part(text: str) -> str:
    """The name to look for in typed text, which may be a whole label (`Desa X, Kec. Y, …`)."""
    name = " ".join(text.split(",")[0].split())
    for prefix in LABEL_PREFIXES:
        if name.lower().startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix) :]
    return name


@dataclass(frozen=True)
class PlaceMatch:
    region: Region
    label: str
    is_near: bool


def find_places(
    q: str,
    *,
    down_to: RegionLevel | int = RegionLevel.VILLAGE,
    near: str | None = None,
    limit: int = 10,
) -> list[PlaceMatch]:
    """Regencies, districts and villages (down to `down_to`) whose name contains `q`, each with
    its label: the ones inside `near` (the office's regency) first, then exact names, names
    starting with `q`, higher levels, and by name. Two queries."""
    q = _name_part(q)
    if len(q) < 2:
        return []
    regions = Region.objects.filter(
        name__icontains=q, level__gte=RegionLevel.REGENCY, level__lte=down_to
    ).annotate(
        is_near=Case(
            When(code__startswith=f"{near}.", then=Value(0)),
            When(code=near, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        if near
        else Value(1, output_field=IntegerField()),
        is_exact=Case(
            When(name__iexact=q, then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
        is_prefix_match=Case(
            When(name__istartswith=q, then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
    )
    limit = max(1, min(limit, MAX_SEARCH_RESULTS))
    found = list(
        regions.order_by("is_near", "is_exact", "is_prefix_match", "level", "name", "code")[:limit]
    )
    labels = place_labels(found, near=near)
    return [
        PlaceMatch(region, labels[region.code], getattr(region, "is_near", 1) == 0)
        for region in found
    ]


class PlaceNotFoundError(Exception):
    pass


class AmbiguousPlaceError(Exception):
    def __init__(self, matches: list[PlaceMatch]):
        super().__init__(matches)
        self.matches = matches


def resolve_place(text: str, *, level: RegionLevel | int, near: str | None = None) -> Region:
    """The one region of `level` that typed `text` means: its label as the type-ahead shows it,
    or its exact name, inside `near` first (the office's regency) and else anywhere. Raises
    `PlaceNotFoundError`, or `AmbiguousPlaceError` with the candidates when several share the
    name."""
    text = " ".join(text.split())
    matches = find_places(text, down_to=level, near=near, limit=50)
    by_label = [m for m in matches if " ".join(m.label.split()).casefold() == text.casefold()]
    if len(by_label) == 1 and by_label[0].region.level == level:
        return by_label[0].region
    named = [
        m
        for m in matches
        if m.region.level == level and m.region.name.casefold() == _name_part(text).casefold()
    ]
    near_named = [m for m in named if m.is_near]
    for candidates in (near_named, named):
        if len(candidates) == 1:
            return candidates[0].region
    if named:
        raise AmbiguousPlaceError(near_named or named)
    at_level = [m for m in matches if m.region.level == level]
    if len(at_level) == 1:
        return at_level[0].region
    if at_level:
        raise AmbiguousPlaceError(at_level)
    raise PlaceNotFoundError(text)
