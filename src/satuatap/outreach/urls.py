"""Staff pages of village outreach, mounted at /outreach/."""

from satuatap.outreach.offline import urls as offline_urls
from satuatap.outreach.views import events, villages

app_name = "outreach"
urlpatterns = [
    *events.urlpatterns,
    *villages.urlpatterns,
    *offline_urls.urlpatterns,
]
