"""The SmartRecruiters emulator: Customer API, Application API, public Posting API, OAuth, control endpoints.

    app = create_app(seed={"candidates": 50})          # or SmartRecruitersEmulator(...)
    with LoopbackServer(app) as server:
        requests.get(f"{server.url}/candidates", headers={"X-SmartToken": DEFAULT_API_KEY})

Facts come from /work/shared/reference/ats-smartrecruiters-factorial.md Part A; every choice made where the
docs are silent says so next to the code, with the doc link.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from apps.connectors.emulation.app import EmulatorApp, Principal
from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.http import HttpError, Request, Response
from apps.connectors.emulation.oauth import InvalidToken, OAuthClient, OAuthProvider
from apps.connectors.emulation.ratelimit import Limits, RouteLimits, Ticket
from apps.connectors.emulation.routing import Route
from apps.connectors.smartrecruiters.emulator import fields, render
from apps.connectors.smartrecruiters.emulator.applying import ApplyError, apply
from apps.connectors.smartrecruiters.emulator.seed import SeedConfig, build_state
from apps.connectors.smartrecruiters.emulator.state import (
    ATTACHMENT_TYPES,
    CANDIDATE_STATUSES,
    JOB_STATUSES,
    OFFER_STATUSES,
    POSTING_STATUSES,
    Invalid,
    Missing,
    State,
    fmt,
    parse_time,
    tags_from_body,
)

# API keys look like `DCRA1-…` (SR-RB configuration.rb prepends `DCRA1-`).
DEFAULT_API_KEY = "DCRA1-emulator-api-key"
DEFAULT_CLIENT_ID = "emulator-client"
DEFAULT_CLIENT_SECRET = "emulator-secret"
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


class SmartRecruitersEmulator(EmulatorApp):
    """A stateful SmartRecruiters. See the module docstring of `app.py` and the report for the interfaces."""

    name = "smartrecruiters"

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
        self.initial_seed = seed if isinstance(seed, SeedConfig) else SeedConfig.from_json(dict(seed or {}))
        self.seed_config = self.initial_seed
        self.state: State = build_state(self.seed_config, self.clock)
        if oauth_clients is None:
            oauth_clients = [
                OAuthClient(
                    client_id=DEFAULT_CLIENT_ID,
                    client_secret=DEFAULT_CLIENT_SECRET,
                    redirect_uris=(DEFAULT_REDIRECT_URI,),
                    name="Emulator integration",
                    default_scopes=frozenset({"candidates_read", "jobs_read", "configuration_read", "user_me_read"}),
                )
            ]
        # Tokens live 30 minutes, refresh tokens 28 days and are single use:
        # https://help.smartrecruiters.com/Marketplace_Partners/OAuth_2.0/Most_important_facts_about_OAuth_in_SmartRecruiters
        self.oauth = OAuthProvider(
            known_scopes=ALL_SCOPES,
            clients=oauth_clients,
            clock=self.clock,
            access_token_ttl=access_token_ttl,
            refresh_token_ttl=28 * 24 * 3600,
            rotate_refresh_tokens=True,
            subject=self.state.owner_user_id,
            subject_label=self._owner_label(),
            product_name="SmartRecruiters (emulated)",
            scope_descriptions=SCOPE_DESCRIPTIONS,
        )
        self._register_routes()
        self._register_sr_control_endpoints()

    def _owner_label(self) -> str:
        owner = self.state.users.get(self.state.owner_user_id or "")
        return f"{owner.name} <{owner.email}>" if owner else "the administrator"

    # ================================================================== pipeline hooks
    def authenticate(self, request: Request, route: Route) -> Principal:
        token = request.header("x-smarttoken")
        if token:
            if token not in self.api_keys:
                raise HttpError(401, "UNAUTHORIZED", "Invalid API key")
            fingerprint = hashlib.sha256(token.encode()).hexdigest()[:12]
            return Principal(
                credential=f"api_key:{fingerprint}",
                kind="api_key",
                scopes=self.api_keys[token],
                subject=self.state.owner_user_id,
            )
        authorization = request.header("authorization") or ""
        if authorization.lower().startswith("bearer "):
            assert self.oauth is not None
            try:
                grant = self.oauth.authenticate(authorization[7:].strip())
            except InvalidToken as exc:
                message = "Access token expired" if exc.reason == "expired" else "Invalid access token"
                raise HttpError(
                    401,
                    "UNAUTHORIZED",
                    message,
                    headers={"WWW-Authenticate": f'Bearer error="invalid_token", error_description="{message}"'},
                ) from None
            # "each distinct API credential is considered an API user" — the OAuth client is the credential.
            return Principal(
                credential=f"oauth:{grant.client_id}",
                kind="oauth",
                scopes=grant.scopes,
                subject=grant.subject or self.state.owner_user_id,
                client_id=grant.client_id,
            )
        raise HttpError(401, "UNAUTHORIZED", "Missing credentials: send X-SmartToken or Authorization: Bearer")

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

    def describe(self, url: str) -> dict[str, str]:
        return {
            "API key (X-SmartToken)": ", ".join(self.api_keys),
            "OAuth client": f"{DEFAULT_CLIENT_ID} / {DEFAULT_CLIENT_SECRET} (redirect URI {DEFAULT_REDIRECT_URI})",
            "authorize": f"{url}/identity/oauth/allow?client_id={DEFAULT_CLIENT_ID}&redirect_uri=...&scope=...",
            "token": f"{url}/identity/oauth/token",
            "public postings": f"{url}/v1/companies/{self.state.company_identifier}/postings",
            "seed": json.dumps(self.seed_config.as_json()),
        }

    # ================================================================== state hooks
    def state_snapshot(self) -> dict[str, Any]:
        return _dump(self.state, self.seed_config)

    def seed(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            config = SeedConfig.from_json(params)
        except TypeError as exc:
            raise HttpError(400, "CONTROL_ERROR", str(exc)) from None
        except Invalid as exc:
            raise HttpError(400, "CONTROL_ERROR", exc.message) from None
        self._replace_state(config)
        return {"seed": config.as_json(), "counts": _counts(self.state)}

    def reset_state(self) -> None:
        self._replace_state(self.initial_seed)

    def _replace_state(self, config: SeedConfig) -> None:
        self.seed_config = config
        self.state = build_state(config, self.clock)
        assert self.oauth is not None
        self.oauth.subject = self.state.owner_user_id
        self.oauth.subject_label = self._owner_label()

    # ================================================================== routes
    def _register_routes(self) -> None:
        def add(method: str, template: str, handler: Callable[[Request], Response], *scopes: str, **meta: Any) -> None:
            self.router.add(method, template, _domain_errors(handler), scopes=scopes, **meta)

        # OAuth (served on this host; the real approval page is www.smartrecruiters.com/identity/oauth/allow)
        add("GET", "/identity/oauth/allow", self.oauth_allow_page, unlimited=True, api="oauth")
        add("POST", "/identity/oauth/allow", self.oauth_allow_submit, unlimited=True, api="oauth")
        add("POST", "/identity/oauth/token", self.oauth_token, unlimited=True, api="oauth")

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

    # ------------------------------------------------------------------ OAuth
    def oauth_allow_page(self, request: Request) -> Response:
        assert self.oauth is not None
        return self.oauth.approval_page(request, action="/identity/oauth/allow")

    def oauth_allow_submit(self, request: Request) -> Response:
        assert self.oauth is not None
        return self.oauth.approval_submit(request)

    def oauth_token(self, request: Request) -> Response:
        assert self.oauth is not None
        return self.oauth.token_endpoint(request)

    # ------------------------------------------------------------------ jobs
    def jobs_list(self, request: Request) -> Response:
        state = self.state
        q = (request.arg("q") or "").strip().lower()
        cities = request.args("city")
        departments = request.args("department")  # by label, case sensitive (SR-RB jobs_all)
        status = _enum_arg(request, "status", JOB_STATUSES)
        posting_status = _enum_arg(request, "postingStatus", POSTING_STATUSES)
        updated_after = _time_arg(request, "updatedAfter")
        activity_after = _time_arg(request, "lastActivityAfter")
        language = request.arg("language")
        jobs = [
            job
            for job in state.jobs.values()
            if (not q or q in job.title.lower())
            and (not cities or job.location.get("city") in cities)
            and (not departments or job.department[1] in departments)
            and (status is None or job.status == status)
            and (posting_status is None or job.posting_status == posting_status)
            and (updated_after is None or job.updated_on > updated_after)
            and (activity_after is None or job.last_activity_on > activity_after)
            and (language is None or job.language == language)
        ]
        content, offset, next_page = _keyset_page(request, jobs, default_limit=10, allow_offset=True)
        return Response.json(
            {
                "limit": _limit(request, 10),
                "offset": offset,
                "totalFound": len(jobs),
                "nextPageId": next_page,
                "content": [render.job_summary(state, job, request.base_url) for job in content],
            }
        )

    def jobs_get(self, request: Request) -> Response:
        job = self.state.job(request.path_params["job_id"])
        return Response.json(render.job_details(self.state, job, request.base_url))

    def jobs_status_update(self, request: Request) -> Response:
        job = self.state.job(request.path_params["job_id"])
        self.state.set_job_status(job, request.json_object().get("status"))
        return Response.empty(204)  # SR-RB returns nothing for this call

    def jobs_status_history(self, request: Request) -> Response:
        job = self.state.job(request.path_params["job_id"])
        content = [{"changedOn": fmt(changed_on), "status": status} for changed_on, status in job.status_history]
        return Response.json({"totalFound": len(content), "content": content})

    def jobs_hiring_team(self, request: Request) -> Response:
        job = self.state.job(request.path_params["job_id"])
        content = [{"id": user_id, "role": role} for user_id, role in job.hiring_team]
        return Response.json({"totalFound": len(content), "content": content})

    def jobs_hiring_team_add(self, request: Request) -> Response:
        job = self.state.job(request.path_params["job_id"])
        user_id, role = self.state.add_hiring_team_member(job, request.json_object())
        return Response.json({"id": user_id, "role": role}, 201)

    def jobs_hiring_team_remove(self, request: Request) -> Response:
        job = self.state.job(request.path_params["job_id"])
        self.state.remove_hiring_team_member(job, request.path_params["user_id"])
        return Response.empty(204)

    def jobs_jobads(self, request: Request) -> Response:
        job = self.state.job(request.path_params["job_id"])
        content = [render.job_ad(self.state, job, ad, request.base_url) for ad in job.job_ads]
        return Response.json({"totalFound": len(content), "content": content})

    def _job_ad(self, request: Request) -> tuple[Any, Any]:
        job = self.state.job(request.path_params["job_id"])
        for ad in job.job_ads:
            if ad.id == request.path_params["ad_id"]:
                return job, ad
        raise Missing("Job ad", request.path_params["ad_id"])

    def jobs_jobad(self, request: Request) -> Response:
        job, ad = self._job_ad(request)
        return Response.json(render.job_ad(self.state, job, ad, request.base_url))

    def jobs_jobad_postings(self, request: Request) -> Response:
        job, ad = self._job_ad(request)
        content = []
        if job.posting is not None and job.posting.job_ad_id == ad.id and job.posting.active:
            content.append(
                {
                    "id": job.posting.id,
                    "uuid": job.posting.uuid,
                    "publishedOn": fmt(job.posting.released_on),
                    "postingStatus": ad.posting_status,
                    "visibility": ad.visibility,
                }
            )
        return Response.json({"totalFound": len(content), "content": content})

    def jobs_publications(self, request: Request) -> Response:
        job = self.state.job(request.path_params["job_id"])
        active_only = (request.arg("activeOnly") or "false").lower() == "true"
        content = [
            {
                "sourceName": publication.source_name,
                "type": publication.type,
                "publishedOn": fmt(publication.published_on),
                "unpublishedOn": fmt(publication.unpublished_on),
            }
            for publication in job.publications
            if not active_only or publication.unpublished_on is None
        ]
        return Response.json({"totalFound": len(content), "content": content})

    def jobs_publish(self, request: Request) -> Response:
        job = self.state.job(request.path_params["job_id"])
        body = request.json or {}
        if not isinstance(body, dict):
            raise Invalid("Request body must be a JSON object")
        self.state.publish(job, body.get("visibility", "PUBLIC"))
        return Response.empty(204)

    def jobs_unpublish(self, request: Request) -> Response:
        job = self.state.job(request.path_params["job_id"])
        self.state.unpublish(job)
        return Response.empty(204)

    def jobs_candidates_create(self, request: Request) -> Response:
        job = self.state.job(request.path_params["job_id"])
        body = request.json_object()
        source = self.state.resolve_source(body.get("sourceDetails"))
        candidate, _ = self.state.create_candidate(body, job=job, source=source)
        # Exact success code NOT FOUND in the SDKs (reference A5); 201 as for every create here.
        return Response.json(render.candidate_details(self.state, candidate, request.base_url), 201)

    # ------------------------------------------------------------------ public postings
    def _company(self, request: Request) -> None:
        if request.path_params["company"] != self.state.company_identifier:
            raise Missing("Company", request.path_params["company"])

    def postings_list(self, request: Request) -> Response:
        self._company(request)
        destination = request.arg("destination") or "PUBLIC"
        wanted = {"PUBLIC": {"PUBLIC"}, "INTERNAL": {"INTERNAL"}, "INTERNAL_OR_PUBLIC": {"PUBLIC", "INTERNAL"}}.get(
            destination
        )
        if wanted is None:
            raise Invalid("destination: must be one of PUBLIC, INTERNAL, INTERNAL_OR_PUBLIC")
        q = (request.arg("q") or "").lower()
        city, country, department = request.arg("city"), request.arg("country"), request.arg("department")
        jobs = [
            job
            for job in _sorted(self.state.jobs.values())
            if job.posting is not None
            and job.posting.active
            and job.posting_status in wanted
            and (not q or q in job.title.lower())
            and (city is None or job.location.get("city") == city)
            and (country is None or job.location.get("countryCode") == country)
            and (department is None or job.department[0] == department)
        ]
        limit = request.int_arg("limit", 100, minimum=1, maximum=100)
        offset = request.int_arg("offset", 0)
        page = jobs[offset : offset + limit]
        return Response.json(
            {
                "offset": offset,
                "limit": limit,
                "totalFound": len(jobs),
                "content": [render.posting(self.state, job, job.posting, request.base_url) for job in page],
            }
        )

    def postings_get(self, request: Request) -> Response:
        self._company(request)
        wanted = request.path_params["posting_id"]
        for job in self.state.jobs.values():
            if job.posting is not None and job.posting.active and wanted in (job.posting.id, job.posting.uuid):
                return Response.json(render.posting(self.state, job, job.posting, request.base_url, details=True))
        raise Missing("Posting", wanted)

    # ------------------------------------------------------------------ Application API
    def apply_configuration(self, request: Request) -> Response:
        job, posting = self.state.posting_by_uuid(request.path_params["uuid"])
        conditionals = (request.arg("conditionalsIncluded") or "false").lower() == "true"
        return Response.json(
            render.screening_configuration(
                posting,
                conditionals=conditionals,
                company_name=self.state.company_name,
                company=self.state.company_identifier,
            )
        )

    def apply_create(self, request: Request) -> Response:
        job, posting = self.state.posting_by_uuid(request.path_params["uuid"])
        candidate, application = apply(self.state, job, posting, request.json_object())
        return Response.json(
            {
                "id": candidate.id,
                "createdOn": fmt(application.created_on),
                "candidatePortalUrl": f"{request.base_url}/candidate-portal/{candidate.id}",
                "smartrJoinUrl": None,
            },
            201,
        )

    def apply_status(self, request: Request) -> Response:
        job, _ = self.state.posting_by_uuid(request.path_params["uuid"])
        application = self.state.application_for(request.path_params["candidate_id"], job.id)
        return Response.json(render.apply_status(application))

    # ------------------------------------------------------------------ candidates
    def candidates_list(self, request: Request) -> Response:
        state = self.state
        q = (request.arg("q") or "").strip().lower()
        job_ids = set(request.args("jobId"))
        statuses = set(request.args("status"))
        unknown = statuses - set(CANDIDATE_STATUSES)
        if unknown:
            raise Invalid(f"status: unknown value {', '.join(sorted(unknown))}")
        sub_status = request.arg("subStatus")
        if sub_status is not None and not statuses:
            # "works only in a correlation with a set value for the status field" (SR-RB candidates_all)
            raise Invalid("subStatus: requires the status filter")
        tags = set(request.args("tag"))
        consent = set(request.args("consentStatus"))
        ratings = {float(value) for value in request.args("averageRating") if _is_number(value)}
        source_types = set(request.args("sourceType"))
        source_subtypes = set(request.args("sourceSubType"))
        source_values = set(request.args("sourceValueId"))
        updated_after = _time_arg(request, "updatedAfter")
        per_application = bool(job_ids or statuses or source_types or source_subtypes or source_values)

        def application_matches(application: Any) -> bool:
            type_id, subtype_id, value_id = application.source
            return (
                (not job_ids or application.job_id in job_ids)
                and (not statuses or application.status in statuses)
                and (sub_status is None or application.sub_status == sub_status)
                and (not source_types or type_id in source_types)
                and (not source_subtypes or subtype_id in source_subtypes)
                and (not source_values or value_id in source_values)
            )

        candidates = [
            candidate
            for candidate in state.candidates.values()
            if (updated_after is None or candidate.updated_on > updated_after)
            and (not q or q in f"{candidate.first_name} {candidate.last_name} {candidate.email}".lower())
            and (not tags or tags & set(candidate.tags))
            and (not consent or candidate.consent_status in consent)
            and (not ratings or candidate.average_rating in ratings)
            and (
                not per_application
                or any(application_matches(state.applications[a]) for a in candidate.application_ids)
            )
        ]
        content, offset, next_page = _keyset_page(request, candidates, default_limit=10, allow_offset=False)
        response = Response.json(
            {
                "limit": _limit(request, 10),
                "offset": offset,
                "totalFound": len(candidates),
                "nextPageId": next_page,
                "content": [render.candidate_summary(state, candidate, request.base_url) for candidate in content],
            }
        )
        if next_page:
            params = [(key, value) for key, values in request.query.items() if key != "pageId" for value in values]
            params.append(("pageId", next_page))
            response.set_header("Link", f'<{request.base_url}/candidates?{urlencode(params)}>; rel="next"')
        return response

    def candidates_create(self, request: Request) -> Response:
        body = request.json_object()
        # sourceDetails on a talent-pool candidate has no application to sit on; validated, then unused.
        self.state.resolve_source(body.get("sourceDetails"))
        candidate, _ = self.state.create_candidate(body, job=None, source=self.state.resolve_source(None))
        return Response.json(render.candidate_details(self.state, candidate, request.base_url), 201)

    def candidates_get(self, request: Request) -> Response:
        candidate = self.state.candidate(request.path_params["candidate_id"])
        return Response.json(render.candidate_details(self.state, candidate, request.base_url))

    def candidates_update(self, request: Request) -> Response:
        candidate = self.state.candidate(request.path_params["candidate_id"])
        self.state.update_candidate(candidate, request.json_object())
        return Response.json(render.candidate_details(self.state, candidate, request.base_url))

    def candidates_delete(self, request: Request) -> Response:
        self.state.delete_candidate(request.path_params["candidate_id"])
        return Response.empty(204)

    def _application(self, request: Request) -> Any:
        return self.state.application_for(request.path_params["candidate_id"], request.path_params["job_id"])

    def applications_get(self, request: Request) -> Response:
        return Response.json(render.application(self.state, self._application(request), request.base_url))

    def applications_status(self, request: Request) -> Response:
        self.state.set_status(self._application(request), request.json_object())
        return Response.empty(204)  # SR-RB: no response body

    def applications_history(self, request: Request) -> Response:
        return Response.json(render.status_history(self._application(request)))

    def applications_source(self, request: Request) -> Response:
        self.state.set_source(self._application(request), request.json_object())
        return Response.empty(204)

    def applications_answers(self, request: Request) -> Response:
        return Response.json(render.screening_answers(self.state, self._application(request)))

    def job_applications_get(self, request: Request) -> Response:
        application = self.state.applications.get(request.path_params["application_id"])
        if application is None:
            raise Missing("Job application", request.path_params["application_id"])
        return Response.json(render.job_application(self.state, application))

    # tags
    def tags_get(self, request: Request) -> Response:
        candidate = self.state.candidate(request.path_params["candidate_id"])
        return Response.json({"tags": list(candidate.tags)})

    def tags_add(self, request: Request) -> Response:
        candidate = self.state.candidate(request.path_params["candidate_id"])
        return Response.json({"tags": self.state.add_tags(candidate, tags_from_body(request.json))})

    def tags_replace(self, request: Request) -> Response:
        candidate = self.state.candidate(request.path_params["candidate_id"])
        return Response.json({"tags": self.state.replace_tags(candidate, tags_from_body(request.json))})

    def tags_delete(self, request: Request) -> Response:
        self.state.clear_tags(self.state.candidate(request.path_params["candidate_id"]))
        return Response.empty(204)

    # attachments
    def _upload(self, request: Request, candidate_id: str, job_id: str | None) -> Response:
        candidate = self.state.candidate(candidate_id)
        if job_id is not None:
            self.state.application_for(candidate_id, job_id)
        if request.content_type != "multipart/form-data":
            raise Invalid("Content-Type must be multipart/form-data", "INVALID_CONTENT_TYPE")
        upload = request.file("file")
        if upload is None:
            raise Invalid("file: must not be null")
        attachment_type = request.form_value("attachmentType") or "GENERIC_FILE"
        if attachment_type not in ATTACHMENT_TYPES:
            raise Invalid(f"attachmentType: must be one of {', '.join(ATTACHMENT_TYPES)}")
        attachment = self.state.add_attachment(
            candidate,
            job_id=job_id,
            name=upload.filename,
            type_=attachment_type,
            content_type=upload.content_type,
            content=upload.content,
        )
        return Response.json(render.attachment(attachment, request.base_url, for_job=job_id is not None), 201)

    def attachments_list(self, request: Request) -> Response:
        # All of the person's files, profile-level and per application (our choice; the docs do not say).
        candidate = self.state.candidate(request.path_params["candidate_id"])
        items = [a for a in self.state.attachments.values() if a.candidate_id == candidate.id]
        content = [render.attachment(item, request.base_url) for item in items]
        return Response.json({"totalFound": len(content), "content": content})

    def attachments_add(self, request: Request) -> Response:
        return self._upload(request, request.path_params["candidate_id"], None)

    def job_attachments_list(self, request: Request) -> Response:
        application = self._application(request)
        items = [
            a
            for a in self.state.attachments.values()
            if a.candidate_id == application.candidate_id and a.job_id == application.job_id
        ]
        content = [render.attachment(item, request.base_url, for_job=True) for item in items]
        return Response.json({"totalFound": len(content), "content": content})

    def job_attachments_add(self, request: Request) -> Response:
        return self._upload(request, request.path_params["candidate_id"], request.path_params["job_id"])

    def _attachment_bytes(self, attachment_id: str, candidate_id: str | None) -> Response:
        attachment = self.state.attachments.get(attachment_id)
        if attachment is None or (candidate_id is not None and attachment.candidate_id != candidate_id):
            raise Missing("Attachment", attachment_id)
        return Response.binary(attachment.content, attachment.content_type, attachment.name)

    def attachments_download(self, request: Request) -> Response:
        self.state.candidate(request.path_params["candidate_id"])
        return self._attachment_bytes(request.path_params["attachment_id"], request.path_params["candidate_id"])

    def attachments_download_any(self, request: Request) -> Response:
        return self._attachment_bytes(request.path_params["attachment_id"], None)

    def attachments_delete(self, request: Request) -> Response:
        self.state.delete_attachment(request.path_params["attachment_id"])
        return Response.empty(204)

    # offers
    def offers_for_application(self, request: Request) -> Response:
        application = self._application(request)
        items = [
            offer
            for offer in self.state.offers.values()
            if offer.candidate_id == application.candidate_id and offer.job_id == application.job_id
        ]
        content = [render.offer(item, request.base_url) for item in items]
        return Response.json({"limit": 100, "offset": 0, "totalFound": len(content), "content": content})

    def offers_get(self, request: Request) -> Response:
        application = self._application(request)
        offer = self.state.offers.get(request.path_params["offer_id"])
        if offer is None or offer.candidate_id != application.candidate_id or offer.job_id != application.job_id:
            raise Missing("Offer", request.path_params["offer_id"])
        return Response.json(render.offer(offer, request.base_url))

    def offers_list(self, request: Request) -> Response:
        limit = request.int_arg("limit", 10, minimum=1, maximum=100)
        offset = request.int_arg("offset", 0)
        created_after = _time_arg(request, "createdAfter")
        created_before = _time_arg(request, "createdBefore")
        statuses = set(request.args("status"))
        if statuses - set(OFFER_STATUSES):
            raise Invalid(f"status: must be one of {', '.join(OFFER_STATUSES)}")
        offers = sorted(
            (
                offer
                for offer in self.state.offers.values()
                if (created_after is None or offer.created_on > created_after)
                and (created_before is None or offer.created_on < created_before)
                and (not statuses or offer.status in statuses)
            ),
            key=lambda offer: (offer.created_on, offer.id),
        )
        page = offers[offset : offset + limit]
        return Response.json(
            {
                "limit": limit,
                "offset": offset,
                "totalFound": len(offers),
                "content": [render.offer(item, request.base_url) for item in page],
            }
        )

    # ------------------------------------------------------------------ messages
    def messages_share(self, request: Request) -> Response:
        principal = request.principal
        message = self.state.share_message(request.json_object(), principal.subject if principal else None)
        share_required = not (message.users or message.hiring_team_of or message.everyone or message.open_note)
        return Response.json({"id": message.id, "shareRequired": share_required}, 201)

    def messages_delete(self, request: Request) -> Response:
        if self.state.messages.pop(request.path_params["message_id"], None) is None:
            raise Missing("Message", request.path_params["message_id"])
        return Response.empty(204)

    def messages_list(self, request: Request) -> Response:
        candidate_id = request.arg("candidateId")
        if not candidate_id:
            raise Invalid("candidateId: must not be null")
        self.state.candidate(candidate_id)
        job_id = request.arg("jobId")
        messages = sorted(
            (
                message
                for message in self.state.messages.values()
                if candidate_id in message.candidate_ids and (job_id is None or job_id in message.hiring_team_of)
            ),
            key=lambda message: (message.created_on, message.id),
        )
        content, _, next_page = _keyset_page(request, messages, default_limit=10, allow_offset=False)
        return Response.json(
            {
                "limit": _limit(request, 10),
                "nextPageId": next_page,
                "content": [render.message(item, candidate_id) for item in content],
            }
        )

    # ------------------------------------------------------------------ interviews
    def interviews_create(self, request: Request) -> Response:
        interview = self.state.create_interview(request.json_object())
        return Response.json(render.interview(interview), 201)

    def interviews_list(self, request: Request) -> Response:
        application_id = request.arg("applicationId")
        if not application_id:
            raise Invalid("applicationId: must not be null")
        if application_id not in self.state.applications:
            raise Missing("Job application", application_id)
        items = sorted(
            (item for item in self.state.interviews.values() if item.application_id == application_id),
            key=lambda item: (item.created_on, item.id),
        )
        return Response.json({"content": [render.interview(item) for item in items]})

    def interviews_get(self, request: Request) -> Response:
        interview = self.state.interviews.get(request.path_params["interview_id"])
        if interview is None:
            raise Missing("Interview", request.path_params["interview_id"])
        return Response.json(render.interview(interview))

    def interviews_delete(self, request: Request) -> Response:
        if self.state.interviews.pop(request.path_params["interview_id"], None) is None:
            raise Missing("Interview", request.path_params["interview_id"])
        return Response.empty(204)

    # ------------------------------------------------------------------ users
    def users_list(self, request: Request) -> Response:
        updated_after = _time_arg(request, "updatedAfter")
        users = [user for user in self.state.users.values() if updated_after is None or user.updated_on > updated_after]
        content, _, next_page = _keyset_page(request, users, default_limit=100, allow_offset=False)
        return Response.json(
            {
                "limit": _limit(request, 100),
                "nextPageId": next_page,
                "content": [render.user(self.state, user) for user in content],
            }
        )

    def users_get(self, request: Request) -> Response:
        return Response.json(render.user(self.state, self.state.user(request.path_params["user_id"])))

    def users_me(self, request: Request) -> Response:
        principal = request.principal
        user_id = principal.subject if principal and principal.subject else self.state.owner_user_id
        return Response.json(render.user(self.state, self.state.user(user_id or "")))

    # ------------------------------------------------------------------ configuration
    def config_hiring_processes(self, request: Request) -> Response:
        content = [_process_json(process) for process in self.state.hiring_processes.values()]
        return Response.json({"totalFound": len(content), "content": content})

    def config_hiring_process(self, request: Request) -> Response:
        process = self.state.hiring_processes.get(request.path_params["process_id"])
        if process is None:
            raise Missing("Hiring process", request.path_params["process_id"])
        return Response.json(_process_json(process))

    def config_rejection_reasons(self, request: Request) -> Response:
        content = [{"id": r.id, "label": r.label} for r in self.state.rejection_reasons.values()]
        return Response.json({"totalFound": len(content), "content": content})

    def config_withdrawal_reasons(self, request: Request) -> Response:
        content = [{"id": r.id, "label": r.label} for r in self.state.withdrawal_reasons.values()]
        return Response.json({"totalFound": len(content), "content": content})

    def config_departments(self, request: Request) -> Response:
        content = [{"id": dept_id, "label": label} for dept_id, label in self.state.departments.items()]
        return Response.json({"totalFound": len(content), "content": content})

    def config_source_types(self, request: Request) -> Response:
        content = [render.source_type(item, request.base_url) for item in self.state.source_types.values()]
        return Response.json({"totalFound": len(content), "content": content})

    def config_source_values(self, request: Request) -> Response:
        type_id = request.path_params["source_type"]
        if type_id not in self.state.source_types:
            raise Missing("Source type", type_id)
        subtype = request.arg("sourceSubType")
        limit = request.int_arg("limit", 100, minimum=1, maximum=100)
        offset = request.int_arg("offset", 0)
        values = [
            value
            for value in self.state.source_values.values()
            if value.type_id == type_id and not value.deleted and (subtype is None or value.subtype_id == subtype)
        ]
        return Response.json(
            {
                "totalFound": len(values),
                "limit": limit,
                "offset": offset,
                "content": [render.source_value(item, request.base_url) for item in values[offset : offset + limit]],
            }
        )

    def config_source_value(self, request: Request) -> Response:
        type_id, value_id = request.path_params["source_type"], request.path_params["value_id"]
        value = self.state.source_value(type_id, value_id)
        subtype = request.arg("sourceSubType")
        if value is None or (subtype is not None and value.subtype_id != subtype):
            raise Missing("Source", value_id)
        return Response.json(render.source_value(value, request.base_url))

    def config_source_definition(self, request: Request) -> Response:
        # "by identifier (included deleted source)" (SR-RB): deleted custom sources still answer here.
        value = self.state.source_values.get(request.path_params["source_identifier"])
        if value is None:
            raise Missing("Source", request.path_params["source_identifier"])
        return Response.json({"label": value.label, "subType": value.subtype_id, "type": value.type_id})

    # ================================================================== SmartRecruiters control endpoints
    def _register_sr_control_endpoints(self) -> None:
        add = self.control.add
        add("POST", "/_emulator/sources", self._control_create_source)
        add("DELETE", "/_emulator/sources/{identifier}", self._control_delete_source)
        add("POST", "/_emulator/applications/status", self._control_application_status)
        add("DELETE", "/_emulator/candidates/{candidate_id}", self._control_delete_candidate)
        add("POST", "/_emulator/oauth/clients", self._control_oauth_client)
        add("POST", "/_emulator/oauth/tokens", self._control_oauth_token)
        add("POST", "/_emulator/api-keys", self._control_api_key)

    def _control_create_source(self, request: Request) -> Response:
        body = request.json_object()
        try:
            value = self.state.create_custom_source(
                label=str(body.get("label") or ""),
                type_id=str(body.get("type") or "other"),
                subtype_id=body.get("subtype"),
            )
        except Invalid as exc:
            raise HttpError(exc.status, exc.code, exc.message) from None
        return Response.json(_source_dump(self.state, value), 201)

    def _control_delete_source(self, request: Request) -> Response:
        try:
            value = self.state.delete_source(request.path_params["identifier"])
        except Missing as exc:
            raise HttpError(404, "NOT_FOUND", exc.message) from None
        return Response.json(_source_dump(self.state, value))

    def _control_application_status(self, request: Request) -> Response:
        """Move an application like a recruiter in the UI would: `{"candidateId", "jobId", "status", ...}`."""
        body = request.json_object()
        try:
            application = self.state.application_for(str(body.get("candidateId")), str(body.get("jobId")))
            self.state.set_status(application, body)
        except Invalid as exc:
            raise HttpError(exc.status, exc.code, exc.message) from None
        except Missing as exc:
            raise HttpError(404, "NOT_FOUND", exc.message) from None
        return Response.json(_application_dump(self.state, application))

    def _control_delete_candidate(self, request: Request) -> Response:
        try:
            self.state.delete_candidate(request.path_params["candidate_id"])
        except Missing as exc:
            raise HttpError(404, "NOT_FOUND", exc.message) from None
        return Response.json({"deleted": request.path_params["candidate_id"]})

    def _control_oauth_client(self, request: Request) -> Response:
        body = request.json_object()
        client_id, client_secret = body.get("clientId"), body.get("clientSecret")
        if not client_id or not client_secret:
            raise HttpError(400, "CONTROL_ERROR", "clientId and clientSecret are required")
        scopes = body.get("allowedScopes")
        unknown = set(body.get("defaultScopes") or []) - ALL_SCOPES
        if unknown:
            raise HttpError(400, "CONTROL_ERROR", f"Unknown scopes: {', '.join(sorted(unknown))}")
        assert self.oauth is not None
        self.oauth.register_client(
            OAuthClient(
                client_id=str(client_id),
                client_secret=str(client_secret),
                redirect_uris=tuple(body.get("redirectUris") or ()),
                name=str(body.get("name") or "Integration"),
                default_scopes=frozenset(body.get("defaultScopes") or ()),
                allowed_scopes=None if scopes is None else frozenset(scopes),
            )
        )
        return Response.json({"clientId": client_id, "redirectUris": list(body.get("redirectUris") or [])}, 201)

    def _control_oauth_token(self, request: Request) -> Response:
        """Mint a token without the browser dance (tests): `{"clientId", "scopes": [...], "refreshToken": bool}`."""
        body = request.json_object()
        assert self.oauth is not None
        client_id = str(body.get("clientId") or DEFAULT_CLIENT_ID)
        if self.oauth.client(client_id) is None:
            raise HttpError(404, "NOT_FOUND", f"Unknown client {client_id}")
        scopes = body.get("scopes")
        scopes = sorted(ALL_SCOPES) if scopes is None else scopes
        unknown = set(scopes) - ALL_SCOPES
        if unknown:
            raise HttpError(400, "CONTROL_ERROR", f"Unknown scopes: {', '.join(sorted(unknown))}")
        token = self.oauth.issue_token(
            client_id,
            scopes,
            subject=self.state.owner_user_id,
            grant_type="authorization_code" if body.get("refreshToken") else "client_credentials",
            with_refresh_token=bool(body.get("refreshToken")),
        )
        return Response.json(token, 201)

    def _control_api_key(self, request: Request) -> Response:
        body = request.json_object()
        key = body.get("key")
        if not isinstance(key, str) or not key:
            raise HttpError(400, "CONTROL_ERROR", "key is required")
        scopes = body.get("scopes")
        self.api_keys[key] = None if scopes is None else frozenset(scopes)
        return Response.json({"key": key, "scopes": scopes}, 201)


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


def _domain_errors(handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
    def run(request: Request) -> Response:
        try:
            return handler(request)
        except Invalid as exc:
            raise HttpError(exc.status, exc.code, exc.message) from None
        except Missing as exc:
            raise HttpError(404, "NOT_FOUND", exc.message) from None
        except ApplyError as exc:
            raise HttpError(exc.status, exc.code, exc.message) from None

    return run


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _enum_arg(request: Request, name: str, allowed: tuple[str, ...]) -> str | None:
    value = request.arg(name)
    if value is not None and value not in allowed:
        raise Invalid(f"{name}: must be one of {', '.join(allowed)}")
    return value


def _time_arg(request: Request, name: str) -> datetime | None:
    value = request.arg(name)
    return parse_time(value, name) if value else None


def _limit(request: Request, default: int) -> int:
    return request.int_arg("limit", default, minimum=1, maximum=100)


def _sorted(items: Iterable[Any]) -> list[Any]:
    return sorted(items, key=lambda item: (item.created_on, item.id))


def _encode_page_id(item: Any) -> str:
    raw = f"{fmt(item.created_on)}|{item.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_page_id(page_id: str) -> tuple[str, str]:
    try:
        raw = base64.urlsafe_b64decode(page_id + "=" * (-len(page_id) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise Invalid("pageId: invalid page identifier") from None
    created, separator, identifier = raw.partition("|")
    if not separator:
        raise Invalid("pageId: invalid page identifier")
    return created, identifier


def _keyset_page(
    request: Request, items: list[Any], *, default_limit: int, allow_offset: bool
) -> tuple[list[Any], int, str | None]:
    """`pageId` paging: the token names the last record seen (createdOn + id), so records created or deleted
    between pages never shift the remaining ones. `/jobs` also accepts the deprecated `offset`."""
    limit = request.int_arg("limit", default_limit, minimum=1, maximum=100)
    ordered = _sorted(items)
    page_id = request.arg("pageId")
    if page_id:
        created, identifier = _decode_page_id(page_id)
        cursor = (parse_time(created, "pageId"), identifier)
        start = next((index for index, item in enumerate(ordered) if (item.created_on, item.id) > cursor), len(ordered))
    elif allow_offset:
        start = request.int_arg("offset", 0)
    else:
        start = 0
    content = ordered[start : start + limit]
    next_page = _encode_page_id(content[-1]) if content and start + limit < len(ordered) else None
    return content, start, next_page


def _process_json(process: Any) -> dict[str, Any]:
    return {
        "id": process.id,
        "name": process.name,
        "active": process.active,
        "subStatuses": {key: list(value) for key, value in process.sub_statuses.items()},
    }


def _source_dump(state: State, value: Any) -> dict[str, Any]:
    return {
        "id": value.id,
        "sourceIdentifier": value.identifier,
        "label": value.label,
        "type": value.type_id,
        "subtype": value.subtype_id,
        "custom": value.custom,
        "deleted": value.deleted,
    }


def _application_dump(state: State, application: Any) -> dict[str, Any]:
    type_id, subtype_id, value_id = application.source
    return {
        "id": application.id,
        "candidateId": application.candidate_id,
        "jobId": application.job_id,
        "status": application.status,
        "subStatus": application.sub_status,
        "startsOn": fmt(application.starts_on),
        "rejectionReasonId": application.rejection_reason_id,
        "withdrawalReasonId": application.withdrawal_reason_id,
        "createdOn": fmt(application.created_on),
        "updatedOn": fmt(application.updated_on),
        "source": {
            "type": type_id,
            "subtype": subtype_id,
            "value": value_id,
            "label": state.source_label(application.source),
            "sourceIdentifier": state.source_identifier(application.source),
        },
        "history": [
            {"changedOn": fmt(change.changed_on), "status": change.status, "subStatus": change.sub_status}
            for change in application.history
        ],
        "answers": application.answers,
        "messageToHiringManager": application.message_to_hiring_manager,
    }


def _counts(state: State) -> dict[str, int]:
    return {
        "users": len(state.users),
        "jobs": len(state.jobs),
        "candidates": len(state.candidates),
        "applications": len(state.applications),
        "attachments": len(state.attachments),
        "messages": len(state.messages),
        "offers": len(state.offers),
        "interviews": len(state.interviews),
        "sources": sum(1 for value in state.source_values.values() if not value.deleted),
    }


def _dump(state: State, config: SeedConfig) -> dict[str, Any]:
    """`GET /_emulator/state`: everything, in plain JSON (attachment bytes as size + sha256)."""
    return {
        "company": {"identifier": state.company_identifier, "name": state.company_name},
        "seed": config.as_json(),
        "counts": _counts(state),
        "ownerUserId": state.owner_user_id,
        "users": [
            {
                "id": u.id,
                "email": u.email,
                "firstName": u.first_name,
                "lastName": u.last_name,
                "systemRole": u.system_role,
                "active": u.active,
                "updatedOn": fmt(u.updated_on),
            }
            for u in state.users.values()
        ],
        "hiringProcesses": [_process_json(p) for p in state.hiring_processes.values()],
        "rejectionReasons": [{"id": r.id, "label": r.label} for r in state.rejection_reasons.values()],
        "withdrawalReasons": [{"id": r.id, "label": r.label} for r in state.withdrawal_reasons.values()],
        "sourceTypes": [{"id": t.id, "label": t.label, "subtypes": t.subtypes} for t in state.source_types.values()],
        "sources": [_source_dump(state, value) for value in state.source_values.values()],
        "jobs": [
            {
                "id": job.id,
                "title": job.title,
                "refNumber": job.ref_number,
                "status": job.status,
                "postingStatus": job.posting_status,
                "department": job.department[1],
                "createdOn": fmt(job.created_on),
                "updatedOn": fmt(job.updated_on),
                "lastActivityOn": fmt(job.last_activity_on),
                "hiringProcessId": job.hiring_process_id,
                "hiringTeam": [{"id": uid, "role": role} for uid, role in job.hiring_team],
                "posting": {
                    "id": job.posting.id,
                    "uuid": job.posting.uuid,
                    "active": job.posting.active,
                    "questionIds": [q.id for q in job.posting.questions],
                }
                if job.posting
                else None,
            }
            for job in state.jobs.values()
        ],
        "candidates": [
            {
                "id": c.id,
                "firstName": c.first_name,
                "lastName": c.last_name,
                "email": c.email,
                "createdOn": fmt(c.created_on),
                "updatedOn": fmt(c.updated_on),
                "tags": list(c.tags),
                "applicationIds": list(c.application_ids),
            }
            for c in state.candidates.values()
        ],
        "applications": [_application_dump(state, a) for a in state.applications.values()],
        "attachments": [
            {
                "id": a.id,
                "candidateId": a.candidate_id,
                "jobId": a.job_id,
                "name": a.name,
                "type": a.type,
                "contentType": a.content_type,
                "size": len(a.content),
                "sha256": hashlib.sha256(a.content).hexdigest(),
                "createdOn": fmt(a.created_on),
            }
            for a in state.attachments.values()
        ],
        "messages": [
            {
                "id": m.id,
                "content": m.content,
                "authorId": m.author_id,
                "candidateIds": m.candidate_ids,
                "correlationId": m.correlation_id,
                "shareWith": {
                    "users": m.users,
                    "hiringTeamOf": m.hiring_team_of,
                    "everyone": m.everyone,
                    "openNote": m.open_note,
                },
                "createdOn": fmt(m.created_on),
            }
            for m in state.messages.values()
        ],
        "offers": [
            {
                "id": o.id,
                "candidateId": o.candidate_id,
                "jobId": o.job_id,
                "status": o.status,
                "createdOn": fmt(o.created_on),
            }
            for o in state.offers.values()
        ],
        "interviews": [
            {
                "id": i.id,
                "applicationId": i.application_id,
                "candidateId": i.candidate_id,
                "jobId": i.job_id,
                "organizerId": i.organizer_id,
                "interviewers": sorted({uid for slot in i.timeslots for uid, _ in slot.interviewers}),
            }
            for i in state.interviews.values()
        ],
    }
