"""Outreach events: list with filters, record and change (with the count grid), the event page
with named participants and follow-ups. An event of another office is a 404."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from satuatap.core.errors import add_domain_error, add_domain_message
from satuatap.core.exceptions import DomainError
from satuatap.outreach import selectors, services
from satuatap.outreach.forms import (
    ERROR_FIELDS,
    EventFilterForm,
    EventForm,
    FollowUpForm,
    PersonIdForm,
    PersonSearchForm,
)
from satuatap.outreach.models import OutreachEvent
from satuatap.outreach.views._common import require_manage, require_view
from satuatap.people.search import search_people
from satuatap.people.selectors import get_visible_person
from satuatap.regions.models import Region

if TYPE_CHECKING:
    from satuatap.people.models import Person

PAGE_SIZE = 50


def _event_or_404(request, event_id: int) -> OutreachEvent:
    require_view(request.user)
    event = selectors.get_visible_event(request.user, event_id)
    if event is None:
        raise Http404
    return event


@login_required
def event_list(request):
    require_view(request.user)
    office = request.user.office
    village_codes = (
        selectors.office_events(request.user).values_list("village_id", flat=True).distinct()
    )
    villages = (
        Region.objects.filter(code__in=list(village_codes))
        .select_related("parent")
        .order_by("name", "code")
    )
    form = EventFilterForm(request.GET or None, villages=villages)
    filters: dict = {}
    if form.is_valid():
        filters = {key: value for key, value in form.cleaned_data.items() if value}
    events = selectors.office_events(request.user, **filters)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = {key: value for key, value in request.GET.items() if key != "page" and value}
    context = {
        "office": office,
        "form": form,
        "page": page,
        "events": page.object_list,
        "totals": selectors.counts_by_sex(events),
        "event_count": page.paginator.count,
        "filters": urlencode(query),
        "can_manage": request.user.has_perm("outreach.manage_outreach", office),
    }
    return render(request, "outreach/event_list.html", context)


def _save_event(request, event: OutreachEvent | None):
    office = event.office if event else request.user.office
    form = EventForm(request.POST or None, office=office, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            if event is None:
                event = services.create_event(by=request.user, **form.event_values())
            else:
                event = services.update_event(event=event, by=request.user, **form.event_values())
        except DomainError as error:
            add_domain_error(form, error, ERROR_FIELDS)
        else:
            messages.success(request, _("The event is saved."))
            return redirect("outreach:event-detail", event.pk)
    return render(request, "outreach/event_form.html", {"form": form, "event": event})


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request):
    require_view(request.user)
    require_manage(request.user, request.user.office)
    return _save_event(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request, event_id: int):
    event = _event_or_404(request, event_id)
    require_manage(request.user, event.office)
    return _save_event(request, event)


@login_required
def event_detail(request, event_id: int):
    event = _event_or_404(request, event_id)
    can_manage = request.user.has_perm("outreach.manage_outreach", event.office)
    participants = list(selectors.named_participants(event))
    search_form = PersonSearchForm(request.GET or None)
    hits = []
    if can_manage and search_form.is_valid():
        named = {person.pk for person in participants}
        hits = [
            {"person": hit.person, "is_named": hit.person.pk in named}
            for hit in search_people(request.user, search_form.cleaned_data["q"], limit=20)
        ]
    follow_up_rows = selectors.follow_ups(event)
    with_follow_up = {row.person.pk for row in follow_up_rows if row.is_recorded}
    context = {
        "event": event,
        "grid": selectors.event_grid(event),
        "partners": list(event.partners.order_by("name")),
        "participants": participants,
        "follow_ups": follow_up_rows,
        "without_follow_up": [p for p in participants if p.pk not in with_follow_up],
        "today": event.office.today(),
        "can_manage": can_manage,
        "search_form": search_form,
        "hits": hits,
    }
    return render(request, "outreach/event_detail.html", context)


def _person_from_post(request) -> Person | None:
    form = PersonIdForm(request.POST)
    if not form.is_valid():
        return None
    return get_visible_person(request.user, form.cleaned_data["person"])


@login_required
@require_POST
def participant_add(request, event_id: int):
    event = _event_or_404(request, event_id)
    require_manage(request.user, event.office)
    person = _person_from_post(request)
    if person is None:
        messages.error(request, _("This person was not found."))
        return redirect("outreach:event-detail", event.pk)
    try:
        services.add_participant(event=event, person=person, by=request.user)
    except DomainError as error:
        add_domain_message(request, error)
    else:
        messages.success(
            request, _("%(name)s is named as a participant.") % {"name": person.full_name}
        )
    return redirect("outreach:event-detail", event.pk)


@login_required
@require_POST
def participant_remove(request, event_id: int):
    event = _event_or_404(request, event_id)
    require_manage(request.user, event.office)
    person = _person_from_post(request)
    if person is not None:
        services.remove_participant(event=event, person=person, by=request.user)
        messages.success(request, _("%(name)s is no longer named.") % {"name": person.full_name})
    return redirect("outreach:event-detail", event.pk)


@login_required
@require_POST
def follow_up_add(request, event_id: int):
    event = _event_or_404(request, event_id)
    require_manage(request.user, event.office)
    form = FollowUpForm(request.POST)
    person = (
        get_visible_person(request.user, form.cleaned_data["person"]) if form.is_valid() else None
    )
    if person is None:
        messages.error(request, _("Give the person and the day they came."))
        return redirect("outreach:event-detail", event.pk)
    try:
        services.record_follow_up(
            event=event,
            person=person,
            came_on=form.cleaned_data["came_on"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
    except DomainError as error:
        add_domain_message(request, error)
    else:
        messages.success(request, _("The follow-up is recorded."))
    return redirect("outreach:event-detail", event.pk)


@login_required
@require_POST
def follow_up_delete(request, event_id: int, follow_up_id: int):
    event = _event_or_404(request, event_id)
    require_manage(request.user, event.office)
    follow_up = selectors.get_visible_follow_up(request.user, event, follow_up_id)
    if follow_up is None:
        raise Http404
    services.delete_follow_up(follow_up=follow_up, by=request.user)
    messages.success(request, _("The follow-up is removed."))
    return redirect("outreach:event-detail", event.pk)


urlpatterns = [
    path("", event_list, name="event-list"),
    path("events/new/", event_create, name="event-create"),
    path("events/<int:event_id>/", event_detail, name="event-detail"),
    path("events/<int:event_id>/edit/", event_edit, name="event-edit"),
    path("events/<int:event_id>/participants/add/", participant_add, name="participant-add"),
    path(
        "events/<int:event_id>/participants/remove/", participant_remove, name="participant-remove"
    ),
    path("events/<int:event_id>/follow-ups/add/", follow_up_add, name="follow-up-add"),
    path(
        "events/<int:event_id>/follow-ups/<int:follow_up_id>/delete/",
        follow_up_delete,
        name="follow-up-delete",
    ),
]
