"""The partner directory's pages, under /mrc/partners/ (namespace `cases`)."""

from django.urls import path

from satuatap.cases.directory import views

urlpatterns = [
    path("partners/", views.partner_directory, name="partner-directory"),
    path("partners/new/", views.partner_new, name="partner-new"),
    path("partners/<int:partner_id>/", views.partner_edit, name="partner-edit"),
    path("partners/<int:partner_id>/stop/", views.partner_stop, name="partner-stop"),
    path("partners/<int:partner_id>/contacts/new/", views.contact_new, name="partner-contact-new"),
    path(
        "partners/<int:partner_id>/contacts/<int:contact_id>/",
        views.contact_edit,
        name="partner-contact-edit",
    ),
    path(
        "partners/<int:partner_id>/contacts/<int:contact_id>/delete/",
        views.contact_delete,
        name="partner-contact-delete",
    ),
    path(
        "partners/<int:partner_id>/consent-templates/new/",
        views.consent_template_new,
        name="consent-template-new",
    ),
    path(
        "partners/<int:partner_id>/consent-templates/<int:template_id>/",
        views.consent_template_edit,
        name="consent-template-edit",
    ),
]
