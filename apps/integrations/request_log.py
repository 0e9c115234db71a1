"""Storing the request log: `OutboundCall`s from the HTTP seam, batched per sync run or per request.

`request_log_scope` collects the calls made inside it and writes them with one `bulk_create` when it ends (or every
`FLUSH_EVERY` calls), so a request to the ATS costs no extra database round trip. A call outside any scope (a
management command, a shell) is written on its own. The sink is registered in `IntegrationsConfig.ready`.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

from apps.connectors.http_log import OutboundCall, call_sink_register
from apps.core.timeutils import utcnow
from apps.integrations.models import Integration, OutboundRequest

logger = logging.getLogger(__name__)

FLUSH_EVERY = 500
REQUEST_ID_HEADER = "X-Request-Id"


@dataclass
class _Scope:
    sync_run_id: str | None
    request_id: str
    calls: list[OutboundCall] = field(default_factory=list)


_current: contextvars.ContextVar[_Scope | None] = contextvars.ContextVar("request_log_scope", default=None)


def _rows(scope: _Scope | None, calls: list[OutboundCall]) -> list[OutboundRequest]:
    keys = {call.rate_key for call in calls if call.rate_key}
    known = set(Integration.objects.filter(id__in=keys).values_list("id", flat=True)) if keys else set()
    return [
        OutboundRequest(
            at=datetime.fromtimestamp(call.started_at, tz=UTC),
            integration_id=call.rate_key if call.rate_key in known else None,
            integration_key=call.rate_key[:100],
            sync_run_id=scope.sync_run_id if scope else None,
            request_id=scope.request_id if scope else "",
            method=call.method,
            path=call.path,
            status=call.status,
            duration_ms=round(call.duration * 1000),
            attempt=call.attempt,
            rate_limit_wait_ms=round(call.rate_limit_wait * 1000),
            body_excerpt=call.body_excerpt,
            error=call.error,
        )
        for call in calls
    ]


def _write(scope: _Scope | None, calls: list[OutboundCall]) -> None:
    if not calls:
        return
    try:
        OutboundRequest.objects.bulk_create(_rows(scope, calls))
    except DatabaseError:  # the log must not fail the work it describes (e.g. inside a broken transaction)
        logger.exception("could not store %d request log rows", len(calls))


def _flush(scope: _Scope) -> None:
    calls, scope.calls = scope.calls, []
    _write(scope, calls)


def record_call(call: OutboundCall) -> None:
    """The sink of the HTTP seam."""
    scope = _current.get()
    if scope is None:
        _write(None, [call])
        return
    scope.calls.append(call)
    if len(scope.calls) >= FLUSH_EVERY:
        _flush(scope)


@contextlib.contextmanager
def request_log_scope(*, sync_run_id: str | None = None, request_id: str | None = None) -> Iterator[_Scope]:
    """Collect the calls made inside; they are linked to `sync_run_id` and `request_id` and written at the end."""
    scope = _Scope(sync_run_id=sync_run_id, request_id=request_id or uuid.uuid4().hex)
    token = _current.set(scope)
    try:
        yield scope
    finally:
        _current.reset(token)
        _flush(scope)


def register() -> None:
    call_sink_register(record_call)


class RequestLogScopeMiddleware:
    """One scope per request to Tributary (flow checks, passthrough, writes): its calls share the request id, which
    the answer carries in `X-Request-Id` so a write can be found in the request log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_log_scope() as scope:
            response = self.get_response(request)
        response[REQUEST_ID_HEADER] = scope.request_id
        return response


def outbound_requests_purge(*, now: datetime | None = None) -> int:
    """Delete request log rows older than `REQUEST_LOG_RETENTION_DAYS`; returns how many."""
    cutoff = (now or utcnow()) - timedelta(days=settings.REQUEST_LOG_RETENTION_DAYS)
    deleted, _ = OutboundRequest.objects.filter(at__lt=cutoff).delete()
    return deleted
