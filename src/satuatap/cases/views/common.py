"""What every MRC page shares: finding a case the user may see (else 404). Reading a restricted
case asks `core.sensitive` (the purpose gate); a service's refusal is shown through
`core.errors`."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from satuatap.cases import selectors
from satuatap.cases.models import Case


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
