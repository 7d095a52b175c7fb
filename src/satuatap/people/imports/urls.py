"""The pages of the register import, mounted inside `people/urls.py` (namespace `people`)."""

from django.urls import path

from satuatap.people.imports import views

urlpatterns = [
    path("imports/", views.import_list, name="import-list"),
    path("imports/<int:job_id>/", views.import_detail, name="import-detail"),
    path("imports/<int:job_id>/errors.csv", views.import_errors, name="import-errors"),
]
