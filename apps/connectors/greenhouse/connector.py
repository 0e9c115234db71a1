"""The Greenhouse connector: Harvest v3 catalog (auth, coverage, scope tests, source strategy) and wiring.

Delta sync: every v3 list takes `updated_at=gt|<time>`; deletions are reported by webhooks only (A7), so
`reports_deletions = False` and a FULL sync finds what vanished.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from apps.connectors.catalog import (
    WRITE_ACTION_FIELDS,
    AuthKind,
    AuthMode,
    CredentialField,
    RateBudget,
    ReadModel,
    ScopeTest,
    SourceLevel,
    SourceSetupGuide,
    SourceStrategy,
    WriteAction,
    WriteCoverage,
    fields_with_status,
)
from apps.connectors.dtos import OAuthClient, RemoteFieldDefinition
from apps.connectors.errors import ConnectorBadResponse, ConnectorInputError, ConnectorNotFound
from apps.connectors.greenhouse import client as api
from apps.connectors.greenhouse import custom_fields, webhooks
from apps.connectors.greenhouse.assumptions import ASSUMPTIONS
from apps.connectors.greenhouse.reads import GreenhouseReads
from apps.connectors.greenhouse.writes import GreenhouseWrites
from apps.connectors.kit import HttpConnector, read_coverage
from apps.connectors.oauth2 import API_KEY, CLIENT_ID, CLIENT_SECRET
from apps.connectors.webhooks import InboundWebhook, WebhookEvent, WebhookSetup

_coverage = partial(read_coverage, remote_ids=True, updated_since=True)

READ_COVERAGE = (
    # `system_roles`: Site Admin (`site_admin: true`) linked to the `site_admin` user role; Job Admin is per job.
    _coverage(ReadModel.USERS),
    _coverage(ReadModel.ROLES),  # `/v3/user_roles`: Site Admin (system) and the per-job Job Admin roles
    _coverage(ReadModel.REJECTION_REASONS),
    _coverage(ReadModel.TAGS),
    _coverage(
        ReadModel.JOBS,
        # v3 jobs know departments/offices by id only; no salary, employment type, category or posting URL here.
        unsupported=(
            "category",
            "department",
            "post_url",
            "experience_level",
            "weekly_hours",
            "employment_type",
            "visibility",
            "remote_work_status",
            "salary_amount",
            "salary_amount_from",
            "salary_amount_to",
            "salary_currency",
            "salary_period",
            "location",
            "remote_url",
            "hiring_team",
        ),
    ),  # fmt: skip
    _coverage(ReadModel.CANDIDATES, unsupported=("source", "location", "remote_url")),
    # Answers are on Job Board applications only; the v3 application's `answers` stay in remote_data.
    _coverage(ReadModel.APPLICATIONS, unsupported=("screening_question_answers", "remote_url")),
    _coverage(ReadModel.NOTES, unsupported=("title",)),
    _coverage(ReadModel.ATTACHMENTS),
    # `job_interview_stages` of every job; v3 stages have no custom fields.
    _coverage(ReadModel.APPLICATION_STAGES, unsupported=("custom_fields",)),
    _coverage(ReadModel.OFFERS),
    # v3 interviews: `interviewer` rows give the users, the `job_interview` step the title and stage.
    _coverage(ReadModel.INTERVIEWS),
    # v3 scorecards: the interview from the `interviewer` row naming the scorecard; per-question answers from
    # `/v3/scorecard_question_answers` with their questions and chosen options.
    _coverage(ReadModel.SCORECARDS),
)

_CREATE_FIELDS = fields_with_status(
    WRITE_ACTION_FIELDS[WriteAction.CREATE_APPLICATION],
    unsupported=(
        "candidate.additional_phone_numbers", "candidate.location", "candidate.gender", "candidate.availability_date",
        "candidate.salary_expectations", "sourced_by", "gdpr_consent",
    ),
)  # fmt: skip


def _simple(action: WriteAction) -> WriteCoverage:
    # `remote_fields.greenhouse.post_headers.On-Behalf-Of` is honoured as the token's `sub` (see client.py).
    return WriteCoverage(action=action, fields=fields_with_status(WRITE_ACTION_FIELDS[action]))


WRITE_COVERAGE = (
    WriteCoverage(action=WriteAction.CREATE_APPLICATION, fields=_CREATE_FIELDS),
    WriteCoverage(action=WriteAction.CREATE_CANDIDATE, fields=_CREATE_FIELDS),
    _simple(WriteAction.MOVE_APPLICATION_STAGE),
    _simple(WriteAction.REJECT_APPLICATION),
    _simple(WriteAction.ADD_APPLICATION_NOTE),
    _simple(WriteAction.ADD_APPLICATION_ATTACHMENT),
    _simple(WriteAction.ADD_APPLICATION_RESULT_LINK),
    _simple(WriteAction.ADD_CANDIDATE_TAG),
    _simple(WriteAction.REMOVE_CANDIDATE_TAG),
    WriteCoverage(action=WriteAction.GET_APPLICATION_ATTACHMENTS),
    WriteCoverage(action=WriteAction.GET_CANDIDATE_ATTACHMENTS),
)

ON_BEHALF_OF_NOTE = (
    "`remote_fields.greenhouse.post_headers.On-Behalf-Of`: Harvest v3 replaced the header with the token's `sub`. "
    "With client credentials or a v1 key Tributary writes with a token minted for that user (it must be an active "
    "Greenhouse user id); on a “Sign in with Greenhouse” connection the token is the approving user's and the "
    "request is refused with 400 naming the field."
)
CUSTOM_FIELDS_NOTE = (
    "`custom_fields` mapped to Greenhouse custom fields are checked against the field's type and options "
    "(`GET /v3/custom_fields`, `GET /v3/custom_field_options`; a select named by its option's label), then sent "
    "in the create itself: candidate fields in `POST /v3/candidates`, application fields in `POST /v3/applications` "
    "(`custom_fields: [{id, value}]`). A candidate that already exists keeps its fields (the warning names them); "
    "values mapped to standard fields, and currency, range and user fields, are not written (the warning names "
    "them)."
)
USER_FIELD = CredentialField(
    name=api.USER_ID,
    label="Greenhouse user ID",
    secret=False,
    help_text="The numeric ID of the Site Admin user Tributary acts as (sent as `sub`; it replaces On-Behalf-Of).",
    placeholder="4080",
)
SCOPES = (
    "harvest:jobs:list", "harvest:job_interview_stages:list", "harvest:job_posts:list", "harvest:candidates:list",
    "harvest:candidates:create", "harvest:applications:list", "harvest:applications:create",
    "harvest:applications:move", "harvest:applications:reject", "harvest:sources:list", "harvest:users:list",
    "harvest:rejection_reasons:list", "harvest:notes:list", "harvest:notes:create", "harvest:candidate_tags:list",
    "harvest:candidate_tags:create", "harvest:applied_candidate_tags:list", "harvest:applied_candidate_tags:create",
    "harvest:applied_candidate_tags:delete", "harvest:attachments:list", "harvest:attachments:create",
    "harvest:offers:list", "harvest:interviews:list", "harvest:interviewers:list", "harvest:job_interviews:list",
    "harvest:scorecards:list", "harvest:user_roles:list", "harvest:scorecard_question_answers:list",
    "harvest:scorecard_questions:list", "harvest:scorecard_question_options:list",
    "harvest:scorecard_question_answer_options:list", "harvest:custom_fields:list",
    "harvest:custom_field_options:list",
)  # fmt: skip
SCOPE_PATHS = {
    "jobs": "/jobs", "candidates": "/candidates", "applications": "/applications", "sources": "/sources",
    "users": "/users", "job_posts": "/job_posts", "job_interview_stages": "/job_interview_stages", "offers": "/offers",
    "interviews": "/interviews", "scorecards": "/scorecards", "notes": "/notes", "attachments": "/attachments",
    "candidate_tags": "/candidate_tags", "custom_fields": "/custom_fields",
}  # fmt: skip

# Write permissions have no cheap read: each is probed with a write Greenhouse must refuse (an id that cannot exist,
# or a body missing a required field). A missing permission is a 403 before the record or body is looked at
# (assumed, as the v3 lists do), so a 404 / 422 proves the permission and nothing is written.
WRITE_PROBES: dict[str, tuple[str, str, dict[str, Any] | None]] = {
    "candidates:create": ("POST", "/candidates", {}),
    "applications:create": ("POST", "/applications", {}),
    "applications:move": ("POST", "/applications/0/move", {}),
    "applications:reject": ("POST", "/applications/0/reject", {"rejection_reason_id": 0}),
    "notes:create": ("POST", "/notes", {"application_id": 0, "body": "", "visibility": "admin_only"}),
    "attachments:create": ("POST", "/attachments", {"application_id": 0}),
    "candidate_tags:create": ("POST", "/candidate_tags", {}),
    "applied_candidate_tags:create": ("POST", "/applied_candidate_tags", {"candidate_id": 0, "candidate_tag_id": 0}),
    "applied_candidate_tags:delete": ("DELETE", "/applied_candidate_tags/0", None),
}


class GreenhouseConnector(GreenhouseReads, GreenhouseWrites, HttpConnector):
    """Greenhouse Recruiting over Harvest v3 (v1/v2 were sunset on 2026-08-31)."""

    tool = "greenhouse"
    label = "Greenhouse"
    beta = False  # every point of issue 15 and CONNECTORS.md holds (see /work/notes/issue-15.md)
    default_base_url = api.DEFAULT_BASE_URL
    connection_guide_url = "https://harvestdocs.greenhouse.io/docs/authentication"
    read_coverage = READ_COVERAGE
    write_coverage = WRITE_COVERAGE
    auth_modes = (
        AuthMode(
            kind=AuthKind.OAUTH2_CLIENT_CREDENTIALS,
            label="Harvest v3 client credentials",
            fields=(
                CredentialField(
                    name=CLIENT_ID, label="Client ID", secret=False, help_text="Dev Center → API Credentials."
                ),
                CredentialField(
                    name=CLIENT_SECRET, label="Client secret", help_text="Shown once when the credential is created."
                ),
                USER_FIELD,
            ),
            guide=(
                "1. Sign in to Greenhouse as a **Site Admin**.\n"
                "2. Open **Configure → Dev Center → API Credential Management** and create a **Harvest v3** "
                "credential for a custom integration named e.g. *Tributary*.\n"
                "3. Grant the permissions listed below (jobs, job posts, stages, candidates, applications, sources, "
                "users, notes, tags, attachments).\n"
                "4. Paste the client ID and secret below, and the numeric ID of the Site Admin user Tributary acts "
                "as (the list endpoints of v3 only answer Site Admins)."
            ),
            links=(("Greenhouse Harvest v3: authentication", "https://harvestdocs.greenhouse.io/docs/authentication"),),
            oauth_scopes=SCOPES,
        ),
        AuthMode(
            kind=AuthKind.OAUTH2_AUTHORIZATION_CODE,
            label="Sign in with Greenhouse",
            guide=(
                "Sign in with a Greenhouse **Site Admin** account and approve access for Tributary (Greenhouse "
                "partners connect this way; client credentials are not available to partners)."
            ),
            links=(("Greenhouse: partner OAuth", "https://harvestdocs.greenhouse.io/docs/harvest-partner-oauth"),),
            oauth_scopes=SCOPES,
        ),
        AuthMode(
            kind=AuthKind.API_KEY,
            label="Harvest v1 key (transition)",
            fields=(CredentialField(name=API_KEY, label="Harvest API key", help_text="A v1 Harvest key."), USER_FIELD),
            guide=(
                "A Harvest v1 key still mints v3 tokens through `POST /auth/token` until v1 keys are retired. "
                "Prefer client credentials: this mode ends with v1."
            ),
            links=(
                (
                    "Greenhouse: Harvest v3 migration",
                    "https://harvestdocs.greenhouse.io/docs/write-endpoint-migration-guide",
                ),
            ),
        ),
    )
    # Fixed 30 s windows with an unpublished ceiling (A2; 75/window assumed = 2.5/s): we book 2.2.
    rate_budget = RateBudget(requests_per_second=2.2, max_concurrency=4)
    scope_tests = tuple(
        ScopeTest(
            id=name,
            label=f"Read {name.replace('_', ' ')}",
            fix_hint=(
                f"Give the Harvest credential the permission harvest:{name}:list (Dev Center → API Credential "
                "Management → Manage permissions), and make sure the user ID belongs to a Site Admin."
            ),
        )
        for name in SCOPE_PATHS
    ) + tuple(
        ScopeTest(
            id=name,
            label=f"Write: {name.replace('_', ' ').replace(':', ' ')}",
            fix_hint=(
                f"Give the Harvest credential the permission harvest:{name} (Dev Center → API Credential "
                "Management → Manage permissions)."
            ),
        )
        for name in WRITE_PROBES
    )
    # Sources and referrers are read-only in every Harvest version (A4): the end user creates ours under
    # Configure → Custom Options → Sources, we find it by exact name and send its `source_id` on every create.
    source_strategy = SourceStrategy.MUST_EXIST
    source_level = SourceLevel.APPLICATION
    source_setup = SourceSetupGuide(
        guide=(
            "Greenhouse lets a Site Admin add sources only in its interface (the API can read them but not create "
            "them).\n\n"
            "1. In Greenhouse open **Configure → Custom Options → Sources**.\n"
            "2. Add a new source named exactly **{source_name}** (strategy *Third-party boards*, or whatever fits).\n"
            "3. Come back here and check again.\n\n"
            "Every application created through this connection then carries this source. (The Job Board `gh_src` "
            "tracking links and Candidate Ingestion are not used: they credit a tracking link or the partner, not "
            "a source the customer names.)"
        ),
        links=(("Greenhouse: sources", "https://harvestdocs.greenhouse.io/reference/get_v3-sources"),),
        source_type_label=None,
    )
    passthrough_apis = ("harvest",)  # `greenhouse/harvest`
    # Web hooks are created by hand in Greenhouse (no registration API, A7): the flow shows the URL and secret.
    webhook_setup = WebhookSetup.MANUAL
    webhook_events = webhooks.EVENTS
    webhook_setup_guide = webhooks.SETUP_GUIDE
    reports_deletions = False
    assumptions = ASSUMPTIONS
    # Reference A3 ("apply w/ answers: Job Board POST …/boards/{board_token}/jobs/{id}; same in v3 (Harvest cannot
    # write answers)") and A5: the v3 application's `answers` are read-only plaintext.
    # A create's `custom_fields` mapped to candidate / application custom fields travel in the create requests.
    takes_custom_fields = True
    write_notes = {
        WriteAction.CREATE_APPLICATION: (
            "Screening answers: Harvest v3 has no way to write them (only the Job Board apply "
            "`POST /v1/boards/{board_token}/jobs/{id}` takes answers, and it does not credit the customer's source). "
            "Tributary writes them as one **admin-only note** on the application (question: answer per line, "
            "booleans as Yes/No, options by label, files attached to the application) and says so in `warnings`.",
            CUSTOM_FIELDS_NOTE,
            ON_BEHALF_OF_NOTE,
        ),
        WriteAction.CREATE_CANDIDATE: (CUSTOM_FIELDS_NOTE,),
        **dict.fromkeys(
            (
                WriteAction.MOVE_APPLICATION_STAGE,
                WriteAction.REJECT_APPLICATION,
                WriteAction.ADD_APPLICATION_NOTE,
                WriteAction.ADD_APPLICATION_ATTACHMENT,
                WriteAction.ADD_APPLICATION_RESULT_LINK,
                WriteAction.ADD_CANDIDATE_TAG,
                WriteAction.REMOVE_CANDIDATE_TAG,
            ),
            (ON_BEHALF_OF_NOTE,),
        ),
    }
    client_class = api.GreenhouseClient
    max_page_size = api.MAX_PAGE_SIZE

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._catalogues = {}

    def client_options(self) -> dict[str, Any]:
        return {"page_size": self.page_size(100)}

    def passthrough_base_url(self, api_name: str) -> str:
        self.check_passthrough_api(api_name)
        return f"{self.api_base}/v3"

    def list_fields(self) -> list[RemoteFieldDefinition]:
        """Standard payload keys and the company's custom fields (custom_fields.py)."""
        return custom_fields.list_fields(self.client)

    def verify_credentials(self) -> None:
        """A token, then one cheap list (`GET /v3/users?per_page=1`): v3 lists answer Site Admins only."""
        self.client.list_page("/users", {"per_page": 1}, None)

    def run_scope_test(self, test_id: str) -> None:
        if test_id in WRITE_PROBES:
            method, path, body = WRITE_PROBES[test_id]
            try:
                self.client.request(method, api.V3 + path, json_body=body, idempotent=True)
            except (ConnectorNotFound, ConnectorInputError):
                return  # refused for the id or the body, not the permission: nothing was written
            raise ConnectorBadResponse(f"Greenhouse accepted the scope probe {method} {path}.")  # never expected
        path = SCOPE_PATHS.get(test_id)
        if path is None:
            super().run_scope_test(test_id)
            return
        self.client.list_page(path, {"per_page": 1}, None)

    def parse_webhook(self, webhook: InboundWebhook, *, secret: str) -> WebhookEvent:
        return webhooks.parse(webhook, secret=secret)

    def oauth_authorize_url(self, *, client: OAuthClient, redirect_uri: str, state: str, scopes: Sequence[str]) -> str:
        return api.authorize_url(self.api_base, client=client, redirect_uri=redirect_uri, state=state, scopes=scopes)

    def oauth_exchange_code(self, *, client: OAuthClient, code: str, redirect_uri: str) -> dict[str, str]:
        return api.exchange_code(self.http, client=client, code=code, redirect_uri=redirect_uri, now=self._clock())
