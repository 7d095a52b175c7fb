"""Who may export what: office staff with `reports.view_office_reports` their own office;
`reports.view_national_reports` (national analyst, administrator) any office or every office
together. Asked when an export is queued (`services.start_export`), when it runs
(`worker.run_export`) and when its file is downloaded.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from satuatap.core.exceptions import DomainError
from satuatap.reports.exports.common import ExportParameters
from satuatap.reports.selectors import visible_report_offices


def may_export(user) -> bool:
    return user.is_authenticated and (
        user.has_perm("reports.view_office_reports")
        or user.has_perm("reports.view_national_reports")
    )


def may_export_national(user) -> bool:
    return user.is_authenticated and user.has_perm("reports.view_national_reports")


def export_office(user, params: ExportParameters):
    """The office the export covers (None for national), if the user may export it; else a
    DomainError (403 for national, 404 for an office they may not see: its existence is not
    confirmed)."""
    if not may_export(user):
        raise DomainError("forbidden", _("You may not export reports."), status=403)
    if params.office_id is None:
        if not may_export_national(user):
            raise DomainError(
                "forbidden", _("Only national analysts may export every office."), status=403
            )
        return None
    office = visible_report_offices(user).filter(pk=params.office_id).first()
    if office is None:
        raise DomainError("not_found", _("There is no such office."), status=404)
    return office
