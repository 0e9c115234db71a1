"""The Factorial emulator: the ATS resources of the public API, employees, credentials, OAuth, control endpoints.

    app = create_app(seed={"candidates": 50})          # or FactorialEmulator(...)
    with LoopbackServer(app) as server:
        requests.get(f"{server.url}/api/2026-10-01/resources/ats/candidates", headers={"x-api-key": DEFAULT_API_KEY})

Facts come from /work/shared/reference/ats-smartrecruiters-factorial.md Part B; every choice made where the docs
are silent says so next to the code, with the doc link. Docs: https://apidoc.factorialhr.com/docs (vendored in
GitHub factorialco/factorial-api-sdks `skills/factorial-api-sdks/reference/api-guides/`).

Error body (NOT FOUND in any Factorial material: the OAS declares only 2xx answers). Factorial is a Rails app
whose OAuth server answers Doorkeeper's `{"error", "error_description"}`; the emulator uses that one shape for
every error, adding Rails-style field errors on validation failures:

    {"error": "unprocessable_entity", "error_description": "email: can't be blank",
     "errors": {"email": ["can't be blank"]}}

`error` is the snake_case HTTP status name (`bad_request`, `not_found`, `unprocessable_entity`,
`too_many_requests`, ...) or an OAuth error (`invalid_token`, `insufficient_scope`).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any

from apps.connectors.emulation.app import ControlError, Principal
from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.http import HttpError, Request, Response
from apps.connectors.emulation.oauth import InvalidToken, OAuthClient, OAuthProvider
from apps.connectors.emulation.ratelimit import Limits, RouteLimits, Ticket
from apps.connectors.emulation.records import StateError
from apps.connectors.emulation.routing import Route
from apps.connectors.emulation.vendor import DEFAULT_CLIENT_ID as DEFAULT_CLIENT_ID  # re-exported
from apps.connectors.emulation.vendor import DEFAULT_CLIENT_SECRET as DEFAULT_CLIENT_SECRET  # re-exported
from apps.connectors.emulation.vendor import StateHooks, VendorEmulator, emulator_client
from apps.connectors.emulation.webhooks import SendsStateEvents
from apps.connectors.factorial.emulator import fields, render
from apps.connectors.factorial.emulator.candidates import CandidatesApi
from apps.connectors.factorial.emulator.company import CompanyApi
from apps.connectors.factorial.emulator.control import ControlApi
from apps.connectors.factorial.emulator.dump import _counts, _dump
from apps.connectors.factorial.emulator.jobs import JobsApi
from apps.connectors.factorial.emulator.model import Invalid
from apps.connectors.factorial.emulator.questions import QuestionsApi
from apps.connectors.factorial.emulator.seed import SeedConfig, build_state
from apps.connectors.factorial.emulator.state import State
from apps.connectors.factorial.emulator.webhooks import WebhookSubscriptionsApi

# API keys are JWT-formatted (F-REPO SKILL.md, faqs.md); this one decodes to {"company_id":1,"emulator":"factorial"}.
DEFAULT_API_KEY = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjb21wYW55X2lkIjoxLCJlbXVsYXRvciI6ImZhY3RvcmlhbCJ9.ZW11bGF0b3Itc2lnbmF0dXJl"
)
# Tributary's own OAuth callback when it runs locally (`bin/run`): the emulator works with the connection flow as is.
DEFAULT_REDIRECT_URI = "http://127.0.0.1:8000/connect/oauth/callback"

# Quarterly versions, each supported one year; a request to an older (unsupported) version "will be served using
# the oldest version schema" (F-REPO api-versioning.md). The emulator serves one schema for all of them.
API_VERSIONS = ("2025-10-01", "2026-01-01", "2026-04-01", "2026-07-01", "2026-10-01")
LATEST_VERSION = API_VERSIONS[-1]
# `/api/v2/resources/...` still appears in Factorial's guides (manage-webhooks.md); served like the oldest version.
LEGACY_VERSION = "v2"
API = "/api/{version}/resources"

# Scopes (F-REPO oauth-scopes.md): each grants read and write. `recruitment` covers every Ats resource.
SCOPE_DESCRIPTIONS = {
    "recruitment": "Recruitment: job postings, candidates, applications, questions, answers, sources, feedback",
    "employees": "Employees and teams",
    "banking": "Banking",
    "company_holidays": "Company holidays",
    "company_legal_entities": "Legal entities",
    "company_locations": "Locations",
    "contracts": "Contracts",
    "custom_fields": "Custom fields",
    "documents": "Documents",
    "employee_updates": "Employee updates",
    "expenses": "Expenses",
    "finance": "Finance",
    "integrations": "Integrations",
    "job_catalog": "Job catalog",
    "marketplace": "Marketplace",
    "payroll": "Payroll",
    "payroll_supplements": "Payroll supplements",
    "performance": "Performance",
    "posts": "Posts",
    "project_management_expenses": "Project management expenses",
    "project_management_projects": "Project management projects",
    "shift_management": "Shift management",
    "tasks": "Tasks",
    "time_off": "Time off",
    "time_tracking": "Time tracking",
    "trainings": "Trainings",
}
ALL_SCOPES = frozenset(SCOPE_DESCRIPTIONS)
RECRUITMENT = "recruitment"
EMPLOYEES = "employees"

# "User access tokens are valid for a period of one hour" and "The refresh access token will last 1 week"
# (F-REPO refreshing-an-access-token.md); company tokens "don't expire" (oauth-2.md).
ACCESS_TOKEN_TTL = 3600
REFRESH_TOKEN_TTL = 7 * 24 * 3600

# "There is a limit of 200 requests per minute for POST requests" (F-REPO faqs.md), per credential. No other
# limit is documented: reads get a generous budget (our choice) that `/_emulator/limits` can tighten.
POST_RATE = 200
GENERAL_RATE = 100_000
GENERAL_CONCURRENCY = 1000
LIMIT_WINDOW = 60.0


class FactorialEmulator(
    JobsApi,
    CandidatesApi,
    QuestionsApi,
    CompanyApi,
    ControlApi,
    WebhookSubscriptionsApi,
    SendsStateEvents,
    VendorEmulator,
):
    """A stateful Factorial. See the module docstring of `app.py` and the report for the interfaces."""

    name = "factorial"
    seed_config_type = SeedConfig
    state_hooks = StateHooks(build=build_state, counts=_counts, dump=_dump)
    api_key_label = "API key (x-api-key)"
    default_client = emulator_client(
        DEFAULT_REDIRECT_URI,
        (RECRUITMENT, EMPLOYEES),
        allowed_scopes=frozenset({RECRUITMENT, EMPLOYEES}),
        grant_types=frozenset({"authorization_code", "refresh_token"}),
    )
    known_scopes = ALL_SCOPES
    # Doorkeeper-style endpoints (F-REPO request-an-authorization-code.md / request-an-access-token.md).
    authorize_path = "/oauth/authorize"
    token_path = "/oauth/token"
    state: State

    def __init__(
        self,
        *,
        seed: SeedConfig | Mapping[str, Any] | None = None,
        api_keys: Mapping[str, str] | Iterable[str] | None = None,
        oauth_clients: Iterable[OAuthClient] | None = None,
        clock: Clock | None = None,
        limits_enabled: bool = True,
        send_retry_after: bool = True,
        post_rate: int = POST_RATE,
    ) -> None:
        super().__init__(
            seed=seed,
            clock=clock,
            limits=Limits(rate=GENERAL_RATE, concurrency=GENERAL_CONCURRENCY, window=LIMIT_WINDOW),
            limits_enabled=limits_enabled,
            send_retry_after=send_retry_after,
        )
        self.post_rate = post_rate
        if api_keys is None:
            api_keys = {DEFAULT_API_KEY: "Emulator key"}
        if not isinstance(api_keys, Mapping):
            api_keys = dict.fromkeys(api_keys, "API key")
        # key → (credential number, name); the number makes the credential id `api_key-<n>`.
        self.api_keys: dict[str, tuple[int, str]] = {}
        for key, label in api_keys.items():
            self._add_api_key(key, label)
        # Factorial's OAuth server is Doorkeeper-shaped: token JSON with `created_at`, single-use refresh tokens.
        # Without `scope` the token gets the application's configured scopes (oauth-scopes.md: "strictly limited
        # to the scopes configured in the OAuth application").
        self.oauth = OAuthProvider(
            known_scopes=ALL_SCOPES,
            clients=[self.default_client] if oauth_clients is None else oauth_clients,
            clock=self.clock,
            access_token_ttl=ACCESS_TOKEN_TTL,
            refresh_token_ttl=REFRESH_TOKEN_TTL,
            rotate_refresh_tokens=True,
            subject=self.owner_subject(),
            subject_label=self.owner_label(),
            product_name="Factorial (emulated)",
            scope_descriptions=SCOPE_DESCRIPTIONS,
            authorize_params=("resource_owner_type",),
            access_token_ttl_for=_token_ttl,
            include_created_at=True,
        )
        self._register_routes()
        self._register_factorial_control_endpoints()
        self._register_webhooks(API)
        self.state.events.clear()  # the seed's records are no changes

    def _add_api_key(self, key: str, label: str) -> tuple[int, str]:
        number = self.api_keys[key][0] if key in self.api_keys else len(self.api_keys) + 1
        self.api_keys[key] = (number, label)
        return self.api_keys[key]

    # ================================================================== vendor hooks
    def owner_subject(self) -> str | None:
        owner = self.state.owner_employee_id
        return None if owner is None else str(owner)

    def owner_label(self) -> str:
        owner = self.state.employees.get(self.state.owner_employee_id or 0)
        return f"{owner.full_name} <{owner.email}>" if owner else "the administrator"

    def describe_endpoints(self, url: str) -> dict[str, str]:
        return {"resources": f"{url}/api/{LATEST_VERSION}/resources/ats/..."}

    def http_error_for(self, error: StateError) -> HttpError:
        if isinstance(error, Invalid):
            details = [{"field": error.field, "message": error.reason}] if error.field else []
            return HttpError(error.status, _status_code_name(error.status), error.message, details=details)
        return HttpError(404, "not_found", error.message)

    def invalid_token_error(self, error: InvalidToken) -> HttpError:
        # Doorkeeper's messages and WWW-Authenticate header for a refused bearer token.
        message = "The access token expired" if error.reason == "expired" else "The access token is invalid"
        header = f'Bearer realm="Doorkeeper", error="invalid_token", error_description="{message}"'
        return HttpError(401, "invalid_token", message, headers={"WWW-Authenticate": header})

    # ================================================================== OAuth and API-key control endpoints
    def control_oauth_client(self, body: dict[str, Any]) -> tuple[OAuthClient, dict[str, Any]]:
        """Register (or reconfigure) an OAuth application: `{"clientId", "clientSecret", "redirectUris": [...],
        "scopes": [...], "name"}`. Changing an existing application's scopes invalidates its tokens, as
        Factorial does (F-REPO oauth-scopes.md)."""
        client_id = str(body["clientId"])
        scopes = frozenset(body.get("scopes") or (RECRUITMENT,))
        self.require_known_scopes(scopes)
        existing = self.provider.client(client_id)
        revoked = 0
        if existing is not None and existing.allowed_scopes != scopes:
            revoked = self.provider.revoke_client_tokens(client_id)
        client = OAuthClient(
            client_id=client_id,
            client_secret=str(body["clientSecret"]),
            redirect_uris=tuple(str(uri) for uri in body.get("redirectUris") or ()),
            name=str(body.get("name") or "Integration"),
            default_scopes=scopes,
            allowed_scopes=scopes,
            grant_types=frozenset({"authorization_code", "refresh_token"}),
        )
        return client, {"scopes": sorted(scopes), "revokedTokens": revoked}

    def token_grant(self, client: OAuthClient, body: dict[str, Any]) -> dict[str, Any]:
        """`"company": true` gives a non-expiring company token (`resource_owner_type=company`)."""
        scopes = body.get("scopes")
        return {
            "scopes": sorted(client.default_scopes) if scopes is None else scopes,
            "grant_type": "authorization_code",
            "extras": {"resource_owner_type": "company"} if body.get("company") else {},
        }

    def control_api_key(self, request: Request) -> Response:
        """Create an API key (Settings → API keys): `{"key"?: "...", "name"?: "..."}`; a key is generated when
        none is given. Keys give full access and never expire (F-REPO faqs.md)."""
        body = request.json or {}
        key = body.get("key") or f"emu_{secrets.token_urlsafe(24)}"
        if not isinstance(key, str):
            raise ControlError("key must be a string")
        number, name = self._add_api_key(key, str(body.get("name") or "API key"))
        return Response.json({"key": key, "name": name, "credentialId": f"api_key-{number}"}, 201)

    # ================================================================== pipeline hooks
    def preflight(self, request: Request, route: Route) -> None:
        version = request.path_params.get("version")
        if version is not None and not _version_served(version):
            raise HttpError(404, "not_found", f"API version {version} does not exist")

    def authenticate(self, request: Request, route: Route) -> Principal:
        # "API keys overrule OAuth tokens when both present" (apis.io summary of Factorial's docs, reference B1):
        # with an x-api-key header the bearer token is not looked at, even when the key is wrong.
        key = request.header("x-api-key")
        if key is not None:
            entry = self.api_keys.get(key)
            if entry is None:
                raise HttpError(401, "unauthorized", "Invalid API key")
            return self.api_key_principal(key, subject=f"api_key-{entry[0]}")
        grant = self.bearer_grant(request)
        if grant is not None:
            company = grant.extras.get("resource_owner_type") == "company"
            owner = "company" if company else f"user-{grant.subject}"
            return Principal(
                credential=f"oauth:{grant.client_id}:{owner}",
                kind="oauth_company" if company else "oauth_user",
                scopes=grant.scopes,
                subject=grant.subject,
                client_id=grant.client_id,
            )
        raise HttpError(401, "unauthorized", "Missing credentials: send an x-api-key header or Authorization: Bearer")

    def check_access(self, request: Request, route: Route, principal: Principal) -> None:
        scopes = route.meta.get("scopes") or ()
        if scopes and not principal.has_any_scope(scopes):
            # Doorkeeper's forbidden-token answer (insufficient_scope); the exact wording is Doorkeeper's default.
            needed = " ".join(scopes)
            header = f'Bearer realm="Doorkeeper", error="insufficient_scope", scope="{needed}"'
            raise HttpError(
                403,
                "insufficient_scope",
                f'Access to this resource requires scope "{needed}".',
                headers={"WWW-Authenticate": header},
            )

    def route_limits(self, route: Route) -> RouteLimits | None:
        if route.method == "POST":
            return RouteLimits(bucket="POST", rate=self.post_rate)
        return None

    def rate_limited_error(self, request: Request, route: Route, ticket: Ticket) -> HttpError:
        if route.method == "POST":
            message = f"Rate limit exceeded: at most {self.post_rate} POST requests per minute"
        else:
            message = "Rate limit exceeded"
        return HttpError(429, "too_many_requests", message)

    def rate_limit_headers(self, ticket: Ticket) -> dict[str, str]:
        # No X-RateLimit-* headers are documented for Factorial (reference B2); only Retry-After on 429.
        return {}

    def configure_limits(self, body: dict[str, Any]) -> None:
        if "postRate" in body:
            rate = body["postRate"]
            if isinstance(rate, bool) or not isinstance(rate, int) or rate < 1:
                raise ControlError("postRate must be a positive integer")
            self.post_rate = rate

    def limits_snapshot(self) -> dict[str, Any]:
        return {**super().limits_snapshot(), "postRate": self.post_rate}

    def error_body(self, request: Request | None, route: Route | None, error: HttpError) -> dict[str, Any]:
        code = error.code if error.code.islower() else _status_code_name(error.status)
        body: dict[str, Any] = {"error": code, "error_description": error.message}
        fields = [detail for detail in error.details if detail.get("field")]
        if fields:
            body["errors"] = {detail["field"]: [detail["message"]] for detail in fields}
        return body

    # ================================================================== routes
    def _register_routes(self) -> None:
        add = self.add_route
        self.register_oauth_routes()

        # Files behind `cv.url` and file answers: signed URLs, no credentials.
        add("GET", f"{render.FILE_ROUTE}/{{signed_id}}/{{filename}}", self.file_download, public=True)

        ats = f"{API}/ats"
        add("GET", f"{ats}/job_postings", self.job_postings_list, RECRUITMENT)
        add("POST", f"{ats}/job_postings", self.job_postings_create, RECRUITMENT)
        add("POST", f"{ats}/job_postings/duplicate", self.job_postings_duplicate, RECRUITMENT)
        add("GET", f"{ats}/job_postings/{{id}}", self.job_postings_get, RECRUITMENT)
        add("PUT", f"{ats}/job_postings/{{id}}", self.job_postings_update, RECRUITMENT)
        add("DELETE", f"{ats}/job_postings/{{id}}", self.job_postings_delete, RECRUITMENT)

        add("GET", f"{ats}/application_phases", self.phases_list, RECRUITMENT)
        add("GET", f"{ats}/application_phases/{{id}}", self.phases_get, RECRUITMENT)
        add("GET", f"{ats}/hiring_stages", self.hiring_stages_list, RECRUITMENT)
        add("GET", f"{ats}/hiring_stages/{{id}}", self.hiring_stages_get, RECRUITMENT)

        add("GET", f"{ats}/candidates", self.candidates_list, RECRUITMENT)
        add("POST", f"{ats}/candidates", self.candidates_create, RECRUITMENT)
        add("GET", f"{ats}/candidates/{{id}}", self.candidates_get, RECRUITMENT)
        add("PUT", f"{ats}/candidates/{{id}}", self.candidates_update, RECRUITMENT)
        add("DELETE", f"{ats}/candidates/{{id}}", self.candidates_delete, RECRUITMENT)

        add("GET", f"{ats}/applications", self.applications_list, RECRUITMENT)
        add("POST", f"{ats}/applications", self.applications_create, RECRUITMENT)
        add("POST", f"{ats}/applications/apply", self.applications_apply, RECRUITMENT)
        add("POST", f"{ats}/applications/move_to_phase", self.applications_move_to_phase, RECRUITMENT)
        add("GET", f"{ats}/applications/{{id}}", self.applications_get, RECRUITMENT)
        add("PUT", f"{ats}/applications/{{id}}", self.applications_update, RECRUITMENT)
        add("DELETE", f"{ats}/applications/{{id}}", self.applications_delete, RECRUITMENT)

        add("GET", f"{ats}/questions", self.questions_list, RECRUITMENT)
        add("POST", f"{ats}/questions", self.questions_create, RECRUITMENT)
        add("GET", f"{ats}/questions/{{id}}", self.questions_get, RECRUITMENT)
        add("PUT", f"{ats}/questions/{{id}}", self.questions_update, RECRUITMENT)
        add("DELETE", f"{ats}/questions/{{id}}", self.questions_delete, RECRUITMENT)

        add("GET", f"{ats}/answers", self.answers_list, RECRUITMENT)
        add("POST", f"{ats}/answers", self.answers_create, RECRUITMENT)
        add("GET", f"{ats}/answers/{{id}}", self.answers_get, RECRUITMENT)

        add("GET", f"{ats}/rejection_reasons", self.rejection_reasons_list, RECRUITMENT)
        add("GET", f"{ats}/rejection_reasons/{{id}}", self.rejection_reasons_get, RECRUITMENT)
        # Read-only in every API version (reference B4): no POST/PUT/DELETE routes, so writes answer 405.
        fields.register(self, add, API, "custom_fields")  # the company's custom fields (emulator/fields.py)
        add("GET", f"{ats}/candidate_sources", self.candidate_sources_list, RECRUITMENT)
        add("GET", f"{ats}/candidate_sources/{{id}}", self.candidate_sources_get, RECRUITMENT)

        add("GET", f"{ats}/feedbacks", self.feedbacks_list, RECRUITMENT)
        add("POST", f"{ats}/feedbacks", self.feedbacks_create, RECRUITMENT)
        add("GET", f"{ats}/feedbacks/{{id}}", self.feedbacks_get, RECRUITMENT)
        add("PUT", f"{ats}/feedbacks/{{id}}", self.feedbacks_update, RECRUITMENT)
        add("DELETE", f"{ats}/feedbacks/{{id}}", self.feedbacks_delete, RECRUITMENT)

        add("GET", f"{API}/employees/employees", self.employees_list, EMPLOYEES)
        add("GET", f"{API}/employees/employees/{{id}}", self.employees_get, EMPLOYEES)
        # Any valid credential may ask who it is (request-an-access-token.md "Checking access token ownership").
        add("GET", f"{API}/api_public/credentials", self.credentials_list)


# ====================================================================== helpers
def create_app(**options: Any) -> FactorialEmulator:
    """The factory `run_emulator` and tests use (see `apps.connectors.emulation.registry.EMULATORS`)."""
    return FactorialEmulator(**options)


def _token_ttl(extras: Mapping[str, str]) -> int | None:
    # A company token (`resource_owner_type=company`) "never expires" (request-an-authorization-code.md).
    return None if extras.get("resource_owner_type") == "company" else ACCESS_TOKEN_TTL


def _version_served(version: str) -> bool:
    if version in API_VERSIONS or version == LEGACY_VERSION:
        return True
    # An older quarterly version is past its support year and served with the oldest schema; anything else
    # (a future date, a non-quarter date, garbage) names no version: 404 (our choice, the docs do not say).
    match = re.fullmatch(r"(\d{4})-(01|04|07|10)-01", version)
    return bool(match) and "2020-01-01" <= version < API_VERSIONS[0]


def _status_code_name(status: int) -> str:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        return "error"
    return re.sub(r"[^a-z0-9]+", "_", phrase.lower()).strip("_")
