"""Typed connector failures. Retryable ones may be tried again later; permanent ones need a person or new input."""

from __future__ import annotations

from typing import ClassVar


class ConnectorError(Exception):
    retryable: ClassVar[bool] = False

    def __init__(self, message: str, *, status_code: int | None = None, remote_message: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        # The ATS's own words, passed on to API callers in REMOTE.* errors.
        self.remote_message = remote_message


class ConnectorAuthError(ConnectorError):
    """401: credentials rejected or expired beyond refresh."""


class ConnectorPermissionError(ConnectorError):
    """403: authenticated, but the credential lacks a permission (scope)."""


class ConnectorNotFound(ConnectorError):
    """404 on a resource we addressed."""


class ConnectorInputError(ConnectorError):
    """400/409/422: the ATS refused the data we sent."""


class ConnectorJobClosed(ConnectorInputError):
    """The job takes no applications (closed, archived or draft)."""


class ConnectorApplicationExists(ConnectorInputError):
    """The candidate has already applied to this job."""


class ConnectorBadResponse(ConnectorError):
    """The ATS answered something we cannot parse (contract drift)."""


class ConnectorUnsupported(ConnectorError):
    """The connector (or the ATS) cannot do this at all."""


class ConnectorUnavailable(ConnectorError):
    """Timeout, connection failure or 5xx."""

    retryable = True

    def __init__(
        self,
        message: str,
        *,
        nothing_sent: bool = False,
        timed_out: bool = False,
        retry_after: float | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        # True when the request never left (connection refused): even a write may be re-sent.
        self.nothing_sent = nothing_sent
        self.timed_out = timed_out  # no answer in time (as opposed to a refused or dropped connection)
        self.retry_after = retry_after  # a 5xx's `Retry-After`, when it said when to come back


class ConnectorRateLimited(ConnectorError):
    """429, with the wait the ATS asked for when it said so."""

    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.retry_after = retry_after


class ConnectorWriteUncertain(ConnectorError):
    """A write timed out after it was sent: it may or may not have happened, so it must not be re-sent blindly."""

    def __init__(self, message: str, *, timed_out: bool = False, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.timed_out = timed_out  # False when the connection was dropped or reset instead
