"""One log line per request (with LOG_FORMAT=json: one JSON object), in place of gunicorn's access log."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("tributary.request")


class RequestLogMiddleware:
    """Outermost middleware: logs method, path, status and duration of every request once it is answered.

    The query string is left out: it may carry tokens (signed download links, connection-flow tokens).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "remote_addr": request.META.get("REMOTE_ADDR", ""),
            },
        )
        return response
