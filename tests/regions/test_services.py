import gzip
import io
import json
import shutil

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from satuatap.regions.models import Region, RegionLevel
from satuatap.regions.services import DEFAULT_DATA_DIR, RegionDataError, load_regions

FULL_COUNTS = {
    RegionLevel.PROVINCE: 38,
    RegionLevel.REGENCY: 514,
    RegionLevel.DISTRICT: 7285,
    RegionLevel.VILLAGE: 83762,
}


def _counts_in_database():
    return {level: Region.objects.filter(level=level).count() for level in RegionLevel}


@pytest.mark.slow  # a few seconds; runs by default
@pytest.mark.django_db
def test_full_load_gives_every_region_once_and_rerunning_changes_nothing():
    assert load_regions() == FULL_COUNTS
    assert _counts_in_database() == FULL_COUNTS
    sample = Region.objects.values().get(code="32.09.01.2008")

    with CaptureQueriesContext(connection) as queries:
        assert load_regions() == FULL_COUNTS

    assert _counts_in_database() == FULL_COUNTS
    assert Region.objects.count() == sum(FULL_COUNTS.values())
    assert Region.objects.values().get(code="32.09.01.2008") == sample
    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]
    assert writes == []


@pytest.mark.django_db
def test_load_with_prefixes_loads_those_regions_and_their_ancestors_only():
    assert not Region.objects.filter(code__startswith="11").exists()  # Aceh

    counts = load_regions(prefixes=["11.01.01"])

    assert counts[RegionLevel.PROVINCE] == 1
    assert counts[RegionLevel.REGENCY] == 1
    assert counts[RegionLevel.DISTRICT] == 1
    assert counts[RegionLevel.VILLAGE] == Region.objects.filter(parent_id="11.01.01").count() > 0
    assert Region.objects.get(code="11").name == "Aceh"
    assert Region.objects.filter(code__startswith="11").count() == 3 + counts[RegionLevel.VILLAGE]


def test_tulungagung_has_19_districts(regions):
    tulungagung = Region.objects.get(code="35.04")

    assert tulungagung.level == RegionLevel.REGENCY
    assert tulungagung.parent_id == "35"
    assert tulungagung.children.count() == 19


def test_waled_desa_is_a_village_of_waled_district(regions):
    village = Region.objects.get(code="32.09.01.2008")

    assert village.name == "Waled Desa"
    assert village.level == RegionLevel.VILLAGE
    assert village.parent_id == "32.09.01"
    assert village.parent.level == RegionLevel.DISTRICT


def test_load_updates_a_renamed_region(regions):
    Region.objects.filter(code="32.09.01.2008").update(name="Old name")

    load_regions(prefixes=["32.09.01"])

    assert Region.objects.get(code="32.09.01.2008").name == "Waled Desa"


def test_load_refuses_a_file_that_does_not_match_its_checksum(db, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data_dir)
    (data_dir / "provinces.csv.gz").write_bytes(gzip.compress(b"code,name\n11,Aceh Baru\n"))

    with pytest.raises(RegionDataError):
        load_regions(data_dir=data_dir)

    assert not Region.objects.filter(name="Aceh Baru").exists()


def test_shipped_source_names_the_package_version_and_every_file():
    source = json.loads((DEFAULT_DATA_DIR / "SOURCE.json").read_text())

    assert source["package"] == "idn-area-data"
    assert source["version"] == "4.0.1"
    assert {name: info["rows"] for name, info in source["files"].items()} == {
        "provinces.csv.gz": 38,
        "regencies.csv.gz": 514,
        "districts.csv.gz": 7285,
        "villages.csv.gz": 83762,
    }
    assert (DEFAULT_DATA_DIR / "LICENSE.md").read_text().startswith("# Open Database License")


def test_load_regions_command_reports_version_and_counts_per_level(db):
    out = io.StringIO()

    with translation.override("en"):
        call_command("load_regions", "--prefix", "35.04", stdout=out)

    output = out.getvalue()
    assert "idn-area-data 4.0.1" in output
    assert "Regions loaded:" in output
    assert Region.objects.get(code="35.04").children.count() == 19
