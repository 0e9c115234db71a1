"""The Personio connector: Recruiting v2 reads + v1 create catalog (auth, coverage, scope tests, the recruiting
channel) and wiring.

Two credentials (A1): v2 client id/secret → Bearer tokens for the read-only v2 API; the v1 Recruiting API key with
`X-Company-ID` for the one write (create an application, with documents). Delta sync: `updated_at.gt` on
candidates and applications; jobs are read in full; deletions are not signalled (A7).
"""

from __future__ import annotations

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
from apps.connectors.errors import ConnectorInputError
from apps.connectors.kit import HttpConnector, read_coverage
from apps.connectors.oauth2 import API_KEY, CLIENT_ID, CLIENT_SECRET
from apps.connectors.personio import client as api
from apps.connectors.personio.assumptions import ASSUMPTIONS, PAGE_NOTES
from apps.connectors.personio.reads import PersonioReads
from apps.connectors.personio.writes import PersonioWrites
from apps.connectors.webhooks import WebhookSetup

_delta = partial(read_coverage, remote_ids=True, updated_since=True)

READ_COVERAGE = (
    read_coverage(
        ReadModel.JOBS,
        remote_ids=True,
        # v2 jobs carry name, department, category and hiring team only ("almost no information on positions",
        # A5); descriptions live in the public XML feed, which is not read.
        unsupported=(
            "job_code",
            "description",
            "post_url",
            "experience_level",
            "confidential",
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
            "opened_at",
            "closed_at",
            "remote_url",
            "screening_questions",
            "job_postings",
            "hiring_team",
            "custom_fields",
        ),
    ),  # fmt: skip
    # "The Candidates and Applications API does not return custom attributes and tags" (P-DEV).
    _delta(
        ReadModel.CANDIDATES,
        unsupported=("company", "title", "source", "confidential", "tags", "remote_url", "custom_fields"),
    ),  # fmt: skip
    _delta(
        ReadModel.APPLICATIONS,
        unsupported=("rejection_reason_name", "screening_question_answers", "remote_url", "custom_fields"),
    ),
)

_CREATE_FIELDS = fields_with_status(
    WRITE_ACTION_FIELDS[WriteAction.CREATE_APPLICATION],
    # No question model (answers would be `custom_attribute_<n>` through remote_fields), no second email/phone,
    # no company/title/links attributes, no sourcer or consent field on the v1 create (A5).
    unsupported=(
        "candidate.additional_email_addresses", "candidate.company", "candidate.title",
        "candidate.additional_phone_numbers", "candidate.social_links", "sourced_by", "gdpr_consent",
        "screening_question_answers",
    ),
)  # fmt: skip

WRITE_COVERAGE = (
    WriteCoverage(action=WriteAction.CREATE_APPLICATION, fields=_CREATE_FIELDS),
    WriteCoverage(action=WriteAction.CREATE_CANDIDATE, fields=_CREATE_FIELDS),
)

SCOPE_PATHS = {"jobs": "/jobs", "candidates": "/candidates", "applications": "/applications"}
CREATE_TEST = "create_applications"


class PersonioConnector(PersonioReads, PersonioWrites, HttpConnector):
    """Personio Recruiting: v2 (OAuth2 client credentials) reads, v1 (Recruiting API key) creates."""

    tool = "personio"
    label = "Personio"
    default_base_url = api.DEFAULT_BASE_URL
    connection_guide_url = "https://developer.personio.de/v2.0/reference/authentication"
    read_coverage = READ_COVERAGE
    write_coverage = WRITE_COVERAGE
    auth_modes = (
        AuthMode(
            kind=AuthKind.OAUTH2_CLIENT_CREDENTIALS,
            label="API credentials and Recruiting API key",
            fields=(
                CredentialField(
                    name=CLIENT_ID,
                    label="Client ID",
                    secret=False,
                    help_text="Settings → Integrations → API credentials: the v2 credential's client ID.",
                    placeholder="papi-…",
                ),  # fmt: skip
                CredentialField(
                    name=CLIENT_SECRET,
                    label="Client secret",
                    help_text="Shown once when the v2 credential is created.",
                ),  # fmt: skip
                CredentialField(
                    name=API_KEY,
                    label="Recruiting API key",
                    help_text="Settings → Integrations → API credentials → Recruiting API key (creates applications).",
                ),  # fmt: skip
                CredentialField(
                    name=api.COMPANY_ID,
                    label="Company ID",
                    secret=False,
                    help_text="Shown beside the Recruiting API key (sent as X-Company-ID).",
                    placeholder="98765",
                ),  # fmt: skip
            ),
            guide=(
                "Personio has two recruiting APIs with separate credentials: v2 reads jobs, candidates and "
                "applications, v1 creates applications.\n\n"
                "1. Sign in to Personio as an administrator.\n"
                "2. Open **Settings → Integrations → API credentials** and create a credential named *Tributary* "
                "with the permission **Recruiting: read** (`personio:recruiting:read`). Copy its client ID and "
                "secret.\n"
                "3. On the same page, under **Recruiting API key**, copy the key and the **Company ID** shown with "
                "it.\n"
                "4. Paste all four below."
            ),
            links=(
                ("Personio: API authentication", "https://developer.personio.de/v2.0/reference/authentication"),
                (
                    "Personio: create an application",
                    "https://developer.personio.de/reference/post_v1-recruiting-applications",
                ),
            ),
            oauth_scopes=(api.READ_SCOPE,),
        ),
    )
    # v1 writes: 20 per 60 s per company (P-DEV); v2 GETs: unpublished, 300 per 60 s assumed. Booked below both.
    rate_budget = RateBudget(requests_per_second=4.5, max_concurrency=4, rate_overrides={"POST /v1/": 0.3})
    scope_tests = (
        *(
            ScopeTest(
                id=name,
                label=f"Read {name}",
                fix_hint=(
                    "Give the API credential the permission Recruiting: read (personio:recruiting:read) under "
                    "Settings → Integrations → API credentials."
                ),
            )
            for name in SCOPE_PATHS
        ),
        ScopeTest(
            id=CREATE_TEST,
            label="Create applications",
            fix_hint=(
                "Copy the Recruiting API key and the Company ID again from Settings → Integrations → API "
                "credentials → Recruiting API key, and make sure Recruiting is enabled for the company."
            ),
        ),
    )
    # Recruiting channels exist only in Personio's settings and cannot be listed (A4): the end user creates ours
    # and pastes its Channel ID; we check it live and send it as `recruiting_channel_id` on every create.
    source_strategy = SourceStrategy.MUST_EXIST
    source_level = SourceLevel.APPLICATION
    source_setup = SourceSetupGuide(
        guide=(
            "Personio credits applications to a **recruiting channel**, which only an administrator can create, in "
            "Personio itself (the API cannot create or list channels).\n\n"
            "1. In Personio open **Settings → Recruiting → Recruiting**, tab **Channels**.\n"
            "2. Click **Add new channel**, name it exactly **{source_name}**, choose the pricing type, and save.\n"
            "3. Personio gives the new channel a unique **Channel ID**: it is shown in the channel list (and in the "
            "channel's tracking link after `_pc=`).\n"
            "4. Paste that Channel ID below and check it."
        ),
        links=(("Personio: recruiting channels", "https://support.personio.de/hc/en-us/articles/360000247878"),),
        source_type_label=None,
        remote_id_label="Channel ID",
    )
    passthrough_apis = ("recruiting",)  # `personio/recruiting`
    reports_deletions = False
    # Personio's webhooks carry no recruiting events (reference A7): polling only, said on the connector page.
    webhook_setup = WebhookSetup.NONE
    page_notes = PAGE_NOTES
    assumptions = ASSUMPTIONS
    client_class = api.PersonioClient
    max_page_size = api.MAX_PAGE_SIZE

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._categories = {}

    def client_options(self) -> dict[str, Any]:
        return {"page_size": self.page_size(api.MAX_PAGE_SIZE)}

    def passthrough_base_url(self, api_name: str) -> str:
        self.check_passthrough_api(api_name)
        return f"{self.api_base}{api.V2}"

    def verify_credentials(self) -> None:
        """A v2 token, then one cheap list (`GET /v2/recruiting/jobs?limit=1`)."""
        self.client.list_page("/jobs", {"limit": 1}, None)

    def run_scope_test(self, test_id: str) -> None:
        if test_id == CREATE_TEST:
            # An empty body: Personio checks the key first (401), then refuses the body (400). Nothing is created.
            _, refusal = self.client.v1(api.V1_APPLICATIONS, json_body={})
            if refusal is None:
                raise ConnectorInputError("Personio accepted an empty application; the key check is inconclusive.")
            return
        path = SCOPE_PATHS.get(test_id)
        if path is None:
            super().run_scope_test(test_id)
            return
        self.client.list_page(path, {"limit": 1}, None)
