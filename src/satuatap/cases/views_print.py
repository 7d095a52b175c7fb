"""Printable PDFs: the case summary and the referral letter.

- The case summary is for those who may view the case (rules `cases.view_case`).
- The referral letter is for the same office staff, and for the partner the referral was sent
  to (the partner sees the same letter: only what the client consented to share), while the
  referral is live: once it ended (consent withdrawn, revoked, case closed) the partner's
  letter is a 404.
- A restricted case is printed only with a read purpose (`?purpose=`), and the read is logged;
  without one the answer is a 400 page that asks for it. A partner's read of a restricted case
  is logged with the referral as its purpose.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from satuatap.cases import pdf, selectors
from satuatap.cases.models import Case, Referral
from satuatap.cases.views_partner import log_partner_read
from satuatap.core.audit import ReadPurpose, log_sensitive_read
from satuatap.core.forms import ReadPurposeForm


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # Never kept by a browser or a proxy cache: it holds a survivor's data.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _read_purpose(request) -> str | None:
    purpose = request.GET.get("purpose", "")
    return purpose if purpose in ReadPurpose.values else None


def _purpose_required(request) -> HttpResponse:
    """The 400 answer for a restricted case printed without a purpose: it says why and lets the
    reader give one."""
    form = ReadPurposeForm(request.GET if "purpose" in request.GET else None)
    if form.is_bound:
        form.is_valid()
    context = {"form": form, "action": request.path}
    return render(request, "cases/pdf_purpose.html", context, status=400)


def _office_referral(user, referral_id: int) -> Referral | None:
    """A referral of a case the office user may view."""
    return (
        Referral.objects.filter(pk=referral_id, case__in=selectors.visible_cases(user))
        .select_related("case", "case__office", "case__client", "consent", "partner", "sent_by")
        .first()
    )


@login_required
@require_GET
def case_summary_pdf(request, case_id: int):
    case = selectors.get_visible_case(request.user, case_id)
    if case is None or not request.user.has_perm("cases.view_case", case):
        raise Http404
    case = Case.objects.select_related("office", "client", "complainant", "agency").get(pk=case.pk)
    purpose = None
    if case.is_restricted:
        purpose = _read_purpose(request)
        if purpose is None:
            return _purpose_required(request)
    data = pdf.case_summary_pdf(case, reader=request.user)
    if purpose is not None:
        log_sensitive_read(user=request.user, instance=case, purpose=purpose)
    return _pdf_response(data, f"case-{case.pk}-summary.pdf")


@login_required
@require_GET
def referral_letter_pdf(request, referral_id: int):
    user = request.user
    if user.has_perm("cases.use_partner_portal"):
        referral = selectors.get_partner_referral(user, referral_id)
        if referral is None or not user.has_perm("cases.view_referral", referral):
            raise Http404
        data = pdf.referral_letter_pdf(referral)
        log_partner_read(user, referral)
        return _pdf_response(data, f"referral-{referral.pk}-letter.pdf")

    referral = _office_referral(user, referral_id)
    if referral is None or not user.has_perm("cases.view_case", referral.case):
        raise Http404
    purpose = None
    if referral.case.is_restricted:
        purpose = _read_purpose(request)
        if purpose is None:
            return _purpose_required(request)
    data = pdf.referral_letter_pdf(referral)
    if purpose is not None:
        log_sensitive_read(user=user, instance=referral.case, purpose=purpose)
    return _pdf_response(data, f"referral-{referral.pk}-letter.pdf")


urlpatterns = [
    path("cases/<int:case_id>/summary.pdf", case_summary_pdf, name="case-summary-pdf"),
    path("referrals/<int:referral_id>/letter.pdf", referral_letter_pdf, name="referral-letter-pdf"),
]
