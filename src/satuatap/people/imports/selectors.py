"""Reads of the register imports: the jobs of the user's office, and what went wrong in one
(its count of rejected rows, the per-row report as CSV)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from satuatap.core.models import User
from satuatap.people.models import ImportJob


def visible_import_jobs(user: User) -> QuerySet[ImportJob]:
    """The imports of the user's office (none for a user without registry access)."""
    if not user.has_perm("people.list_person"):
        return ImportJob.objects.none()
    return ImportJob.objects.filter(office_id=user.office_id_or_none).select_related("uploaded_by")


def get_visible_import_job(user: User, job_id: int) -> ImportJob | None:
    return visible_import_jobs(user).filter(pk=job_id).first()


def error_count(job: ImportJob) -> int:
    """Rows that were not imported because of errors."""
    return sum(1 for entry in job.error_rows if entry.get("errors"))


# --- The error report ------------------------------------------------------------------------

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe_cell(value: Any) -> str:
    """A spreadsheet cannot run it as a formula (CSV injection)."""
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def error_report_csv(job: ImportJob) -> str:
    """The per-row report as CSV text (with a BOM so Excel reads it as UTF-8)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_("Row"), _("Level"), _("Message")])
    for entry in job.error_rows:
        for level, key in ((_("error"), "errors"), (_("warning"), "warnings")):
            for message in entry.get(key, []):
                writer.writerow([entry["row"], _safe_cell(level), _safe_cell(message)])
    return out.getvalue()
