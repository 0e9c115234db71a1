"""The connection flow's Factorial path in headless Chromium, against the Factorial emulator on loopback.

Factorial's candidate sources can only be added in its interface (MUST_EXIST): the source step shows the guide,
the check fails until the source exists, the test adds it through the emulator's control endpoint (what the end
user does in Factorial), and the check passes. Screenshots of every step go to test-artifacts/connect-flow/<test>/.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from kombo import Kombo
from playwright.sync_api import FrameLocator, Page, expect

from apps.attribution.models import SourceMapping
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.factorial.emulator import DEFAULT_API_KEY, FactorialEmulator, create_app
from apps.integrations.connect_services import connect_link_create
from apps.integrations.models import ConnectionFlowFailure, Environment, Integration
from apps.integrations.selectors import integration_credentials
from apps.integrations.sync import RunOutcome, sync_run_execute

pytestmark = pytest.mark.browser

Shoot = Callable[[Page, str], Path]
CLIENT_ID, CLIENT_SECRET = "tributary-factorial", "tributary-secret"


class Factorial:
    """The emulator the flow talks to, and its control endpoints (what an admin does in Factorial's UI)."""

    def __init__(self, app: FactorialEmulator, url: str) -> None:
        self.app = app
        self.url = url

    def control(self, method: str, path: str, **kwargs: Any) -> Any:
        response = requests.request(method, f"{self.url}/_emulator{path}", timeout=10, **kwargs)
        assert response.ok, response.text
        return response.json()

    def register_oauth_app(self, callback: str, scopes: list[str]) -> None:
        self.control(
            "POST",
            "/oauth/clients",
            json={
                "clientId": CLIENT_ID,
                "clientSecret": CLIENT_SECRET,
                "redirectUris": [callback],
                "scopes": scopes,
                "name": "Tributary",
            },
        )

    def state(self) -> dict[str, Any]:
        return self.control("GET", "/state")


@pytest.fixture
def factorial(settings: Any, live_server: Any) -> Iterator[Factorial]:
    """The emulator (its seed has no "Acme Jobs" source: the end user must add it) as Factorial's base URL, and
    Tributary's OAuth app registered with it for the live server's callback."""
    app = create_app(limits_enabled=False)
    with LoopbackServer(app) as server:
        emulator = Factorial(app, server.url)
        emulator.control("DELETE", "/records/candidate_sources/11")  # the seed's "Acme Jobs"
        settings.CONNECTOR_BASE_URLS = {"factorial": server.url}
        settings.CONNECTOR_OAUTH_CLIENTS = {"factorial": {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}}
        emulator.register_oauth_app(f"{live_server.url}/connect/oauth/callback", ["recruitment", "employees"])
        yield emulator


def _result(page: Page) -> dict[str, Any]:
    page.wait_for_function("() => window.__result !== null && window.__result !== undefined")
    return page.evaluate("() => window.__result")


def _source_step_until_configured(page: Page | FrameLocator, shoot: Callable[[str], Any], factorial: Factorial) -> None:
    expect(page.locator("#source-name")).to_have_text("Acme Jobs")
    expect(page.locator("#source-status")).to_have_attribute("data-status", "PENDING_SETUP")
    expect(page.locator(".guide")).to_contain_text("add a new source named exactly Acme Jobs")
    expect(page.locator("#create-source")).to_have_count(0)  # sources cannot be created through Factorial's API
    shoot("source-guide")
    page.locator("#check-source").click()
    expect(page.locator("#source-status")).to_contain_text("We could not find a source named exactly “Acme Jobs”")
    shoot("source-not-found")

    factorial.control("POST", "/candidate-sources", json={"name": "Acme Jobs", "category": "job_board"})
    page.locator("#check-source").click()
    expect(page.locator("#source-status")).to_have_attribute("data-status", "CONFIGURED")
    expect(page.locator("#source-status")).to_contain_text("Found the source “Acme Jobs” in Factorial")
    shoot("source-found")


def test_embedded_api_key_flow_with_scope_checks_and_the_source_set_up_by_hand(
    page: Page, host_url: str, shoot: Shoot, factorial: Factorial, kombo_client: Callable[..., Kombo]
) -> None:
    kombo = kombo_client()
    link = kombo.connect.create_connection_link(
        end_user_email="hr@acme.example.com",
        end_user_organization_name="Acme Corp",
        integration_tool="factorial",
        end_user_origin_id="acme-7",
    ).data.link
    page.goto(host_url)
    page.evaluate("link => { window.openConnect(link); }", link)
    frame = page.frame_locator("iframe")

    # the guide for Factorial API keys, then a wrong key
    expect(frame.locator("h1")).to_have_text("Connect Factorial")
    expect(frame.locator(".guide")).to_contain_text("open Configuration, then API, and choose Create API key")
    shoot(page, "guide")
    frame.locator("#field-api_key").fill("not-a-factorial-key")
    frame.locator("#connect-submit").click()
    expect(frame.locator("h1")).to_have_text("Some permissions are missing")
    expect(frame.locator('[data-check="credentials"] .detail')).to_have_text("Invalid API key")
    expect(frame.locator('[data-check="recruitment"]')).to_have_attribute("data-ok", "skipped")
    shoot(page, "wrong-key")

    # the right key: credentials and both permissions, live
    frame.locator("#retry").click()
    frame.locator("#field-api_key").fill(DEFAULT_API_KEY)
    frame.locator("#connect-submit").click()
    expect(frame.locator("h1")).to_have_text("Connection verified")
    for check in ("credentials", "recruitment", "employees"):
        expect(frame.locator(f'[data-check="{check}"]')).to_have_attribute("data-ok", "true")
    shoot(page, "permission-checks")
    frame.locator("#continue").click()

    _source_step_until_configured(frame, lambda step: shoot(page, step), factorial)
    frame.locator("#continue").click()
    expect(frame.locator("#done h1")).to_have_text("Factorial is connected")
    shoot(page, "done")

    result = _result(page)
    assert result["status"] == "resolved"
    exchanged = kombo.connect.get_integration_by_token(token=result["token"]).data
    integration = Integration.objects.get(end_user_origin_id="acme-7")
    assert (exchanged.id, exchanged.tool, exchanged.setup_status) == (integration.id, "factorial", "COMPLETED")
    assert (integration.auth_kind, integration.base_url) == ("API_KEY", factorial.url)
    assert integration_credentials(integration) == {"api_key": DEFAULT_API_KEY}
    source_id = next(s["id"] for s in factorial.state()["candidateSources"] if s["name"] == "Acme Jobs")
    mapping = SourceMapping.objects.get(integration=integration)
    assert (mapping.status, mapping.remote_id, mapping.remote_label, mapping.remote_type) == (
        "CONFIGURED", str(source_id), "Acme Jobs", "job_board",
    )  # fmt: skip
    assert list(ConnectionFlowFailure.objects.order_by("created_at").values_list("step", "reason")) == [
        ("CREDENTIALS", "Credentials: Invalid API key"),
        ("SOURCE", "No source named 'Acme Jobs' exists in the ATS yet."),
    ]

    # the customer's backend syncs and applies someone: Factorial shows the application with the new source
    sdk = kombo_client(integration_id=integration.id)
    run_id = sdk.general.trigger_sync(type_="FULL").data.sync_id
    assert sync_run_execute(run_id=run_id, time_budget=float("inf")) == RunOutcome.SUCCEEDED
    job = next(job for job in sdk.ats.get_jobs().result.data.results if job.remote_id == "2")
    years, permit = job.screening_questions[:2]
    yes = next(option.id for option in permit.format_.options if option.name == "Yes")
    created = sdk.ats.create_application(
        job_id=job.id,
        candidate={"first_name": "Grace", "last_name": "Hopper", "email_address": "grace@example.com"},
        screening_question_answers=[
            {"question_id": years.id, "answer": "30"},
            {"question_id": permit.id, "answer": yes},
        ],
    ).data
    stored = next(item for item in factorial.state()["applications"] if str(item["id"]) == created.remote_id)
    assert stored["source"] == {
        "written": "Acme Jobs", "sourceId": source_id, "name": "Acme Jobs", "label": "Acme Jobs", "medium": None,
    }  # fmt: skip
    assert created.candidate.source == "Acme Jobs"


def test_plain_link_oauth_missing_scope_then_a_company_token(
    page: Page, shoot: Shoot, factorial: Factorial, environment: Environment, live_server: Any
) -> None:
    # Tributary's OAuth app in Factorial was registered without the `employees` scope
    factorial.register_oauth_app(f"{live_server.url}/connect/oauth/callback", ["recruitment"])
    link = connect_link_create(
        environment=environment,
        end_user_email="hr@acme.example.com",
        end_user_organization_name="Acme Corp",
        integration_tool="factorial",
        link_type="MAGIC_LINK",
        base_url=live_server.url,
    ).url

    page.goto(link)
    page.locator(".tabs a", has_text="Sign in with Factorial").click()
    expect(page.locator(".guide")).to_contain_text("Tributary asks for a company token")
    shoot(page, "oauth-start")
    page.locator("#oauth-start").click()
    expect(page.locator("#scopes")).to_have_text("recruitment Recruitment: job postings, candidates, applications, "
                                                  "questions, answers, sources, feedback")  # fmt: skip
    assert page.url.startswith(f"{factorial.url}/oauth/authorize?")
    assert "resource_owner_type=company" in page.url
    shoot(page, "factorial-approval")
    page.locator("#allow").click()

    expect(page.locator("h1")).to_have_text("Some permissions are missing")
    expect(page.locator('[data-check="recruitment"]')).to_have_attribute("data-ok", "true")
    expect(page.locator('[data-check="employees"]')).to_have_attribute("data-ok", "false")
    expect(page.locator('[data-check="employees"] .detail')).to_have_text(
        'Access to this resource requires scope "employees".'
    )
    expect(page.locator('[data-check="employees"] .fix')).to_contain_text("scope “employees”")
    shoot(page, "employees-scope-missing")

    # the OAuth app gets the scope (its old tokens are revoked), the end user signs in again
    factorial.register_oauth_app(f"{live_server.url}/connect/oauth/callback", ["recruitment", "employees"])
    page.locator("#retry").click()
    page.locator("#oauth-start").click()
    page.locator("#allow").click()
    expect(page.locator("h1")).to_have_text("Connection verified")
    shoot(page, "permission-checks")
    page.locator("#continue").click()

    _source_step_until_configured(page, lambda step: shoot(page, step), factorial)
    page.locator("#continue").click()
    expect(page.locator("#done h1")).to_have_text("Factorial is connected")
    expect(page.locator("#done-plain")).to_be_visible()
    shoot(page, "done")

    integration = Integration.objects.get(tool="factorial")
    credentials = integration_credentials(integration)
    assert (integration.auth_kind, integration.setup_status) == ("OAUTH2_AUTHORIZATION_CODE", "COMPLETED")
    assert (credentials["expires_at"], credentials["client_id"]) == ("", CLIENT_ID)  # a company token
    assert set(credentials) == {"access_token", "refresh_token", "expires_at", "client_id", "client_secret"}
