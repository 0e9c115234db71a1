"""The Workable (API v3) emulator: account bearer tokens with `r_`/`w_` scopes, the account subdomain in the path,
`limit`/`since_id`/`paging.next` paging, `created_after`/`updated_after`, 10 requests per 10 s per token with
`X-Rate-Limit-*` headers, `{"error": ...}` bodies (reference ats-workable-ashby.md Part A).

The API lives at `/spi/v3/accounts/{subdomain}/...` (the account-path form of the v3 base, reference A1), so one
loopback host serves the account the way `https://{subdomain}.workable.com/spi/v3` does.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from apps.connectors.emulation.app import ControlError, Principal
from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.http import HttpError, Request, Response
from apps.connectors.emulation.oauth import InvalidToken, OAuthClient, OAuthProvider
from apps.connectors.emulation.ratelimit import Limits, Ticket
from apps.connectors.emulation.records import StateError
from apps.connectors.emulation.routing import Route
from apps.connectors.emulation.vendor import StateHooks, VendorEmulator, api_key_credential, emulator_client
from apps.connectors.workable.emulator.dump import (
    candidate_json,
    counts,
    dump,
    event_json,
    files_json,
    job_json,
    offer_json,
    stages_json,
    wire_time,
)
from apps.connectors.workable.emulator.seed import SeedConfig, build_state
from apps.connectors.workable.emulator.state import Invalid, Missing, State
from apps.connectors.workable.emulator.webhooks import SubscriptionsApi

DEFAULT_TOKEN = "wk-account-token"
ALL_SCOPES = frozenset({"r_jobs", "r_candidates", "w_candidates", "w_comments", "r_account", "r_offers"})
PREFIX = "/spi/v3/accounts/{subdomain}"
MEMBER_ID_OWNER = "1f395d"  # the seeded admin approves OAuth requests
RATE, WINDOW = 10, 10.0  # account tokens: 10 requests per 10-second window (reference A2)
OAUTH_RATE = 50  # OAuth and partner tokens: 50 per 10 s (reference A2)
DEFAULT_REDIRECT_URI = "http://127.0.0.1:8000/connect/oauth/callback"
# OAuth for official partners (reference A1): `www.workable.com/oauth/authorize` with `resource=user`, then
# `POST /oauth/token`. The token JSON and lifetimes are NOT FOUND: assumed RFC 6749 with a one-hour access token and
# a refresh token that is kept (not rotated).
ACCESS_TOKEN_TTL = 3600
MAX_LIMIT = 100


class WorkableEmulator(SubscriptionsApi, VendorEmulator):
    name = "workable"
    seed_config_type = SeedConfig
    state_hooks = StateHooks(build=build_state, counts=counts, dump=dump)
    api_key_label = "Account access token (Authorization: Bearer)"
    authorize_path = "/oauth/authorize"
    token_path = "/oauth/token"
    default_client = emulator_client(DEFAULT_REDIRECT_URI, sorted(ALL_SCOPES))
    known_scopes = ALL_SCOPES
    state: State

    def __init__(
        self,
        *,
        seed: SeedConfig | Mapping[str, Any] | None = None,
        clock: Clock | None = None,
        limits_enabled: bool = True,
        rate: int = RATE,
        oauth_rate: int | None = None,
    ) -> None:
        # No `Retry-After` is documented: only the `X-Rate-Limit-*` headers are sent (reference A2).
        super().__init__(
            seed=seed,
            clock=clock,
            limits=Limits(rate=rate, concurrency=50, window=WINDOW),  # concurrency cap NOT FOUND: assumed none
            limits_enabled=limits_enabled,
            send_retry_after=False,
        )
        # OAuth tokens have their own, higher rate (A2); a test that lifts `rate` lifts it for them too.
        self.oauth_rate = oauth_rate if oauth_rate is not None else (OAUTH_RATE if rate == RATE else rate)
        self.api_keys: dict[str, frozenset[str]] = {DEFAULT_TOKEN: ALL_SCOPES}
        self.oauth = OAuthProvider(
            known_scopes=ALL_SCOPES,
            clients=[self.default_client],
            clock=self.clock,
            access_token_ttl=ACCESS_TOKEN_TTL,
            rotate_refresh_tokens=False,
            subject=MEMBER_ID_OWNER,
            subject_label="Natalie Sung <natalie@acme.example>",
            product_name="Workable (emulated)",
            authorize_params=("resource",),  # `resource=user` (reference A1)
        )
        self.register_oauth_routes()
        # the accounts an OAuth token reaches (`GET /spi/v3/accounts`, listed in the v3 index; shape assumed)
        self.add_route("GET", "/spi/v3/accounts", self.accounts, "r_account", "r_jobs", "r_candidates")
        r, w = self._api, self._api
        r("GET", "/members", self.members, "r_account", "r_jobs", "r_candidates")  # scope assumed: any read scope
        r("GET", "/jobs", self.jobs, "r_jobs")
        r("GET", "/jobs/{shortcode}", self.job, "r_jobs")
        r("GET", "/jobs/{shortcode}/stages", self.stages, "r_jobs")
        r("GET", "/stages", self.account_stages, "r_jobs")  # the account's pipeline stages (reference A3/A5)
        r("GET", "/jobs/{shortcode}/questions", self.questions, "r_jobs")
        r("GET", "/disqualification_reasons", self.reasons, "r_jobs")
        r("GET", "/candidates", self.candidates, "r_candidates")
        r("GET", "/candidates/{id}", self.candidate, "r_candidates")
        r("GET", "/candidates/{id}/activities", self.activities, "r_candidates")
        r("GET", "/candidates/{id}/files", self.files, "r_candidates")
        r("GET", "/candidates/{id}/offer", self.offer, "r_offers")
        r("GET", "/events", self.events, "r_jobs")  # "r_jobs (jobs, events, disqualification_reasons)" (A1)
        w("POST", "/jobs/{shortcode}/candidates", self.create, "w_candidates")
        w("POST", "/candidates/{id}/move", self.move, "w_candidates")
        w("POST", "/candidates/{id}/disqualify", self.disqualify, "w_candidates")
        w("POST", "/candidates/{id}/comments", self.comment, "w_comments")
        w("PUT", "/candidates/{id}/tags", self.tags, "w_candidates")
        self._register_subscriptions(PREFIX)  # webhooks (reference A7)
        self.add_control("DELETE", "/_emulator/candidates/{id}", self._control_delete)
        # what a recruiter does in Workable's UI: schedule an event, make an offer
        self.add_control("POST", "/_emulator/candidates/{id}/events", self._control_event)
        self.add_control("PUT", "/_emulator/candidates/{id}/offer", self._control_offer)

    def _api(self, method: str, path: str, handler: Any, *scopes: str) -> None:
        self.add_route(method, PREFIX + path, handler, *scopes)

    # -- pipeline hooks ---------------------------------------------------------------------------------------
    def preflight(self, request: Request, route: Route) -> None:
        if request.path_params.get("subdomain", self.state.subdomain) != self.state.subdomain:
            raise HttpError(404, "not_found", "Not found")  # assumed: an unknown account answers like a missing record

    def authenticate(self, request: Request, route: Route) -> Principal:
        authorization = request.header("authorization") or ""
        token = authorization[7:].strip() if authorization.lower().startswith("bearer ") else ""
        if token in self.api_keys:
            return Principal(credential=api_key_credential(token), kind="api_key", scopes=self.api_keys[token])
        grant = self.bearer_grant(request) if token else None  # an invalid or expired token: the 401 below
        if grant is None:
            raise HttpError(401, "unauthorized", "Not authorized")
        return Principal(
            credential=f"oauth:{grant.client_id}", kind="oauth", scopes=grant.scopes, subject=grant.subject,
            client_id=grant.client_id,
        )  # fmt: skip

    def credential_rate(self, principal: Principal) -> int | None:
        """Account tokens 10, OAuth (and partner) tokens 50 requests per 10-second window (reference A2)."""
        return self.oauth_rate if principal.kind == "oauth" else None

    def invalid_token_error(self, error: InvalidToken) -> HttpError:
        return HttpError(401, "unauthorized", "Not authorized")  # the documented 401 body

    def control_oauth_client(self, body: dict[str, Any]) -> tuple[OAuthClient, dict[str, Any]]:
        scopes = frozenset(body.get("scopes") or ALL_SCOPES)
        self.require_known_scopes(scopes)
        client = OAuthClient(
            client_id=str(body["clientId"]),
            client_secret=str(body["clientSecret"]),
            redirect_uris=tuple(str(uri) for uri in body.get("redirectUris") or ()),
            name=str(body.get("name") or "Integration"),
            default_scopes=scopes,
            allowed_scopes=scopes,
        )
        return client, {"scopes": sorted(scopes)}

    def token_grant(self, client: OAuthClient, body: dict[str, Any]) -> dict[str, Any]:
        scopes = body.get("scopes")
        return {"scopes": sorted(client.default_scopes) if scopes is None else scopes}

    def accounts(self, request: Request) -> Response:
        name = self.state.subdomain.title()
        return Response.json(
            {"accounts": [{"id": self.state.subdomain, "name": name, "subdomain": self.state.subdomain}]}
        )

    def check_access(self, request: Request, route: Route, principal: Principal) -> None:
        scopes = route.meta.get("scopes") or ()
        if scopes and not principal.has_any_scope(scopes):
            # The 403 body is NOT FOUND in the reference: assumed the same `{"error"}` shape as 401/404.
            raise HttpError(403, "forbidden", f"Not authorized: the token lacks the {scopes[0]} scope")

    def http_error_for(self, error: StateError) -> HttpError:
        if isinstance(error, Missing):
            return HttpError(404, "not_found", "Not found")
        assert isinstance(error, Invalid)
        failure = HttpError(422, "invalid", "Validation failed")
        failure.validation_errors = {error.field_name: [error.detail]}  # type: ignore[attr-defined]
        return failure

    def error_body(self, request: Request | None, route: Route | None, error: HttpError) -> dict[str, Any]:
        body: dict[str, Any] = {"error": error.message}
        extra = getattr(error, "validation_errors", None)
        if extra:
            body["validation_errors"] = extra
        return body

    def rate_limited_error(self, request: Request, route: Route, ticket: Ticket) -> HttpError:
        return HttpError(429, "rate_limited", "Rate limit exceeded")  # body NOT FOUND: assumed

    def rate_limit_headers(self, ticket: Ticket) -> dict[str, str]:
        # "timestamp of next interval" (A2) on a sliding window: when a request may go again — now while requests
        # are left (assumed), else when the window frees one (the limiter's wait, or a whole window).
        remaining = int(ticket.headers.get("X-RateLimit-Remaining", "0"))
        wait = ticket.retry_after if ticket.retry_after is not None else (0.0 if remaining > 0 else WINDOW)
        reset = math.ceil(self.clock.now().timestamp() + wait)
        return {
            "X-Rate-Limit-Limit": ticket.headers.get("X-RateLimit-Limit", str(self.limiter.limits.rate)),
            "X-Rate-Limit-Remaining": ticket.headers.get("X-RateLimit-Remaining", "0"),
            "X-Rate-Limit-Reset": str(reset),  # "timestamp of next interval", Unix seconds (recorded)
        }

    def control_api_key(self, request: Request) -> Response:
        """`POST /_emulator/api-keys {"key", "scopes": [...]}`: an account token (Settings → Integrations)."""
        body = request.json_object()
        key, scopes = body.get("key"), body.get("scopes", sorted(ALL_SCOPES))
        if not isinstance(key, str) or not key or not isinstance(scopes, list) or not set(scopes) <= ALL_SCOPES:
            raise ControlError(f"key and scopes (a subset of {', '.join(sorted(ALL_SCOPES))}) are required")
        self.api_keys[key] = frozenset(scopes)
        return Response.json({"key": key, "scopes": sorted(scopes)}, 201)

    def describe_endpoints(self, url: str) -> dict[str, str]:
        return {"API base": f"{url}/spi/v3/accounts/{self.state.subdomain}"}

    # -- reads ------------------------------------------------------------------------------------------------
    def _page(self, request: Request, key: str, rows: list[Any], render: Any) -> Response:
        limit = request.int_arg("limit", 50, minimum=1, maximum=MAX_LIMIT)
        rows = sorted(rows, key=lambda row: int(row.id, 16))
        since_id, max_id = request.arg("since_id"), request.arg("max_id")
        if since_id:
            rows = [row for row in rows if int(row.id, 16) >= _hex(since_id, "since_id")]
        if max_id:
            rows = [row for row in rows if int(row.id, 16) <= _hex(max_id, "max_id")]
        for name, attribute in (("created_after", "created_at"), ("updated_after", "updated_at")):
            value = request.arg(name)
            if value:
                bound = _time(value, name)
                rows = [row for row in rows if getattr(row, attribute) > bound]
        body: dict[str, Any] = {key: [render(row) for row in rows[:limit]]}
        if len(rows) > limit:  # `paging` is absent on the last page; `next` starts at the next page's first id
            query = {k: v[0] for k, v in request.query.items() if k not in ("since_id",)}
            query.update(limit=str(limit), since_id=rows[limit].id)
            body["paging"] = {"next": f"{request.base_url}{request.path}?{urlencode(query)}"}
        return Response.json(body)

    def members(self, request: Request) -> Response:
        return Response.json({"members": self.state.members})

    def jobs(self, request: Request) -> Response:
        rows = list(self.state.jobs.values())
        wanted = request.arg("state")
        if wanted:
            rows = [job for job in rows if job.state == wanted]
        return self._page(request, "jobs", rows, lambda job: job_json(job, self.state.subdomain))

    def job(self, request: Request) -> Response:
        job = self.state.job(request.path_params["shortcode"])
        return Response.json({**job_json(job, self.state.subdomain), "description": f"<p>{job.title}</p>"})

    def stages(self, request: Request) -> Response:
        self.state.job(request.path_params["shortcode"])
        return Response.json({"stages": stages_json()})

    def account_stages(self, request: Request) -> Response:
        return Response.json({"stages": stages_json()})  # same shape as a job's (reference A5)

    def questions(self, request: Request) -> Response:
        return Response.json({"questions": self.state.job(request.path_params["shortcode"]).questions})

    def reasons(self, request: Request) -> Response:
        return Response.json(self.state.reasons)  # a bare array (recorded)

    def candidates(self, request: Request) -> Response:
        rows = list(self.state.candidates.values())
        shortcode, email = request.arg("shortcode"), request.arg("email")
        if shortcode:
            rows = [c for c in rows if c.job_shortcode == shortcode]
        if email:
            rows = [c for c in rows if c.email == email]
        return self._page(request, "candidates", rows, lambda c: candidate_json(c, self.state))

    def candidate(self, request: Request) -> Response:
        found = self.state.candidate(request.path_params["id"])
        return Response.json({"candidate": candidate_json(found, self.state, detail=True)})

    def activities(self, request: Request) -> Response:
        found = self.state.candidate(request.path_params["id"])
        items = [{"id": c["id"], "action": "comment", "stage_name": None, "created_at": wire_time(c["created_at"]),
                  "member": {"id": c["member"]["id"], "name": c["member"]["name"], "type": "Member"}, "body": c["body"]}
                 for c in found.comments]  # fmt: skip
        return Response.json({"activities": items})

    def files(self, request: Request) -> Response:
        return Response.json({"files": files_json(self.state.candidate(request.path_params["id"]))})

    def offer(self, request: Request) -> Response:
        return Response.json(offer_json(self.state.candidate(request.path_params["id"])))

    def events(self, request: Request) -> Response:
        """`GET /events?candidate_id=&shortcode=&include_cancelled=` paged by `since_id` (A3); cancelled events
        only with `include_cancelled=true` (assumed default false)."""
        rows = list(self.state.events.values())
        for arg, key in (("candidate_id", "candidate_id"), ("shortcode", "job_shortcode")):
            if request.arg(arg):
                rows = [e for e in rows if e[key] == request.arg(arg)]
        if (request.arg("include_cancelled") or "").lower() != "true":
            rows = [e for e in rows if not e["cancelled"]]
        return self._page(request, "events", [_Row(e) for e in rows], lambda row: event_json(row.event, self.state))

    # -- writes -----------------------------------------------------------------------------------------------
    def create(self, request: Request) -> Response:
        job = self.state.job(request.path_params["shortcode"])
        body = request.json_object()
        candidate = body.get("candidate")
        if not isinstance(candidate, dict):
            raise Invalid("candidate", "is required")
        sourced = body.get("sourced", True)  # "Defaults to true" (reference A4)
        if not isinstance(sourced, bool):
            raise Invalid("sourced", "must be a boolean")
        created = self.state.create_candidate(job, candidate, sourced=sourced, stage=request.arg("stage"))
        self.emit("candidate_created", created)
        return Response.json({"status": "created", "candidate": candidate_json(created, self.state, detail=True)})

    def move(self, request: Request) -> Response:
        candidate = self.state.candidate(request.path_params["id"])
        self.state.move(candidate, request.json_object())
        self.emit("candidate_moved", candidate)
        return Response.text("", 200)

    def disqualify(self, request: Request) -> Response:
        self.state.disqualify(self.state.candidate(request.path_params["id"]), request.json_object())
        return Response.text("", 200)

    def comment(self, request: Request) -> Response:
        entry = self.state.comment(self.state.candidate(request.path_params["id"]), request.json_object())
        return Response.json({"id": entry["id"]})

    def tags(self, request: Request) -> Response:
        candidate = self.state.candidate(request.path_params["id"])
        self.state.set_tags(candidate, request.json_object().get("tags"))
        return Response.json({"tags": candidate.tags})

    def _control_event(self, request: Request) -> Response:
        body = request.json_object()
        for key in ("starts_at", "ends_at"):
            if isinstance(body.get(key), str):
                body[key] = _time(body[key], key)
        event = self.state.add_event(self.state.candidate(request.path_params["id"]), body)
        return Response.json(event_json(event, self.state), 201)

    def _control_offer(self, request: Request) -> Response:
        candidate = self.state.candidate(request.path_params["id"])
        self.state.set_offer(candidate, request.json_object())
        return Response.json(offer_json(candidate))

    def _control_delete(self, request: Request) -> Response:
        candidate = self.state.candidate(request.path_params["id"])
        self.state.delete(request.path_params["id"])
        self.emit("candidate_deleted", candidate, deleted=True)
        return Response.json({"deleted": request.path_params["id"]})


class _Row:
    """An event as `_page` pages it (by hex id; events have no created/updated filter)."""

    def __init__(self, event: dict[str, Any]) -> None:
        self.event, self.id = event, event["id"]
        self.created_at = self.updated_at = event["starts_at"]


def _hex(value: str, name: str) -> int:
    try:
        return int(value, 16)
    except ValueError:
        raise HttpError(422, "invalid", f"{name} is invalid") from None  # assumed shape


def _time(value: str, name: str) -> datetime:
    """ISO 8601 (`20150708T115616Z` or extended) or Unix seconds (reference A2)."""
    if value.isdigit():
        return datetime.fromtimestamp(int(value), UTC)
    for candidate in (value, value.replace("Z", "+00:00")):
        try:
            parsed = datetime.fromisoformat(candidate)  # also takes the basic form `20150708T115616`
        except ValueError:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise HttpError(422, "invalid", f"{name} is invalid")  # assumed shape


def create_app(**options: Any) -> WorkableEmulator:
    return WorkableEmulator(**options)
