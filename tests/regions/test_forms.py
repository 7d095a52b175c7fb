from django import forms
from django.utils import translation

from satuatap.regions.forms import RegionPickerField
from satuatap.regions.models import Region, RegionLevel


class AddressForm(forms.Form):
    village = RegionPickerField(level=RegionLevel.VILLAGE)


class OfficeAreaForm(forms.Form):
    regency = RegionPickerField(level=RegionLevel.REGENCY, required=False)


def test_picker_accepts_a_village_code_and_cleans_to_the_region(regions):
    form = AddressForm(data={"village": "32.09.01.2008"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["village"] == Region.objects.get(code="32.09.01.2008")


def test_picker_rejects_a_district_code_with_a_translated_error(regions):
    with translation.override("en"):
        form = AddressForm(data={"village": "32.09.01"})

        assert not form.is_valid()
        assert form.errors["village"] == ["Choose a village."]


def test_picker_rejects_unknown_and_missing_codes(regions):
    with translation.override("en"):
        assert AddressForm(data={"village": "32.09.01.9999"}).errors["village"] == [
            "Choose a village."
        ]
        assert AddressForm(data={}).errors["village"] == ["Choose a village."]


def test_picker_of_another_level_names_that_level_in_its_error(regions):
    with translation.override("en"):
        form = OfficeAreaForm(data={"regency": "35"})

        assert form.errors["regency"] == ["Choose a regency or city."]
    assert OfficeAreaForm(data={"regency": ""}).is_valid()


def test_picker_without_javascript_takes_the_deepest_consistent_select(regions):
    # The user changed the province without JavaScript: the stale regency and below are ignored,
    # so the form asks again for a village, now showing the new province's regencies.
    form = AddressForm(
        data={
            "village": "32.09.01.2008",
            "village_province": "35",
            "village_regency": "32.09",
            "village_district": "32.09.01",
            "village_village": "32.09.01.2008",
        }
    )

    assert not form.is_valid()
    html = str(form["village"])
    assert 'value="35.04"' in html
    assert 'value="32.09"' not in html


def test_picker_without_javascript_accepts_a_complete_choice(regions):
    form = AddressForm(
        data={
            "village_province": "35",
            "village_regency": "35.04",
            "village_district": "35.04.01",
            "village_village": Region.objects.filter(parent_id="35.04.01").first().code,
        }
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["village"].parent_id == "35.04.01"


def test_picker_renders_the_initial_path_with_each_levels_options(
    regions, django_assert_max_num_queries
):
    form = AddressForm(initial={"village": Region.objects.get(code="32.09.01.2008")})

    with django_assert_max_num_queries(5):
        html = str(form["village"])

    assert 'type="hidden" name="village" id="id_village" value="32.09.01.2008"' in html
    for code in ["32", "32.09", "32.09.01", "32.09.01.2008"]:
        assert f'<option value="{code}" selected>' in html
    assert 'value="32.09.01.2009"' in html  # a sibling village is offered too
    assert "<script" not in html
    assert 'data-api-url="/api/v1/regions"' in html
    assert html.count("<label") == 5  # one per select plus the type-ahead


def test_picker_without_initial_value_offers_provinces_and_disables_lower_levels(regions):
    html = str(AddressForm()["village"])

    assert 'value="35"' in html
    assert html.count("disabled") == 3
    assert "required" in html.split('id="id_village_village"')[1].split(">")[0]


def test_picker_media_loads_the_script_deferred():
    media = str(AddressForm().media)

    assert "regions/region-picker.js" in media
    assert "defer" in media


def test_picker_reports_no_change_when_the_code_is_the_same(regions):
    village = Region.objects.get(code="32.09.01.2008")
    form = AddressForm(initial={"village": village}, data={"village": "32.09.01.2008"})

    assert not form.has_changed()
