"""Building a connector for an integration: its class, decrypted credentials, the HTTP seam, its options.

Everything that talks to an ATS on behalf of an integration (sync, write endpoints, connection flow, admin
actions) gets its connector from `connector_for`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

from apps.connectors.base import Connector, ConnectorContext
from apps.connectors.catalog import AuthKind
from apps.connectors.http import HttpClient, RateLimiter
from apps.connectors.registry import get_connector_class
from apps.connectors.sandbox.store import SandboxStore, open_store
from apps.integrations.models import Integration
from apps.integrations.ratelimit import shared_rate_limiter
from apps.integrations.selectors import integration_credentials

SANDBOX_TOOL = "sandbox"


def sandbox_path_for(integration: Integration) -> Path:
    """Where the integration's sandbox ATS keeps its state (one SQLite file per sandbox integration)."""
    return Path(settings.SANDBOX_DIR) / f"{integration.id.replace(':', '_')}.sqlite3"


def sandbox_store_for(integration: Integration, *, records: int | None = None) -> SandboxStore:
    """The sandbox ATS of a sandbox integration. `records` sizes it when it is created (ignored afterwards)."""
    if integration.tool != SANDBOX_TOOL:
        raise ValueError(f"{integration.id} is not a sandbox integration.")
    if records is None:
        return open_store(sandbox_path_for(integration))
    return open_store(sandbox_path_for(integration), records=records)


def connector_options(integration: Integration) -> dict[str, Any]:
    """Per-tool options for `ConnectorContext.options`."""
    if integration.tool == SANDBOX_TOOL:
        return {"path": str(sandbox_path_for(integration))}
    return {}


def connector_for(integration: Integration, *, rate_limiter: RateLimiter | None = None) -> Connector:
    """A ready connector for `integration`; HTTP connectors share the integration's rate budget across processes."""
    connector_class = get_connector_class(integration.tool)
    credentials = integration_credentials(integration)
    base_url = (integration.base_url or connector_class.default_base_url).rstrip("/")
    http = None
    if base_url:
        http = HttpClient(
            base_url=base_url,
            rate_key=integration.id,
            budget=connector_class.rate_budget,
            rate_limiter=rate_limiter or shared_rate_limiter(),
            secrets=[value for value in credentials.values() if value],
        )

    def save_credentials(new_credentials: dict[str, str]) -> None:
        from apps.integrations.services import integration_set_credentials

        integration_set_credentials(integration=integration, credentials=new_credentials)

    context = ConnectorContext(
        integration_key=integration.id,
        base_url=base_url,
        credentials=credentials,
        auth_kind=AuthKind(integration.auth_kind),
        http=http,
        save_credentials=save_credentials,
        options=connector_options(integration),
    )
    return connector_class(context)
