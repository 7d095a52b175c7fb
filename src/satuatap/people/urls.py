from django.urls import path

from satuatap.people.views import persons

app_name = "people"
urlpatterns = [
    path("", persons.person_list, name="list"),
    path("new/", persons.person_create, name="create"),
    path("<int:person_id>/", persons.person_detail, name="detail"),
]
