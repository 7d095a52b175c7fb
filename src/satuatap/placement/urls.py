"""Staff pages of placement services, mounted at /placement/."""

from satuatap.placement.views import agencies, job_orders

app_name = "placement"
urlpatterns = [*agencies.urlpatterns, *job_orders.urlpatterns]
