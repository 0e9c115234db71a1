"""Building a connector: its class, decrypted credentials, the HTTP seam with the shared rate limiter, its options.

Everything that talks to an ATS (sync, write endpoints, connection flow, admin actions) gets its connector here:
`connector_for(integration)` for an existing integration, `build_connector(...)` in the connection flow before the
integration exists.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from django.conf import settings

from apps.connectors.base import Connector, ConnectorContext, Credentials, CredentialsRenewal
from apps.connectors.catalog import AuthKind
from apps.connectors.dtos import OAuthClient
from apps.connectors.http import HttpClient, Timeout
from apps.connectors.http_limits import RateLimiter
from apps.connectors.registry import get_connector_class
from apps.connectors.sandbox.store import SandboxStore, open_store
from apps.integrations.models import Integration
from apps.integrations.ratelimit import shared_rate_limiter
from apps.integrations.selectors import integration_credentials

SANDBOX_TOOL = "sandbox"


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


def _sandbox_path(integration_key: str) -> Path:
    safe_key = "".join(char if char.isalnum() or char in "-_" else "_" for char in integration_key)
    return Path(settings.SANDBOX_DIR) / f"{safe_key}.sqlite3"


def sandbox_path_for(integration: Integration) -> Path:
    """Where the integration's sandbox ATS keeps its state (one SQLite file per sandbox integration)."""
    return _sandbox_path(integration.id)


def sandbox_store_for(integration: Integration, *, records: int | None = None) -> SandboxStore:
    """The sandbox ATS of a sandbox integration. `records` sizes it when it is created (ignored afterwards)."""
    if integration.tool != SANDBOX_TOOL:
        raise ValueError(f"{integration.id} is not a sandbox integration.")
    if records is None:
        return open_store(sandbox_path_for(integration))
    return open_store(sandbox_path_for(integration), records=records)


def connector_options(tool: str, integration_key: str) -> dict[str, Any]:
    """Per-tool options for `ConnectorContext.options`."""
    if tool == SANDBOX_TOOL:
        return {"path": str(_sandbox_path(integration_key))}
    return {}


def build_connector(
    *,
    tool: str,
    integration_key: str,
    base_url: str = "",
    auth_kind: str = AuthKind.NONE,
    credentials: Mapping[str, str] | None = None,
    save_credentials: Callable[[dict[str, str]], None] | None = None,
    credentials_renewal: CredentialsRenewal | None = None,
    rate_limiter: RateLimiter | None = None,
    sync_tokens: Mapping[str, str] | None = None,
) -> Connector:
    """A connector for `tool` acting for `integration_key`; HTTP connectors share that key's rate budget.
    `sync_tokens`: the stored incremental-sync tokens per model (`Connector.sync_token`), passed on as
    `options["sync_tokens"]`."""
    connector_class = get_connector_class(tool)
    credentials = dict(credentials or {})
    base_url = (base_url or tool_base_url(tool)).rstrip("/")
    http = None
    if base_url:
        http = HttpClient(
            base_url=base_url,
            rate_key=integration_key,
            budget=connector_class.rate_budget,
            rate_limiter=rate_limiter or shared_rate_limiter(),
            secrets=[value for value in credentials.values() if value],
            max_response_bytes=settings.CONNECTOR_MAX_RESPONSE_BYTES,
            timeout=Timeout(read=settings.CONNECTOR_READ_TIMEOUT_SECONDS),
        )
    context_kwargs: dict[str, Any] = {}
    if save_credentials is not None:
        context_kwargs["save_credentials"] = save_credentials
    if credentials_renewal is not None:
        context_kwargs["credentials_renewal"] = credentials_renewal
    context = ConnectorContext(
        integration_key=integration_key,
        base_url=base_url,
        credentials=credentials,
        auth_kind=AuthKind(auth_kind or AuthKind.NONE),
        http=http,
        options={
            **connector_options(tool, integration_key),
            **({"sync_tokens": dict(sync_tokens)} if sync_tokens else {}),
        },
        **context_kwargs,
    )
    return connector_class(context)


def connector_for(integration: Integration, *, rate_limiter: RateLimiter | None = None) -> Connector:
    """A ready connector for an existing integration, with its decrypted credentials."""
    from apps.integrations.services import integration_renew_credentials

    def credentials_renewal(held: Mapping[str, str], renew: Callable[[Credentials], Credentials]) -> Credentials:
        return integration_renew_credentials(integration=integration, held=held, renew=renew)

    return build_connector(
        tool=integration.tool,
        integration_key=integration.id,
        base_url=integration.base_url,
        auth_kind=integration.auth_kind,
        credentials=integration_credentials(integration),
        credentials_renewal=credentials_renewal,
        rate_limiter=rate_limiter,
        sync_tokens=integration.sync_tokens,
    )
