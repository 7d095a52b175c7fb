"""Staff pages of placement services, mounted at /placement/."""

from satuatap.placement.training import urls as training_urls
from satuatap.placement.views import (
    agencies,
    agency_concerns,
    agency_import,
    checklist_rules,
    files,
    fraud,
    job_orders,
)

app_name = "placement"
urlpatterns = [
    *agencies.urlpatterns,
    *agency_import.urlpatterns,
    *agency_concerns.urlpatterns,
    *job_orders.urlpatterns,
    *checklist_rules.urlpatterns,
    *fraud.urlpatterns,
    *files.urlpatterns,
    *training_urls.urlpatterns,
]
