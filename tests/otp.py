"""Second factor for tests: a confirmed authenticator device and the code it shows now.

The codes are computed here with the TOTP algorithm from the device's key, as a phone would,
not by asking the application.
"""

from __future__ import annotations

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def authenticator_of(user) -> TOTPDevice:
    """The user's confirmed TOTP device, created (random key) when they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)


def code_for(device: TOTPDevice) -> str:
    """The code the phone would show that the server still accepts: a code counts once, so
    after a sign-in in this 30-second step take the next step's (within tolerance) or wait."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    ahead = device.last_t + 1 - totp.t()
    if ahead > device.tolerance:
        time.sleep(device.step - (time.time() - device.t0) % device.step + 0.1)
        return code_for(device)
    totp.drift += max(0, ahead)
    return f"{totp.token():0{device.digits}d}"
