"""The public job board (no sign-in), mounted at /jobs/."""

from satuatap.placement.views import board

app_name = "public_jobs"
urlpatterns = [*board.urlpatterns]
