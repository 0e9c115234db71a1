"""Issues of an environment (no integration): `GET /v1/environment/issues` and the admin's issue list."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from django.test import Client
from django.urls import reverse

from apps.core.timeutils import format_datetime, utcnow
from apps.integrations.issues import observe_webhook_endpoint
from apps.integrations.models import ApiKey, Environment, Integration, IntegrationIssue, WebhookEndpoint
from apps.integrations.webhook_services import webhook_endpoint_create
from tests.integrations.test_admin_dashboard import figures


def disable(endpoint: WebhookEndpoint, minutes_ago: int) -> IntegrationIssue:
    raised = observe_webhook_endpoint(
        environment_id=endpoint.environment_id, endpoint_id=endpoint.id, url=endpoint.url, disabled=True,
        reason="Every delivery failed for 24 h", now=utcnow() - timedelta(minutes=minutes_ago),
    )  # fmt: skip
    assert raised is True
    return IntegrationIssue.objects.get(subject=endpoint.id)


@pytest.fixture
def endpoints(environment: Environment, webhook_settings: object) -> list[WebhookEndpoint]:
    return [webhook_endpoint_create(environment=environment, url=f"http://127.0.0.1:9/hook-{n}")[0] for n in range(3)]


@pytest.fixture
def integration_issue(integration: Integration) -> IntegrationIssue:
    return IntegrationIssue.objects.create(
        environment=integration.environment, integration=integration, type="integration.syncs_failing",
        status="OPEN", title="Syncs keep failing here", first_observed_at=utcnow(),
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_the_api_lists_the_environments_own_issues_open_first_and_nothing_of_integrations_or_others(
    api_base_url: str,
    api_key: ApiKey,
    endpoints: list[WebhookEndpoint],
    integration_issue: IntegrationIssue,
    other_environment: Environment,
) -> None:
    ages = zip(endpoints, (90, 60, 30), strict=True)
    resolved, older, newer = (disable(endpoint, minutes) for endpoint, minutes in ages)
    observe_webhook_endpoint(
        environment_id=resolved.environment_id, endpoint_id=resolved.subject, url="", disabled=False
    )
    foreign = webhook_endpoint_create(environment=other_environment, url="http://127.0.0.1:9/foreign")[0]
    disable(foreign, 10)
    resolved.refresh_from_db()

    response = requests.get(
        f"{api_base_url}/environment/issues", headers={"Authorization": f"Bearer {api_key.raw_key}"}, timeout=10
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["data"]["next"]) == ("success", None)
    results = body["data"]["results"]
    assert [(row["id"], row["status"], row["subject"]) for row in results] == [
        (newer.id, "OPEN", endpoints[2].id), (older.id, "OPEN", endpoints[1].id),
        (resolved.id, "RESOLVED", endpoints[0].id),
    ]  # fmt: skip
    assert results[0] == {
        "id": newer.id, "type": "environment.webhook_endpoint_disabled", "title": "A webhook endpoint was disabled",
        "status": "OPEN", "markdown_message": newer.markdown_message,
        "first_observed_at": format_datetime(newer.first_observed_at), "resolved_at": None,
        "subject": endpoints[2].id,
    }  # fmt: skip
    assert results[2]["resolved_at"] == format_datetime(resolved.resolved_at)
    assert (
        f"Tributary disabled the webhook endpoint {endpoints[2].url} (id {endpoints[2].id})"
        in (results[0]["markdown_message"])
    )


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_401_without_a_key(api_base_url: str) -> None:
    response = requests.get(f"{api_base_url}/environment/issues", timeout=10)

    assert response.status_code == 401
    assert response.json()["status"] == "error"


@pytest.mark.django_db
def test_the_admin_home_counts_environment_issues_apart_and_links_to_their_list(
    admin_client: Client, endpoints: list[WebhookEndpoint], integration_issue: IntegrationIssue
) -> None:
    issue = disable(endpoints[0], 5)

    home = admin_client.get("/admin/").content.decode()
    shown = figures(home)
    listing = reverse("admin:integrations_integrationissue_changelist")

    assert shown["Open integration issues"] == "1"
    assert shown["Open environment issues (e.g. a webhook endpoint disabled)"] == "1"
    assert f'{listing}?status__exact=OPEN&amp;of=environment"' in home
    assert f'{listing}?status__exact=OPEN&amp;of=integration"' in home

    page = admin_client.get(listing, {"status__exact": "OPEN", "of": "environment"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "A webhook endpoint was disabled" in html
    assert "Syncs keep failing here" not in html  # an integration's issue is not the environment's
    endpoint_page = reverse("admin:integrations_webhookendpoint_change", args=[endpoints[0].id])
    assert f'<a href="{endpoint_page}">webhook endpoint {endpoints[0].id}</a>' in html

    detail = admin_client.get(reverse("admin:integrations_integrationissue_change", args=[issue.pk]))
    assert detail.status_code == 200
    assert "Tributary disabled the webhook endpoint" in detail.content.decode()
    assert "Syncs keep failing here" in admin_client.get(listing, {"of": "integration"}).content.decode()
