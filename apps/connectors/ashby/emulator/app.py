"""The Ashby emulator: RPC-style `POST /<resource>.<action>`, Basic auth with the API key, per-key module
permissions, HTTP 200 `success:false` business errors, cursor/`syncToken` lists, limits and 429s (reference B)."""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from apps.connectors.ashby.emulator.control import ControlApi
from apps.connectors.ashby.emulator.dump import counts, dump
from apps.connectors.ashby.emulator.resources import ResourcesApi, ok
from apps.connectors.ashby.emulator.seed import SeedConfig, build_state
from apps.connectors.ashby.emulator.state import Refused, State
from apps.connectors.ashby.emulator.webhooks import AshbyWebhooks
from apps.connectors.emulation.app import Principal
from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.http import HttpError, Request, Response
from apps.connectors.emulation.ratelimit import Limits, Ticket
from apps.connectors.emulation.records import StateError
from apps.connectors.emulation.routing import Route
from apps.connectors.emulation.vendor import StateHooks, VendorEmulator

DEFAULT_API_KEY = "ashby-emulator-key"
PERMISSIONS = frozenset(
    {
        "jobsRead",
        "jobsWrite",
        "candidatesRead",
        "candidatesWrite",
        "interviewsRead",
        "hiringProcessMetadataRead",
        "hiringProcessMetadataWrite",
        "organizationRead",
        "offersRead",
        "apiKeysRead",
        "apiKeysWrite",
    }
)
# assumed: Ashby documents no general per-key limit (reference B2: NOT FOUND); 15 requests per second and
# 5 in flight per key is our conservative stand-in (the reports endpoints' documented limit is stricter still).
LIMITS = Limits(rate=15, concurrency=5, window=1.0)

# (route, permission) — module permissions as AB-OAS names them (reference B1).
ROUTES: tuple[tuple[str, str, str], ...] = (
    ("apiKey.info", "apiKeysRead", "api_key_info"),
    ("job.list", "jobsRead", "job_list"),
    ("job.info", "jobsRead", "job_info"),
    ("jobPosting.list", "jobsRead", "posting_list"),
    ("jobPosting.info", "jobsRead", "posting_info"),
    ("jobInterviewPlan.info", "jobsRead", "plan_info"),
    ("candidate.list", "candidatesRead", "candidate_list"),
    ("candidate.info", "candidatesRead", "candidate_info"),
    ("candidate.search", "candidatesRead", "candidate_search"),
    ("candidate.listNotes", "candidatesRead", "candidate_notes"),
    ("candidate.create", "candidatesWrite", "candidate_create"),
    ("candidate.createNote", "candidatesWrite", "candidate_create_note"),
    ("candidate.addTag", "candidatesWrite", "candidate_add_tag"),
    ("candidate.uploadResume", "candidatesWrite", "candidate_upload_resume"),
    ("candidate.uploadFile", "candidatesWrite", "candidate_upload_file"),
    ("application.list", "candidatesRead", "application_list"),
    ("application.info", "candidatesRead", "application_info"),
    ("application.create", "candidatesWrite", "application_create"),
    ("application.changeStage", "candidatesWrite", "application_change_stage"),
    ("application.changeSource", "candidatesWrite", "application_change_source"),
    ("applicationForm.submit", "candidatesWrite", "form_submit"),
    ("file.info", "candidatesRead", "file_info"),
    ("offer.list", "offersRead", "offer_list"),
    ("interviewSchedule.list", "interviewsRead", "schedule_list"),
    ("source.list", "hiringProcessMetadataRead", "source_list"),
    ("archiveReason.list", "hiringProcessMetadataRead", "archive_reason_list"),
    ("candidateTag.list", "hiringProcessMetadataRead", "tag_list"),
    ("candidateTag.create", "hiringProcessMetadataWrite", "tag_create"),
    ("customField.list", "hiringProcessMetadataRead", "custom_field_list"),
    ("customField.setValue", "candidatesWrite", "custom_field_set_value"),
    ("user.list", "organizationRead", "user_list"),
    # webhook.create needs `apiKeysWrite` (reference B7); assumed: update and delete too, info `apiKeysRead`.
    ("webhook.create", "apiKeysWrite", "webhook_create"),
    ("webhook.info", "apiKeysRead", "webhook_info"),
    ("webhook.update", "apiKeysWrite", "webhook_update"),
    ("webhook.delete", "apiKeysWrite", "webhook_delete"),
)


@dataclass
class ApiKey:
    title: str
    permissions: frozenset[str] = PERMISSIONS
    default_source_id: str | None = None  # the key's default source (reference B4.5), set in the admin UI
    created_at: str = "2024-01-01T00:00:00.000Z"
    extra: dict[str, Any] = field(default_factory=dict)


class AshbyEmulator(ResourcesApi, ControlApi, VendorEmulator):
    name = "ashby"
    seed_config_type = SeedConfig
    state_hooks = StateHooks(build=build_state, counts=counts, dump=dump)
    api_key_label = "API key (HTTP Basic username, empty password)"
    state: State

    def __init__(
        self,
        *,
        seed: SeedConfig | Mapping[str, Any] | None = None,
        clock: Clock | None = None,
        limits_enabled: bool = True,
        api_key: str = DEFAULT_API_KEY,
    ) -> None:
        self.webhooks = AshbyWebhooks(clock or Clock())
        super().__init__(seed=seed, clock=clock, limits=LIMITS, limits_enabled=limits_enabled, send_retry_after=True)
        self.webhooks.outbox.clock = self.clock
        self.webhooks.observe(self.state)
        self.webhooks.outbox.register_controls(self)
        self.api_keys: dict[str, ApiKey] = {api_key: ApiKey(title="Emulator key")}
        self.initial_key = api_key
        for path, permission, handler in ROUTES:
            self.add_route("POST", f"/{path}", getattr(self, handler), permission)
        self.register_controls()

    def reset_state(self) -> None:
        super().reset_state()
        self.api_keys = {self.initial_key: ApiKey(title="Emulator key")}
        self.webhooks.reset()

    def build_state(self, config: Any) -> State:
        state: State = super().build_state(config)
        if hasattr(self, "webhooks"):
            self.webhooks.observe(state)  # a new seed: its changes are sent from now on
        return state

    # ------------------------------------------------------------------ webhooks (reference B7)
    def webhook_create(self, request: Request) -> Response:
        return ok(self.webhooks.create(request.json_object()))

    def webhook_info(self, request: Request) -> Response:
        return ok(self.webhooks.info(request.json_object()))

    def webhook_update(self, request: Request) -> Response:
        return ok(self.webhooks.update(request.json_object()))

    def webhook_delete(self, request: Request) -> Response:
        return ok(self.webhooks.delete(request.json_object()))

    # ------------------------------------------------------------------ auth (AB-DOC authentication)
    def authenticate(self, request: Request, route: Route) -> Principal:
        header = request.header("authorization") or ""
        if not header.lower().startswith("basic "):
            raise HttpError(401, "missing_api_key", "Missing API key: use HTTP Basic auth with the key as username")
        try:
            key = base64.b64decode(header[6:].strip(), validate=True).decode().split(":", 1)[0]
        except (binascii.Error, UnicodeDecodeError):
            raise HttpError(401, "missing_api_key", "Malformed Basic authorization header") from None
        found = self.api_keys.get(key)
        if found is None:
            # wrong/deactivated key: 403 (AB-DOC); assumed: the code `invalid_api_key` (not documented)
            raise HttpError(403, "invalid_api_key", "Invalid API key")
        return self.api_key_principal(key, scopes=found.permissions, subject=key)

    def check_access(self, request: Request, route: Route, principal: Principal) -> None:
        needed = route.meta.get("scopes") or ()
        if needed and not principal.has_any_scope(needed):
            raise HttpError(403, "missing_endpoint_permission", f"The API key lacks the {needed[0]} permission")

    def key_of(self, request: Request) -> ApiKey:
        return self.api_keys[request.principal.subject or ""]

    # ------------------------------------------------------------------ errors and headers
    def http_error_for(self, error: StateError) -> HttpError:
        if isinstance(error, Refused):
            return HttpError(200, error.code, error.message)
        return HttpError(200, "invalid_input", error.message)

    def error_body(self, request: Request | None, route: Route | None, error: HttpError) -> dict[str, Any]:
        code = {404: "not_found", 405: "method_not_allowed"}.get(error.status, error.code)
        request_id = request.environ.get("ashby.request_id") if request is not None else None
        return {
            "success": False,
            "errors": [code],
            "errorInfo": {"code": code, "message": error.message, "requestId": request_id or _request_id()},
        }

    def rate_limited_error(self, request: Request, route: Route, ticket: Ticket) -> HttpError:
        return HttpError(429, "rate_limit_exceeded", "Rate limit exceeded")

    def handle(self, request: Request) -> Response:
        request_id = _request_id()
        request.environ["ashby.request_id"] = request_id
        response = super().handle(request)
        if not request.path.startswith("/_emulator"):
            response.set_header("x-ashby-request-id", request_id)
        return response

    def describe_endpoints(self, url: str) -> dict[str, str]:
        return {"API": f"{url}/job.list (POST, Basic auth)"}


def _request_id() -> str:
    return "01" + secrets.token_hex(12).upper()


def create_app(**options: Any) -> AshbyEmulator:
    return AshbyEmulator(**options)
