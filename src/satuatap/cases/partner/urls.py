"""The partner portal's pages, mounted inside `cases/urls.py` (namespace `cases`, under
/mrc/)."""

from django.urls import path

from satuatap.cases.partner import views

urlpatterns = [
    path("partner/inbound/", views.partner_inbound_list, name="partner-inbound-list"),
    path("partner/inbound/new/", views.partner_inbound_create, name="partner-inbound-create"),
    path("partner/referrals/", views.partner_referral_list, name="partner-referral-list"),
    path(
        "partner/referrals/<int:referral_id>/",
        views.partner_referral_detail,
        name="partner-referral-detail",
    ),
    path(
        "partner/referrals/<int:referral_id>/accept/",
        views.partner_referral_accept,
        name="partner-referral-accept",
    ),
    path(
        "partner/referrals/<int:referral_id>/decline/",
        views.partner_referral_decline,
        name="partner-referral-decline",
    ),
    path(
        "partner/referrals/<int:referral_id>/update/",
        views.partner_referral_update,
        name="partner-referral-update",
    ),
]
