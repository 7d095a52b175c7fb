"""Demo roll-ups: the other apps' demo records are loaded first (this is the last step), some
of them in bulk without signals, so the report roll-ups are rebuilt from them once here."""

from __future__ import annotations

from django.utils.translation import gettext as _

from satuatap.reports.services.releases import publish_closed_months
from satuatap.reports.services.rollups import discard_pending, rebuild


def seed(stdout) -> None:
    discard_pending()  # the rebuild below covers every office-day
    rows = rebuild()
    stdout.write(_("Report roll-ups: %(rows)s rows.") % {"rows": rows})
    stdout.write(_("Monthly releases: %(count)s.") % {"count": publish_closed_months()})
