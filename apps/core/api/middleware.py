"""Makes every /v1 answer JSON: unknown routes, wrong methods and crashes get the contract's error body."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse

from apps.core.api.errors import ErrorCode, error_body

logger = logging.getLogger("apps.api")

API_PREFIX = "/v1/"


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX) or request.path == API_PREFIX.rstrip("/")


def _json_error(code: ErrorCode, message: str, status: int) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=status)


def _limit_error(exception: Exception) -> JsonResponse | None:
    """Django's request size limits, which it raises while reading the body or the query string."""
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return _json_error(
            ErrorCode.PLATFORM_INPUT_INVALID, f"Request body too large: at most {limit} bytes are accepted.", 413
        )
    if isinstance(exception, TooManyFieldsSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        return _json_error(
            ErrorCode.PLATFORM_INPUT_INVALID, f"Too many query parameters: at most {limit} are accepted.", 400
        )
    return None


class ApiErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_api_request(request) or response.status_code < 400:
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

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        """Refuse NUL characters in path and query parameters and in headers, naming the parameter.

        PostgreSQL text cannot hold them, so an id or filter containing one would fail in the query (a 500); bodies
        are covered by the serializers' own check."""
        if not is_api_request(request):
            return None
        given = [(name, str(value)) for name, value in view_kwargs.items()]
        try:
            given += [(name, value) for name, values in request.GET.lists() for value in values]
        except TooManyFieldsSent as exception:
            return _limit_error(exception)
        given += [
            (key.removeprefix("HTTP_").replace("_", "-").title(), str(value))
            for key, value in request.META.items()
            if key.startswith("HTTP_")
        ]
        for name, value in given:
            if "\x00" in value or "\x00" in name:
                return _json_error(
                    ErrorCode.PLATFORM_INPUT_INVALID,
                    f"{name.replace(chr(0), '')}: must not contain NUL (0x00) characters.",
                    400,
                )
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_api_request(request):
            return None
        limited = _limit_error(exception)
        if limited is not None:
            return limited
        if isinstance(exception, json.JSONDecodeError):
            return _json_error(ErrorCode.PLATFORM_INPUT_INVALID, f"Malformed JSON body: {exception}", 400)
        logger.error("Unhandled error on %s %s", request.method, request.path, exc_info=exception)
        return _json_error(ErrorCode.PLATFORM_UNKNOWN_ERROR, "An unexpected error occurred.", 500)
