"""The connection flow for SmartRecruiters in headless Chromium, against the SmartRecruiters emulator.

Embedded by @kombo-api/connect with an API key (the custom source is missing at first and created in
SmartRecruiters' settings, i.e. the emulator's control endpoint, while the end user waits), and as a plain link
with OAuth; then the customer's backend creates applications through the SDK. Screenshots of every step go to
test-artifacts/connect-flow/<test>/.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from kombo import Kombo
from playwright.sync_api import Page, expect

from apps.applications.models import Job
from apps.applications.services import records_upsert
from apps.attribution.models import ApplicationAttribution, SourceMapping
from apps.connectors.catalog import ReadModel
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.smartrecruiters.emulator import DEFAULT_API_KEY, create_app
from apps.core.derived_ids import screening_option_id
from apps.core.timeutils import utcnow
from apps.integrations.connect_services import oauth_redirect_uri
from apps.integrations.connectors import connector_for
from apps.integrations.models import Integration
from tests.connectors.smartrecruiters.harness import Emulator

pytestmark = pytest.mark.browser

Shoot = Callable[[Page, str], Path]
SEED = {"seed": 3, "users": 3, "jobs": 2, "candidates": 2, "applications": 2}
OAUTH_CLIENT = {"client_id": "tributary-browser-test", "client_secret": "browser-test-secret"}


@pytest.fixture
def emulator(settings: Any) -> Iterator[Emulator]:
    app = create_app(seed=SEED, limits_enabled=True)
    with LoopbackServer(app) as server:
        settings.CONNECTOR_BASE_URLS = {"smartrecruiters": server.url}
        yield Emulator(server, app)


def _create_source(emulator: Emulator, label: str = "Acme Jobs") -> dict[str, Any]:
    """What the end user does in SmartRecruiters' settings: a custom source of type Paid, sub-type Job Board."""
    return emulator.control("POST", "/sources", json={"label": label, "type": "paid", "subtype": "job_board"})


def _apply(kombo: Kombo, integration_id: str, emulator: Emulator, email: str) -> Any:
    """The customer's backend creates an application for the emulator's public job, answering its required
    screening questions (the job is stored as a sync would store it, so its questions have our ids)."""
    integration = Integration.objects.get(id=integration_id)
    page = connector_for(integration).read(ReadModel.JOBS, remote_ids=[emulator.public_job()["id"]])
    records_upsert(integration=integration, model=ReadModel.JOBS, records=page.items, now=utcnow())
    job = Job.objects.get(integration=integration, remote_id=emulator.public_job()["id"])
    questions = {question.title: question for question in job.screening_questions.all()}
    permit = questions["Are you legally authorized to work in Spain?"]
    return kombo.ats.create_application(
        job_id=job.id,
        candidate={"first_name": "Grace", "last_name": "Hopper", "email_address": email},
        screening_question_answers=[
            {"question_id": permit.id, "answer": screening_option_id(permit.id, "yes")},
            {"question_id": questions["How many years of professional experience do you have?"].id, "answer": "9"},
        ],
    )


def _stored(emulator: Emulator, remote_id: str) -> dict[str, Any]:
    candidate_id, job_id = remote_id.split(":")
    return next(
        a for a in emulator.state()["applications"] if a["candidateId"] == candidate_id and a["jobId"] == job_id
    )


def test_embedded_api_key_flow_waits_for_the_custom_source_then_applications_carry_it(
    page: Page, host_url: str, shoot: Shoot, kombo_client: Callable[..., Kombo], emulator: Emulator
) -> None:
    # given the customer's page and a link for SmartRecruiters from its backend
    backend = kombo_client()
    link = backend.connect.create_connection_link(
        end_user_email="hr@globex.example.com",
        end_user_organization_name="Globex",
        integration_category="ATS",
        integration_tool="smartrecruiters",
    ).data.link
    page.goto(host_url)
    page.evaluate("link => { window.openConnect(link); }", link)
    frame = page.frame_locator("iframe")

    # when the end user reads the guide and enters an API key
    expect(frame.locator("h1")).to_have_text("Connect SmartRecruiters")
    expect(frame.locator(".guide")).to_contain_text("Credentials Manager")
    shoot(page, "guide-and-api-key")
    frame.locator("#field-api_key").fill(DEFAULT_API_KEY)
    frame.locator("#connect-submit").click()

    # then every permission is checked live
    expect(frame.locator("h1")).to_have_text("Connection verified")
    for check in ("credentials", "candidates_read", "candidate_applications_manage", "messages", "interviews_read"):
        expect(frame.locator(f'[data-check="{check}"]')).to_have_attribute("data-ok", "true")
    expect(frame.locator('[data-ok="true"]')).to_have_count(11)
    shoot(page, "permission-checks")

    # and the source step explains the custom source, whose check fails until it exists
    frame.locator("#continue").click()
    expect(frame.locator("#source-name")).to_have_text("Acme Jobs")
    expect(frame.locator(".guide")).to_contain_text("Type: Paid, sub-type: Job Board, name: Acme Jobs")
    expect(frame.locator("#existing-source option", has_text="LinkedIn")).to_have_count(1)
    shoot(page, "source-guide")
    frame.locator("#check-source").click()
    expect(frame.locator("#source-status")).to_have_attribute("data-status", "PENDING_SETUP")
    expect(frame.locator("#source-status")).to_contain_text("We could not find a source named exactly “Acme Jobs”")
    shoot(page, "source-missing")
    created = _create_source(emulator)  # the end user adds it in SmartRecruiters' settings
    frame.locator("#check-source").click()
    expect(frame.locator("#source-status")).to_have_attribute("data-status", "CONFIGURED")
    shoot(page, "source-found")
    frame.locator("#continue").click()
    expect(frame.locator("#done h1")).to_have_text("SmartRecruiters is connected")
    shoot(page, "done")

    # then the promise resolves with the token, which the backend exchanges
    page.wait_for_function("() => window.__result !== null && window.__result !== undefined")
    result = page.evaluate("() => window.__result")
    assert result["status"] == "resolved"
    shoot(page, "host-after-success")
    exchanged = backend.connect.get_integration_by_token(token=result["token"]).data
    assert (exchanged.tool, exchanged.setup_status) == ("smartrecruiters", "COMPLETED")
    mapping = SourceMapping.objects.get(integration_id=exchanged.id)
    assert (mapping.status, mapping.remote_id, mapping.remote_type, mapping.remote_subtype) == (
        "CONFIGURED",
        f"paid:{created['id']}",
        "paid",
        "job_board",
    )

    # and an application created through the SDK shows the configured source in SmartRecruiters
    created_application = _apply(kombo_client(integration_id=exchanged.id), exchanged.id, emulator, "grace@example.com")
    stored = _stored(emulator, created_application.data.remote_id)
    assert stored["source"]["label"] == "Acme Jobs"
    assert stored["source"]["sourceIdentifier"] == created["sourceIdentifier"]
    assert created_application.warnings == []
    attribution = ApplicationAttribution.objects.get(application_id=created_application.data.id)
    assert (attribution.status, attribution.observed_source) == ("CONFIRMED", "Acme Jobs")
    assert emulator.control("GET", "/stats")["rateLimited"] == 0


def test_plain_link_with_oauth_then_the_source_deleted_after_setup_fails_attribution(
    page: Page, shoot: Shoot, kombo_client: Callable[..., Kombo], emulator: Emulator, settings: Any, live_server: Any
) -> None:
    # given Tributary's OAuth app registered with SmartRecruiters for this server's callback, and the source set up
    emulator.control(
        "POST",
        "/oauth/clients",
        json={
            "clientId": OAUTH_CLIENT["client_id"],
            "clientSecret": OAUTH_CLIENT["client_secret"],
            "redirectUris": [oauth_redirect_uri(live_server.url)],
            "name": "Tributary",
        },
    )
    settings.CONNECTOR_OAUTH_CLIENTS = {"smartrecruiters": OAUTH_CLIENT}
    source = _create_source(emulator)
    backend = kombo_client()
    link = backend.connect.create_connection_link(
        end_user_email="hr@initech.example.com",
        end_user_organization_name="Initech",
        integration_category="ATS",
        integration_tool="smartrecruiters",
        link_type="MAGIC_LINK",
    ).data.link

    # when the end user signs in with SmartRecruiters in the same tab and allows access
    page.goto(link)
    page.locator(".tabs a", has_text="Sign in").click()
    expect(page.locator("#oauth-start")).to_have_text("Sign in with SmartRecruiters")
    shoot(page, "oauth-start")
    page.locator("#oauth-start").click()
    expect(page.locator("h1")).to_have_text("Authorize Tributary")
    assert page.url.startswith(f"{emulator.url}/identity/oauth/allow?client_id={OAUTH_CLIENT['client_id']}&")
    expect(page.locator("#scopes li")).to_have_count(12)
    shoot(page, "smartrecruiters-approval")
    page.locator("#allow").click()

    # then the checks pass with the exchanged token, the source is found live, and the flow ends
    expect(page.locator("h1")).to_have_text("Connection verified")
    expect(page.locator('[data-ok="true"]')).to_have_count(11)
    shoot(page, "checks-after-oauth")
    page.locator("#continue").click()
    expect(page.locator("#source-status")).to_have_attribute("data-status", "CONFIGURED")
    shoot(page, "source-found")
    page.locator("#continue").click()
    expect(page.locator("#done-plain")).to_be_visible()
    shoot(page, "done")
    token = page.evaluate("() => JSON.parse(document.getElementById('activation-token').textContent)")
    exchanged = backend.connect.get_integration_by_token(token=token).data
    integration = Integration.objects.get(id=exchanged.id)
    assert (integration.auth_kind, integration.base_url) == ("OAUTH2_AUTHORIZATION_CODE", emulator.url)
    kombo = kombo_client(integration_id=exchanged.id)
    first = _apply(kombo, exchanged.id, emulator, "first@example.com")
    assert _stored(emulator, first.data.remote_id)["source"]["label"] == "Acme Jobs"

    # when the source is deleted in SmartRecruiters after setup, and another application is created
    emulator.control("DELETE", f"/sources/{source['sourceIdentifier']}")
    second = _apply(kombo, exchanged.id, emulator, "second@example.com")

    # then SmartRecruiters shows its default source, the customer gets a warning, attribution FAILED with the reason
    assert _stored(emulator, second.data.remote_id)["source"]["label"] == "API"
    assert [warning.message for warning in second.warnings][0] == (
        "source: the configured source “Acme Jobs” no longer exists in SmartRecruiters; set it up again (setup link)."
    )
    failed = ApplicationAttribution.objects.get(application_id=second.data.id)
    assert (failed.status, failed.observed_source) == ("FAILED", "API")
    assert failed.reason == f"The source 'Acme Jobs' (id paid:{source['id']}) no longer exists in the ATS."
    assert ApplicationAttribution.objects.get(application_id=first.data.id).status == "CONFIRMED"
    assert SourceMapping.objects.get(integration_id=exchanged.id).status == "BROKEN"
