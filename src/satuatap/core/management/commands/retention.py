"""`satuatap retention [--dry-run]`: the retention schedule, now (the nightly task runs the same).

With --dry-run nothing changes: it lists, per record class and office, how many records are due
and how many a hold keeps. Without it, it anonymises or deletes what is due and stores the report
the administrator reads on the retention page. Counts only: the output names no record or
person."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from satuatap.core import retention
from satuatap.core.models import RetentionTrigger
from satuatap.core.retention import services as retention_services


class Command(BaseCommand):
    help = "Apply the retention schedule now (--dry-run: only list what would go)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List per record class and office what would go; change nothing.",
        )
        parser.add_argument(
            "--today",
            help="Count the periods back from this day (YYYY-MM-DD) instead of today.",
        )

    def handle(self, *args, dry_run=False, today=None, **options):
        problems = retention.configuration_errors()
        if problems:
            raise CommandError(
                _("SATUATAP_RETENTION cannot be read: %(problems)s")
                % {"problems": "; ".join(problems)}
            )
        if today:
            try:
                today = datetime.date.fromisoformat(today)
            except ValueError as error:
                raise CommandError(
                    _("Not a date (YYYY-MM-DD): %(value)s") % {"value": today}
                ) from error
        if dry_run:
            results = [r.as_json() for r in retention.survey(today=today)]
            self.stdout.write(_("Dry run: nothing is changed."))
        else:
            run = retention_services.run(today=today, trigger=RetentionTrigger.COMMAND)
            results = run.results
        for shown in retention.results_for_display(results):
            self._write_class(shown, dry_run=dry_run)
        if not dry_run:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Retention run #%(run)s done: %(done)s records anonymised or deleted.")
                    % {"run": run.pk, "done": run.total("done")}
                )
            )

    def _write_class(self, shown: dict, *, dry_run: bool) -> None:
        if shown["cutoff"]:
            heading = _("%(label)s (kept %(period)s: before %(cutoff)s)") % {
                "label": shown["label"],
                "period": shown["period"],
                "cutoff": shown["cutoff"],
            }
        else:
            heading = _("%(label)s (kept without limit)") % {"label": shown["label"]}
        self.stdout.write(heading)
        if shown["failed"]:
            self.stdout.write(
                self.style.ERROR(_("  stopped on an error: the server log names the class."))
            )
        if not shown["rows"]:
            self.stdout.write(_("  nothing due"))
        for row in shown["rows"]:
            if dry_run:
                line = _("  %(office)s: %(due)s due, %(held)s kept by a hold") % {
                    "office": row["office_name"],
                    "due": row["due"],
                    "held": row["held"],
                }
            else:
                line = _(
                    "  %(office)s: %(due)s due, %(held)s kept by a hold, %(done)s anonymised or "
                    "deleted"
                ) % {
                    "office": row["office_name"],
                    "due": row["due"],
                    "held": row["held"],
                    "done": row["done"],
                }
            self.stdout.write(line)
