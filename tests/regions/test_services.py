import gzip
import io
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from satuatap.regions.models import Region, RegionCodeChange, RegionLevel
from satuatap.regions.services import (
    DEFAULT_DATA_DIR,
    RegionDataError,
    load_regions,
    read_code_changes,
)

# The 2022 splits of Papua and Papua Barat: 4 new provinces, 26 regencies and 594 districts
# that moved to them with new codes.
CODE_CHANGES = 4 + 26 + 594
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
    assert RegionCodeChange.objects.count() == CODE_CHANGES == len(read_code_changes())
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
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


# --- The table of code changes ----------------------------------------------------------------


def _changes() -> set[tuple[str, str, str]]:
    return set(RegionCodeChange.objects.values_list("old_code", "new_region", "kind"))


def _data_dir_with_changes(tmp_path, edit) -> Path:
    """A copy of the shipped data whose code_changes.csv went through `edit` (text → text)."""
    data_dir = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data_dir)
    path = data_dir / "code_changes.csv"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return data_dir


def test_the_shipped_table_holds_the_2022_papua_splits():
    rows = read_code_changes()
    by_old = {(row.old_code, row.new_code): row for row in rows}
    regencies_today = {
        line.split(",")[0]
        for line in gzip.decompress((DEFAULT_DATA_DIR / "regencies.csv.gz").read_bytes())
        .decode()
        .splitlines()[1:]
        if line[:2] in {"93", "94", "95", "96"}
    }

    assert len(rows) == CODE_CHANGES
    assert {(old, new) for (old, new), row in by_old.items() if row.kind == "split"} == {
        ("91", "93"),
        ("91", "94"),
        ("91", "95"),
        ("92", "96"),
    }
    # Every regency of the four new provinces came, whole, from Papua or Papua Barat.
    moved_regencies = {row.new_code: row for row in rows if row.new_code.count(".") == 1}
    assert set(moved_regencies) == regencies_today
    merauke = by_old[("91.01", "93.01")]
    assert (merauke.kind, merauke.old_name, str(merauke.changed_on)) == (
        "moved",
        "Kabupaten Merauke",
        "2022-07-25",
    )
    assert merauke.source.startswith("UU 14/2022")
    assert str(by_old[("92.71", "96.71")].changed_on) == "2022-12-08"  # Kota Sorong, UU 29/2022
    assert by_old[("91.01.01", "93.01.01")].old_name == "Merauke"
    for row in rows:
        if row.kind == "moved":
            assert row.old_code[:2] in {"91", "92"} and row.new_code[:2] in {"93", "94", "95", "96"}
            parent = row.old_code.rsplit(".", 1)[0]
            if "." in parent:  # a district moves with its regency
                assert by_old[(parent, row.new_code.rsplit(".", 1)[0])].kind == "moved"


def test_a_partial_load_brings_the_code_changes_of_the_regions_it_loads(db):
    load_regions(prefixes=["93.01.01"])

    assert _changes() == {
        ("91", "93", "split"),
        ("91.01", "93.01", "moved"),
        ("91.01.01", "93.01.01", "moved"),
    }


def test_reloading_follows_the_table_and_a_second_run_writes_nothing(db, tmp_path):
    load_regions(prefixes=["93.01.01"])
    data_dir = _data_dir_with_changes(
        tmp_path,
        lambda text: text.replace(
            "91.01,Kabupaten Merauke,93.01,moved,2022-07-25,UU 14/2022",
            "91.01,Kabupaten Merauke,93.01,moved,2022-07-26,UU 14/2022",
        ).replace("91.01.01,Merauke,93.01.01", "91.01.01,Merauke Kota,93.01.01"),
    )
    data_dir.joinpath("code_changes.csv").write_text(
        "\n".join(
            line
            for line in data_dir.joinpath("code_changes.csv").read_text().splitlines()
            if not line.startswith("91,Papua,93,")
        )
        + "\n"
    )
    out = io.StringIO()

    with translation.override("en"):
        load_regions(data_dir=data_dir, prefixes=["93.01.01"], stdout=out)
    with CaptureQueriesContext(connection) as queries:
        load_regions(data_dir=data_dir, prefixes=["93.01.01"])

    assert "Code changes: 2 in data, 0 created, 2 updated, 1 deleted" in out.getvalue()
    assert _changes() == {("91.01", "93.01", "moved"), ("91.01.01", "93.01.01", "moved")}
    assert str(RegionCodeChange.objects.get(old_code="91.01").changed_on) == "2022-07-26"
    assert RegionCodeChange.objects.get(old_code="91.01.01").old_name == "Merauke Kota"
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("91.01,Kabupaten Merauke,93.99,moved,2022-07-25,UU 14/2022", "93.99"),
        ("91.03,Kabupaten Jayapura,93.01,moved,2022-07-25,UU 14/2022", "still in the region"),
        ("90,Irian Jaya,93,split,2022-07-25,UU 14/2022", "not in the region data"),
        ("91.01,Kabupaten Merauke,94.01,moved,2022-07-25,UU 15/2022", "more than one code"),
        ("91.01,Kabupaten Merauke,93,moved,2022-07-25,UU 14/2022", "Unexpected row"),
        ("91.01,Kabupaten Merauke,93.01,renamed,2022-07-25,UU 14/2022", "Unexpected row"),
        ("91.01,Kabupaten Merauke,93.01,moved,25/07/2022,UU 14/2022", "Unexpected row"),
        ("91.01,Kabupaten Merauke,93.01,moved,2022-07-25,", "Unexpected row"),
        (  # the same row twice
            "91.01,Kabupaten Merauke,93.01,moved,2022-07-25,"
            "UU 14/2022; Kepmendagri 050-145/2022 → 100.1.1-6117/2022",
            "Unexpected row",
        ),
    ],
)
def test_a_table_that_does_not_fit_the_region_data_is_refused_and_nothing_is_loaded(
    db, tmp_path, row, problem
):
    assert not Region.objects.filter(code__startswith="93").exists()
    data_dir = _data_dir_with_changes(tmp_path, lambda text: text + row + "\n")

    with translation.override("en"), pytest.raises(RegionDataError) as error:
        load_regions(data_dir=data_dir, prefixes=["93.01.01"])

    assert problem in str(error.value)
    assert not Region.objects.filter(code__startswith="93").exists()
    assert not RegionCodeChange.objects.exists()


def test_a_table_with_other_columns_is_refused(db, tmp_path):
    data_dir = _data_dir_with_changes(tmp_path, lambda text: text.replace("old_code", "from", 1))

    with pytest.raises(RegionDataError):
        load_regions(data_dir=data_dir, prefixes=["93.01.01"])

    assert not Region.objects.filter(code__startswith="93").exists()


def test_without_a_table_the_regions_load_and_no_change_is_recorded(db, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data_dir)
    (data_dir / "code_changes.csv").unlink()

    load_regions(data_dir=data_dir, prefixes=["93.01.01"])

    assert Region.objects.filter(code="93.01.01").exists()
    assert not RegionCodeChange.objects.exists()


def test_the_migration_gives_a_database_with_regions_the_table_at_once(db):
    from importlib import import_module

    from django.apps import apps

    load_regions(prefixes=["93.01.01"])
    RegionCodeChange.objects.all().delete()
    migration = import_module("satuatap.regions.migrations.0003_load_region_code_changes")

    migration.load(apps, None)
    migration.load(apps, None)  # again: nothing twice

    assert _changes() == {
        ("91", "93", "split"),
        ("91.01", "93.01", "moved"),
        ("91.01.01", "93.01.01", "moved"),
    }
