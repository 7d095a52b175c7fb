"""The training and OPP pages, in the `placement` namespace (included by placement/urls.py)."""

from django.urls import path

from satuatap.placement.training import views

urlpatterns = [
    path("courses/", views.course_list, name="course-list"),
    path("courses/new/", views.course_create, name="course-create"),
    path("courses/counts/", views.training_counts, name="training-counts"),
    path("courses/<int:course_id>/", views.course_detail, name="course-detail"),
    path("courses/<int:course_id>/edit/", views.course_edit, name="course-edit"),
    path("courses/<int:course_id>/enrol/", views.course_enrol, name="course-enrol"),
    path("courses/<int:course_id>/attendance/", views.course_attendance, name="course-attendance"),
    path(
        "courses/<int:course_id>/enrolments/<int:enrolment_id>/",
        views.enrolment_detail,
        name="enrolment-detail",
    ),
]
