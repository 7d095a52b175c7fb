"""Report pages, mounted at /reports/."""

from satuatap.reports import views_exports
from satuatap.reports.views import dashboards, village

app_name = "reports"
urlpatterns = [
    *dashboards.urlpatterns,
    *village.urlpatterns,
    *views_exports.urlpatterns,
]
