"""Rebuild the report roll-ups from the raw records (all offices, or one, for all days or a
period), a month at a time. Gives the same rows as the incremental updates. Then builds the
monthly releases (what leaves the office) of the months whose roll-ups changed."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from satuatap.core.models import Organisation, OrganisationKind
from satuatap.reports.services import releases, rollups


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(_("Not a date (YYYY-MM-DD): %(value)s") % {"value": value}) from error


class Command(BaseCommand):
    help = "Recompute the report roll-ups from scratch (every office, or --office, in batches)."

    def add_arguments(self, parser):
        parser.add_argument("--office", help="The office's short name (slug) or id.")
        parser.add_argument("--from", dest="date_from", help="First day (YYYY-MM-DD).")
        parser.add_argument("--to", dest="date_to", help="Last day (YYYY-MM-DD).")

    def handle(self, *args, office=None, date_from=None, date_to=None, **options):
        offices = Organisation.objects.filter(kind=OrganisationKind.OFFICE).order_by("pk")
        if office:
            lookup = {"pk": int(office)} if office.isdigit() else {"slug": office}
            offices = offices.filter(**lookup)
            if not offices.exists():
                raise CommandError(_("No office %(office)s.") % {"office": office})
        date_from = _date(date_from) if date_from else None
        date_to = _date(date_to) if date_to else None
        if date_from and date_to and date_to < date_from:
            raise CommandError(_("--to is before --from."))
        if bool(date_from) != bool(date_to):
            raise CommandError(_("Give both --from and --to, or neither."))
        verbosity = options.get("verbosity", 1)
        seen: set[int] = set()

        def progress(office_, month):
            if verbosity >= 1 and office_.pk not in seen:
                seen.add(office_.pk)
                self.stdout.write(
                    _("%(office)s: from %(month)s")
                    % {"office": office_.slug, "month": f"{month:%Y-%m}"}
                )

        written = rollups.rebuild(
            offices=offices, date_from=date_from, date_to=date_to, progress=progress
        )
        self.stdout.write(
            self.style.SUCCESS(_("Roll-ups rebuilt: %(rows)s rows.") % {"rows": written})
        )
        published = releases.publish_closed_months()
        self.stdout.write(
            self.style.SUCCESS(_("Monthly releases built: %(count)s.") % {"count": published})
        )
