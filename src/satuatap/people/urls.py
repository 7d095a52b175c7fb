from django.urls import path

from satuatap.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("<int:person_id>/", views.person_detail, name="detail"),
]
