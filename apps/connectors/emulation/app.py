"""`EmulatorApp`: the WSGI pipeline every vendor emulator shares, and the `/_emulator/` control endpoints.

A request to the vendor API goes through, in order:
  route match (404/405) → preflight, e.g. an unknown API version (404) → authenticate (401) → rate/concurrency
  limiter (429) → injected faults (latency, drop, status) → access check, e.g. OAuth scopes (403) → the handler,
  run under `self.lock`.
Every limited response carries the limiter's headers. Control endpoints (`/_emulator/...`) skip all of that
and are not counted in the request statistics.

A vendor emulator subclasses `EmulatorApp`, registers its routes on `self.router` (route meta: `scopes`,
`public`, `unlimited`, `limits`), implements `authenticate`, `error_body`, `state_snapshot`, `seed` and
`reset_state`, and may add its own control routes on `self.control`. Optional hooks: `preflight` (refuse a request
before authentication), `rate_limit_headers` (which limiter headers the vendor sends), `configure_limits` /
`limits_snapshot` (vendor-specific knobs on `/_emulator/limits`).
"""

from __future__ import annotations

import math
import threading
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.faults import KINDS, Fault, FaultInjector, FaultPlan
from apps.connectors.emulation.http import HttpError, Request, Response
from apps.connectors.emulation.oauth import OAuthProvider
from apps.connectors.emulation.ratelimit import Limits, RateLimiter, RouteLimits, Ticket
from apps.connectors.emulation.routing import Route, Router
from apps.connectors.emulation.server import BODY_READ_KEY, drop_connection
from apps.connectors.emulation.stats import RequestStats

CONTROL_PREFIX = "/_emulator"


@dataclass(frozen=True)
class Principal:
    """Who is calling. `credential` keys the limiter and the statistics and never contains a secret;
    `scopes=None` means unrestricted (e.g. an API key)."""

    credential: str
    kind: str
    scopes: frozenset[str] | None = None
    subject: str | None = None
    client_id: str | None = None

    def has_any_scope(self, scopes: Iterable[str]) -> bool:
        return self.scopes is None or any(scope in self.scopes for scope in scopes)


ANONYMOUS = Principal(credential="anonymous", kind="anonymous")
UNAUTHENTICATED_KEY = "unauthenticated"


class ControlError(HttpError):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(status, "CONTROL_ERROR", message)


class EmulatorApp:
    """Base WSGI application of a stateful vendor emulator."""

    name = "emulator"

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        limits: Limits | None = None,
        limits_enabled: bool = True,
        send_retry_after: bool = False,
    ) -> None:
        self.clock = clock or Clock()
        self.lock = threading.RLock()
        self.router = Router()
        self.control = Router()
        self.faults = FaultInjector()
        self.limiter = RateLimiter(limits or Limits(), clock=self.clock, enabled=limits_enabled)
        self.stats = RequestStats(self.clock)
        self.send_retry_after = send_retry_after
        self.oauth: OAuthProvider | None = None
        self.last_exception: BaseException | None = None
        self._register_control_endpoints()

    # ------------------------------------------------------------------ hooks for vendor emulators
    def authenticate(self, request: Request, route: Route) -> Principal:
        """Identify the caller or raise a 401 `HttpError`."""
        raise NotImplementedError

    def check_access(self, request: Request, route: Route, principal: Principal) -> None:
        """Default: the route's `scopes` meta lists scopes of which the caller needs any one."""
        scopes = route.meta.get("scopes") or ()
        if scopes and not principal.has_any_scope(scopes):
            raise HttpError(403, "FORBIDDEN", f"Requires one of the scopes: {', '.join(scopes)}")

    def error_body(self, request: Request | None, route: Route | None, error: HttpError) -> dict[str, Any]:
        """The vendor's error body for `error`. Default: `{"code", "message"}`."""
        return {"code": error.code, "message": error.message}

    def error_response(self, request: Request | None, route: Route | None, error: HttpError) -> Response:
        response = Response.json(self.error_body(request, route, error), error.status)
        for name, value in error.headers.items():
            response.set_header(name, value)
        return response

    def preflight(self, request: Request, route: Route) -> None:
        """Runs right after routing, before authentication: raise an `HttpError` to refuse the request
        (e.g. a path parameter the vendor validates first, such as an API version). Default: nothing."""

    def rate_limited_error(self, request: Request, route: Route, ticket: Ticket) -> HttpError:
        return HttpError(429, "RATE_LIMIT_EXCEEDED", "Too many requests")

    def rate_limit_headers(self, ticket: Ticket) -> dict[str, str]:
        """The limiter headers set on limited responses. Default: all of them (`X-RateLimit-*`)."""
        return ticket.headers

    def configure_limits(self, body: dict[str, Any]) -> None:
        """Vendor-specific keys of `POST /_emulator/limits` (the generic ones are already applied)."""

    def credential_rate(self, principal: Principal) -> int | None:
        """This caller's own rate per window, for vendors whose credential kinds have different rates.
        Default None: every credential gets `limits.rate`."""
        return None

    def route_limits(self, route: Route) -> RouteLimits | None:
        limits = route.meta.get("limits")
        return limits if isinstance(limits, RouteLimits) else None

    def state_snapshot(self) -> dict[str, Any]:
        raise NotImplementedError

    def seed(self, params: dict[str, Any]) -> dict[str, Any]:
        """Replace the state with generated data; returns a summary (counts)."""
        raise NotImplementedError

    def reset_state(self) -> None:
        """Back to the state the emulator started with."""
        raise NotImplementedError

    def describe(self, url: str) -> dict[str, str]:
        """Credentials and entry points worth printing when the emulator is served by hand."""
        return {}

    # ------------------------------------------------------------------ WSGI
    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        try:
            request = Request.from_environ(environ)
        except HttpError as error:  # e.g. 413: the body was not read, so the connection must not be reused
            environ[BODY_READ_KEY] = False
            response = self.error_response(None, None, error)
        else:
            response = self.handle(request)
        headers = [*response.headers, ("Content-Length", str(len(response.body)))]
        start_response(response.status_line, headers)
        return [response.body] if environ.get("REQUEST_METHOD") != "HEAD" else [b""]

    def handle(self, request: Request) -> Response:
        if request.path == CONTROL_PREFIX or request.path.startswith(CONTROL_PREFIX + "/"):
            return self._handle_control(request)
        try:
            route, params = self.router.match(request.method, request.path)
        except HttpError as error:
            return self.error_response(request, None, error)
        request.path_params = params
        try:
            self.preflight(request, route)
        except HttpError as error:
            return self.error_response(request, route, error)
        if route.meta.get("unlimited"):
            # Endpoints outside the rate-limited API (OAuth pages, token endpoint): faults still apply.
            return self._run(route, request, check=False)
        try:
            principal = ANONYMOUS if route.meta.get("public") else self.authenticate(request, route)
        except HttpError as error:
            return self._unauthenticated(request, route, error)
        request.principal = principal
        key = principal.credential
        self.stats.started(key)
        ticket = self.limiter.acquire(key, self.route_limits(route), rate=self.credential_rate(principal))
        status = 0  # stays 0 when the connection is dropped
        try:
            if ticket.allowed:
                response = self._run(route, request, check=True)
            else:
                response = self.error_response(request, route, self.rate_limited_error(request, route, ticket))
                if self.send_retry_after and ticket.retry_after is not None:
                    response.set_header("Retry-After", str(max(1, math.ceil(ticket.retry_after))))
            status = response.status
        finally:
            ticket.release()
            self.stats.finished(key, status)
        for name, value in self.rate_limit_headers(ticket).items():
            response.set_header(name, value)
        return response

    def _unauthenticated(self, request: Request, route: Route, error: HttpError) -> Response:
        # Failed logins share one budget, so hammering with bad credentials is throttled too.
        ticket = self.limiter.acquire(UNAUTHENTICATED_KEY)
        ticket.release()
        if not ticket.allowed:
            error = self.rate_limited_error(request, route, ticket)
        response = self.error_response(request, route, error)
        if not ticket.allowed and self.send_retry_after and ticket.retry_after is not None:
            response.set_header("Retry-After", str(max(1, math.ceil(ticket.retry_after))))
        for name, value in self.rate_limit_headers(ticket).items():
            response.set_header(name, value)
        return response

    def _run(self, route: Route, request: Request, *, check: bool) -> Response:
        plan = self.faults.plan(request.method, request.path)
        if not plan.latency:
            return self._answer(route, request, plan, check=check)
        with self.faults.holding():
            self.clock.sleep(plan.latency, until=plan.released)
            return self._answer(route, request, plan, check=check)

    def _answer(self, route: Route, request: Request, plan: FaultPlan, *, check: bool) -> Response:
        if plan.drop:
            drop_connection(request.environ)
        if plan.respond_with is not None:
            return self.fault_response(request, route, plan.respond_with)
        try:
            if check:
                self.check_access(request, route, request.principal)
            with self.lock:
                response = route.handler(request)
        except HttpError as error:
            return self.error_response(request, route, error)
        except Exception as exc:  # an emulator bug: answer 500 and keep the traceback visible
            self.last_exception = exc
            traceback.print_exc()
            return self.error_response(request, route, HttpError(500, "INTERNAL_ERROR", "Emulator error"))
        if plan.lose_answer:
            drop_connection(request.environ)
        return response

    def fault_response(self, request: Request, route: Route, fault: Fault) -> Response:
        if fault.body is None:
            message = f"Injected fault: HTTP {fault.status}"
            response = self.error_response(request, route, HttpError(fault.status, "INJECTED_FAULT", message))
        elif isinstance(fault.body, str):
            response = Response.text(fault.body, fault.status)
        else:
            response = Response.json(fault.body, fault.status)
        for name, value in fault.headers.items():
            response.set_header(name, value)
        if fault.retry_after is not None:
            value = fault.retry_after
            response.set_header("Retry-After", str(int(value)) if float(value).is_integer() else str(value))
        return response

    # ------------------------------------------------------------------ control endpoints
    def _handle_control(self, request: Request) -> Response:
        try:
            route, params = self.control.match(request.method, request.path)
            request.path_params = params
            if route.meta.get("unlocked"):
                return route.handler(request)
            with self.lock:
                return route.handler(request)
        except HttpError as error:
            return Response.json({"error": error.message}, error.status)
        except (ValueError, TypeError, KeyError) as exc:
            return Response.json({"error": str(exc)}, 400)

    def _register_control_endpoints(self) -> None:
        add = self.control.add
        add("GET", CONTROL_PREFIX, self._control_index)
        add("GET", f"{CONTROL_PREFIX}/state", lambda request: Response.json(self.state_snapshot()))
        add("POST", f"{CONTROL_PREFIX}/seed", self._control_seed)
        add("POST", f"{CONTROL_PREFIX}/reset", self._control_reset)
        add("GET", f"{CONTROL_PREFIX}/faults", self._control_faults_list)
        add("POST", f"{CONTROL_PREFIX}/faults", self._control_faults_add)
        add("DELETE", f"{CONTROL_PREFIX}/faults", self._control_faults_clear)
        add("POST", f"{CONTROL_PREFIX}/tokens/expire", self._control_expire_tokens)
        add("GET", f"{CONTROL_PREFIX}/limits", self._control_limits)
        add("POST", f"{CONTROL_PREFIX}/limits", self._control_limits)
        add("GET", f"{CONTROL_PREFIX}/stats", lambda request: Response.json(self.stats.snapshot()))
        add("DELETE", f"{CONTROL_PREFIX}/stats", self._control_stats_reset)

    def _control_index(self, request: Request) -> Response:
        endpoints = sorted(f"{route.method} {route.template}" for route in self.control.routes())
        return Response.json({"emulator": self.name, "endpoints": endpoints})

    def _control_seed(self, request: Request) -> Response:
        params = request.json or {}
        if not isinstance(params, dict):
            raise ControlError("The seed body must be a JSON object")
        return Response.json(self.seed(params))

    def reset(self) -> None:
        """Fresh start: initial state, no faults, empty limiter windows, counters and tokens."""
        self.reset_state()
        self.faults.clear()
        self.limiter.reset()
        self.stats.reset()
        if self.oauth is not None:
            self.oauth.reset_tokens()

    def _control_reset(self, request: Request) -> Response:
        self.reset()
        return Response.json({"reset": True})

    def _control_faults_list(self, request: Request) -> Response:
        return Response.json({"faults": [fault.as_dict() for fault in self.faults.list()], "held": self.faults.held})

    def _control_faults_add(self, request: Request) -> Response:
        body = request.json_object()
        kind = body.get("kind", "status")
        if kind == "expire_tokens":
            return self._control_expire_tokens(request)
        if kind not in KINDS:
            raise ControlError(f"kind must be one of {', '.join((*KINDS, 'expire_tokens'))}")
        fault = self.faults.add(
            kind,
            count=body.get("count", 1),
            method=body.get("method"),
            path=body.get("path"),
            status=int(body.get("status", 500)),
            body=body.get("body"),
            headers={str(k): str(v) for k, v in (body.get("headers") or {}).items()},
            retry_after=body.get("retryAfter"),
            latency=float(body.get("latency", 0.0)),
            skip=int(body.get("skip", 0)),
            probability=float(body["probability"]) if body.get("probability") is not None else None,
            seed=int(body["seed"]) if body.get("seed") is not None else None,
        )
        return Response.json(fault.as_dict(), 201)

    def _control_faults_clear(self, request: Request) -> Response:
        self.faults.clear()
        return Response.json({"faults": []})

    def _control_expire_tokens(self, request: Request) -> Response:
        if self.oauth is None:
            raise ControlError("This emulator has no OAuth provider", 404)
        body = request.json or {}
        expired = self.oauth.expire_access_tokens(include_non_expiring=bool(body.get("includeNonExpiring")))
        revoked = self.oauth.revoke_refresh_tokens() if body.get("refreshTokens") else 0
        return Response.json({"expiredAccessTokens": expired, "revokedRefreshTokens": revoked})

    def limits_snapshot(self) -> dict[str, Any]:
        limits = self.limiter.limits
        return {
            "enabled": self.limiter.enabled,
            "rate": limits.rate,
            "window": limits.window,
            "concurrency": limits.concurrency,
            "sendRetryAfter": self.send_retry_after,
        }

    def _control_limits(self, request: Request) -> Response:
        if request.method == "POST":
            body = request.json_object()
            if "enabled" in body:
                self.limiter.enabled = bool(body["enabled"])
            if "sendRetryAfter" in body:
                self.send_retry_after = bool(body["sendRetryAfter"])
            current = self.limiter.limits
            changed = Limits(
                rate=int(body.get("rate", current.rate)),
                concurrency=int(body.get("concurrency", current.concurrency)),
                window=float(body.get("window", current.window)),
            )
            if changed.rate < 1 or changed.concurrency < 1 or changed.window <= 0:
                raise ControlError("rate and concurrency must be at least 1 and window positive")
            self.limiter.limits = changed
            self.configure_limits(body)
        return Response.json(self.limits_snapshot())

    def _control_stats_reset(self, request: Request) -> Response:
        self.stats.reset()
        return Response.json(self.stats.snapshot())
