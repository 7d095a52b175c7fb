"""The forms of a case's page, each posting here: assign, plan and complete actions, notes,
attachments, consent and its withdrawal, referrals and their revocation, status, restriction
and its lifting, closure request, the supervisor's decision and reopening. Each calls one
service; a refusal is shown as a message on the case page and changes nothing. The attachment
download is here too: only for those who may see the case."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from satuatap.cases import selectors, services
from satuatap.cases.forms import (
    ActionForm,
    AssignForm,
    AttachmentForm,
    ClosureDecisionForm,
    ClosureForm,
    ConsentForm,
    NoteForm,
    ReasonForm,
    ReferralForm,
    StatusForm,
    closure_data,
)
from satuatap.cases.models import Case
from satuatap.cases.views.common import get_case_or_404, require
from satuatap.core import sensitive
from satuatap.core.downloads import private_file_response
from satuatap.core.errors import add_domain_message, add_form_messages
from satuatap.core.exceptions import DomainError
from satuatap.core.uploads import ALLOWED_CONTENT_TYPES


def _case_url(case: Case, anchor: str = "") -> str:
    url = reverse("cases:case-detail", args=[case.pk])
    return f"{url}#{anchor}" if anchor else url


def _act(
    request,
    case_id: int,
    *,
    make_form: Callable[[Case], forms.Form],
    act: Callable[[Case, dict], object],
    success: str,
    anchor: str = "",
    permission: str = "cases.work_on_case",
    any_status: bool = False,
):
    """Check the caller may act on the case, parse the form, call the service, and go back to
    the case page. The check comes first, so a refused caller gets 403 whatever they post (a
    closed case is left to the service, which says it is closed, unless the action is one
    for `any_status`: its permission does not depend on the status)."""
    case = get_case_or_404(request.user, case_id)
    if any_status or not case.is_closed:
        require(request.user, permission, case)
    form = make_form(case)
    if not form.is_valid():
        add_form_messages(request, form)
    else:
        try:
            act(case, form.cleaned_data)
        except DomainError as error:
            add_domain_message(request, error)
        else:
            messages.success(request, success)
    return redirect(_case_url(case, anchor))


@login_required
@require_POST
def case_assign(request, case_id: int):
    return _act(
        request,
        case_id,
        make_form=lambda case: AssignForm(request.POST, office=case.office),
        act=lambda case, data: services.assign(
            case=case, worker=data["worker"], by=request.user, replace=data["replace"]
        ),
        success=_("The case worker is assigned."),
        anchor="assignments",
        permission="cases.assign_case",
    )


@login_required
@require_POST
def action_add(request, case_id: int):
    return _act(
        request,
        case_id,
        make_form=lambda case: ActionForm(request.POST, office=case.office),
        act=lambda case, data: services.add_action(case=case, by=request.user, **data),
        success=_("The action is added to the plan."),
        anchor="plan",
    )


@login_required
@require_POST
def action_done(request, case_id: int, action_id: int):
    case = get_case_or_404(request.user, case_id)
    action = case.actions.filter(pk=action_id).first()
    if action is None:
        raise Http404
    try:
        services.complete_action(action=action, by=request.user)
    except DomainError as error:
        add_domain_message(request, error)
    else:
        messages.success(request, _("The action is marked as done."))
    return redirect(_case_url(case, "plan"))


@login_required
@require_POST
def note_add(request, case_id: int):
    return _act(
        request,
        case_id,
        make_form=lambda case: NoteForm(request.POST),
        act=lambda case, data: services.add_note(case=case, by=request.user, text=data["text"]),
        success=_("The note is added."),
        anchor="notes",
    )


@login_required
@require_POST
def attachment_upload(request, case_id: int):
    return _act(
        request,
        case_id,
        make_form=lambda case: AttachmentForm(request.POST, request.FILES),
        act=lambda case, data: services.upload_attachment(
            case=case, by=request.user, title=data["title"], file=data["file"]
        ),
        success=_("The attachment is added."),
        anchor="attachments",
    )


@login_required
@require_GET
def attachment_file(request, case_id: int, attachment_id: int):
    attachment = selectors.get_visible_attachment(
        request.user, case_id=case_id, attachment_id=attachment_id
    )
    if attachment is None:
        raise Http404
    if (gate := sensitive.gate(request, attachment)) is not None:
        return gate
    return private_file_response(
        attachment.file,
        # A neutral name: nothing of the title (which may be sensitive) leaves in it.
        filename=f"{attachment.case.number}-attachment-{attachment.pk}{attachment.extension}",
        content_type=attachment.content_type,
        allowed_content_types=ALLOWED_CONTENT_TYPES,
    )


@login_required
@require_POST
def consent_add(request, case_id: int):
    return _act(
        request,
        case_id,
        make_form=lambda case: ConsentForm(request.POST, office=case.office),
        act=lambda case, data: services.record_consent(case=case, by=request.user, **data),
        success=_("The consent is recorded."),
        anchor="consents",
    )


@login_required
@require_POST
def consent_withdraw(request, case_id: int, consent_id: int):
    case = get_case_or_404(request.user, case_id)
    require(request.user, "cases.withdraw_consent", case)
    consent = case.consents.filter(pk=consent_id).first()
    if consent is None:
        raise Http404
    consent.case = case
    try:
        services.withdraw_consent(consent=consent, by=request.user)
    except DomainError as error:
        add_domain_message(request, error)
    else:
        messages.success(
            request, _("The consent is withdrawn: nothing more is shared with the partner.")
        )
    return redirect(_case_url(case, "consents"))


@login_required
@require_POST
def referral_send(request, case_id: int):
    return _act(
        request,
        case_id,
        make_form=lambda case: ReferralForm(request.POST, office=case.office),
        act=lambda case, data: services.send_referral(case=case, by=request.user, **data),
        success=_("The referral is sent."),
        anchor="referrals",
    )


@login_required
@require_POST
def status_change(request, case_id: int):
    return _act(
        request,
        case_id,
        make_form=lambda case: StatusForm(request.POST),
        act=lambda case, data: services.set_status(
            case=case, status=data["status"], by=request.user
        ),
        success=_("The status is changed."),
    )


@login_required
@require_POST
def closure_request(request, case_id: int):
    return _act(
        request,
        case_id,
        make_form=lambda case: ClosureForm(request.POST),
        act=lambda case, data: services.request_closure(
            case=case, by=request.user, **closure_data(data)
        ),
        success=_("Closure is requested: a case supervisor decides."),
        anchor="closure",
    )


@login_required
@require_POST
def closure_decide(request, case_id: int):
    def act(case, data):
        return services.decide_closure(
            case=case,
            by=request.user,
            approve=data["decision"] == ClosureDecisionForm.APPROVE,
            reason=data["reason"],
            open_actions=data["open_actions"] or None,
            end_referrals=data["end_referrals"],
        )

    return _act(
        request,
        case_id,
        make_form=lambda case: ClosureDecisionForm(request.POST),
        act=act,
        success=_("The decision is recorded."),
        anchor="closure",
        permission="cases.approve_closure",
    )


@login_required
@require_POST
def referral_revoke(request, case_id: int, referral_id: int):
    case = get_case_or_404(request.user, case_id)
    require(request.user, "cases.revoke_referral", case)
    referral = case.referrals.select_related("partner").filter(pk=referral_id).first()
    if referral is None:
        raise Http404
    referral.case = case
    form = ReasonForm(request.POST, prefix="revoke")
    if not form.is_valid():
        add_form_messages(request, form)
        return redirect(_case_url(case, "referrals"))
    try:
        services.revoke_referral(referral=referral, by=request.user, **form.cleaned_data)
    except DomainError as error:
        add_domain_message(request, error)
    else:
        messages.success(
            request,
            _("The referral is revoked: the partner sees that it ended, and nothing more."),
        )
    return redirect(_case_url(case, "referrals"))


@login_required
@require_POST
def case_restrict(request, case_id: int):
    return _act(
        request,
        case_id,
        make_form=lambda case: ReasonForm(request.POST, prefix="restrict"),
        act=lambda case, data: services.restrict_case(case=case, by=request.user, **data),
        success=_(
            "The case is restricted: only its case workers and the case supervisors see it now."
        ),
        anchor="restriction",
        permission="cases.restrict_case",
        any_status=True,
    )


@login_required
@require_POST
def case_unrestrict(request, case_id: int):
    return _act(
        request,
        case_id,
        make_form=lambda case: ReasonForm(request.POST, prefix="unrestrict"),
        act=lambda case, data: services.lift_restriction(case=case, by=request.user, **data),
        success=_("The restriction is lifted."),
        anchor="restriction",
        permission="cases.lift_restriction",
        any_status=True,
    )


@login_required
@require_POST
def case_reopen(request, case_id: int):
    return _act(
        request,
        case_id,
        make_form=lambda case: ReasonForm(request.POST, prefix="reopen"),
        act=lambda case, data: services.reopen_case(case=case, by=request.user, **data),
        success=_("The case is reopened."),
        anchor="closure",
        permission="cases.reopen_case",
        any_status=True,
    )
