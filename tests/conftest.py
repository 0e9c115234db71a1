from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from kombo import Kombo

from apps.integrations.models import ApiKey, Environment, Integration
from tests.factories.integrations import ApiKeyFactory, EnvironmentFactory, IntegrationFactory
from tests.fakes.fake_ats import TOOL as FAKE_TOOL
from tests.fakes.fake_ats import FakeAts, FakeAtsState


@pytest.fixture
def environment(db: None) -> Environment:
    return EnvironmentFactory(name="acme", display_name="Acme Jobs")


@pytest.fixture
def api_key(environment: Environment) -> ApiKey:
    return ApiKeyFactory(environment=environment)


@pytest.fixture
def integration(environment: Environment) -> Integration:
    return IntegrationFactory(environment=environment)


@pytest.fixture
def other_environment(db: None) -> Environment:
    return EnvironmentFactory(name="globex", display_name="Globex Careers")


@pytest.fixture
def foreign_integration(other_environment: Environment) -> Integration:
    return IntegrationFactory(environment=other_environment)


@pytest.fixture
def api_base_url(live_server: object) -> str:
    return f"{live_server.url}/v1"  # type: ignore[attr-defined]


@pytest.fixture
def kombo_client(api_base_url: str, api_key: ApiKey) -> Callable[..., Kombo]:
    """Builds the official SDK pointed at the live server; `integration_id` and `api_key` may be overridden."""

    def build(*, integration_id: str | None = None, key: str | None = None) -> Kombo:
        return Kombo(api_key=key or api_key.raw_key, integration_id=integration_id, server_url=api_base_url)

    return build


@pytest.fixture
def kombo(kombo_client: Callable[..., Kombo], integration: Integration) -> Kombo:
    return kombo_client(integration_id=integration.id)


@pytest.fixture
def fake_ats(settings: object) -> Iterator[type[FakeAts]]:
    """Registers the fake ATS connector (tests/fakes/fake_ats.py) with fresh state and an OAuth app."""
    from apps.connectors import registry

    registry.CONNECTORS[FAKE_TOOL] = "tests.fakes.fake_ats.FakeAts"
    registry.get_connector_class.cache_clear()
    FakeAts.state = FakeAtsState()
    settings.CONNECTOR_OAUTH_CLIENTS = {FAKE_TOOL: {"client_id": "tributary-test", "client_secret": "s3cret"}}  # type: ignore[attr-defined]
    yield FakeAts
    registry.CONNECTORS.pop(FAKE_TOOL, None)
    registry.get_connector_class.cache_clear()
