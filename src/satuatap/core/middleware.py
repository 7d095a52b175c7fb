from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

from satuatap.core import attribution
from satuatap.core.client_ip import client_ip, client_port


class AuditMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware (address, port, correlation id) with SatuAtap's attribution,
    and the client's address and port as `core.client_ip` reads them.

    auditlog would fix the actor from `request.user` when the request comes in, before the API's
    bearer authentication has run, and so record every API change without an author. Here the
    actor is left to `core.attribution`, which reads the request's user when each entry is written.
    """

    # auditlog believes the first X-Forwarded-For entry and X-Forwarded-Port, which any client
    # can write.
    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request):
        return client_port(request)

    def get_extra_data(self, request):
        return {
            "remote_addr": self._get_remote_addr(request),
            "remote_port": self._get_remote_port(request),
        }

    def __call__(self, request):
        with attribution.attributed_to_request(request):
            return super().__call__(request)


class UserLanguageMiddleware:
    """Activate the language: the signed-in user's choice, else the cookie, else Indonesian.

    In the UI the browser's Accept-Language is deliberately ignored: Indonesian is the default
    for everyone until they choose otherwise. API clients may send Accept-Language. Sits after
    AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if request.path.startswith("/api/") and "HTTP_ACCEPT_LANGUAGE" in request.META:
            # API clients say which language they want their error messages in.
            language = translation.get_language_from_request(request)
        elif user.is_authenticated and user.language:
            language = user.language
        else:
            cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
            language = cookie if cookie in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
