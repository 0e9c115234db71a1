"""The one HTTP seam: every outbound request of every connector goes through `HttpClient`.

What it guarantees, so connectors never have to:
- a timeout on every request (connect, read) and no redirects to another host;
- the status code mapped to a typed `ConnectorError` (retryable: timeouts, 429, 5xx; permanent: the rest);
- `Retry-After` and `X-RateLimit-*` honoured: a 429 or an exhausted budget makes *every* process of the
  integration hold off through the shared `RateLimiter`, which the client consults before each request;
- reads (and requests marked idempotent) are retried a few times within a bounded wait; a write is re-sent
  only when it provably did not reach the ATS (connection refused, 429), and a write that timed out after it
  was sent raises `ConnectorWriteUncertain` instead of being re-sent blindly;
- secrets (credential values, auth headers, key-like query parameters) never reach a log line or an error.
"""

from __future__ import annotations

import contextlib
import email.utils
import ipaddress
import json
import logging
import random
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlencode, urljoin, urlsplit

import requests
import requests.adapters
import urllib3
import urllib3.connection
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import NameResolutionError, NewConnectionError

from apps.connectors.catalog import RateBudget
from apps.connectors.errors import (
    ConnectorAuthError,
    ConnectorBadResponse,
    ConnectorError,
    ConnectorInputError,
    ConnectorNotFound,
    ConnectorPermissionError,
    ConnectorRateLimited,
    ConnectorUnavailable,
    ConnectorWriteUncertain,
)
from apps.core.logging import redact

logger = logging.getLogger(__name__)

USER_AGENT = "Tributary/0.1 (+https://github.com/tributary-ats/tributary)"
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_REDIRECTS = 3
# An ATS answer larger than this is refused rather than held in memory (syncs read pages, not files; downloads and
# passthrough may carry files). `build_connector` takes the setting CONNECTOR_MAX_RESPONSE_BYTES.
MAX_RESPONSE_BYTES = 64 * 1024 * 1024
CHUNK_BYTES = 64 * 1024
REDACTED = "[redacted]"
_REMOTE_MESSAGE_LIMIT = 500


# -- rate limiting -------------------------------------------------------------------------------------


class RateLimiter(Protocol):
    """Keeps all requests made with one key (our integration id) under the connector's `RateBudget`.

    Implementations must be shared by every process that works for the integration: the one used in
    production lives in `apps.integrations.ratelimit` (database-backed). `slot` blocks until a request may
    start and holds a concurrency slot until the block exits; `hold_off` makes every caller of the key wait
    `seconds` from now (the limiter's own clock), e.g. after a 429 with `Retry-After`.
    """

    def slot(self, key: str, budget: RateBudget, lane: str | None = None) -> AbstractContextManager[None]: ...

    def hold_off(self, key: str, seconds: float) -> None: ...


class UnlimitedRateLimiter:
    """No limits at all (connectors without a budget, unit tests of other behaviour)."""

    @contextlib.contextmanager
    def slot(self, key: str, budget: RateBudget, lane: str | None = None) -> Iterator[None]:
        yield

    def hold_off(self, key: str, seconds: float) -> None:
        return None


class LocalRateLimiter:
    """In-process limiter (threads of one process only): scripts and tests. Same algorithm as the shared one.

    Requests are spaced by `1 / requests_per_second` (a reservation scheduler: each caller books the next free
    start time and sleeps until then) and at most `max_concurrency` (or the lane's override) run at once.
    """

    def __init__(self, *, clock: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep) -> None:
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Condition()
        self._next_start: dict[str, float] = {}
        self._blocked_until: dict[str, float] = {}
        self._in_flight: dict[tuple[str, str | None], int] = {}

    @contextlib.contextmanager
    def slot(self, key: str, budget: RateBudget, lane: str | None = None) -> Iterator[None]:
        limit = concurrency_limit(budget, lane)
        lane_key = (key, lane if lane in budget.concurrency_overrides else None)
        with self._lock:
            while self._in_flight.get(lane_key, 0) >= limit:
                self._lock.wait(timeout=0.05)
            self._in_flight[lane_key] = self._in_flight.get(lane_key, 0) + 1
            now = self._clock()
            start = max(now, self._next_start.get(key, 0.0), self._blocked_until.get(key, 0.0))
            self._next_start[key] = start + 1.0 / budget.requests_per_second
        try:
            if start > now:
                self._sleep(start - now)
            yield
        finally:
            with self._lock:
                self._in_flight[lane_key] -= 1
                self._lock.notify_all()

    def hold_off(self, key: str, seconds: float) -> None:
        with self._lock:
            self._blocked_until[key] = max(self._blocked_until.get(key, 0.0), self._clock() + seconds)


def concurrency_limit(budget: RateBudget, lane: str | None) -> int:
    if lane is not None and lane in budget.concurrency_overrides:
        return budget.concurrency_overrides[lane]
    return budget.max_concurrency


def _matching_lane(lanes: Sequence[str], method: str, path: str) -> str | None:
    for lane in lanes:
        lane_method, _, prefix = lane.partition(" ")
        if lane_method.upper() == method.upper() and path.startswith(prefix):
            return lane
    return None


def lane_for(budget: RateBudget | None, method: str, path: str) -> str | None:
    """The `concurrency_overrides` entry (`"GET /candidates"`) whose method and path prefix match, if any."""
    if budget is None:
        return None
    return _matching_lane(list(budget.concurrency_overrides), method, path)


def rate_lane_for(budget: RateBudget | None, method: str, path: str) -> str | None:
    """The `rate_overrides` entry (`"POST /"`) whose method and path prefix match, if any."""
    if budget is None:
        return None
    return _matching_lane(list(budget.rate_overrides), method, path)


def rate_key_for(key: str, lane: str) -> str:
    """The limiter key under which a rate-override lane of `key` books its own, slower spacing."""
    return f"{key} [{lane}]"


# -- retries, timeouts, responses -------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    """How often a retryable failure is tried again inside one call, and how long we wait at most."""

    max_attempts: int = 3  # attempts in total, the first included
    max_wait: float = 30.0  # a longer Retry-After is not waited for: the error goes up to the caller
    backoff: float = 0.5  # first wait without Retry-After; doubles each attempt, with jitter

    @classmethod
    def never(cls) -> RetryPolicy:
        return cls(max_attempts=1)


@dataclass(frozen=True)
class Timeout:
    connect: float = 5.0
    read: float = 30.0

    def as_requests(self) -> tuple[float, float]:
        return (self.connect, self.read)


@dataclass(frozen=True)
class HttpResponse:
    """What a connector gets back: status, headers and body, never a `requests` object."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes
    url: str
    method: str
    elapsed: float = 0.0
    # Every header line as received, in order: repeated headers (`Set-Cookie`) stay separate here, while
    # `headers` joins them with ", ".
    header_items: tuple[tuple[str, str], ...] = ()

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        try:
            return json.loads(self.content)
        except ValueError:
            raise ConnectorBadResponse(
                f"{self.method} {_path_of(self.url)} answered {self.status_code} with a body that is not JSON.",
                status_code=self.status_code,
            ) from None


AuthHook = Callable[[dict[str, str], dict[str, Any]], None]
"""Adds authentication to a request: called with (headers, params), mutating them in place."""


def _path_of(url: str) -> str:
    return urlsplit(url).path or "/"


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if parsed is None:
        return None
    return max(0.0, parsed.timestamp() - now)


def parse_rate_limit_reset(headers: Mapping[str, str], *, now: float) -> float | None:
    """Seconds until `X-RateLimit-Reset` (Workable: `X-Rate-Limit-Reset`), which vendors send as epoch seconds or as
    seconds from now."""
    raw = headers.get("X-RateLimit-Reset") or headers.get("RateLimit-Reset") or headers.get("X-Rate-Limit-Reset")
    if not raw:
        return None
    try:
        value = float(raw.strip())
    except ValueError:
        return None
    # Anything past 2001 as an epoch timestamp is a point in time; small numbers are a duration.
    return max(0.0, value - now) if value > 1_000_000_000 else max(0.0, value)


def _remote_message(content: bytes) -> str | None:
    """The ATS's own error text, if its body says something readable."""
    if not content:
        return None
    try:
        body = json.loads(content)
    except ValueError:
        text = content.decode("utf-8", errors="replace").strip()
        return text[:_REMOTE_MESSAGE_LIMIT] or None
    candidates: list[Any] = []
    if isinstance(body, dict):
        summary, details = body.get("message"), body.get("errors")
        first = details[0] if isinstance(details, list) and details else None
        detail = first.get("message") if isinstance(first, dict) else None
        if isinstance(summary, str) and summary.strip() and isinstance(detail, str) and detail.strip():
            # `{"message": "Validation failed", "errors": [{"code", "message": "email: …"}]}` (SmartRecruiters'
            # ErrorResponse): the summary alone says nothing about what to fix.
            if detail.strip() != summary.strip():
                return f"{summary.strip()}: {detail.strip()}"[:_REMOTE_MESSAGE_LIMIT]
        candidates = [body.get("message"), body.get("error_description"), body.get("error"), body.get("errors")]
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()[:_REMOTE_MESSAGE_LIMIT]
        if isinstance(candidate, dict) and isinstance(candidate.get("message"), str):
            return candidate["message"][:_REMOTE_MESSAGE_LIMIT]
        if isinstance(candidate, list) and candidate:
            first = candidate[0]
            if isinstance(first, dict) and isinstance(first.get("message"), str):
                return first["message"][:_REMOTE_MESSAGE_LIMIT]
            if isinstance(first, str):
                return first[:_REMOTE_MESSAGE_LIMIT]
    return None


def error_for_status(
    method: str,
    url: str,
    status: int,
    content: bytes,
    *,
    retry_after: float | None = None,
    scrub: Callable[[str], str] = redact,
) -> ConnectorError:
    """The typed error for a non-2xx answer. Public so connectors with odd APIs can reuse the mapping."""
    remote = _remote_message(content)
    remote = scrub(remote) if remote else None
    where = f"{method} {scrub(_path_of(url))}"
    kwargs: dict[str, Any] = {"status_code": status, "remote_message": remote}
    if status == 401:
        return ConnectorAuthError(f"{where}: the ATS rejected the credentials (401).", **kwargs)
    if status == 403:
        return ConnectorPermissionError(f"{where}: the credentials lack a permission (403).", **kwargs)
    if status == 404:
        return ConnectorNotFound(f"{where}: not found (404).", **kwargs)
    if status == 429:
        return ConnectorRateLimited(f"{where}: rate limited (429).", retry_after=retry_after, **kwargs)
    if status >= 500:
        return ConnectorUnavailable(f"{where}: the ATS failed ({status}).", retry_after=retry_after, **kwargs)
    if status in (400, 409, 422):
        return ConnectorInputError(f"{where}: the ATS refused the request ({status}).", **kwargs)
    return ConnectorError(f"{where}: unexpected answer ({status}).", **kwargs)


def _header_items(response: requests.Response) -> tuple[tuple[str, str], ...]:
    raw_headers = getattr(response.raw, "headers", None)
    if raw_headers is not None and hasattr(raw_headers, "iteritems"):
        return tuple((str(name), str(value)) for name, value in raw_headers.iteritems())
    return tuple((str(name), str(value)) for name, value in response.headers.items())


def _nothing_was_sent(exc: requests.RequestException) -> bool:
    """True when the failure happened before any byte of the request left (safe to re-send a write)."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    if isinstance(exc, requests.ConnectionError):
        reason: BaseException | None = exc
        seen = 0
        while reason is not None and seen < 6:
            if isinstance(reason, NewConnectionError | NameResolutionError | ConnectionRefusedError):
                return True
            reason = getattr(reason, "reason", None) or reason.__cause__ or reason.__context__
            seen += 1
        arg = exc.args[0] if exc.args else None
        inner = getattr(arg, "reason", None)
        return isinstance(inner, NewConnectionError | NameResolutionError)
    return False


# -- the request log seam ------------------------------------------------------------------------------
#
# Every request the client sends (each attempt, each redirect hop) is described once to the registered sink.
# `apps.integrations` registers the sink that stores these rows (the request log) at start-up, so this module needs
# no import of it. Everything in an `OutboundCall` is already scrubbed of secrets.

BODY_EXCERPT_BYTES = 4096


@dataclass(frozen=True)
class OutboundCall:
    started_at: float  # epoch seconds (the client's clock)
    rate_key: str  # the integration id the client works for
    method: str
    path: str  # path and query, secret values redacted
    status: int | None  # None: no answer (refused, dropped, timed out)
    duration: float  # seconds, sending to the end of the body
    attempt: int  # 1 for the first attempt of a logical request
    rate_limit_wait: float  # seconds spent waiting for the rate limiter before sending
    body_excerpt: str  # the first 4 KB of a non-2xx answer, scrubbed; "" for 2xx
    error: str = ""  # what went wrong without an answer, scrubbed


CallSink = Callable[[OutboundCall], None]
_call_sinks: list[CallSink] = []


def call_sink_register(sink: CallSink | None) -> None:
    """Where `OutboundCall`s go (one sink; None removes it). Called from `IntegrationsConfig.ready`."""
    _call_sinks[:] = [sink] if sink is not None else []


def _emit(call: OutboundCall) -> None:
    for sink in _call_sinks:
        try:
            sink(call)
        except Exception:  # a broken log must never break a request
            logger.exception("the request log sink failed")


# -- the client -------------------------------------------------------------------------------------


class BodyTooLarge(Exception):
    def __init__(self, declared: str | None) -> None:
        super().__init__(declared)
        self.declared = declared  # the Content-Length, when the answer said it up front


def read_capped(response: requests.Response, max_bytes: int, *, each_chunk: Callable[[], None] | None = None) -> bytes:
    """The body of a streamed response, refusing (BodyTooLarge) one that declares or turns out longer than
    `max_bytes`; `each_chunk` runs after every chunk (e.g. to enforce a deadline)."""
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise BodyTooLarge(declared)
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(chunk_size=CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes:
            raise BodyTooLarge(None)
        if each_chunk is not None:
            each_chunk()
        chunks.append(chunk)
    return b"".join(chunks)


@dataclass
class HttpClient:
    """All outbound HTTP of one connector instance (one integration).

    `base_url` is the ATS API root; paths are joined to it and absolute URLs must stay on its host.
    `rate_key` keys the shared limiter (our integration id). `secrets` are values to scrub from logs and
    error messages (credential values); auth headers and key-like query parameters are scrubbed regardless.
    """

    base_url: str
    rate_key: str = ""
    budget: RateBudget | None = None
    rate_limiter: RateLimiter = field(default_factory=UnlimitedRateLimiter)
    auth: AuthHook | None = None
    timeout: Timeout = field(default_factory=Timeout)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    secrets: Sequence[str] = ()
    default_headers: Mapping[str, str] = field(default_factory=dict)
    session: requests.Session = field(default_factory=requests.Session)
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time
    max_response_bytes: int = MAX_RESPONSE_BYTES
    calls: int = 0  # requests actually sent (attempts), for benchmarks and logs

    def __post_init__(self) -> None:
        self.session.trust_env = False  # no proxies or .netrc credentials picked up from the environment
        self._origin = urlsplit(self.base_url)

    # convenience verbs
    def get(self, path: str, **kwargs: Any) -> HttpResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> HttpResponse:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> HttpResponse:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> HttpResponse:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> HttpResponse:
        return self.request("DELETE", path, **kwargs)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        data: Any = None,
        files: Any = None,
        headers: Mapping[str, str] | None = None,
        timeout: Timeout | None = None,
        idempotent: bool | None = None,
        authenticate: bool = True,
        raise_for_status: bool = True,
        retry: RetryPolicy | None = None,
    ) -> HttpResponse:
        """Send one logical request (maybe several attempts); a 2xx answer comes back, anything else raises.

        `idempotent` (default: GET/HEAD/OPTIONS) allows re-sending after a failure the ATS may have seen
        (timeout, 5xx). Non-idempotent writes are re-sent only when they provably never arrived.

        `raise_for_status=False` is the passthrough mode: whatever status the ATS answers (4xx, 5xx, a redirect
        that is not followed) comes back as the response, never retried; a 429 or an exhausted budget still
        holds off every process of the integration. Transport failures (refused, dropped, timed out) raise as
        always. `retry` replaces the client's policy for this request (`RetryPolicy.never()`: one attempt).
        """
        method = method.upper()
        url = self._url(path)
        safe_to_repeat = method in IDEMPOTENT_METHODS if idempotent is None else idempotent
        lane = lane_for(self.budget, method, _path_of(url))
        policy = retry or self.retry
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._send_once(
                    method, url, params=params, json_body=json_body, data=data, files=files,
                    headers=headers, timeout=timeout or self.timeout, lane=lane,
                    safe_to_repeat=safe_to_repeat, authenticate=authenticate, raise_for_status=raise_for_status,
                    attempt=attempt,
                )  # fmt: skip
            except ConnectorError as exc:
                wait = self._retry_wait(exc, attempt=attempt, safe_to_repeat=safe_to_repeat, policy=policy)
                if wait is None:
                    raise
                logger.info(
                    "%s %s: %s; attempt %d of %d in %.2fs",
                    method, self._scrub(_path_of(url)), self._scrub(exc.message), attempt + 1,
                    policy.max_attempts, wait,
                )  # fmt: skip
                if wait > 0:
                    self.sleep(wait)

    # -- internals ---------------------------------------------------------------------------------

    def _url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            url = path
        else:
            url = urljoin(self.base_url.rstrip("/") + "/", path.lstrip("/"))
        if not self._same_origin(url):
            raise ConnectorInputError(f"Refusing to send a request outside the ATS host ({urlsplit(url).netloc}).")
        return url

    def _same_origin(self, url: str) -> bool:
        target = urlsplit(url)
        return (target.scheme, target.hostname, target.port) == (
            self._origin.scheme,
            self._origin.hostname,
            self._origin.port,
        )

    def _retry_wait(
        self, exc: ConnectorError, *, attempt: int, safe_to_repeat: bool, policy: RetryPolicy
    ) -> float | None:
        if attempt >= policy.max_attempts or not exc.retryable:
            return None
        if isinstance(exc, ConnectorRateLimited):
            # A 429 means the ATS refused the request without acting on it, so even a write may be re-sent.
            wait = exc.retry_after if exc.retry_after is not None else self._backoff(attempt, policy)
            return wait if wait <= policy.max_wait else None
        if not (safe_to_repeat or (isinstance(exc, ConnectorUnavailable) and exc.nothing_sent)):
            return None
        if isinstance(exc, ConnectorUnavailable) and exc.retry_after is not None:
            # a 503 that says when to come back (RFC 9110 §10.2.3): that, not our guess
            return exc.retry_after if exc.retry_after <= policy.max_wait else None
        return self._backoff(attempt, policy)

    @staticmethod
    def _backoff(attempt: int, policy: RetryPolicy) -> float:
        base = policy.backoff * (2 ** (attempt - 1))
        return min(policy.max_wait, base + random.uniform(0, base / 2))  # noqa: S311 - jitter, not crypto

    def _send_once(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None,
        json_body: Any,
        data: Any,
        files: Any,
        headers: Mapping[str, str] | None,
        timeout: Timeout,
        lane: str | None,
        safe_to_repeat: bool,
        authenticate: bool,
        raise_for_status: bool = True,
        attempt: int = 1,
    ) -> HttpResponse:
        send_headers: dict[str, str] = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        send_headers.update(self.default_headers)
        send_headers.update(headers or {})
        send_params: dict[str, Any] = dict(params or {})
        if authenticate and self.auth is not None:
            self.auth(send_headers, send_params)
        # Parameters the auth hook added (API keys in the query) are never logged, whatever their name.
        secret_params = {
            key for key, value in send_params.items() if key not in (params or {}) or value in self.secrets
        }
        budget = self.budget
        limiter_context: AbstractContextManager[None] = (
            self.rate_limiter.slot(self.rate_key, budget, lane) if budget is not None else contextlib.nullcontext()
        )
        rate_lane = rate_lane_for(budget, method, _path_of(url))
        lane_context: AbstractContextManager[None] = contextlib.nullcontext()
        if budget is not None and rate_lane is not None:
            # The lane's own spacing first (it is the slower one), then the overall budget and its concurrency.
            lane_budget = RateBudget(
                requests_per_second=budget.rate_overrides[rate_lane], max_concurrency=budget.max_concurrency
            )
            lane_context = self.rate_limiter.slot(rate_key_for(self.rate_key, rate_lane), lane_budget)
        waiting = time.monotonic()
        with lane_context, limiter_context:
            started = time.monotonic()
            rate_limit_wait = started - waiting
            redirects = 0
            current_url = url
            while True:
                self.calls += 1
                sent_at, sent = self.clock(), time.monotonic()
                logged_path = self._logged_path(current_url, send_params, secret_params)
                try:
                    response = self.session.request(
                        method, current_url, params=send_params or None, json=json_body, data=data, files=files,
                        headers=send_headers, timeout=timeout.as_requests(), allow_redirects=False, stream=True,
                    )  # fmt: skip
                    with response:
                        content = read_capped(response, self.max_response_bytes)
                except requests.RequestException as exc:
                    error = self._transport_error(method, current_url, exc, safe_to_repeat=safe_to_repeat)
                    _emit(OutboundCall(
                        started_at=sent_at, rate_key=self.rate_key, method=method, path=logged_path, status=None,
                        duration=time.monotonic() - sent, attempt=attempt, rate_limit_wait=rate_limit_wait,
                        body_excerpt="", error=self._scrub(error.message),
                    ))  # fmt: skip
                    raise error from None
                except BodyTooLarge as exc:
                    declared = f" ({exc.declared} declared)" if exc.declared else ""
                    _emit(OutboundCall(
                        started_at=sent_at, rate_key=self.rate_key, method=method, path=logged_path,
                        status=response.status_code, duration=time.monotonic() - sent, attempt=attempt,
                        rate_limit_wait=rate_limit_wait, body_excerpt="", error="body too large; not read",
                    ))  # fmt: skip
                    raise ConnectorBadResponse(
                        f"{method} {self._scrub(_path_of(current_url))} answered more than "
                        f"{self.max_response_bytes} bytes{declared}; not read.",
                        status_code=response.status_code,
                    ) from None
                ok = 200 <= response.status_code < 300
                _emit(OutboundCall(
                    started_at=sent_at, rate_key=self.rate_key, method=method, path=logged_path,
                    status=response.status_code, duration=time.monotonic() - sent, attempt=attempt,
                    rate_limit_wait=rate_limit_wait,
                    body_excerpt="" if ok else self._scrub(content[:BODY_EXCERPT_BYTES].decode("utf-8", "replace")),
                ))  # fmt: skip
                rate_limit_wait = 0.0  # a redirect hop waits for nothing
                if response.is_redirect and redirects < MAX_REDIRECTS:
                    location = urljoin(current_url, response.headers.get("Location", ""))
                    if not raise_for_status and not (self._same_origin(location) and method in IDEMPOTENT_METHODS):
                        break  # passthrough: the caller gets the redirect itself, we follow none elsewhere
                    if not self._same_origin(location):
                        raise ConnectorBadResponse(
                            f"{method} {self._scrub(_path_of(current_url))} redirected to another host "
                            f"({urlsplit(location).netloc}); not followed.",
                            status_code=response.status_code,
                        )
                    if method not in IDEMPOTENT_METHODS:
                        raise ConnectorBadResponse(
                            f"{method} {self._scrub(_path_of(current_url))} answered a redirect "
                            f"({response.status_code}); writes are not re-sent to another address.",
                            status_code=response.status_code,
                        )
                    redirects += 1
                    current_url = location
                    send_params = {}
                    continue
                break
            elapsed = time.monotonic() - started
        result = HttpResponse(
            status_code=response.status_code,
            headers=CaseInsensitiveDict(response.headers),
            content=content,
            url=current_url,
            method=method,
            elapsed=elapsed,
            header_items=_header_items(response),
        )
        self._observe_budget(result)
        logger.info(
            "%s %s -> %d in %.0f ms",
            method, self._scrub(_path_of(current_url)), result.status_code, elapsed * 1000,
        )  # fmt: skip
        if 200 <= result.status_code < 300:
            return result
        now = self.clock()
        retry_after = parse_retry_after(result.headers.get("Retry-After"), now=now)
        if retry_after is None and result.status_code == 429:
            retry_after = parse_rate_limit_reset(result.headers, now=now)
        if result.status_code == 429 and retry_after is not None:
            self.rate_limiter.hold_off(self.rate_key, retry_after)
        if not raise_for_status:
            return result
        raise error_for_status(
            method, current_url, result.status_code, result.content, retry_after=retry_after, scrub=self._scrub
        )

    def _observe_budget(self, response: HttpResponse) -> None:
        """`X-RateLimit-Remaining: 0` means the next request would be refused: hold everyone off until reset."""
        remaining = response.headers.get("X-RateLimit-Remaining") or response.headers.get("RateLimit-Remaining")
        if remaining is None:
            return
        try:
            exhausted = float(remaining.strip()) <= 0
        except ValueError:
            return
        if exhausted:
            now = self.clock()
            wait = parse_rate_limit_reset(response.headers, now=now)
            if wait is not None:
                self.rate_limiter.hold_off(self.rate_key, wait)

    def _transport_error(
        self, method: str, url: str, exc: requests.RequestException, *, safe_to_repeat: bool
    ) -> ConnectorError:
        where = f"{method} {self._scrub(_path_of(url))}"
        nothing_sent = _nothing_was_sent(exc)
        timed_out = isinstance(exc, requests.Timeout)
        if not safe_to_repeat and not nothing_sent:
            # The ATS may have acted on it: the caller must look before writing again.
            return ConnectorWriteUncertain(
                f"{where}: no answer from the ATS ({type(exc).__name__}); the write may or may not have happened.",
                timed_out=timed_out,
            )
        kind = "timed out" if timed_out else f"failed ({type(exc).__name__})"
        return ConnectorUnavailable(f"{where}: {kind}.", nothing_sent=nothing_sent, timed_out=timed_out)

    def _logged_path(self, url: str, params: Mapping[str, Any], secret_params: set[str]) -> str:
        """The path and query of a request as the request log keeps it: secret parameters' values redacted."""
        parts = urlsplit(url)
        query = [
            (key, REDACTED if key in secret_params else value)
            for key, values in params.items()
            for value in (values if isinstance(values, list | tuple) else [values])
        ]
        joined = "&".join(part for part in (parts.query, urlencode(query, safe="[]:,")) if part)
        return self._scrub(f"{parts.path or '/'}{'?' + joined if joined else ''}")

    def _scrub(self, text: str) -> str:
        for secret in self.secrets:
            if secret and len(secret) >= 4:
                text = text.replace(secret, REDACTED)
        return redact(text)


# -- fetching a file a caller pointed us at (attachments' `data_url`) --------------------------------------
#
# The URL comes from an API caller, so it must not become a way into our own network (SSRF): only http(s), and
# every connection — the first and each redirect's — goes only to public addresses. The check runs when the
# socket is opened, on the addresses the name resolved to, and the connection uses the address that was
# checked, so a name that resolves differently the second time (DNS rebinding) gains nothing.

FETCH_SCHEMES = ("http", "https")


class AddressRefused(ConnectorInputError):
    """The URL is not fetched: another scheme, or it leads to a private, loopback, link-local or reserved address."""


@dataclass(frozen=True)
class FetchedFile:
    content: bytes
    content_type: str | None  # the answer's Content-Type without parameters, None when absent
    url: str  # after redirects


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def address_allowed(address: str, allowed_networks: Sequence[Network] = ()) -> bool:
    """Public unicast addresses only, unless the address is inside one of `allowed_networks` (tests)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip.version == network.version and ip in network for network in allowed_networks):
        return True
    return ip.is_global and not ip.is_multicast


def _checked_address(host: str, port: int, allowed_networks: Sequence[Network]) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ConnectorInputError(f"The host {host!r} could not be resolved ({exc}).") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    refused = [address for address in addresses if not address_allowed(address, allowed_networks)]
    if refused or not addresses:
        raise AddressRefused(
            f"The host {host!r} resolves to a non-public address ({', '.join(refused) or 'none'}); not fetched."
        )
    return addresses[0]


def _guarded_session(allowed_networks: Sequence[Network]) -> requests.Session:
    """A session whose every new connection first checks where it goes (see above)."""

    class Guard:
        def _new_conn(self) -> socket.socket:
            # Connect to the checked address; TLS still verifies the certificate against the host name.
            self._dns_host = _checked_address(self._dns_host, self.port, allowed_networks)  # type: ignore[attr-defined]
            return super()._new_conn()  # type: ignore[misc]

    http_connection = type("GuardedHTTPConnection", (Guard, urllib3.connection.HTTPConnection), {})
    https_connection = type("GuardedHTTPSConnection", (Guard, urllib3.connection.HTTPSConnection), {})
    http_pool = type("GuardedHTTPPool", (urllib3.HTTPConnectionPool,), {"ConnectionCls": http_connection})
    https_pool = type("GuardedHTTPSPool", (urllib3.HTTPSConnectionPool,), {"ConnectionCls": https_connection})

    class GuardedAdapter(requests.adapters.HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": http_pool, "https": https_pool}

    session = requests.Session()
    session.trust_env = False  # no proxy: the check must see the real destination
    session.mount("http://", GuardedAdapter(max_retries=0))
    session.mount("https://", GuardedAdapter(max_retries=0))
    return session


def guarded_session(allowed_networks: Sequence[Network] = ()) -> requests.Session:
    """A session that connects only to public addresses (or `allowed_networks`): the SSRF guard of `fetch_file`,
    for other caller-given URLs (outgoing webhooks)."""
    return _guarded_session(allowed_networks)


def fetch_file(
    url: str,
    *,
    max_bytes: int,
    allowed_networks: Sequence[Network] = (),
    timeout: Timeout | None = None,
    deadline: float = 60.0,
    max_redirects: int = MAX_REDIRECTS,
) -> FetchedFile:
    """GET a file from a caller-given URL: public addresses only, at most `max_bytes`, within `deadline` seconds.

    Raises AddressRefused (scheme or address), ConnectorInputError (too large, bad URL), the status errors of
    `error_for_status` and ConnectorUnavailable (transport failures).
    """
    timeout = timeout or Timeout(connect=5.0, read=20.0)
    started = time.monotonic()
    current = url
    with _guarded_session(allowed_networks) as session:
        for _ in range(max_redirects + 1):
            parts = urlsplit(current)
            if parts.scheme.lower() not in FETCH_SCHEMES or not parts.hostname:
                raise AddressRefused(f"Only http and https URLs are fetched, not {parts.scheme or 'this'!r}.")
            where = f"GET {parts.scheme}://{parts.netloc}{parts.path}"
            try:
                response = session.get(
                    current, timeout=timeout.as_requests(), allow_redirects=False, stream=True,
                    headers={"User-Agent": USER_AGENT, "Accept": "*/*"},
                )  # fmt: skip
            except requests.exceptions.InvalidURL as exc:
                raise ConnectorInputError(f"Invalid URL: {exc}") from None
            except requests.RequestException as exc:
                kind = "timed out" if isinstance(exc, requests.Timeout) else f"failed ({type(exc).__name__})"
                raise ConnectorUnavailable(f"{redact(where)}: {kind}.") from None
            with response:
                if response.is_redirect:
                    current = urljoin(current, response.headers.get("Location", ""))
                    continue
                if not 200 <= response.status_code < 300:
                    raise error_for_status("GET", current, response.status_code, response.raw.read(2000) or b"")

                def within_deadline(where: str = where) -> None:
                    if time.monotonic() - started > deadline:
                        raise ConnectorUnavailable(f"{redact(where)}: the download took longer than {deadline}s.")

                try:
                    content = read_capped(response, max_bytes, each_chunk=within_deadline)
                except BodyTooLarge as exc:
                    declared = f" ({exc.declared})" if exc.declared else ""
                    raise ConnectorInputError(f"The file is larger than {max_bytes} bytes{declared}.") from None
                except requests.RequestException as exc:
                    raise ConnectorUnavailable(f"{redact(where)}: failed ({type(exc).__name__}).") from None
                content_type = (response.headers.get("Content-Type") or "").split(";", 1)[0].strip() or None
                logger.info("GET %s -> %d, %d bytes", redact(where), response.status_code, len(content))
                return FetchedFile(content=content, content_type=content_type, url=current)
    raise ConnectorInputError(f"More than {max_redirects} redirects; not followed.")
