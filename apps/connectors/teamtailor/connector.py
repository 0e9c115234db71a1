"""The Teamtailor connector: catalog (auth, coverage, scope tests, source strategy) and wiring.

Delta sync: candidates and job applications filter by `filter[updated-at][from]` (T-DOC, reference B7); jobs,
stages, users, reject reasons and notes have no such filter and are read in full (they are few). Deletions are not
reported by the reads (no tombstones): a FULL sync finds what vanished; company webhooks (webhooks.py) name
deleted records, which the targeted read then finds absent.

Regions: the EU host `https://api.teamtailor.com` (default) and the NA host `https://api.na.teamtailor.com` (T-PM);
the integration's base URL names the host, the connector adds `/v1`.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from apps.connectors.base import ConnectorContext
from apps.connectors.catalog import (
    WRITE_ACTION_FIELDS,
    AuthKind,
    AuthMode,
    CredentialField,
    RateBudget,
    ReadModel,
    ScopeTest,
    SourceLevel,
    SourceStrategy,
    WriteAction,
    WriteCoverage,
    fields_with_status,
)
from apps.connectors.kit import HttpConnector, read_coverage, write_fields
from apps.connectors.oauth2 import API_KEY
from apps.connectors.teamtailor import client as api
from apps.connectors.teamtailor import webhooks
from apps.connectors.teamtailor.assumptions import ASSUMPTIONS, PAGE_NOTES
from apps.connectors.teamtailor.reads import TeamtailorReads
from apps.connectors.teamtailor.writes import TeamtailorWrites
from apps.connectors.webhooks import InboundWebhook, WebhookEvent, WebhookSetup

EU_BASE_URL = "https://api.teamtailor.com"
NA_BASE_URL = "https://api.na.teamtailor.com"
REGION = "region"  # a non-secret credential field: where the account lives
REGIONS = (("eu", "EU (app.teamtailor.com)"), ("na", "North America (app.na.teamtailor.com)"))
_PREFIXES = tuple(f"/{code}" for code, _ in REGIONS)


def regional_base_url(base_url: str, region: str | None) -> str:
    """The API root for `region`: Teamtailor's own EU or NA host; for any other root (an emulator, a proxy) the
    region is its path prefix, `<root>/eu` or `<root>/na`. Without a region the base URL stays as it is (the
    integrations made before the choice existed are EU or name their host)."""
    base = base_url.rstrip("/")
    if region not in dict(REGIONS):
        return base or EU_BASE_URL
    if base in ("", EU_BASE_URL, NA_BASE_URL):
        return NA_BASE_URL if region == "na" else EU_BASE_URL
    if base.endswith(_PREFIXES):
        base = base.rsplit("/", 1)[0]
    return f"{base}/{region}"


READ_COVERAGE = (
    read_coverage(
        ReadModel.JOBS,
        # No job code, category, department name, salary, hours or location inline (department/role/locations are
        # separate resources), no closing date, no hiring team read here; custom fields are separate resources.
        unsupported=(
            "job_code",
            "category",
            "department",
            "experience_level",
            "confidential",
            "weekly_hours",
            "employment_type",
            "salary_amount",
            "salary_amount_from",
            "salary_amount_to",
            "salary_currency",
            "salary_period",
            "location",
            "opened_at",
            "closed_at",
            "remote_url",
            "hiring_team",
            "custom_fields",
        ),
        remote_ids=True,
    ),
    read_coverage(
        ReadModel.CANDIDATES,
        unsupported=("company", "title", "confidential", "location", "remote_url", "custom_fields"),
        updated_since=True,
        remote_ids=True,
    ),
    read_coverage(
        ReadModel.APPLICATIONS,
        # Answers hang off the candidate; they come with each application page through `include` (reads.py).
        unsupported=("remote_url", "custom_fields"),
        updated_since=True,
        remote_ids=True,
    ),
    read_coverage(ReadModel.USERS, unsupported=("system_roles",), remote_ids=True),
    read_coverage(ReadModel.REJECTION_REASONS, remote_ids=True),
    read_coverage(ReadModel.APPLICATION_STAGES, unsupported=("status", "custom_fields"), remote_ids=True),
    read_coverage(ReadModel.NOTES, unsupported=("application", "title"), remote_ids=True),
    # Uploads hang off the candidate (a job at most, no application), carry no kind and no update time.
    read_coverage(ReadModel.ATTACHMENTS, unsupported=("application", "type", "remote_updated_at"), remote_ids=True),
    # `/job-offers`: no start date or custom fields among its attributes (T-3P schema).
    read_coverage(ReadModel.OFFERS, unsupported=("employment_start_date", "custom_fields"), remote_ids=True),
)

_CREATE_FIELDS = fields_with_status(
    WRITE_ACTION_FIELDS[WriteAction.CREATE_APPLICATION],
    unsupported=(
        "candidate.additional_email_addresses",
        "candidate.company",
        "candidate.title",
        "candidate.additional_phone_numbers",
        "candidate.location",
        "candidate.gender",
        "candidate.availability_date",
        "candidate.salary_expectations",
        "attachments",
        "sourced_by",
        "gdpr_consent",
    ),
)


def _action(action: WriteAction) -> WriteCoverage:
    return WriteCoverage(action, write_fields(action, unsupported=("remote_fields",)))


WRITE_COVERAGE = (
    WriteCoverage(WriteAction.CREATE_APPLICATION, _CREATE_FIELDS),
    WriteCoverage(WriteAction.CREATE_CANDIDATE, _CREATE_FIELDS),
    _action(WriteAction.MOVE_APPLICATION_STAGE),
    # `rejected-at` + `reject-reason`; a note goes along as a candidate note.
    WriteCoverage(WriteAction.REJECT_APPLICATION, write_fields(WriteAction.REJECT_APPLICATION)),
    WriteCoverage(WriteAction.ADD_APPLICATION_NOTE, write_fields(WriteAction.ADD_APPLICATION_NOTE)),
    _action(WriteAction.ADD_CANDIDATE_TAG),
    _action(WriteAction.REMOVE_CANDIDATE_TAG),
    # Written as candidate notes with a warning: the Partner API's result links need partner credentials.
    WriteCoverage(WriteAction.ADD_APPLICATION_RESULT_LINK, write_fields(WriteAction.ADD_APPLICATION_RESULT_LINK)),
    WriteCoverage(WriteAction.ADD_CANDIDATE_RESULT_LINK, write_fields(WriteAction.ADD_CANDIDATE_RESULT_LINK)),
)


class TeamtailorConnector(TeamtailorReads, TeamtailorWrites, HttpConnector):
    """Teamtailor over its public JSON:API `/v1` (`X-Api-Version` 20240904)."""

    tool = "teamtailor"
    label = "Teamtailor"
    default_base_url = EU_BASE_URL
    connection_guide_url = "https://docs.teamtailor.com/"
    auth_modes = (
        AuthMode(
            kind=AuthKind.API_KEY,
            label="API key",
            fields=(
                CredentialField(
                    name=API_KEY,
                    label="API key",
                    help_text="Settings → Integrations → API keys: a key with the Admin scope and read/write access.",
                    placeholder="abc123…",
                ),
                CredentialField(
                    name=REGION,
                    label="Region",
                    secret=False,
                    help_text="Where your Teamtailor account lives: EU if you sign in at app.teamtailor.com, North "
                    "America if you sign in at app.na.teamtailor.com.",
                    choices=REGIONS,
                ),
            ),
            guide=(
                "1. Sign in to Teamtailor as an **administrator**.\n"
                "2. Open **Settings → Integrations → API keys** and choose **New API key**.\n"
                "3. Pick the scope **Admin** and the access **Read/Write** (candidates and job applications need "
                "Admin), name it e.g. *Tributary* and save.\n"
                "4. Copy the key and paste it below.\n"
                "5. Choose the region of your account: **EU** if you sign in at app.teamtailor.com, **North "
                "America** if you sign in at app.na.teamtailor.com (a key works only in its own region)."
            ),
            links=(("Teamtailor: API keys", "https://app.teamtailor.com/app/settings/integrations/api-keys"),),
        ),
    )
    # Limits are not documented (static X-Rate-Limit-* headers): 4.5 requests per second and 4 at once, below the
    # emulator's assumed 50 per 10 seconds.
    rate_budget = RateBudget(requests_per_second=4.5, max_concurrency=4)
    scope_tests = (
        ScopeTest(
            id="jobs",
            label="Jobs: read jobs with their stages and questions",
            fix_hint="Check that the API key is active and that you chose the region where your account lives.",
        ),
        ScopeTest(
            id="admin",
            label="Admin: candidates and job applications",
            fix_hint="Create a new API key with the scope Admin and the access Read/Write; Public and Internal keys "
            "cannot see candidates.",
        ),
    )
    read_coverage = READ_COVERAGE
    write_coverage = WRITE_COVERAGE
    # No source object exists: the source is the `referring-url` of the candidate and the job application, from
    # which Teamtailor derives the `referring-site` it shows (reference B4).
    source_strategy = SourceStrategy.FREE_TEXT
    source_level = SourceLevel.APPLICATION
    passthrough_apis = ("v1",)  # `teamtailor/v1`
    reports_deletions = False
    # Company webhooks are added by hand in Settings > Integrations > Webhooks (reference B7); see webhooks.py.
    webhook_setup = WebhookSetup.MANUAL
    webhook_events = webhooks.WEBHOOK_EVENTS
    webhook_setup_guide = webhooks.SETUP_GUIDE
    webhook_vendor_secret = True  # Teamtailor generates the signature key
    assumptions = ASSUMPTIONS
    page_notes = PAGE_NOTES
    client_class = api.TeamtailorClient
    max_page_size = api.MAX_PAGE_SIZE

    def __init__(self, context: ConnectorContext, **kwargs: Any) -> None:
        base = regional_base_url(context.base_url or self.default_base_url, context.credentials.get(REGION))
        if base != context.base_url.rstrip("/"):
            # The chosen region's host: the HTTP client is re-rooted there (same session, limiter and budget).
            http = dataclasses.replace(context.http, base_url=base) if context.http is not None else None
            context = dataclasses.replace(context, base_url=base, http=http)
        super().__init__(context, **kwargs)

    def parse_webhook(self, webhook: InboundWebhook, *, secret: str) -> WebhookEvent:
        return webhooks.parse(webhook, secret=secret)

    def client_options(self) -> dict[str, int]:
        return {"page_size": self.page_size(api.MAX_PAGE_SIZE)}

    def passthrough_base_url(self, api_id: str) -> str:
        self.check_passthrough_api(api_id)
        return f"{self.api_base}{api.API_PREFIX}"

    def verify_credentials(self) -> None:
        """`GET /jobs?page[size]=1`: any valid key may read jobs."""
        self.client.list_page("/jobs", size=1)

    def run_scope_test(self, test_id: str) -> None:
        if test_id == "jobs":
            self.client.list_page("/jobs", {"include": "stages"}, size=1)
        elif test_id == "admin":
            self.client.list_page("/candidates", size=1)
        else:
            super().run_scope_test(test_id)
