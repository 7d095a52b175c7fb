"""One type-ahead across levels: what it finds, how it names each place, and how a typed name
that was not picked is resolved (or refused, naming the candidates) when the form is sent."""

from __future__ import annotations

import pytest
from django import forms
from django.utils import translation

from satuatap.regions import selectors
from satuatap.regions.forms import RegionPickerField
from satuatap.regions.models import RegionLevel

CIREBON = "32.09"
TULUNGAGUNG = "35.04"


class AddressForm(forms.Form):
    village = RegionPickerField(level=RegionLevel.VILLAGE)

    def __init__(self, *args, start: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].start = start


def test_a_match_says_what_it_is_down_to_the_regency_near_the_office(regions):
    matches = selectors.find_places("kedungbunder", near=CIREBON)

    assert (matches[0].region.code, matches[0].label) == (
        "32.09.37.2003",
        "Desa Kedungbunder, Kec. Gempol, Kab. Cirebon",
    )


def test_a_place_outside_the_office_regency_is_named_with_its_province(regions):
    labels = [m.label for m in selectors.find_places("kendal", near=CIREBON)]

    assert labels[0] == "Desa Kendal, Kec. Astanajapura, Kab. Cirebon"
    assert "Desa Kendal, Kec. Gondang, Kab. Tulungagung, Jawa Timur" in labels


def test_the_office_regency_comes_first_and_every_level_is_searched(regions):
    matches = selectors.find_places("gebang", near=CIREBON)

    assert [m.region.level for m in matches[:2]] == [RegionLevel.DISTRICT, RegionLevel.VILLAGE]
    assert matches[0].label == "Kec. Gebang, Kab. Cirebon"
    assert matches[1].label == "Desa Gebang, Kec. Gebang, Kab. Cirebon"
    assert all(m.is_near for m in matches if m.region.code.startswith(CIREBON + "."))
    assert not matches[-1].is_near


def test_a_name_shared_inside_and_outside_the_regency_resolves_to_the_office_one(regions):
    assert selectors.resolve_place("Kendal", level=4, near=CIREBON).code == "32.09.10.2012"
    assert selectors.resolve_place("Kendal", level=4, near=TULUNGAGUNG).code == "35.04.09.2001"
    with pytest.raises(selectors.AmbiguousPlaceError):
        selectors.resolve_place("Kendal", level=4)


def test_a_typed_label_resolves_to_that_place(regions):
    region = selectors.resolve_place(
        "Desa Karangsari, Kec. Weru, Kab. Cirebon", level=4, near=CIREBON
    )

    assert region.code == "32.09.19.2001"


def test_a_typed_name_not_picked_is_taken_when_it_names_one_place(regions):
    form = AddressForm(data={"village": CIREBON, "village_search": "kedungbunder"}, start=CIREBON)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["village"].code == "32.09.37.2003"


def test_an_ambiguous_typed_name_is_refused_naming_the_places_it_could_be(regions):
    with translation.override("en"):
        form = AddressForm(data={"village": "", "village_search": "Karangsari"}, start=CIREBON)

        assert not form.is_valid()
        (message,) = form.errors["village"]
    assert message.startswith("“Karangsari” could be several places: ")
    assert "Desa Karangsari, Kec. Waled, Kab. Cirebon" in message
    assert "Desa Karangsari, Kec. Weru, Kab. Cirebon" in message
    assert "Choose one" in message
    assert "Rejotangan" not in message  # the office's two are the candidates that matter
    assert 'value="Karangsari"' in str(form["village"])  # the text stays in the box


def test_an_unknown_typed_name_is_refused_with_the_text(regions):
    with translation.override("en"):
        form = AddressForm(data={"village_search": "Xyzzyville"}, start=CIREBON)

        assert form.errors["village"] == [
            "No place called “Xyzzyville” was found: check the spelling, or choose from the lists."
        ]


def test_the_ambiguity_message_is_translated_into_indonesian(regions):
    with translation.override("id"):
        form = AddressForm(data={"village_search": "Karangsari"}, start=CIREBON)

        assert "Karangsari" in form.errors["village"][0]
        assert "could be" not in form.errors["village"][0]


def test_the_picker_opens_at_the_office_regency_with_its_districts(regions):
    html = str(AddressForm(start=CIREBON)["village"])

    assert '<option value="32" selected>' in html
    assert '<option value="32.09" selected>' in html
    assert 'value="32.09.37"' in html  # Gempol, a district of Cirebon, is offered
    assert 'data-near="32.09"' in html
    assert 'name="village_search"' in html
    assert 'type="hidden" name="village" id="id_village" value=""' in html


def test_a_picker_without_start_still_opens_at_the_provinces(regions):
    html = str(AddressForm()["village"])

    assert 'data-near=""' in html
    assert "selected>" not in html


def test_the_search_api_names_each_match_and_ranks_the_office_regency_first(api_client):
    body = api_client.get("/api/v1/regions/search", {"q": "kendal", "near": CIREBON}).json()

    assert body[0] == {
        "code": "32.09.10.2012",
        "name": "Kendal",
        "level": 4,
        "parent": "32.09.10",
        "label": "Desa Kendal, Kec. Astanajapura, Kab. Cirebon",
        "is_near": True,
    }
    assert any(row["code"] == "35.04.09.2001" and not row["is_near"] for row in body)


def test_the_search_api_stops_at_the_level_asked_and_ignores_one_letter(api_client):
    body = api_client.get("/api/v1/regions/search", {"q": "gebang", "level": 3}).json()

    assert body and all(row["level"] <= 3 for row in body)
    assert api_client.get("/api/v1/regions/search", {"q": "g"}).json() == []
