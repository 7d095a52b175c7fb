"""A database that already holds the regions gets the shipped table of code changes now, not at
the next `satuatap load_regions` (which loads it too, and checks it against the region data).
A new database has no regions yet: `load_regions` brings both."""

import csv
import datetime
from pathlib import Path

from django.db import migrations

CODE_CHANGES = Path(__file__).resolve().parent.parent / "data" / "code_changes.csv"


def load(apps, schema_editor):
    Region = apps.get_model("regions", "Region")
    RegionCodeChange = apps.get_model("regions", "RegionCodeChange")
    if not CODE_CHANGES.exists():
        return
    with CODE_CHANGES.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    present = set(
        Region.objects.filter(code__in={row["new_code"] for row in rows}).values_list(
            "code", flat=True
        )
    )
    RegionCodeChange.objects.bulk_create(
        [
            RegionCodeChange(
                old_code=row["old_code"],
                old_name=row["old_name"],
                new_region_id=row["new_code"],
                kind=row["kind"],
                changed_on=datetime.date.fromisoformat(row["changed_on"]),
                source=row["source"],
            )
            for row in rows
            if row["new_code"] in present
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("regions", "0002_region_code_changes")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
