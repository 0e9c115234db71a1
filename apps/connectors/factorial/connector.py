"""The Factorial connector: catalog (auth, coverage, scope tests, source strategy), page readers, source operations.

Delta sync. Factorial's ATS lists have no `updated_after` filter (only `ids[]` and relational filters) and list by
id ascending (reference B3, B7), so every delta is a cursor scan:
- candidates carry `updated_at`: a delta keeps only the candidates changed since (compared here, after the scan);
- employees take `updated_at_gteq` (day granularity is all the docs promise; the exact instant is compared here);
- rejection reasons carry `updated_at` and are filtered the same way;
- applications carry only `created_at`: a phase move or a rejection leaves no timestamp, so applications are read
  in full every time. The default tracked-only sync reads them by id (`ids[]`, 100 per request), which keeps a
  delta cheap and never misses an outcome change;
- job postings carry no update time: they are few and read in full, with their phases and questions.
Deletions are not reported by deltas (no tombstones): a FULL sync finds what vanished. Webhooks (webhooks.py) name
changed records between deltas; the platform reads them by id.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from apps.connectors import oauth2
from apps.connectors.base import ConnectorContext
from apps.connectors.catalog import (
    WRITE_ACTION_FIELDS,
    AuthKind,
    AuthMode,
    RateBudget,
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
    OAuthClient,
    RemoteFieldDefinition,
)
from apps.connectors.factorial import client as api
from apps.connectors.factorial import fields
from apps.connectors.factorial.assumptions import ASSUMPTIONS
from apps.connectors.factorial.client import FactorialClient, ListPage, remote_id
from apps.connectors.factorial.paths import (
    CANDIDATE_SOURCES,
    CREDENTIALS,
    EMPLOYEES,
    JOB_POSTINGS,
    REJECTION_REASONS,
    SCOPE_EMPLOYEES,
    SCOPE_RECRUITMENT,
    Raw,
)
from apps.connectors.factorial.reads import FactorialReads
from apps.connectors.factorial.webhooks import EVENTS as WEBHOOK_EVENTS
from apps.connectors.factorial.webhooks import FactorialWebhooks
from apps.connectors.factorial.writes import FactorialWrites
from apps.connectors.kit import HttpConnector, read_coverage
from apps.connectors.webhooks import WebhookSetup

# Every Factorial list filters by `ids[]`, so reads by remote id are the default here.
_coverage = partial(read_coverage, remote_ids=True)


READ_COVERAGE = (
    # Employees have no system roles in the API (the role of an access is only visible for the caller itself).
    _coverage(ReadModel.USERS, unsupported=("system_roles",), updated_since=True),
    _coverage(ReadModel.REJECTION_REASONS, updated_since=True),
    # Every posting's application phases (the deprecated company-wide list; jobs carry their own stages).
    _coverage(ReadModel.APPLICATION_STAGES, unsupported=("status", "custom_fields")),
    _coverage(
        ReadModel.JOBS,
        # The posting knows its team and location only by id (other scopes), no salary currency, no hiring team
        # (hiring managers are not in the public API), no update time, no closing date and no internal URL.
        unsupported=(
            "job_code",
            "department",
            "experience_level",
            "confidential",
            "weekly_hours",
            "salary_currency",
            "location",
            "closed_at",
            "remote_updated_at",
            "remote_url",
            "hiring_team",
            "custom_fields",
        ),
    ),
    _coverage(
        ReadModel.CANDIDATES,
        # No company, title, address, tags (no tag resource) or custom fields on AtsCandidate; no candidate URL.
        unsupported=("company", "title", "confidential", "location", "tags", "remote_url", "custom_fields"),
        updated_since=True,
    ),
    _coverage(
        ReadModel.APPLICATIONS,
        # No rejection date and no update time on AtsApplication (reference B6/B7).
        unsupported=("rejected_at", "remote_updated_at", "remote_url", "custom_fields"),
    ),
    # Feedbacks: free text on a candidate (optionally an application); the author is not in the model.
    _coverage(ReadModel.NOTES, unsupported=("author", "title", "is_private", "remote_updated_at")),
    # The one file of an application: its CV, read with the application (by parent application when asked).
    _coverage(ReadModel.ATTACHMENTS, unsupported=("remote_updated_at",), scope=Scope.APPLICATION),
)


# What a create writes (the rest is removed by the write path with a warning): no address, company, title,
# further emails or phones, availability or salary on AtsCandidate; no "sourced by" on apply; no per-tool
# remote_fields. Attachments: the CV only (any other file is dropped by `create_application` with a warning).
_CREATE_FIELDS = fields_with_status(
    WRITE_ACTION_FIELDS[WriteAction.CREATE_APPLICATION],
    unsupported=(
        "candidate.additional_email_addresses", "candidate.company", "candidate.title",
        "candidate.additional_phone_numbers", "candidate.location", "candidate.availability_date",
        "candidate.salary_expectations", "sourced_by", "remote_fields",
    ),
)  # fmt: skip
WRITE_COVERAGE = (
    WriteCoverage(action=WriteAction.CREATE_APPLICATION, fields=_CREATE_FIELDS),
    WriteCoverage(action=WriteAction.CREATE_CANDIDATE, fields=_CREATE_FIELDS),
    # `POST /ats/applications/move_to_phase` (runs the phase's automations, as a move in the UI does).
    WriteCoverage(
        action=WriteAction.MOVE_APPLICATION_STAGE,
        fields=fields_with_status(
            WRITE_ACTION_FIELDS[WriteAction.MOVE_APPLICATION_STAGE], unsupported=("remote_fields",)
        ),
    ),
    # `PUT /ats/applications/{id}` with `ats_rejection_reason_id`; the note becomes `disqualified_reason`.
    WriteCoverage(
        action=WriteAction.REJECT_APPLICATION,
        fields=fields_with_status(WRITE_ACTION_FIELDS[WriteAction.REJECT_APPLICATION], unsupported=("remote_fields",)),
    ),
    # Notes and result links are feedbacks (`POST /ats/feedbacks`), Factorial's free-text entries.
    WriteCoverage(
        action=WriteAction.ADD_APPLICATION_NOTE,
        fields=fields_with_status(
            WRITE_ACTION_FIELDS[WriteAction.ADD_APPLICATION_NOTE], unsupported=("remote_fields",)
        ),
    ),
    WriteCoverage(
        action=WriteAction.ADD_APPLICATION_RESULT_LINK,
        fields=fields_with_status(
            WRITE_ACTION_FIELDS[WriteAction.ADD_APPLICATION_RESULT_LINK], unsupported=("remote_fields",)
        ),
    ),
    WriteCoverage(
        action=WriteAction.ADD_CANDIDATE_RESULT_LINK,
        fields=fields_with_status(
            WRITE_ACTION_FIELDS[WriteAction.ADD_CANDIDATE_RESULT_LINK], unsupported=("remote_fields",)
        ),
    ),
    # The application's CV (`PUT /ats/applications/{id}` with `cv`): CV attachments only.
    WriteCoverage(
        action=WriteAction.ADD_APPLICATION_ATTACHMENT,
        fields=fields_with_status(
            WRITE_ACTION_FIELDS[WriteAction.ADD_APPLICATION_ATTACHMENT], unsupported=("remote_fields",)
        ),
    ),
    WriteCoverage(action=WriteAction.GET_APPLICATION_ATTACHMENTS),
    WriteCoverage(action=WriteAction.GET_CANDIDATE_ATTACHMENTS),
)


class FactorialConnector(FactorialReads, FactorialWrites, FactorialWebhooks, HttpConnector):
    """Factorial (FactorialHR) ATS over its public REST API, version `API_VERSION`."""

    tool = "factorial"
    label = "Factorial"
    default_base_url = "https://api.factorialhr.com"
    connection_guide_url = "https://apidoc.factorialhr.com/docs/api-keys"
    read_coverage = READ_COVERAGE
    write_coverage = WRITE_COVERAGE
    auth_modes = (
        oauth2.api_key_mode(
            help_text="Configuration → API → Create API key. Factorial shows the key only once.",
            placeholder="eyJhbGciOi…",
            guide=(
                "1. Sign in to Factorial as an **administrator**.\n"
                "2. In the left sidebar open **Configuration**, then **API**, and choose **Create API key**. "
                "Name it e.g. *Tributary*.\n"
                "3. Copy the key right away (Factorial shows it only once) and paste it below.\n\n"
                "An API key acts for the whole company with full access and never expires. Delete it in the same "
                "place to revoke the connection."
            ),
            links=(
                ("Factorial: API keys", "https://apidoc.factorialhr.com/docs/api-keys"),
                ("Factorial API FAQ", "https://apidoc.factorialhr.com/docs/faqs"),
            ),
        ),
        AuthMode(
            kind=AuthKind.OAUTH2_AUTHORIZATION_CODE,
            label="Sign in with Factorial",
            guide=(
                "Sign in with a Factorial **administrator** account and approve access for Tributary. Tributary "
                "asks for a *company* token: it acts for the company rather than for you, sees the candidates of "
                "every job and does not expire. It needs the permissions **Recruitment** (jobs, candidates and "
                "applications) and **Employees** (read as the ATS's users)."
            ),
            links=(("Factorial: company tokens", "https://apidoc.factorialhr.com/docs/oauth2-partner-guide"),),
            oauth_scopes=(SCOPE_RECRUITMENT, SCOPE_EMPLOYEES),
        ),
    )
    # "A limit of 200 requests per minute for POST requests" (F-REPO faqs.md), per credential. Reads have no
    # documented limit: 10 per second and 4 at once is our polite choice.
    rate_budget = RateBudget(requests_per_second=10, max_concurrency=4, rate_overrides={"POST /": 200 / 60})
    scope_tests = (
        ScopeTest(
            id=SCOPE_RECRUITMENT,
            label="Recruitment: jobs, candidates and applications",
            fix_hint=(
                "Tributary needs Factorial's Recruitment permission. With an API key, check that the Recruitment "
                "app is installed (Marketplace → Apps → Recruitment). With sign-in, sign in as an administrator "
                "before approving, and make sure the OAuth application has the scope “recruitment”."
            ),
        ),
        ScopeTest(
            id=SCOPE_EMPLOYEES,
            label="Employees: users",
            fix_hint=(
                "Tributary reads employees as the users of the ATS. With sign-in, sign in as an administrator "
                "before approving, and make sure the OAuth application has the scope “employees”; then approve "
                "again."
            ),
        ),
    )
    # Sources are a read-only catalogue in every API version (no create endpoint): the end user adds ours in
    # Factorial's recruitment settings, we find it by its exact name and write that name on every create.
    source_strategy = SourceStrategy.MUST_EXIST
    # Each application keeps its own source (`AtsApplication.source_id`); apply never changes an existing
    # candidate's own source.
    source_level = SourceLevel.APPLICATION
    source_setup = SourceSetupGuide(
        guide=(
            "Factorial only lets an administrator add candidate sources in its interface (its API can read them "
            "but not create them).\n\n"
            "1. In Factorial open **Recruitment** and go to its **settings**.\n"
            "2. Find the list of **candidate sources** and add a new source named exactly **{source_name}** "
            "(category *Job board*, or whatever fits best).\n"
            "3. Come back here and check again.\n\n"
            "Every candidate created through this connection is then marked with this source."
        ),
        links=(
            (
                "Factorial: Recruitment settings",
                "https://help.factorialhr.com/en_US/about-the-recruitment-functionality",
            ),
        ),
        source_type_label=None,
    )
    passthrough_apis = ("api",)  # `factorial/api`, the SDK's passthrough id for Factorial
    reports_deletions = False
    # webhook_subscriptions API + the challenge header (webhooks.py).
    webhook_setup = WebhookSetup.API
    webhook_events = WEBHOOK_EVENTS

    assumptions = ASSUMPTIONS
    client_class = FactorialClient
    max_page_size = api.MAX_PAGE_SIZE

    def __init__(self, context: ConnectorContext, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__(context, clock=clock)
        self._sources_cache: dict[str, Raw] | None = None
        self._reasons_cache: dict[str, Raw] | None = None

    # -- plumbing ----------------------------------------------------------------------------------------

    def client_options(self) -> dict[str, Any]:
        return {"page_size": self.page_size(api.MAX_PAGE_SIZE)}

    def _catalogue(self, path: str) -> dict[str, Raw]:
        return {key: item for item in self.client.list_all(path) if (key := remote_id(item.get("id"))) is not None}

    def _sources(self) -> dict[str, Raw]:
        """Candidate sources by id, read once per connector instance (labels for candidates and applications)."""
        if self._sources_cache is None:
            self._sources_cache = self._catalogue(CANDIDATE_SOURCES)
        return self._sources_cache

    def _reasons(self) -> dict[str, Raw]:
        if self._reasons_cache is None:
            self._reasons_cache = self._catalogue(REJECTION_REASONS)
        return self._reasons_cache

    def _listing(self, path: str, *, cursor: str | None, remote_ids: Sequence[str] | None, **params: Any) -> ListPage:
        """A page of `path`, or (with `remote_ids`) exactly those records in one page."""
        if remote_ids is not None:
            return ListPage(data=self.client.list_by_ids(path, "ids", remote_ids, **params), next_cursor=None)
        return self.client.list_page(path, params, after=cursor)

    # -- passthrough ----------------------------------------------------------------------------------------

    def passthrough_base_url(self, api: str) -> str:
        """The base of `POST /passthrough/factorial/api`: the API host's `/api`, so a caller's path names the
        version it wants (`/2026-10-01/resources/ats/candidates`, or the legacy `/v2/resources/...`)."""
        self.check_passthrough_api(api)
        return f"{self.context.base_url.rstrip('/')}/api"

    # -- credentials and scopes ---------------------------------------------------------------------------

    def list_fields(self) -> list[RemoteFieldDefinition]:
        """The integration fields (see fields.py)."""
        return fields.list_fields(self.client)

    def verify_credentials(self) -> None:
        """`GET /api_public/credentials`: who the credential is; any valid API key or token may ask."""
        self.client.get(CREDENTIALS)

    def run_scope_test(self, test_id: str) -> None:
        """One cheap list call per permission; a missing OAuth scope answers 403 (`insufficient_scope`)."""
        if test_id == SCOPE_RECRUITMENT:
            self.client.list_page(JOB_POSTINGS, limit=1)
        elif test_id == SCOPE_EMPLOYEES:
            self.client.list_page(EMPLOYEES, limit=1)
        else:
            super().run_scope_test(test_id)

    def oauth_authorize_url(self, *, client: OAuthClient, redirect_uri: str, state: str, scopes: Sequence[str]) -> str:
        """Factorial's approval page on the API host, asking for a company token. `scopes` (our OAuth mode's) are
        not sent: Factorial grants what the OAuth application is configured with (see `client.authorize_url`)."""
        return api.authorize_url(self.context.base_url, client=client, redirect_uri=redirect_uri, state=state)

    def oauth_exchange_code(self, *, client: OAuthClient, code: str, redirect_uri: str) -> dict[str, str]:
        """Trade the code at `POST /oauth/token`; stores tokens, expiry (none for company tokens) and the client."""
        return api.exchange_code(self.http, client=client, code=code, redirect_uri=redirect_uri, now=self._clock())
