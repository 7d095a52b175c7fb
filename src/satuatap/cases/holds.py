"""Legal holds: a case supervisor keeps a case, and its client's and complainant's records,
past their retention period (`cases.data_rights.held_cases`). The reason is encrypted and shown
only on the case page, to those who may read the case; the registry and the retention report
only ever learn that *something* holds a record, never what.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.cases.models import Case, LegalHold
from satuatap.cases.services import _event
from satuatap.core.exceptions import DomainError

REASON_MAX = 2000


def set_legal_hold(*, case: Case, by, reason: str) -> LegalHold:
    if not by.has_perm("cases.manage_legal_hold", case):
        raise DomainError(
            "forbidden", _("Only the office's case supervisors set a legal hold."), status=403
        )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("Say why the case must be kept."))
    if len(reason) > REASON_MAX:
        raise DomainError(
            "reason_too_long",
            _("Keep the reason under %(n)s characters.") % {"n": REASON_MAX},
        )
    if case.anonymised_at is not None:
        raise DomainError(
            "anonymised", _("This case was anonymised: there is nothing left to hold."), status=409
        )
    with transaction.atomic():
        hold = LegalHold.objects.create(case=case, reason=reason, set_by=by)
        _event(case, "legal_hold_set", by)
    return hold


def lift_legal_hold(*, hold: LegalHold, by) -> LegalHold:
    if not by.has_perm("cases.manage_legal_hold", hold.case):
        raise DomainError(
            "forbidden", _("Only the office's case supervisors lift a legal hold."), status=403
        )
    with transaction.atomic():
        hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if hold.lifted_at is not None:
            raise DomainError("already_lifted", _("This hold was already lifted."))
        hold.lifted_at = timezone.now()
        hold.lifted_by = by
        hold.save(update_fields=["lifted_at", "lifted_by"])
        _event(hold.case, "legal_hold_lifted", by)
    return hold
