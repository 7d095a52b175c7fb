"""The administrators are told by e-mail when a breach is reported: the written notices are due
3 x 24 hours after the discovery, and nobody may wait for the next time someone opens the
register. The mail says which office reported and when the notices are due, and nothing of the
breach itself (its title and text may name people or data): the register holds that."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from satuatap.core import metrics
from satuatap.core.models import User
from satuatap.core.roles import Role
from satuatap.privacy.deadlines import breach_notice_due
from satuatap.privacy.models import Breach


def _administrators_emails() -> list[str]:
    return sorted(
        set(
            User.objects.filter(is_active=True, role_assignments__role=Role.ADMINISTRATOR)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def _breach_url(breach: Breach) -> str:
    base = getattr(settings, "SATUATAP_SITE_URL", "")
    path = reverse("privacy:breach-detail", args=[breach.pk])
    return base.rstrip("/") + path if base else ""


def alert_breach_reported(breach_id: int) -> int:
    """Mail every administrator who has an address; the number of addresses written to."""
    breach = Breach.objects.select_related("office").filter(pk=breach_id).first()
    recipients = _administrators_emails()
    if breach is None or not recipients:
        return 0
    due = timezone.localtime(breach_notice_due(breach.discovered_at))
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("SatuAtap: a personal-data breach was reported (%(reference)s)") % {
            "reference": breach.reference
        }
        body = _(
            "%(office)s reported a suspected personal-data breach. The written notices to the "
            "people concerned and to the authority are due by %(due)s (3 x 24 hours after it "
            "was discovered). For their safety this message holds no details: read them in the "
            "breach register."
        ) % {
            "office": breach.office.name if breach.office else _("The ministry"),
            "due": due.strftime("%Y-%m-%d %H:%M %Z"),
        }
        url = _breach_url(breach)
        if url:
            body += "\n" + url
    with metrics.notification("breach_alert"):
        send_mail(subject, body, None, recipients, fail_silently=False)
    return len(recipients)
