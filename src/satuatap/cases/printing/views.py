"""Printable PDFs: the case summary and the referral letter.

- The case summary is for those who may view the case (rules `cases.view_case`).
- The referral letter is for the same office staff, and for the partner the referral was sent
  to (the partner sees the same letter: only what the client consented to share), while the
  referral is live: once it ended (consent withdrawn, revoked, case closed) the partner's
  letter is a 404.
- A restricted case, and every referral letter a partner opens, is printed only once the reader
  gave a purpose (`core.sensitive`: the purpose page, then the PDF), and the read is logged.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from satuatap.cases import selectors
from satuatap.cases.models import Case
from satuatap.cases.partner import selectors as partner_selectors
from satuatap.cases.printing import pdf
from satuatap.core import sensitive


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # Never kept by a browser or a proxy cache: it holds a survivor's data.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def case_summary_pdf(request, case_id: int):
    case = selectors.get_visible_case(request.user, case_id)
    if case is None or not request.user.has_perm("cases.view_case", case):
        raise Http404
    case = Case.objects.select_related("office", "client", "complainant", "agency").get(pk=case.pk)
    if (gate := sensitive.gate(request, case)) is not None:
        return gate
    data = pdf.case_summary_pdf(case, reader=request.user)
    return _pdf_response(data, f"case-{case.pk}-summary.pdf")


@login_required
@require_GET
def referral_letter_pdf(request, referral_id: int):
    user = request.user
    if user.has_perm("cases.use_partner_portal"):
        referral = partner_selectors.get_partner_referral(user, referral_id)
        if referral is None or not user.has_perm("cases.view_referral", referral):
            raise Http404
        if (gate := sensitive.gate(request, referral)) is not None:
            return gate
        data = pdf.referral_letter_pdf(referral)
        return _pdf_response(data, f"referral-{referral.pk}-letter.pdf")

    referral = selectors.get_visible_referral(user, referral_id)
    if referral is None or not user.has_perm("cases.view_case", referral.case):
        raise Http404
    if (gate := sensitive.gate(request, referral.case)) is not None:
        return gate
    data = pdf.referral_letter_pdf(referral)
    return _pdf_response(data, f"referral-{referral.pk}-letter.pdf")
