"""The Personio Recruiting emulator: the v2 auth API (client credentials → Bearer token, form body only), v2
reads with cursor paging, the v1 create that answers no id, v1 document uploads, Personio's error bodies (v1
reason codes, v2 `ErrorResponse`), per-company limits.

    app = create_app(seed={"candidates": 50})
    with LoopbackServer(app) as server: ...

Facts: /work/shared/reference/ats-personio-teamtailor.md Part A (A1, A2, C "Minimal faithful behaviours").
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from apps.connectors.emulation.app import ControlError, Principal
from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.http import HttpError, Request, Response
from apps.connectors.emulation.oauth import InvalidToken, OAuthClient, OAuthProvider
from apps.connectors.emulation.ratelimit import Limits, RateLimiter, Ticket
from apps.connectors.emulation.records import StateError, fmt
from apps.connectors.emulation.routing import Route
from apps.connectors.emulation.vendor import StateHooks, VendorEmulator
from apps.connectors.personio.emulator.control import ControlApi
from apps.connectors.personio.emulator.dump import counts, dump
from apps.connectors.personio.emulator.seed import SeedConfig, build_state
from apps.connectors.personio.emulator.state import Invalid, Missing, State
from apps.connectors.personio.emulator.v1 import V1Api
from apps.connectors.personio.emulator.v2 import READ_SCOPE, V2Api

DEFAULT_CLIENT_ID = "papi-emulated-client"
DEFAULT_CLIENT_SECRET = "papi-emulated-secret"
DEFAULT_API_KEY = "personio-recruiting-access-token"  # the v1 "Recruiting API key" (Bearer + X-Company-ID)
WRITE_SCOPE = "personio:recruiting:write"
ALL_SCOPES = frozenset({READ_SCOPE, WRITE_SCOPE, "personio:webhooks:read", "personio:webhooks:write"})
TOKEN_PATH = "/v2/auth/token"
# The v2 token's lifetime is NOT FOUND: assumed 86400 s like the v1 auth token (A1).
ACCESS_TOKEN_TTL = 86400
# `/v2/auth/token`: 150 per minute (P-DEV). v2 recruiting GETs: NOT FOUND, assumed 300 per 60 s per company.
TOKEN_RATE_PER_MINUTE = 150
V2_RATE_PER_MINUTE = 300
WINDOW_SECONDS = 60.0
CONCURRENCY = 10  # assumed: not documented
ERRORS_DOC = "https://developer.personio.de/reference/errors#"


class PersonioEmulator(V2Api, V1Api, ControlApi, VendorEmulator):
    name = "personio"
    seed_config_type = SeedConfig
    state_hooks = StateHooks(build=build_state, counts=counts, dump=dump)
    api_key_label = "Recruiting API key (v1, Bearer + X-Company-ID)"
    default_client = OAuthClient(
        client_id=DEFAULT_CLIENT_ID, client_secret=DEFAULT_CLIENT_SECRET, redirect_uris=(), name="Tributary",
        default_scopes=ALL_SCOPES, allowed_scopes=ALL_SCOPES, grant_types=frozenset({"client_credentials"}),
    )  # fmt: skip
    known_scopes = ALL_SCOPES
    token_path = TOKEN_PATH
    state: State

    def __init__(
        self,
        *,
        seed: SeedConfig | Mapping[str, Any] | None = None,
        api_keys: tuple[str, ...] = (DEFAULT_API_KEY,),
        clock: Clock | None = None,
        limits_enabled: bool = True,
        rate: int = V2_RATE_PER_MINUTE,
    ) -> None:
        super().__init__(
            seed=seed,
            clock=clock,
            limits=Limits(rate=rate, concurrency=CONCURRENCY, window=WINDOW_SECONDS),
            limits_enabled=limits_enabled,
            # Retry-After is NOT FOUND (429 "then wait 60 s"): assumed sent, so clients know when to come back.
            send_retry_after=True,
        )
        self.api_keys: dict[str, None] = dict.fromkeys(api_keys)
        self.token_limiter = RateLimiter(
            Limits(rate=TOKEN_RATE_PER_MINUTE, concurrency=100, window=WINDOW_SECONDS), clock=self.clock
        )
        self.oauth = OAuthProvider(
            known_scopes=ALL_SCOPES, clients=[self.default_client], clock=self.clock,
            access_token_ttl=ACCESS_TOKEN_TTL, product_name="Personio (emulated)",
        )  # fmt: skip
        self.add_route("POST", TOKEN_PATH, self._token, unlimited=True)
        self._register_v2()
        self._register_v1()
        self._register_controls()

    # ------------------------------------------------------------------ errors
    def http_error_for(self, error: StateError) -> HttpError:
        if isinstance(error, Invalid):
            details = [{"field": name, "reason": reason} for name, reason in error.problems]
            return HttpError(400, "validation", error.message, details=details)
        if isinstance(error, Missing):
            return HttpError(404, "common.requested_resource_not_found", error.message)
        return HttpError(error.status, "common.invalid_request", error.message)

    def error_body(self, request: Request | None, route: Route | None, error: HttpError) -> dict[str, Any]:
        if request is not None and request.path.startswith("/v1/"):
            if error.details:  # P-YAML `error_response`: one item per field, each with its reason codes
                by_field: dict[str | None, list[dict[str, Any]]] = {}
                for item in error.details:
                    by_field.setdefault(item["field"], []).append({"reason": item["reason"], "context": {}})
                return {"errors": [{"field": name, "errors": reasons} for name, reasons in by_field.items()]}
            return {"errors": [{"id": str(uuid.uuid4()), "status": str(error.status), "title": _title(error.status),
                                "detail": error.message}]}  # fmt: skip
        return {
            "personio_trace_id": str(uuid.uuid4()),
            "timestamp": fmt(self.clock.now()),
            "errors": [{"title": _title(error.status), "detail": error.message, "type": ERRORS_DOC + error.code}],
        }

    def error_response(self, request: Request | None, route: Route | None, error: HttpError) -> Response:
        if error.status == 429 and request is not None and request.path.startswith("/v1/"):
            response = Response.empty(429)  # "429" documented without a body (A2)
            for name, value in error.headers.items():
                response.set_header(name, value)
            return response
        return super().error_response(request, route, error)

    def invalid_token_error(self, error: InvalidToken) -> HttpError:
        return HttpError(401, "common.unauthorized", "The access token is invalid or expired.")  # wording assumed

    def rate_limited_error(self, request: Request, route: Route, ticket: Ticket) -> HttpError:
        return HttpError(429, "common.too_many_requests", "Too many requests.")  # v2 code assumed

    def rate_limit_headers(self, ticket: Ticket) -> dict[str, str]:
        return {}  # rate-limit headers are NOT FOUND (A2): none sent

    def check_access(self, request: Request, route: Route, principal: Principal) -> None:
        scopes = route.meta.get("scopes") or ()
        if scopes and not principal.has_any_scope(scopes):
            raise HttpError(403, "common.forbidden", f"The access token lacks the scope {scopes[0]}.")

    # ------------------------------------------------------------------ auth
    def authenticate(self, request: Request, route: Route) -> Principal:
        """v1: the Recruiting API key as Bearer + `X-Company-ID` (both required, A1); v2: a token of
        `/v2/auth/token`. Both count against the company's limits."""
        company = self.state.company_id
        if route.meta.get("v1"):
            authorization = request.header("authorization") or ""
            token = authorization[7:].strip() if authorization.lower().startswith("bearer ") else ""
            if token not in self.api_keys or request.header("x-company-id") != company:
                raise HttpError(401, "unauthorized", "Invalid credentials or company id.")  # wording assumed
            return Principal(credential=f"company:{company}", kind="api_key")
        grant = self.bearer_grant(request)
        if grant is None:
            raise HttpError(401, "common.unauthorized", "Missing Bearer token.")
        return Principal(credential=f"company:{company}", kind="oauth", scopes=grant.scopes, client_id=grant.client_id)

    def _token(self, request: Request) -> Response:
        """`POST /v2/auth/token`, Client Credentials Grant, `application/x-www-form-urlencoded` only (P-DEV);
        RFC 6749 bodies (the error bodies are NOT FOUND: assumed RFC 6749, A1)."""
        headers = {"Cache-Control": "no-store"}
        client_id = request.form_value("client_id") or ""
        ticket = self.token_limiter.acquire(f"token:{client_id}")
        ticket.release()
        if self.limiter.enabled and not ticket.allowed:
            retry = {"Retry-After": str(int(ticket.retry_after or WINDOW_SECONDS))}
            return Response.json({"error": "rate_limited", "error_description": "Too many token requests"}, 429, retry)
        if request.content_type != "application/x-www-form-urlencoded":
            return _oauth_error(400, "invalid_request", "Required Parameters Missing", headers)
        if request.form_value("grant_type") != "client_credentials":
            return _oauth_error(400, "unsupported_grant_type", "Unsupported Grant Type", headers)
        client = self.provider.client(client_id)
        if client is None or client.client_secret != request.form_value("client_secret"):
            return _oauth_error(401, "invalid_client", "Invalid Client", headers)
        wanted = frozenset((request.form_value("scope") or "").split()) or client.default_scopes
        if not wanted <= client.allowed_scopes:
            return _oauth_error(400, "invalid_scope", "Invalid Scope", headers)
        return Response.json(self.provider.issue_token(client.client_id, wanted), 200, headers)

    def reset(self) -> None:
        super().reset()
        self.token_limiter.reset()

    # ------------------------------------------------------------------ control hooks
    def control_oauth_client(self, body: dict[str, Any]) -> tuple[OAuthClient, dict[str, Any]]:
        """API Credentials in Settings > Integrations (v2 client id/secret with the chosen scopes)."""
        scopes = frozenset(body.get("scopes") or ALL_SCOPES)
        self.require_known_scopes(scopes)
        client = OAuthClient(
            client_id=str(body["clientId"]), client_secret=str(body["clientSecret"]), redirect_uris=(),
            name=str(body.get("name") or "Integration"), default_scopes=scopes, allowed_scopes=scopes,
            grant_types=frozenset({"client_credentials"}),
        )  # fmt: skip
        return client, {"scopes": sorted(scopes)}

    def token_grant(self, client: OAuthClient, body: dict[str, Any]) -> dict[str, Any]:
        scopes = body.get("scopes")
        return {"scopes": sorted(client.default_scopes) if scopes is None else scopes}

    def control_api_key(self, request: Request) -> Response:
        key = request.json_object().get("key")
        if not isinstance(key, str) or not key:
            raise ControlError("key is required")
        self.api_keys[key] = None
        return Response.json({"key": key, "company_id": self.state.company_id}, 201)

    def describe(self, url: str) -> dict[str, str]:
        return {
            "v2 client credentials": f"{DEFAULT_CLIENT_ID} / {DEFAULT_CLIENT_SECRET} (POST {url}{TOKEN_PATH})",
            self.api_key_label: f"{', '.join(self.api_keys)} / X-Company-ID {self.state.company_id}",
            "v2 reads": f"{url}/v2/recruiting/...",
            "v1 create": f"POST {url}/v1/recruiting/applications",
            "channels": f"{url}/_emulator/channels",
        }


def _title(status: int) -> str:
    return {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Resource not found",
            429: "Too Many Requests"}.get(status, "Internal Server Error" if status >= 500 else "Error")  # fmt: skip


def _oauth_error(status: int, error: str, description: str, headers: dict[str, str]) -> Response:
    return Response.json({"error": error, "error_description": description}, status, headers)


def create_app(**options: Any) -> PersonioEmulator:
    return PersonioEmulator(**options)
