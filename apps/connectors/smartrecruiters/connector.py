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
  remote timestamps) + its screening answers + its candidate property values (`.../properties`, custom fields);
- per parent (the engine passes `parent_remote_ids`): offers and attachments per application
  (`/candidates/{id}/jobs/{jobId}/offers|attachments`), interviews per application (`GET /interviews?applicationId=`,
  Interview API), notes per candidate (`GET /messages?candidateId=`, Hireloop messages).
Deltas: `updatedAfter` on jobs, users and candidates. A candidate's `updatedOn` moves with every change to it and its
applications (status, attachments, messages), so deltas of applications and of every per-parent model only visit
the candidates `GET /candidates?updatedAfter=` names. Deletions are not reported (no tombstones): a FULL sync finds
what vanished.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from apps.connectors import oauth2
from apps.connectors.base import ConnectorContext
from apps.connectors.catalog import (
    AuthKind,
    AuthMode,
    CredentialField,
    RateBudget,
    ReadModel,
    Scope,
    ScopeTest,
    SourceLevel,
    SourceSetupGuide,
    SourceStrategy,
    WriteAction,
    WriteCoverage,
)
from apps.connectors.dtos import (
    OAuthClient,
    RemoteFieldDefinition,
    RemoteStage,
)
from apps.connectors.errors import (
    ConnectorInputError,
    ConnectorNotFound,
    ConnectorPermissionError,
    ConnectorUnsupported,
)
from apps.connectors.kit import HttpConnector, read_coverage, write_fields
from apps.connectors.smartrecruiters import client as api
from apps.connectors.smartrecruiters import fields
from apps.connectors.smartrecruiters.assumptions import ASSUMPTIONS
from apps.connectors.smartrecruiters.client import SmartRecruitersClient, path
from apps.connectors.smartrecruiters.reads import SmartRecruitersReads
from apps.connectors.smartrecruiters.webhooks import EVENTS as WEBHOOK_EVENTS
from apps.connectors.smartrecruiters.webhooks import SmartRecruitersWebhooks
from apps.connectors.smartrecruiters.writes import (
    SOURCE_SUBTYPE,
    SOURCE_TYPE,
    SmartRecruitersWrites,
)
from apps.connectors.webhooks import WebhookSetup

JsonDict = dict[str, Any]

# SmartRecruiters' documented limits per credential (SR-DOC https://developers.smartrecruiters.com/docs/rate-limiting).
RATE_LIMIT = 10  # requests per second
CONCURRENCY_LIMIT = 8  # requests at once; `GET /candidates` 1


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


_coverage = read_coverage


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
    # `custom_fields`: the application's candidate property values (`/candidates/{id}/jobs/{jobId}/properties`).
    _coverage(ReadModel.APPLICATIONS, updated_since=True, remote_ids=True),
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


_write_fields = write_fields


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


class SmartRecruitersConnector(SmartRecruitersReads, SmartRecruitersWrites, SmartRecruitersWebhooks, HttpConnector):
    """SmartRecruiters over its Customer API (`api.smartrecruiters.com`) and Application API."""

    tool = "smartrecruiters"
    label = "SmartRecruiters"
    default_base_url = api.DEFAULT_BASE_URL
    connection_guide_url = "https://developers.smartrecruiters.com/docs/authentication"
    auth_modes = (
        oauth2.api_key_mode(
            field_label="API key (X-SmartToken)",
            help_text="Settings → Apps & Integrations → Credentials Manager → New credential → API key.",
            placeholder="DCRA1-…",
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
    # A create's `custom_fields` mapped to candidate properties are written per application (properties.py).
    takes_custom_fields = True
    write_notes = dict.fromkeys(
        (WriteAction.CREATE_APPLICATION, WriteAction.CREATE_CANDIDATE),
        (
            "`custom_fields` mapped to candidate properties are checked against their type, then written with "
            "`PUT /candidates/{id}/jobs/{jobId}/properties` right after the create; values mapped to standard "
            "fields are not written (the warning names them).",
        ),
    )
    reports_deletions = False
    # Subscriptions API + signed deliveries (webhooks.py).
    webhook_setup = WebhookSetup.API
    webhook_events = WEBHOOK_EVENTS
    tracked_application_keys = {"smartrecruiters": ("candidate_remote_id", "job_remote_id")}

    assumptions = ASSUMPTIONS
    client_class = SmartRecruitersClient
    max_page_size = api.MAX_PAGE_SIZE

    def __init__(self, context: ConnectorContext, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__(context, clock=clock)
        self._stages: tuple[RemoteStage, ...] | None = None
        self._changed: dict[datetime, set[str]] = {}
        self._job_application_ids: dict[tuple[str, str], str | None] = {}
        # Candidate details read in this instance (one sync task): the notes of a candidate need its name and jobs.
        self._details: dict[str, JsonDict] = {}
        self._source_type: str | None = None

    # -- plumbing ----------------------------------------------------------------------------------------

    @property
    def web(self) -> str:
        return api.web_base(self.api_base)

    # -- passthrough ----------------------------------------------------------------------------------------

    def passthrough_base_url(self, api: str) -> str:
        """The base of `POST /passthrough/smartrecruiters/default`: the API host's root, where every SmartRecruiters
        API lives (`/jobs`, `/candidates`, `/postings/{uuid}/candidates`, `/configuration/...`; SR-DOC
        https://developers.smartrecruiters.com/reference)."""
        self.check_passthrough_api(api)
        return self.api_base

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
        body = api.token_request(
            self.http,
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
