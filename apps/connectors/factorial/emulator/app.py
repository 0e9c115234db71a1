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

import base64
import binascii
import bisect
import hashlib
import json
import re
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from apps.connectors.emulation.app import ControlError, EmulatorApp, Principal
from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.http import HttpError, Request, Response
from apps.connectors.emulation.oauth import InvalidToken, OAuthClient, OAuthProvider
from apps.connectors.emulation.ratelimit import Limits, RouteLimits, Ticket
from apps.connectors.emulation.routing import Route
from apps.connectors.factorial.emulator import fields, render
from apps.connectors.factorial.emulator.applying import apply, create_application, decode_cv
from apps.connectors.factorial.emulator.seed import SeedConfig, build_state
from apps.connectors.factorial.emulator.state import (
    DECISION_MAKERS,
    JOB_STATUSES,
    PHASE_TYPES,
    Application,
    Candidate,
    Invalid,
    Missing,
    State,
    fmt,
    path_id,
    to_id,
)

# API keys are JWT-formatted (F-REPO SKILL.md, faqs.md); this one decodes to {"company_id":1,"emulator":"factorial"}.
DEFAULT_API_KEY = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjb21wYW55X2lkIjoxLCJlbXVsYXRvciI6ImZhY3RvcmlhbCJ9.ZW11bGF0b3Itc2lnbmF0dXJl"
)
DEFAULT_CLIENT_ID = "emulator-client"
DEFAULT_CLIENT_SECRET = "emulator-secret"
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

MAX_PAGE = 100  # "pagination is applied by default ... limit of 100 ... also the max limit" (pagination.md)


class FactorialEmulator(EmulatorApp):
    """A stateful Factorial. See the module docstring of `app.py` and the report for the interfaces."""

    name = "factorial"

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
        self.initial_seed = seed if isinstance(seed, SeedConfig) else SeedConfig.from_json(dict(seed or {}))
        self.seed_config = self.initial_seed
        self.state: State = build_state(self.seed_config, self.clock)
        if oauth_clients is None:
            scopes = frozenset({RECRUITMENT, EMPLOYEES})
            oauth_clients = [
                OAuthClient(
                    client_id=DEFAULT_CLIENT_ID,
                    client_secret=DEFAULT_CLIENT_SECRET,
                    redirect_uris=(DEFAULT_REDIRECT_URI,),
                    name="Emulator integration",
                    default_scopes=scopes,
                    allowed_scopes=scopes,
                    grant_types=frozenset({"authorization_code", "refresh_token"}),
                )
            ]
        # Factorial's OAuth server is Doorkeeper-shaped: token JSON with `created_at`, single-use refresh tokens.
        # Without `scope` the token gets the application's configured scopes (oauth-scopes.md: "strictly limited
        # to the scopes configured in the OAuth application").
        self.oauth = OAuthProvider(
            known_scopes=ALL_SCOPES,
            clients=oauth_clients,
            clock=self.clock,
            access_token_ttl=ACCESS_TOKEN_TTL,
            refresh_token_ttl=REFRESH_TOKEN_TTL,
            rotate_refresh_tokens=True,
            subject=self._owner_subject(),
            subject_label=self._owner_label(),
            product_name="Factorial (emulated)",
            scope_descriptions=SCOPE_DESCRIPTIONS,
            authorize_params=("resource_owner_type",),
            access_token_ttl_for=_token_ttl,
            include_created_at=True,
        )
        self._register_routes()
        self._register_factorial_control_endpoints()

    def _add_api_key(self, key: str, label: str) -> tuple[int, str]:
        number = self.api_keys[key][0] if key in self.api_keys else len(self.api_keys) + 1
        self.api_keys[key] = (number, label)
        return self.api_keys[key]

    def _owner_subject(self) -> str | None:
        owner = self.state.owner_employee_id
        return None if owner is None else str(owner)

    def _owner_label(self) -> str:
        owner = self.state.employees.get(self.state.owner_employee_id or 0)
        return f"{owner.full_name} <{owner.email}>" if owner else "the administrator"

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
            fingerprint = hashlib.sha256(key.encode()).hexdigest()[:12]
            return Principal(credential=f"api_key:{fingerprint}", kind="api_key", subject=f"api_key-{entry[0]}")
        authorization = request.header("authorization") or ""
        if authorization.lower().startswith("bearer "):
            assert self.oauth is not None
            try:
                grant = self.oauth.authenticate(authorization[7:].strip())
            except InvalidToken as exc:
                # Doorkeeper's messages and WWW-Authenticate header for a refused bearer token.
                message = "The access token expired" if exc.reason == "expired" else "The access token is invalid"
                header = f'Bearer realm="Doorkeeper", error="invalid_token", error_description="{message}"'
                raise HttpError(401, "invalid_token", message, headers={"WWW-Authenticate": header}) from None
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

    def describe(self, url: str) -> dict[str, str]:
        return {
            "API key (x-api-key)": ", ".join(self.api_keys),
            "OAuth client": f"{DEFAULT_CLIENT_ID} / {DEFAULT_CLIENT_SECRET} (redirect URI {DEFAULT_REDIRECT_URI})",
            "authorize": f"{url}/oauth/authorize?client_id={DEFAULT_CLIENT_ID}&redirect_uri=...&response_type=code",
            "token": f"{url}/oauth/token",
            "resources": f"{url}/api/{LATEST_VERSION}/resources/ats/...",
            "seed": json.dumps(self.seed_config.as_json()),
        }

    # ================================================================== state hooks
    def state_snapshot(self) -> dict[str, Any]:
        return _dump(self.state, self.seed_config)

    def seed(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            config = SeedConfig.from_json(params)
        except TypeError as exc:
            raise ControlError(str(exc)) from None
        except Invalid as exc:
            raise ControlError(exc.message) from None
        self._replace_state(config)
        return {"seed": config.as_json(), "counts": _counts(self.state)}

    def reset_state(self) -> None:
        self._replace_state(self.initial_seed)

    def _replace_state(self, config: SeedConfig) -> None:
        self.seed_config = config
        self.state = build_state(config, self.clock)
        assert self.oauth is not None
        self.oauth.subject = self._owner_subject()
        self.oauth.subject_label = self._owner_label()

    # ================================================================== routes
    def _register_routes(self) -> None:
        def add(method: str, template: str, handler: Callable[[Request], Response], *scopes: str, **meta: Any) -> None:
            self.router.add(method, template, _domain_errors(handler), scopes=scopes, **meta)

        # OAuth (Doorkeeper-style endpoints, F-REPO request-an-authorization-code.md / request-an-access-token.md)
        add("GET", "/oauth/authorize", self.oauth_authorize_page, unlimited=True)
        add("POST", "/oauth/authorize", self.oauth_authorize_submit, unlimited=True)
        add("POST", "/oauth/token", self.oauth_token, unlimited=True)

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

    # ------------------------------------------------------------------ OAuth
    def oauth_authorize_page(self, request: Request) -> Response:
        assert self.oauth is not None
        return self.oauth.approval_page(request, action="/oauth/authorize")

    def oauth_authorize_submit(self, request: Request) -> Response:
        assert self.oauth is not None
        return self.oauth.approval_submit(request)

    def oauth_token(self, request: Request) -> Response:
        assert self.oauth is not None
        return self.oauth.token_endpoint(request)

    def file_download(self, request: Request) -> Response:
        stored = self.state.files.get(request.path_params["signed_id"])
        if stored is None or stored.filename != request.path_params["filename"]:
            raise HttpError(404, "not_found", "File not found")
        return Response.binary(stored.content, stored.content_type, stored.filename)

    # ------------------------------------------------------------------ job postings
    def job_postings_list(self, request: Request) -> Response:
        status = request.arg("status")
        if status is not None and status not in JOB_STATUSES:
            raise _bad_param("status", f"must be one of {', '.join(JOB_STATUSES)}")
        ids = _ids(request, "ids")
        team, location, entity = (_single_id(request, name) for name in ("team_id", "location_id", "legal_entity_id"))
        # Deleted postings are left out unless asked for by status (our reading of the `deleted` status).
        items = [
            job
            for job in self.state.job_postings.values()
            if (status == job.status if status is not None else job.status != "deleted")
            and (ids is None or job.id in ids)
            and (team is None or job.team_id == team)
            and (location is None or job.location_id == location)
            and (entity is None or job.legal_entity_id == entity)
        ]
        return _page(request, items, lambda job: render.job_posting(self.state, job, request.base_url))

    def job_postings_get(self, request: Request) -> Response:
        job = self.state.job_posting(path_id(request.path_params["id"], "Ats::JobPosting"))
        return Response.json(render.job_posting(self.state, job, request.base_url))

    def job_postings_create(self, request: Request) -> Response:
        job = self.state.create_job_posting(request.json_object())
        return Response.json(render.job_posting(self.state, job, request.base_url), 201)

    def job_postings_update(self, request: Request) -> Response:
        job = self.state.job_posting(path_id(request.path_params["id"], "Ats::JobPosting"))
        self.state.update_job_posting(job, request.json_object())
        return Response.json(render.job_posting(self.state, job, request.base_url))

    def job_postings_delete(self, request: Request) -> Response:
        job = self.state.job_posting(path_id(request.path_params["id"], "Ats::JobPosting"))
        self.state.delete_job_posting(job)
        return Response.json(render.job_posting(self.state, job, request.base_url))

    def job_postings_duplicate(self, request: Request) -> Response:
        body = request.json_object()
        if body.get("id") is None:
            raise Invalid("can't be blank", "id")
        job = self.state.job_postings.get(to_id(body["id"], "id"))
        if job is None:
            raise Invalid("job posting does not exist", "id")
        copy = self.state.duplicate_job_posting(job)
        return Response.json(render.job_posting(self.state, copy, request.base_url), 201)

    # ------------------------------------------------------------------ pipeline
    def _phase_counts(self) -> dict[int, tuple[int, int]]:
        counts: dict[int, list[int]] = {}
        for application in self.state.applications.values():
            entry = counts.setdefault(application.phase_id, [0, 0])
            entry[0] += 1
            if application.rejection_reason_id is None:
                entry[1] += 1
        return {phase_id: (total, active) for phase_id, (total, active) in counts.items()}

    def phases_list(self, request: Request) -> Response:
        ids, jobs = _ids(request, "ids"), _ids(request, "ats_job_posting_ids")
        counts = self._phase_counts()
        items = [
            phase
            for phase in self.state.phases.values()
            if (ids is None or phase.id in ids) and (jobs is None or phase.job_posting_id in jobs)
        ]
        return _page(request, items, lambda phase: render.phase(phase, counts.get(phase.id, (0, 0))))

    def phases_get(self, request: Request) -> Response:
        phase = self.state.phase(path_id(request.path_params["id"], "Ats::ApplicationPhase"))
        return Response.json(render.phase(phase, self._phase_counts().get(phase.id, (0, 0))))

    def hiring_stages_list(self, request: Request) -> Response:
        ids = _ids(request, "ids")
        phase_id = _single_id(request, "ats_application_phase_id")
        stage_of_phase = None
        if phase_id is not None:
            phase = self.state.phases.get(phase_id)
            stage_of_phase = phase.hiring_stage_id if phase else -1
        items = [
            stage
            for stage in self.state.hiring_stages.values()
            if (ids is None or stage.id in ids) and (stage_of_phase is None or stage.id == stage_of_phase)
        ]
        return _page(request, items, lambda stage: render.hiring_stage(self.state, stage))

    def hiring_stages_get(self, request: Request) -> Response:
        stage = self.state.hiring_stage(path_id(request.path_params["id"], "Ats::HiringStage"))
        return Response.json(render.hiring_stage(self.state, stage))

    # ------------------------------------------------------------------ candidates
    def candidates_list(self, request: Request) -> Response:
        state = self.state
        ids = _ids(request, "ids")
        emails = {value.strip().lower() for value in request.args("emails")} or None
        teams, locations = _ids(request, "team_ids"), _ids(request, "location_ids")
        jobs = _ids(request, "job_posting_ids")
        sources = set(request.args("source")) or None
        remote, active = _bool(request, "remote"), _bool(request, "active")
        talent_pool, archived = _bool(request, "talent_pool"), _bool(request, "archived")
        minimum_rating = _number(request, "minimum_average_rating")
        needs_jobs = teams is not None or locations is not None or jobs is not None or remote is not None
        ratings: dict[int, list[int]] = {}
        if minimum_rating is not None:
            for feedback in state.feedbacks.values():
                if feedback.rating is not None:
                    ratings.setdefault(feedback.candidate_id, []).append(feedback.rating)

        def job_filters_match(candidate: Candidate) -> bool:
            postings = [state.job_postings[state.applications[a].job_posting_id] for a in candidate.application_ids]
            return (
                (jobs is None or any(job.id in jobs for job in postings))
                and (teams is None or any(job.team_id in teams for job in postings))
                and (locations is None or any(job.location_id in locations for job in postings))
                and (remote is None or any(job.remote == remote for job in postings))
            )

        def rating_matches(candidate: Candidate, minimum: float) -> bool:
            values = ratings.get(candidate.id)
            return bool(values) and sum(values) / len(values) >= minimum

        # `archived` has no field of its own in AtsCandidate; we read it as "inactive" (inactive_since set).
        items = [
            candidate
            for candidate in state.candidates.values()
            if (ids is None or candidate.id in ids)
            and (emails is None or (candidate.email or "").lower() in emails)
            and (sources is None or state.source_matches(candidate.source, candidate.source_id, sources))
            and (active is None or (candidate.inactive_since is None) == active)
            and (archived is None or (candidate.inactive_since is not None) == archived)
            and (talent_pool is None or candidate.talent_pool == talent_pool)
            and (not needs_jobs or job_filters_match(candidate))
            and (minimum_rating is None or rating_matches(candidate, minimum_rating))
        ]
        return _page(request, items, lambda candidate: render.candidate(state, candidate))

    def candidates_get(self, request: Request) -> Response:
        candidate = self.state.candidate(path_id(request.path_params["id"], "Ats::Candidate"))
        return Response.json(render.candidate(self.state, candidate))

    def candidates_create(self, request: Request) -> Response:
        candidate = self.state.create_candidate(request.json_object())
        return Response.json(render.candidate(self.state, candidate), 201)

    def candidates_update(self, request: Request) -> Response:
        candidate = self.state.candidate(path_id(request.path_params["id"], "Ats::Candidate"))
        self.state.update_candidate(candidate, request.json_object())
        return Response.json(render.candidate(self.state, candidate))

    def candidates_delete(self, request: Request) -> Response:
        candidate = self.state.candidate(path_id(request.path_params["id"], "Ats::Candidate"))
        body = render.candidate(self.state, candidate)
        self.state.delete_candidate(candidate.id)
        return Response.json(body)

    # ------------------------------------------------------------------ applications
    def applications_list(self, request: Request) -> Response:
        state = self.state
        ids = _ids(request, "ids")
        jobs, phases = _ids(request, "ats_job_posting_id"), _ids(request, "ats_application_phase_id")
        candidates, reasons = _ids(request, "ats_candidate_ids"), _ids(request, "ats_rejection_reason_ids")
        tags = _ids(request, "ats_tags_ids")
        qualified = _bool(request, "qualified")
        search = (request.arg("search") or "").strip().lower()

        def search_matches(application: Application) -> bool:
            candidate = state.candidates[application.candidate_id]
            return search in f"{candidate.full_name} {candidate.email or ''}".lower()

        items = [
            application
            for application in state.applications.values()
            if (ids is None or application.id in ids)
            and (jobs is None or application.job_posting_id in jobs)
            and (phases is None or application.phase_id in phases)
            and (candidates is None or application.candidate_id in candidates)
            and (reasons is None or application.rejection_reason_id in reasons)
            and (tags is None or any(tag in tags for tag in application.tag_ids))
            and (qualified is None or application.qualified == qualified)
            and (not search or search_matches(application))
        ]
        ratings = state.rating_averages()
        return _page(
            request,
            items,
            lambda application: render.application(state, application, request.base_url, ratings.get(application.id)),
        )

    def _application(self, request: Request) -> Application:
        return self.state.application(path_id(request.path_params["id"], "Ats::Application"))

    def applications_get(self, request: Request) -> Response:
        return Response.json(render.application(self.state, self._application(request), request.base_url))

    def applications_create(self, request: Request) -> Response:
        application = create_application(self.state, request.json_object())
        return Response.json(render.application(self.state, application, request.base_url), 201)

    def applications_apply(self, request: Request) -> Response:
        # Apply answers 200, not 201 (F-SDK `_parse_response` of the apply endpoint).
        _, application = apply(self.state, request.json_object())
        return Response.json(render.application(self.state, application, request.base_url))

    def applications_update(self, request: Request) -> Response:
        application = self._application(request)
        body = request.json_object()
        cv = decode_cv(body.get("cv"))
        self.state.update_application(application, body, cv=cv.as_tuple() if cv else None)
        return Response.json(render.application(self.state, application, request.base_url))

    def applications_delete(self, request: Request) -> Response:
        application = self._application(request)
        body = render.application(self.state, application, request.base_url)
        self.state.delete_application(application.id)
        return Response.json(body)

    def applications_move_to_phase(self, request: Request) -> Response:
        body = request.json_object()
        for key in ("id", "ats_application_phase_id"):
            if body.get(key) is None:
                raise Invalid("can't be blank", key)
        application = self.state.application(to_id(body["id"], "id"))
        self.state.move_to_phase(application, body["ats_application_phase_id"])
        return Response.json(render.application(self.state, application, request.base_url))

    # ------------------------------------------------------------------ questions and answers
    def questions_list(self, request: Request) -> Response:
        ids, jobs = _ids(request, "ids"), _ids(request, "ats_job_posting_ids")
        items = [
            question
            for question in self.state.questions.values()
            if (ids is None or question.id in ids) and (jobs is None or question.job_posting_id in jobs)
        ]
        return _page(request, items, render.question)

    def questions_get(self, request: Request) -> Response:
        return Response.json(render.question(self.state.question(path_id(request.path_params["id"], "Ats::Question"))))

    def questions_create(self, request: Request) -> Response:
        return Response.json(render.question(self.state.create_question(request.json_object())), 201)

    def questions_update(self, request: Request) -> Response:
        question = self.state.question(path_id(request.path_params["id"], "Ats::Question"))
        return Response.json(render.question(self.state.update_question(question, request.json_object())))

    def questions_delete(self, request: Request) -> Response:
        question_id = path_id(request.path_params["id"], "Ats::Question")
        return Response.json(render.question(self.state.delete_question(question_id)))

    def answers_list(self, request: Request) -> Response:
        ids, applications = _ids(request, "ids"), _ids(request, "ats_application_ids")
        items = [
            answer
            for answer in self.state.answers.values()
            if (ids is None or answer.id in ids) and (applications is None or answer.application_id in applications)
        ]
        return _page(request, items, lambda answer: render.answer(answer, request.base_url))

    def answers_get(self, request: Request) -> Response:
        answer = self.state.answer(path_id(request.path_params["id"], "Ats::Answer"))
        return Response.json(render.answer(answer, request.base_url))

    def answers_create(self, request: Request) -> Response:
        answer = self.state.create_answer(request.json_object())
        return Response.json(render.answer(answer, request.base_url), 201)

    # ------------------------------------------------------------------ catalogues
    def rejection_reasons_list(self, request: Request) -> Response:
        ids, applications = _ids(request, "ids"), _ids(request, "ats_application_ids")
        used = None
        if applications is not None:
            used = {
                self.state.applications[a].rejection_reason_id for a in applications if a in self.state.applications
            }
        items = [
            reason
            for reason in self.state.rejection_reasons.values()
            if (ids is None or reason.id in ids) and (used is None or reason.id in used)
        ]
        return _page(request, items, lambda reason: render.rejection_reason(self.state, reason))

    def rejection_reasons_get(self, request: Request) -> Response:
        reason = self.state.rejection_reason(path_id(request.path_params["id"], "Ats::RejectionReason"))
        return Response.json(render.rejection_reason(self.state, reason))

    def candidate_sources_list(self, request: Request) -> Response:
        ids = _ids(request, "ids")
        items = [source for source in self.state.candidate_sources.values() if ids is None or source.id in ids]
        return _page(request, items, lambda source: render.candidate_source(self.state, source))

    def candidate_sources_get(self, request: Request) -> Response:
        source = self.state.candidate_source(path_id(request.path_params["id"], "Ats::CandidateSource"))
        return Response.json(render.candidate_source(self.state, source))

    # ------------------------------------------------------------------ feedbacks
    def feedbacks_list(self, request: Request) -> Response:
        ids, applications = _ids(request, "ids"), _ids(request, "ats_application_ids")
        candidate = _single_id(request, "ats_candidate_id")
        items = [
            feedback
            for feedback in self.state.feedbacks.values()
            if (ids is None or feedback.id in ids)
            and (applications is None or feedback.application_id in applications)
            and (candidate is None or feedback.candidate_id == candidate)
        ]
        return _page(request, items, render.feedback)

    def feedbacks_get(self, request: Request) -> Response:
        return Response.json(render.feedback(self.state.feedback(path_id(request.path_params["id"], "Ats::Feedback"))))

    def feedbacks_create(self, request: Request) -> Response:
        return Response.json(render.feedback(self.state.create_feedback(request.json_object())), 201)

    def feedbacks_update(self, request: Request) -> Response:
        feedback = self.state.feedback(path_id(request.path_params["id"], "Ats::Feedback"))
        return Response.json(render.feedback(self.state.update_feedback(feedback, request.json_object())))

    def feedbacks_delete(self, request: Request) -> Response:
        feedback_id = path_id(request.path_params["id"], "Ats::Feedback")
        return Response.json(render.feedback(self.state.delete_feedback(feedback_id)))

    # ------------------------------------------------------------------ employees and credentials
    def employees_list(self, request: Request) -> Response:
        ids = _ids(request, "ids")
        emails = {value.strip().lower() for value in request.args("emails")} or None
        only_active, only_managers = _bool(request, "only_active"), _bool(request, "only_managers")
        since = _date_arg(request, "updated_at_gteq")
        managers = {e.manager_id for e in self.state.employees.values() if e.manager_id is not None}
        items = [
            employee
            for employee in self.state.employees.values()
            if (ids is None or employee.id in ids)
            and (emails is None or employee.email.lower() in emails)
            and (not only_active or employee.terminated_on is None)
            and (not only_managers or employee.id in managers)
            and (since is None or employee.updated_at >= since)
        ]
        return _page(request, items, lambda employee: render.employee(self.state, employee))

    def employees_get(self, request: Request) -> Response:
        employee = self.state.employee(path_id(request.path_params["id"], "Employees::Employee"))
        return Response.json(render.employee(self.state, employee))

    def credentials_list(self, request: Request) -> Response:
        principal: Principal = request.principal
        if principal.kind == "oauth_user":
            employee = self.state.employees.get(int(principal.subject or 0))
            if employee is None:  # the approving employee left the company (e.g. after a re-seed)
                raise HttpError(401, "invalid_token", "The access token is invalid")
            credential = render.user_credential(self.state, employee)
        elif principal.kind == "oauth_company":
            credential = render.company_credential(self.state, f"company-{self.state.company_id}")
        else:
            credential = render.company_credential(self.state, principal.subject or "api_key")
        return Response.json(
            {
                "data": [credential],
                "meta": {
                    "has_next_page": False,
                    "has_previous_page": False,
                    "start_cursor": None,
                    "end_cursor": None,
                    "total": 1,
                    "limit": MAX_PAGE,
                },
            }
        )

    # ================================================================== Factorial control endpoints
    def _register_factorial_control_endpoints(self) -> None:
        def add(method: str, template: str, handler: Callable[[Request], Response]) -> None:
            self.control.add(method, template, _control_errors(handler))

        add("POST", "/_emulator/candidate-sources", self._control_create_source)
        add("DELETE", "/_emulator/candidate-sources/{id}", self._control_delete_source)
        add("POST", "/_emulator/applications/{id}/move", self._control_move)
        add("POST", "/_emulator/applications/{id}/reject", self._control_reject)
        add("POST", "/_emulator/applications/{id}/hire", self._control_hire)
        add("DELETE", "/_emulator/records/{resource}/{id}", self._control_delete_record)
        add("POST", "/_emulator/oauth/clients", self._control_oauth_client)
        add("POST", "/_emulator/oauth/tokens", self._control_oauth_token)
        add("POST", "/_emulator/api-keys", self._control_api_key)
        add("DELETE", "/_emulator/api-keys/{key}", self._control_delete_api_key)

    def _control_create_source(self, request: Request) -> Response:
        """What an admin does in Settings → Recruitment → Sources; the API itself cannot (reference B4)."""
        body = request.json_object()
        source = self.state.create_custom_source(
            name=str(body.get("name") or ""),
            category=str(body.get("category") or "job_board"),
            label=body.get("label"),
        )
        return Response.json(_source_dump(source), 201)

    def _control_delete_source(self, request: Request) -> Response:
        source = self.state.delete_source(path_id(request.path_params["id"], "Ats::CandidateSource"))
        return Response.json(_source_dump(source))

    def _control_application(self, request: Request) -> Application:
        return self.state.application(path_id(request.path_params["id"], "Ats::Application"))

    def _control_move(self, request: Request) -> Response:
        """Move like a recruiter dragging the card: `{"ats_application_phase_id": 12}` or `{"phase_type": "offer"}`."""
        application = self._control_application(request)
        body = request.json_object()
        phase_id = body.get("ats_application_phase_id")
        if phase_id is None:
            phase_type = body.get("phase_type")
            if phase_type not in PHASE_TYPES:
                raise ControlError(f"send ats_application_phase_id or phase_type (one of {', '.join(PHASE_TYPES)})")
            phases = [p for p in self.state.phases_of(application.job_posting_id) if p.phase_type == phase_type]
            if not phases:
                raise ControlError(f"job posting {application.job_posting_id} has no {phase_type} phase")
            phase_id = phases[0].id
        self.state.move_to_phase(application, phase_id)
        return Response.json(_application_dump(self.state, application))

    def _control_reject(self, request: Request) -> Response:
        """`{"ats_rejection_reason_id": 3}` or `{"decision_maker": "candidate"}` (the first such reason)."""
        application = self._control_application(request)
        body = request.json_object()
        reason_id = body.get("ats_rejection_reason_id")
        if reason_id is None:
            maker = body.get("decision_maker", "company")
            if maker not in DECISION_MAKERS:
                raise ControlError(f"decision_maker must be one of {', '.join(DECISION_MAKERS)}")
            reason_id = next(r.id for r in self.state.rejection_reasons.values() if r.decision_maker == maker)
        self.state.reject(application, to_id(reason_id, "ats_rejection_reason_id"))
        return Response.json(_application_dump(self.state, application))

    def _control_hire(self, request: Request) -> Response:
        """Move to the posting's hired phase; `{"createEmployee": true}` also converts the candidate."""
        application = self._control_application(request)
        body = request.json or {}
        self.state.hire(application, create_employee=bool(body.get("createEmployee")))
        return Response.json(_application_dump(self.state, application))

    def _control_delete_record(self, request: Request) -> Response:
        """Delete like the UI would (no trace left), e.g. `DELETE /_emulator/records/candidates/7`."""
        resource = request.path_params["resource"]
        deleters: dict[str, Callable[[int], Any]] = {
            "candidates": self.state.delete_candidate,
            "applications": self.state.delete_application,
            "job_postings": self._hard_delete_job,
            "questions": self.state.delete_question,
            "answers": self._delete_answer,
            "feedbacks": self.state.delete_feedback,
            "candidate_sources": self.state.delete_source,
            "employees": self._delete_employee,
        }
        deleter = deleters.get(resource)
        if deleter is None:
            raise ControlError(f"resource must be one of {', '.join(sorted(deleters))}", 404)
        record_id = path_id(request.path_params["id"], resource)
        deleter(record_id)
        return Response.json({"deleted": {"resource": resource, "id": record_id}})

    def _hard_delete_job(self, job_id: int) -> None:
        state = self.state
        state.job_posting(job_id)
        for application_id in [a.id for a in state.applications.values() if a.job_posting_id == job_id]:
            state.delete_application(application_id)
        for question in state.questions_of(job_id):
            state.delete_question(question.id)
        for phase in state.phases_of(job_id):
            del state.phases[phase.id]
        del state.job_postings[job_id]

    def _delete_answer(self, answer_id: int) -> None:
        answer = self.state.answer(answer_id)
        del self.state.answers[answer_id]
        if answer.file is not None:
            self.state.files.pop(answer.file.signed_id, None)

    def _delete_employee(self, employee_id: int) -> None:
        self.state.employee(employee_id)
        del self.state.employees[employee_id]

    def _control_oauth_client(self, request: Request) -> Response:
        """Register (or reconfigure) an OAuth application: `{"clientId", "clientSecret", "redirectUris": [...],
        "scopes": [...], "name"}`. Changing an existing application's scopes invalidates its tokens, as
        Factorial does (F-REPO oauth-scopes.md)."""
        body = request.json_object()
        client_id, client_secret = body.get("clientId"), body.get("clientSecret")
        if not client_id or not client_secret:
            raise ControlError("clientId and clientSecret are required")
        scopes = frozenset(body.get("scopes") or (RECRUITMENT,))
        unknown = scopes - ALL_SCOPES
        if unknown:
            raise ControlError(f"Unknown scopes: {', '.join(sorted(unknown))}")
        assert self.oauth is not None
        existing = self.oauth.client(str(client_id))
        revoked = 0
        if existing is not None and existing.allowed_scopes != scopes:
            revoked = self.oauth.revoke_client_tokens(str(client_id))
        redirect_uris = [str(uri) for uri in body.get("redirectUris") or ()]
        self.oauth.register_client(
            OAuthClient(
                client_id=str(client_id),
                client_secret=str(client_secret),
                redirect_uris=tuple(redirect_uris),
                name=str(body.get("name") or "Integration"),
                default_scopes=scopes,
                allowed_scopes=scopes,
                grant_types=frozenset({"authorization_code", "refresh_token"}),
            )
        )
        return Response.json(
            {"clientId": client_id, "redirectUris": redirect_uris, "scopes": sorted(scopes), "revokedTokens": revoked},
            201,
        )

    def _control_oauth_token(self, request: Request) -> Response:
        """Mint a token without the browser dance (tests): `{"clientId", "scopes": [...], "refreshToken": bool,
        "company": bool}` — `company` gives a non-expiring company token (`resource_owner_type=company`)."""
        body = request.json_object()
        assert self.oauth is not None
        client_id = str(body.get("clientId") or DEFAULT_CLIENT_ID)
        client = self.oauth.client(client_id)
        if client is None:
            raise ControlError(f"Unknown client {client_id}", 404)
        scopes = body.get("scopes")
        scopes = sorted(client.default_scopes) if scopes is None else scopes
        unknown = set(scopes) - ALL_SCOPES
        if unknown:
            raise ControlError(f"Unknown scopes: {', '.join(sorted(unknown))}")
        extras = {"resource_owner_type": "company"} if body.get("company") else {}
        token = self.oauth.issue_token(
            client_id,
            scopes,
            subject=self._owner_subject(),
            grant_type="authorization_code",
            with_refresh_token=bool(body.get("refreshToken")),
            extras=extras,
        )
        return Response.json(token, 201)

    def _control_api_key(self, request: Request) -> Response:
        """Create an API key (Settings → API keys): `{"key"?: "...", "name"?: "..."}`; a key is generated when
        none is given. Keys give full access and never expire (F-REPO faqs.md)."""
        body = request.json or {}
        key = body.get("key") or f"emu_{secrets.token_urlsafe(24)}"
        if not isinstance(key, str):
            raise ControlError("key must be a string")
        number, name = self._add_api_key(key, str(body.get("name") or "API key"))
        return Response.json({"key": key, "name": name, "credentialId": f"api_key-{number}"}, 201)

    def _control_delete_api_key(self, request: Request) -> Response:
        key = request.path_params["key"]
        if self.api_keys.pop(key, None) is None:
            raise ControlError("Unknown API key", 404)
        return Response.json({"deleted": True})


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


def _domain_errors(handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
    def run(request: Request) -> Response:
        try:
            return handler(request)
        except Invalid as exc:
            details = [{"field": exc.field, "message": exc.reason}] if exc.field else []
            raise HttpError(exc.status, _status_code_name(exc.status), exc.message, details=details) from None
        except Missing as exc:
            raise HttpError(404, "not_found", exc.message) from None

    return run


def _control_errors(handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
    def run(request: Request) -> Response:
        try:
            return handler(request)
        except Invalid as exc:
            raise ControlError(exc.message, exc.status) from None
        except Missing as exc:
            raise ControlError(exc.message, 404) from None

    return run


def _bad_param(name: str, message: str) -> HttpError:
    return HttpError(400, "bad_request", f"{name}: {message}", details=[{"field": name, "message": message}])


def _ids(request: Request, name: str) -> set[int] | None:
    """A Rails-style array filter (`ids[]=1&ids[]=2`, also `ids=1`); integer or string ids. None when absent."""
    values = request.args(name)
    if not values:
        return None
    out = set()
    for value in values:
        for part in value.split(","):
            if not part.strip().isdigit():
                raise _bad_param(name, "must be ids")
            out.add(int(part))
    return out


def _single_id(request: Request, name: str) -> int | None:
    ids = _ids(request, name)
    if ids is None:
        return None
    if len(ids) != 1:
        raise _bad_param(name, "takes one id")
    return next(iter(ids))


def _bool(request: Request, name: str) -> bool | None:
    value = request.arg(name)
    if value is None or value == "":
        return None
    lowered = value.lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise _bad_param(name, "must be true or false")


def _number(request: Request, name: str) -> float | None:
    value = request.arg(name)
    if value is None or value == "":
        return None
    try:
        return float(value)
    except ValueError:
        raise _bad_param(name, "must be a number") from None


def _date_arg(request: Request, name: str) -> datetime | None:
    value = request.arg(name)
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise _bad_param(name, "must be a date or an ISO-8601 date-time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def encode_cursor(identifier: int) -> str:
    """Cursors are the base64 of the id: `MTY=` is 16 (F-REPO pagination.md)."""
    return base64.b64encode(str(identifier).encode()).decode()


def _decode_cursor(request: Request, name: str) -> int | None:
    value = request.arg(name)
    if value is None or value == "":
        return None
    try:
        decoded = base64.b64decode(value, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    if decoded.isdigit():
        return int(decoded)
    # The guide calls `after_id` "the id that serves as the pointer" while its example sends base64; a plain
    # numeric id is accepted too (our leniency).
    if value.isdigit():
        return int(value)
    raise _bad_param(name, "must be a cursor (start_cursor / end_cursor of a page)")


def _page(request: Request, items: Sequence[Any], render_item: Callable[[Any], dict[str, Any]]) -> Response:
    """Cursor pagination (the default): `limit` (default = max = 100; larger values are cut to 100, as the guide
    says), `after_id` / `before_id` cursors, items by id ascending. The legacy offset style (`page`, 1-based) is
    served when `page` is sent, with a meta without cursors (F-DOC how-does-it-work#offset-pagination)."""
    raw_limit = request.arg("limit")
    limit = MAX_PAGE
    if raw_limit not in (None, ""):
        if not raw_limit.isdigit() or int(raw_limit) < 1:
            raise _bad_param("limit", "must be a positive integer")
        limit = min(int(raw_limit), MAX_PAGE)
    total = len(items)
    raw_page = request.arg("page")
    if raw_page not in (None, ""):
        if not raw_page.isdigit() or int(raw_page) < 1:
            raise _bad_param("page", "must be a positive integer")
        start = (int(raw_page) - 1) * limit
        window = items[start : start + limit]
        meta = {"has_next_page": start + limit < total, "has_previous_page": start > 0, "total": total, "limit": limit}
        return Response.json({"data": [render_item(item) for item in window], "meta": meta})
    ids = [item.id for item in items]
    after, before = _decode_cursor(request, "after_id"), _decode_cursor(request, "before_id")
    if after is not None:
        start = bisect.bisect_right(ids, after)
        end = min(total, start + limit)
        if before is not None:
            end = min(end, bisect.bisect_left(ids, before))
    elif before is not None:
        end = bisect.bisect_left(ids, before)
        start = max(0, end - limit)
    else:
        start, end = 0, min(total, limit)
    window = items[start:end] if end > start else []
    meta = {
        "has_next_page": end < total,
        "has_previous_page": start > 0,
        "start_cursor": encode_cursor(window[0].id) if window else None,
        "end_cursor": encode_cursor(window[-1].id) if window else None,
        "total": total,
        "limit": limit,
    }
    return Response.json({"data": [render_item(item) for item in window], "meta": meta})


# -- state dump ---------------------------------------------------------------------------------------
def _source_dump(source: Any) -> dict[str, Any]:
    return {
        "id": source.id,
        "category": source.category,
        "name": source.name,
        "label": source.label,
        "custom": source.custom,
    }


def _written_source(state: State, raw: str | None, source_id: int | None, medium: str | None) -> dict[str, Any]:
    source = state.candidate_sources.get(source_id) if source_id is not None else None
    return {
        "written": raw,
        "sourceId": source_id,
        "name": source.name if source else None,
        "label": source.label if source else None,
        "medium": medium,
    }


def _file_dump(stored: Any) -> dict[str, Any] | None:
    if stored is None:
        return None
    return {
        "signedId": stored.signed_id,
        "filename": stored.filename,
        "contentType": stored.content_type,
        "size": len(stored.content),
        "sha256": hashlib.sha256(stored.content).hexdigest(),
        "createdAt": fmt(stored.created_at),
    }


def _application_dump(state: State, application: Application, answers: list[Any] | None = None) -> dict[str, Any]:
    phase = state.phases[application.phase_id]
    reason = state.rejection_reasons.get(application.rejection_reason_id or 0)
    return {
        "id": application.id,
        "candidateId": application.candidate_id,
        "jobPostingId": application.job_posting_id,
        "createdAt": fmt(application.created_at),
        "phaseId": phase.id,
        "phaseName": phase.name,
        "phaseType": phase.phase_type,
        "outcome": state.outcome(application),
        "rejectionReasonId": application.rejection_reason_id,
        "decisionMaker": reason.decision_maker if reason else None,
        "qualified": application.qualified,
        "disqualifiedReason": application.disqualified_reason,
        "employeeId": application.employee_id,
        "source": _written_source(state, application.source, application.source_id, application.medium),
        "coverLetter": application.cover_letter,
        "phone": application.phone,
        "cv": _file_dump(application.cv),
        "answers": [
            {
                "id": answer.id,
                "questionId": answer.question_id,
                "type": answer.original_question_type,
                "label": answer.original_question_label,
                "value": answer.value,
                "file": _file_dump(answer.file),
            }
            for answer in (state.answers_of(application.id) if answers is None else answers)
        ],
        "history": [
            {"changedAt": fmt(change.changed_at), "phaseId": change.phase_id} for change in application.history
        ],
    }


def _counts(state: State) -> dict[str, int]:
    return {
        "employees": len(state.employees),
        "jobPostings": len(state.job_postings),
        "applicationPhases": len(state.phases),
        "hiringStages": len(state.hiring_stages),
        "questions": len(state.questions),
        "candidateSources": len(state.candidate_sources),
        "rejectionReasons": len(state.rejection_reasons),
        "candidates": len(state.candidates),
        "applications": len(state.applications),
        "answers": len(state.answers),
        "feedbacks": len(state.feedbacks),
        "files": len(state.files),
    }


def _dump(state: State, config: SeedConfig) -> dict[str, Any]:
    """`GET /_emulator/state`: everything, in plain JSON (file bytes as size + sha256)."""
    answers: dict[int, list[Any]] = {}
    for answer in state.answers.values():
        answers.setdefault(answer.application_id, []).append(answer)
    return {
        "company": {"id": state.company_id, "name": state.company_name},
        "seed": config.as_json(),
        "counts": _counts(state),
        "ownerEmployeeId": state.owner_employee_id,
        "employees": [
            {
                "id": e.id,
                "accessId": e.access_id,
                "email": e.email,
                "fullName": e.full_name,
                "role": e.role,
                "managerId": e.manager_id,
                "terminated": e.terminated_on is not None,
            }
            for e in state.employees.values()
        ],
        "hiringStages": [{"id": s.id, "name": s.name, "label": s.label} for s in state.hiring_stages.values()],
        "candidateSources": [_source_dump(source) for source in state.candidate_sources.values()],
        "rejectionReasons": [
            {"id": r.id, "reason": r.reason, "decisionMaker": r.decision_maker}
            for r in state.rejection_reasons.values()
        ],
        "jobPostings": [
            {
                "id": job.id,
                "title": job.title,
                "status": job.status,
                "cvRequirement": job.cv_requirement,
                "phases": [
                    {"id": p.id, "name": p.name, "phaseType": p.phase_type, "position": p.position}
                    for p in state.phases_of(job.id)
                ],
                "questionIds": [q.id for q in state.questions_of(job.id)],
            }
            for job in state.job_postings.values()
        ],
        "candidates": [
            {
                "id": c.id,
                "fullName": c.full_name,
                "email": c.email,
                "createdAt": fmt(c.created_at),
                "updatedAt": fmt(c.updated_at),
                "source": _written_source(state, c.source, c.source_id, c.medium),
                "applicationIds": list(c.application_ids),
            }
            for c in state.candidates.values()
        ],
        "applications": [_application_dump(state, a, answers.get(a.id, [])) for a in state.applications.values()],
        "feedbacks": [
            {
                "id": f.id,
                "candidateId": f.candidate_id,
                "applicationId": f.application_id,
                "rating": f.rating,
                "description": f.description,
            }
            for f in state.feedbacks.values()
        ],
    }
