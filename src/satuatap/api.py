"""The REST API under /api/v1/: one NinjaAPI, one router per app, one error format."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from satuatap.cases.api import cases_router, contacts_router
from satuatap.cases.partner.api import partner_router
from satuatap.core.api import auth_router, offices_router
from satuatap.core.api_auth import bearer_token, session_auth
from satuatap.core.encryption import (
    UndecryptableValue,
    placeholders_read,
    stop_watching_placeholders,
    watch_placeholders,
)
from satuatap.core.exceptions import DomainError
from satuatap.frontdesk.api import (
    desks_router,
    services_router,
    tickets_router,
    visits_router,
)
from satuatap.frontdesk.api_surveys import ikm_router
from satuatap.frontdesk.api_surveys import router as surveys_router
from satuatap.openapi_errors import document_common_errors
from satuatap.outreach.offline.api import router as outreach_offline_router
from satuatap.people.api import router as people_router
from satuatap.placement.api import agencies_router, job_orders_router
from satuatap.placement.files.api import router as placement_files_router
from satuatap.regions.api import router as regions_router
from satuatap.reports.api import indicators_router, reports_router


class SatuAtapApi(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        return document_common_errors(super().get_openapi_schema(**kwargs))

    def create_temporal_response(self, request):
        # Called as each operation starts: from here on, note the "cannot be decrypted"
        # placeholders read from the database (core/encryption.py).
        watch_placeholders()
        return super().create_temporal_response(request)

    def create_response(self, request, data, *, status=None, temporal_response=None):
        read = placeholders_read()
        stop_watching_placeholders()
        if read and _shows_any(data, read):
            # A value of the record cannot be decrypted: the API never passes the placeholder
            # off as the text. The administrator's log names the row (core/encryption.py).
            error = UndecryptableValue()
            return _error(request, error.status, error.code, error.message)
        return super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )


def _shows_any(data, texts: set[str]) -> bool:
    if isinstance(data, str):
        return any(text in data for text in texts)
    if isinstance(data, dict):
        return any(_shows_any(value, texts) for value in data.values())
    if isinstance(data, list | tuple):
        return any(_shows_any(value, texts) for value in data)
    return False


api = SatuAtapApi(
    title="SatuAtap API",
    version="1",
    description=(
        "API of SatuAtap, the information system of LTSA-PPMI offices and their Migrant "
        "Worker Resource Centres. Authenticate with `POST /api/v1/auth/token` and send "
        "`Authorization: Bearer <token>`. Errors are JSON `{code, message}`."
    ),
    auth=[bearer_token, session_auth],
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(request, status: int, code: str, message: str, details=None):
    body = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return api.create_response(request, body, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    return _error(request, exc.status, exc.code, exc.message, exc.details)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc):
    return _error(request, 401, "not_authenticated", _("Sign in or send a valid bearer token."))


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return _error(request, 403, "forbidden", _("You may not do this."))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, "not_found", _("No such record."))


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    return _error(request, 422, "invalid_input", _("Some fields are not valid."), exc.errors)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    codes = {
        400: "bad_request",
        401: "not_authenticated",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        429: "too_many_requests",
    }
    message = str(exc)
    # django-ninja's own errors come in English: a body that is not JSON, a missing CSRF token.
    if message.startswith("Cannot parse request body"):
        message = _("The request body is not valid JSON.")
    elif message.startswith("CSRF check Failed"):
        message = _("The CSRF token is missing or wrong: reload the page, or use a bearer token.")
    return _error(request, exc.status_code, codes.get(exc.status_code, "error"), message)


api.add_router("/auth", auth_router)
api.add_router("/offices", offices_router)
api.add_router("/regions", regions_router)
api.add_router("/people", people_router)
api.add_router("/services", services_router)
api.add_router("/visits", visits_router)
api.add_router("/desks", desks_router)
api.add_router("/tickets", tickets_router)
api.add_router("/surveys", surveys_router)
api.add_router("/offices", ikm_router)
api.add_router("/agencies", agencies_router)
api.add_router("/job-orders", job_orders_router)
api.add_router("/placement-files", placement_files_router)
api.add_router("/contacts", contacts_router)
api.add_router("/outreach", outreach_offline_router)
api.add_router("/cases", cases_router)
api.add_router("/partner/referrals", partner_router)
api.add_router("/indicators", indicators_router)
api.add_router("/reports", reports_router)
