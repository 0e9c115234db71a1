"""The landing page at `/` (what this instance is and where to go next) and the docs pages' asset policy."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

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


# The docs pages may load nothing from elsewhere: ReDoc's bundle links its vendor's logo from a CDN
# (https://cdn.redoc.ly/redoc/logo-mini.svg, no option turns it off); under this policy the browser never asks.
DOCS_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'self'"
)


def local_assets_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve `view` with a Content-Security-Policy that keeps every asset on this origin."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Content-Security-Policy"] = DOCS_CONTENT_SECURITY_POLICY
        return response

    return wrapped
