"""The agency import page, in the `placement` namespace (included by placement/urls.py)."""

from django.urls import path

from satuatap.placement.agency_import import views

urlpatterns = [path("agencies/import/", views.agency_import_page, name="agency-import")]
