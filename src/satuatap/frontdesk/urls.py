"""Staff pages of the front desk, mounted at /frontdesk/."""

from satuatap.frontdesk.views import (
    bookings,
    checkin,
    checkin_register,
    console,
    devices,
    survey,
    today,
)

app_name = "frontdesk"
urlpatterns = [
    *bookings.urlpatterns,
    *checkin.urlpatterns,
    *checkin_register.urlpatterns,
    *console.urlpatterns,
    *devices.urlpatterns,
    *survey.urlpatterns,
    *today.urlpatterns,
]
