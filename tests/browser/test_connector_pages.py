"""The generated connector pages in headless Chromium: each renders, shows its logo and exactly the catalog.

Full-page screenshots land in test-artifacts/connector-pages/ (git-ignored).
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from apps.connectors.catalog import READ_MODEL_FIELDS, WRITE_ACTION_FIELDS, CoverageStatus, ReadModel, WriteAction
from apps.connectors.registry import CONNECTORS, get_connector_class
from apps.integrations.tool_catalog import feature_rows
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

SCREENSHOTS = ARTIFACTS.parent / "connector-pages"

# What the page shows, read from the rendered DOM: {model or action id: {field id: status}} and the feature rows.
READ_LISTED = """(selector) => Object.fromEntries([...document.querySelectorAll(selector)].map((row) => [
  row.getAttribute(selector.slice(1, -1)),
  Object.fromEntries([...row.querySelectorAll("[data-field]")].map((f) => [f.dataset.field, f.dataset.status])),
]))"""


DECORATIONS = """(items) => [...new Set(items.map(
  (item) => `${item.dataset.status}:${getComputedStyle(item).textDecorationLine}`))]"""


def _fields(names: tuple[str, ...], declared: dict[str, CoverageStatus]) -> dict[str, str]:
    return {name: declared.get(name, CoverageStatus.UNSUPPORTED).value for name in names}


def _visible_logo(page: Page, selector: str) -> bool:
    return page.eval_on_selector(selector, "(img) => img.complete && img.naturalWidth > 0")


def test_the_index_renders_every_connector(page: Page, live_server: Any) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(f"{live_server.url}/docs/connectors/")

    assert page.locator("h1").inner_text() == "Connectors"
    assert page.eval_on_selector_all("[data-tool]", "(cards) => cards.map((card) => card.dataset.tool)") == sorted(
        CONNECTORS, key=lambda tool: get_connector_class(tool).label
    )
    for tool in CONNECTORS:
        assert _visible_logo(page, f'[data-tool="{tool}"] img')
    page.screenshot(path=str(SCREENSHOTS / "index.png"), full_page=True)


@pytest.mark.parametrize("tool", sorted(CONNECTORS))  # sandbox, factorial, smartrecruiters and any added later
def test_a_connector_page_renders_exactly_its_catalog(page: Page, live_server: Any, tool: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    connector = get_connector_class(tool)

    page.goto(f"{live_server.url}/docs/connectors/")
    page.click(f'[data-tool="{tool}"]')
    page.wait_for_url(f"**/docs/connectors/{tool}/")

    assert page.locator("h1").inner_text() == connector.label
    assert page.locator("#tool-slug").inner_text() == tool
    assert _visible_logo(page, ".hero img")
    assert page.evaluate(READ_LISTED, "[data-model]") == {
        entry.model.value: _fields(READ_MODEL_FIELDS[entry.model], entry.fields) for entry in connector.read_coverage
    }
    assert page.evaluate(READ_LISTED, "[data-action]") == {
        entry.action.value: _fields(WRITE_ACTION_FIELDS[entry.action], entry.fields)
        for entry in connector.write_coverage
    }
    missing = page.eval_on_selector_all(
        "[data-missing-model]", "(items) => items.map((item) => item.dataset.missingModel)"
    )
    assert missing == [model.value for model in ReadModel if connector.coverage_for(model) is None]
    missing = page.eval_on_selector_all(
        "[data-missing-action]", "(items) => items.map((item) => item.dataset.missingAction)"
    )
    assert missing == [action.value for action in WriteAction if connector.write_coverage_for(action) is None]
    features = page.eval_on_selector_all(
        "[data-feature]", "(rows) => Object.fromEntries(rows.map((row) => [row.dataset.feature, row.dataset.status]))"
    )
    assert features == {row.id: row.coverage_status.value for row in feature_rows(connector)}
    # Fields that are not available are struck through: the styles are the page's own (it loads no CSS file).
    decorations = page.eval_on_selector_all("[data-model] [data-field]", DECORATIONS)
    statuses = {status for entry in connector.read_coverage for status in entry.fields.values()}
    assert set(decorations) == {
        f"{status.value}:{'line-through' if status == CoverageStatus.UNSUPPORTED else 'none'}" for status in statuses
    }
    assert page.eval_on_selector_all('link[rel="stylesheet"], script[src]', "(items) => items.length") == 0
    page.screenshot(path=str(SCREENSHOTS / f"{tool}.png"), full_page=True)
