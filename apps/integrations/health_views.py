"""GET /healthz and GET /readyz: plain JSON, no authentication, never cached."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.integrations.health import readiness


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive and answers requests; touches no database."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready to serve: every check passes (200), or 503 naming the failing checks."""
    checks = readiness()
    failing = [check.name for check in checks if not check.ok]
    body = {
        "status": "fail" if failing else "ok",
        "failing": failing,
        "checks": {check.name: {"status": "ok" if check.ok else "fail", "detail": check.detail} for check in checks},
    }
    return JsonResponse(body, status=503 if failing else 200)
