"""Cases: the complaint intake, the lists (mine, team, overdue, all with filters), the case
page and the partner directory. Every list starts from `selectors.visible_cases`, so a restricted
case never reaches anyone who may not see it; lists never show a restricted client's name.

The forms of the case page post to `case_work.py`.
"""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Prefetch, QuerySet
from django.shortcuts import redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from satuatap.cases import events, selectors, services
from satuatap.cases.forms import (
    ActionForm,
    AssignForm,
    AttachmentForm,
    CaseFilterForm,
    CaseForm,
    ClosureDecisionForm,
    ClosureForm,
    ConsentForm,
    LegalHoldForm,
    NoteForm,
    ReasonForm,
    ReferralForm,
    StatusForm,
)
from satuatap.cases.models import (
    Case,
    CaseAssignment,
    CaseCategory,
    CaseStatus,
    ReferralState,
    SharedItem,
)
from satuatap.cases.views.common import get_case_or_404, require
from satuatap.core import sensitive
from satuatap.core.errors import add_domain_error
from satuatap.core.exceptions import DomainError
from satuatap.core.trail import access_row
from satuatap.people.search import search_people

SEARCH_LIMIT = 10
PAGE_SIZE = 50


def _today(user) -> datetime.date:
    return user.office.today() if user.office is not None else datetime.date.today()


def _with_list_details(cases: QuerySet[Case]) -> QuerySet[Case]:
    """What a list row shows, fetched once for the page (no query per row)."""
    return cases.prefetch_related(
        Prefetch("categories", queryset=CaseCategory.objects.order_by("category")),
        Prefetch(
            "assignments",
            queryset=CaseAssignment.objects.filter(ended_at__isnull=True).select_related("worker"),
            to_attr="current_assignments",
        ),
    )


def _render_list(request, cases, *, title: str, current: str, intro: str = "", form=None):
    page = Paginator(_with_list_details(cases), PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "title": title,
        "nav_current": current,
        "intro": intro,
        "form": form,
        "show_workers": request.user.has_perm("cases.view_team_cases"),
        "can_open": request.user.has_perm("cases.open_case"),
        "querystring": params.urlencode(),
        "today": _today(request.user),
    }
    if request.htmx and form is not None:
        return render(request, "cases/_case_rows.html", context)
    return render(request, "cases/case_list.html", context)


@login_required
def case_list(request):
    require(request.user, "cases.list_cases")
    form = CaseFilterForm(request.GET or None)
    cases = selectors.visible_cases(request.user)
    if form.is_valid():
        data = form.cleaned_data
        number = "".join(data["q"].split())
        if number:
            cases = selectors.with_number(request.user, cases, number)
        if data["category"]:
            cases = cases.filter(categories__category=data["category"]).distinct()
        if data["status"] == "active":
            cases = cases.exclude(status=CaseStatus.CLOSED)
        elif data["status"]:
            cases = cases.filter(status=data["status"])
    elif form.is_bound:
        cases = cases.none()  # a mistyped case number finds nothing (the form says why)
    return _render_list(request, cases, title=_("Cases"), current="all", form=form)


@login_required
def my_cases(request):
    require(request.user, "cases.list_cases")
    return _render_list(
        request,
        selectors.my_cases(request.user),
        title=_("My cases"),
        current="mine",
        intro=_("Open cases you are assigned to, most urgent first."),
    )


@login_required
def team_cases(request):
    require(request.user, "cases.view_team_cases")
    return _render_list(
        request,
        selectors.team_cases(request.user),
        title=_("Team cases"),
        current="team",
        intro=_("Every case of the office that is not closed, with its case workers."),
    )


@login_required
def overdue(request):
    require(request.user, "cases.list_cases")
    today = _today(request.user)
    context = {
        "today": today,
        "actions": selectors.overdue_actions(request.user, today),
        "referrals": selectors.overdue_referrals(request.user, today),
    }
    return render(request, "cases/overdue.html", context)


# --- Intake -----------------------------------------------------------------------------------

# The two person searches of the intake form: query parameter → the radio buttons' name.
PERSON_SEARCHES = {"client_q": "client", "complainant_q": "complainant"}


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request):
    require(request.user, "cases.open_case")
    queries = {name: (request.GET.get(name) or "").strip()[:100] for name in PERSON_SEARCHES}
    if request.htmx and request.method == "GET":
        name = next((n for n in PERSON_SEARCHES if n in request.GET), "client_q")
        hits = search_people(request.user, queries[name], limit=SEARCH_LIMIT)
        context = {"hits": hits, "query": queries[name], "field": PERSON_SEARCHES[name]}
        return render(request, "people/_person_choices.html", context)
    form = CaseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.open_case(by=request.user, **form.case_data())
        except DomainError as error:
            add_domain_error(form, error, {"person_not_found": "client"})
        else:
            messages.success(request, _("The case is opened."))
            return redirect("cases:case-detail", case.pk)
    hits = {
        PERSON_SEARCHES[name]: search_people(request.user, q, limit=SEARCH_LIMIT) if q else []
        for name, q in queries.items()
    }
    context = {
        "form": form,
        "client_query": queries["client_q"],
        "complainant_query": queries["complainant_q"],
        "client_hits": hits["client"],
        "complainant_hits": hits["complainant"],
        "chosen_client": form.chosen_client,
        "chosen_complainant": form.chosen_complainant,
    }
    return render(request, "cases/case_form.html", context)


# --- The case page ----------------------------------------------------------------------------


def timeline(case: Case, user) -> list[dict]:
    """Everything that happened to the case, oldest first: its events, notes and the contacts
    `user` may see (a restricted contact only by who may see it: selectors.visible_contacts)."""
    rows: list[dict[str, Any]] = [
        {
            "at": event.at,
            "kind": event.kind,
            "label": events.label(event),
            "detail": events.detail(event),
            "by": event.by,
        }
        for event in selectors.case_events(user, case)
        # Notes and contacts are shown from their own records below.
        if event.kind not in ("note", "contact", "restricted_contact")
    ]
    rows += [
        {
            "at": note.written_at,
            "kind": "note",
            "label": _("Note"),
            "text": note.text,
            "by": note.author,
        }
        for note in case.notes.select_related("author")
    ]
    rows += [
        {
            "at": contact.recorded_at,
            "kind": "contact",
            "label": _("Follow-up contact"),
            "detail": f"{contact.get_kind_display()} · {contact.get_channel_display()} · "
            f"{contact.get_topic_display()}",
            "date": contact.occurred_on,
            "text": contact.notes,
            "by": contact.recorded_by,
        }
        for contact in selectors.visible_contacts(user).filter(case=case)
    ]
    return sorted(rows, key=lambda row: row["at"])


def case_context(request, case: Case) -> dict:
    user = request.user
    today = _today(user)
    can_work = user.has_perm("cases.work_on_case", case)
    can_assign = user.has_perm("cases.assign_case", case)
    can_decide = user.has_perm("cases.approve_closure", case)
    can_hold = user.has_perm("cases.manage_legal_hold", case) and case.anonymised_at is None
    can_revoke = user.has_perm("cases.revoke_referral", case)
    actions = list(case.actions.select_related("owner"))
    for action in actions:
        action.is_overdue = action.done_at is None and action.due_on < today
    referrals = list(case.referrals.select_related("partner", "consent", "sent_by", "answered_by"))
    for referral in referrals:
        referral.case = case
        referral.revoke_form = (
            ReasonForm(prefix="revoke", auto_id=f"revoke-{referral.pk}-%s")
            if can_revoke and referral.stopped_at is None
            else None
        )
    # What a closure leaves behind: the plan's open actions, and partners who still have
    # access (those still working on a referral must be confirmed to end).
    open_actions = [action for action in actions if action.done_at is None]
    live_referrals = [referral for referral in referrals if referral.stopped_at is None]
    open_referrals = [r for r in live_referrals if r.state in services.OPEN_REFERRAL_STATES]
    consents = list(case.consents.select_related("recipient", "taken_by", "withdrawn_by"))
    item_labels = dict(SharedItem.choices)
    for consent in consents:
        consent.item_labels = [item_labels.get(item, item) for item in consent.items]
    office = case.office
    return {
        "case": case,
        "can_view_access_log": user.has_perm("cases.view_access_log", case),
        "today": today,
        "read_purpose": sensitive.granted_purpose(request, case) if case.is_restricted else "",
        "categories": [c.get_category_display() for c in case.categories.order_by("category")],
        "gbv_types": [g.get_gbv_type_display() for g in case.gbv_types.order_by("gbv_type")],
        "safety": [
            capfirst(cast(models.Field, Case._meta.get_field(flag)).verbose_name)
            for flag in case.safety_flags()
        ],
        "first_steps": services.first_steps(case),
        "assignments": case.assignments.filter(ended_at__isnull=True).select_related(
            "worker", "assigned_by"
        ),
        "actions": actions,
        "attachments": case.attachments.select_related("uploaded_by").order_by("uploaded_at"),
        "consents": consents,
        "referrals": referrals,
        "timeline": timeline(case, user),
        "can_work": can_work,
        "can_assign": can_assign,
        "can_decide": can_decide and case.status == CaseStatus.RESOLVED,
        "can_withdraw": user.has_perm("cases.withdraw_consent", case),
        "open_actions": open_actions,
        "live_referrals": live_referrals,
        "open_referrals": open_referrals,
        "restrict_form": (
            ReasonForm(prefix="restrict", auto_id="restrict-%s")
            if not case.is_restricted and user.has_perm("cases.restrict_case", case)
            else None
        ),
        "unrestrict_form": (
            ReasonForm(prefix="unrestrict", auto_id="unrestrict-%s")
            if case.is_restricted
            and user.has_perm("cases.lift_restriction", case)
            and not services.must_stay_restricted(case)
            else None
        ),
        "reopen_form": (
            ReasonForm(prefix="reopen", auto_id="reopen-%s")
            if case.is_closed and user.has_perm("cases.reopen_case", case)
            else None
        ),
        "referral_states": ReferralState,
        "assign_form": AssignForm(office=office, auto_id="assign-%s") if can_assign else None,
        "action_form": ActionForm(office=office, initial={"owner": user.pk}, auto_id="action-%s")
        if can_work
        else None,
        "note_form": NoteForm(auto_id="note-%s") if can_work else None,
        "attachment_form": AttachmentForm(auto_id="attachment-%s") if can_work else None,
        "consent_form": ConsentForm(office=office, auto_id="consent-%s") if can_work else None,
        "referral_form": ReferralForm(office=office, auto_id="referral-%s") if can_work else None,
        "status_form": (
            StatusForm(initial={"status": case.status}, auto_id="status-%s")
            if can_work and case.status != CaseStatus.RESOLVED
            else None
        ),
        "closure_form": (
            ClosureForm(auto_id="closure-%s")
            if can_work and case.status != CaseStatus.RESOLVED
            else None
        ),
        "decision_form": ClosureDecisionForm(auto_id="decision-%s") if can_decide else None,
        "legal_holds": case.legal_holds.select_related("set_by", "lifted_by"),
        "can_hold": can_hold,
        "hold_form": LegalHoldForm(auto_id="hold-%s") if can_hold else None,
    }


@login_required
@require_GET
def case_detail(request, case_id: int):
    case = get_case_or_404(request.user, case_id)
    if (gate := sensitive.gate(request, case)) is not None:
        return gate
    response = render(request, "cases/case_detail.html", case_context(request, case))
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def case_access_log(request, case_id: int):
    """Who read the case and its referrals, when and why: for the case supervisors. Reading it
    is a read of the case, through the sensitive-data gate like the case page."""
    case = get_case_or_404(request.user, case_id)
    require(request.user, "cases.view_access_log", case)
    if (gate := sensitive.gate(request, case)) is not None:
        return gate
    page = Paginator(selectors.case_access_log(request.user, case), 50).get_page(
        request.GET.get("page")
    )
    context = {
        "case": case,
        "page": page,
        "rows": [access_row(entry, subject_model=Case) for entry in page.object_list],
    }
    template = "core/_access_log_rows.html" if request.htmx else "cases/case_access_log.html"
    response = render(request, template, context)
    response["Cache-Control"] = "private, no-store"
    return response
