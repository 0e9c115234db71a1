"""The Ashby connector: catalog (auth, coverage, scope tests, MUST_EXIST sources), readers and writes."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial

from apps.connectors.ashby import client as api
from apps.connectors.ashby import custom_fields, webhooks
from apps.connectors.ashby.assumptions import ASSUMPTIONS
from apps.connectors.ashby.reads import AshbyReads
from apps.connectors.ashby.writes import AshbyWrites
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
from apps.connectors.dtos import RemoteFieldDefinition
from apps.connectors.errors import ConnectorNotFound
from apps.connectors.kit import HttpConnector, read_coverage, write_fields
from apps.connectors.oauth2 import API_KEY
from apps.connectors.webhooks import InboundWebhook, WebhookEvent, WebhookSetup, WebhookSubscription

_coverage = partial(read_coverage, remote_ids=True)
READ_COVERAGE = (
    # user.list has no system roles beyond `globalRole` text and no creation time.
    _coverage(ReadModel.USERS, unsupported=("system_roles", "remote_created_at"), updated_since=True),
    _coverage(ReadModel.TAGS, updated_since=True),
    _coverage(ReadModel.REJECTION_REASONS),
    _coverage(
        ReadModel.JOBS,
        # job.list gives ids for location/department (other modules), no description on the job (the posting has
        # it), no salary, no hiring-team roles mapped yet.
        unsupported=(
            "description",
            "category",
            "department",
            "experience_level",
            "weekly_hours",
            "visibility",
            "remote_work_status",
            "salary_amount",
            "salary_amount_from",
            "salary_amount_to",
            "salary_currency",
            "salary_period",
            "location",
            "remote_url",
            "contact_remote_id",
            "hiring_team",
            "custom_fields",
        ),
        updated_since=True,
    ),
    _coverage(ReadModel.CANDIDATES, unsupported=("confidential", "custom_fields"), updated_since=True),
    # Answers are not on application.info (only the submitted form instance); custom fields not mapped yet.
    _coverage(
        ReadModel.APPLICATIONS,
        unsupported=("screening_question_answers", "remote_url", "custom_fields"),
        updated_since=True,
    ),
    # offer.list: no custom fields mapped; `decidedAt` (else the version's creation) stands in for the change time.
    read_coverage(ReadModel.OFFERS, unsupported=("custom_fields",), updated_since=True),
    # interviewSchedule.list: one interview per scheduled event.
    read_coverage(ReadModel.INTERVIEWS, updated_since=True),
    # candidate.listNotes per candidate: candidate-level notes with no title and no edit time.
    read_coverage(
        ReadModel.NOTES,
        unsupported=("application", "title", "remote_updated_at"),
        updated_since=True,
        scope=Scope.CANDIDATE,
    ),
    # The candidate's `fileHandles`: no application, no upload time.
    read_coverage(
        ReadModel.ATTACHMENTS, unsupported=("application", "remote_created_at", "remote_updated_at"), updated_since=True
    ),
)
_CREATE = write_fields(
    WriteAction.CREATE_APPLICATION,
    unsupported=(
        "candidate.additional_email_addresses",
        "candidate.company",
        "candidate.title",
        "candidate.additional_phone_numbers",
        "candidate.location",
        "candidate.gender",
        "candidate.availability_date",
        "candidate.salary_expectations",
        "sourced_by",
        "gdpr_consent",
        "remote_fields",
    ),
)
WRITE_COVERAGE = (
    WriteCoverage(WriteAction.CREATE_APPLICATION, _CREATE),
    WriteCoverage(WriteAction.CREATE_CANDIDATE, _CREATE),
    WriteCoverage(
        WriteAction.MOVE_APPLICATION_STAGE,
        write_fields(WriteAction.MOVE_APPLICATION_STAGE, unsupported=("remote_fields",)),
    ),
    WriteCoverage(
        WriteAction.REJECT_APPLICATION, write_fields(WriteAction.REJECT_APPLICATION, unsupported=("remote_fields",))
    ),
    WriteCoverage(
        WriteAction.ADD_APPLICATION_NOTE, write_fields(WriteAction.ADD_APPLICATION_NOTE, unsupported=("remote_fields",))
    ),
    WriteCoverage(
        WriteAction.ADD_APPLICATION_ATTACHMENT,
        write_fields(WriteAction.ADD_APPLICATION_ATTACHMENT, unsupported=("remote_fields",)),
    ),
    WriteCoverage(
        WriteAction.ADD_CANDIDATE_ATTACHMENT,
        write_fields(WriteAction.ADD_CANDIDATE_ATTACHMENT, unsupported=("remote_fields",)),
    ),
    WriteCoverage(
        WriteAction.ADD_CANDIDATE_TAG, write_fields(WriteAction.ADD_CANDIDATE_TAG, unsupported=("remote_fields",))
    ),
)

SCOPE_TESTS = (
    ScopeTest(
        id="candidatesRead",
        label="Candidates: read",
        fix_hint="Edit the API key in Ashby (Admin → API Keys) and allow Candidates → Read.",
    ),
    ScopeTest(
        id="candidatesWrite",
        label="Candidates: write",
        fix_hint="Edit the API key in Ashby (Admin → API Keys) and allow Candidates → Write.",
    ),
    ScopeTest(
        id="jobsRead",
        label="Jobs: read",
        fix_hint="Edit the API key in Ashby (Admin → API Keys) and allow Jobs → Read.",
    ),
    ScopeTest(
        id="hiringProcessMetadataRead",
        label="Hiring process metadata: read (sources, archive reasons, tags)",
        fix_hint="Edit the API key in Ashby (Admin → API Keys) and allow Hiring Process Metadata → Read.",
    ),
    ScopeTest(
        id="hiringProcessMetadataWrite",
        label="Hiring process metadata: write (tags)",
        fix_hint="Edit the API key in Ashby (Admin → API Keys) and allow Hiring Process Metadata → Write.",
    ),
    ScopeTest(
        id="organizationRead",
        label="Organization: read (users)",
        fix_hint="Edit the API key in Ashby (Admin → API Keys) and allow Organization → Read.",
    ),
    ScopeTest(
        id="offersRead",
        label="Offers: read",
        fix_hint="Edit the API key in Ashby (Admin → API Keys) and allow Offers → Read.",
    ),
    ScopeTest(
        id="interviewsRead",
        label="Interviews: read (interview schedules)",
        fix_hint="Edit the API key in Ashby (Admin → API Keys) and allow Interviews → Read.",
    ),
    ScopeTest(
        id="apiKeysRead",
        label="API keys: read (the key's default source)",
        fix_hint="Edit the API key in Ashby (Admin → API Keys) and allow API Keys → Read.",
    ),
    ScopeTest(
        id="apiKeysWrite",
        label="API keys: write (webhooks)",
        fix_hint="Edit the API key in Ashby (Admin → API Keys) and allow API Keys → Write.",
    ),
)
# One cheap call per permission. Writes are probed with an input Ashby refuses after the permission check (an
# unknown id): `missing_endpoint_permission` means the permission is missing, anything else that it is there.
SCOPE_CALLS: dict[str, tuple[str, dict[str, object]]] = {
    "candidatesRead": ("candidate.list", {"limit": 1}),
    "candidatesWrite": ("application.changeSource", {"applicationId": "tributary-scope-check", "sourceId": None}),
    "jobsRead": ("job.list", {"limit": 1}),
    "hiringProcessMetadataRead": ("source.list", {}),
    "hiringProcessMetadataWrite": ("candidateTag.create", {"title": ""}),
    "organizationRead": ("user.list", {"limit": 1}),
    "offersRead": ("offer.list", {"limit": 1}),
    "interviewsRead": ("interviewSchedule.list", {"limit": 1}),
    "apiKeysRead": ("apiKey.info", {}),
    "apiKeysWrite": ("webhook.delete", {"webhookId": "tributary-scope-check"}),
}


class AshbyConnector(AshbyReads, AshbyWrites, HttpConnector):
    """Ashby over its RPC-style public API (`POST /<resource>.<action>`)."""

    tool = "ashby"
    label = "Ashby"
    default_base_url = api.DEFAULT_BASE_URL
    connection_guide_url = "https://developers.ashbyhq.com/docs/authentication"
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
                    help_text="Admin → Integrations → API Keys in Ashby. Ashby shows the key only once.",
                ),
            ),
            guide=(
                "1. Sign in to Ashby as an **organization admin**.\n"
                "2. Open **Admin → Integrations → API Keys** and create a new key named e.g. *Tributary*.\n"
                "3. Allow **Candidates** (read and write), **Jobs** (read), **Hiring Process Metadata** (read and "
                "write), **Organization** (read), **Offers** (read), **Interviews** (read) and **API Keys** (read "
                "and write): with API Keys the connection shows the key's default source and registers webhooks, so "
                "changes arrive within seconds instead of at the next sync.\n"
                "4. Copy the key right away (Ashby shows it only once) and paste it below.\n\n"
                "If you set a default source on the key, Tributary still sets its own source on every application."
            ),
            links=(("Ashby: authentication", "https://developers.ashbyhq.com/docs/authentication"),),
        ),
    )
    # Ashby documents no general per-key limit (assumed, see assumptions.py): 10 requests/s, 4 at once.
    rate_budget = RateBudget(requests_per_second=10, max_concurrency=4)
    scope_tests = SCOPE_TESTS
    source_strategy = SourceStrategy.MUST_EXIST
    source_level = SourceLevel.APPLICATION
    source_setup = SourceSetupGuide(
        guide=(
            "Ashby's API can read candidate sources but not create them; an organization admin adds them.\n\n"
            "1. In Ashby open **Admin → Organization Setup → Candidate Sources**.\n"
            "2. Under the source type **Inbound** add a source named exactly **{source_name}**.\n"
            "3. Come back here and check again.\n\n"
            "Every application created through this connection is then given this source."
        ),
        links=(("Ashby: source types and sources", "https://docs.ashbyhq.com/source-types-and-sources"),),
        source_type_label="Inbound",
    )
    passthrough_apis = ("v1",)  # `ashby/v1`
    reports_deletions = False
    # `webhook.create` per type with our secret (reference B7); needs the key's API Keys → Write permission.
    webhook_setup = WebhookSetup.API
    webhook_events = webhooks.WEBHOOK_EVENTS
    assumptions = ASSUMPTIONS
    # A create's `custom_fields` mapped to candidate / application custom fields: `customField.setValue` per value
    # once the application exists, a resumable step of the create (custom_fields.py).
    takes_custom_fields = True
    write_notes = dict.fromkeys(
        (WriteAction.CREATE_APPLICATION, WriteAction.CREATE_CANDIDATE),
        (
            "`custom_fields` mapped to Ashby custom fields are checked against the field's type and selectable "
            "values (`customField.list`) before anything is created, then written with `customField.setValue` once "
            "the application exists (a step an interrupted create resumes). An existing candidate keeps the values "
            "it holds (the warning names them); values mapped to standard fields, and currency, range, score and "
            "social-link fields, are not written (the warning names them).",
        ),
    )
    client_class = api.AshbyClient
    max_page_size = api.MAX_PAGE_SIZE

    def __init__(self, context: ConnectorContext, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__(context, clock=clock)
        # The syncToken of each model's last complete read (see reads.py); a shared mapping may be passed in.
        shared = context.options.get("sync_tokens")
        self.sync_tokens: dict[str, str] = shared if isinstance(shared, dict) else {}

    def list_fields(self) -> list[RemoteFieldDefinition]:
        """Standard payload keys and the organisation's custom fields (custom_fields.py)."""
        return custom_fields.list_fields(self.client)

    def verify_credentials(self) -> None:
        """`apiKey.info` needs its own permission; `job.list` with `limit: 1` proves the key itself."""
        self.client.call("job.list", {"limit": 1})

    def run_scope_test(self, test_id: str) -> None:
        if test_id not in SCOPE_CALLS:
            super().run_scope_test(test_id)
        operation, body = SCOPE_CALLS[test_id]
        try:
            self.client.call(operation, body)
        except api.AshbyRefused:
            return  # refused after the permission check: the permission is there
        except ConnectorNotFound:
            return

    def subscribe_webhooks(self, *, url: str, secret: str) -> WebhookSubscription:
        return webhooks.subscribe(self.client, url=url, secret=secret)

    def unsubscribe_webhooks(self, subscription: WebhookSubscription) -> None:
        webhooks.unsubscribe(self.client, subscription)

    def parse_webhook(self, webhook: InboundWebhook, *, secret: str) -> WebhookEvent:
        return webhooks.parse(webhook, secret=secret)

    def passthrough_base_url(self, api_name: str) -> str:
        self.check_passthrough_api(api_name)
        return self.api_base

    def sync_token(self, model: ReadModel) -> str | None:
        """The `syncToken` of the model's last complete read (stored per model by the sync engine)."""
        return self.sync_tokens.get(str(model))
