"""Error reports without personal data: Django's debug page (`DEBUG` on) and the mails to
`ADMINS` show no local variable, no GET or POST value, no query string, referrer or cookie, and
the exception's text redacted (`core/redaction.py`); the traceback's code lines stay.

Wired in settings as DEFAULT_EXCEPTION_REPORTER_FILTER and DEFAULT_EXCEPTION_REPORTER.
"""

from __future__ import annotations

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from satuatap.core.redaction import redact

HIDDEN_META = (
    "QUERY_STRING",
    "HTTP_REFERER",
    "HTTP_HX_CURRENT_URL",
    "HTTP_COOKIE",
    "HTTP_AUTHORIZATION",
    "RAW_URI",
    "REQUEST_URI",
)


class PersonalDataReporterFilter(SafeExceptionReporterFilter):
    """Active in DEBUG too: no request value and no local variable in an error report."""

    def is_active(self, request) -> bool:
        return True

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return {name: self.cleansed_substitute for name in request.POST}

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]

    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        for key in HIDDEN_META:
            if key in meta:
                meta[key] = self.cleansed_substitute
        return meta

    def get_safe_cookies(self, request):
        if request is None:
            return {}
        return {name: self.cleansed_substitute for name in request.COOKIES}


class PersonalDataExceptionReporter(ExceptionReporter):
    """Django's reporter without the query string, GET values, uploads' names and the text of
    the exception's personal data (see `redact`)."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        substitute = self.filter.cleansed_substitute
        if self.request is not None:
            data["request_GET_items"] = [(name, substitute) for name in self.request.GET]
            data["request_FILES_items"] = [(name, substitute) for name in self.request.FILES]
            data["request_insecure_uri"] = redact(data["request_insecure_uri"])
        if "exception_value" in data:
            data["exception_value"] = redact(data["exception_value"])
        data["unicode_hint"] = ""
        for frame in data["frames"]:
            if frame.get("exc_cause") is not None:
                frame["exc_cause"] = redact(str(frame["exc_cause"]))
        return data
