"""Loading the shipped Kemendagri region data (see `data/README.md` for source and licence)."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from django.db import transaction
from django.utils.translation import gettext as _

from satuatap.regions.codes import is_valid_code, level_of, parent_code_of
from satuatap.regions.models import Region, RegionLevel

DEFAULT_DATA_DIR = Path(__file__).resolve().parent / "data"

# One file per level, parents first; the second column names the row's parent code.
LEVEL_FILES: dict[RegionLevel, tuple[str, str | None]] = {
    RegionLevel.PROVINCE: ("provinces.csv.gz", None),
    RegionLevel.REGENCY: ("regencies.csv.gz", "province_code"),
    RegionLevel.DISTRICT: ("districts.csv.gz", "regency_code"),
    RegionLevel.VILLAGE: ("villages.csv.gz", "district_code"),
}
BATCH_SIZE = 2000


class RegionDataError(Exception):
    """The shipped region data is missing, corrupt or inconsistent."""


def read_source_info(*, data_dir: Path = DEFAULT_DATA_DIR) -> dict[str, Any]:
    """The data's provenance (`SOURCE.json`: package, version, licence, checksums), or `{}`."""
    path = Path(data_dir) / "SOURCE.json"
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def _matches_prefixes(code: str, prefixes: Sequence[str] | None) -> bool:
    """Whether a row belongs to a partial load: inside a prefix, or one of its ancestors."""
    if prefixes is None:
        return True
    return any(
        code == prefix or code.startswith(prefix + ".") or prefix.startswith(code + ".")
        for prefix in prefixes
    )


def _read_rows(
    *, path: Path, level: RegionLevel, parent_column: str | None, expected_sha256: str | None
) -> Iterator[tuple[str, str | None, str]]:
    """Yield `(code, parent_code, name)` from one gzip CSV, checking checksum and consistency."""
    try:
        raw = gzip.decompress(path.read_bytes())
    except (OSError, EOFError) as error:
        raise RegionDataError(
            _("Cannot read region data file %(file)s: %(error)s") % {"file": path, "error": error}
        ) from error
    if expected_sha256 and hashlib.sha256(raw).hexdigest() != expected_sha256:
        raise RegionDataError(
            _("Region data file %(file)s does not match its checksum in SOURCE.json.")
            % {"file": path}
        )
    for row in csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")):
        code = row["code"].strip()
        parent_code = parent_code_of(code)
        if (
            not is_valid_code(code)
            or level_of(code) != level
            or (parent_column and row[parent_column].strip() != parent_code)
        ):
            raise RegionDataError(
                _("Unexpected row in %(file)s: %(row)s") % {"file": path.name, "row": row}
            )
        yield code, parent_code, row["name"].strip()


def load_regions(
    *,
    data_dir: Path = DEFAULT_DATA_DIR,
    prefixes: Sequence[str] | None = None,
    stdout: TextIO | None = None,
) -> dict[RegionLevel, int]:
    """Create or update every region in the data files; return the rows in the data per level.

    Idempotent: rows already present with the same parent and name are not written again, so a
    second run changes nothing. Regions no longer in the data are left alone (people and offices
    may still point at them). `prefixes` (e.g. `["32.09", "35.04"]`) loads only the regions
    inside those codes plus their ancestors, for tests and demos.
    """
    data_dir = Path(data_dir)
    checksums = {
        name: info.get("sha256")
        for name, info in read_source_info(data_dir=data_dir).get("files", {}).items()
    }
    counts: dict[RegionLevel, int] = {}
    with transaction.atomic():
        for level, (file_name, parent_column) in LEVEL_FILES.items():
            rows = [
                row
                for row in _read_rows(
                    path=data_dir / file_name,
                    level=level,
                    parent_column=parent_column,
                    expected_sha256=checksums.get(file_name),
                )
                if _matches_prefixes(row[0], prefixes)
            ]
            existing = {
                code: (parent_id, name)
                for code, parent_id, name in Region.objects.filter(level=level).values_list(
                    "code", "parent_id", "name"
                )
            }
            to_write = [
                Region(code=code, parent_id=parent_code, level=level, name=name)
                for code, parent_code, name in rows
                if existing.get(code) != (parent_code, name)
            ]
            created = sum(1 for region in to_write if region.code not in existing)
            Region.objects.bulk_create(
                to_write,
                batch_size=BATCH_SIZE,
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["parent", "level", "name"],
            )
            counts[level] = len(rows)
            if stdout is not None:
                stdout.write(
                    _("%(level)s: %(count)d in data, %(created)d created, %(updated)d updated")
                    % {
                        "level": level.label,
                        "count": len(rows),
                        "created": created,
                        "updated": len(to_write) - created,
                    }
                    + "\n"
                )
    return counts
