"""Today's queue times per desk, for the office."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path

from satuatap.frontdesk.times import desk_times


@login_required
def today(request):
    office = request.user.office
    if office is None or not request.user.has_perm("frontdesk.view_office_stats", office):
        raise PermissionDenied
    context = {"office": office, "rows": desk_times(office), "day": office.today()}
    template = "frontdesk/_today_rows.html" if request.htmx else "frontdesk/today.html"
    return render(request, template, context)


urlpatterns = [path("today/", today, name="today")]
