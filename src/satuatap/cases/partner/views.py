"""The partner portal's pages: a partner case worker sees the referrals sent to their
organisation, only what the client consented to share, and answers them (accept, decline,
update, complete), and refers a client it met first to an office's MRC (`services.refer_to_office`).

Every referral is looked up through `selectors.get_partner_referral`, so another partner's
referral or any other id is a 404. A referral that ended (consent withdrawn, revoked by the
office, case closed) stays in the list, marked as ended, and its page says so: no name, phone,
address, story or feedback, and no form; an answer posted to it is refused (409).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from satuatap.cases.models import Referral, ReferralState, SharedItem
from satuatap.cases.partner import selectors, services
from satuatap.cases.partner.forms import (
    ENDED,
    DeclineForm,
    ReferToOfficeForm,
    StateFilterForm,
    UpdateForm,
)
from satuatap.core import sensitive
from satuatap.core.errors import add_domain_error, add_domain_message
from satuatap.core.exceptions import DomainError

# --- Helpers ----------------------------------------------------------------------------------


def _require_portal(user) -> None:
    if not user.has_perm("cases.use_partner_portal"):
        raise PermissionDenied


def _referral_or_404(request, referral_id: int) -> Referral:
    _require_portal(request.user)
    referral = selectors.get_partner_referral(request.user, referral_id)
    if referral is None:
        raise Http404
    return referral


def _detail(request, referral: Referral, *, decline_form=None, update_form=None, status=200):
    if referral.has_ended:
        return _ended(request, referral, status=status)
    if (gate := sensitive.gate(request, referral)) is not None:
        return gate
    shared = selectors.shared_view(referral)
    office = referral.case.office
    context = {
        "referral": referral,
        "office": office,
        "shared": shared,
        "item_labels": [SharedItem(item).label for item in shared["items"]],
        "is_overdue": referral.state == ReferralState.SENT and referral.due_on < office.today(),
        "can_answer": referral.state == ReferralState.SENT,
        "can_update": referral.state == ReferralState.ACCEPTED,
        "decline_form": decline_form or DeclineForm(),
        "update_form": update_form or UpdateForm(),
    }
    return render(request, "cases/partner_referral_detail.html", context, status=status)


def _ended(request, referral: Referral, *, status=200):
    """The page of an ended referral: that it ended, when and (as the partner is told) why."""
    context = {
        "referral": referral,
        "office": referral.case.office,
        "ended_at": referral.stopped_at or referral.case.closed_at,
        "case_closed": selectors.partner_end_reason(referral) == selectors.PARTNER_END_CASE_CLOSED,
    }
    response = render(request, "cases/partner_referral_ended.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


def _service_error(request, error: DomainError, referral: Referral):
    """None after a refusal shown as a message (the caller redirects); the ended page (409)
    when the referral ended meanwhile."""
    add_domain_message(request, error)
    if error.code == "referral_ended":
        return _ended(request, referral, status=409)
    return None


# --- Views ------------------------------------------------------------------------------------


def _list_row(referral: Referral) -> dict:
    """A line of the list: never the client's name (read with a purpose, on the referral's
    page), nothing but that it ended once it has."""
    if referral.has_ended:
        return {"referral": referral, "has_ended": True, "is_overdue": False}
    return {
        "referral": referral,
        "has_ended": False,
        "is_overdue": referral.state == ReferralState.SENT
        and referral.due_on < referral.case.office.today(),
    }


@login_required
@require_GET
def partner_referral_list(request):
    _require_portal(request.user)
    form = StateFilterForm(request.GET or None)
    referrals = selectors.partner_referrals(request.user).select_related("case__office")
    state = form.cleaned_data["state"] if form.is_valid() else ""
    if state == ENDED:
        referrals = referrals.filter(selectors.ended_referrals_q())
    elif state:
        referrals = referrals.filter(state=state).exclude(selectors.ended_referrals_q())
    page = Paginator(referrals, 50).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "state": state,
        "page": page,
        "organisation": request.user.organisation,
        "rows": [_list_row(referral) for referral in page],
    }
    return render(request, "cases/partner_referral_list.html", context)


@login_required
@require_GET
def partner_referral_detail(request, referral_id: int):
    return _detail(request, _referral_or_404(request, referral_id))


@login_required
@require_POST
def partner_referral_accept(request, referral_id: int):
    referral = _referral_or_404(request, referral_id)
    try:
        services.answer_referral(referral=referral, by=request.user, accept=True)
    except DomainError as error:
        if (ended := _service_error(request, error, referral)) is not None:
            return ended
    else:
        messages.success(request, _("You accepted the referral."))
    return redirect("cases:partner-referral-detail", referral_id=referral.pk)


@login_required
@require_POST
def partner_referral_decline(request, referral_id: int):
    referral = _referral_or_404(request, referral_id)
    form = DeclineForm(request.POST)
    if not form.is_valid() and not referral.has_ended:
        return _detail(request, referral, decline_form=form, status=422)
    try:
        services.answer_referral(
            referral=referral,
            by=request.user,
            accept=False,
            reason=form.cleaned_data.get("reason", ""),
        )
    except DomainError as error:
        if (ended := _service_error(request, error, referral)) is not None:
            return ended
    else:
        messages.success(request, _("You declined the referral."))
    return redirect("cases:partner-referral-detail", referral_id=referral.pk)


@login_required
@require_POST
def partner_referral_update(request, referral_id: int):
    """Add an update; with the "complete" button, the update is the closing feedback."""
    referral = _referral_or_404(request, referral_id)
    form = UpdateForm(request.POST)
    if not form.is_valid() and not referral.has_ended:
        return _detail(request, referral, update_form=form, status=422)
    complete = "complete" in request.POST
    try:
        services.add_feedback(
            referral=referral,
            by=request.user,
            feedback=form.cleaned_data.get("feedback", ""),
            complete=complete,
        )
    except DomainError as error:
        if (ended := _service_error(request, error, referral)) is not None:
            return ended
    else:
        messages.success(
            request,
            _("The referral is completed. Thank you.") if complete else _("Your update is saved."),
        )
    return redirect("cases:partner-referral-detail", referral_id=referral.pk)


# --- Referring a client to an office (services.refer_to_office) ----------------------------


def _require_referrer(user) -> None:
    if not user.has_perm("cases.refer_to_office"):
        raise PermissionDenied


@login_required
@require_GET
def partner_inbound_list(request):
    """What the partner referred to offices: when, to which office, the topic; nothing of what
    the office did with it."""
    _require_referrer(request.user)
    sent = selectors.sent_by(request.user.organisation)
    page = Paginator(sent, 50).get_page(request.GET.get("page"))
    context = {"page": page, "organisation": request.user.organisation}
    return render(request, "cases/partner_inbound_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def partner_inbound_create(request):
    _require_referrer(request.user)
    offices = selectors.offices_of(request.user.organisation)
    form = ReferToOfficeForm(request.POST or None, offices=offices)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.refer_to_office(
                    by=request.user,
                    office=data["office"],
                    client_name=data["client_name"],
                    sex=data["sex"],
                    age_band=data["age_band"],
                    topic=data["topic"],
                    what_happened=data["what_happened"],
                    reach=data["reach"],
                    country=data["country"],
                    consent_given_on=data["consent_given_on"],
                    consent_method=data["consent_method"],
                )
            except DomainError as error:
                add_domain_error(form, error, {})
                status = error.status
            else:
                messages.success(
                    request,
                    _("Sent. The office's counsellors will reach her the way you gave."),
                )
                return redirect("cases:partner-inbound-list")
    context = {"form": form, "organisation": request.user.organisation, "offices": offices}
    return render(request, "cases/partner_inbound_form.html", context, status=status)
