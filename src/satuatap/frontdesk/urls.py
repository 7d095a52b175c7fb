"""Staff pages of the front desk, mounted at /frontdesk/."""

from satuatap.frontdesk.views import checkin, console, devices, survey, today

app_name = "frontdesk"
urlpatterns = [
    *checkin.urlpatterns,
    *console.urlpatterns,
    *devices.urlpatterns,
    *survey.urlpatterns,
    *today.urlpatterns,
]
