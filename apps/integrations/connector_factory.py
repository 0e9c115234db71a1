"""Builds connector instances for integrations and for the connection flow (before an integration exists)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings

from apps.connectors.base import Connector, ConnectorContext
from apps.connectors.catalog import AuthKind
from apps.connectors.dtos import OAuthClient
from apps.connectors.registry import get_connector_class
from apps.integrations.models import Integration


def tool_base_url(tool: str) -> str:
    """Where new connections of `tool` point: the deployment's override (an emulator) or the connector default."""
    override = str(settings.CONNECTOR_BASE_URLS.get(tool, "")).rstrip("/")
    return override or get_connector_class(tool).default_base_url


def oauth_client(tool: str) -> OAuthClient | None:
    """Tributary's OAuth app for `tool` (settings.CONNECTOR_OAUTH_CLIENTS), None when none is configured."""
    entry = settings.CONNECTOR_OAUTH_CLIENTS.get(tool)
    if not entry or not entry.get("client_id"):
        return None
    return OAuthClient(client_id=str(entry["client_id"]), client_secret=str(entry.get("client_secret", "")))


def connector_options(tool: str, integration_key: str) -> dict[str, Any]:
    """Per-tool options: the sandbox keeps one state file per integration under SANDBOX_DIR."""
    if tool == "sandbox":
        safe_key = "".join(char if char.isalnum() or char in "-_" else "_" for char in integration_key)
        return {"path": str(Path(settings.SANDBOX_DIR) / f"{safe_key}.sqlite3")}
    return {}


def build_connector(
    *,
    tool: str,
    integration_key: str,
    base_url: str = "",
    auth_kind: str = AuthKind.NONE,
    credentials: Mapping[str, str] | None = None,
) -> Connector:
    connector_class = get_connector_class(tool)
    context = ConnectorContext(
        integration_key=integration_key,
        base_url=base_url or tool_base_url(tool),
        credentials=dict(credentials or {}),
        auth_kind=AuthKind(auth_kind or AuthKind.NONE),
        options=connector_options(tool, integration_key),
    )
    return connector_class(context)


def integration_connector(integration: Integration) -> Connector:
    """A connector for an existing integration, with its decrypted credentials."""
    from apps.integrations.selectors import integration_credentials
    from apps.integrations.services import integration_set_credentials

    connector_class = get_connector_class(integration.tool)
    context = ConnectorContext(
        integration_key=integration.id,
        base_url=integration.base_url or tool_base_url(integration.tool),
        credentials=integration_credentials(integration),
        auth_kind=AuthKind(integration.auth_kind or AuthKind.NONE),
        save_credentials=lambda credentials: integration_set_credentials(
            integration=integration, credentials=credentials
        ),
        options=connector_options(integration.tool, integration.id),
    )
    return connector_class(context)
