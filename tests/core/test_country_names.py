"""Country names follow the interface language: Indonesian from the generated CLDR catalogue."""

from __future__ import annotations

from django.utils import translation
from django_countries import countries
from django_countries.fields import Country

from scripts.country_names import TARGET, build_catalog


def test_countries_are_named_in_indonesian_by_default():
    with translation.override("id"):
        assert Country("DE").name == "Jerman"
        assert Country("SA").name == "Arab Saudi"
        assert Country("HK").name == "Hong Kong"
        assert Country("MY").name == "Malaysia"


def test_countries_are_named_in_english_when_asked():
    with translation.override("en"):
        assert Country("DE").name == "Germany"
        assert Country("SA").name == "Saudi Arabia"


def test_country_choices_sort_by_the_indonesian_name():
    with translation.override("id"):
        names = [str(name) for code, name in countries if code not in ("HK", "TW", "MY")]
    assert names.index("Afrika Selatan") < names.index("Jerman") < names.index("Zimbabwe")


def test_shipped_catalogue_matches_what_the_script_generates():
    from babel.messages.pofile import read_po

    shipped = {m.id: m.string for m in read_po((TARGET / "django.po").open("rb")) if m.id}
    generated = {m.id: m.string for m in build_catalog() if m.id}
    assert shipped == generated
