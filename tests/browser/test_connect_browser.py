"""The connection flow in headless Chromium: embedded by @kombo-api/connect 1.3.0 and as a plain link.

Every step is saved as a screenshot under test-artifacts/connect-flow/<test>/.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from kombo import Kombo
from playwright.sync_api import FrameLocator, Page, expect

from apps.attribution.models import SourceMapping
from apps.core.timeutils import utcnow
from apps.integrations.connect_services import connect_link_create
from apps.integrations.models import ConnectionFlowFailure, ConnectLink, Environment, Integration
from tests.fakes.fake_ats import FakeAts, custom_source

pytestmark = pytest.mark.browser

Shoot = Callable[[Page, str], Path]


def _open_embedded(page: Page, host_url: str, link: str) -> FrameLocator:
    page.goto(host_url)
    page.evaluate("link => { window.openConnect(link); }", link)
    expect(page.locator("iframe")).to_have_count(1)
    return page.frame_locator("iframe")


def _result(page: Page) -> dict[str, Any]:
    page.wait_for_function("() => window.__result !== null && window.__result !== undefined")
    return page.evaluate("() => window.__result")


def test_embedded_flow_resolves_with_a_token_the_backend_exchanges(
    page: Page, host_url: str, shoot: Shoot, kombo: Kombo, kombo_client: Callable[..., Kombo]
) -> None:
    # given a link from the customer's backend, opened by @kombo-api/connect in the customer's page
    link = kombo.connect.create_connection_link(
        end_user_email="hr@globex.example.com",
        end_user_organization_name="Globex",
        integration_category="ATS",
        end_user_origin_id="globex-42",
    ).data.link
    page.goto(host_url)
    shoot(page, "host-page")
    frame = _open_embedded(page, host_url, link)
    assert "sdkv=1.3.0" in (page.locator("iframe").get_attribute("src") or "")

    # when the end user chooses the sandbox, connects, passes the checks and sets up the source
    expect(frame.locator("h1")).to_have_text("Which applicant tracking system do you use?")
    shoot(page, "choose-tool")
    frame.locator('button[data-tool="sandbox"]').click()
    expect(frame.locator("h1")).to_have_text("Connect Sandbox")
    expect(frame.locator(".guide")).to_contain_text("it needs no network, and no credentials unless")
    shoot(page, "guide")
    frame.locator("#connect-submit").click()
    expect(frame.locator("h1")).to_have_text("Connection verified")
    expect(frame.locator('[data-check="credentials"]')).to_have_attribute("data-ok", "true")
    shoot(page, "permission-checks")
    frame.locator("#continue").click()
    expect(frame.locator("h1")).to_have_text("Set up the candidate source")
    expect(frame.locator("#source-name")).to_have_text("Acme Jobs")
    expect(frame.locator("#existing-source option")).to_have_count(6)
    shoot(page, "source-step")
    frame.locator("#create-source").click()
    expect(frame.locator("#source-status")).to_have_attribute("data-status", "CONFIGURED")
    shoot(page, "source-configured")
    frame.locator("#continue").click()
    expect(frame.locator("#done h1")).to_have_text("Sandbox is connected")
    shoot(page, "done")

    # then the SDK's promise resolves with the activation token and the modal is gone
    result = _result(page)
    assert result["status"] == "resolved"
    expect(page.locator("iframe")).to_have_count(0)
    shoot(page, "host-after-success")

    # and the backend exchanges the token and can use the integration
    exchanged = kombo.connect.get_integration_by_token(token=result["token"]).data
    integration = Integration.objects.get(end_user_origin_id="globex-42")
    assert (exchanged.id, exchanged.tool, exchanged.setup_status) == (integration.id, "sandbox", "COMPLETED")
    client = kombo_client(integration_id=exchanged.id)
    assert client.general.get_integration_details(integration_id=exchanged.id).data.status == "ACTIVE"
    jobs = client.ats.get_jobs()
    assert jobs.result.data.results == []  # connected, not synced yet
    mapping = SourceMapping.objects.get(integration=integration)
    assert (mapping.status, mapping.remote_label) == ("CONFIGURED", "Acme Jobs")


def test_cancel_rejects_with_cancelled_error(
    page: Page, host_url: str, shoot: Shoot, kombo_client: Callable[..., Kombo]
) -> None:
    link = (
        kombo_client()
        .connect.create_connection_link(
            end_user_email="hr@globex.example.com", end_user_organization_name="Globex", integration_tool="sandbox"
        )
        .data.link
    )
    frame = _open_embedded(page, host_url, link)
    expect(frame.locator("h1")).to_have_text("Connect Sandbox")
    shoot(page, "before-cancel")

    frame.locator("#close-flow").click()

    result = _result(page)
    assert result == {
        "status": "rejected",
        "name": "KomboConnectCancelledError",
        "message": "The user cancelled the flow!",
        "cancelled": True,
    }
    expect(page.locator("iframe")).to_have_count(0)
    assert not Integration.objects.filter(tool="sandbox").exists()
    assert ConnectLink.objects.get().completed_at is None


def test_expired_and_used_links(
    page: Page, host_url: str, shoot: Shoot, kombo_client: Callable[..., Kombo], client: Client, live_server: Any
) -> None:
    kombo = kombo_client()
    # an expired link shows why, and closing it rejects the SDK's promise
    expired = kombo.connect.create_connection_link(
        end_user_email="a@globex.example.com", end_user_organization_name="Globex", integration_tool="sandbox"
    ).data.link
    ConnectLink.objects.update(expires_at=utcnow() - timedelta(minutes=1))
    frame = _open_embedded(page, host_url, expired)
    expect(frame.locator("h1")).to_have_text("This link has expired")
    shoot(page, "expired-embedded")
    frame.locator("#close-invalid").click()
    assert _result(page)["name"] == "KomboConnectCancelledError"
    assert list(ConnectionFlowFailure.objects.values_list("step", flat=True)) == ["LINK"]

    # a link that completed a flow cannot be used again
    used = kombo.connect.create_connection_link(
        end_user_email="b@globex.example.com", end_user_organization_name="Globex", integration_tool="sandbox"
    ).data.link
    path = used.removeprefix(live_server.url)
    client.post(f"{path}connect", {"mode": "NONE"})
    client.post(f"{path}source", {"action": "create"})
    assert client.post(f"{path}finish").status_code == 200
    response = page.goto(used)
    assert response is not None
    assert response.status == 410
    expect(page.locator("h1")).to_have_text("This link has already been used")
    expect(page.locator("#close-invalid")).to_be_hidden()  # a plain link has no parent to close
    shoot(page, "used-plain-link")


def test_plain_link_in_german_on_a_phone_with_must_exist_source(
    page: Page, shoot: Shoot, kombo: Kombo, environment: Environment, fake_ats: type, live_server: Any
) -> None:
    """The MUST_EXIST path (as for SmartRecruiters' custom sources), with the fake ATS as the remote system."""
    FakeAts.state.api_keys.update({"narrow-key": {"jobs_read"}, "full-key": {"jobs_read", "candidates_create"}})
    link = connect_link_create(
        environment=environment,
        end_user_email="hr@globex.example.com",
        end_user_organization_name="Globex",
        integration_tool=FakeAts.tool,
        language="de",
        link_type="MAGIC_LINK",
        base_url=live_server.url,
    ).url
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(link)
    expect(page.locator("h1")).to_have_text("Fake ATS verbinden")
    expect(page.locator("#close-flow")).to_be_hidden()  # nothing to close in a plain tab
    shoot(page, "anleitung-und-zugangsdaten")
    page.locator("#field-api_key").fill("narrow-key")
    page.locator("#connect-submit").click()
    expect(page.locator("h1")).to_have_text("Einige Berechtigungen fehlen")
    expect(page.locator('[data-check="candidates_create"]')).to_have_attribute("data-ok", "false")
    expect(page.locator('[data-check="candidates_create"] .fix')).to_contain_text("Candidates: create")
    shoot(page, "berechtigung-fehlt")

    page.locator("#retry").click()
    page.locator("#field-api_key").fill("full-key")
    page.locator("#connect-submit").click()
    expect(page.locator("h1")).to_have_text("Verbindung geprüft")
    shoot(page, "berechtigungen-ok")
    page.locator("#continue").click()
    expect(page.locator("#source-status")).to_have_attribute("data-status", "PENDING_SETUP")
    expect(page.locator(".guide")).to_contain_text("Add a custom source named Acme Jobs")
    shoot(page, "quelle-anleitung")
    page.locator("#check-source").click()
    expect(page.locator("#source-status")).to_contain_text("noch keine Quelle mit genau dem Namen „Acme Jobs“")
    shoot(page, "quelle-nicht-gefunden")

    FakeAts.state.sources.append(custom_source("Acme Jobs", "src-42"))  # the end user creates it in the ATS
    page.locator("#check-source").click()
    expect(page.locator("#source-status")).to_have_attribute("data-status", "CONFIGURED")
    shoot(page, "quelle-gefunden")
    page.locator("#continue").click()
    expect(page.locator("#done h1")).to_have_text("Fake ATS ist verbunden")
    expect(page.locator("#done-plain")).to_have_text("Sie können dieses Fenster jetzt schließen.")
    shoot(page, "fertig")

    token = page.evaluate("() => JSON.parse(document.getElementById('activation-token').textContent)")
    exchanged = kombo.connect.get_integration_by_token(token=token).data
    assert (exchanged.tool, exchanged.setup_status) == ("fakeats", "COMPLETED")
    mapping = SourceMapping.objects.get(integration_id=exchanged.id)
    assert (mapping.status, mapping.remote_id) == ("CONFIGURED", "src-42")


@pytest.fixture
def oauth_ats(fake_ats: type, host_url: str, settings: Any) -> str:
    """The fake ATS with its approval page served from the host server's loopback origin."""
    base = host_url.removesuffix("/host.html") + "/fake-ats"
    settings.CONNECTOR_BASE_URLS = {FakeAts.tool: base}
    FakeAts.state.api_keys["oauth-token"] = {"jobs_read", "candidates_create"}
    FakeAts.state.codes["code-browser"] = "oauth-token"
    FakeAts.state.sources.append(custom_source("Acme Jobs", "src-42"))
    return base


def _oauth_link(environment: Environment, live_server: Any) -> str:
    return connect_link_create(
        environment=environment,
        end_user_email="hr@globex.example.com",
        end_user_organization_name="Globex",
        integration_tool=FakeAts.tool,
        base_url=live_server.url,
    ).url


def test_embedded_oauth_signs_in_in_a_popup(
    page: Page, host_url: str, shoot: Shoot, environment: Environment, oauth_ats: str, live_server: Any
) -> None:
    frame = _open_embedded(page, host_url, _oauth_link(environment, live_server))
    frame.locator(".tabs a", has_text="Sign in").click()
    expect(frame.locator("#oauth-start")).to_have_text("Sign in with Fake ATS")
    shoot(page, "oauth-start")

    with page.expect_popup() as popup_info:
        frame.locator("#oauth-start").click()
    popup = popup_info.value
    expect(popup.locator("#scopes")).to_have_text("jobs_read candidates_create")
    shoot(popup, "ats-approval-popup")
    with popup.expect_event("close"):
        popup.locator("#approve").click()

    # the popup told the iframe to continue: the checks ran with the exchanged token
    expect(frame.locator("h1")).to_have_text("Connection verified")
    shoot(page, "checks-after-oauth")
    frame.locator("#continue").click()
    expect(frame.locator("#source-status")).to_have_attribute("data-status", "CONFIGURED")  # found live
    frame.locator("#continue").click()
    result = _result(page)
    assert result["status"] == "resolved"
    integration = Integration.objects.get(tool=FakeAts.tool)
    assert (integration.auth_kind, integration.base_url) == ("OAUTH2_AUTHORIZATION_CODE", oauth_ats)


def test_plain_link_oauth_redirects_and_comes_back(
    page: Page, shoot: Shoot, environment: Environment, oauth_ats: str, live_server: Any
) -> None:
    link = _oauth_link(environment, live_server)
    page.goto(link)
    page.locator(".tabs a", has_text="Sign in").click()
    page.locator("#oauth-start").click()
    expect(page.locator("#approve")).to_be_visible()
    assert page.url.startswith(f"{oauth_ats}/oauth/authorize.html?")
    shoot(page, "ats-approval")

    page.locator("#deny").click()
    expect(page.locator("h1")).to_have_text("Some permissions are missing")
    expect(page.locator('[data-check="credentials"] .detail')).to_have_text("access_denied")
    shoot(page, "denied")

    page.locator("#retry").click()
    page.locator("#oauth-start").click()
    page.locator("#approve").click()
    expect(page.locator("h1")).to_have_text("Connection verified")
    shoot(page, "approved")
    page.locator("#continue").click()
    page.locator("#continue").click()
    expect(page.locator("#done-plain")).to_be_visible()
    shoot(page, "done")
    assert Integration.objects.get(tool=FakeAts.tool).setup_status == Integration.SetupStatus.COMPLETED
    assert list(ConnectionFlowFailure.objects.values_list("step", "reason")) == [
        ("OAUTH", "Authorization denied: access_denied")
    ]


OVERFLOWING_TEXT = """() => [...document.querySelectorAll('main *')]
    .filter(element => element.clientWidth > 0 && element.scrollWidth > element.clientWidth + 1)
    .map(element => element.tagName + ': ' + element.textContent.trim().slice(0, 40))"""


def test_long_german_words_wrap_on_a_small_phone(page: Page, environment: Environment, live_server: Any) -> None:
    link = connect_link_create(
        environment=environment,
        end_user_email="hr@globex.example.com",
        end_user_organization_name="Globex",
        language="de",
        link_type="MAGIC_LINK",
        base_url=live_server.url,
    ).url
    page.set_viewport_size({"width": 320, "height": 640})

    page.goto(link)

    expect(page.locator("h1")).to_have_text("Welches Bewerbermanagementsystem nutzen Sie?")
    assert page.evaluate(OVERFLOWING_TEXT) == []  # "Bewerbermanagementsystem" was cut off at the right edge
    assert page.evaluate("() => document.documentElement.scrollWidth") == 320
