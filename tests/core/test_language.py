"""Indonesian by default, English on request, remembered per user."""

from __future__ import annotations

import pytest
from django.urls import reverse

from satuatap.core.roles import Role

pytestmark = pytest.mark.django_db


def test_indonesian_is_the_default_even_for_an_english_browser(client):
    response = client.get(reverse("login"), headers={"Accept-Language": "en-US,en;q=0.9"})
    assert response.headers["Content-Language"] == "id"
    assert '<html lang="id">' in response.content.decode()


def test_anonymous_visitor_switches_language_with_a_cookie(client):
    response = client.post(reverse("set-language"), {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    page = client.get(reverse("login"))
    assert page.headers["Content-Language"] == "en"
    assert "Sign in" in page.content.decode()


def test_signed_in_users_choice_is_saved_on_their_account(client, make_user):
    user = make_user(Role.FRONTDESK)
    client.force_login(user)

    client.post(reverse("set-language"), {"language": "en", "next": "/"})

    user.refresh_from_db()
    assert user.language == "en"
    client.cookies.clear()
    client.force_login(user)
    assert client.get(reverse("home")).headers["Content-Language"] == "en"


def test_unknown_language_changes_nothing(client, make_user):
    user = make_user(Role.FRONTDESK)
    client.force_login(user)
    client.post(reverse("set-language"), {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.language == "id"


def test_next_url_cannot_redirect_off_site(client):
    response = client.post(
        reverse("set-language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response.url == "/"


def test_money_and_numbers_follow_the_language():
    from django.utils import translation

    from satuatap.core.templatetags.satuatap import idr, number

    with translation.override("id"):
        assert idr(1250000) == "Rp 1.250.000"
        assert number(1234.5) == "1.234,5"
    with translation.override("en"):
        assert idr(1250000) == "IDR 1,250,000"
        assert number(1234.5) == "1,234.5"


@pytest.mark.parametrize(
    ("amount", "currency", "indonesian", "english"),
    [
        # No minor units in KRW or JPY: never ",00", even from a Decimal stored with two places.
        ("2060740.00", "KRW", "KRW 2.060.740", "KRW 2,060,740"),
        ("180000.00", "JPY", "JPY 180.000", "JPY 180,000"),
        # A whole amount of a currency with minor units shows none; cents show when there are.
        ("4990.00", "HKD", "HKD 4.990", "HKD 4,990"),
        ("1700.50", "MYR", "MYR 1.700,50", "MYR 1,700.50"),
        (1250000, "IDR", "Rp 1.250.000", "IDR 1,250,000"),
    ],
)
def test_foreign_money_is_grouped_for_the_language_without_empty_cents(
    amount, currency, indonesian, english
):
    from decimal import Decimal

    from django.utils import translation

    from satuatap.core.currencies import format_money
    from satuatap.core.templatetags.satuatap import money

    value = Decimal(amount) if isinstance(amount, str) else amount
    with translation.override("id"):
        assert format_money(value, currency) == indonesian
        assert money(value, currency) == indonesian
    with translation.override("en"):
        assert format_money(value, currency) == english
    assert format_money(None, currency) == ""


def test_dates_follow_the_language():
    import datetime

    from django.utils import formats, translation

    day = datetime.date(2026, 8, 17)
    with translation.override("id"):
        assert formats.date_format(day, "DATE_FORMAT") == "17 Agu 2026"
    with translation.override("en"):
        assert formats.date_format(day, "DATE_FORMAT") == "Aug. 17, 2026"


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_date_field_shows_and_reads_day_first_in_both_languages(language):
    """dd/mm/yyyy in a field whatever the browser's language; 05/08/2026 is the 5th of August."""
    import datetime

    from django import forms
    from django.utils import translation

    from satuatap.core.forms import DateInput

    class Form(forms.Form):
        day = forms.DateField(widget=DateInput())

    with translation.override(language):
        html = str(Form(initial={"day": datetime.date(2026, 8, 17)})["day"])
        assert 'value="17/08/2026"' in html and 'type="text"' in html
        assert 'placeholder="hh/bb/tttt"' in html if language == "id" else "dd/mm/yyyy" in html
        for typed in ("05/08/2026", "05-08-2026", "05.08.2026", "2026-08-05"):
            form = Form({"day": typed})
            assert form.is_valid(), typed
            assert form.cleaned_data["day"] == datetime.date(2026, 8, 5)
        wrong = Form({"day": "08/17/2026"})
        assert not wrong.is_valid() and wrong.errors["day"]


def test_an_empty_choice_is_named_in_words_never_dashes():
    from django import forms
    from django.utils import translation

    class Form(forms.Form):
        sex = forms.ChoiceField(choices=[("", "---------"), ("F", "F")], required=False)

    with translation.override("id"):
        html = str(Form()["sex"])
    assert "---------" not in html and "— pilih —" in html
