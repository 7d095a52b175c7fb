"""Registering a walk-in from the check-in page, without leaving it: the registry's own form
(prefixed `new-`, so it sits inside the check-in form beside its fields) is fetched and posted
with htmx, and a saved person comes back as the visitor chosen for the check-in.

Without JavaScript the same URL serves a page of its own (and takes the check-in form posted to
it by the "Register and choose" button): after saving it goes back to the check-in with the
person chosen (`/frontdesk/check-in/?person=<id>`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from satuatap.core.exceptions import DomainError
from satuatap.people import services as people_services
from satuatap.people.forms import PersonForm
from satuatap.people.nik import looks_like_nik
from satuatap.people.phones import looks_like_phone

PREFIX = "new"


def _require_check_in_and_registry(user) -> None:
    if not (user.has_perm("frontdesk.check_in") and user.has_perm("people.list_person")):
        raise PermissionDenied


def initial_from_search(query: str) -> dict[str, str]:
    """What the officer searched for, put in the field it belongs to: a NIK, a phone, a name."""
    query = " ".join(query.split())[:100]
    if not query:
        return {}
    if looks_like_nik(query):
        return {"nik": query}
    if looks_like_phone(query):
        return {"phones": query}
    return {"full_name": query}


def checked_in_url(person_id: int) -> str:
    return f"{reverse('frontdesk:check-in')}?person={person_id}"


@login_required
@require_http_methods(["GET", "POST"])
def check_in_register(request):
    _require_check_in_and_registry(request.user)
    is_fragment = bool(request.htmx)
    if request.method == "GET" and request.GET.get("closed") == "1":
        return render(request, "frontdesk/_checkin_register.html", {"is_open": False})
    if request.method == "POST":
        form = PersonForm(request.POST, user=request.user, prefix=PREFIX)
    else:
        initial = initial_from_search(request.GET.get("q") or "")
        form = PersonForm(user=request.user, prefix=PREFIX, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            person = people_services.register_person(by=request.user, **form.person_data())
        except DomainError as error:
            form.add_error("nik" if error.code == "duplicate_nik" else None, error.message)
        else:
            notes = [note.message for note in form.nik_notes]
            if not is_fragment:
                messages.success(request, _("The person is registered and chosen as the visitor."))
                for note in notes:
                    messages.warning(request, note)
                return redirect(checked_in_url(person.pk))
            context = {"person": person, "notes": notes}
            return render(request, "frontdesk/_checkin_registered.html", context)
    context = {"form": form, "is_open": True}
    if is_fragment:
        return render(request, "frontdesk/_checkin_register.html", context)
    return render(request, "frontdesk/checkin_register.html", context)


urlpatterns = [
    path("check-in/register/", check_in_register, name="check-in-register"),
]
