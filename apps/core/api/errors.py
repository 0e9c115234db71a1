"""The contract's error codes (closed enums in the official SDKs) and the one API error type."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    PLATFORM_RATE_LIMIT_EXCEEDED = "PLATFORM.RATE_LIMIT_EXCEEDED"
    PLATFORM_CONCURRENCY_LIMIT_EXCEEDED = "PLATFORM.CONCURRENCY_LIMIT_EXCEEDED"
    PLATFORM_INTEGRATION_NOT_FOUND = "PLATFORM.INTEGRATION_NOT_FOUND"
    PLATFORM_INPUT_INVALID = "PLATFORM.INPUT_INVALID"
    PLATFORM_UNKNOWN_ERROR = "PLATFORM.UNKNOWN_ERROR"
    PLATFORM_IP_NOT_WHITELISTED = "PLATFORM.IP_NOT_WHITELISTED"
    PLATFORM_AUTHENTICATION_INVALID = "PLATFORM.AUTHENTICATION_INVALID"
    PLATFORM_TASK_TIMED_OUT = "PLATFORM.TASK_TIMED_OUT"
    INTEGRATION_PERMISSION_MISSING = "INTEGRATION.PERMISSION_MISSING"
    INTEGRATION_AUTHENTICATION_INVALID = "INTEGRATION.AUTHENTICATION_INVALID"
    INTEGRATION_QA_FAILED = "INTEGRATION.QA_FAILED"
    INTEGRATION_SETUP_SYNC_PENDING = "INTEGRATION.SETUP_SYNC_PENDING"
    INTEGRATION_SETUP_INCOMPLETE = "INTEGRATION.SETUP_INCOMPLETE"
    INTEGRATION_INACTIVE = "INTEGRATION.INACTIVE"
    INTEGRATION_MODEL_NOT_AVAILABLE = "INTEGRATION.MODEL_NOT_AVAILABLE"
    INTEGRATION_MODEL_DISABLED = "INTEGRATION.MODEL_DISABLED"
    INTEGRATION_ACTION_NOT_AVAILABLE = "INTEGRATION.ACTION_NOT_AVAILABLE"
    INTEGRATION_ACTION_DISABLED = "INTEGRATION.ACTION_DISABLED"
    REMOTE_SERVICE_UNAVAILABLE = "REMOTE.SERVICE_UNAVAILABLE"
    REMOTE_RATE_LIMIT_EXCEEDED = "REMOTE.RATE_LIMIT_EXCEEDED"
    REMOTE_INPUT_INVALID = "REMOTE.INPUT_INVALID"
    REMOTE_UNKNOWN_HTTP_ERROR = "REMOTE.UNKNOWN_HTTP_ERROR"
    ATS_JOB_CLOSED = "ATS.JOB_CLOSED"
    ATS_APPLICATION_ALREADY_EXISTS = "ATS.APPLICATION_ALREADY_EXISTS"

    @property
    def is_platform(self) -> bool:
        """General and connect endpoints may only answer with PLATFORM.* codes (KomboGeneralError)."""
        return self.value.startswith("PLATFORM.")


TITLES: dict[ErrorCode, str] = {
    ErrorCode.PLATFORM_RATE_LIMIT_EXCEEDED: "Rate limit exceeded",
    ErrorCode.PLATFORM_CONCURRENCY_LIMIT_EXCEEDED: "Concurrency limit exceeded",
    ErrorCode.PLATFORM_INTEGRATION_NOT_FOUND: "Integration not found",
    ErrorCode.PLATFORM_INPUT_INVALID: "Input invalid",
    ErrorCode.PLATFORM_UNKNOWN_ERROR: "Unknown error",
    ErrorCode.PLATFORM_IP_NOT_WHITELISTED: "IP not whitelisted",
    ErrorCode.PLATFORM_AUTHENTICATION_INVALID: "Authentication invalid",
    ErrorCode.PLATFORM_TASK_TIMED_OUT: "Task timed out",
    ErrorCode.INTEGRATION_PERMISSION_MISSING: "Permission missing",
    ErrorCode.INTEGRATION_AUTHENTICATION_INVALID: "Integration authentication invalid",
    ErrorCode.INTEGRATION_QA_FAILED: "Integration QA failed",
    ErrorCode.INTEGRATION_SETUP_SYNC_PENDING: "Setup sync pending",
    ErrorCode.INTEGRATION_SETUP_INCOMPLETE: "Setup incomplete",
    ErrorCode.INTEGRATION_INACTIVE: "Integration inactive",
    ErrorCode.INTEGRATION_MODEL_NOT_AVAILABLE: "Model not available",
    ErrorCode.INTEGRATION_MODEL_DISABLED: "Model disabled",
    ErrorCode.INTEGRATION_ACTION_NOT_AVAILABLE: "Action not available",
    ErrorCode.INTEGRATION_ACTION_DISABLED: "Action disabled",
    ErrorCode.REMOTE_SERVICE_UNAVAILABLE: "Remote service unavailable",
    ErrorCode.REMOTE_RATE_LIMIT_EXCEEDED: "Remote rate limit exceeded",
    ErrorCode.REMOTE_INPUT_INVALID: "Remote input invalid",
    ErrorCode.REMOTE_UNKNOWN_HTTP_ERROR: "Remote HTTP error",
    ErrorCode.ATS_JOB_CLOSED: "Job closed",
    ErrorCode.ATS_APPLICATION_ALREADY_EXISTS: "Application already exists",
}

DEFAULT_STATUS: dict[ErrorCode, int] = {
    ErrorCode.PLATFORM_RATE_LIMIT_EXCEEDED: 429,
    ErrorCode.PLATFORM_CONCURRENCY_LIMIT_EXCEEDED: 429,
    ErrorCode.PLATFORM_INTEGRATION_NOT_FOUND: 404,
    ErrorCode.PLATFORM_INPUT_INVALID: 400,
    ErrorCode.PLATFORM_UNKNOWN_ERROR: 500,
    ErrorCode.PLATFORM_IP_NOT_WHITELISTED: 403,
    ErrorCode.PLATFORM_AUTHENTICATION_INVALID: 401,
    ErrorCode.PLATFORM_TASK_TIMED_OUT: 504,
    ErrorCode.INTEGRATION_PERMISSION_MISSING: 403,
    ErrorCode.INTEGRATION_AUTHENTICATION_INVALID: 403,
    ErrorCode.INTEGRATION_QA_FAILED: 400,
    ErrorCode.INTEGRATION_SETUP_SYNC_PENDING: 400,
    ErrorCode.INTEGRATION_SETUP_INCOMPLETE: 400,
    ErrorCode.INTEGRATION_INACTIVE: 400,
    ErrorCode.INTEGRATION_MODEL_NOT_AVAILABLE: 400,
    ErrorCode.INTEGRATION_MODEL_DISABLED: 400,
    ErrorCode.INTEGRATION_ACTION_NOT_AVAILABLE: 400,
    ErrorCode.INTEGRATION_ACTION_DISABLED: 400,
    ErrorCode.REMOTE_SERVICE_UNAVAILABLE: 503,
    ErrorCode.REMOTE_RATE_LIMIT_EXCEEDED: 429,
    ErrorCode.REMOTE_INPUT_INVALID: 400,
    ErrorCode.REMOTE_UNKNOWN_HTTP_ERROR: 502,
    ErrorCode.ATS_JOB_CLOSED: 400,
    ErrorCode.ATS_APPLICATION_ALREADY_EXISTS: 400,
}


class ApiError(Exception):
    """Raised by services and selectors; rendered as the contract's error body."""

    def __init__(
        self, code: ErrorCode, message: str, *, status: int | None = None, remote_ids: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or DEFAULT_STATUS[code]
        # Our extension: what a failed write left in the ATS (e.g. `{"application": …, "candidate": …}`).
        self.remote_ids = remote_ids or None

    def body(self) -> dict[str, object]:
        return error_body(self.code, self.message, remote_ids=self.remote_ids)


def input_invalid(message: str) -> ApiError:
    return ApiError(ErrorCode.PLATFORM_INPUT_INVALID, message)


def error_body(
    code: ErrorCode | None, message: str, *, log_url: str | None = None, remote_ids: dict[str, str] | None = None
) -> dict[str, object]:
    error: dict[str, object] = {
        "code": code.value if code else None,
        "title": TITLES[code] if code else None,
        "message": message,
        "log_url": log_url,
    }
    if remote_ids:
        error["remote_ids"] = dict(remote_ids)
    return {"status": "error", "error": error}
