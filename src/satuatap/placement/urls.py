"""Staff pages of placement services, mounted at /placement/."""

from satuatap.placement.views import agencies, checklist_rules, job_orders

app_name = "placement"
urlpatterns = [*agencies.urlpatterns, *job_orders.urlpatterns, *checklist_rules.urlpatterns]
