"""The placement-file pages, in the `placement` namespace (included by placement/urls.py)."""

from django.urls import path

from satuatap.placement.files.views import actions, checklist_rules, files, fraud, reports

urlpatterns = [
    path("checklist-rules/", checklist_rules.checklist_rules, name="checklist-rules"),
    path("fraud-signals/", fraud.fraud_signal_list, name="fraud-signals"),
    path("files/", files.file_list, name="file-list"),
    path("files/new/", files.file_create, name="file-create"),
    path("files/<int:file_id>/", files.file_detail, name="file-detail"),
    path("files/<int:file_id>/edit/", files.file_edit, name="file-edit"),
    path("files/<int:file_id>/stage/", actions.file_stage, name="file-stage"),
    path("files/<int:file_id>/cancel/", actions.file_cancel, name="file-cancel"),
    path("files/<int:file_id>/override/", actions.file_override, name="file-override"),
    path("files/<int:file_id>/departure/", actions.file_departure, name="file-departure"),
    path("files/<int:file_id>/return/", actions.file_return, name="file-return"),
    path("returnees/", reports.returnee_list, name="returnee-list"),
    path("overrides/", reports.override_list, name="override-list"),
]
