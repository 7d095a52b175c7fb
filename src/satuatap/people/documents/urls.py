"""The pages of a person's documents, mounted inside `people/urls.py` (namespace `people`)."""

from django.urls import path

from satuatap.people.documents import views

urlpatterns = [
    path("documents/to-verify/", views.documents_to_verify, name="documents-to-verify"),
    path("<int:person_id>/documents/new/", views.document_upload, name="document-upload"),
    path(
        "<int:person_id>/documents/<int:document_id>/file/",
        views.document_file,
        name="document-file",
    ),
    path(
        "<int:person_id>/documents/<int:document_id>/verify/",
        views.document_verify,
        name="document-verify",
    ),
    path(
        "<int:person_id>/documents/<int:document_id>/reject/",
        views.document_reject,
        name="document-reject",
    ),
]
