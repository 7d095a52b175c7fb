"""Load the demo dataset: organisations, users and each app's demo records. Idempotent."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from satuatap.demo.core import DEMO_TOTP_SECRET
from satuatap.demo.seed import seed_all
from satuatap.regions.models import Region


class Command(BaseCommand):
    help = "Load the demo offices, partners, one user per role per office, and demo records."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print logins.")

    def handle(self, *args, quiet_logins=False, **options):
        if not Region.objects.filter(code="32.09").exists():
            call_command("load_regions", stdout=self.stdout)
        usernames = seed_all(self.stdout)
        self.stdout.write(self.style.SUCCESS(_("Demo data is loaded.")))
        if not quiet_logins:
            self.stdout.write("")
            self.stdout.write(
                _("Demo logins (password: %(password)s):")
                % {"password": settings.SATUATAP_DEMO_PASSWORD}
            )
            for username in usernames:
                self.stdout.write(f"  {username}")
            self.stdout.write(
                _(
                    "Counsellors, supervisors, the partner case worker, national.placement and "
                    "admin also need a two-factor code: `satuatap demo_otp_code <username>` "
                    "prints it (or add the secret %(secret)s to an authenticator app)."
                )
                % {"secret": DEMO_TOTP_SECRET}
            )
