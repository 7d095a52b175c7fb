from django.urls import path

from satuatap.core import views, views_retention, views_sensitive, views_staff, views_two_factor

app_name = "core"
urlpatterns = [
    path("office/desks/", views.office_desks, name="office-desks"),
    path("office/staff/", views_staff.staff_list, name="staff-list"),
    path("office/staff/new/", views_staff.staff_add, name="staff-add"),
    path("office/staff/<int:user_id>/", views_staff.staff_detail, name="staff-detail"),
    path("office/staff/<int:user_id>/active/", views_staff.staff_active, name="staff-active"),
    path(
        "office/staff/<int:user_id>/password-link/",
        views_staff.staff_password_link,
        name="staff-password-link",
    ),
    path(
        "office/staff/<int:user_id>/two-factor-reset/",
        views_staff.staff_two_factor_reset,
        name="staff-two-factor-reset",
    ),
    path("role-grants/", views_staff.role_grants, name="role-grants"),
    path("role-grants/<int:grant_id>/", views_staff.role_grant_decide, name="role-grant-decide"),
    path("offices/", views_staff.office_list, name="office-list"),
    path("offices/new/", views_staff.office_create, name="office-create"),
    path("offices/<int:office_id>/head/", views_staff.office_head, name="office-head"),
    path(
        "offices/<int:office_id>/head/<int:user_id>/password-link/",
        views_staff.office_head_password_link,
        name="office-head-password-link",
    ),
    path(
        "account/set-password/<uidb64>/<token>/",
        views_staff.SetPasswordView.as_view(),
        name="set-password",
    ),
    path("audit/", views.audit_trail, name="audit-trail"),
    path("office/trail/", views.office_trail, name="office-trail"),
    path("retention/", views_retention.retention_overview, name="retention"),
    path("retention/<int:run_id>/", views_retention.retention_run_detail, name="retention-run"),
    path("account/api-tokens/", views.api_tokens, name="api-tokens"),
    path("about/", views.about, name="about"),
    path("read-purpose/", views_sensitive.read_purpose, name="read-purpose"),
    path("account/two-factor/", views_two_factor.overview, name="two-factor"),
    path("account/two-factor/setup/", views_two_factor.setup, name="two-factor-setup"),
    path("account/two-factor/verify/", views_two_factor.verify, name="two-factor-verify"),
    path(
        "account/two-factor/recovery-codes/",
        views_two_factor.new_recovery_codes,
        name="two-factor-recovery-codes",
    ),
]
