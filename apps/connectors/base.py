"""The connector interface: catalog metadata as class attributes, a small set of methods.

A connector is pure Python. It gets everything it needs in a `ConnectorContext` (base URL, decrypted
credentials, the shared HTTP seam, a callback to persist refreshed tokens) and returns DTOs. The sync
algorithm, storage and attribution bookkeeping live in the apps, once, for every connector.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from apps.connectors.catalog import (
    AuthKind,
    AuthMode,
    CoverageStatus,
    RateBudget,
    ReadCoverage,
    ReadModel,
    ScopeTest,
    SourceLevel,
    SourceSetupGuide,
    SourceStrategy,
    WriteAction,
    WriteCoverage,
)
from apps.connectors.dtos import OAuthClient, Page, RemoteRecord, RemoteSource
from apps.connectors.errors import ConnectorUnsupported

if TYPE_CHECKING:
    from apps.connectors.http import HttpClient


def _ignore_credentials(credentials: dict[str, str]) -> None:
    return None


@dataclass(frozen=True)
class ConnectorContext:
    integration_key: str  # our integration id: keys the shared rate limiter and log lines
    base_url: str
    credentials: Mapping[str, str] = field(default_factory=dict)
    auth_kind: AuthKind = AuthKind.NONE
    http: HttpClient | None = None  # None only for in-process connectors (the sandbox)
    # Persists credentials the connector changed (refreshed OAuth tokens); connectors hold no ORM access.
    save_credentials: Callable[[dict[str, str]], None] = _ignore_credentials
    options: Mapping[str, Any] = field(default_factory=dict)


class Connector(abc.ABC):
    """Adapter between one ATS API and our DTOs."""

    tool: ClassVar[str]
    label: ClassVar[str]
    category: ClassVar[str] = "ATS"
    beta: ClassVar[bool] = False
    default_base_url: ClassVar[str] = ""
    connection_guide_url: ClassVar[str | None] = None
    auth_modes: ClassVar[tuple[AuthMode, ...]] = ()
    rate_budget: ClassVar[RateBudget | None] = None
    scope_tests: ClassVar[tuple[ScopeTest, ...]] = ()
    read_coverage: ClassVar[tuple[ReadCoverage, ...]] = ()
    write_coverage: ClassVar[tuple[WriteCoverage, ...]] = ()
    source_strategy: ClassVar[SourceStrategy] = SourceStrategy.UNSUPPORTED
    source_level: ClassVar[SourceLevel] = SourceLevel.APPLICATION
    source_setup: ClassVar[SourceSetupGuide | None] = None  # the flow's source step (MUST_EXIST / CREATABLE)
    passthrough_apis: ClassVar[tuple[str, ...]] = ()  # `{tool}/{api}` ids, e.g. ("default",)
    # Whether delta reads (`updated_since`) report deleted records in `Page.deleted_remote_ids`. When False,
    # vanished records are only found by a FULL sync (what it did not see is gone).
    reports_deletions: ClassVar[bool] = False

    def __init__(self, context: ConnectorContext) -> None:
        self.context = context

    # -- catalog helpers ---------------------------------------------------------------------------

    @classmethod
    def coverage_for(cls, model: ReadModel) -> ReadCoverage | None:
        return next((entry for entry in cls.read_coverage if entry.model == model), None)

    @classmethod
    def covers(cls, model: ReadModel) -> bool:
        return cls.coverage_for(model) is not None

    @classmethod
    def write_coverage_for(cls, action: WriteAction) -> WriteCoverage | None:
        return next((entry for entry in cls.write_coverage if entry.action == action), None)

    @classmethod
    def can(cls, action: WriteAction) -> bool:
        return cls.write_coverage_for(action) is not None

    @classmethod
    def field_status(cls, action: WriteAction, field_name: str) -> CoverageStatus:
        entry = cls.write_coverage_for(action)
        if entry is None:
            return CoverageStatus.UNSUPPORTED
        return entry.fields.get(field_name, CoverageStatus.UNSUPPORTED)

    @classmethod
    def auth_mode(cls, kind: AuthKind) -> AuthMode | None:
        return next((mode for mode in cls.auth_modes if mode.kind == kind), None)

    # -- behaviour ---------------------------------------------------------------------------------

    def upstream_calls(self) -> int:
        """How many calls this instance made to the ATS so far (benchmarks and sync statistics)."""
        return self.context.http.calls if self.context.http is not None else 0

    @abc.abstractmethod
    def verify_credentials(self) -> None:
        """One cheap authenticated call. Raises ConnectorError; returns None when the credentials work."""

    def run_scope_test(self, test_id: str) -> None:
        """Prove one permission from `scope_tests` with one cheap call. Raises ConnectorError when missing."""
        raise ConnectorUnsupported(f"{self.tool} has no scope test {test_id!r}")

    @abc.abstractmethod
    def read(
        self,
        model: ReadModel,
        *,
        cursor: str | None = None,
        updated_since: datetime | None = None,
        remote_ids: Sequence[str] | None = None,
        parent_remote_ids: Sequence[str] | None = None,
    ) -> Page[RemoteRecord]:
        """Read one page of `model`.

        `cursor` is the previous page's `next_cursor` (None = first page). `updated_since` limits to records
        changed since then (when the coverage says `supports_updated_since`). `remote_ids` asks for exactly
        those records (coverage `supports_remote_ids`); records that no longer exist are simply absent.
        `parent_remote_ids` restricts application- or candidate-scoped models to those parents (coverage
        `scope`); scoped models require it.
        """

    # -- OAuth2 authorization code (the connection flow's redirect and callback) --------------------------

    def oauth_authorize_url(self, *, client: OAuthClient, redirect_uri: str, state: str, scopes: Sequence[str]) -> str:
        """The ATS page where the end user approves access; it redirects to `redirect_uri?code=…&state=…`.

        No network call. `scopes` are the `AuthMode.oauth_scopes` of the OAuth mode.
        """
        raise ConnectorUnsupported(f"{self.tool} has no OAuth authorization-code flow")

    def oauth_exchange_code(self, *, client: OAuthClient, code: str, redirect_uri: str) -> dict[str, str]:
        """Exchange an authorization code for tokens; returns the credentials to store (access/refresh token,
        expiry). Raises ConnectorAuthError when the ATS refuses the code."""
        raise ConnectorUnsupported(f"{self.tool} has no OAuth authorization-code flow")

    # -- sources (automatic attribution) -------------------------------------------------------------------

    def list_sources(self) -> list[RemoteSource]:
        """Every candidate source the ATS offers for writing, live (all pages)."""
        raise ConnectorUnsupported(f"{self.tool} cannot list candidate sources")

    def find_source(self, name: str) -> RemoteSource | None:
        """The source whose label is exactly `name` (and of the type `source_setup` asks for), or None."""
        return next((source for source in self.list_sources() if source.label == name), None)

    def get_source(self, remote_id: str) -> RemoteSource | None:
        """The source with this remote id, or None when it no longer exists."""
        return next((source for source in self.list_sources() if source.remote_id == remote_id), None)

    def create_source(self, name: str) -> RemoteSource:
        """Create a source called `name` (CREATABLE tools only) and return it."""
        raise ConnectorUnsupported(f"{self.tool} cannot create candidate sources through its API")

    def read_application_source(
        self, *, application_remote_id: str, candidate_remote_id: str | None = None
    ) -> RemoteSource | None:
        """The source the ATS shows on this application now (read back after a create), None when it has none.

        Tools that only return a label resolve it against `list_sources()`; a label that matches no source there
        comes back with `remote_id` equal to the label.
        """
        raise ConnectorUnsupported(f"{self.tool} cannot read an application's source")

    def read_candidate_source(self, candidate_remote_id: str) -> RemoteSource | None:
        """The source the ATS shows on this candidate now, None when it has none."""
        raise ConnectorUnsupported(f"{self.tool} cannot read a candidate's source")
