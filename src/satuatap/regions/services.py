"""Loading the shipped Kemendagri region data (see `data/README.md` for source and licence)."""

from __future__ import annotations

import csv
import datetime
import gzip
import hashlib
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from satuatap.regions.codes import is_valid_code, level_of, parent_code_of
from satuatap.regions.models import Region, RegionCodeChange, RegionLevel

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

DEFAULT_DATA_DIR = Path(__file__).resolve().parent / "data"

# One file per level, parents first; the second column names the row's parent code.
LEVEL_FILES: dict[RegionLevel, tuple[str, str | None]] = {
    RegionLevel.PROVINCE: ("provinces.csv.gz", None),
    RegionLevel.REGENCY: ("regencies.csv.gz", "province_code"),
    RegionLevel.DISTRICT: ("districts.csv.gz", "regency_code"),
    RegionLevel.VILLAGE: ("villages.csv.gz", "district_code"),
}
BATCH_SIZE = 2000
# Codes that changed (old code → today's code, date, source): our own table, not the package's.
CODE_CHANGES_FILE = "code_changes.csv"
CODE_CHANGE_COLUMNS = ["old_code", "old_name", "new_code", "kind", "changed_on", "source"]


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


@dataclass(frozen=True)
class CodeChangeRow:
    old_code: str
    old_name: str
    new_code: str
    kind: str
    changed_on: datetime.date
    source: str


def read_code_changes(*, data_dir: Path = DEFAULT_DATA_DIR) -> list[CodeChangeRow]:
    """The rows of `code_changes.csv` (none when the file is absent), each checked on its own:
    well-formed codes of one level, a known kind, an ISO date, a source, no row twice."""
    path = Path(data_dir) / CODE_CHANGES_FILE
    if not path.exists():
        return []
    rows: list[CodeChangeRow] = []
    seen: set[tuple[str, str]] = set()
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.DictReader(file)
        if reader.fieldnames != CODE_CHANGE_COLUMNS:
            raise RegionDataError(
                _("%(file)s must have the columns %(columns)s.")
                % {"file": path.name, "columns": ", ".join(CODE_CHANGE_COLUMNS)}
            )
        for line, raw in enumerate(reader, start=2):
            values = {key: (value or "").strip() for key, value in raw.items()}
            try:
                changed_on = datetime.date.fromisoformat(values["changed_on"])
            except ValueError:
                changed_on = None
            old_code, new_code = values["old_code"], values["new_code"]
            if (
                not is_valid_code(old_code)
                or not is_valid_code(new_code)
                or old_code == new_code
                or level_of(old_code) != level_of(new_code)
                or values["kind"] not in RegionCodeChange.Kind.values
                or changed_on is None
                or not values["old_name"]
                or not values["source"]
                or (old_code, new_code) in seen
            ):
                raise RegionDataError(
                    _("Unexpected row in %(file)s: %(row)s")
                    % {"file": path.name, "row": f"{line}: {raw}"}
                )
            seen.add((old_code, new_code))
            rows.append(
                CodeChangeRow(
                    old_code=old_code,
                    old_name=values["old_name"],
                    new_code=new_code,
                    kind=values["kind"],
                    changed_on=changed_on,
                    source=values["source"],
                )
            )
    return rows


def _check_code_changes(rows: list[CodeChangeRow], codes_in_data: set[str]) -> None:
    """The table must agree with the region data: today's code exists; a moved region's old
    code is gone and names one region today; a split region's old code is still there."""
    moved_from: set[str] = set()
    for row in rows:
        if row.new_code not in codes_in_data:
            problem = _("%(new)s (today's code for %(old)s) is not in the region data.")
        elif row.kind == RegionCodeChange.Kind.MOVED and row.old_code in codes_in_data:
            problem = _("%(old)s is marked as moved to %(new)s but is still in the region data.")
        elif row.kind == RegionCodeChange.Kind.MOVED and row.old_code in moved_from:
            problem = _("%(old)s is marked as moved to more than one code.")
        elif row.kind == RegionCodeChange.Kind.SPLIT and row.old_code not in codes_in_data:
            problem = _("%(old)s, split to form %(new)s, is not in the region data.")
        else:
            if row.kind == RegionCodeChange.Kind.MOVED:
                moved_from.add(row.old_code)
            continue
        raise RegionDataError(
            _("The table of code changes does not fit the region data: %(problem)s")
            % {"problem": problem % {"old": row.old_code, "new": row.new_code}}
        )


def _load_code_changes(
    *,
    rows: list[CodeChangeRow],
    prefixes: Sequence[str] | None,
    stdout: SupportsWrite[str] | None,
) -> None:
    """Make the table hold exactly the file's rows whose region today was loaded: create the
    missing, update the changed, delete those gone from the file. Rewrites nothing that is
    already right, so a second run writes nothing."""
    rows = [row for row in rows if _matches_prefixes(row.new_code, prefixes)]
    wanted = {
        (row.old_code, row.new_code): (row.old_name, row.kind, row.changed_on, row.source)
        for row in rows
    }
    in_scope = [
        change
        for change in RegionCodeChange.objects.all()
        if _matches_prefixes(change.new_region_id, prefixes)
    ]
    existing = {
        (change.old_code, change.new_region_id): (
            change.old_name,
            change.kind,
            change.changed_on,
            change.source,
        )
        for change in in_scope
    }
    to_write = [
        RegionCodeChange(
            old_code=old_code,
            new_region_id=new_code,
            old_name=old_name,
            kind=kind,
            changed_on=changed_on,
            source=source,
        )
        for (old_code, new_code), (old_name, kind, changed_on, source) in wanted.items()
        if existing.get((old_code, new_code)) != (old_name, kind, changed_on, source)
    ]
    RegionCodeChange.objects.bulk_create(
        to_write,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["old_code", "new_region"],
        update_fields=["old_name", "kind", "changed_on", "source"],
    )
    gone = [
        change.pk for change in in_scope if (change.old_code, change.new_region_id) not in wanted
    ]
    if gone:
        RegionCodeChange.objects.filter(pk__in=gone).delete()
    if stdout is not None:
        created = sum(
            1 for change in to_write if (change.old_code, change.new_region_id) not in existing
        )
        stdout.write(
            _(
                "Code changes: %(count)d in data, %(created)d created, %(updated)d updated, "
                "%(deleted)d deleted"
            )
            % {
                "count": len(wanted),
                "created": created,
                "updated": len(to_write) - created,
                "deleted": len(gone),
            }
            + "\n"
        )


def load_regions(
    *,
    data_dir: Path = DEFAULT_DATA_DIR,
    prefixes: Sequence[str] | None = None,
    stdout: SupportsWrite[str] | None = None,
) -> dict[RegionLevel, int]:
    """Create or update every region in the data files; return the rows in the data per level.
    Then the table of code changes (`code_changes.csv`): which old codes the regions had, as far
    as the regions loaded go.

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
    code_changes = read_code_changes(data_dir=data_dir)
    codes_in_data: set[str] = set()
    with transaction.atomic():
        for level, (file_name, parent_column) in LEVEL_FILES.items():
            all_rows = list(
                _read_rows(
                    path=data_dir / file_name,
                    level=level,
                    parent_column=parent_column,
                    expected_sha256=checksums.get(file_name),
                )
            )
            codes_in_data.update(code for code, _parent, _name in all_rows)
            rows = [row for row in all_rows if _matches_prefixes(row[0], prefixes)]
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
        _check_code_changes(code_changes, codes_in_data)
        _load_code_changes(rows=code_changes, prefixes=prefixes, stdout=stdout)
    return counts
