"""How an integration gets its connector."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from apps.connectors.catalog import AuthKind, ReadModel
from apps.connectors.sandbox.connector import SandboxConnector
from apps.connectors.sandbox.store import SandboxStore
from apps.integrations.connectors import connector_for, sandbox_path_for
from apps.integrations.models import Environment, Integration
from apps.integrations.ratelimit import DatabaseRateLimiter
from tests.factories.integrations import IntegrationFactory


def test_sandbox_connector_reads_its_own_state_file(integration: Integration, store: SandboxStore) -> None:
    connector = connector_for(integration)

    assert isinstance(connector, SandboxConnector)
    assert connector.context.http is None
    assert connector.context.options == {"path": str(sandbox_path_for(integration))}
    assert sandbox_path_for(integration) == Path(settings.SANDBOX_DIR) / f"{integration.id.replace(':', '_')}.sqlite3"
    assert [job.remote_id for job in connector.read(ReadModel.JOBS).items] == store.ids("jobs")


def test_connector_with_a_base_url_gets_the_shared_http_seam(environment: Environment) -> None:
    integration = IntegrationFactory(
        environment=environment,
        base_url="http://127.0.0.1:9/api/",
        auth_kind=AuthKind.API_KEY,
        credentials={"api_key": "k-123456"},
    )

    connector = connector_for(integration)

    http = connector.context.http
    assert http is not None
    assert (http.base_url, http.rate_key, list(http.secrets)) == (
        "http://127.0.0.1:9/api",
        integration.id,
        ["k-123456"],
    )
    assert isinstance(http.rate_limiter, DatabaseRateLimiter)
    assert dict(connector.context.credentials) == {"api_key": "k-123456"}
    assert connector.context.auth_kind == AuthKind.API_KEY
