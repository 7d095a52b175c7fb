"""What every MRC page shares: finding a case the user may see (else 404), the read-purpose
gate of a restricted case, and turning a domain error into form errors."""

from __future__ import annotations

import time

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from satuatap.cases import selectors
from satuatap.cases.forms import CaseReadPurposeForm
from satuatap.cases.models import Case
from satuatap.core.audit import ReadPurpose, log_sensitive_read
from satuatap.core.exceptions import DomainError

# A purpose chosen for a restricted case is remembered this long for that case, so the
# redirect after a form on the page does not ask again; every read is still logged with it.
READ_GRANT_SECONDS = 10 * 60


def require(user, permission: str, obj=None) -> None:
    allowed = user.has_perm(permission, obj) if obj is not None else user.has_perm(permission)
    if not allowed:
        raise PermissionDenied


def get_case_or_404(user, case_id: int) -> Case:
    """The case if the user may see it. Another office's case, or a restricted case the user
    is not on, is a 404 whether or not it exists."""
    case = selectors.get_visible_case(user, case_id)
    if case is None or not user.has_perm("cases.view_case", case):
        raise Http404
    return case


def _grant_key(case: Case) -> str:
    return f"case_read_purpose:{case.pk}"


def granted_purpose(request, case: Case) -> str | None:
    """The purpose the user gave for this case in the last few minutes, if any."""
    granted = request.session.get(_grant_key(case))
    if granted and time.time() - granted.get("at", 0) < READ_GRANT_SECONDS:
        purpose = granted.get("purpose")
        return purpose if purpose in ReadPurpose.values else None
    return None


def grant_purpose(request, case: Case, purpose: str) -> None:
    request.session[_grant_key(case)] = {"purpose": purpose, "at": time.time()}


def restricted_read_gate(request, case: Case):
    """None when the page may be shown; otherwise the response to return (the purpose page,
    or a redirect after the purpose was chosen). A restricted case's read is logged here, each
    time the page is shown, with the purpose given."""
    if not case.is_restricted:
        return None
    if request.method == "POST" and "purpose" in request.POST:
        form = CaseReadPurposeForm(request.POST)
        if form.is_valid():
            grant_purpose(request, case, form.cleaned_data["purpose"])
            return redirect(request.path)
        return render(request, "cases/read_purpose.html", {"form": form, "case": case})
    if "purpose" in request.GET:
        form = CaseReadPurposeForm(request.GET)
        if form.is_valid():
            grant_purpose(request, case, form.cleaned_data["purpose"])
    purpose = granted_purpose(request, case)
    if purpose is None:
        form = CaseReadPurposeForm()
        return render(request, "cases/read_purpose.html", {"form": form, "case": case})
    log_sensitive_read(user=request.user, instance=case, purpose=purpose)
    return None


def raise_for_access(error: DomainError) -> None:
    """A refusal for lack of access is a 404 or a 403 page, never a message."""
    if error.status == 404:
        raise Http404 from error
    if error.status == 403:
        raise PermissionDenied(error.message) from error


def add_domain_error(form, error: DomainError, fields: dict[str, str] | None = None) -> None:
    """Show a service's refusal on the form: per field when it says which, else at the top."""
    raise_for_access(error)
    details = error.details if isinstance(error.details, dict) else {}
    shown = False
    for name, messages in details.items():
        target = name if name in form.fields else None
        for message in messages if isinstance(messages, list | tuple) else [messages]:
            form.add_error(target, message)
            shown = True
    if not shown:
        target = (fields or {}).get(error.code)
        form.add_error(target if target in form.fields else None, error.message)
