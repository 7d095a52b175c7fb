"""The printable PDFs, mounted inside `cases/urls.py` (namespace `cases`, under /mrc/)."""

from django.urls import path

from satuatap.cases.printing import views

urlpatterns = [
    path("cases/<int:case_id>/summary.pdf", views.case_summary_pdf, name="case-summary-pdf"),
    path(
        "referrals/<int:referral_id>/letter.pdf",
        views.referral_letter_pdf,
        name="referral-letter-pdf",
    ),
]
