"""The Greenhouse Harvest v3 emulator: OAuth2 (client credentials with `sub`, partner authorization code), the
v1-key transition token, Bearer auth, scopes, Site-Admin-only lists, cursor paging, 30-second windows, 422 bodies.

    app = create_app(seed={"candidates": 50})
    with LoopbackServer(app) as server: ...

Facts: /work/shared/reference/ats-greenhouse-lever.md Part A. `auth.greenhouse.io/token` and
`harvest.greenhouse.io` are one host here (assumed: the emulator serves both on its own host).
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from apps.connectors.emulation.app import ControlError, Principal
from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.http import HttpError, Request, Response
from apps.connectors.emulation.oauth import InvalidToken, OAuthClient, OAuthProvider
from apps.connectors.emulation.ratelimit import Limits, Ticket
from apps.connectors.emulation.records import StateError, fmt
from apps.connectors.emulation.routing import Route
from apps.connectors.emulation.vendor import DEFAULT_CLIENT_ID as DEFAULT_CLIENT_ID  # re-exported
from apps.connectors.emulation.vendor import DEFAULT_CLIENT_SECRET as DEFAULT_CLIENT_SECRET  # re-exported
from apps.connectors.emulation.vendor import StateHooks, VendorEmulator, emulator_client
from apps.connectors.greenhouse.emulator.control import ControlApi
from apps.connectors.greenhouse.emulator.dump import counts, dump
from apps.connectors.greenhouse.emulator.resources import ResourcesApi
from apps.connectors.greenhouse.emulator.seed import SeedConfig, build_state
from apps.connectors.greenhouse.emulator.state import Invalid, State
from apps.connectors.greenhouse.emulator.webhooks import WebhooksApi

DEFAULT_API_KEY = "greenhouse-harvest-v1-key"  # a v1 key, good for the transition token (`POST /auth/token`)
DEFAULT_REDIRECT_URI = "http://127.0.0.1:8000/connect/oauth/callback"
ADMIN_USER_ID = 1001  # the seeded Site Admin (first user)
RESOURCES = (
    "users", "jobs", "job_interview_stages", "job_posts", "candidates", "applications", "sources",
    "rejection_reasons", "candidate_tags", "applied_candidate_tags", "notes", "attachments", "offers", "interviews",
    "interviewers", "job_interviews", "scorecards", "application_stages", "user_roles", "scorecard_questions",
    "scorecard_question_options", "scorecard_question_answers", "scorecard_question_answer_options",
    "custom_fields", "custom_field_options",
)  # fmt: skip
WRITES = (
    "candidates:create", "applications:create", "applications:move", "applications:reject", "applications:hire",
    "notes:create", "candidate_tags:create", "applied_candidate_tags:create", "applied_candidate_tags:delete",
    "attachments:create",
)  # fmt: skip
ALL_SCOPES = frozenset({f"harvest:{name}:list" for name in RESOURCES} | {f"harvest:{name}" for name in WRITES})
# Lifetimes (A1): code 1 min, access 1 h, refresh 24 h, refresh tokens rotate on every use.
ACCESS_TOKEN_TTL = 3600
REFRESH_TOKEN_TTL = 24 * 3600
CODE_TTL = 60
# v3: fixed 30 s windows, ceiling unpublished (PEERS cites 75 per window, unverified): assumed 75 per 30 s.
WINDOW_SECONDS = 30.0
RATE_PER_WINDOW = 75
CONCURRENCY = 10  # assumed: not documented


class GreenhouseEmulator(ResourcesApi, ControlApi, WebhooksApi, VendorEmulator):
    name = "greenhouse"
    seed_config_type = SeedConfig
    state_hooks = StateHooks(build=build_state, counts=counts, dump=dump)
    api_key_label = "Harvest v1 key (Basic, for POST /auth/token)"
    default_client = emulator_client(DEFAULT_REDIRECT_URI, sorted(ALL_SCOPES))
    known_scopes = ALL_SCOPES
    authorize_path = "/authorize"
    token_path = "/token"
    state: State

    def __init__(
        self,
        *,
        seed: SeedConfig | Mapping[str, Any] | None = None,
        api_keys: Iterable[str] = (DEFAULT_API_KEY,),
        clock: Clock | None = None,
        limits_enabled: bool = True,
        rate: int = RATE_PER_WINDOW,
    ) -> None:
        super().__init__(
            seed=seed,
            clock=clock,
            limits=Limits(rate=rate, concurrency=CONCURRENCY, window=WINDOW_SECONDS),
            limits_enabled=limits_enabled,
            send_retry_after=True,
        )
        self.api_keys: dict[str, None] = dict.fromkeys(api_keys)
        self.oauth = OAuthProvider(
            known_scopes=ALL_SCOPES,
            clients=[self.default_client],
            clock=self.clock,
            access_token_ttl=ACCESS_TOKEN_TTL,
            refresh_token_ttl=REFRESH_TOKEN_TTL,
            code_ttl=CODE_TTL,
            rotate_refresh_tokens=True,
            subject=self.owner_subject(),
            subject_label=self.owner_label(),
            product_name="Greenhouse (emulated)",
        )
        self.add_route("GET", self.authorize_path, self._oauth_page, unlimited=True)
        self.add_route("POST", self.authorize_path, self._oauth_submit, unlimited=True)
        self.add_route("POST", self.token_path, self._token, unlimited=True)
        self.add_route("POST", "/auth/token", self._transition_token, unlimited=True)
        self._register_resources()
        self._register_controls()
        self._register_webhooks()

    # ------------------------------------------------------------------ vendor hooks
    def owner_subject(self) -> str | None:
        return str(ADMIN_USER_ID) if ADMIN_USER_ID in self.state.users else None

    def owner_label(self) -> str:
        user = self.state.users.get(ADMIN_USER_ID)
        return f"{user['name']} <{user['primary_email']}>" if user else "the administrator"

    def http_error_for(self, error: StateError) -> HttpError:
        if isinstance(error, Invalid):
            return HttpError(
                422, "validation", "Validation error", details=[{"message": error.reason, "field": error.field}]
            )
        return HttpError(error.status, "not_found", "Resource not found")

    def error_body(self, request: Request | None, route: Route | None, error: HttpError) -> dict[str, Any]:
        # GH-V1 shape (`{"message", "errors": [{"message", "field"}]}`); v3 bodies NOT FOUND: assumed the same.
        body: dict[str, Any] = {"message": error.message}
        if error.details:
            body["errors"] = list(error.details)
        return body

    def invalid_token_error(self, error: InvalidToken) -> HttpError:
        return HttpError(401, "unauthorized", "Invalid or expired access token")  # wording assumed

    def rate_limited_error(self, request: Request, route: Route, ticket: Ticket) -> HttpError:
        return HttpError(429, "rate_limited", "Rate limit exceeded")  # wording assumed

    def rate_limit_headers(self, ticket: Ticket) -> dict[str, str]:
        # v3 sends X-RateLimit-Remaining and X-RateLimit-Reset (A2); the reset is the end of the 30 s window.
        now = self.clock.time()
        reset = (math.floor(now / WINDOW_SECONDS) + 1) * WINDOW_SECONDS
        if ticket.retry_after is not None:
            reset = now + ticket.retry_after
        return {
            "X-RateLimit-Remaining": ticket.headers["X-RateLimit-Remaining"],
            "X-RateLimit-Reset": str(math.ceil(reset)),
        }

    def control_oauth_client(self, body: dict[str, Any]) -> tuple[OAuthClient, dict[str, Any]]:
        scopes = frozenset(body.get("scopes") or ALL_SCOPES)
        self.require_known_scopes(scopes)
        grant_types = {"authorization_code", "refresh_token"}
        if not body.get("partner"):  # "Client Credentials Flow is not available for Greenhouse partners" (A1)
            grant_types.add("client_credentials")
        client = OAuthClient(
            client_id=str(body["clientId"]),
            client_secret=str(body["clientSecret"]),
            redirect_uris=tuple(str(uri) for uri in body.get("redirectUris") or ()),
            name=str(body.get("name") or "Integration"),
            default_scopes=scopes,
            allowed_scopes=scopes,
            grant_types=frozenset(grant_types),
        )
        return client, {"scopes": sorted(scopes)}

    def token_grant(self, client: OAuthClient, body: dict[str, Any]) -> dict[str, Any]:
        scopes = body.get("scopes")
        return {
            "scopes": sorted(client.default_scopes) if scopes is None else scopes,
            "grant_type": "client_credentials",
        }

    def control_api_key(self, request: Request) -> Response:
        key = request.json_object().get("key")
        if not isinstance(key, str) or not key:
            raise ControlError("key is required")
        self.api_keys[key] = None
        return Response.json({"key": key}, 201)

    def describe_endpoints(self, url: str) -> dict[str, str]:
        return {
            "harvest v3": f"{url}/v3/...",
            "client credentials": f"POST {url}/token grant_type=client_credentials&sub=<user id>",
        }

    # ------------------------------------------------------------------ tokens
    def _basic(self, request: Request) -> tuple[str, str] | None:
        authorization = request.header("authorization") or ""
        if not authorization.lower().startswith("basic "):
            return None
        try:
            user, _, password = base64.b64decode(authorization[6:].strip()).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return user, password

    def _subject(self, raw: Any) -> str | None:
        """`sub`: the numeric id of the acting user (omitted: a service account, A1)."""
        if raw in (None, ""):
            return None
        text = str(raw)
        if not text.isdigit() or int(text) not in self.state.users or self.state.users[int(text)]["deactivated"]:
            raise _TokenError("invalid_request", "sub must be the id of an active user")  # error code assumed
        return text

    def _token(self, request: Request) -> Response:
        """`POST /token`: client credentials (Basic client_id:client_secret, `sub`) here; the authorization code
        and refresh grants as the kit's provider does them (RFC 6749 JSON: assumed, A1)."""
        if request.form_value("grant_type") != "client_credentials":
            return self.provider.token_endpoint(request)
        headers = {"Cache-Control": "no-store"}
        basic = self._basic(request)
        client = self.provider.client(basic[0]) if basic else None
        if basic is None or client is None or client.client_secret != basic[1]:
            return Response.json(
                {"error": "invalid_client", "error_description": "Client authentication failed"}, 401, headers
            )
        if "client_credentials" not in client.grant_types:
            return Response.json(
                {
                    "error": "unauthorized_client",
                    "error_description": "Client credentials are not available to partners",
                },
                400,
                headers,
            )
        try:
            subject = self._subject(request.form_value("sub"))
        except _TokenError as exc:
            return Response.json({"error": exc.error, "error_description": exc.description}, 400, headers)
        token = self.provider.issue_token(client.client_id, client.default_scopes, subject=subject)
        return Response.json(token, 200, headers)

    def _transition_token(self, request: Request) -> Response:
        """`POST /auth/token` with a v1 key (Basic key:blank) and `{"sub": <int>}` → `{token_type, access_token,
        expires}` (GH-V3-SPEC; deprecated with v1)."""
        basic = self._basic(request)
        if basic is None or basic[0] not in self.api_keys:
            return Response.json({"message": "Invalid Basic Auth credentials"}, 401)
        body = request.json_object()
        if body.get("sub") is None:
            return Response.json(
                {"message": "Validation error", "errors": [{"message": "is required", "field": "sub"}]}, 422
            )
        try:
            subject = self._subject(body["sub"])
        except _TokenError as exc:
            return Response.json(
                {"message": "Validation error", "errors": [{"message": exc.description, "field": "sub"}]}, 422
            )
        token = self.provider.issue_token(f"v1-key:{basic[0][:6]}", ALL_SCOPES, subject=subject)
        expires = fmt(datetime.fromtimestamp(self.clock.time() + ACCESS_TOKEN_TTL, tz=UTC))
        return Response.json({"token_type": "Bearer", "access_token": token["access_token"], "expires": expires})

    # ------------------------------------------------------------------ pipeline
    def authenticate(self, request: Request, route: Route) -> Principal:
        grant = self.bearer_grant(request)
        if grant is None:
            raise HttpError(401, "unauthorized", "Missing Bearer token")
        return Principal(
            credential=f"oauth:{grant.client_id}:{grant.subject}",
            kind="oauth",
            scopes=grant.scopes,
            subject=grant.subject,
            client_id=grant.client_id,
        )

    def check_access(self, request: Request, route: Route, principal: Principal) -> None:
        scopes = route.meta.get("scopes") or ()
        if scopes and not principal.has_any_scope(scopes):
            raise HttpError(403, "forbidden", f"Missing scope {scopes[0]}")  # wording assumed
        if route.meta.get("listing") and principal.subject is not None:
            user = self.state.users.get(int(principal.subject))
            if user is None or not user["site_admin"]:  # v3 lists reject non-Site-Admin users (GH-AB)
                raise HttpError(403, "forbidden", "Only Site Admins may use list endpoints")
        if request.method == "GET" and request.body:  # a body on a GET is a 403 (A2)
            raise HttpError(403, "forbidden", "GET requests may not carry a body")


class _TokenError(Exception):
    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error, self.description = error, description


def create_app(**options: Any) -> GreenhouseEmulator:
    return GreenhouseEmulator(**options)
