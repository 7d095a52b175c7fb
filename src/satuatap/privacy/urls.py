"""Pages of the personal-data protection registers, mounted at /privacy/."""

from satuatap.privacy.views import breaches, requests

app_name = "privacy"
urlpatterns = [
    *requests.urlpatterns,
    *breaches.urlpatterns,
]
