"""The landing page at `/`: what this instance is and where to go next."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/landing.html",
        {"title": settings.SPECTACULAR_SETTINGS["TITLE"], "description": settings.SPECTACULAR_SETTINGS["DESCRIPTION"]},
    )
