"""The one mapping of a service's refusal (`DomainError`) in the HTML views (core/errors.py): a
refusal for lack of access is the 403 or 404 page, as if the view had raised `PermissionDenied`
or `Http404`; any other refusal is the view's to show, on the form or as a message, through
the two helpers."""

from __future__ import annotations

import pytest
from django import forms
from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import path
from django.utils.translation import gettext as _

from satuatap.core.errors import add_domain_error, add_domain_message, add_form_messages
from satuatap.core.exceptions import DomainError

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


# --- A urlconf of views that let a refusal through (only for this module) --------------------


def refuse(request, status: int):
    messages = {403: _("You may not do this."), 404: _("No such record.")}
    raise DomainError(
        "refused", messages.get(status, _("Some fields are not valid.")), status=status
    )


def deny(request):
    raise PermissionDenied(_("You may not do this."))


urlpatterns = [
    path("refuse/<int:status>/", refuse),
    path("deny/", deny),
]


def _get(client, url: str, language: str, **headers):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(url, headers=headers)


def _error_page(client, status: int, language: str, heading: str):
    response = _get(client, f"/refuse/{status}/", language)
    assert response.status_code == status
    page = response.content.decode()
    assert heading in page and f'<html lang="{language}">' in page
    return response, page


# --- The mapping ------------------------------------------------------------------------------


# (language, the page's heading, the refusal's message) for 403 and for 404.
FORBIDDEN = [
    ("id", "Tidak diizinkan", "Anda tidak berwenang melakukan tindakan ini."),
    ("en", "Not allowed", "You may not do this."),
]
NOT_FOUND = [
    ("id", "Halaman tidak ditemukan", "Data tidak ditemukan."),
    ("en", "Page not found", "No such record."),
]


@pytest.mark.parametrize(("language", "heading", "message"), FORBIDDEN)
def test_a_refusal_for_lack_of_permission_is_the_403_page_in_the_readers_language(
    client, language, heading, message
):
    response, _page = _error_page(client, 403, language, heading)

    # The refusal's own message goes with the 403, as PermissionDenied(message) did.
    assert response.context["exception"] == message


@pytest.mark.parametrize(("language", "heading", "message"), NOT_FOUND)
def test_a_refusal_for_a_record_not_found_is_the_404_page_saying_nothing_more(
    client, language, heading, message
):
    response, page = _error_page(client, 404, language, heading)

    # A bare Http404: the page is the one of any missing page, whatever the service said.
    assert message not in page
    assert response.context["exception"] == "Http404"


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_403_page_is_the_one_a_view_raising_permission_denied_gets(client, language):
    mapped = _get(client, "/refuse/403/", language)
    raised = _get(client, "/deny/", language)

    assert mapped.status_code == raised.status_code == 403
    assert mapped.content == raised.content


@pytest.mark.parametrize(("status", "heading"), [(403, "Tidak diizinkan"), (404, "Halaman")])
def test_an_htmx_request_gets_the_same_answer(client, status, heading):
    plain = _get(client, f"/refuse/{status}/", "id")
    htmx = _get(client, f"/refuse/{status}/", "id", HX_Request="true")

    assert htmx.status_code == plain.status_code == status
    assert htmx.content == plain.content
    assert heading in htmx.content.decode()


@pytest.mark.parametrize("status", [400, 409, 422, 429])
def test_any_other_refusal_a_view_lets_through_stays_a_server_error(status):
    with pytest.raises(DomainError):
        Client().get(f"/refuse/{status}/")

    response = Client(raise_request_exception=False).get(f"/refuse/{status}/")
    assert response.status_code == 500


# --- The form helper --------------------------------------------------------------------------


class VisitForm(forms.Form):
    name = forms.CharField()
    day = forms.DateField()


def _form() -> VisitForm:
    form = VisitForm({"name": "Sari", "day": "2024-05-01"})
    assert form.is_valid()
    return form


@pytest.mark.parametrize("status", [403, 404])
def test_a_refusal_for_lack_of_access_is_passed_on_not_shown_on_the_form(status):
    form = _form()
    error = DomainError("refused", "No.", status=status, details={"name": ["Too long."]})

    with pytest.raises(DomainError) as raised:
        add_domain_error(form, error)

    assert raised.value is error
    assert form.errors == {}


def test_the_details_of_a_refusal_go_beside_the_fields_they_name():
    form = _form()
    error = DomainError(
        "invalid",
        "Some fields are not valid.",
        status=422,
        details={"name": ["Too long.", "Not a name."], "day": "In the future.", "kind": ["Bad."]},
    )

    add_domain_error(form, error)

    assert form.errors == {
        "name": ["Too long.", "Not a name."],
        "day": ["In the future."],
        # A name the form has no field for goes above the form.
        "__all__": ["Bad."],
    }


def test_a_refusal_without_detail_messages_shows_its_message_where_its_code_says():
    form = _form()

    add_domain_error(
        form, DomainError("day_closed", "The office is closed."), {"day_closed": "day"}
    )

    assert form.errors == {"day": ["The office is closed."]}


def test_the_field_map_also_places_the_keys_of_the_details():
    form = _form()
    error = DomainError("invalid_desks", "Some desks are not valid.", details={"A": "Taken."})

    add_domain_error(form, error, {"A": "name"})

    assert form.errors == {"name": ["Taken."]}


def test_a_refusal_of_an_unmapped_code_goes_to_the_default_field_else_above_the_form():
    with_default, without = _form(), _form()
    # Details that list records (not messages) are for the API: the message is shown.
    error = DomainError("not_ready", "Not ready.", status=409, details=[1, 2])

    add_domain_error(with_default, error, default="name")
    add_domain_error(without, error, {"not_ready": "no_such_field"})

    assert with_default.errors == {"name": ["Not ready."]}
    assert without.errors == {"__all__": ["Not ready."]}


# --- The message helper -----------------------------------------------------------------------


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _messages(request) -> list[str]:
    return [message.message for message in get_messages(request)]


def test_a_refusal_is_an_error_message_each_detail_message_else_its_own():
    with_details, without = _request(), _request()

    add_domain_message(
        with_details,
        DomainError("invalid", "Not valid.", status=422, details={"reason": ["Give a reason."]}),
    )
    add_domain_message(
        without,
        DomainError("open_items", "Items are open.", status=409, details={"open_actions": [4, 7]}),
    )

    assert _messages(with_details) == ["Give a reason."]
    assert _messages(without) == ["Items are open."]


@pytest.mark.parametrize("status", [403, 404])
def test_a_refusal_for_lack_of_access_is_passed_on_not_shown_as_a_message(status):
    request = _request()
    error = DomainError("refused", "No.", status=status)

    with pytest.raises(DomainError) as raised:
        add_domain_message(request, error)

    assert raised.value is error
    assert _messages(request) == []


def test_a_forms_own_errors_become_messages_after_their_fields_label():
    request = _request()
    form = _form()
    form.fields["name"].label = "Name"
    form.add_error("name", "Too short.")
    form.add_error(None, "Choose a visit.")

    add_form_messages(request, form)

    assert _messages(request) == ["Name: Too short.", "Choose a visit."]
