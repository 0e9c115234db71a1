"""One error body for every failure of the /v1 API (DRF side)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response

from apps.core.api.errors import ApiError, ErrorCode, error_body

logger = logging.getLogger(__name__)


def flatten_validation_detail(detail: Any, path: str = "") -> list[str]:
    """Turn DRF's nested error detail into `field.path: message` lines (list indexes as `[i]`)."""
    if isinstance(detail, dict):
        lines: list[str] = []
        for key, value in detail.items():
            if key == "non_field_errors":
                child = path
            elif isinstance(key, int):
                child = f"{path}[{key}]"
            else:
                child = f"{path}.{key}" if path else str(key)
            lines.extend(flatten_validation_detail(value, child))
        return lines
    if isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):
            return [f"{path}: {item}" if path else str(item) for item in detail]
        lines = []
        for index, item in enumerate(detail):
            if item in ({}, [], None):
                continue
            lines.extend(flatten_validation_detail(item, f"{path}[{index}]"))
        return lines
    return [f"{path}: {detail}" if path else str(detail)]


def _response(code: ErrorCode | None, message: str, status: int, headers: dict[str, str] | None = None) -> Response:
    response = Response(error_body(code, message), status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApiError):
        return Response(exc.body(), status=exc.status)
    if isinstance(exc, exceptions.ValidationError):
        message = "; ".join(flatten_validation_detail(exc.detail)) or "Invalid input."
        return _response(ErrorCode.PLATFORM_INPUT_INVALID, message, 400)
    if isinstance(exc, exceptions.ParseError):
        return _response(ErrorCode.PLATFORM_INPUT_INVALID, f"Malformed request body: {exc.detail}", 400)
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return _response(ErrorCode.PLATFORM_INPUT_INVALID, str(exc.detail), 415)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        return _response(
            ErrorCode.PLATFORM_AUTHENTICATION_INVALID,
            str(exc.detail),
            401,
            {"WWW-Authenticate": 'Bearer realm="api"'},
        )
    if isinstance(exc, exceptions.MethodNotAllowed):
        return _response(ErrorCode.PLATFORM_INPUT_INVALID, str(exc.detail), 405)
    if isinstance(exc, exceptions.Throttled):
        return _response(ErrorCode.PLATFORM_RATE_LIMIT_EXCEEDED, str(exc.detail), 429)
    if isinstance(exc, Http404 | exceptions.NotFound):
        return _response(ErrorCode.PLATFORM_INPUT_INVALID, "The requested resource does not exist.", 404)
    if isinstance(exc, PermissionDenied | exceptions.PermissionDenied):
        return _response(ErrorCode.PLATFORM_AUTHENTICATION_INVALID, "You are not allowed to do this.", 403)
    if isinstance(exc, exceptions.APIException):
        return _response(ErrorCode.PLATFORM_UNKNOWN_ERROR, str(exc.detail), exc.status_code)
    return None  # unhandled: ApiErrorMiddleware answers 500 with the contract's body and logs it
