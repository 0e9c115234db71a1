"""The project's URLs plus a route that crashes, to test the JSON 500."""

from __future__ import annotations

from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import urlpatterns as project_urlpatterns


class CrashApi(APIView):
    authentication_classes: list[type] = []
    permission_classes: list[type] = []

    def get(self, request: Request) -> Response:
        raise RuntimeError("boom: internal detail that must not leak")


def crash_view(request: object) -> None:
    raise RuntimeError("plain view crash")


urlpatterns = [
    path("v1/_test/crash", CrashApi.as_view()),
    path("v1/_test/plain-crash", crash_view),
    *project_urlpatterns,
]
