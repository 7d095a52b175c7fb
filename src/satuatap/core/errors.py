"""How a service's refusal (`DomainError`) reaches a person in the HTML views: one mapping of
the refusals for lack of access, and one helper each for showing any other refusal on a form
or as a message. The API has its own mapping, to JSON (`satuatap/api.py`).

- A refusal for lack of access (status 403 or 404) is answered by `DomainErrorMiddleware` with
  the 403 or 404 page, exactly as if the view had raised `PermissionDenied(message)` or
  `Http404`: the same templates, in the reader's language, for htmx requests too. A 404 carries
  no message, so the page never says more than "no such record for you": whether a restricted
  case (or another office's record) exists is not confirmed.
- Any other refusal (400, 409, 422, 429…) is the view's to show: beside the form's fields
  (`add_domain_error`) or as error messages on the next page (`add_domain_message`). Both pass
  a refusal for lack of access on to the middleware, so no view maps one by hand. A form
  posted from another page and redirected back there shows its own errors as messages too
  (`add_form_messages`).
- A 503 (the file storage cannot be reached, a file or value no key decrypts) is not a refusal
  but a service that is not there: a view that lets one through is answered with the 503 page,
  which shows its message ("try again in a few minutes"), for htmx requests too.
- A refusal of another status that a view lets through is a bug, and stays a server error.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import response_for_exception
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils.functional import Promise

from satuatap.core.exceptions import DomainError

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

# The statuses of a refusal for lack of access: answered with the 403 or 404 page.
ACCESS_STATUSES = frozenset({403, 404})


def refuses_access(error: DomainError) -> bool:
    return error.status in ACCESS_STATUSES


def pass_on_access_refusal(error: DomainError) -> None:
    """Raise `error` again if it refuses access, for `DomainErrorMiddleware` to answer. For a
    view that shows other refusals in its own way (both helpers below call it)."""
    if refuses_access(error):
        raise error


def access_exception(error: DomainError) -> PermissionDenied | Http404 | None:
    """What a view would raise for `error`: `Http404` (without the message) for 404,
    `PermissionDenied` with the message for 403, nothing for any other status."""
    if error.status == 404:
        return Http404()
    if error.status == 403:
        return PermissionDenied(error.message)
    return None


def unavailable_response(request, error: DomainError) -> HttpResponse:
    """The 503 page with the error's message (translated when it was raised)."""
    response = HttpResponse(
        render_to_string("503.html", {"message": error.message}, request=request), status=503
    )
    response["Retry-After"] = "120"
    return response


class DomainErrorMiddleware:
    """Answers a `DomainError` that refuses access and leaves a view with the 403 or 404 page,
    through Django's own handling of `PermissionDenied` and `Http404` (handler, template,
    logging)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError):
            return None
        if exception.status == 503:
            return unavailable_response(request, exception)
        mapped = access_exception(exception)
        if mapped is None:
            return None
        mapped.__cause__ = exception
        return response_for_exception(request, mapped)


def _detail_messages(error: DomainError) -> Iterator[tuple[str, _StrOrPromise]]:
    """(name, message) for each message of the error's details, when they are a mapping of
    names to messages (details that list records, such as a closure's open items, are for
    the API)."""
    details = error.details if isinstance(error.details, Mapping) else {}
    for name, values in details.items():
        for message in values if isinstance(values, list | tuple) else [values]:
            if isinstance(message, str | Promise):
                yield name, cast("_StrOrPromise", message)  # lazy text is a str promise


def add_domain_error(
    form,
    error: DomainError,
    fields: Mapping[str, str] | None = None,
    *,
    default: str | None = None,
) -> None:
    """Show a service's refusal on `form`: each message of its details beside the field it
    names; without such messages, its own message beside the field `fields` gives for its code
    (else `default`). `fields` maps what a service names (an error code, or a key of its
    details) to the form's field; what names no field of the form goes above the form. A
    refusal for lack of access is passed on to the middleware."""
    pass_on_access_refusal(error)
    fields = fields or {}
    shown = False
    for name, message in _detail_messages(error):
        target = fields.get(name, name)
        form.add_error(target if target in form.fields else None, message)
        shown = True
    if not shown:
        fallback = fields[error.code] if error.code in fields else default
        form.add_error(fallback if fallback in form.fields else None, error.message)


def add_domain_message(request, error: DomainError) -> None:
    """Show a service's refusal as error messages on the next page: each message of its
    details, else its own message. A refusal for lack of access is passed on to the
    middleware."""
    pass_on_access_refusal(error)
    shown = False
    for _name, message in _detail_messages(error):
        messages.error(request, message)
        shown = True
    if not shown:
        messages.error(request, error.message)


def add_form_messages(request, form) -> None:
    """A form's errors as error messages on the next page, each after its field's label: for
    a form posted from another page (the case's, the file's) that the view redirects back to."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)
