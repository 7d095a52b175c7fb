from ninja import Schema

from satuatap.regions.models import Region


class RegionOut(Schema):
    code: str
    name: str
    level: int
    parent: str | None

    @staticmethod
    def resolve_parent(obj: Region) -> str | None:
        return obj.parent_id


class RegionDetailOut(RegionOut):
    path: list[RegionOut]


class PlaceOut(Schema):
    """A region found by the type-ahead, with where it is in words."""

    code: str
    name: str
    level: int
    parent: str | None
    label: str
    is_near: bool


class ErrorOut(Schema):
    code: str
    message: str
