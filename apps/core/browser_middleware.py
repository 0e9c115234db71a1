"""Django's browser middleware (sessions, language, CSRF, login, messages), passed by on the /v1 API.

The API authenticates each request by its bearer key and keeps no session, takes no form posts, shows no flash
messages and answers in English; running this middleware there costs every API request time for nothing (about
0.4 ms of a create-application request). The admin, the connection flow and the docs keep all of it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from apps.core.api.middleware import is_api_request


class BrowserSessionMiddleware(SessionMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if not is_api_request(request):
            super().process_request(request)


class BrowserLocaleMiddleware(LocaleMiddleware):
    """The API's messages are English whatever the request's Accept-Language: the contract's error messages are
    English, and a thread that served a German admin page before must not answer the next API call in German.
    (So an API response no longer varies by Accept-Language, and says so by leaving it out of Vary.)"""

    def process_request(self, request: HttpRequest) -> None:
        if not is_api_request(request):
            super().process_request(request)
            return
        translation.activate(settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = settings.LANGUAGE_CODE

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if not is_api_request(request):
            return super().process_response(request, response)
        response.headers.setdefault("Content-Language", settings.LANGUAGE_CODE)
        return response


class BrowserCsrfViewMiddleware(CsrfViewMiddleware):
    """/v1 views are csrf-exempt already (DRF's APIView); this skips reading the CSRF cookie as well."""

    def process_request(self, request: HttpRequest) -> None:
        if not is_api_request(request):
            super().process_request(request)


class BrowserAuthenticationMiddleware(AuthenticationMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if not is_api_request(request):
            super().process_request(request)


class BrowserMessageMiddleware(MessageMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if not is_api_request(request):
            super().process_request(request)
