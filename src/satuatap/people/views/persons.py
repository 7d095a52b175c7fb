from __future__ import annotations

import json
import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from satuatap.core.audit import log_sensitive_read
from satuatap.core.exceptions import DomainError
from satuatap.core.forms import ReadPurposeForm
from satuatap.people import data_rights, selectors, services
from satuatap.people.forms import PersonForm, SearchForm
from satuatap.people.models import Person
from satuatap.people.nik import region_notes
from satuatap.people.panels import render_person_panels
from satuatap.people.search import search_people

READ_GRANT_SECONDS = 15 * 60


def _require_registry(user) -> None:
    if not user.has_perm("people.list_person"):
        raise PermissionDenied


def get_person_or_404(user, person_id: int) -> Person:
    person = selectors.get_visible_person(user, person_id)
    if person is None:
        raise Http404
    return person


def sensitive_read_gate(request, person: Person, next_url: str):
    """None when the page may be shown (the read is logged); otherwise the purpose page.

    A purpose given once is remembered for 15 minutes for this record, and every read in that
    time is still logged with it."""
    if not person.is_sensitive:
        return None
    key = f"read_purpose:{person.pk}"
    granted = request.session.get(key)
    form = ReadPurposeForm(request.POST if "purpose" in request.POST else None)
    if form.is_bound and form.is_valid():
        granted = {"purpose": form.cleaned_data["purpose"], "at": time.time()}
        request.session[key] = granted
    if granted and time.time() - granted["at"] < READ_GRANT_SECONDS:
        log_sensitive_read(user=request.user, instance=person, purpose=granted["purpose"])
        return None
    return render(request, "core/read_purpose.html", {"form": form, "action": next_url})


@login_required
def person_list(request):
    _require_registry(request.user)
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    if query:
        hits = search_people(request.user, query, limit=50)
        context = {"hits": hits, "query": query, "form": form}
    else:
        page = Paginator(
            selectors.active_people(request.user).order_by("-created_at", "-pk"), 50
        ).get_page(request.GET.get("page"))
        context = {"page": page, "query": "", "form": form}
    template = "people/_person_results.html" if request.htmx else "people/person_list.html"
    return render(request, template, context)


def _tell_nik_notes(request, form: PersonForm) -> None:
    """What the NIK check only noted (a region code that changed since), shown after saving."""
    for note in form.nik_notes:
        messages.warning(request, note.message)


@login_required
def person_create(request):
    _require_registry(request.user)
    form = PersonForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.register_person(by=request.user, **form.person_data())
        except DomainError as error:
            form.add_error("nik" if error.code == "duplicate_nik" else None, error.message)
        else:
            messages.success(request, _("The person is registered."))
            _tell_nik_notes(request, form)
            return redirect("people:detail", person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": None})


@login_required
def person_edit(request, person_id: int):
    person = get_person_or_404(request.user, person_id)
    if not request.user.has_perm("people.change_person", person):
        raise PermissionDenied
    url = reverse("people:edit", args=[person.pk])
    if (gate := sensitive_read_gate(request, person, url)) is not None:
        return gate
    initial = {
        field: getattr(person, field)
        for field in services.PERSON_FIELDS
        if field != "has_specific_data"
    }
    initial["phones"] = ", ".join(person.phones.values_list("number", flat=True))
    bound = request.POST if request.method == "POST" and "full_name" in request.POST else None
    form = PersonForm(bound, user=request.user, person=person, initial=initial)
    if bound is not None and form.is_valid():
        data = form.person_data()
        confirmed = data.pop("confirmed_nik_warnings")
        try:
            services.update_person(
                person=person, by=request.user, confirmed_nik_warnings=confirmed, **data
            )
        except DomainError as error:
            form.add_error("nik" if error.code == "duplicate_nik" else None, error.message)
        else:
            messages.success(request, _("The record is corrected."))
            _tell_nik_notes(request, form)
            return redirect("people:detail", person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": person})


@login_required
def person_detail(request, person_id: int):
    person = get_person_or_404(request.user, person_id)
    if person.merged_into_id:
        messages.info(request, _("This record was merged into another one."))
        return redirect("people:detail", person.merged_into_id)
    gate = sensitive_read_gate(request, person, reverse("people:detail", args=[person.pk]))
    if gate is not None:
        return gate
    from satuatap.people.documents import documents_for_person

    context = {
        "person": person,
        "phones": person.phones.all(),
        "timeline": person.status_events.select_related("recorded_by"),
        "family": selectors.family_of(person),
        "consents": person.consents.select_related("taken_by"),
        "documents": documents_for_person(request.user, person),
        "history": selectors.correction_history(person),
        "nik_notes": region_notes(person.nik),
        "can_change": request.user.has_perm("people.change_person", person),
        "can_erase": request.user.has_perm("people.erase_person", person),
        "panels": render_person_panels(request, person),
    }
    return render(request, "people/person_detail.html", context)


@login_required
def person_export(request, person_id: int, fmt: str):
    person = get_person_or_404(request.user, person_id)
    data = data_rights.export_person_data(person=person, by=request.user)
    if fmt == "json":
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.json"'
        response["Cache-Control"] = "private, no-store"
        return response
    return render(request, "people/person_export.html", {"data": data, "person": person})


@login_required
def person_erase(request, person_id: int):
    from satuatap.people.forms import EraseForm

    person = get_person_or_404(request.user, person_id)
    if not request.user.has_perm("people.erase_person", person):
        raise PermissionDenied
    form = EraseForm(request.POST or None)
    blockers = data_rights.erasure_blockers(person)
    if request.method == "POST" and form.is_valid():
        try:
            data_rights.anonymise_person(
                person=person, by=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The record is anonymised."))
            return redirect("people:list")
    return render(
        request, "people/person_erase.html", {"form": form, "person": person, "blockers": blockers}
    )
