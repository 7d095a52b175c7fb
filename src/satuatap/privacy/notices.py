"""The written notices of a breach (UU 27/2022 Pasal 46), always in Indonesian: a letter to the
people whose data it is and a letter to the authority (lembaga), each with at least what Pasal
46(2) asks for: (a) the personal data disclosed, (b) when and how it was disclosed, (c) the
handling and recovery.

A letter is an HTML body (`privacy/_notice_body.html`) rendered under the Indonesian language
whatever the reader's, and made into PDF by `core.pdf` (which fetches nothing). The letter to
the people names nobody: it is one letter for all of them, which the office sends through its
own records (the register keeps no list of who was affected). When a notice is recorded as
sent, its body is kept with it (`BreachNotice.letter`), so the letter as sent can be printed
again after the record changes.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import dateformat, timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from satuatap.core.models import OfficeTimeZone, Organisation, OrganisationKind
from satuatap.core.pdf import html_to_pdf
from satuatap.privacy.models import Breach, BreachNotice, NoticeRecipient
from satuatap.privacy.templatetags.privacy_tags import ZONE_LABELS

LETTER_LANGUAGE = "id"
LETTER_RECIPIENTS = (NoticeRecipient.SUBJECTS, NoticeRecipient.AUTHORITY)


def controller() -> Organisation | None:
    """The personal-data controller that signs the notices: the ministry."""
    return (
        Organisation.objects.filter(kind=OrganisationKind.MINISTRY, is_active=True)
        .order_by("pk")
        .first()
    )


def authority_name() -> str:
    return getattr(settings, "SATUATAP_PDP_AUTHORITY", "") or "Lembaga Pelindungan Data Pribadi"


def zone_of(breach: Breach) -> str:
    return breach.office.time_zone if breach.office else OfficeTimeZone.WIB


def when(moment: datetime.datetime | None, zone: str) -> str:
    """ "17 Agustus 2026 pukul 10.30 WIB" in the active language (the letter's: Indonesian)."""
    if moment is None:
        return ""
    local = timezone.localtime(moment, timezone=zoneinfo.ZoneInfo(zone))
    return _("%(date)s at %(time)s %(zone)s") % {
        "date": dateformat.format(local, "j F Y"),
        "time": local.strftime("%H.%M"),
        "zone": ZONE_LABELS.get(zone, zone),
    }


def missing_content(breach: Breach) -> list[str]:
    """What the notices would lack of Pasal 46(2)'s minimum, in the reader's language."""
    missing = []
    if not breach.data_categories:
        missing.append(_("the personal data disclosed"))
    if not breach.how.strip():
        missing.append(_("how it was disclosed"))
    if not breach.remediation.strip():
        missing.append(_("the handling and recovery"))
    return missing


def _context(breach: Breach, recipient: str, *, reference: str, dated) -> dict:
    zone = zone_of(breach)
    signer = controller()
    contact = breach.contact.strip()
    if not contact and signer is not None:
        contact = " · ".join(v for v in (signer.phone, signer.email) if v)
    subjects_notice = (
        breach.notices.filter(recipient=NoticeRecipient.SUBJECTS).order_by("sent_at").first()
        if breach.pk
        else None
    )
    return {
        "breach": breach,
        "recipient": recipient,
        "to_authority": recipient == NoticeRecipient.AUTHORITY,
        "reference": reference,
        "dated": dateformat.format(
            timezone.localtime(dated or timezone.now(), timezone=zoneinfo.ZoneInfo(zone)),
            "j F Y",
        ),
        "controller": signer,
        "authority": authority_name(),
        "categories": breach.category_labels,
        "occurred": when(breach.occurred_at, zone),
        "discovered": when(breach.discovered_at, zone),
        "contact": contact,
        "subjects_notified": when(subjects_notice.sent_at, zone) if subjects_notice else "",
    }


def notice_html(
    breach: Breach,
    recipient: str,
    *,
    reference: str = "",
    dated: datetime.datetime | None = None,
) -> str:
    """The body of the letter to `recipient` (subjects or authority), in Indonesian."""
    if recipient not in LETTER_RECIPIENTS:
        raise ValueError(f"no letter for {recipient!r}")
    with translation.override(LETTER_LANGUAGE):
        return render_to_string(
            "privacy/_notice_body.html",
            _context(breach, recipient, reference=reference, dated=dated),
        )


def _document(body: str, title: str) -> str:
    with translation.override(LETTER_LANGUAGE):
        # The body is our own template's output (autoescaped), kept as it was rendered.
        return render_to_string(
            "privacy/pdf_notice.html",
            {"body": mark_safe(body), "title": title},  # noqa: S308
        )


def notice_pdf(breach: Breach, recipient: str) -> bytes:
    """The letter as it would be sent now (a draft until a notice is recorded)."""
    with translation.override(LETTER_LANGUAGE):
        title = str(NoticeRecipient(recipient).label)
    return html_to_pdf(_document(notice_html(breach, recipient), title))


def recorded_notice_pdf(notice: BreachNotice) -> bytes:
    """The letter kept with a recorded notice, as it was when the notice was sent."""
    with translation.override(LETTER_LANGUAGE):
        title = str(NoticeRecipient(notice.recipient).label)
    return html_to_pdf(_document(notice.letter, title))
