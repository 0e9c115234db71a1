"""The generated connector pages list exactly what each connector's catalog declares, like GET /v1/tools/ats."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.connectors.catalog import READ_MODEL_FIELDS, WRITE_ACTION_FIELDS, CoverageStatus, ReadModel, WriteAction
from apps.connectors.emulation.registry import EMULATORS
from apps.connectors.registry import CONNECTORS, get_connector_class
from apps.integrations.models import ApiKey
from apps.integrations.tool_catalog import feature_rows
from tests.integrations.connector_pages import read_page

TOOLS = tuple(sorted(CONNECTORS))  # every registered connector has its page


def _fields(names: tuple[str, ...], declared: dict[str, CoverageStatus]) -> dict[str, str]:
    return {name: declared.get(name, CoverageStatus.UNSUPPORTED).value for name in names}


def test_the_index_links_every_connector_page(client: Client) -> None:
    response = client.get("/docs/connectors/")

    assert response.status_code == 200
    html = response.content.decode()
    for tool in CONNECTORS:
        assert f'href="/docs/connectors/{tool}/"' in html
        assert f"<code>{tool}</code>" in html
    assert "cdn" not in html.lower()


@pytest.mark.parametrize("tool", TOOLS)
def test_a_page_lists_exactly_the_catalog_coverage(client: Client, tool: str) -> None:
    connector = get_connector_class(tool)

    response = client.get(f"/docs/connectors/{tool}/")

    assert response.status_code == 200
    page = read_page(response.content.decode())
    assert page.tool_slug == tool
    assert page.models == {
        entry.model.value: _fields(READ_MODEL_FIELDS[entry.model], entry.fields) for entry in connector.read_coverage
    }
    assert page.missing_models == [model.value for model in ReadModel if connector.coverage_for(model) is None]
    assert page.actions == {
        entry.action.value: _fields(WRITE_ACTION_FIELDS[entry.action], entry.fields)
        for entry in connector.write_coverage
    }
    assert page.missing_actions == [
        action.value for action in WriteAction if connector.write_coverage_for(action) is None
    ]
    assert page.features == {row.id: row.coverage_status.value for row in feature_rows(connector)}
    assert page.scope_tests == [test.id for test in connector.scope_tests]
    assert page.auth_modes == [mode.kind.value for mode in connector.auth_modes]
    assert page.source_strategy == connector.source_strategy.value


@pytest.mark.parametrize("tool", TOOLS)
def test_the_json_twin_says_what_the_page_shows(client: Client, api_key: ApiKey, tool: str) -> None:
    page = read_page(client.get(f"/docs/connectors/{tool}/").content.decode())

    response = client.get("/v1/tools/ats", headers={"Authorization": f"Bearer {api_key.raw_key}"})

    coverage = next(entry for entry in response.json()["data"]["tools"] if entry["id"] == tool)["coverage"]
    read_models = {row["id"]: row for row in coverage["read_models"] if row["coverage_status"] == "SUPPORTED"}
    write_actions = {row["id"]: row for row in coverage["write_actions"] if row["coverage_status"] == "SUPPORTED"}
    assert {key: {f["id"]: f["coverage_status"] for f in row["fields"]} for key, row in read_models.items()} == (
        page.models
    )
    assert {key: {f["id"]: f["coverage_status"] for f in row["fields"]} for key, row in write_actions.items()} == (
        page.actions
    )
    assert {row["id"]: row["coverage_status"] for row in coverage["features"]} == page.features


def test_a_page_shows_the_connection_guide_and_the_source_step(client: Client) -> None:
    html = client.get("/docs/connectors/smartrecruiters/").content.decode()

    assert "Settings → Apps &amp; Integrations → Credentials Manager" in html  # the API key guide, as Markdown
    assert "<strong>Add custom source</strong>" in html  # the source step's guide
    assert "name: <strong>your source name</strong>" in html
    assert 'href="https://developers.smartrecruiters.com/docs/authentication"' in html
    assert "<code>POST /v1/passthrough/smartrecruiters/default</code>" in html
    assert "10 requests per second" not in html  # the budget is booked 10 % below the vendor's limit
    assert "9 requests per second, 8 at once, <code>GET /candidates</code> 1 at once" in html


def test_an_unknown_tool_has_no_page(client: Client) -> None:
    assert client.get("/docs/connectors/workday/").status_code == 404


@pytest.mark.parametrize("tool", tuple(sorted(EMULATORS)))
def test_every_vendor_connector_lists_its_assumptions_on_its_page(client: Client, tool: str) -> None:
    """A tool with an emulator stands in for a real vendor, whose reference always leaves something NOT FOUND."""
    connector = get_connector_class(tool)

    page = read_page(client.get(f"/docs/connectors/{tool}/").content.decode())

    assert len(connector.assumptions) >= 1
    assert page.assumptions == len(connector.assumptions)


def test_the_sandbox_assumes_nothing(client: Client) -> None:
    page = read_page(client.get("/docs/connectors/sandbox/").content.decode())

    assert get_connector_class("sandbox").assumptions == ()
    assert page.assumptions == 0
