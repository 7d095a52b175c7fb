from django.urls import path, re_path

from satuatap.people.views import documents, persons, records
from satuatap.people.views import imports as import_views

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
    path("<int:person_id>/documents/new/", documents.document_upload, name="document-upload"),
    path(
        "<int:person_id>/documents/<int:document_id>/file/",
        documents.document_file,
        name="document-file",
    ),
    path(
        "<int:person_id>/documents/<int:document_id>/verify/",
        documents.document_verify,
        name="document-verify",
    ),
    path(
        "<int:person_id>/documents/<int:document_id>/reject/",
        documents.document_reject,
        name="document-reject",
    ),
    path("imports/", import_views.import_list, name="import-list"),
    path("imports/<int:job_id>/", import_views.import_detail, name="import-detail"),
    path("imports/<int:job_id>/errors.csv", import_views.import_errors, name="import-errors"),
]
