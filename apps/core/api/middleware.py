"""Makes every /v1 answer JSON: unknown routes, wrong methods and crashes get the contract's error body."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from apps.core.api.errors import ErrorCode, error_body

logger = logging.getLogger("apps.api")

API_PREFIX = "/v1/"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX) or request.path == API_PREFIX.rstrip("/")


def _json_error(code: ErrorCode, message: str, status: int) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=status)


class ApiErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not _is_api(request) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        if response.status_code == 404:
            return _json_error(
                ErrorCode.PLATFORM_INPUT_INVALID, f"No API route matches {request.method} {request.path}.", 404
            )
        if response.status_code == 405:
            return _json_error(
                ErrorCode.PLATFORM_INPUT_INVALID, f"Method {request.method} is not allowed on {request.path}.", 405
            )
        if response.status_code == 400:
            return _json_error(ErrorCode.PLATFORM_INPUT_INVALID, "Bad request.", 400)
        if response.status_code == 413:
            return _json_error(ErrorCode.PLATFORM_INPUT_INVALID, "Request body too large.", 413)
        return _json_error(ErrorCode.PLATFORM_UNKNOWN_ERROR, "An unexpected error occurred.", response.status_code)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _is_api(request):
            return None
        if isinstance(exception, json.JSONDecodeError):
            return _json_error(ErrorCode.PLATFORM_INPUT_INVALID, f"Malformed JSON body: {exception}", 400)
        logger.error("Unhandled error on %s %s", request.method, request.path, exc_info=exception)
        return _json_error(ErrorCode.PLATFORM_UNKNOWN_ERROR, "An unexpected error occurred.", 500)
