"""The Teamtailor emulator: the public JSON:API `/v1` under a region prefix, API keys, limits, control endpoints.

    app = create_app(seed={"candidates": 50})
    with LoopbackServer(app) as server:
        requests.get(f"{server.url}/eu/v1/candidates", headers={"Authorization": f"Token token={DEFAULT_API_KEY}",
                                                                "X-Api-Version": API_VERSION})

Teamtailor has two public-API hosts, EU `https://api.teamtailor.com/v1` and NA `https://api.na.teamtailor.com/v1`
(T-PM). One emulator serves both: the host becomes a path prefix, `/eu/v1/...` and `/na/v1/...`; a connection's
base URL is `<emulator>/eu` or `<emulator>/na`. Keys belong to one region's stack (assumed: a key of one stack is
unknown on the other → 401). Facts: /work/shared/reference/ats-personio-teamtailor.md Part B.

Errors are JSON:API `{"errors": [{"status": "422", "title": "...", "detail": "...", "source": {...}}]}` (T-RB reads
`errors[0].detail`; the full object is NOT FOUND, the shape is the reference's suggestion).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from apps.connectors.emulation.app import ControlError, Principal
from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.http import HttpError, Request, Response
from apps.connectors.emulation.ratelimit import Limits, Ticket
from apps.connectors.emulation.records import StateError
from apps.connectors.emulation.routing import Route
from apps.connectors.emulation.vendor import StateHooks, VendorEmulator, api_key_credential
from apps.connectors.teamtailor.emulator import dump
from apps.connectors.teamtailor.emulator.resources import ResourcesApi
from apps.connectors.teamtailor.emulator.seed import SeedConfig, build_state
from apps.connectors.teamtailor.emulator.state import Invalid, Question, State
from apps.connectors.teamtailor.emulator.webhooks import CompanyWebhooks

DEFAULT_API_KEY = "tt-emulator-eu-admin-key"
DEFAULT_NA_API_KEY = "tt-emulator-na-admin-key"
REGIONS = ("eu", "na")
# `X-Api-Version` is required and dated; the docs' `20161108` and the versions recent clients send (T-DOC, T-3P).
# The full list is NOT FOUND: assumed, exactly these are served and anything else (or none) is a 406.
API_VERSIONS = ("20161108", "20240404", "20240904")
API_VERSION = "20240904"
# Key scopes (T-DOC, T-PM): Public / Internal / Admin, each read, write or read/write.
SCOPES = ("public", "internal", "admin")
ACCESS = ("read", "write", "read/write")
# Real limits are NOT FOUND ("X-Rate-Limit-* ... contains static values", T-DOC). Assumed: 50 requests per 10 s
# per key, a 429 JSON:API error with Retry-After; the X-Rate-Limit-* headers carry the static configured values.
RATE = 50
WINDOW = 10.0
CONCURRENCY = 10
# Control endpoints that stand in for Teamtailor's interface: their changes send company webhooks like the API's.
_INTERFACE_CONTROLS = ("/_emulator/records/", "/_emulator/jobs", "/_emulator/job-offers")


@dataclass(frozen=True)
class ApiKey:
    key: str
    region: str
    scope: str
    access: str
    name: str


class TeamtailorEmulator(ResourcesApi, VendorEmulator):
    name = "teamtailor"
    seed_config_type = SeedConfig
    state_hooks = StateHooks(build=build_state, counts=dump.counts, dump=dump.dump)
    api_key_label = "API key (Authorization: Token token=...)"
    state: State

    def __init__(
        self,
        *,
        seed: SeedConfig | Mapping[str, Any] | None = None,
        clock: Clock | None = None,
        limits_enabled: bool = True,
        send_retry_after: bool = True,
    ) -> None:
        super().__init__(
            seed=seed,
            clock=clock,
            limits=Limits(rate=RATE, concurrency=CONCURRENCY, window=WINDOW),
            limits_enabled=limits_enabled,
            send_retry_after=send_retry_after,
        )
        self.api_keys: dict[str, ApiKey] = {}
        for key, region in ((DEFAULT_API_KEY, "eu"), (DEFAULT_NA_API_KEY, "na")):
            self.api_keys[key] = ApiKey(key, region, "admin", "read/write", f"Emulator {region.upper()} admin key")
        self.region_requests = dict.fromkeys(REGIONS, 0)
        self._register_routes()
        self.add_control("DELETE", "/_emulator/records/{table}/{id}", self._control_delete)
        self.add_control("GET", "/_emulator/regions", self._control_regions)
        self.add_control("POST", "/_emulator/jobs", self._control_job)
        self.add_control("POST", "/_emulator/job-offers", self._control_offer)
        # Settings > Integrations > Webhooks (reference B7): company webhooks are set up by hand there.
        self.company_webhooks = CompanyWebhooks(self.clock)
        self.company_webhooks.observe(self.state)
        self.company_webhooks.outbox.register_controls(self)
        self.add_control("GET", "/_emulator/company-webhooks", self._control_webhooks)
        self.add_control("POST", "/_emulator/company-webhooks", self._control_webhook_add)
        self.add_control("DELETE", "/_emulator/company-webhooks/{id}", self._control_webhook_remove)

    # ================================================================== pipeline hooks
    def preflight(self, request: Request, route: Route) -> None:
        region = request.path_params.get("region")
        if region not in REGIONS:
            raise HttpError(404, "Not found", f"No Teamtailor API at /{region}")
        self.region_requests[region] += 1
        version = request.header("x-api-version")
        if version not in API_VERSIONS:
            # T-RB maps 406 to InvalidApiVersionError; a missing header is answered the same way (assumed).
            raise HttpError(406, "Not acceptable", f"Invalid X-Api-Version: {version or '(missing)'}")

    def authenticate(self, request: Request, route: Route) -> Principal:
        header = request.header("authorization") or ""
        prefix = "token token="
        if not header.lower().startswith(prefix):
            raise HttpError(401, "Unauthorized", "Missing Authorization: Token token=<api key>")
        key = self.api_keys.get(header[len(prefix) :].strip().strip('"'))
        if key is None or key.region != request.path_params.get("region"):
            raise HttpError(401, "Unauthorized", "Invalid API key")
        return Principal(
            credential=api_key_credential(key.key),
            kind="api_key",
            scopes=frozenset(
                {
                    key.scope,
                    *(("read",) if "read" in key.access else ()),
                    *(("write",) if "write" in key.access else ()),
                }
            ),
            subject=key.name,
        )

    def check_access(self, request: Request, route: Route, principal: Principal) -> None:
        scopes = principal.scopes or frozenset()
        needed = route.meta.get("needs", "public")
        level = next((scope for scope in SCOPES if scope in scopes), "public")
        if SCOPES.index(level) < SCOPES.index(needed):
            raise HttpError(403, "Forbidden", f"This API key lacks the {needed.capitalize()} scope")
        access = "read" if request.method == "GET" else "write"
        if access not in scopes:
            raise HttpError(403, "Forbidden", f"This API key has no {access} access")

    def rate_limited_error(self, request: Request, route: Route, ticket: Ticket) -> HttpError:
        return HttpError(429, "Too many requests", "Rate limit exceeded, retry later")

    def rate_limit_headers(self, ticket: Ticket) -> dict[str, str]:
        limits = self.limiter.limits
        return {
            "X-Rate-Limit-Limit": str(limits.rate),
            "X-Rate-Limit-Remaining": str(limits.rate),
            "X-Rate-Limit-Reset": str(int(limits.window)),
        }

    def http_error_for(self, error: StateError) -> HttpError:
        details = (
            [{"pointer": f"/data/attributes/{error.attribute}"}]
            if isinstance(error, Invalid) and error.attribute
            else []
        )
        title = "Record not found" if error.status == 404 else "Unprocessable entity"
        return HttpError(error.status, title, error.message, details=details)

    def error_body(self, request: Request | None, route: Route | None, error: HttpError) -> dict[str, Any]:
        item: dict[str, Any] = {"status": str(error.status), "title": error.code, "detail": error.message}
        for detail in error.details:
            if "pointer" in detail:
                item["source"] = {"pointer": detail["pointer"]}
            elif "parameter" in detail:
                item["source"] = {"parameter": detail["parameter"]}
        return {"errors": [item]}

    def error_response(self, request: Request | None, route: Route | None, error: HttpError) -> Response:
        response = super().error_response(request, route, error)
        response.set_header("Content-Type", "application/vnd.api+json")
        return response

    def handle(self, request: Request) -> Response:
        response = super().handle(request)
        path = request.path
        if request.method != "GET" and (not path.startswith("/_emulator") or path.startswith(_INTERFACE_CONTROLS)):
            with self.lock:
                self.company_webhooks.after_change(self.state)
        version = request.header("x-api-version")
        if version in API_VERSIONS:
            response.set_header("X-Api-Version", str(version))  # the response echoes the version (T-DOC)
        return response

    # ================================================================== control
    def control_api_key(self, request: Request) -> Response:
        """`POST /_emulator/api-keys` (Settings → Integrations → API keys): `{"key"?, "region": "eu"|"na",
        "scope": "public"|"internal"|"admin", "access": "read"|"write"|"read/write", "name"?}`."""
        body = request.json or {}
        key = body.get("key") or f"tt_{secrets.token_urlsafe(20)}"
        region, scope, access = body.get("region", "eu"), body.get("scope", "admin"), body.get("access", "read/write")
        if region not in REGIONS or scope not in SCOPES or access not in ACCESS:
            raise ControlError(f"region ∈ {REGIONS}, scope ∈ {SCOPES}, access ∈ {ACCESS}")
        self.api_keys[key] = ApiKey(key, region, scope, access, str(body.get("name") or "API key"))
        return Response.json({"key": key, "region": region, "scope": scope, "access": access}, 201)

    def _control_delete(self, request: Request) -> Response:
        """Deleting a record in Teamtailor's interface (candidates, jobs, job_applications, ...)."""
        table = request.path_params["table"]
        if table not in dump.TABLES:
            raise ControlError(f"Unknown table {table}", 404)
        self.state.delete(table, request.path_params["id"])
        return Response.json({"deleted": True})

    def _control_job(self, request: Request) -> Response:
        """A job made in Teamtailor's job editor: `{"title", "status"?, "internal"?, "stages"?: [names],
        "questions"?: [{"title", "question-type", "alternatives"?, "multiple"?, "mandatory"?, ...}]}`."""
        body = request.json_object()
        job = self.state.add_job(
            str(body.get("title") or "Job"),
            status=str(body.get("status") or "open"),
            internal=bool(body.get("internal")),
            body=str(body.get("body") or ""),
            stages=tuple(body.get("stages") or ("Screening", "Interview")),
        )
        for item in body.get("questions") or ():
            question = Question(
                self.state.new_id(),
                str(item["title"]),
                str(item["question-type"]),
                alternatives=list(item.get("alternatives") or ()),
                multiple=bool(item.get("multiple")),
                single_line=bool(item.get("single-line")),
                start_with=item.get("start-with"),
                end_with=item.get("end-with"),
            )
            self.state.pick_question(job.id, question, mandatory=bool(item.get("mandatory")))
        return Response.json({"id": job.id, "stages": [s.id for s in self.state.job_stages(job.id)]}, 201)

    def _control_offer(self, request: Request) -> Response:
        """An offer made in Teamtailor's interface: `{"job-application-id", "status"?, "response"?, "details"?}`."""
        body = request.json_object()
        offer = self.state.add_offer(body.get("job-application-id"), body, body.get("user-id"))
        return Response.json({"id": offer.id}, 201)

    def _control_webhooks(self, request: Request) -> Response:
        return Response.json({"webhooks": list(self.company_webhooks.hooks.values())})

    def _control_webhook_add(self, request: Request) -> Response:
        """`{"url", "events"?: [...], "label"?, "signature_version"?: "v2"|"v1", "signature_key"?}` → the webhook
        with the signature key Teamtailor generated."""
        return Response.json(self.company_webhooks.add(request.json_object()), 201)

    def _control_webhook_remove(self, request: Request) -> Response:
        self.company_webhooks.remove(request.path_params["id"])
        return Response.json({"deleted": True})

    def build_state(self, config: Any) -> State:
        state: State = super().build_state(config)
        if hasattr(self, "company_webhooks"):
            self.company_webhooks.observe(state)  # a new seed sends nothing; its later changes do
        return state

    def _control_regions(self, request: Request) -> Response:
        return Response.json({"requests": dict(self.region_requests)})

    def reset_state(self) -> None:
        self.company_webhooks.reset()
        super().reset_state()
        self.region_requests = dict.fromkeys(REGIONS, 0)

    def describe_endpoints(self, url: str) -> dict[str, str]:
        return {"EU base URL": f"{url}/eu", "NA base URL": f"{url}/na", "X-Api-Version": API_VERSION}

    # ================================================================== routes
    def _register_routes(self) -> None:
        v1 = "/{region}/v1"
        add = self.add_route
        admin = {"needs": "admin"}
        add("GET", f"{v1}/jobs", self.listing("jobs", "jobs", self.select_jobs))
        add("GET", f"{v1}/jobs/{{id}}", self.single("jobs", "jobs"))
        add("GET", f"{v1}/jobs/{{id}}/stages", self.listing("stages", "stages", parent=("jobs", "job_id", "jobs")))
        add("GET", f"{v1}/stages", self.listing("stages", "stages"), **admin)
        add("GET", f"{v1}/stages/{{id}}", self.single("stages", "stages"), **admin)
        add("GET", f"{v1}/picked-questions", self.listing("picked-questions", "picked_questions"), **admin)
        add(
            "GET",
            f"{v1}/jobs/{{id}}/picked-questions",
            self.listing("picked-questions", "picked_questions", parent=("jobs", "job_id", "jobs")),
        )
        add("GET", f"{v1}/questions", self.listing("questions", "questions"), **admin)
        add("GET", f"{v1}/questions/{{id}}", self.single("questions", "questions"), **admin)
        add("GET", f"{v1}/candidates", self.listing("candidates", "candidates", self.select_candidates), **admin)
        add("POST", f"{v1}/candidates", self.candidates_create, **admin)
        add("GET", f"{v1}/candidates/{{id}}", self.single("candidates", "candidates"), **admin)
        add("PATCH", f"{v1}/candidates/{{id}}", self.candidates_update, **admin)
        add(
            "GET",
            f"{v1}/candidates/{{id}}/job-applications",
            self.listing("job-applications", "job_applications", parent=("candidates", "candidate_id", "candidates")),
            **admin,
        )
        add(
            "GET",
            f"{v1}/job-applications",
            self.listing("job-applications", "job_applications", self.select_applications),
            **admin,
        )
        add("POST", f"{v1}/job-applications", self.job_applications_create, **admin)
        add("GET", f"{v1}/job-applications/{{id}}", self.single("job-applications", "job_applications"), **admin)
        add("PATCH", f"{v1}/job-applications/{{id}}", self.job_applications_update, **admin)
        add("GET", f"{v1}/reject-reasons", self.listing("reject-reasons", "reject_reasons"), **admin)
        add("GET", f"{v1}/reject-reasons/{{id}}", self.single("reject-reasons", "reject_reasons"), **admin)
        add("GET", f"{v1}/users", self.listing("users", "users", self.select_users), **admin)
        add("GET", f"{v1}/users/{{id}}", self.single("users", "users"), **admin)
        add("GET", f"{v1}/notes", self.listing("notes", "notes"), **admin)
        add("POST", f"{v1}/notes", self.notes_create, **admin)
        add("GET", f"{v1}/notes/{{id}}", self.single("notes", "notes"), **admin)
        add("GET", f"{v1}/answers", self.listing("answers", "answers"), **admin)
        add("POST", f"{v1}/answers", self.answers_create, **admin)
        add("GET", f"{v1}/answers/{{id}}", self.single("answers", "answers"), **admin)
        add(
            "GET",
            f"{v1}/candidates/{{id}}/answers",
            self.listing("answers", "answers", parent=("candidates", "candidate_id", "candidates")),
            **admin,
        )
        add("GET", f"{v1}/job-offers", self.listing("job-offers", "job_offers"), **admin)
        add("GET", f"{v1}/job-offers/{{id}}", self.single("job-offers", "job_offers"), **admin)
        add("GET", f"{v1}/uploads", self.listing("uploads", "uploads"), **admin)
        add("POST", f"{v1}/uploads", self.uploads_create, **admin)
        add("GET", f"{v1}/uploads/{{id}}", self.single("uploads", "uploads"), **admin)


def create_app(**options: Any) -> TeamtailorEmulator:
    """The factory `run_emulator` and tests use (see `apps.connectors.emulation.registry.EMULATORS`)."""
    return TeamtailorEmulator(**options)
