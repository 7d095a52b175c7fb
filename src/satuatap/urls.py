from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from satuatap.api import api
from satuatap.core import views as core_views
from satuatap.core import views_operations

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", views_operations.healthz, name="healthz"),
    path("readyz", views_operations.readyz, name="readyz"),
    path("metrics", views_operations.metrics_view, name="metrics"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", core_views.set_language, name="set-language"),
    path("", include("satuatap.core.urls")),
    path("people/", include("satuatap.people.urls")),
    path("frontdesk/", include("satuatap.frontdesk.urls")),
    path("", include("satuatap.frontdesk.public_urls")),
    path("placement/", include("satuatap.placement.urls")),
    path("jobs/", include("satuatap.placement.public_urls")),
    path("mrc/", include("satuatap.cases.urls")),
    path("outreach/", include("satuatap.outreach.urls")),
    path("privacy/", include("satuatap.privacy.urls")),
    path("notifications/", include("satuatap.notifications.urls")),
    path("reports/", include("satuatap.reports.urls")),
    path("portal/", include("satuatap.portal.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
