"""The SmartRecruiters connector: catalog (auth, coverage, rate budget, scope tests, source strategy), page readers,
source operations and writes, over SmartRecruiters' Customer API and Application API.

How the models are read (every call goes through the HTTP seam and its shared rate limiter):
- users: `GET /users` (pageId); rejection reasons: `GET /configuration/rejection-reasons`;
- stages: the candidate statuses plus the sub-statuses of `GET /configuration/hiring-processes` (mapping.stages);
- tags: SmartRecruiters has no tag list, tags are strings on candidates: a scan of `GET /candidates` (100 a call);
- jobs: `GET /jobs` (pageId, updatedAfter), then per job its details, hiring team, job ads, status history and the
  default ad's apply configuration (`GET /postings/{uuid}/configuration`: the screening questions);
- candidates: `GET /candidates` (pageId, updatedAfter; 1 concurrent request) or by id, then `GET /candidates/{id}`;
- applications (candidate × job): `GET /candidates/{id}/jobs/{jobId}` + its status history (rejected_at and the
  remote timestamps) + its screening answers;
- per parent (the engine passes `parent_remote_ids`): offers and attachments per application
  (`/candidates/{id}/jobs/{jobId}/offers|attachments`), interviews per application (`GET /interviews?applicationId=`,
  Interview API), notes per candidate (`GET /messages?candidateId=`, Hireloop messages).
Deltas: `updatedAfter` on jobs, users and candidates. A candidate's `updatedOn` moves with every change to it and its
applications (status, attachments, messages), so deltas of applications and of every per-parent model only visit
the candidates `GET /candidates?updatedAfter=` names. Deletions are not reported (no tombstones): a FULL sync finds
what vanished.
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from apps.connectors.base import Connector, ConnectorContext
from apps.connectors.catalog import (
    READ_MODEL_FIELDS,
    WRITE_ACTION_FIELDS,
    AuthKind,
    AuthMode,
    CoverageStatus,
    CredentialField,
    RateBudget,
    ReadCoverage,
    ReadModel,
    Scope,
    ScopeTest,
    SourceLevel,
    SourceSetupGuide,
    SourceStrategy,
    WriteAction,
    WriteCoverage,
    fields_with_status,
)
from apps.connectors.dtos import (
    ApplicationRef,
    AttachmentInput,
    AttachmentList,
    AttachmentRef,
    CreateApplicationInput,
    CreateApplicationResult,
    DownloadedFile,
    OAuthClient,
    Page,
    RemoteApplication,
    RemoteCandidate,
    RemoteFieldDefinition,
    RemoteInterview,
    RemoteRecord,
    RemoteSource,
    RemoteStage,
    ResultLinkInput,
    ScreeningAnswerInput,
    TrackedApplication,
    WriteResult,
)
from apps.connectors.errors import (
    ConnectorApplicationExists,
    ConnectorBadResponse,
    ConnectorError,
    ConnectorInputError,
    ConnectorJobClosed,
    ConnectorNotFound,
    ConnectorPermissionError,
    ConnectorUnavailable,
    ConnectorUnsupported,
)
from apps.connectors.smartrecruiters import client as api
from apps.connectors.smartrecruiters import fields, mapping
from apps.connectors.smartrecruiters.client import SmartRecruitersClient, path
from apps.core.timeutils import format_datetime

JsonDict = dict[str, Any]

# SmartRecruiters' documented limits per credential (SR-DOC https://developers.smartrecruiters.com/docs/rate-limiting).
RATE_LIMIT = 10  # requests per second
CONCURRENCY_LIMIT = 8  # requests at once; `GET /candidates` 1

# Page sizes: list endpoints take at most 100; models that fan out into several calls per item read fewer items per
# page, so one page (one checkpoint of the sync) stays well below ten seconds at 10 requests per second.
LIST_PAGE = 100
JOBS_PAGE = 10  # ~5 calls per job
CANDIDATES_PAGE = 50  # 1 call per candidate
APPLICATION_CANDIDATES_PAGE = 20  # ~1.3 applications per candidate, 3 calls each
PARENTS_PAGE = 40  # 1-2 calls per parent
DETAILS_CACHE = 10_000  # candidate details kept per connector instance (a sync task), oldest dropped first

# OAuth scopes Tributary asks for (SR-DOC https://developers.smartrecruiters.com/docs/authentication-access-scopes
# and the names SmartRecruiters' own clients use).
OAUTH_SCOPES = (
    "candidates_read",
    "candidates_create",
    "candidates_manage",
    "candidates_offers_read",
    "candidate_applications_manage",
    "configuration_read",
    "jobs_read",
    "users_read",
    "user_me_read",
    "messages_read",
    "messages_write",
    "interviews_read",
)

# The source type our source step asks the end user to file the custom source under: SmartRecruiters' type ids
# are NOT FOUND in public material (reference A4), its labels are documented ("Type: Paid, Sub-type: Job Board",
# https://help.smartrecruiters.com/Configuration/Candidate_Sources/Source_library), so the type is found by its id
# or label. The API does not mark custom sources as such: "custom sources only" means the values of this type.
SOURCE_TYPE = "Paid"
SOURCE_SUBTYPE = "Job Board"

RESULT_LINK_WARNING = "SmartRecruiters has no result links: the link was written as a note (message) instead."


def _coverage(
    model: ReadModel,
    *,
    unsupported: tuple[str, ...] = (),
    updated_since: bool = False,
    remote_ids: bool = False,
    scope: Scope = Scope.NONE,
) -> ReadCoverage:
    return ReadCoverage(
        model=model,
        fields=fields_with_status(READ_MODEL_FIELDS[model], unsupported=unsupported),
        supports_updated_since=updated_since,
        supports_remote_ids=remote_ids,
        scope=scope,
    )


READ_COVERAGE = (
    # `UserListItem` has no creation date; roles are the one `systemRole` per user.
    _coverage(ReadModel.USERS, updated_since=True, remote_ids=True),
    # Tags are strings on candidates: their "remote id" is the tag itself.
    _coverage(ReadModel.TAGS, updated_since=True),
    _coverage(ReadModel.REJECTION_REASONS),
    # `custom_fields`: a hiring-process status has none.
    _coverage(ReadModel.APPLICATION_STAGES, unsupported=("custom_fields",)),
    _coverage(
        ReadModel.JOBS,
        # JobDetails has no confidentiality flag, no weekly hours, a salary range without a period
        # (`compensation{min, max, currency}`, SR-RB compensation.rb) and no single salary amount.
        unsupported=("confidential", "weekly_hours", "salary_amount", "salary_period"),
        updated_since=True,
        remote_ids=True,
    ),
    # No confidentiality flag, no custom fields on CandidateDetails (candidate properties are per job).
    _coverage(ReadModel.CANDIDATES, unsupported=("confidential", "custom_fields"), updated_since=True, remote_ids=True),
    # Application properties (`/candidates/{id}/jobs/{jobId}/properties`) are not read: one more call each.
    _coverage(ReadModel.APPLICATIONS, unsupported=("custom_fields",), updated_since=True, remote_ids=True),
    # The Offer model has no start date of its own (only in company-defined properties).
    _coverage(ReadModel.OFFERS, unsupported=("employment_start_date",), updated_since=True, scope=Scope.APPLICATION),
    # Interview API: no stage, no cancellation flag, no update time; only interviews created through the Interview
    # API are listed (SR-DOC https://developers.smartrecruiters.com/reference/interviews).
    _coverage(
        ReadModel.INTERVIEWS,
        unsupported=("stage", "canceled", "remote_updated_at"),
        updated_since=True,
        scope=Scope.APPLICATION,
    ),
    # MessageView: no title, no update time; its visibility values are NOT FOUND, so no privacy flag.
    _coverage(
        ReadModel.NOTES,
        unsupported=("title", "is_private", "remote_updated_at"),
        updated_since=True,
        scope=Scope.CANDIDATE,
    ),
    # Attachments have no dates (CandidateAttachmentForJob{id, name, type, contentType, actions}).
    _coverage(
        ReadModel.ATTACHMENTS,
        unsupported=("remote_created_at", "remote_updated_at"),
        updated_since=True,
        scope=Scope.APPLICATION,
    ),
)


# -- writes ------------------------------------------------------------------------------------------------


def _write_fields(action: WriteAction, *, unsupported: tuple[str, ...] = ()) -> dict[str, CoverageStatus]:
    return fields_with_status(WRITE_ACTION_FIELDS[action], unsupported=unsupported)


# CandidateInput / ApplyApiRequest (SR-RB) have one email, one phone, a location of country, region and city, and
# web profiles; no gender, availability, salary expectation, or "sourced by" (referrals are a source type).
_CREATE_UNSUPPORTED = (
    "candidate.additional_email_addresses",
    "candidate.additional_phone_numbers",
    "candidate.gender",
    "candidate.availability_date",
    "candidate.salary_expectations",
    "sourced_by",
)
WRITE_COVERAGE = (
    WriteCoverage(
        WriteAction.CREATE_APPLICATION, _write_fields(WriteAction.CREATE_APPLICATION, unsupported=_CREATE_UNSUPPORTED)
    ),
    WriteCoverage(
        WriteAction.CREATE_CANDIDATE, _write_fields(WriteAction.CREATE_CANDIDATE, unsupported=_CREATE_UNSUPPORTED)
    ),
    WriteCoverage(WriteAction.IMPORT_TRACKED_APPLICATION, _write_fields(WriteAction.IMPORT_TRACKED_APPLICATION)),
    # The contract defines no SmartRecruiters `remote_fields` for the actions below.
    *(
        WriteCoverage(action, _write_fields(action, unsupported=("remote_fields",)))
        for action in (
            WriteAction.MOVE_APPLICATION_STAGE,
            WriteAction.REJECT_APPLICATION,
            WriteAction.ADD_APPLICATION_NOTE,
            WriteAction.ADD_APPLICATION_ATTACHMENT,
            WriteAction.ADD_APPLICATION_RESULT_LINK,
            WriteAction.ADD_CANDIDATE_ATTACHMENT,
            WriteAction.ADD_CANDIDATE_RESULT_LINK,
            WriteAction.ADD_CANDIDATE_TAG,
            WriteAction.REMOVE_CANDIDATE_TAG,
        )
    ),
    WriteCoverage(WriteAction.GET_APPLICATION_ATTACHMENTS),
    WriteCoverage(WriteAction.GET_CANDIDATE_ATTACHMENTS),
)


class SmartRecruitersConnector(Connector):
    """SmartRecruiters over its Customer API (`api.smartrecruiters.com`) and Application API."""

    tool = "smartrecruiters"
    label = "SmartRecruiters"
    default_base_url = api.DEFAULT_BASE_URL
    connection_guide_url = "https://developers.smartrecruiters.com/docs/authentication"
    auth_modes = (
        AuthMode(
            kind=AuthKind.API_KEY,
            label="API key",
            fields=(
                CredentialField(
                    name=api.API_KEY,
                    label="API key (X-SmartToken)",
                    help_text="Settings → Apps & Integrations → Credentials Manager → New credential → API key.",
                    placeholder="DCRA1-…",
                ),
            ),
            guide=(
                "1. Sign in to SmartRecruiters as an **administrator**.\n"
                "2. Open **Settings → Apps & Integrations → Credentials Manager** and choose **New credential**, "
                "type **API key**. Name it e.g. *Tributary*.\n"
                "3. Give the credential a **system role** that may see and manage candidates and jobs "
                "(*Administrator* is simplest; SmartRecruiters restricts access by role even with every scope) and "
                "tick at least these scopes: candidates (read, create, manage), candidate offers (read), "
                "candidate applications (manage), jobs (read), users (read), configuration (read), "
                "messages (read, write) and interviews (read).\n"
                "4. Copy the key (it starts with `DCRA1-`) and paste it below.\n\n"
                "Tributary checks every permission right after you save and tells you which one is missing."
            ),
            links=(
                ("SmartRecruiters: authentication", "https://developers.smartrecruiters.com/docs/authentication"),
                (
                    "SmartRecruiters: access scopes",
                    "https://developers.smartrecruiters.com/docs/authentication-access-scopes",
                ),
            ),
        ),
        AuthMode(
            kind=AuthKind.OAUTH2_AUTHORIZATION_CODE,
            label="Sign in with SmartRecruiters",
            guide=(
                "Sign in with a SmartRecruiters **administrator** account and allow Tributary access. Tributary asks "
                "for the permissions to read jobs, users and settings, to read and create candidates and "
                "applications, to move and reject them, to add notes and attachments, and to read offers and "
                "interviews."
            ),
            links=(
                (
                    "SmartRecruiters: OAuth authorization code",
                    "https://developers.smartrecruiters.com/docs/authentication-oauth-authorization-code",
                ),
            ),
            oauth_scopes=OAUTH_SCOPES,
        ),
        AuthMode(
            kind=AuthKind.OAUTH2_CLIENT_CREDENTIALS,
            label="OAuth client (client credentials)",
            fields=(
                CredentialField(name=api.CLIENT_ID, label="Client ID", secret=False),
                CredentialField(name=api.CLIENT_SECRET, label="Client secret"),
            ),
            guide=(
                "1. In SmartRecruiters open **Settings → Apps & Integrations → Credentials Manager** and choose "
                "**New credential**, type **OAuth client ID**.\n"
                "2. Give it a **system role** (e.g. *Administrator*) and the scopes listed for the API key.\n"
                "3. Paste the client ID and the client secret below. Tributary fetches its own access tokens with "
                "them (client credentials grant: no one has to sign in again)."
            ),
            links=(
                (
                    "SmartRecruiters: OAuth client credentials",
                    "https://developers.smartrecruiters.com/docs/authentication-oauth-client-credential",
                ),
            ),
        ),
    )
    # SR-DOC https://developers.smartrecruiters.com/docs/rate-limiting: 10 requests per second and 8 at once per
    # credential; `GET /candidates` 1 at once. We book 10 % below the rate: SmartRecruiters counts requests as they
    # arrive within a second, our limiter spaces them as they leave, and the jitter in between would otherwise let
    # an 11th request into some second now and then. Lanes match path prefixes, so every `GET /candidates…` call
    # shares the one slot: stricter than needed for the detail calls, never too loose.
    rate_budget = RateBudget(
        requests_per_second=RATE_LIMIT * 0.9,
        max_concurrency=CONCURRENCY_LIMIT,
        concurrency_overrides={"GET /candidates": 1},
    )
    scope_tests = (
        ScopeTest(
            id="candidates_read",
            label="Read candidates and applications",
            fix_hint="Give the credential the scope candidates_read and a system role that sees all candidates.",
        ),
        ScopeTest(
            id="candidates_create",
            label="Create candidates and upload attachments",
            fix_hint="Give the credential the scope candidates_create.",
        ),
        ScopeTest(
            id="candidates_manage",
            label="Move, reject and tag candidates",
            fix_hint="Give the credential the scope candidates_manage.",
        ),
        ScopeTest(
            id="candidate_applications_manage",
            label="Apply to job postings with screening answers",
            fix_hint="Give the credential the scope candidate_applications_manage (Application API).",
        ),
        ScopeTest(
            id="jobs_read",
            label="Read jobs, job ads and hiring teams",
            fix_hint="Give the credential the scope jobs_read.",
        ),
        ScopeTest(
            id="configuration_read",
            label="Read hiring processes, rejection reasons and candidate sources",
            fix_hint="Give the credential the scope configuration_read.",
        ),
        ScopeTest(
            id="users_read",
            label="Read users",
            fix_hint="Give the credential the scope users_read.",
        ),
        ScopeTest(
            id="candidates_offers_read",
            label="Read offers",
            fix_hint="Give the credential the scope candidates_offers_read.",
        ),
        ScopeTest(
            id="messages",
            label="Read and write notes (messages)",
            fix_hint=(
                "Give the credential the scopes messages_read and messages_write; SmartRecruiters lists messages "
                "to administrators only, so the credential needs the system role Administrator."
            ),
        ),
        ScopeTest(
            id="interviews_read",
            label="Read interviews",
            fix_hint="Give the credential the scope interviews_read.",
        ),
    )
    read_coverage = READ_COVERAGE
    write_coverage = WRITE_COVERAGE
    # Custom sources exist only through SmartRecruiters' settings page (SmartGlobal add-on), never through the API
    # (reference A4): the end user creates ours by hand, we find it by its exact name and type.
    source_strategy = SourceStrategy.MUST_EXIST
    # The source sits on each application (`sourceDetails` on create, `PUT /candidates/{id}/jobs/{jobId}/source`).
    source_level = SourceLevel.APPLICATION
    source_setup = SourceSetupGuide(
        guide=(
            "SmartRecruiters only lets an administrator add candidate sources, in its settings (the API can read "
            "sources but not create them). Custom sources need the SmartGlobal add-on.\n\n"
            "1. Sign in to SmartRecruiters as an **administrator** and open **Settings → Configuration → "
            "Candidate sources → Custom sources** "
            "([direct link](https://www.smartrecruiters.com/settings/configuration/custom-sources)).\n"
            f"2. Choose **Add custom source**. Type: **{SOURCE_TYPE}**, sub-type: **{SOURCE_SUBTYPE}**, "
            "name: **{source_name}** (exactly like this).\n"
            "3. Save, come back here and check again.\n\n"
            "Every application Tributary creates then shows this source in SmartRecruiters."
        ),
        links=(
            (
                "SmartRecruiters: create a custom candidate source",
                "https://help.smartrecruiters.com/Configuration/Candidate_Sources/Create_custom_candidate_source",
            ),
            (
                "SmartRecruiters: custom sources (settings)",
                "https://www.smartrecruiters.com/settings/configuration/custom-sources",
            ),
        ),
        source_type_label=f"{SOURCE_TYPE} → {SOURCE_SUBTYPE}",
    )
    passthrough_apis = ("default",)  # `smartrecruiters/default`
    reports_deletions = False
    tracked_application_keys = {"smartrecruiters": ("candidate_remote_id", "job_remote_id")}

    def __init__(self, context: ConnectorContext, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__(context)
        self._clock = clock
        self._client: SmartRecruitersClient | None = None
        self._stages: tuple[RemoteStage, ...] | None = None
        self._changed: dict[datetime, set[str]] = {}
        self._job_application_ids: dict[tuple[str, str], str | None] = {}
        # Candidate details read in this instance (one sync task): the notes of a candidate need its name and jobs.
        self._details: dict[str, JsonDict] = {}
        self._source_type: str | None = None

    # -- plumbing ----------------------------------------------------------------------------------------

    @property
    def client(self) -> SmartRecruitersClient:
        if self._client is None:
            if self.context.http is None:
                raise ConnectorUnavailable("The SmartRecruiters connector needs an HTTP client (a base URL).")
            self._client = SmartRecruitersClient(
                http=self.context.http,
                auth_kind=self.context.auth_kind,
                credentials=dict(self.context.credentials),
                renew_credentials=self.context.renew_credentials,
                clock=self._clock,
            )
        return self._client

    @property
    def web(self) -> str:
        return api.web_base(self.context.base_url or self.default_base_url)

    def _page_size(self, default: int) -> int:
        size = self.context.options.get("page_size")
        return max(1, min(int(size), api.MAX_PAGE_SIZE)) if size else default

    # -- passthrough ----------------------------------------------------------------------------------------

    def passthrough_base_url(self, api: str) -> str:
        """The base of `POST /passthrough/smartrecruiters/default`: the API host's root, where every SmartRecruiters
        API lives (`/jobs`, `/candidates`, `/postings/{uuid}/candidates`, `/configuration/...`; SR-DOC
        https://developers.smartrecruiters.com/reference)."""
        if api not in self.passthrough_apis:
            raise ConnectorUnsupported(
                f"SmartRecruiters has no passthrough API {api!r} (only: {', '.join(self.passthrough_apis)})."
            )
        return (self.context.base_url or self.default_base_url).rstrip("/")

    def passthrough_headers(self) -> dict[str, str]:
        """`X-SmartToken`, or an OAuth bearer token (fetched or refreshed first when it is missing or expiring)."""
        return self.client.auth_headers()

    def passthrough_reauthenticate(self) -> bool:
        """An OAuth token SmartRecruiters answered 401 to is renewed once; an API key cannot be."""
        return self.client.renew_after_rejection()

    # -- credentials and scopes --------------------------------------------------------------------------

    def list_fields(self) -> list[RemoteFieldDefinition]:
        """The integration fields (see fields.py)."""
        return fields.list_fields(self.client)

    def verify_credentials(self) -> None:
        """`GET /jobs?limit=1`. A 403 (a scope is missing) still proves the credentials: the scope tests say which."""
        try:
            self.client.get("/jobs", {"limit": 1})
        except ConnectorPermissionError:
            return

    def run_scope_test(self, test_id: str) -> None:
        """One call per permission. Calls that would write are sent with an id that cannot exist or a body that
        cannot validate: SmartRecruiters checks the scope first (403), so a 400 or 404 proves the permission
        without changing anything."""
        probes: dict[str, tuple[str, str, Mapping[str, Any] | None, Any]] = {
            "candidates_read": ("GET", "/candidates", {"limit": 1}, None),
            "candidates_create": ("POST", "/candidates", None, {}),
            "candidates_manage": ("PUT", path("candidates", "tributary-scope-check", "tags"), None, {"tags": []}),
            "candidate_applications_manage": (
                "POST",
                path("postings", "00000000-0000-4000-8000-000000000000", "candidates"),
                None,
                {},
            ),
            "jobs_read": ("GET", "/jobs", {"limit": 1}, None),
            "configuration_read": ("GET", "/configuration/sources", None, None),
            "users_read": ("GET", "/users", {"limit": 1}, None),
            "candidates_offers_read": ("GET", "/offers", {"limit": 1}, None),
            "messages": ("GET", "/messages", {"candidateId": "tributary-scope-check"}, None),
            "interviews_read": ("GET", "/interviews", {"applicationId": "tributary-scope-check"}, None),
        }
        if test_id not in probes:
            raise ConnectorUnsupported(f"smartrecruiters has no scope test {test_id!r}")
        method, target, params, body = probes[test_id]
        try:
            self.client.request(method, target, params=params, json_body=body)
        except (ConnectorNotFound, ConnectorInputError):
            return  # authorized; the probe's id or body was refused, as intended
        if test_id == "messages":
            # Reading is proven; writing: an empty message cannot validate (400) but needs the scope first (403).
            try:
                self.client.request("POST", "/messages/shares", json_body={"content": ""})
            except ConnectorInputError:
                return

    # -- OAuth -------------------------------------------------------------------------------------------

    def oauth_authorize_url(self, *, client: OAuthClient, redirect_uri: str, state: str, scopes: Sequence[str]) -> str:
        """SmartRecruiters' approval page (`www.smartrecruiters.com/identity/oauth/allow`; the emulator's own host
        when the base URL points at one)."""
        return api.authorize_url(
            api_base=self.context.base_url or self.default_base_url,
            client=client,
            redirect_uri=redirect_uri,
            state=state,
            scopes=list(scopes),
        )

    def oauth_exchange_code(self, *, client: OAuthClient, code: str, redirect_uri: str) -> dict[str, str]:
        """`POST /identity/oauth/token` (authorization_code). The client id and secret are stored with the tokens:
        refreshing needs them (SR-RB authorization.rb) and connectors read no settings."""
        if self.context.http is None:
            raise ConnectorUnavailable("The SmartRecruiters connector needs an HTTP client (a base URL).")
        body = api.token_request(
            self.context.http,
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "client_id": client.client_id,
                "client_secret": client.client_secret,
            },
        )
        credentials = api.token_credentials(body, now=self._clock())
        credentials[api.CLIENT_ID] = client.client_id
        credentials[api.CLIENT_SECRET] = client.client_secret
        return credentials

    # -- reads -------------------------------------------------------------------------------------------

    def read(
        self,
        model: ReadModel,
        *,
        cursor: str | None = None,
        updated_since: datetime | None = None,
        remote_ids: Sequence[str] | None = None,
        parent_remote_ids: Sequence[str] | None = None,
    ) -> Page[RemoteRecord]:
        """One page of `model` (see the module docstring for the endpoints behind each model)."""
        if model == ReadModel.USERS:
            return self._read_users(cursor, updated_since, remote_ids)
        if model == ReadModel.TAGS:
            return self._read_tags(cursor, updated_since)
        if model == ReadModel.REJECTION_REASONS:
            body = self.client.get("/configuration/rejection-reasons")
            return Page(items=[mapping.rejection_reason(item) for item in api._content(body, "rejection-reasons")])
        if model == ReadModel.APPLICATION_STAGES:
            return Page(items=list(mapping.application_stages(self._processes())))
        if model == ReadModel.JOBS:
            return self._read_jobs(cursor, updated_since, remote_ids)
        if model == ReadModel.CANDIDATES:
            return self._read_candidates(cursor, updated_since, remote_ids)
        if model == ReadModel.APPLICATIONS:
            return self._read_applications(cursor, updated_since, remote_ids)
        if model in (ReadModel.OFFERS, ReadModel.INTERVIEWS, ReadModel.NOTES, ReadModel.ATTACHMENTS):
            if parent_remote_ids is None:
                raise ConnectorInputError(f"smartrecruiters reads {model} per parent: pass parent_remote_ids.")
            return self._read_children(model, cursor, updated_since, parent_remote_ids)
        raise ConnectorUnsupported(f"smartrecruiters does not read {model}")

    # users, tags, configuration

    def _read_users(
        self, cursor: str | None, updated_since: datetime | None, remote_ids: Sequence[str] | None
    ) -> Page[RemoteRecord]:
        if remote_ids is not None:
            found = (self.client.get_or_none(path("users", remote_id)) for remote_id in dict.fromkeys(remote_ids))
            return Page(items=[mapping.user(raw) for raw in found if isinstance(raw, dict) and raw.get("id")])
        page = self.client.page_by_id(
            "/users", self._since(updated_since), page_id=cursor, limit=self._page_size(LIST_PAGE)
        )
        return Page(items=[mapping.user(raw) for raw in page.content if raw.get("id")], next_cursor=page.next_page)

    def _read_tags(self, cursor: str | None, updated_since: datetime | None) -> Page[RemoteRecord]:
        page = self.client.page_by_id(
            "/candidates", self._since(updated_since), page_id=cursor, limit=self._page_size(LIST_PAGE)
        )
        names = dict.fromkeys(tag for raw in page.content for tag in mapping._tags(raw.get("tags")))
        return Page(items=[mapping.tag(name) for name in names], next_cursor=page.next_page)

    def _processes(self) -> list[JsonDict]:
        body = self.client.get("/configuration/hiring-processes")
        return api._content(body, "/configuration/hiring-processes")

    def _job_stages(self) -> tuple[RemoteStage, ...]:
        if self._stages is None:
            self._stages = mapping.stages(self._processes())
        return self._stages

    @staticmethod
    def _since(updated_since: datetime | None) -> dict[str, str]:
        # "ISO8601-formatted time boundaries …, Format: yyyy-MM-ddTHH:mm:ss.SSSZZ" (SR-RB jobs_all, candidates_all).
        return {"updatedAfter": format_datetime(updated_since) or ""} if updated_since else {}

    # jobs

    def _read_jobs(
        self, cursor: str | None, updated_since: datetime | None, remote_ids: Sequence[str] | None
    ) -> Page[RemoteRecord]:
        if remote_ids is not None:
            details = [self.client.get_or_none(path("jobs", job_id)) for job_id in dict.fromkeys(remote_ids)]
            return Page(items=[self._job(raw) for raw in details if isinstance(raw, dict) and raw.get("id")])
        page = self.client.page_by_id(
            "/jobs", self._since(updated_since), page_id=cursor, limit=self._page_size(JOBS_PAGE)
        )
        items = []
        for summary in page.content:
            raw = self.client.get_or_none(path("jobs", str(summary.get("id"))))
            if isinstance(raw, dict) and raw.get("id"):  # a job deleted between the two calls is skipped
                items.append(self._job(raw))
        return Page(items=items, next_cursor=page.next_page)

    def _job(self, details: JsonDict) -> RemoteRecord:
        job_id = str(details["id"])
        team = self._content_or_list(self.client.get(path("jobs", job_id, "hiring-team")))
        ads = api._content(self.client.get(path("jobs", job_id, "jobads")), "jobads")
        history = api._content(self.client.get(path("jobs", job_id, "status", "history")), "status history")
        configuration = None
        ad = mapping.default_ad(ads)
        uuid = mapping.posting_uuid(ad) if ad else None
        if uuid:
            configuration = self.client.get_or_none(
                path("postings", uuid, "configuration"), {"conditionalsIncluded": "true"}
            )
        return mapping.job(
            details,
            team=team,
            ads=ads,
            configuration=configuration if isinstance(configuration, dict) else None,
            status_history=history,
            job_stages=self._job_stages(),
            web=self.web,
        )

    @staticmethod
    def _content_or_list(body: Any) -> list[JsonDict]:
        """`GET /jobs/{id}/hiring-team` is a plain array in the reference (A5) and an envelope elsewhere: take both."""
        items = body.get("content") if isinstance(body, dict) else body
        return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []

    # candidates and applications

    def _changed_candidates(self, since: datetime) -> set[str]:
        """Ids of the candidates changed since `since` (one scan of `GET /candidates?updatedAfter=` per delta)."""
        if since not in self._changed:
            self._changed[since] = {
                str(raw["id"]) for raw in self.client.all_by_id("/candidates", self._since(since)) if raw.get("id")
            }
        return self._changed[since]

    def _read_candidates(
        self, cursor: str | None, updated_since: datetime | None, remote_ids: Sequence[str] | None
    ) -> Page[RemoteRecord]:
        if remote_ids is not None:
            wanted = list(dict.fromkeys(remote_ids))
            if updated_since is not None:
                changed = self._changed_candidates(updated_since)
                wanted = [remote_id for remote_id in wanted if remote_id in changed]
            details = [self._candidate_details(remote_id) for remote_id in wanted]
            return Page(items=[mapping.candidate(raw, web=self.web) for raw in details if _has_id(raw)])
        page = self.client.page_by_id(
            "/candidates", self._since(updated_since), page_id=cursor, limit=self._page_size(CANDIDATES_PAGE)
        )
        details = [self._candidate_details(str(raw.get("id"))) for raw in page.content]
        return Page(
            items=[mapping.candidate(raw, web=self.web) for raw in details if _has_id(raw)], next_cursor=page.next_page
        )

    def _candidate_details(self, candidate_id: str, *, fresh: bool = True) -> JsonDict | None:
        """`GET /candidates/{id}` (None when gone); `fresh=False` takes what this instance read before."""
        if not fresh and candidate_id in self._details:
            return self._details[candidate_id]
        raw = self.client.get_or_none(path("candidates", candidate_id))
        if not _has_id(raw):
            self._details.pop(candidate_id, None)
            return None
        if len(self._details) >= DETAILS_CACHE:
            self._details.pop(next(iter(self._details)))
        self._details[candidate_id] = raw
        return raw

    def _read_applications(
        self, cursor: str | None, updated_since: datetime | None, remote_ids: Sequence[str] | None
    ) -> Page[RemoteRecord]:
        if remote_ids is not None:
            pairs = [
                pair for remote_id in dict.fromkeys(remote_ids) if (pair := mapping.split_application_id(remote_id))
            ]
            if updated_since is not None:
                changed = self._changed_candidates(updated_since)
                pairs = [pair for pair in pairs if pair[0] in changed]
            items = [app for candidate_id, job_id in pairs if (app := self._application(candidate_id, job_id))]
            return Page(items=items)
        page = self.client.page_by_id(
            "/candidates",
            self._since(updated_since),
            page_id=cursor,
            limit=self._page_size(APPLICATION_CANDIDATES_PAGE),
        )
        items: list[RemoteRecord] = []
        for raw in page.content:
            for assignment in mapping.assignments(raw):
                found = self._application(str(raw["id"]), str(assignment["job"]["id"]))
                if found is not None:
                    items.append(found)
        return Page(items=items, next_cursor=page.next_page)

    def _application(self, candidate_id: str, job_id: str) -> RemoteApplication | None:
        """One application: its status and reasons, its status history and its screening answers (3 calls);
        None when SmartRecruiters has no such application (any more)."""
        raw = self.client.get_or_none(path("candidates", candidate_id, "jobs", job_id))
        if not isinstance(raw, dict):
            return None
        self._job_application_ids[(candidate_id, job_id)] = mapping.text(raw.get("id"))
        base = path("candidates", candidate_id, "jobs", job_id)
        history = self.client.get_or_none(f"{base}/status/history")
        answers = self.client.get_or_none(f"{base}/screening-answers")
        return mapping.application(
            candidate_id,
            job_id,
            raw,
            history=api._content(history, "status history") if isinstance(history, dict) else [],
            answers=api._content(answers, "screening answers") if isinstance(answers, dict) else [],
        )

    # models read per parent (application or candidate)

    def _read_children(
        self, model: ReadModel, cursor: str | None, updated_since: datetime | None, parents: Sequence[str]
    ) -> Page[RemoteRecord]:
        parents = list(dict.fromkeys(parents))
        if updated_since is not None:
            changed = self._changed_candidates(updated_since)
            parents = [parent for parent in parents if _candidate_of(parent) in changed]
        start = int(cursor) if cursor and cursor.isdigit() else 0
        size = self._page_size(PARENTS_PAGE)
        batch = parents[start : start + size]
        items: list[RemoteRecord] = []
        for parent in batch:
            items.extend(self._children(model, parent))
        end = start + len(batch)
        return Page(items=items, next_cursor=str(end) if end < len(parents) else None)

    def _children(self, model: ReadModel, parent: str) -> list[RemoteRecord]:
        if model == ReadModel.NOTES:
            return self._notes(parent)
        pair = mapping.split_application_id(parent)
        if pair is None:
            return []
        candidate_id, job_id = pair
        base = path("candidates", candidate_id, "jobs", job_id)
        if model == ReadModel.OFFERS:
            body = self.client.get_or_none(f"{base}/offers")
            offers = api._content(body, "offers") if isinstance(body, dict) else []
            return [mapping.offer(raw, candidate_id=candidate_id, job_id=job_id) for raw in offers if raw.get("id")]
        if model == ReadModel.ATTACHMENTS:
            body = self.client.get_or_none(f"{base}/attachments")
            files = api._content(body, "attachments") if isinstance(body, dict) else []
            return [mapping.attachment(raw, candidate_id=candidate_id, job_id=job_id) for raw in files if raw.get("id")]
        return self._interviews(candidate_id, job_id)

    def _interviews(self, candidate_id: str, job_id: str) -> list[RemoteRecord]:
        """`GET /interviews?applicationId=` takes the jobApplicationId, which the application resource carries as
        `id` (the webhooks' `application_id`). An application without one has no interviews we could list."""
        key = (candidate_id, job_id)
        if key not in self._job_application_ids:
            raw = self.client.get_or_none(path("candidates", candidate_id, "jobs", job_id))
            self._job_application_ids[key] = mapping.text(raw.get("id")) if isinstance(raw, dict) else None
        job_application_id = self._job_application_ids[key]
        if not job_application_id:
            return []
        body = self.client.get_or_none("/interviews", {"applicationId": job_application_id})
        interviews = api._content(body, "interviews") if isinstance(body, dict) else []
        result: list[RemoteRecord] = []
        for raw in interviews:
            if not raw.get("id"):
                continue
            interview = mapping.interview(raw)
            if interview.application_remote_id is None:
                interview = _with_application(interview, mapping.application_id(candidate_id, job_id))
            result.append(interview)
        return result

    def _notes(self, candidate_id: str) -> list[RemoteRecord]:
        details = self._candidate_details(candidate_id, fresh=False)
        if not isinstance(details, dict):
            return []
        job_ids = [str(item["job"]["id"]) for item in mapping.assignments(details)]
        name = " ".join(
            part for part in (mapping.text(details.get("firstName")), mapping.text(details.get("lastName"))) if part
        )
        messages = self.client.all_by_id("/messages", {"candidateId": candidate_id})
        return [
            mapping.note(raw, candidate_id=candidate_id, job_ids=job_ids, candidate_name=name or None)
            for raw in messages
        ]

    # -- sources -----------------------------------------------------------------------------------------

    def source_type_id(self) -> str:
        """The id of the source type our custom source must have (found by id or label, see SOURCE_TYPE)."""
        if self._source_type is None:
            wanted = str(self.context.options.get("source_type") or SOURCE_TYPE).casefold()
            types = api._content(self.client.get("/configuration/sources"), "/configuration/sources")
            match = next(
                (
                    str(item["id"])
                    for item in types
                    if item.get("id") is not None
                    and wanted in (str(item["id"]).casefold(), str(item.get("label") or "").casefold())
                ),
                None,
            )
            if match is None:
                raise ConnectorInputError(
                    f"SmartRecruiters shows no candidate source type “{SOURCE_TYPE}”; the custom source cannot be used."
                )
            self._source_type = match
        return self._source_type

    def list_sources(self) -> list[RemoteSource]:
        """The sources of the allowed type (`GET /configuration/sources/{type}/values`, all pages). SmartRecruiters'
        API does not say which are custom, so every value of the type is offered."""
        type_id = self.source_type_id()
        values = self.client.all_by_offset(path("configuration", "sources", type_id, "values"))
        return [mapping.source(type_id, raw) for raw in values if raw.get("id") is not None]

    def find_source(self, name: str) -> RemoteSource | None:
        """The source of the allowed type labelled exactly `name`, or None."""
        return next((source for source in self.list_sources() if source.label == name), None)

    def get_source(self, remote_id: str) -> RemoteSource | None:
        """`GET /configuration/sources/{type}/values/{valueId}`: None when it is gone (deleted in the settings)."""
        parts = mapping.split_source_id(remote_id)
        if parts is None:
            return None
        type_id, value_id = parts
        raw = self.client.get_or_none(path("configuration", "sources", type_id, "values", value_id))
        return mapping.source(type_id, raw) if isinstance(raw, dict) and raw.get("id") is not None else None

    def _shown_source(self, raw: JsonDict) -> RemoteSource | None:
        """The source an application / assignment shows: its label, and its id from `actions.sourceDetails`."""
        name = mapping.text(raw.get("source"))
        parsed = mapping.source_from_action(mapping._dict(raw.get("actions")).get("sourceDetails"))
        if parsed is not None:
            type_id, value_id, subtype = parsed
            return RemoteSource(
                remote_id=mapping.source_id(type_id, value_id),
                label=name or value_id,
                type=type_id,
                subtype=subtype,
                remote_data={"source": name, "sourceDetails": raw.get("actions", {}).get("sourceDetails")},
            )
        return RemoteSource(remote_id=name, label=name) if name else None

    def read_application_source(
        self, *, application_remote_id: str, candidate_remote_id: str | None = None
    ) -> RemoteSource | None:
        """The source on the application (`GET /candidates/{id}/jobs/{jobId}`)."""
        pair = mapping.split_application_id(application_remote_id)
        if pair is None:
            raise ConnectorNotFound(f"{application_remote_id} is not a SmartRecruiters application id.")
        raw = self.client.get(path("candidates", pair[0], "jobs", pair[1]))
        return self._shown_source(raw) if isinstance(raw, dict) else None

    def read_candidate_source(self, candidate_remote_id: str) -> RemoteSource | None:
        """The source of the candidate's primary assignment (SmartRecruiters keeps sources per application)."""
        raw = self.client.get(path("candidates", candidate_remote_id))
        primary = raw.get("primaryAssignment") if isinstance(raw, dict) else None
        return self._shown_source(primary) if isinstance(primary, dict) else None

    # -- writes ------------------------------------------------------------------------------------------

    def _posting_uuid(self, job_id: str) -> str | None:
        """The UUID of the job's published default posting (from its job ads' `applyUrl`), None when unpublished."""
        ads = api._content(self.client.get(path("jobs", job_id, "jobads")), "jobads")
        ad = mapping.default_ad(ads)
        return mapping.posting_uuid(ad) if ad else None

    def _candidate_by_email(self, email: str, job_id: str | None = None) -> JsonDict | None:
        """The candidate whose email is `email` (case-insensitive), from a keyword search of `GET /candidates`."""
        params: dict[str, Any] = {"q": email}
        if job_id:
            params["jobId"] = job_id
        wanted = email.strip().casefold()
        for raw in self.client.all_by_id("/candidates", params):
            if str(raw.get("email") or "").strip().casefold() == wanted and raw.get("id"):
                return raw
        return None

    def _source_details(self, application: CreateApplicationInput, warnings: list[str]) -> JsonDict | None:
        """`sourceDetails` for a create: a requested source name only when a source of the allowed type has exactly
        that name; else the configured source (while it still exists); else none, and SmartRecruiters records its
        default source "API" ("Not defining the source will default to API source", SR-DOC candidatesaddtojob-1)."""
        found: RemoteSource | None = None
        requested = application.requested_source
        if requested is not None and requested.name:
            found = self.find_source(requested.name)
            if found is None:
                warnings.append(
                    f"source: SmartRecruiters has no source named “{requested.name}” of type {SOURCE_TYPE}; "
                    "custom sources are created in SmartRecruiters' settings."
                )
        if found is None and application.source is not None:
            instruction = application.source
            found = (
                self.get_source(instruction.remote_id) if instruction.remote_id else self.find_source(instruction.name)
            )
            if found is None:
                warnings.append(
                    f"source: the configured source “{instruction.name}” no longer exists in SmartRecruiters; "
                    "set it up again (setup link)."
                )
        if found is None:
            warnings.append("source: no source written; SmartRecruiters records its default source (API).")
            return None
        type_id, value_id = mapping.split_source_id(found.remote_id) or (found.type or "", found.remote_id)
        details: JsonDict = {"sourceTypeId": type_id, "sourceId": value_id}
        if found.subtype:
            details["sourceSubTypeId"] = found.subtype
        return details

    def _apply_answers(
        self, configuration: JsonDict, answers: Sequence[ScreeningAnswerInput], warnings: list[str]
    ) -> list[JsonDict]:
        """Screening answers as `ApplyApiRequest.answers` (`[{id, records: [{fields: {fieldId: [values]}}]}]`; the
        record shape mirrors the read side's AnswerRecord, reference A5 caveat)."""
        questions = {str(q.get("id")): q for q in mapping._list(configuration.get("questions")) if isinstance(q, dict)}
        result = []
        for answer in answers:
            question = questions.get(answer.question_remote_id)
            field = mapping.answer_field(question) if question else None
            values = mapping.answer_values(field, answer) if field else None
            if field is None or values is None:
                warnings.append(
                    f"screening_question_answers: the answer to “{answer.question_title or answer.question_remote_id}”"
                    " does not fit the question in SmartRecruiters; not written."
                )
                continue
            result.append({"id": answer.question_remote_id, "records": [{"fields": {str(field["id"]): values}}]})
        return result

    def create_application(self, application: CreateApplicationInput) -> CreateApplicationResult:
        """Create the candidate's application to the job.

        - With screening answers or GDPR consent: `POST /postings/{uuid}/candidates` (Application API, the job's
          published posting), the CV as its base64 `resume`. Without: `POST /jobs/{jobId}/candidates`.
        - Other files: `POST /candidates/{id}/jobs/{jobId}/attachments` (multipart, typed), after the create.
        - SmartRecruiters creates every application in status NEW: a requested stage is set afterwards.
        - An existing candidate (same email) gets the new application; its profile is left as it is.
        Follow-up steps that fail after the application exists become warnings, never a failed create.
        """
        warnings: list[str] = []
        job_id = application.job_remote_id
        job = self.client.get_or_none(path("jobs", job_id))
        if not isinstance(job, dict):
            raise ConnectorNotFound(f"SmartRecruiters has no job {job_id}.", status_code=404)
        if job.get("status") not in mapping.OPEN_JOB_STATUSES:
            raise ConnectorJobClosed(
                f"The job {job_id} takes no applications (status {job.get('status')}).",
                remote_message=f"Job status is {job.get('status')}.",
            )
        existing = self._candidate_by_email(application.candidate.email_address)
        if existing is not None and any(str(item["job"]["id"]) == job_id for item in mapping.assignments(existing)):
            raise ConnectorApplicationExists(
                f"Candidate {existing['id']} has already applied to job {job_id}.",
                remote_message="Candidate has already applied to this job.",
            )
        source = self._source_details(application, warnings)
        remote = dict(application.remote_fields or {})
        consent = application.gdpr_consent
        wants_apply = bool(
            application.screening_answers
            or (consent is not None and consent.given is not None)
            or remote.get("candidate_with_questions")
            or remote.get("consent_decisions")
        )
        uuid = self._posting_uuid(job_id) if wants_apply else None
        if application.screening_answers and uuid is None:
            raise ConnectorJobClosed(
                f"The job {job_id} has no published posting: screening answers can only be sent with one.",
                remote_message="The job is not published.",
            )
        files = list(application.attachments)
        resume_sent = None
        if uuid is not None:
            body = mapping.candidate_body(application.candidate, apply=True, warnings=warnings)
            if application.screening_answers:
                configuration = self.client.get(
                    path("postings", uuid, "configuration"), {"conditionalsIncluded": "true"}
                )
                body["answers"] = self._apply_answers(configuration, application.screening_answers, warnings)
            resume = application.resume
            if (
                resume is not None
                and resume.content_type in mapping.APPLY_FILE_TYPES
                and len(resume.data) <= mapping.APPLY_FILE_MAX_BYTES
            ):
                body["resume"] = {
                    "fileName": resume.name,
                    "mimeType": resume.content_type,
                    "fileContent": base64.b64encode(resume.data).decode("ascii"),
                }
                resume_sent = resume
            if consent is not None and consent.given is not None:
                body["consentDecisions"] = {"SINGLE": bool(consent.given)}
            if remote.get("consent_decisions"):
                body["consentDecisions"] = dict(remote["consent_decisions"])
            if source is not None:
                body["sourceDetails"] = source
            body.update(remote.get("candidate") or {})
            body.update(remote.get("candidate_with_questions") or {})
            created = self._post_create(path("postings", uuid, "candidates"), body)
        else:
            if consent is not None and consent.given is not None:
                warnings.append(
                    "gdpr_consent: SmartRecruiters takes consent only through a published posting; not written."
                )
            body = mapping.candidate_body(application.candidate, apply=False, warnings=warnings)
            if source is not None:
                body["sourceDetails"] = source
            body.update(remote.get("candidate") or {})
            body.update(remote.get("candidate_without_questions") or {})
            created = self._post_create(path("jobs", job_id, "candidates"), body)
        candidate_id = str(created["id"]) if isinstance(created, dict) and created.get("id") else None
        if candidate_id is None:
            raise ConnectorBadResponse("SmartRecruiters created the candidate but answered no id.")
        for attachment in files:
            if attachment is resume_sent:
                continue
            try:
                self._upload(path("candidates", candidate_id, "jobs", job_id, "attachments"), attachment)
            except ConnectorError as error:
                warnings.append(f"attachments: “{attachment.name}” was not attached ({error.message}).")
        if application.stage_remote_id and application.stage_remote_id != "NEW":
            try:
                self._set_status(candidate_id, job_id, application.stage_remote_id)
            except ConnectorError as error:
                warnings.append(
                    f"stage_id: SmartRecruiters creates applications as New; moving it to "
                    f"{application.stage_remote_id} failed ({error.remote_message or error.message})."
                )
        found = self._application(candidate_id, job_id)
        details = self.client.get(path("candidates", candidate_id))
        if found is None or not isinstance(details, dict):
            raise ConnectorBadResponse(f"The application {candidate_id}:{job_id} cannot be read back.")
        return CreateApplicationResult(
            application=found,
            candidate=mapping.candidate(details, web=self.web),
            candidate_existed=existing is not None,
            warnings=tuple(warnings),
        )

    def _post_create(self, target: str, body: JsonDict) -> Any:
        """The one non-repeatable call of a create. A 409 is SmartRecruiters' "already applied" (one application
        per profile and job, https://help.smartrecruiters.com/Candidate_Management/Merge_Candidates_FAQ)."""
        try:
            return self.client.request("POST", target, json_body=body).json()
        except ConnectorInputError as error:
            if error.status_code == 409:
                raise ConnectorApplicationExists(
                    "The candidate has already applied to this job.",
                    status_code=409,
                    remote_message=error.remote_message,
                ) from None
            raise

    def find_application(self, *, job_remote_id: str, email_address: str) -> TrackedApplication | None:
        """The candidate with that email who applied to the job (`GET /candidates?q=<email>&jobId=`), or None."""
        raw = self._candidate_by_email(email_address, job_remote_id)
        if raw is None:
            return None
        found = self._application(str(raw["id"]), job_remote_id)
        details = self.client.get_or_none(path("candidates", str(raw["id"])))
        if found is None or not isinstance(details, dict):
            return None
        return TrackedApplication(application=found, candidate=mapping.candidate(details, web=self.web))

    def find_tracked_application(self, *, key: str, ids: Mapping[str, str]) -> TrackedApplication:
        """`smartrecruiters: {candidate_remote_id, job_remote_id}` (contract §5.5) → the application."""
        candidate_id, job_id = ids["candidate_remote_id"], ids["job_remote_id"]
        found = self._application(candidate_id, job_id)
        details = self.client.get_or_none(path("candidates", candidate_id))
        if found is None or not isinstance(details, dict):
            raise ConnectorNotFound(
                f"Candidate {candidate_id} has no application to job {job_id}.",
                status_code=404,
                remote_message="Application not found.",
            )
        return TrackedApplication(application=found, candidate=mapping.candidate(details, web=self.web))

    @staticmethod
    def _pair(application: ApplicationRef) -> tuple[str, str]:
        pair = mapping.split_application_id(application.remote_id)
        if pair is None:
            raise ConnectorNotFound(f"{application.remote_id} is not a SmartRecruiters application id.")
        return pair

    def _set_status(self, candidate_id: str, job_id: str, stage_remote_id: str, **extra: Any) -> None:
        status, sub_status = mapping.split_stage_id(stage_remote_id)
        if status not in mapping.PIPELINE_STATUSES and status not in ("REJECTED", "WITHDRAWN"):
            raise ConnectorInputError(f"{stage_remote_id} is not a SmartRecruiters stage.")
        body: JsonDict = {"status": status, **extra}
        if sub_status:
            body["subStatus"] = sub_status
        # PUT /candidates/{id}/jobs/{jobId}/status (CandidateStatus{status, subStatus, startsOn, reason}, SR-RB):
        # setting a status twice changes nothing, so it may be repeated.
        self.client.request(
            "PUT", path("candidates", candidate_id, "jobs", job_id, "status"), json_body=body, idempotent=True
        )

    def move_application_stage(
        self, application: ApplicationRef, *, stage_remote_id: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        """Set the application's status (and sub-status) to the stage's."""
        candidate_id, job_id = self._pair(application)
        self._set_status(candidate_id, job_id, stage_remote_id)
        return WriteResult(application=self._application(candidate_id, job_id))

    def reject_application(
        self,
        application: ApplicationRef,
        *,
        rejection_reason_remote_id: str,
        note: str | None,
        remote_fields: Mapping[str, Any],
    ) -> WriteResult:
        """Status REJECTED with the reason's id (`GET /configuration/rejection-reasons`); the note as a message."""
        candidate_id, job_id = self._pair(application)
        self._set_status(candidate_id, job_id, "REJECTED", reason=rejection_reason_remote_id)
        warnings: list[str] = []
        if note:
            try:
                self._share(candidate_id, job_id, note)
            except ConnectorError as error:
                warnings.append(f"note: the rejection note was not written ({error.message}).")
        return WriteResult(warnings=tuple(warnings), application=self._application(candidate_id, job_id))

    def _share(self, candidate_id: str, job_id: str | None, text: str) -> None:
        """A Hireloop message on the candidate's profile (`#[CANDIDATE:id]`), shared with the job's hiring team and
        everyone who can see the candidate (`openNote`), SR-RB messages_shares_create."""
        share: JsonDict = {"openNote": True}
        if job_id:
            share["hiringTeamOf"] = [job_id]
        self.client.request(
            "POST",
            "/messages/shares",
            json_body={"content": f"{text}\n\n#[CANDIDATE:{candidate_id}]", "shareWith": share},
        )

    def add_application_note(
        self, application: ApplicationRef, *, content: str, content_type: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        """A message on the candidate, shared with the job's hiring team (SmartRecruiters' notes are messages)."""
        candidate_id, job_id = self._pair(application)
        self._share(candidate_id, job_id, content)
        return WriteResult()

    @staticmethod
    def _link_text(link: ResultLinkInput) -> str:
        lines = [f"{link.label}: {link.url}"]
        prefix = f"{link.custom_field_name_prefix} " if link.custom_field_name_prefix else ""
        lines.extend(f"{prefix}{key}: {value}" for key, value in link.attributes)
        return "\n".join(lines)

    def add_application_result_link(
        self, application: ApplicationRef, *, link: ResultLinkInput, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        candidate_id, job_id = self._pair(application)
        self._share(candidate_id, job_id, self._link_text(link))
        return WriteResult(warnings=(RESULT_LINK_WARNING,))

    def add_candidate_result_link(
        self, candidate_remote_id: str, *, link: ResultLinkInput, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        self._share(candidate_remote_id, None, self._link_text(link))
        return WriteResult(warnings=(RESULT_LINK_WARNING,))

    def _upload(self, target: str, attachment: AttachmentInput) -> None:
        """Multipart `attachmentType` + `file` (SR-RB candidates_attachments_add): RESUME, COVER_LETTER or
        GENERIC_FILE."""
        self.client.request(
            "POST",
            target,
            files={"file": (attachment.name, attachment.data, attachment.content_type)},
            data={"attachmentType": mapping.attachment_type(attachment.type)},
        )

    def add_application_attachment(
        self, application: ApplicationRef, *, attachment: AttachmentInput, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        candidate_id, job_id = self._pair(application)
        self._upload(path("candidates", candidate_id, "jobs", job_id, "attachments"), attachment)
        return WriteResult()

    def add_candidate_attachment(
        self, candidate_remote_id: str, *, attachment: AttachmentInput, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        self._upload(path("candidates", candidate_remote_id, "attachments"), attachment)
        return WriteResult()

    def _candidate_now(self, candidate_id: str) -> RemoteCandidate | None:
        details = self.client.get_or_none(path("candidates", candidate_id))
        return mapping.candidate(details, web=self.web) if isinstance(details, dict) else None

    def add_candidate_tag(
        self, candidate_remote_id: str, *, name: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        """`POST /candidates/{id}/tags` adds (an existing tag stays once)."""
        self.client.request(
            "POST", path("candidates", candidate_remote_id, "tags"), json_body={"tags": [name]}, idempotent=True
        )
        return WriteResult(candidate=self._candidate_now(candidate_remote_id))

    def remove_candidate_tag(
        self, candidate_remote_id: str, *, name: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        """SmartRecruiters removes only all tags at once (`DELETE`), so the rest are put back with `PUT` (replace)."""
        target = path("candidates", candidate_remote_id, "tags")
        body = self.client.get(target)
        tags = mapping._tags(body.get("tags") if isinstance(body, dict) else None)
        kept = [tag for tag in tags if tag.casefold() != name.casefold()]
        if kept != tags:
            self.client.request("PUT", target, json_body={"tags": kept}, idempotent=True)
        return WriteResult(candidate=self._candidate_now(candidate_remote_id))

    def list_application_attachments(self, application: ApplicationRef) -> AttachmentList:
        candidate_id, job_id = self._pair(application)
        body = self.client.get(path("candidates", candidate_id, "jobs", job_id, "attachments"))
        files = api._content(body, "attachments")
        return AttachmentList(
            attachments=tuple(mapping.attachment(raw, candidate_id=candidate_id, job_id=job_id) for raw in files)
        )

    def list_candidate_attachments(self, candidate_remote_id: str) -> AttachmentList:
        """All the person's files (`GET /candidates/{id}/attachments`), each linked to its application where one of
        the per-application lists names it."""
        files = api._content(self.client.get(path("candidates", candidate_remote_id, "attachments")), "attachments")
        details = self.client.get(path("candidates", candidate_remote_id))
        owners: dict[str, str] = {}
        for assignment in mapping.assignments(details if isinstance(details, dict) else {}):
            job_id = str(assignment["job"]["id"])
            body = self.client.get_or_none(path("candidates", candidate_remote_id, "jobs", job_id, "attachments"))
            for raw in api._content(body, "attachments") if isinstance(body, dict) else []:
                owners[str(raw.get("id"))] = job_id
        return AttachmentList(
            attachments=tuple(
                mapping.attachment(raw, candidate_id=candidate_remote_id, job_id=owners.get(str(raw["id"])))
                for raw in files
                if raw.get("id")
            )
        )

    def download_attachment(self, attachment: AttachmentRef) -> DownloadedFile:
        """`GET /candidates/{id}/attachments/{attachmentId}`: the file's bytes."""
        response = self.client.request(
            "GET", path("candidates", attachment.candidate_remote_id, "attachments", attachment.remote_id)
        )
        disposition = response.headers.get("Content-Disposition", "")
        found = re.search(r'filename\*?=(?:UTF-8\'\')?"?([^";]+)"?', disposition)
        content_type = (response.headers.get("Content-Type") or "").split(";")[0].strip() or None
        return DownloadedFile(
            content=response.content,
            content_type=content_type,
            file_name=unquote(found.group(1)) if found else None,
        )


def _has_id(raw: Any) -> bool:
    return isinstance(raw, dict) and bool(raw.get("id"))


def _candidate_of(parent: str) -> str:
    pair = mapping.split_application_id(parent)
    return pair[0] if pair else parent


def _with_application(interview: RemoteInterview, application_remote_id: str) -> RemoteInterview:
    return replace(interview, application_remote_id=application_remote_id)
