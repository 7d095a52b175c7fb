from django.urls import path

from satuatap.core import views

app_name = "core"
urlpatterns = [
    path("office/desks/", views.office_desks, name="office-desks"),
    path("audit/", views.audit_trail, name="audit-trail"),
    path("account/api-tokens/", views.api_tokens, name="api-tokens"),
    path("about/", views.about, name="about"),
]
