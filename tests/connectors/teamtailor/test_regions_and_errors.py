"""The region a connection names (EU / NA) decides the host, or the emulator's prefix; JSON:API error bodies reach
our errors with Teamtailor's own `detail`."""

from __future__ import annotations

import pytest
import requests

from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.errors import ConnectorAuthError, ConnectorInputError
from apps.connectors.teamtailor.connector import EU_BASE_URL, NA_BASE_URL, regional_base_url
from apps.connectors.teamtailor.emulator import DEFAULT_API_KEY, DEFAULT_NA_API_KEY
from tests.connectors.teamtailor.harness import teamtailor_connector


@pytest.mark.parametrize(
    ("base_url", "region", "expected"),
    [
        ("", "eu", EU_BASE_URL),
        (EU_BASE_URL, "na", NA_BASE_URL),
        (NA_BASE_URL, "eu", EU_BASE_URL),
        ("http://127.0.0.1:9000", "na", "http://127.0.0.1:9000/na"),
        ("http://127.0.0.1:9000/eu", "na", "http://127.0.0.1:9000/na"),
        ("http://127.0.0.1:9000/eu/", None, "http://127.0.0.1:9000/eu"),
        (NA_BASE_URL, None, NA_BASE_URL),
    ],
)
def test_the_region_picks_the_vendor_host_or_the_emulator_prefix(base_url: str, region: str, expected: str) -> None:
    assert regional_base_url(base_url, region) == expected


def regions(url: str) -> dict[str, int]:
    return requests.get(f"{url}/_emulator/regions", timeout=5).json()["requests"]


def test_each_region_reaches_the_emulator_under_its_prefix_and_a_key_only_works_in_its_own(
    tt_server: LoopbackServer,
) -> None:
    na = teamtailor_connector(tt_server.url, key=DEFAULT_NA_API_KEY, credentials={"region": "na"})
    eu = teamtailor_connector(tt_server.url, credentials={"region": "eu"})

    na.verify_credentials()
    assert regions(tt_server.url) == {"eu": 0, "na": 1}
    eu.verify_credentials()
    assert regions(tt_server.url) == {"eu": 1, "na": 1}
    assert (na.api_base, eu.api_base) == (f"{tt_server.url}/na", f"{tt_server.url}/eu")
    assert na.passthrough_base_url("v1") == f"{tt_server.url}/na/v1"

    wrong = teamtailor_connector(tt_server.url, key=DEFAULT_API_KEY, credentials={"region": "na"})
    with pytest.raises(ConnectorAuthError) as refused:
        wrong.verify_credentials()
    assert refused.value.remote_message == "Invalid API key"
    assert regions(tt_server.url) == {"eu": 1, "na": 2}


def test_a_json_api_error_surfaces_its_detail(tt_server: LoopbackServer) -> None:
    connector = teamtailor_connector(f"{tt_server.url}/eu")

    with pytest.raises(ConnectorInputError) as refused:
        connector.client.post("/candidates", {"data": {"type": "candidates", "attributes": {"first-name": "X"}}})

    assert refused.value.status_code == 422
    assert refused.value.remote_message == "email - can't be blank"
