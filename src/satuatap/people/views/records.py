"""Additions to a person's record: migration timeline, family, consents, merges."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satuatap.core.exceptions import DomainError
from satuatap.people import selectors, services
from satuatap.people.forms import ConsentForm, FamilyLinkForm, MergeForm, StatusEventForm
from satuatap.people.models import FamilyLink, PersonMerge, ProcessingConsent
from satuatap.people.views.persons import get_person_or_404


def _changeable_person(request, person_id: int):
    person = get_person_or_404(request.user, person_id)
    if not request.user.has_perm("people.change_person", person):
        raise PermissionDenied
    return person


def _form_page(request, person, form, *, title: str, on_valid):
    if request.method == "POST" and form.is_valid():
        try:
            on_valid(form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("people:detail", person.pk)
    return render(
        request, "people/record_form.html", {"form": form, "person": person, "title": title}
    )


@login_required
def status_add(request, person_id: int):
    person = _changeable_person(request, person_id)
    form = StatusEventForm(request.POST or None)
    return _form_page(
        request,
        person,
        form,
        title=_("Add a step to the migration timeline"),
        on_valid=lambda data: services.record_status(person=person, by=request.user, **data),
    )


@login_required
def family_add(request, person_id: int):
    person = _changeable_person(request, person_id)
    form = FamilyLinkForm(request.POST or None)

    def link(data):
        relative = selectors.get_visible_person(request.user, data["relative"])
        if relative is None or not relative.is_active_record:
            raise DomainError("not_found", _("No record with this number in your office."))
        services.link_family(
            person=person, relative=relative, relation=data["relation"], by=request.user
        )

    return _form_page(request, person, form, title=_("Link a family member"), on_valid=link)


@login_required
@require_POST
def family_remove(request, person_id: int, link_id: int):
    person = _changeable_person(request, person_id)
    link = get_object_or_404(FamilyLink, pk=link_id, person=person)
    services.unlink_family(link=link, by=request.user)
    return redirect("people:detail", person.pk)


@login_required
def consent_add(request, person_id: int):
    person = _changeable_person(request, person_id)
    form = ConsentForm(request.POST or None)
    return _form_page(
        request,
        person,
        form,
        title=_("Record consent to processing"),
        on_valid=lambda data: services.record_consent(person=person, by=request.user, **data),
    )


@login_required
@require_POST
def consent_withdraw(request, person_id: int, consent_id: int):
    person = _changeable_person(request, person_id)
    consent = get_object_or_404(ProcessingConsent, pk=consent_id, person=person)
    try:
        services.withdraw_consent(consent=consent, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("people:detail", person.pk)


@login_required
def merge(request, person_id: int):
    person = _changeable_person(request, person_id)
    form = MergeForm(request.POST or None)

    def do_merge(data):
        other = selectors.get_visible_person(request.user, data["other"])
        if other is None or not other.is_active_record:
            raise DomainError("not_found", _("No record with this number in your office."))
        services.merge_people(survivor=person, merged=other, by=request.user, reason=data["reason"])

    return _form_page(
        request,
        person,
        form,
        title=_("Merge a duplicate record into this one"),
        on_valid=do_merge,
    )


@login_required
def merge_list(request):
    """Administrators review merges and reverse a wrong one."""
    if not request.user.has_perm("people.reverse_merge"):
        raise PermissionDenied
    if request.method == "POST":
        record = get_object_or_404(PersonMerge, pk=request.POST.get("merge"))
        try:
            services.reverse_merge(merge=record, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The merge is reversed."))
        return redirect("people:merge-list")
    merges = PersonMerge.objects.select_related("merged_by", "reversed_by", "survivor__office")
    return render(request, "people/merge_list.html", {"merges": merges[:200]})
