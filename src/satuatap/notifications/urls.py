"""Pages of the outbox and the providers' webhooks, mounted at /notifications/."""

from django.urls import path

from satuatap.notifications import views

app_name = "notifications"
urlpatterns = [
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:message_id>/resend/", views.resend, name="resend"),
    path("office/", views.office_settings, name="office-settings"),
    path("digest/", views.digest, name="digest"),
    path("people/<int:person_id>/opt-out/", views.person_opt_out, name="person-opt-out"),
    path("people/<int:person_id>/language/", views.person_language, name="person-language"),
    path("webhooks/whatsapp/", views.whatsapp_webhook, name="whatsapp-webhook"),
    path("webhooks/sms/", views.sms_webhook, name="sms-webhook"),
]
