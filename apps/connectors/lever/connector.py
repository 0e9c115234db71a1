"""The Lever connector (Data API v1): catalog (auth, coverage, scope tests, source strategy) and wiring.

Delta sync: `/postings` and `/opportunities` take `updated_at_start` (ms) and page by the opaque `offset`
(reference B2/B7); a delta of applications ends with `GET /opportunities/deleted?deleted_at_start=`. An opportunity
is one application; its contact is the candidate.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

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
from apps.connectors.kit import HttpConnector, read_coverage
from apps.connectors.lever import client as api
from apps.connectors.lever.assumptions import ASSUMPTIONS
from apps.connectors.lever.children import LeverChildren
from apps.connectors.lever.reads import LeverReads
from apps.connectors.lever.webhooks import EVENTS as WEBHOOK_EVENTS
from apps.connectors.lever.webhooks import LeverWebhooks
from apps.connectors.lever.writes import LeverWrites
from apps.connectors.oauth2 import API_KEY
from apps.connectors.webhooks import WebhookSetup

_coverage = partial(read_coverage, remote_ids=True)

READ_COVERAGE = (
    _coverage(ReadModel.USERS, unsupported=("system_roles",)),
    _coverage(ReadModel.REJECTION_REASONS),
    _coverage(ReadModel.TAGS, remote_ids=False),
    _coverage(ReadModel.APPLICATION_STAGES, unsupported=("status", "custom_fields"), remote_ids=False),
    _coverage(
        ReadModel.JOBS,
        # No category, experience level, hours, salary period as a unified value, opening/closing dates, job
        # postings, hiring team or custom fields on a Lever posting (reference B5).
        unsupported=(
            "category",
            "experience_level",
            "weekly_hours",
            "salary_amount",
            "salary_period",
            "opened_at",
            "closed_at",
            "job_postings",
            "hiring_team",
            "custom_fields",
        ),
        updated_since=True,
    ),  # fmt: skip
    _coverage(
        ReadModel.CANDIDATES,
        # A contact has no company apart from its headline, no confidentiality, social profiles or custom fields.
        unsupported=("company", "confidential", "social_media", "custom_fields"),
        updated_since=True,
    ),
    _coverage(ReadModel.APPLICATIONS, unsupported=("custom_fields",), updated_since=True),
    # Per opportunity only (`GET /opportunities/:id/offers|interviews|feedback|notes|files|resumes`, B3).
    _coverage(ReadModel.OFFERS, unsupported=("custom_fields",), remote_ids=False, updated_since=True,
              scope=Scope.APPLICATION),
    _coverage(ReadModel.INTERVIEWS, unsupported=("video_conferencing_url", "remote_updated_at"), remote_ids=False,
              updated_since=True, scope=Scope.APPLICATION),
    _coverage(ReadModel.SCORECARDS, remote_ids=False, updated_since=True, scope=Scope.APPLICATION),
    _coverage(ReadModel.NOTES, unsupported=("title", "remote_updated_at"), remote_ids=False, updated_since=True,
              scope=Scope.APPLICATION),
    _coverage(ReadModel.ATTACHMENTS, unsupported=("remote_updated_at",), remote_ids=False, updated_since=True,
              scope=Scope.APPLICATION),
)  # fmt: skip

_CREATE_FIELDS = fields_with_status(
    WRITE_ACTION_FIELDS[WriteAction.CREATE_APPLICATION],
    # No gender outside the EEO survey, no availability date, salary expectation, sourcing user or consent field on
    # `POST /opportunities` / the apply API as built (reference B5).
    unsupported=("candidate.gender", "candidate.availability_date", "candidate.salary_expectations", "sourced_by",
                 "gdpr_consent"),
)  # fmt: skip


def _action(action: WriteAction) -> WriteCoverage:
    return WriteCoverage(action=action, fields=fields_with_status(WRITE_ACTION_FIELDS[action]))


WRITE_COVERAGE = (
    WriteCoverage(action=WriteAction.CREATE_APPLICATION, fields=_CREATE_FIELDS),
    WriteCoverage(action=WriteAction.CREATE_CANDIDATE, fields=_CREATE_FIELDS),
    _action(WriteAction.MOVE_APPLICATION_STAGE),
    _action(WriteAction.REJECT_APPLICATION),
    _action(WriteAction.ADD_APPLICATION_NOTE),
    _action(WriteAction.ADD_APPLICATION_ATTACHMENT),  # `POST /opportunities/:id/files` (multipart)
    _action(WriteAction.ADD_APPLICATION_RESULT_LINK),  # `addLinks` (the label is not kept)
    _action(WriteAction.ADD_CANDIDATE_TAG),
    _action(WriteAction.REMOVE_CANDIDATE_TAG),
)

SCOPES = ("postings", "opportunities", "stages", "archive_reasons", "users")
OAUTH_SCOPES = (
    *(
        f"{name}:read:admin"
        for name in (*SCOPES, "tags", "sources", "notes", "files", "offers", "interviews", "feedback")
    ),
    *(f"{name}:write:admin" for name in ("opportunities", "applications", "notes", "files", "uploads", "webhooks")),
)


class LeverConnector(LeverReads, LeverChildren, LeverWrites, LeverWebhooks, HttpConnector):
    """Lever over its Data API v1 with an API key (Basic) or OAuth (authorization code with `audience`)."""

    tool = "lever"
    label = "Lever"
    default_base_url = api.DEFAULT_BASE_URL
    connection_guide_url = "https://hire.lever.co/developer/documentation#authentication"
    read_coverage = READ_COVERAGE
    write_coverage = WRITE_COVERAGE
    auth_modes = (
        AuthMode(
            kind=AuthKind.API_KEY,
            label="API key",
            fields=(
                CredentialField(
                    name=API_KEY,
                    label="API key",
                    help_text="Settings → Integrations and API → API Credentials → Generate new key.",
                    placeholder="dk4m…",
                ),
            ),
            guide=(
                "1. Sign in to Lever as a **Super Admin**.\n"
                "2. Open **Settings → Integrations and API → API Credentials** and choose **Generate new key**.\n"
                "3. Give the key read access to **postings, opportunities, stages, archive reasons and users**, "
                "and write access to **opportunities, notes, files and uploads** (and **webhooks**, for changes "
                "within seconds).\n"
                "4. Copy the key and paste it below."
            ),
            links=(("Lever: authentication", "https://hire.lever.co/developer/documentation#authentication"),),
        ),
        AuthMode(
            kind=AuthKind.OAUTH2_AUTHORIZATION_CODE,
            label="Sign in with Lever",
            guide=(
                "1. Choose **Sign in with Lever** and sign in as a **Super Admin**.\n"
                "2. Lever shows the permissions Tributary asks for: read postings, opportunities, stages, archive "
                "reasons and users, and write opportunities, notes, files and uploads. Approve them.\n"
                "3. You come back here and we check each permission live."
            ),
            links=(("Lever: OAuth", "https://hire.lever.co/developer/documentation#oauth"),),
            oauth_scopes=OAUTH_SCOPES,
        ),
    )
    # A token bucket of 10 requests/s with bursts of 20 per key (reference B2), booked a little below.
    rate_budget = RateBudget(requests_per_second=9.0, max_concurrency=4)
    scope_tests = tuple(
        ScopeTest(
            id=f"{name}:read:admin",
            label=f"Read {name.replace('_', ' ')} ({name}:read:admin)",
            fix_hint=f"Give the API key the {name}:read:admin permission (Settings → Integrations and API).",
        )
        for name in SCOPES
    )
    source_strategy = SourceStrategy.FREE_TEXT
    source_level = SourceLevel.APPLICATION  # sources live on each opportunity
    passthrough_apis = ("v1",)  # `lever/v1`
    reports_deletions = True
    # Subscribed with `POST /webhooks` (one per event, `webhooks:write:admin`); see `lever.webhooks`.
    webhook_setup = WebhookSetup.API
    webhook_events = WEBHOOK_EVENTS
    assumptions = ASSUMPTIONS
    client_class = api.LeverClient
    max_page_size = api.MAX_PAGE_SIZE

    def __init__(self, context: ConnectorContext, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__(context, clock=clock)
        self._cache: dict[str, Any] = {}

    def verify_credentials(self) -> None:
        self.client.get("/users", {"limit": 1})

    def run_scope_test(self, test_id: str) -> None:
        name = test_id.split(":", 1)[0]
        if name not in SCOPES:
            super().run_scope_test(test_id)
            return
        path = {"postings": "/postings", "opportunities": "/opportunities", "stages": "/stages",
                "archive_reasons": "/archive_reasons", "users": "/users"}[name]  # fmt: skip
        self.client.get(path, {"limit": 1})

    def oauth_authorize_url(self, *, client: OAuthClient, redirect_uri: str, state: str, scopes: Sequence[str]) -> str:
        return api.authorize_url(self.api_base, client=client, redirect_uri=redirect_uri, state=state, scopes=scopes)

    def oauth_exchange_code(self, *, client: OAuthClient, code: str, redirect_uri: str) -> dict[str, str]:
        return api.exchange_code(self.http, client=client, code=code, redirect_uri=redirect_uri, now=self._clock())

    def passthrough_base_url(self, api_id: str) -> str:
        self.check_passthrough_api(api_id)
        return self.api_base + api.API
