"""Print the current two-factor code of a demo account (`satuatap demo_otp_code <username>`)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django_otp.oath import TOTP

from satuatap.core.models import User
from satuatap.core.two_factor.selectors import confirmed_totp_device
from satuatap.demo.core import is_demo_device


class Command(BaseCommand):
    help = (
        "Print the current TOTP code of a demo account (its device holds the published demo "
        "secret); with DEBUG on, of any account."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = User.objects.filter(username=username).first()
        device = confirmed_totp_device(user) if user is not None else None
        if device is None:
            raise CommandError(_("%(username)s has no two-factor device.") % {"username": username})
        if not (is_demo_device(device) or settings.DEBUG):
            raise CommandError(
                _("%(username)s is not a demo account: its code is only on its owner's phone.")
                % {"username": username}
            )
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        # A code is accepted once: after a sign-in in this time step, give the next step's code
        # (accepted too, within the device's tolerance).
        ahead = max(0, device.last_t + 1 - totp.t())
        if ahead > device.tolerance:
            raise CommandError(_("That code was just used; try again in 30 seconds."))
        totp.drift += ahead
        self.stdout.write(f"{totp.token():0{device.digits}d}")
