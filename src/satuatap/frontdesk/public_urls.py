"""Pages that work without signing in: the calling screen, the exit kiosk and the arrival kiosk
(devices the office head paired, `views/pairing.py`), and the survey opened from a ticket's QR
code (its secret token). Mounted at the site root."""

from satuatap.frontdesk.views import arrival, display, pairing, survey

app_name = "public"
urlpatterns = [
    *display.public_urlpatterns,
    *pairing.public_urlpatterns,
    *survey.public_urlpatterns,
    *arrival.public_urlpatterns,
]
