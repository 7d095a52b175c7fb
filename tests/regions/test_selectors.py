from satuatap.regions.models import Region, RegionLevel
from satuatap.regions.selectors import children_of, get_region, region_path, search_regions


def test_children_of_none_lists_provinces(regions):
    provinces = list(children_of(None))

    assert {region.code for region in provinces} >= {"32", "35"}
    assert all(region.level == RegionLevel.PROVINCE for region in provinces)


def test_children_of_a_district_lists_its_villages_by_name(regions):
    villages = list(children_of("32.09.01"))

    assert villages
    assert all(region.parent_id == "32.09.01" for region in villages)
    assert [region.name for region in villages] == sorted(region.name for region in villages)
    assert "Waled Desa" in [region.name for region in villages]


def test_children_of_an_unknown_code_is_empty(regions):
    assert list(children_of("99.99")) == []


def test_search_regions_matches_part_of_a_name_case_insensitively(regions):
    results = list(search_regions("waled des"))

    assert [region.code for region in results] == ["32.09.01.2008"]


def test_search_regions_filters_by_level_and_inside_parent(regions):
    districts = list(search_regions("a", level=RegionLevel.DISTRICT, parent="35.04", limit=100))

    assert districts
    assert all(r.level == RegionLevel.DISTRICT and r.parent_id == "35.04" for r in districts)
    assert not list(search_regions("Waled", parent="35.04"))


def test_search_regions_respects_the_limit(regions):
    assert len(search_regions("a", limit=5)) == 5


def test_search_regions_puts_names_starting_with_the_text_first(regions):
    results = list(search_regions("waled", level=RegionLevel.VILLAGE))

    assert results[0].name.lower().startswith("waled")


def test_region_path_goes_from_province_to_the_region(regions):
    path = region_path("32.09.01.2008")

    assert [region.code for region in path] == ["32", "32.09", "32.09.01", "32.09.01.2008"]
    assert [region.level for region in path] == [1, 2, 3, 4]


def test_region_path_of_an_unknown_or_malformed_code_is_empty(regions):
    assert region_path("32.09.01.9999") == []
    assert region_path("not a code") == []


def test_get_region_returns_none_for_unknown_codes(regions):
    assert get_region("35.04") == Region.objects.get(code="35.04")
    assert get_region("35.99") is None
    assert get_region("'; drop table") is None
