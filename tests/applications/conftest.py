from __future__ import annotations

from collections.abc import Iterator

import pytest

from apps.connectors import registry
from apps.integrations.models import Environment, Integration
from tests.applications.support import LIMITED_TOOL
from tests.factories.integrations import IntegrationFactory


@pytest.fixture
def limited_integration(environment: Environment, monkeypatch: pytest.MonkeyPatch) -> Iterator[Integration]:
    """An integration whose connector cannot read application outcomes or jobs."""
    monkeypatch.setitem(registry.CONNECTORS, LIMITED_TOOL, "tests.applications.support.LimitedConnector")
    registry.get_connector_class.cache_clear()
    yield IntegrationFactory(environment=environment, tool=LIMITED_TOOL)
    registry.get_connector_class.cache_clear()
