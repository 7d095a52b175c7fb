from django.urls import path

from satuatap.core import views, views_retention, views_sensitive, views_two_factor

app_name = "core"
urlpatterns = [
    path("office/desks/", views.office_desks, name="office-desks"),
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
