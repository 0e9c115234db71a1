"""A fake ATS connector for the connection-flow and attribution tests: in-memory, no network.

It stands in for a real ATS (the sandbox cannot fail a permission or demand a hand-made source): API key and
OAuth authorization-code auth, two scope tests, a MUST_EXIST source strategy, and read-back of sources.
Tests steer it through `FakeAts.state`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode

from apps.connectors.base import Connector
from apps.connectors.catalog import (
    AuthKind,
    AuthMode,
    CredentialField,
    ReadModel,
    ScopeTest,
    SourceLevel,
    SourceSetupGuide,
    SourceStrategy,
)
from apps.connectors.dtos import OAuthClient, Page, RemoteRecord, RemoteSource
from apps.connectors.errors import (
    ConnectorAuthError,
    ConnectorPermissionError,
    ConnectorUnavailable,
    ConnectorUnsupported,
)

TOOL = "fakeats"
SCOPES = ("jobs_read", "candidates_create")


@dataclass
class FakeAtsState:
    api_keys: dict[str, set[str]] = field(default_factory=dict)  # key -> granted scopes
    codes: dict[str, str] = field(default_factory=dict)  # authorization code -> access token
    sources: list[RemoteSource] = field(default_factory=list)
    application_sources: dict[str, RemoteSource | None] = field(default_factory=dict)
    candidate_sources: dict[str, RemoteSource | None] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    fail_reads: bool = False  # read-backs answer 503


class FakeAts(Connector):
    tool = TOOL
    label = "Fake ATS"
    default_base_url = "https://fake-ats.example.com"
    connection_guide_url = "https://fake-ats.example.com/docs/connect"
    auth_modes = (
        AuthMode(
            kind=AuthKind.API_KEY,
            label="API key",
            fields=(CredentialField(name="api_key", label="API key", help_text="Settings → API → New key"),),
            guide="1. Open **Settings → API** in Fake ATS.\n2. Create a key with *jobs* and *candidates* access.",
            links=(("API settings", "https://fake-ats.example.com/settings/api"),),
        ),
        AuthMode(kind=AuthKind.OAUTH2_AUTHORIZATION_CODE, label="Sign in", oauth_scopes=SCOPES),
    )
    scope_tests = (
        ScopeTest(id="jobs_read", label="Read jobs", fix_hint="Give the key the permission “Jobs: read”."),
        ScopeTest(id="candidates_create", label="Create candidates", fix_hint="Give the key “Candidates: create”."),
    )
    source_strategy = SourceStrategy.MUST_EXIST
    source_level = SourceLevel.APPLICATION
    source_setup = SourceSetupGuide(
        guide="1. Open **Settings → Sources**.\n2. Add a custom source named **{source_name}**.",
        links=(("Source settings", "https://fake-ats.example.com/settings/sources"),),
        source_type_label="Custom source",
    )

    state = FakeAtsState()

    def _granted(self) -> set[str]:
        key = self.context.credentials.get("api_key") or self.context.credentials.get("access_token", "")
        granted = self.state.api_keys.get(key)
        if granted is None:
            raise ConnectorAuthError("401 Unauthorized", status_code=401, remote_message="Invalid API key.")
        return granted

    def verify_credentials(self) -> None:
        self.state.calls.append("verify")
        self._granted()

    def run_scope_test(self, test_id: str) -> None:
        self.state.calls.append(f"scope:{test_id}")
        if test_id not in self._granted():
            raise ConnectorPermissionError("403", status_code=403, remote_message=f"Missing permission {test_id}.")

    def read(
        self,
        model: ReadModel,
        *,
        cursor: str | None = None,
        updated_since: datetime | None = None,
        remote_ids: Sequence[str] | None = None,
        parent_remote_ids: Sequence[str] | None = None,
    ) -> Page[RemoteRecord]:
        raise ConnectorUnsupported("The fake ATS has no records.")

    def oauth_authorize_url(self, *, client: OAuthClient, redirect_uri: str, state: str, scopes: Sequence[str]) -> str:
        query = urlencode(
            {"client_id": client.client_id, "redirect_uri": redirect_uri, "state": state, "scope": " ".join(scopes)}
        )
        return f"{self.context.base_url}/oauth/authorize.html?{query}"

    def oauth_exchange_code(self, *, client: OAuthClient, code: str, redirect_uri: str) -> dict[str, str]:
        token = self.state.codes.pop(code, None)
        if token is None:
            raise ConnectorAuthError("invalid_grant", status_code=400)
        return {"access_token": token, "refresh_token": f"refresh-{token}"}

    def list_sources(self) -> list[RemoteSource]:
        self._granted()
        return list(self.state.sources)

    def read_application_source(
        self, *, application_remote_id: str, candidate_remote_id: str | None = None
    ) -> RemoteSource | None:
        if self.state.fail_reads:
            raise ConnectorUnavailable("503 Service Unavailable", status_code=503)
        return self.state.application_sources.get(application_remote_id)


def custom_source(label: str, remote_id: str | None = None) -> RemoteSource:
    return RemoteSource(remote_id=remote_id or f"src-{label.lower().replace(' ', '-')}", label=label, type="custom")
