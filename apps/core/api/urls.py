from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def public_base_url(request: HttpRequest | None = None) -> str:
    """Where Tributary is reachable from outside, without a trailing slash."""
    if settings.PUBLIC_BASE_URL:
        return settings.PUBLIC_BASE_URL
    if request is None:
        return "http://127.0.0.1:8000"
    return request.build_absolute_uri("/").rstrip("/")
