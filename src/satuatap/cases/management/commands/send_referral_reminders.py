"""`satuatap send_referral_reminders [--date YYYY-MM-DD]`: remind partners of referrals they
have not answered by their due date (huey also runs this every morning)."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from satuatap.cases.partner.services import send_referral_reminders


class Command(BaseCommand):
    help = (
        "Remind partners of referrals still waiting for an answer after their due date: one "
        "line on each case's timeline (at most one a day per referral) and one email per "
        "partner and office, holding no personal or case details. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="the day to remind for (YYYY-MM-DD); by default each office's today",
        )

    def handle(self, *args, date: str | None = None, **options):
        day = None
        if date:
            try:
                day = datetime.date.fromisoformat(date)
            except ValueError as error:
                raise CommandError(_("Give the date as YYYY-MM-DD.")) from error
        result = send_referral_reminders(today=day)
        self.stdout.write(
            _("Referrals reminded: %(reminded)s; emails sent: %(emails)s.")
            % {"reminded": result.reminded, "emails": result.emails}
        )
