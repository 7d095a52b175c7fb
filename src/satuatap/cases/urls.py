"""The MRC's pages, under /mrc/."""

from django.urls import path

from satuatap.cases.directory.urls import urlpatterns as directory_patterns
from satuatap.cases.partner.urls import urlpatterns as partner_patterns
from satuatap.cases.printing.urls import urlpatterns as printing_patterns
from satuatap.cases.views import case_work, cases, contacts, messages, retention

app_name = "cases"
urlpatterns = [
    path("contacts/", contacts.contact_list, name="contact-list"),
    path("contacts/new/", contacts.contact_create, name="contact-create"),
    path("contacts/<int:contact_id>/request/", contacts.portal_request, name="portal-request"),
    path("contacts/offline-form/", contacts.contact_offline_form, name="contact-offline-form"),
    path("cases/", cases.case_list, name="case-list"),
    path("cases/mine/", cases.my_cases, name="my-cases"),
    path("cases/team/", cases.team_cases, name="team-cases"),
    path("cases/overdue/", cases.overdue, name="overdue"),
    path("cases/new/", cases.case_create, name="case-create"),
    path("cases/<int:case_id>/", cases.case_detail, name="case-detail"),
    path("cases/<int:case_id>/access-log/", cases.case_access_log, name="case-access-log"),
    path("cases/<int:case_id>/assign/", case_work.case_assign, name="case-assign"),
    path("cases/<int:case_id>/messages/", messages.case_messages, name="case-messages-of-case"),
    path(
        "cases/<int:case_id>/safe-contacts/new/",
        messages.safe_contact_add,
        name="safe-contact-add",
    ),
    path("messages/", messages.office_case_messages, name="case-messages"),
    path("cases/<int:case_id>/actions/new/", case_work.action_add, name="action-add"),
    path(
        "cases/<int:case_id>/actions/<int:action_id>/done/",
        case_work.action_done,
        name="action-done",
    ),
    path("cases/<int:case_id>/notes/new/", case_work.note_add, name="note-add"),
    path(
        "cases/<int:case_id>/attachments/new/",
        case_work.attachment_upload,
        name="attachment-upload",
    ),
    path(
        "cases/<int:case_id>/attachments/<int:attachment_id>/file/",
        case_work.attachment_file,
        name="attachment-file",
    ),
    path("cases/<int:case_id>/consents/new/", case_work.consent_add, name="consent-add"),
    path(
        "cases/<int:case_id>/consents/<int:consent_id>/withdraw/",
        case_work.consent_withdraw,
        name="consent-withdraw",
    ),
    path("cases/<int:case_id>/referrals/new/", case_work.referral_send, name="referral-send"),
    path(
        "cases/<int:case_id>/referrals/<int:referral_id>/revoke/",
        case_work.referral_revoke,
        name="referral-revoke",
    ),
    path("cases/<int:case_id>/restrict/", case_work.case_restrict, name="case-restrict"),
    path("cases/<int:case_id>/unrestrict/", case_work.case_unrestrict, name="case-unrestrict"),
    path("cases/<int:case_id>/reopen/", case_work.case_reopen, name="case-reopen"),
    path("cases/<int:case_id>/status/", case_work.status_change, name="case-status"),
    path("cases/<int:case_id>/closure/", case_work.closure_request, name="closure-request"),
    path("cases/<int:case_id>/closure/decide/", case_work.closure_decide, name="closure-decide"),
    path("cases/<int:case_id>/holds/new/", retention.legal_hold_set, name="legal-hold-set"),
    path(
        "cases/<int:case_id>/holds/<int:hold_id>/lift/",
        retention.legal_hold_lift,
        name="legal-hold-lift",
    ),
    path("erasure-requests/", retention.erasure_requests, name="erasure-requests"),
    path(
        "erasure-requests/<int:request_id>/decide/",
        retention.erasure_decide,
        name="erasure-decide",
    ),
]

# The partner portal (partner/) and the printable PDFs (printing/).
urlpatterns += [*partner_patterns, *printing_patterns]
# The office's partner directory (directory/).
urlpatterns += directory_patterns
