"""The connector kit: what every HTTP connector builds the same way on top of `Connector`.

- `read_coverage` / `write_fields`: catalog coverage entries from the unified field lists, naming only what a tool
  does not support (everything else is SUPPORTED);
- `HttpConnector`: the vendor client built once per instance from the context (HTTP seam, auth kind, credentials,
  the shared renewal), the `page_size` option, `read` dispatching to the vendor's `readers()` (one `ReadQuery`
  in, one page out), the passthrough API check, passthrough auth headers and the one renewal after a 401 — a
  vendor names its client class, its readers, and says where its passthrough API lives.

A vendor client (`client.py`) offers `auth_headers()` and `renew_after_rejection()`; see `apps.connectors.oauth2`
for the token plumbing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from apps.connectors.base import Connector, ConnectorContext
from apps.connectors.catalog import (
    READ_MODEL_FIELDS,
    WRITE_ACTION_FIELDS,
    CoverageStatus,
    ReadCoverage,
    ReadModel,
    Scope,
    WriteAction,
    fields_with_status,
)
from apps.connectors.dtos import Page, RemoteRecord
from apps.connectors.errors import ConnectorInputError, ConnectorUnavailable, ConnectorUnsupported


def read_coverage(
    model: ReadModel,
    *,
    unsupported: tuple[str, ...] = (),
    updated_since: bool = False,
    remote_ids: bool = False,
    scope: Scope = Scope.NONE,
) -> ReadCoverage:
    """The coverage of one read model: every unified field SUPPORTED but those in `unsupported`."""
    return ReadCoverage(
        model=model,
        fields=fields_with_status(READ_MODEL_FIELDS[model], unsupported=unsupported),
        supports_updated_since=updated_since,
        supports_remote_ids=remote_ids,
        scope=scope,
    )


def write_fields(action: WriteAction, *, unsupported: tuple[str, ...] = ()) -> dict[str, CoverageStatus]:
    """The input fields of one write action: every one SUPPORTED but those in `unsupported`."""
    return fields_with_status(WRITE_ACTION_FIELDS[action], unsupported=unsupported)


@dataclass(frozen=True)
class ReadQuery:
    """The arguments of one `Connector.read` call (see its docstring)."""

    model: ReadModel
    cursor: str | None = None
    updated_since: datetime | None = None
    remote_ids: Sequence[str] | None = None
    parent_remote_ids: Sequence[str] | None = None

    def parents(self, tool: str) -> Sequence[str]:
        """The parent ids a scoped model is read for; a scoped read without them is the caller's mistake."""
        if self.parent_remote_ids is None:
            raise ConnectorInputError(f"{tool} reads {self.model} per parent: pass parent_remote_ids.")
        return self.parent_remote_ids


Reader = Callable[[ReadQuery], Page[RemoteRecord]]


class HttpConnector(Connector):
    """A connector over an ATS's HTTP API (see the module docstring)."""

    client_class: ClassVar[type]  # the vendor's client (`client.py`), a dataclass taking the keywords below
    max_page_size: ClassVar[int] = 100

    def __init__(self, context: ConnectorContext, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__(context)
        self._clock = clock
        self._client: Any = None

    @property
    def http(self) -> Any:
        if self.context.http is None:
            raise ConnectorUnavailable(f"The {self.label} connector needs an HTTP client (a base URL).")
        return self.context.http

    def client_options(self) -> dict[str, Any]:
        """Extra keywords for the vendor client (e.g. its page size)."""
        return {}

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = self.client_class(
                http=self.http,
                auth_kind=self.context.auth_kind,
                credentials=dict(self.context.credentials),
                renew_credentials=self.context.renew_credentials,
                clock=self._clock,
                **self.client_options(),
            )
        return self._client

    def readers(self) -> Mapping[ReadModel, Reader]:
        """The vendor's page reader of each model it reads."""
        return {}

    def read(
        self,
        model: ReadModel,
        *,
        cursor: str | None = None,
        updated_since: datetime | None = None,
        remote_ids: Sequence[str] | None = None,
        parent_remote_ids: Sequence[str] | None = None,
    ) -> Page[RemoteRecord]:
        reader = self.readers().get(model)
        if reader is None:
            raise ConnectorUnsupported(f"{self.label} does not read {model}.")
        return reader(ReadQuery(model, cursor, updated_since, remote_ids, parent_remote_ids))

    def page_size(self, default: int) -> int:
        """The `page_size` option (tests, benchmarks) within 1..`max_page_size`, else `default`."""
        size = self.context.options.get("page_size")
        return max(1, min(int(size), self.max_page_size)) if size else default

    @property
    def api_base(self) -> str:
        return (self.context.base_url or self.default_base_url).rstrip("/")

    def check_passthrough_api(self, api: str) -> None:
        if api not in self.passthrough_apis:
            raise ConnectorUnsupported(
                f"{self.label} has no passthrough API {api!r} (only: {', '.join(self.passthrough_apis)})."
            )

    def passthrough_headers(self) -> dict[str, str]:
        """The vendor client's auth headers (an expiring OAuth token is renewed first)."""
        return self.client.auth_headers()

    def passthrough_reauthenticate(self) -> bool:
        """An OAuth token the ATS answered 401 to is renewed once; an API key cannot be."""
        return self.client.renew_after_rejection()
