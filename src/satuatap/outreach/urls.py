"""Staff pages of village outreach, mounted at /outreach/."""

from satuatap.outreach.views import events, villages

app_name = "outreach"
urlpatterns = [
    *events.urlpatterns,
    *villages.urlpatterns,
]
