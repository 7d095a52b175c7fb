"""Information and counselling contacts: the quick form and the office's list with counts by
sex. The person search on the form is the registry's one-box search (`people.search`)."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from satuatap.cases import selectors, services
from satuatap.cases.forms import ContactFilterForm, ContactForm
from satuatap.cases.models import (
    AgeBand,
    Channel,
    Contact,
    ContactKind,
    ContactSource,
    GroupCount,
    PersonServed,
    Topic,
)
from satuatap.cases.views.common import get_case_or_404, require
from satuatap.core import sensitive
from satuatap.core.errors import add_domain_error
from satuatap.core.exceptions import DomainError
from satuatap.people.models import Sex
from satuatap.people.search import search_people

SEARCH_LIMIT = 10
PAGE_SIZE = 50


def _query(request, name: str) -> str:
    return (request.GET.get(name) or "").strip()[:100]


def _linked_case(request):
    """The case a follow-up contact belongs to (`?case=`), if the user may work on it."""
    value = (request.POST.get("case") or request.GET.get("case") or "").strip()
    if not value:
        return None
    case = (
        get_case_or_404(request.user, int(value)) if value.isdigit() and len(value) < 12 else None
    )
    if case is None:
        return None
    require(request.user, "cases.work_on_case", case)
    return case


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request):
    require(request.user, "cases.record_contact")
    case = _linked_case(request)
    query, participant_query = _query(request, "q"), _query(request, "pq")
    if request.htmx and request.method == "GET":
        if "pq" in request.GET:
            hits = search_people(request.user, participant_query, limit=SEARCH_LIMIT)
            context = {
                "hits": hits,
                "query": participant_query,
                "field": "participants",
                "multiple": True,
            }
        else:
            hits = search_people(request.user, query, limit=SEARCH_LIMIT)
            context = {"hits": hits, "query": query, "field": "person"}
        return render(request, "people/_person_choices.html", context)
    initial = {"person": case.client_id} if case is not None else {}
    form = ContactForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.record_contact(by=request.user, case=case, **form.contact_data())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The contact is recorded."))
            if contact.case_id:
                return redirect("cases:case-detail", contact.case_id)
            return redirect("cases:contact-list")
    chosen = form.chosen_person if form.is_bound else (case.client if case is not None else None)
    context = {
        "form": form,
        "case": case,
        "query": query,
        "participant_query": participant_query,
        "hits": search_people(request.user, query, limit=SEARCH_LIMIT) if query else [],
        "participant_hits": (
            search_people(request.user, participant_query, limit=SEARCH_LIMIT)
            if participant_query
            else []
        ),
        "chosen": chosen,
        "chosen_participants": form.chosen_participants if form.is_bound else [],
        "group_open": form.is_bound and bool(getattr(form, "cleaned_data", {}).get("is_group")),
    }
    return render(request, "cases/contact_form.html", context)


@login_required
@require_http_methods(["GET"])
def contact_offline_form(request):
    """The contact form of the offline page (`outreach:offline-app`), as a fragment the page
    fetches once online and its service worker keeps: no registry search (the phone holds no
    registry), the person's sex and age band or a group's counts (docs/offline.md)."""
    require(request.user, "cases.record_contact")
    context = {
        "kinds": ContactKind.choices,
        "channels": Channel.choices,
        "topics": Topic.choices,
        "served": PersonServed.choices,
        "person_sexes": Sex.choices,
        "age_bands": AgeBand.choices,
        "sexes": [
            (Sex.FEMALE, _("Women")),
            (Sex.MALE, _("Men")),
            (Sex.NOT_RECORDED, _("Sex not recorded")),
        ],
        "default_channel": Channel.OUTREACH,
    }
    response = render(request, "cases/offline/_contact_form.html", context)
    response["Cache-Control"] = "private, no-cache"
    return response


def sex_totals(contacts) -> dict[str, int]:
    """People reached, by sex: one per individual contact; a group's counts (or, without
    counts, its named participants)."""
    totals: Counter[str] = Counter()
    individual = contacts.filter(is_group=False).values("sex").annotate(n=Count("pk"))
    for row in individual.order_by():
        totals[row["sex"]] += row["n"]
    grouped = (
        GroupCount.objects.filter(contact__in=contacts.filter(is_group=True))
        .values("sex")
        .annotate(n=Sum("count"))
        .order_by()
    )
    for row in grouped:
        totals[row["sex"]] += row["n"] or 0
    without_counts = contacts.filter(is_group=True, counts__isnull=True)
    named = (
        Contact.participants.through.objects.filter(contact__in=without_counts)
        .values("person__sex")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in named:
        totals[row["person__sex"]] += row["n"]
    return {sex: totals.get(sex, 0) for sex in Sex.values}


@login_required
def contact_list(request):
    require(request.user, "cases.list_cases")
    form = ContactFilterForm(request.GET or None)
    contacts = selectors.visible_contacts(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["date_from"]:
            contacts = contacts.filter(occurred_on__gte=data["date_from"])
        if data["date_to"]:
            contacts = contacts.filter(occurred_on__lte=data["date_to"])
        for name in ("kind", "channel", "topic", "source"):
            if data[name]:
                contacts = contacts.filter(**{name: data[name]})
    totals = sex_totals(contacts)
    page = Paginator(
        contacts.prefetch_related(
            Prefetch("counts", queryset=GroupCount.objects.order_by("sex", "age_band"))
        )
        .prefetch_related("participants")
        .select_related("case"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "totals": [(Sex(sex).label, n) for sex, n in totals.items()],
        "total": sum(totals.values()),
        "contact_count": page.paginator.count,
        "can_record": request.user.has_perm("cases.record_contact"),
        "querystring": _without_page(request),
    }
    return render(request, "cases/contact_list.html", context)


def _without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
def portal_request(request, contact_id: int):
    """A request for help or a recruiter's report from the public portal, as the person wrote
    it (`cases.portal_intake`): for the office's case workers, through the sensitive-data
    policy (a purpose for a request for help, an access entry for every read)."""
    require(request.user, "cases.record_contact")
    contact = (
        selectors.visible_contacts(request.user)
        .exclude(source=ContactSource.STAFF)
        .filter(pk=contact_id)
        .first()
    )
    if contact is None:
        raise Http404
    gated = sensitive.gate(request, contact)
    if gated is not None:
        return gated
    return render(request, "cases/portal_request.html", {"contact": contact})
