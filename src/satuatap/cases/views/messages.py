"""The messages about cases: a case's own page (its safe contacts, the form to mark one, and
the messages queued about it), and the case supervisors' list of the office's messages about
cases. Every case shown passes the sensitive-data gate (`core.sensitive.gate`): a restricted
case's messages appear only once a purpose was given for the case, and a case the reader may
not see is left out (404 on its own page)."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from satuatap.cases import selectors, services
from satuatap.cases.forms import SafeContactForm
from satuatap.cases.views.common import get_case_or_404, require
from satuatap.core import sensitive
from satuatap.core.errors import add_domain_message, add_form_messages
from satuatap.core.exceptions import DomainError
from satuatap.notifications import selectors as outbox
from satuatap.notifications import services as notifications


def _masked(channel: str, address: str) -> str:
    if channel == "email":
        name, _at, domain = address.partition("@")
        return f"{name[:1]}•••@{domain}"
    return f"•••{address[-4:]}"


@login_required
@require_GET
def case_messages(request, case_id: int):
    case = get_case_or_404(request.user, case_id)
    if (gate := sensitive.gate(request, case)) is not None:
        return gate
    can_mark = request.user.has_perm("cases.mark_safe_contact", case)
    context = {
        "case": case,
        "safe_contacts": [
            (mark, _masked(mark.channel, str(mark.address)))
            for mark in notifications.safe_contacts_of(case.pk)
        ],
        "messages_about_case": list(outbox.case_messages([case.pk])[:200]),
        "form": SafeContactForm() if can_mark else None,
    }
    response = render(request, "cases/case_messages.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def safe_contact_add(request, case_id: int):
    case = get_case_or_404(request.user, case_id)
    require(request.user, "cases.mark_safe_contact", case)
    form = SafeContactForm(request.POST)
    if not form.is_valid():
        add_form_messages(request, form)
    else:
        try:
            services.mark_safe_contact(case=case, by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_message(request, error)
        else:
            messages.success(request, _("The number is marked safe for this case."))
    return redirect("cases:case-messages-of-case", case_id=case.pk)


@login_required
@require_GET
def office_case_messages(request):
    """The case supervisor's list: the office's messages about cases, failed ones first, by
    case. A case the reader may not see is left out; a restricted case without a purpose given
    shows only a link to its own page, which asks for the purpose."""
    require(request.user, "cases.view_case_messages")
    by_case = defaultdict(list)
    queued = outbox.case_messages(
        selectors.visible_cases(request.user).values_list("pk", flat=True)
    ).filter(office_id=request.user.office_id_or_none)
    for message in queued.order_by("status", "-created_at")[:500]:
        by_case[message.case_id].append(message)
    cases = selectors.visible_cases(request.user).filter(pk__in=by_case).order_by("-pk")
    shown, behind_purpose = [], []
    for case in cases:
        if not sensitive.may_read(request.user, case):
            continue
        if sensitive.needs_purpose(case) and sensitive.granted_purpose(request, case) is None:
            behind_purpose.append(case)
            continue
        if sensitive.gate(request, case) is not None:  # pragma: no cover - a purpose was given
            continue
        shown.append((case, by_case[case.pk]))
    response = render(
        request,
        "cases/office_case_messages.html",
        {"shown": shown, "behind_purpose": behind_purpose},
    )
    response["Cache-Control"] = "private, no-store"
    return response
