"""Printable PDFs of the MRC: the case summary and the referral letter.

Each PDF is an HTML template (`cases/pdf_*.html`) turned into PDF by WeasyPrint. The HTML is
built by a function of its own (`case_summary_html`, `referral_letter_html`) so that what goes
on paper can be read and tested before conversion.

The conversion is `core.pdf.html_to_pdf`, which fetches nothing from the network or the disk,
so no survivor's data ever leaves the process.
"""

from __future__ import annotations

from typing import cast

from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone

from satuatap.cases.models import Case, Referral, SharedItem
from satuatap.cases.partner.selectors import shared_view
from satuatap.cases.services import first_steps
from satuatap.core.pdf import html_to_pdf

# --- Case summary -----------------------------------------------------------------------------


def case_summary_html(case: Case, *, reader) -> str:
    """Everything of the case that a reader allowed to view it (rules `cases.view_case`) may
    read, on paper. The caller checks that permission and logs the read of a restricted case."""
    today = case.office.today()
    context = {
        "case": case,
        "office": case.office,
        "client": case.client,
        "client_age": case.client.age_on(today),
        "complainant": case.complainant,
        "categories": [c.get_category_display() for c in case.categories.all()],
        "gbv_types": [g.get_gbv_type_display() for g in case.gbv_types.all()],
        "safety": [
            str(cast(models.Field, Case._meta.get_field(f)).verbose_name)
            for f in case.safety_flags()
        ],
        "first_steps": first_steps(case),
        "workers": [a.worker for a in case.assignments.filter(ended_at__isnull=True)],
        "actions": case.actions.select_related("owner"),
        "consents": case.consents.select_related("recipient"),
        "referrals": case.referrals.select_related("partner"),
        "printed_at": timezone.localtime(timezone=case.office.zone),
        "reader": reader,
    }
    return render_to_string("cases/pdf_case_summary.html", context)


def case_summary_pdf(case: Case, *, reader) -> bytes:
    return html_to_pdf(case_summary_html(case, reader=reader))


# --- Referral letter --------------------------------------------------------------------------


def referral_letter_html(referral: Referral) -> str:
    """The letter to the partner: the office's letterhead, the service asked for, the due date
    and only what the client consented to share with this partner (`shared_view`)."""
    office = referral.case.office
    shared = shared_view(referral)
    context = {
        "referral": referral,
        "office": office,
        "partner": referral.partner,
        "shared": shared,
        "item_labels": [SharedItem(item).label for item in shared["items"]],
        "printed_at": timezone.localtime(timezone=office.zone),
    }
    return render_to_string("cases/pdf_referral_letter.html", context)


def referral_letter_pdf(referral: Referral) -> bytes:
    return html_to_pdf(referral_letter_html(referral))
