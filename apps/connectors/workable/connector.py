"""The Workable connector (API v3): catalog (auth, coverage, scope tests, source strategy) and wiring.

Delta sync: `/jobs` and `/candidates` take `updated_after` and page by `since_id` (reference A2/A7). Deletions are
not reported. Candidates and applications are the same records (one job per Workable candidate).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from functools import partial

from apps.connectors.base import ConnectorContext
from apps.connectors.catalog import (
    WRITE_ACTION_FIELDS,
    AuthKind,
    AuthMode,
    CredentialField,
    RateBudget,
    ReadModel,
    Scope,
    ScopeTest,
    SourceLevel,
    SourceStrategy,
    WriteAction,
    WriteCoverage,
    fields_with_status,
)
from apps.connectors.dtos import OAuthClient
from apps.connectors.errors import ConnectorNotFound
from apps.connectors.kit import HttpConnector, read_coverage
from apps.connectors.oauth2 import API_KEY
from apps.connectors.webhooks import WebhookSetup
from apps.connectors.workable import client as api
from apps.connectors.workable.assumptions import ASSUMPTIONS
from apps.connectors.workable.reads import WorkableReads
from apps.connectors.workable.webhooks import EVENTS as WEBHOOK_EVENTS
from apps.connectors.workable.webhooks import WorkableWebhooks
from apps.connectors.workable.writes import WorkableWrites

_coverage = partial(read_coverage, remote_ids=True)
# Side-effect-free probes for scopes without a cheap read: a write to (or read of) a candidate id that cannot exist.
PROBE_CANDIDATE = "000000"
PROBES: dict[str, tuple[str, str, dict[str, object] | None]] = {
    "w_candidates": ("PUT", f"/candidates/{PROBE_CANDIDATE}/tags", {"tags": []}),
    "w_comments": ("POST", f"/candidates/{PROBE_CANDIDATE}/comments", {"member_id": "", "comment": {"body": ""}}),
    "r_offers": ("GET", f"/candidates/{PROBE_CANDIDATE}/offer", None),
}
OAUTH_RATE_BUDGET = RateBudget(requests_per_second=4.75, max_concurrency=2)  # OAuth: 50 per 10 s (A2), 95 %

READ_COVERAGE = (
    # `system_roles`: the member's account `role`; ROLES: the distinct roles of `GET /members` (no roles endpoint).
    _coverage(ReadModel.USERS),
    _coverage(ReadModel.ROLES),
    _coverage(ReadModel.REJECTION_REASONS),
    _coverage(
        ReadModel.JOBS,
        # No category, experience level, hours, single salary amount, opening/closing dates, posting or team
        # in the `/jobs` list (reference A5).
        unsupported=(
            "description",
            "category",
            "experience_level",
            "weekly_hours",
            "employment_type",
            "visibility",
            "salary_amount",
            "salary_period",
            "opened_at",
            "closed_at",
            "contact",
            "job_postings",
            "hiring_team",
            "custom_fields",
        ),
        updated_since=True,
    ),  # fmt: skip
    _coverage(
        ReadModel.CANDIDATES,
        # The list has no company, social profiles, structured location or custom fields; tags only on a
        # candidate read by id.
        unsupported=("company", "confidential", "social_media", "location", "custom_fields"),
        updated_since=True,
    ),
    _coverage(
        ReadModel.APPLICATIONS,
        # The reason is text only (no id) after a disqualification (reference A5). `disqualified_at` and the
        # answers are only on a candidate read by id, not in the `/candidates` list a sync pages through.
        unsupported=("custom_fields",),
        updated_since=True,
    ),
    # `GET /stages` (r_jobs): the account's stages by slug; no active flag, no custom fields.
    read_coverage(ReadModel.APPLICATION_STAGES, unsupported=("status", "custom_fields")),
    # `GET /events` (r_jobs): no stage, no location, no created/updated times, no change filter (reference A5).
    read_coverage(
        ReadModel.INTERVIEWS,
        unsupported=("stage", "location", "remote_created_at", "remote_updated_at"),
        remote_ids=False,
    ),  # fmt: skip
    # Per candidate (= application), one call each: `GET /candidates/:id/offer` (r_offers), `…/activities` (the
    # `comment` ones), `…/files`.
    # Deltas read only the candidates `updated_after` reports changed.
    read_coverage(
        ReadModel.OFFERS,
        unsupported=("remote_updated_at", "custom_fields"),
        scope=Scope.APPLICATION,
        updated_since=True,
    ),  # fmt: skip
    read_coverage(
        ReadModel.NOTES,
        unsupported=("title", "is_private", "remote_updated_at"),
        scope=Scope.APPLICATION,
        updated_since=True,
    ),  # fmt: skip
    read_coverage(
        ReadModel.ATTACHMENTS,
        unsupported=("remote_created_at", "remote_updated_at"),
        scope=Scope.APPLICATION,
        updated_since=True,
    ),  # fmt: skip
)

_CREATE_FIELDS = fields_with_status(
    WRITE_ACTION_FIELDS[WriteAction.CREATE_APPLICATION],
    unsupported=(
        "candidate.additional_email_addresses", "candidate.company", "candidate.additional_phone_numbers",
        "candidate.location", "candidate.availability_date", "candidate.salary_expectations", "candidate.gender",
        "candidate.social_links",
        "sourced_by", "gdpr_consent", "remote_fields",
    ),
)  # fmt: skip


def _action(action: WriteAction) -> WriteCoverage:
    return WriteCoverage(action=action, fields=fields_with_status(WRITE_ACTION_FIELDS[action]))


WRITE_COVERAGE = (
    WriteCoverage(action=WriteAction.CREATE_APPLICATION, fields=_CREATE_FIELDS),
    WriteCoverage(action=WriteAction.CREATE_CANDIDATE, fields=_CREATE_FIELDS),
    _action(WriteAction.MOVE_APPLICATION_STAGE),
    _action(WriteAction.REJECT_APPLICATION),
    _action(WriteAction.ADD_APPLICATION_NOTE),
    # A file or a result link on an existing candidate: a comment (with its one attachment).
    _action(WriteAction.ADD_APPLICATION_ATTACHMENT),
    _action(WriteAction.ADD_APPLICATION_RESULT_LINK),
    _action(WriteAction.ADD_CANDIDATE_TAG),
    _action(WriteAction.REMOVE_CANDIDATE_TAG),
)


OAUTH_SCOPES = ("r_jobs", "r_candidates", "w_candidates", "w_comments", "r_offers")


class WorkableConnector(WorkableReads, WorkableWrites, WorkableWebhooks, HttpConnector):
    """Workable over its public REST API v3 with an account access token."""

    tool = "workable"
    label = "Workable"
    beta = False  # every point of issue 22 and CONNECTORS.md holds (see /work/notes/issue-22.md)
    default_base_url = api.DEFAULT_BASE_URL
    connection_guide_url = "https://workable.readme.io/docs/generate-an-access-token"
    read_coverage = READ_COVERAGE
    write_coverage = WRITE_COVERAGE
    auth_modes = (
        AuthMode(
            kind=AuthKind.API_KEY,
            label="Access token",
            fields=(
                CredentialField(
                    name=api.SUBDOMAIN,
                    label="Subdomain",
                    help_text="The part before .workable.com in your Workable address, e.g. acme.",
                    placeholder="acme",
                ),
                CredentialField(
                    name=API_KEY,
                    label="Access token",
                    help_text="Settings → Integrations → Access token → Generate new token.",
                    placeholder="b5d1…",
                ),
            ),
            guide=(
                "1. Sign in to Workable as an **admin**.\n"
                "2. Open **Settings → Integrations → Access token** and choose **Generate new token**.\n"
                "3. Give it the scopes **r_jobs**, **r_candidates**, **w_candidates**, **w_comments** and "
                "**r_offers**.\n"
                "4. Copy the token (Workable shows it once) and paste it below with your subdomain."
            ),
            links=(("Workable: access tokens", "https://workable.readme.io/docs/generate-an-access-token"),),
        ),
        AuthMode(
            kind=AuthKind.OAUTH2_AUTHORIZATION_CODE,
            label="Sign in with Workable",
            guide=(
                "Sign in with a Workable **admin** account and approve access for Tributary (for Workable's "
                "official partners). Tributary finds your account's subdomain itself."
            ),
            links=(("Workable: OAuth for partners", "https://workable.readme.io/page/oauth"),),
            oauth_scopes=OAUTH_SCOPES,
        ),
    )
    # Account tokens: 10 requests per 10-second window (reference A2); booked a little below. OAuth connections get
    # OAUTH_RATE_BUDGET (50 per 10 s) in __init__.
    rate_budget = RateBudget(requests_per_second=0.95, max_concurrency=2)
    scope_tests = (
        ScopeTest(id="r_jobs", label="Read jobs (r_jobs)", fix_hint="Generate a token with the r_jobs scope."),
        ScopeTest(id="r_candidates", label="Read candidates (r_candidates)", fix_hint="Add the r_candidates scope."),
        # The write scopes and r_offers are probed on a candidate that does not exist: Workable answers 403 for a
        # missing scope before it looks the record up (assumed), so a 404 proves the scope and nothing is written.
        ScopeTest(id="w_candidates", label="Update candidates (w_candidates)", fix_hint="Add the w_candidates scope."),
        ScopeTest(id="w_comments", label="Comment on candidates (w_comments)", fix_hint="Add the w_comments scope."),
        ScopeTest(id="r_offers", label="Read offers (r_offers)", fix_hint="Add the r_offers scope."),
    )
    source_strategy = SourceStrategy.FREE_TEXT
    source_level = SourceLevel.APPLICATION  # a Workable candidate is one application
    passthrough_apis = ("v3",)  # `workable/v3`
    # `POST /subscriptions` per event (reference A7); signed with the connection's own token / OAuth app secret.
    webhook_setup = WebhookSetup.API
    webhook_events = WEBHOOK_EVENTS
    reports_deletions = False
    assumptions = ASSUMPTIONS
    # Reference A4: `sourced` "Defaults to true"; `false` ⇒ treated as applied and sent the "thank you" e-mail.
    write_notes = {
        WriteAction.CREATE_APPLICATION: (
            'Source: the configured source name is written as `candidate.domain` ("the source of the candidate") '
            "on every create, with `sourced: false` so that Workable counts the candidate as **applied**, not "
            'sourced (uploaded). Workable then sends the candidate its **"thank you for applying" e-mail**, as for '
            "an application from its own careers page.",
        ),
    }
    read_notes = {
        ReadModel.CANDIDATES: (
            "Tags come only with a candidate read by id (`GET /candidates/:id` `tags`); Workable has no tag list "
            "endpoint (reference A3/A5), so `ats_tags` is not offered and tags are written with "
            "`PUT /candidates/:id/tags`.",
        ),
        ReadModel.ROLES: (
            "Workable has no roles endpoint: the roles are the account roles (`role`) its members hold, read from "
            "`GET /members`, all system-wide.",
        ),
        ReadModel.APPLICATIONS: (
            "`rejected_at` is Workable's `disqualified_at` and the screening answers its `answers`; both come only "
            "with a candidate read by id (`GET /candidates/:id`). Tracked applications (the default) are read that "
            "way; a sync of all records pages through `GET /candidates`, fetches each disqualified candidate by id "
            "for `rejected_at`, and has no answers.",
        ),
    }
    client_class = api.WorkableClient
    max_page_size = api.MAX_PAGE_SIZE

    def __init__(self, context: ConnectorContext, *, clock: Callable[[], float] = time.time) -> None:
        if (
            context.auth_kind == AuthKind.OAUTH2_AUTHORIZATION_CODE
            and context.http is not None
            and context.http.budget == self.rate_budget
        ):
            # OAuth tokens have their own 50 per 10 s (reference A2): book that, not the account token's 10.
            context.http.budget = OAUTH_RATE_BUDGET  # the same client object: its callers keep counting its calls
        super().__init__(context, clock=clock)
        self._stage_cache = {}

    def verify_credentials(self) -> None:
        self.client.get("/members", {"limit": 1})

    def run_scope_test(self, test_id: str) -> None:
        if test_id == "r_jobs":
            self.client.get("/jobs", {"limit": 1})
        elif test_id == "r_candidates":
            self.client.get("/candidates", {"limit": 1})
        elif test_id in PROBES:
            method, path, body = PROBES[test_id]
            try:
                self.client.call(method, path, body=body)
            except ConnectorNotFound:
                return  # the scope is there; the probe's candidate is not (nothing was written)
        else:
            super().run_scope_test(test_id)

    def oauth_authorize_url(self, *, client: OAuthClient, redirect_uri: str, state: str, scopes: Sequence[str]) -> str:
        return api.authorize_url(self.api_base, client=client, redirect_uri=redirect_uri, state=state, scopes=scopes)

    def oauth_exchange_code(self, *, client: OAuthClient, code: str, redirect_uri: str) -> dict[str, str]:
        return api.exchange_code(self.http, client=client, code=code, redirect_uri=redirect_uri, now=self._clock())

    def passthrough_base_url(self, api_id: str) -> str:
        self.check_passthrough_api(api_id)
        return self.api_base + self.client.base
