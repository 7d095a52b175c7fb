from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from satuatap.core.audit import log_sensitive_read
from satuatap.core.exceptions import DomainError
from satuatap.core.forms import ReadPurposeForm
from satuatap.people import selectors, services
from satuatap.people.forms import PersonForm


@login_required
def person_list(request):
    if not request.user.has_perm("people.list_person"):
        raise PermissionDenied
    page = Paginator(selectors.visible_people(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "people/person_list.html", {"page": page})


@login_required
def person_detail(request, person_id: int):
    person = selectors.get_visible_person(request.user, person_id)
    if person is None:
        raise Http404
    if person.is_sensitive:
        form = ReadPurposeForm(request.POST or None)
        if request.method != "POST" or not form.is_valid():
            return render(
                request,
                "core/read_purpose.html",
                {"form": form, "action": reverse("people:detail", args=[person.pk])},
            )
        log_sensitive_read(user=request.user, instance=person, purpose=form.cleaned_data["purpose"])
    return render(request, "people/person_detail.html", {"person": person})


@login_required
def person_create(request):
    if not request.user.has_perm("people.list_person"):
        raise PermissionDenied
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.register_person(by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error("nik" if error.code == "duplicate_nik" else None, error.message)
        else:
            return redirect("people:detail", person.pk)
    return render(request, "people/person_form.html", {"form": form})
