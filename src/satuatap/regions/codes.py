"""Pure helpers for dotted Kemendagri region codes (`32`, `32.09`, `32.09.01`, `32.09.01.2008`).

The code alone says a region's level (how many dotted parts) and its ancestors (its prefixes),
so these need no database.
"""

from __future__ import annotations

import re

from satuatap.regions.models import RegionLevel

CODE_PATTERN = re.compile(r"^\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?$")


def is_valid_code(code: str) -> bool:
    return bool(CODE_PATTERN.match(code))


def level_of(code: str) -> RegionLevel:
    """The level a well-formed code denotes: one dotted part per level."""
    return RegionLevel(code.count(".") + 1)


def parent_code_of(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def ancestor_codes(code: str) -> list[str]:
    """The code's path from its province down to itself: `32.09.01` → `32`, `32.09`, `32.09.01`."""
    parts = code.split(".")
    return [".".join(parts[: index + 1]) for index in range(len(parts))]
