"""The Lever emulator (Data API v1, reference ats-greenhouse-lever.md Part B): Basic API keys (key as username,
blank password) and OAuth2 bearer tokens (authorization code with a required `audience`, `offline_access` for a
refresh token, rotating refresh tokens, access tokens of 3600 s), `<resource>:read|write:admin` scopes,
`{data, next, hasNext}` paging with an opaque `offset`, `{code, message}` errors, a token bucket of 10 requests/s
with bursts of 20 per credential, and `perform_as` where Lever requires it.

The API lives at `/v1/...`, the OAuth pages at `/authorize` and `/oauth/token` on the same host (Lever's are on
`auth.lever.co`), so one loopback server stands in for both.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from apps.connectors.emulation.app import ControlError, Principal
from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.http import HttpError, Request, Response
from apps.connectors.emulation.oauth import InvalidToken, OAuthClient, OAuthProvider
from apps.connectors.emulation.ratelimit import Limits, Ticket
from apps.connectors.emulation.records import StateError
from apps.connectors.emulation.routing import Route
from apps.connectors.emulation.vendor import StateHooks, VendorEmulator, api_key_credential, emulator_client
from apps.connectors.lever.emulator.dump import contact_json, counts, dump, opportunity_json
from apps.connectors.lever.emulator.resources import LeverResources
from apps.connectors.lever.emulator.seed import ADMIN_ID, SeedConfig, build_state
from apps.connectors.lever.emulator.state import Invalid, Missing, State
from apps.connectors.lever.emulator.webhooks import LeverWebhooks

DEFAULT_API_KEY = "lever-api-key"
DEFAULT_REDIRECT_URI = "http://127.0.0.1:8000/connect/oauth/callback"
AUDIENCE = "https://api.lever.co/v1/"
READ, WRITE = "read", "write"
RESOURCES = ("postings", "opportunities", "contacts", "stages", "archive_reasons", "users", "tags", "sources",
             "notes", "files", "feedback", "interviews", "offers", "applications", "webhooks")  # fmt: skip
ALL_SCOPES = frozenset(
    {f"{r}:{m}:admin" for r in RESOURCES for m in (READ, WRITE)}
    | {"uploads:write:admin", "confidential:access:admin", "offline_access"}
)
# A token bucket of 10 requests/s, bursts of 20 (reference B2), as a sliding window of 20 requests per 2 s.
RATE, WINDOW = 20, 2.0
MAX_LIMIT = 100
ACCESS_TOKEN_TTL = 3600
REFRESH_TOKEN_TTL = 90 * 24 * 3600  # "1 year or 90 days idle": the idle bound


class LeverEmulator(LeverResources, LeverWebhooks, VendorEmulator):
    name = "lever"
    seed_config_type = SeedConfig
    state_hooks = StateHooks(build=build_state, counts=counts, dump=dump)
    api_key_label = "API key (Basic, key as username, blank password)"
    default_client = emulator_client(DEFAULT_REDIRECT_URI, sorted(ALL_SCOPES - {"confidential:access:admin"}))
    known_scopes = ALL_SCOPES
    authorize_path = "/authorize"
    token_path = "/oauth/token"
    state: State

    def __init__(
        self,
        *,
        seed: SeedConfig | Mapping[str, Any] | None = None,
        clock: Clock | None = None,
        limits_enabled: bool = True,
        oauth_clients: list[OAuthClient] | None = None,
    ) -> None:
        # Rate-limit headers are NOT FOUND: the 429 carries none (assumed), the client backs off on its own.
        super().__init__(
            seed=seed, clock=clock, limits=Limits(rate=RATE, concurrency=50, window=WINDOW),
            limits_enabled=limits_enabled, send_retry_after=False,
        )  # fmt: skip
        self.api_keys: dict[str, frozenset[str]] = {DEFAULT_API_KEY: ALL_SCOPES - {"confidential:access:admin"}}
        self.oauth = OAuthProvider(
            known_scopes=ALL_SCOPES,
            clients=[self.default_client] if oauth_clients is None else oauth_clients,
            clock=self.clock,
            access_token_ttl=ACCESS_TOKEN_TTL,
            refresh_token_ttl=REFRESH_TOKEN_TTL,
            rotate_refresh_tokens=True,  # "refresh returns a new refresh token"
            subject=ADMIN_ID,
            subject_label="Rachel Green (super admin)",
            product_name="Lever (emulated)",
            authorize_params=("audience",),
        )
        self.register_oauth_routes()
        self.register_resources()
        self.register_webhooks()
        self.add_control("DELETE", "/_emulator/opportunities/{id}", self._control_delete)
        # What a recruiter does in Lever's UI, each announced by the webhooks Lever sends for it.
        self.add_control("POST", "/_emulator/opportunities/{id}/stage", self._control_stage)
        self.add_control("POST", "/_emulator/opportunities/{id}/archived", self._control_archived)
        self.add_control("PUT", "/_emulator/contacts/{id}", self._control_contact)

    def reset_state(self) -> None:
        super().reset_state()
        self.outbox.reset()

    # -- pipeline hooks ---------------------------------------------------------------------------------------
    def preflight(self, request: Request, route: Route) -> None:
        # `audience` is required on the authorize URL (reference B1); Lever's answer to a missing one is NOT
        # FOUND: assumed a 400 page before the approval screen.
        if route.template == self.authorize_path and request.method == "GET":
            if request.arg("audience") != AUDIENCE:
                raise HttpError(400, "invalid_request", f"audience must be {AUDIENCE}")

    def authenticate(self, request: Request, route: Route) -> Principal:
        authorization = request.header("authorization") or ""
        if authorization.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                decoded = ""
            key, _, _password = decoded.partition(":")
            if key not in self.api_keys:
                raise HttpError(401, "Unauthorized", "Invalid API key")  # assumed wording, `{code, message}` shape
            return Principal(credential=api_key_credential(key), kind="api_key", scopes=self.api_keys[key])
        grant = self.bearer_grant(request)
        if grant is not None:
            return Principal(
                credential=f"oauth:{grant.client_id}:{grant.subject}", kind="oauth", scopes=grant.scopes,
                subject=grant.subject, client_id=grant.client_id,
            )  # fmt: skip
        raise HttpError(401, "Unauthorized", "Missing credentials: use Basic auth with your API key or a Bearer token")

    def invalid_token_error(self, error: InvalidToken) -> HttpError:
        return HttpError(401, "Unauthorized", "The access token expired" if error.reason == "expired" else
                         "Invalid access token")  # fmt: skip

    def check_access(self, request: Request, route: Route, principal: Principal) -> None:
        scopes = route.meta.get("scopes") or ()
        if scopes and not principal.has_any_scope(scopes):
            # The status of a missing permission is NOT FOUND: assumed 403 with the `{code, message}` shape.
            raise HttpError(403, "Forbidden", f"This credential lacks the {scopes[0]} permission")

    def http_error_for(self, error: StateError) -> HttpError:
        if isinstance(error, Missing):
            return HttpError(404, "ResourceNotFound", error.message)
        assert isinstance(error, Invalid)
        return HttpError(400, "BadRequest", error.message)

    def error_body(self, request: Request | None, route: Route | None, error: HttpError) -> dict[str, Any]:
        if route is not None and route.template == self.token_path:
            return {"error": error.code, "error_description": error.message}
        return {"code": error.code, "message": error.message}

    def rate_limited_error(self, request: Request, route: Route, ticket: Ticket) -> HttpError:
        return HttpError(429, "TooManyRequests", "Rate limit exceeded")  # body NOT FOUND: assumed

    def rate_limit_headers(self, ticket: Ticket) -> dict[str, str]:
        return {}  # headers NOT FOUND (reference B2): none sent (assumed)

    # -- control endpoints ------------------------------------------------------------------------------------
    def control_api_key(self, request: Request) -> Response:
        """`POST /_emulator/api-keys {"key", "scopes": [...]}`: a key from Settings → Integrations and API."""
        body = request.json_object()
        key, scopes = body.get("key"), body.get("scopes", sorted(ALL_SCOPES))
        if not isinstance(key, str) or not key or not isinstance(scopes, list) or not set(scopes) <= ALL_SCOPES:
            raise ControlError("key and scopes (Lever's `<resource>:read|write:admin` permissions) are required")
        self.api_keys[key] = frozenset(scopes)
        return Response.json({"key": key, "scopes": sorted(scopes)}, 201)

    def control_oauth_client(self, body: dict[str, Any]) -> tuple[OAuthClient, dict[str, Any]]:
        scopes = frozenset(body.get("scopes") or self.default_client.default_scopes)  # type: ignore[union-attr]
        self.require_known_scopes(scopes)
        client = OAuthClient(
            client_id=str(body["clientId"]), client_secret=str(body["clientSecret"]),
            redirect_uris=tuple(str(u) for u in body.get("redirectUris") or (DEFAULT_REDIRECT_URI,)),
            name=str(body.get("name") or "Integration"), default_scopes=scopes,
            grant_types=frozenset({"authorization_code", "refresh_token"}),
        )  # fmt: skip
        return client, {"scopes": sorted(scopes)}

    def token_grant(self, client: OAuthClient, body: dict[str, Any]) -> dict[str, Any]:
        scopes = body.get("scopes")
        return {
            "scopes": sorted(client.default_scopes) if scopes is None else scopes,
            "grant_type": "authorization_code",
            "extras": {"audience": AUDIENCE},
        }

    def _oauth_token(self, request: Request) -> Response:
        """Lever answers a refresh token only for a grant with `offline_access` (reference B1)."""
        response = super()._oauth_token(request)
        if response.status == 200:
            body = json.loads(response.body)
            if body.get("refresh_token") and "offline_access" not in str(body.get("scope", "")).split():
                del body["refresh_token"]
                return Response.json(body)
        return response

    def _control_delete(self, request: Request) -> Response:
        """Delete an opportunity as a user would in Lever (it then shows in `GET /opportunities/deleted`)."""
        opportunity = self.state.opportunity(request.path_params["id"])
        self.state.delete(opportunity.id)
        self.emit_opportunity("candidateDeleted", opportunity)
        return Response.json({"deleted": opportunity.id})

    def _control_stage(self, request: Request) -> Response:
        """`{"stage": <stage id>}`: a recruiter moves the opportunity in Lever."""
        opportunity = self.state.opportunity(request.path_params["id"])
        self.move_and_announce(opportunity, request.json_object().get("stage"), None)
        return Response.json({"data": opportunity_json(opportunity, self.state, set())})

    def _control_archived(self, request: Request) -> Response:
        """`{"reason": <archive reason id> | null}`: a recruiter archives (rejects, hires) or unarchives."""
        opportunity = self.state.opportunity(request.path_params["id"])
        self.archive_and_announce(opportunity, request.json_object().get("reason"))
        return Response.json({"data": opportunity_json(opportunity, self.state, set())})

    def _control_contact(self, request: Request) -> Response:
        """`{"name", "headline"}`: a recruiter edits a contact (`contactUpdated`)."""
        contact = self.state.contact(request.path_params["id"])
        body = request.json_object()
        for name in ("name", "headline"):
            if isinstance(body.get(name), str) and body[name].strip():
                setattr(contact, name, body[name].strip())
        for opportunity in self.state.opportunities.values():
            if opportunity.contact == contact.id:
                opportunity.name, opportunity.headline = contact.name, contact.headline
                opportunity.updated_at = self.state.now()
        self.emit_contact("contactUpdated", contact.id)
        return Response.json({"data": contact_json(contact)})

    def describe_endpoints(self, url: str) -> dict[str, str]:
        return {"API base": f"{url}/v1", "perform_as (super admin)": ADMIN_ID}


def create_app(**options: Any) -> LeverEmulator:
    return LeverEmulator(**options)
