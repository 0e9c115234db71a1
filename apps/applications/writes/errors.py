"""Connector failures → the contract's error codes, with the ATS's own words in the message.

| connector error                    | code                                | HTTP |
|------------------------------------|-------------------------------------|------|
| ConnectorUnsupported               | INTEGRATION.ACTION_NOT_AVAILABLE     | 400  |
| ConnectorJobClosed                 | ATS.JOB_CLOSED                       | 400  |
| ConnectorApplicationExists         | ATS.APPLICATION_ALREADY_EXISTS       | 400  |
| ConnectorAuthError                 | INTEGRATION.AUTHENTICATION_INVALID   | 403  | integration marked INVALID
| ConnectorPermissionError           | INTEGRATION.PERMISSION_MISSING       | 403  |
| ConnectorNotFound                  | REMOTE.INPUT_INVALID                 | 404  |
| ConnectorInputError                | REMOTE.INPUT_INVALID                 | 400  |
| ConnectorRateLimited               | REMOTE.RATE_LIMIT_EXCEEDED           | 429  |
| ConnectorUnavailable               | REMOTE.SERVICE_UNAVAILABLE           | 503  |
| ConnectorWriteUncertain            | REMOTE.UNKNOWN_HTTP_ERROR            | 504  | may have happened; not re-sent
| ConnectorBadResponse, any other    | REMOTE.UNKNOWN_HTTP_ERROR            | 502  |
"""

from __future__ import annotations

from apps.connectors.errors import (
    ConnectorApplicationExists,
    ConnectorAuthError,
    ConnectorError,
    ConnectorInputError,
    ConnectorJobClosed,
    ConnectorNotFound,
    ConnectorPermissionError,
    ConnectorRateLimited,
    ConnectorUnavailable,
    ConnectorUnsupported,
    ConnectorWriteUncertain,
)
from apps.core.api.errors import ApiError, ErrorCode
from apps.integrations.models import Integration
from apps.integrations.webhook_services import announce_state_if_changed

MESSAGE_UNCERTAIN = (
    "The ATS did not answer in time, so this may or may not have been written. It was not sent again. Retry with "
    "an Idempotency-Key header and Tributary checks the ATS before writing again; without one, check the ATS "
    "first."
)
MESSAGE_AUTH = "The ATS rejected the integration's credentials; the integration is now INVALID (relink it)."


class WriteUncertainError(ApiError):
    """The write may have happened in the ATS: an idempotency key stays UNCERTAIN, and a retry reconciles."""


def _with_remote(message: str, error: ConnectorError) -> str:
    if error.remote_message and error.remote_message not in message:
        return f"{message} The ATS said: {error.remote_message}"
    return message


def api_error_for(error: ConnectorError, *, integration: Integration) -> ApiError:
    """The API error for a connector failure during a write (or a live read on the write path)."""
    if isinstance(error, ConnectorUnsupported):
        return ApiError(ErrorCode.INTEGRATION_ACTION_NOT_AVAILABLE, error.message)
    if isinstance(error, ConnectorJobClosed):
        return ApiError(ErrorCode.ATS_JOB_CLOSED, _with_remote(error.message, error))
    if isinstance(error, ConnectorApplicationExists):
        return ApiError(ErrorCode.ATS_APPLICATION_ALREADY_EXISTS, _with_remote(error.message, error))
    if isinstance(error, ConnectorAuthError):
        Integration.objects.filter(id=integration.id).update(
            state=Integration.State.INVALID, last_error=_with_remote(error.message, error)[:5000]
        )
        announce_state_if_changed(integration_id=integration.id)
        return ApiError(ErrorCode.INTEGRATION_AUTHENTICATION_INVALID, _with_remote(MESSAGE_AUTH, error))
    if isinstance(error, ConnectorPermissionError):
        return ApiError(ErrorCode.INTEGRATION_PERMISSION_MISSING, _with_remote(error.message, error))
    if isinstance(error, ConnectorNotFound):
        return ApiError(ErrorCode.REMOTE_INPUT_INVALID, _with_remote(error.message, error), status=404)
    if isinstance(error, ConnectorInputError):
        return ApiError(ErrorCode.REMOTE_INPUT_INVALID, _with_remote(error.message, error))
    if isinstance(error, ConnectorRateLimited):
        return ApiError(ErrorCode.REMOTE_RATE_LIMIT_EXCEEDED, _with_remote(error.message, error))
    if isinstance(error, ConnectorUnavailable):
        return ApiError(ErrorCode.REMOTE_SERVICE_UNAVAILABLE, _with_remote(error.message, error))
    if isinstance(error, ConnectorWriteUncertain):
        return WriteUncertainError(
            ErrorCode.REMOTE_UNKNOWN_HTTP_ERROR,
            _with_remote(f"{MESSAGE_UNCERTAIN} ({error.message})", error),
            status=504,
        )
    return ApiError(ErrorCode.REMOTE_UNKNOWN_HTTP_ERROR, _with_remote(error.message, error), status=502)
