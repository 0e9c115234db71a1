"""The sandbox ATS: in-process, deterministic demo data, no credentials and no network."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from apps.connectors.base import Connector
from apps.connectors.catalog import (
    READ_MODEL_FIELDS,
    WRITE_ACTION_FIELDS,
    AuthKind,
    AuthMode,
    ReadCoverage,
    ReadModel,
    SourceStrategy,
    WriteAction,
    WriteCoverage,
    fields_with_status,
)
from apps.connectors.dtos import Page, RemoteRecord
from apps.connectors.errors import ConnectorUnsupported


class SandboxConnector(Connector):
    tool = "sandbox"
    label = "Sandbox"
    auth_modes = (
        AuthMode(
            kind=AuthKind.NONE,
            label="No credentials",
            guide="The sandbox is a demo ATS inside Tributary. It needs no credentials and no network.",
        ),
    )
    read_coverage = tuple(
        ReadCoverage(
            model=model,
            fields=fields_with_status(READ_MODEL_FIELDS[model]),
            supports_updated_since=True,
            supports_remote_ids=True,
        )
        for model in ReadModel
    )
    write_coverage = tuple(
        WriteCoverage(action=action, fields=fields_with_status(WRITE_ACTION_FIELDS[action])) for action in WriteAction
    )
    source_strategy = SourceStrategy.FREE_TEXT

    def verify_credentials(self) -> None:
        return None

    def read(
        self,
        model: ReadModel,
        *,
        cursor: str | None = None,
        updated_since: datetime | None = None,
        remote_ids: Sequence[str] | None = None,
        parent_remote_ids: Sequence[str] | None = None,
    ) -> Page[RemoteRecord]:
        raise ConnectorUnsupported("The sandbox store is not built yet.")
