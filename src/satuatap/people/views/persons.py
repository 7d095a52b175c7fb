from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from satuatap.core import sensitive
from satuatap.core.audit import ReadPurpose
from satuatap.core.exceptions import DomainError
from satuatap.core.trail import access_row, may_see_case_work
from satuatap.people import selectors, services
from satuatap.people.data_rights import hooks as data_rights_hooks
from satuatap.people.data_rights import selectors as data_rights_selectors
from satuatap.people.data_rights import services as data_rights_services
from satuatap.people.documents.selectors import documents_for_person
from satuatap.people.forms import PersonForm, SearchForm
from satuatap.people.history import readable_history
from satuatap.people.models import Person
from satuatap.people.nik import region_notes
from satuatap.people.panels import person_actions, render_person_panels
from satuatap.people.search import search_people


def _require_registry(user) -> None:
    if not user.has_perm("people.list_person"):
        raise PermissionDenied


def get_person_or_404(user, person_id: int) -> Person:
    person = selectors.get_visible_person(user, person_id)
    if person is None:
        raise Http404
    return person


@login_required
@require_http_methods(["GET", "POST"])
def person_list(request):
    """The registry, newest first, or the people a search finds. The search form posts, so a
    NIK, phone number or name stays out of URLs (browser history, server and proxy logs,
    referrers); a search in the query string (an old bookmark) still answers."""
    _require_registry(request.user)
    form = SearchForm((request.POST if request.method == "POST" else request.GET) or None)
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
    if (gate := sensitive.gate(request, person)) is not None:
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
    if (gate := sensitive.gate(request, person)) is not None:
        return gate
    context = {
        "person": person,
        "phones": person.phones.all(),
        "timeline": person.status_events.select_related("recorded_by"),
        "family": selectors.family_of(person),
        "consents": person.consents.select_related("taken_by"),
        "documents": documents_for_person(request.user, person),
        "history": readable_history(request.user, person),
        "nik_notes": region_notes(person.nik),
        "can_change": request.user.has_perm("people.change_person", person),
        "can_erase": request.user.has_perm("people.erase_person", person),
        "can_view_access_log": request.user.has_perm("people.view_access_log", person),
        "panels": render_person_panels(request, person),
        "actions": [] if person.anonymised_at else person_actions(request, person),
    }
    return render(request, "people/person_detail.html", context)


@login_required
def person_export(request, person_id: int, fmt: str):
    """The person's copy of their data. It is always read with a purpose the reader chooses
    (usually the person's own request), whether or not the record is flagged sensitive."""
    person = get_person_or_404(request.user, person_id)
    gate = sensitive.gate(
        request, person, always_ask=True, initial_purpose=ReadPurpose.DATA_SUBJECT_REQUEST
    )
    if gate is not None:
        return gate
    data = data_rights_selectors.export_person_data(person=person, by=request.user)
    if fmt == "json":
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.json"'
        response["Cache-Control"] = "private, no-store"
        return response
    return render(request, "people/person_export.html", {"data": data, "person": person})


@login_required
def person_access_log(request, person_id: int):
    """Who read the record, when and why (the office head, the case supervisors). Reading it
    is a read of the person, through the sensitive-data gate like the record itself."""
    person = get_person_or_404(request.user, person_id)
    if not request.user.has_perm("people.view_access_log", person):
        raise PermissionDenied
    if person.merged_into_id:
        return redirect("people:access-log", person.merged_into_id)
    if (gate := sensitive.gate(request, person)) is not None:
        return gate
    entries = selectors.person_access_log(request.user, person)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    context = {
        "person": person,
        "page": page,
        "rows": [access_row(entry) for entry in page.object_list],
        "shows_case_work": may_see_case_work(request.user, person.office),
    }
    template = "core/_access_log_rows.html" if request.htmx else "people/access_log.html"
    response = render(request, template, context)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def person_erase(request, person_id: int):
    """The same page for every record the head may erase: whether another part of the system
    (the MRC) must review the erasure first is learnt only by asking for it, and then only that
    it waits, never why (docs/security.md, "Side channels")."""
    from satuatap.people.forms import EraseForm

    person = get_person_or_404(request.user, person_id)
    if not request.user.has_perm("people.erase_person", person):
        raise PermissionDenied
    form = EraseForm(request.POST or None)
    blockers = data_rights_hooks.erasure_blockers(person)
    if request.method == "POST" and form.is_valid():
        try:
            erasure = data_rights_services.request_erasure(
                person=person, by=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if erasure.is_pending:
                messages.info(
                    request,
                    _(
                        "The erasure request is recorded. It is carried out once it has been "
                        "reviewed; the record stays until then."
                    ),
                )
                return redirect("people:detail", person.pk)
            messages.success(request, _("The record is anonymised."))
            return redirect("people:list")
    context = {
        "form": form,
        "person": person,
        "blockers": blockers,
        "pending": data_rights_selectors.own_pending_request(person, request.user),
    }
    return render(request, "people/person_erase.html", context)
