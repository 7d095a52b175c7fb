from django.urls import path, re_path

from satuatap.people.documents.urls import urlpatterns as documents_patterns
from satuatap.people.imports.urls import urlpatterns as imports_patterns
from satuatap.people.views import persons, records

app_name = "people"
urlpatterns = [
    path("", persons.person_list, name="list"),
    path("new/", persons.person_create, name="create"),
    path("<int:person_id>/", persons.person_detail, name="detail"),
    path("<int:person_id>/edit/", persons.person_edit, name="edit"),
    re_path(
        r"^(?P<person_id>[0-9]+)/export\.(?P<fmt>json|html)$", persons.person_export, name="export"
    ),
    path("<int:person_id>/erase/", persons.person_erase, name="erase"),
    path("<int:person_id>/access-log/", persons.person_access_log, name="access-log"),
    path("<int:person_id>/timeline/new/", records.status_add, name="status-add"),
    path("<int:person_id>/family/new/", records.family_add, name="family-add"),
    path(
        "<int:person_id>/family/<int:link_id>/remove/", records.family_remove, name="family-remove"
    ),
    path("<int:person_id>/consents/new/", records.consent_add, name="consent-add"),
    path(
        "<int:person_id>/consents/<int:consent_id>/withdraw/",
        records.consent_withdraw,
        name="consent-withdraw",
    ),
    path("<int:person_id>/merge/", records.merge, name="merge"),
    path("merges/", records.merge_list, name="merge-list"),
    *documents_patterns,
    *imports_patterns,
]
