"""Pages that work without signing in, through a secret link: calling screen, exit kiosk, and
the survey opened from a ticket's QR code. Mounted at the site root."""

from satuatap.frontdesk.views import display, survey

app_name = "public"
urlpatterns = [*display.public_urlpatterns, *survey.public_urlpatterns]
