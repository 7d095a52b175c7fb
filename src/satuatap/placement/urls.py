"""Staff pages of placement services, mounted at /placement/."""

from satuatap.placement.agency_import import urls as agency_import_urls
from satuatap.placement.files import urls as files_urls
from satuatap.placement.national import views as national_views
from satuatap.placement.training import urls as training_urls
from satuatap.placement.views import agencies, agency_concerns, job_orders

app_name = "placement"
urlpatterns = [
    *agencies.urlpatterns,
    *agency_import_urls.urlpatterns,
    *agency_concerns.urlpatterns,
    *job_orders.urlpatterns,
    *files_urls.urlpatterns,
    *training_urls.urlpatterns,
    *national_views.urlpatterns,
]
