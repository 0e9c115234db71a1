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

The seam's other parts live next to it, and the names stay importable from here:
- `http_limits`: the `RateLimiter` protocol, the in-process limiters, lanes of a `RateBudget`;
- `http_errors`: a non-2xx answer as a typed `ConnectorError`, `Retry-After` and `X-RateLimit-Reset`;
- `http_log`: the `OutboundCall` record, the request-log sink, secret scrubbing;
- `http_fetch`: fetching a caller-given URL (`fetch_file`) behind the SSRF guard.
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import NameResolutionError, NewConnectionError

from apps.connectors.catalog import RateBudget
from apps.connectors.errors import (
    ConnectorBadResponse,
    ConnectorError,
    ConnectorInputError,
    ConnectorRateLimited,
    ConnectorUnavailable,
    ConnectorWriteUncertain,
)
from apps.connectors.http_errors import error_for_status, parse_rate_limit_reset, parse_retry_after
from apps.connectors.http_limits import (
    LocalRateLimiter,
    RateLimiter,
    UnlimitedRateLimiter,
    concurrency_limit,
    lane_for,
    rate_key_for,
    rate_lane_for,
)
from apps.connectors.http_log import (
    BODY_EXCERPT_BYTES,
    REDACTED,
    CallSink,
    OutboundCall,
    _call_sinks,
    call_sink_register,
    emit,
    logged_path,
    scrub,
)

# What importers took from this module before it was split: they keep working.
__all__ = [
    "BODY_EXCERPT_BYTES",
    "REDACTED",
    "CallSink",
    "OutboundCall",
    "_call_sinks",
    "call_sink_register",
    "LocalRateLimiter",
    "RateLimiter",
    "UnlimitedRateLimiter",
    "concurrency_limit",
    "lane_for",
    "rate_key_for",
    "rate_lane_for",
    "error_for_status",
    "parse_rate_limit_reset",
    "parse_retry_after",
]

logger = logging.getLogger(__name__)

USER_AGENT = "Tributary/0.1 (+https://github.com/tributary-ats/tributary)"
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_REDIRECTS = 3
# An ATS answer larger than this is refused rather than held in memory (syncs read pages, not files; downloads and
# passthrough may carry files). `build_connector` takes the setting CONNECTOR_MAX_RESPONSE_BYTES.
MAX_RESPONSE_BYTES = 64 * 1024 * 1024
CHUNK_BYTES = 64 * 1024


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

    def add_secrets(self, values: Iterable[str]) -> None:
        """Scrub these too from now on: credentials renewed during a run (a refreshed OAuth access token)."""
        new = [value for value in values if value and value not in self.secrets]
        if new:
            self.secrets = [*self.secrets, *new]

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
                    emit(OutboundCall(
                        started_at=sent_at, rate_key=self.rate_key, method=method, path=logged_path, status=None,
                        duration=time.monotonic() - sent, attempt=attempt, rate_limit_wait=rate_limit_wait,
                        body_excerpt="", error=self._scrub(error.message),
                    ))  # fmt: skip
                    raise error from None
                except BodyTooLarge as exc:
                    declared = f" ({exc.declared} declared)" if exc.declared else ""
                    emit(OutboundCall(
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
                emit(OutboundCall(
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
        """`X-RateLimit-Remaining: 0` (Workable: `X-Rate-Limit-Remaining`) means the next request would be refused:
        hold everyone off until reset."""
        headers = response.headers
        remaining = (
            headers.get("X-RateLimit-Remaining")
            or headers.get("RateLimit-Remaining")
            or headers.get("X-Rate-Limit-Remaining")
        )
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
        return logged_path(url, params, secret_params, self.secrets)

    def _scrub(self, text: str) -> str:
        return scrub(text, self.secrets)


_MOVED_TO_HTTP_FETCH = frozenset(
    {"AddressRefused", "FetchedFile", "Network", "address_allowed", "fetch_file", "guarded_session"}
)


def __getattr__(name: str) -> Any:
    """The fetch names, importable from here as before the split (`http_fetch` builds on this module, so it is
    imported on first use rather than at the top)."""
    if name in _MOVED_TO_HTTP_FETCH:
        from apps.connectors import http_fetch

        return getattr(http_fetch, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
