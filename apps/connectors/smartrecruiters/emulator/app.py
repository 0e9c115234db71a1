"""The SmartRecruiters emulator: Customer API, Application API, public Posting API, OAuth, control endpoints.

    app = create_app(seed={"candidates": 50})          # or SmartRecruitersEmulator(...)
    with LoopbackServer(app) as server:
        requests.get(f"{server.url}/candidates", headers={"X-SmartToken": DEFAULT_API_KEY})

Facts come from /work/shared/reference/ats-smartrecruiters-factorial.md Part A; every choice made where the
docs are silent says so next to the code, with the doc link.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from apps.connectors.emulation.app import Principal
from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.http import HttpError, Request
from apps.connectors.emulation.oauth import InvalidToken, OAuthClient, OAuthProvider
from apps.connectors.emulation.ratelimit import Limits, RouteLimits, Ticket
from apps.connectors.emulation.records import StateError
from apps.connectors.emulation.routing import Route
from apps.connectors.emulation.vendor import DEFAULT_CLIENT_ID as DEFAULT_CLIENT_ID  # re-exported
from apps.connectors.emulation.vendor import DEFAULT_CLIENT_SECRET as DEFAULT_CLIENT_SECRET  # re-exported
from apps.connectors.emulation.vendor import StateHooks, VendorEmulator, emulator_client
from apps.connectors.emulation.webhooks import SendsStateEvents
from apps.connectors.smartrecruiters.emulator import fields, property_values
from apps.connectors.smartrecruiters.emulator.applying import ApplyError
from apps.connectors.smartrecruiters.emulator.candidates import CandidatesApi
from apps.connectors.smartrecruiters.emulator.company import CompanyApi
from apps.connectors.smartrecruiters.emulator.control import ControlApi
from apps.connectors.smartrecruiters.emulator.dump import _counts, _dump
from apps.connectors.smartrecruiters.emulator.jobs import JobsApi
from apps.connectors.smartrecruiters.emulator.model import Invalid
from apps.connectors.smartrecruiters.emulator.seed import SeedConfig, build_state
from apps.connectors.smartrecruiters.emulator.state import State
from apps.connectors.smartrecruiters.emulator.webhooks import SubscriptionsApi

# API keys look like `DCRA1-…` (SR-RB configuration.rb prepends `DCRA1-`).
DEFAULT_API_KEY = "DCRA1-emulator-api-key"
DEFAULT_REDIRECT_URI = "http://127.0.0.1:8000/oauth/callback"

# Scope names: SR-DOC https://developers.smartrecruiters.com/docs/access-scopes plus names used by public
# SmartRecruiters clients (jobs_manage, users_read, messages_write, interviews_read ...).
SCOPE_DESCRIPTIONS = {
    "candidates_read": "Access candidates",
    "candidates_create": "Create candidates",
    "candidates_manage": "Manage candidate status and properties",
    "candidates_offers_read": "Access candidate offer terms",
    "candidate_status_read": "Access candidate status",
    "candidates_status_read": "Access candidate status",
    "candidate_applications_manage": "Apply on behalf of candidates",
    "candidate_view_application_status_read": "Access application status",
    "job_applications_read": "Access job applications",
    "configuration_read": "Access company settings",
    "configuration_manage": "Manage company settings",
    "company_read": "Access company information",
    "jobs_read": "Access jobs",
    "jobs_manage": "Manage jobs",
    "jobs_publications_manage": "Publish jobs",
    "users_read": "Access users",
    "users_manage": "Manage users",
    "user_me_read": "Access your own user profile",
    "messages_read": "Access messages",
    "messages_write": "Share messages",
    "interviews_read": "Access interviews",
    "interviews_write": "Manage interviews",
    "webhooks_manage": "Manage webhooks",
}
ALL_SCOPES = frozenset(SCOPE_DESCRIPTIONS)

# Per-route limits (SR-DOC https://developers.smartrecruiters.com/docs/rate-limiting): 10 req/s and 8 concurrent
# per credential; `GET /candidates` 1 concurrent; publication POST/DELETE and offer documents 2 req/s.
CANDIDATES_SEARCH_LIMIT = RouteLimits(bucket="GET /candidates", concurrency=1)
PUBLICATION_LIMIT = RouteLimits(bucket="publication", rate=2)

READ_CANDIDATES = ("candidates_read",)
CREATE_CANDIDATES = ("candidates_create",)
MANAGE_CANDIDATES = ("candidates_manage",)


class SmartRecruitersEmulator(
    JobsApi, CandidatesApi, CompanyApi, ControlApi, SubscriptionsApi, SendsStateEvents, VendorEmulator
):
    """A stateful SmartRecruiters. See the module docstring of `app.py` and the report for the interfaces."""

    name = "smartrecruiters"
    seed_config_type = SeedConfig
    state_hooks = StateHooks(build=build_state, counts=_counts, dump=_dump)
    api_key_label = "API key (X-SmartToken)"
    default_client = emulator_client(
        DEFAULT_REDIRECT_URI,
        {"candidates_read", "jobs_read", "configuration_read", "user_me_read"},
    )
    known_scopes = ALL_SCOPES
    # Served on this host; the real approval page is www.smartrecruiters.com/identity/oauth/allow.
    authorize_path = "/identity/oauth/allow"
    token_path = "/identity/oauth/token"
    state: State

    def __init__(
        self,
        *,
        seed: SeedConfig | Mapping[str, Any] | None = None,
        api_keys: Mapping[str, Iterable[str] | None] | Iterable[str] | None = None,
        oauth_clients: Iterable[OAuthClient] | None = None,
        clock: Clock | None = None,
        limits_enabled: bool = True,
        send_retry_after: bool = False,
        access_token_ttl: int = 1800,
    ) -> None:
        super().__init__(
            seed=seed,
            clock=clock,
            limits=Limits(rate=10, concurrency=8, window=1.0),
            limits_enabled=limits_enabled,
            send_retry_after=send_retry_after,
        )
        if api_keys is None:
            api_keys = {DEFAULT_API_KEY: None}
        if not isinstance(api_keys, Mapping):
            api_keys = dict.fromkeys(api_keys)
        # key → allowed scopes (None = everything the key's user may do).
        self.api_keys: dict[str, frozenset[str] | None] = {
            key: None if scopes is None else frozenset(scopes) for key, scopes in api_keys.items()
        }
        # Tokens live 30 minutes, refresh tokens 28 days and are single use:
        # https://help.smartrecruiters.com/Marketplace_Partners/OAuth_2.0/Most_important_facts_about_OAuth_in_SmartRecruiters
        self.oauth = OAuthProvider(
            known_scopes=ALL_SCOPES,
            clients=[self.default_client] if oauth_clients is None else oauth_clients,
            clock=self.clock,
            access_token_ttl=access_token_ttl,
            refresh_token_ttl=28 * 24 * 3600,
            rotate_refresh_tokens=True,
            subject=self.owner_subject(),
            subject_label=self.owner_label(),
            product_name="SmartRecruiters (emulated)",
            scope_descriptions=SCOPE_DESCRIPTIONS,
        )
        self._register_routes()
        self._register_sr_control_endpoints()
        self._register_webhooks()
        self.state.events.clear()  # the seed's records are no changes

    # ================================================================== vendor hooks
    def owner_subject(self) -> str | None:
        return self.state.owner_user_id

    def owner_label(self) -> str:
        owner = self.state.users.get(self.state.owner_user_id or "")
        return f"{owner.name} <{owner.email}>" if owner else "the administrator"

    def describe_endpoints(self, url: str) -> dict[str, str]:
        return {"public postings": f"{url}/v1/companies/{self.state.company_identifier}/postings"}

    # ================================================================== pipeline hooks
    def authenticate(self, request: Request, route: Route) -> Principal:
        token = request.header("x-smarttoken")
        if token:
            if token not in self.api_keys:
                raise HttpError(401, "UNAUTHORIZED", "Invalid API key")
            return self.api_key_principal(token, scopes=self.api_keys[token], subject=self.state.owner_user_id)
        grant = self.bearer_grant(request)
        if grant is None:
            raise HttpError(401, "UNAUTHORIZED", "Missing credentials: send X-SmartToken or Authorization: Bearer")
        # "each distinct API credential is considered an API user" — the OAuth client is the credential.
        return Principal(
            credential=f"oauth:{grant.client_id}",
            kind="oauth",
            scopes=grant.scopes,
            subject=grant.subject or self.state.owner_user_id,
            client_id=grant.client_id,
        )

    def invalid_token_error(self, error: InvalidToken) -> HttpError:
        message = "Access token expired" if error.reason == "expired" else "Invalid access token"
        header = f'Bearer error="invalid_token", error_description="{message}"'
        return HttpError(401, "UNAUTHORIZED", message, headers={"WWW-Authenticate": header})

    def http_error_for(self, error: StateError) -> HttpError:
        if isinstance(error, Invalid | ApplyError):
            return HttpError(error.status, error.code, error.message)
        return HttpError(404, "NOT_FOUND", error.message)

    def check_access(self, request: Request, route: Route, principal: Principal) -> None:
        scopes = route.meta.get("scopes") or ()
        if scopes and not principal.has_any_scope(scopes):
            # "If you attempt to perform a request with an access token that is not authorized for that scope,
            # you will receive an OAuthPermissionsException" (SR-DOC access-scopes). Body shape NOT FOUND.
            needed = " or ".join(f"scope={scope}" for scope in scopes)
            raise HttpError(
                403,
                "OAuthPermissionsException",
                f"This request requires {needed}, but this access token is not authorized with this scope.",
            )

    def rate_limited_error(self, request: Request, route: Route, ticket: Ticket) -> HttpError:
        what = "requests per second" if ticket.reason == "rate" else "concurrent requests"
        return HttpError(429, "TOO_MANY_REQUESTS", f"API limit exceeded: too many {what} for this credential")

    def error_body(self, request: Request | None, route: Route | None, error: HttpError) -> dict[str, Any]:
        if route is not None and route.meta.get("api") == "apply":
            body: dict[str, Any] = {
                "id": str(uuid.uuid4()),
                "code": _apply_code(error, api_key=bool(request and request.header("x-smarttoken"))),
                "message": error.message,
            }
        elif route is not None and route.meta.get("api") == "oauth":
            body = {"error": error.code.lower(), "error_description": error.message}
        else:
            errors = error.details or [{"code": error.code, "message": error.message}]
            summary = "Validation failed" if error.status == 400 else error.message
            body = {"message": summary, "errors": errors}
        return body

    # ================================================================== OAuth control endpoints
    def control_oauth_client(self, body: dict[str, Any]) -> tuple[OAuthClient, dict[str, Any]]:
        scopes = body.get("allowedScopes")
        self.require_known_scopes(body.get("defaultScopes") or [])
        client = OAuthClient(
            client_id=str(body["clientId"]),
            client_secret=str(body["clientSecret"]),
            redirect_uris=tuple(body.get("redirectUris") or ()),
            name=str(body.get("name") or "Integration"),
            default_scopes=frozenset(body.get("defaultScopes") or ()),
            allowed_scopes=None if scopes is None else frozenset(scopes),
        )
        return client, {}

    def token_grant(self, client: OAuthClient, body: dict[str, Any]) -> dict[str, Any]:
        scopes = body.get("scopes")
        return {
            "scopes": sorted(ALL_SCOPES) if scopes is None else scopes,
            "grant_type": "authorization_code" if body.get("refreshToken") else "client_credentials",
        }

    # ================================================================== routes
    def _register_routes(self) -> None:
        add = self.add_route
        self.register_oauth_routes(api="oauth")

        # Jobs
        add("GET", "/jobs", self.jobs_list, "jobs_read")
        add("GET", "/jobs/{job_id}", self.jobs_get, "jobs_read")
        add("PUT", "/jobs/{job_id}/status", self.jobs_status_update, "jobs_manage")
        add("GET", "/jobs/{job_id}/status/history", self.jobs_status_history, "jobs_read")
        add("GET", "/jobs/{job_id}/hiring-team", self.jobs_hiring_team, "jobs_read")
        add("POST", "/jobs/{job_id}/hiring-team", self.jobs_hiring_team_add, "jobs_manage")
        add("DELETE", "/jobs/{job_id}/hiring-team/{user_id}", self.jobs_hiring_team_remove, "jobs_manage")
        add("GET", "/jobs/{job_id}/jobads", self.jobs_jobads, "jobs_read")
        add("GET", "/jobs/{job_id}/jobads/{ad_id}", self.jobs_jobad, "jobs_read")
        add("GET", "/jobs/{job_id}/jobads/{ad_id}/postings", self.jobs_jobad_postings, "jobs_read")
        add("GET", "/jobs/{job_id}/publication", self.jobs_publications, "jobs_read")
        add(
            "POST",
            "/jobs/{job_id}/publication",
            self.jobs_publish,
            "jobs_publications_manage",
            limits=PUBLICATION_LIMIT,
        )
        add(
            "DELETE",
            "/jobs/{job_id}/publication",
            self.jobs_unpublish,
            "jobs_publications_manage",
            limits=PUBLICATION_LIMIT,
        )
        add("POST", "/jobs/{job_id}/candidates", self.jobs_candidates_create, *CREATE_CANDIDATES)

        # Public Posting API (no authentication; SR-PY PostingsApi)
        add("GET", "/v1/companies/{company}/postings", self.postings_list, public=True)
        add("GET", "/v1/companies/{company}/postings/{posting_id}", self.postings_get, public=True)

        # Application API
        apply_scopes = ("candidate_applications_manage",)
        add("GET", "/postings/{uuid}/configuration", self.apply_configuration, *apply_scopes, "jobs_read", api="apply")
        add("POST", "/postings/{uuid}/candidates", self.apply_create, *apply_scopes, api="apply")
        add(
            "GET",
            "/postings/{uuid}/candidates/{candidate_id}/status",
            self.apply_status,
            *apply_scopes,
            "candidate_view_application_status_read",
            api="apply",
        )

        # Candidates
        add("GET", "/candidates", self.candidates_list, *READ_CANDIDATES, limits=CANDIDATES_SEARCH_LIMIT)
        add("POST", "/candidates", self.candidates_create, *CREATE_CANDIDATES)
        add("GET", "/candidates/{candidate_id}", self.candidates_get, *READ_CANDIDATES)
        add("PATCH", "/candidates/{candidate_id}", self.candidates_update, *MANAGE_CANDIDATES)
        add("DELETE", "/candidates/{candidate_id}", self.candidates_delete, *MANAGE_CANDIDATES)
        add("GET", "/candidates/{candidate_id}/jobs/{job_id}", self.applications_get, *READ_CANDIDATES)
        add("PUT", "/candidates/{candidate_id}/jobs/{job_id}/status", self.applications_status, *MANAGE_CANDIDATES)
        add(
            "GET",
            "/candidates/{candidate_id}/jobs/{job_id}/status/history",
            self.applications_history,
            *READ_CANDIDATES,
            "candidate_status_read",
            "candidates_status_read",
        )
        add("PUT", "/candidates/{candidate_id}/jobs/{job_id}/source", self.applications_source, *MANAGE_CANDIDATES)
        property_values.register(self, add)  # candidate property values per application
        add(
            "GET",
            "/candidates/{candidate_id}/jobs/{job_id}/screening-answers",
            self.applications_answers,
            *READ_CANDIDATES,
        )
        add(
            "GET",
            "/job-applications/{application_id}",
            self.job_applications_get,
            *READ_CANDIDATES,
            "job_applications_read",
        )
        add("GET", "/candidates/{candidate_id}/tags", self.tags_get, *READ_CANDIDATES)
        add("POST", "/candidates/{candidate_id}/tags", self.tags_add, *MANAGE_CANDIDATES)
        add("PUT", "/candidates/{candidate_id}/tags", self.tags_replace, *MANAGE_CANDIDATES)
        add("DELETE", "/candidates/{candidate_id}/tags", self.tags_delete, *MANAGE_CANDIDATES)
        add("GET", "/candidates/{candidate_id}/attachments", self.attachments_list, *READ_CANDIDATES)
        add("POST", "/candidates/{candidate_id}/attachments", self.attachments_add, *CREATE_CANDIDATES)
        add(
            "GET", "/candidates/{candidate_id}/attachments/{attachment_id}", self.attachments_download, *READ_CANDIDATES
        )
        add("GET", "/candidates/{candidate_id}/jobs/{job_id}/attachments", self.job_attachments_list, *READ_CANDIDATES)
        add(
            "POST", "/candidates/{candidate_id}/jobs/{job_id}/attachments", self.job_attachments_add, *CREATE_CANDIDATES
        )
        add("GET", "/candidates/attachments/{attachment_id}", self.attachments_download_any, *READ_CANDIDATES)
        add("DELETE", "/candidates/attachments/{attachment_id}", self.attachments_delete, *MANAGE_CANDIDATES)
        add(
            "GET",
            "/candidates/{candidate_id}/jobs/{job_id}/offers",
            self.offers_for_application,
            "candidates_offers_read",
        )
        add(
            "GET",
            "/candidates/{candidate_id}/jobs/{job_id}/offers/{offer_id}",
            self.offers_get,
            "candidates_offers_read",
        )
        add("GET", "/offers", self.offers_list, "candidates_offers_read")

        # Notes (Hireloop messages)
        add("POST", "/messages/shares", self.messages_share, "messages_write")
        add("DELETE", "/messages/shares/{message_id}", self.messages_delete, "messages_write")
        add("GET", "/messages", self.messages_list, "messages_read")

        # Interviews
        add("POST", "/interviews", self.interviews_create, "interviews_write")
        add("GET", "/interviews", self.interviews_list, "interviews_read")
        add("GET", "/interviews/{interview_id}", self.interviews_get, "interviews_read")
        add("DELETE", "/interviews/{interview_id}", self.interviews_delete, "interviews_write")

        # Users
        add("GET", "/users", self.users_list, "users_read")
        add("GET", "/users/me", self.users_me, "user_me_read", "users_read")
        add("GET", "/users/{user_id}", self.users_get, "users_read")

        # Configuration
        add("GET", "/configuration/hiring-processes", self.config_hiring_processes, "configuration_read")
        add("GET", "/configuration/hiring-processes/{process_id}", self.config_hiring_process, "configuration_read")
        add("GET", "/configuration/rejection-reasons", self.config_rejection_reasons, "configuration_read")
        add("GET", "/configuration/withdrawal-reasons", self.config_withdrawal_reasons, "configuration_read")
        add("GET", "/configuration/departments", self.config_departments, "configuration_read")
        add("GET", "/configuration/sources", self.config_source_types, "configuration_read")
        fields.register(self, add)  # candidate and job properties (emulator/fields.py)
        add("GET", "/configuration/sources/{source_type}/values", self.config_source_values, "configuration_read")
        add(
            "GET",
            "/configuration/sources/{source_type}/values/{value_id}",
            self.config_source_value,
            "configuration_read",
        )
        add("GET", "/configuration/sources/{source_identifier}", self.config_source_definition, "configuration_read")


# ====================================================================== helpers
def create_app(**options: Any) -> SmartRecruitersEmulator:
    """The factory `run_emulator` and tests use (see `apps.connectors.emulation.registry.EMULATORS`)."""
    return SmartRecruitersEmulator(**options)


APPLY_CODES = {
    400: "INVALID_REQUEST",
    401: "UNAUTHORIZED",
    403: "UNAUTHORIZED",
    404: "RESOURCE_NOT_FOUND_ERROR",
    409: "INVALID_REQUEST",
    429: "APPLY_API_ERROR",
}
APPLY_ERROR_CODES = frozenset(
    {
        "INVALID_REQUEST",
        "INVALID_INPUT",
        "DATA_VALIDATION_ERROR",
        "RESOURCE_NOT_FOUND_ERROR",
        "COMPANY_NOT_FOUND_ERROR",
        "COMPANY_RETRIEVAL_ERROR",
        "APPLY_API_ERROR",
        "FILE_UPLOAD_ERROR",
        "FILE_API_ERROR",
        "INVALID_API_KEY_ERROR",
        "UNAUTHORIZED",
        "REST_CALL_TIMEOUT",
    }
)


def _apply_code(error: HttpError, *, api_key: bool) -> str:
    if error.status == 401:
        return "INVALID_API_KEY_ERROR" if api_key else "UNAUTHORIZED"
    if error.code in APPLY_ERROR_CODES:
        return error.code
    return APPLY_CODES.get(error.status, "APPLY_API_ERROR")
