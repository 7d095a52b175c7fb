"""What every MRC page shares: finding a case the user may see (else 404) and turning a domain
error into form errors. Reading a restricted case asks `core.sensitive` (the purpose gate)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from satuatap.cases import selectors
from satuatap.cases.models import Case
from satuatap.core.exceptions import DomainError


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
