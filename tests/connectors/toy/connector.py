"""The Toy ATS connector: catalog metadata and wiring (docs/connectors.md, step 3)."""

from __future__ import annotations

from apps.connectors.catalog import (
    AuthKind,
    AuthMode,
    CredentialField,
    RateBudget,
    ReadModel,
    ScopeTest,
    SourceStrategy,
    WriteAction,
    WriteCoverage,
)
from apps.connectors.kit import HttpConnector, read_coverage, write_fields
from apps.connectors.oauth2 import API_KEY
from tests.connectors.toy import client as api
from tests.connectors.toy.reads import ToyReads
from tests.connectors.toy.writes import ToyWrites


class ToyConnector(ToyReads, ToyWrites, HttpConnector):
    """A toy ATS with one model (candidates) and one write (tags)."""

    tool = "toy"
    label = "Toy ATS"
    default_base_url = api.DEFAULT_BASE_URL
    connection_guide_url = "https://toy.example/docs/api-keys"
    auth_modes = (
        AuthMode(
            kind=AuthKind.API_KEY,
            label="API key",
            fields=(CredentialField(name=API_KEY, label="API key"),),
            guide="1. Open **Settings → API keys** in Toy ATS.\n2. Create a key and paste it below.",
            links=(("Toy ATS: API keys", "https://toy.example/docs/api-keys"),),
        ),
    )
    rate_budget = RateBudget(requests_per_second=20, max_concurrency=4)
    scope_tests = (ScopeTest(id="candidates", label="Read candidates", fix_hint="Give the key candidate access."),)
    read_coverage = (
        read_coverage(
            ReadModel.CANDIDATES,
            unsupported=(
                "company", "title", "source", "confidential", "phone_numbers", "social_media", "location", "tags",
                "remote_url", "custom_fields",
            ),
            updated_since=True,
            remote_ids=True,
        ),
    )  # fmt: skip
    write_coverage = (
        WriteCoverage(
            WriteAction.ADD_CANDIDATE_TAG, write_fields(WriteAction.ADD_CANDIDATE_TAG, unsupported=("remote_fields",))
        ),
    )
    source_strategy = SourceStrategy.UNSUPPORTED
    passthrough_apis = ("default",)
    reports_deletions = True
    client_class = api.ToyClient
    max_page_size = api.MAX_PAGE_SIZE

    def verify_credentials(self) -> None:
        self.client.get("/me")

    def run_scope_test(self, test_id: str) -> None:
        if test_id != "candidates":
            super().run_scope_test(test_id)
        self.client.get("/candidates", {"limit": 1})

    def passthrough_base_url(self, api: str) -> str:
        self.check_passthrough_api(api)
        return self.api_base
