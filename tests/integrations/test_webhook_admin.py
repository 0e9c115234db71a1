"""The webhook admin pages, through Django's test client: add (secret shown once), actions, replay."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from apps.core.timeutils import utcnow
from apps.integrations.models import Environment, WebhookDelivery, WebhookEndpoint, WebhookEvent
from apps.integrations.webhook_delivery import signing_secrets, webhook_endpoint_disable
from apps.integrations.webhook_services import webhook_event_emit
from tests.integrations.webhook_receiver import Receiver
from tests.integrations.webhooks_support import deliver_all

CHANGELIST = "/admin/integrations/webhookendpoint/"


def _messages(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.django_db
def test_add_shows_the_secret_once_and_actions_work(
    admin_client: Client, environment: Environment, receiver: Receiver
) -> None:
    response = admin_client.post(
        f"{CHANGELIST}add/",
        {"environment": environment.id, "url": receiver.url, "event_types": ["data-changed"], "active": "on"},
        follow=True,
    )
    endpoint = WebhookEndpoint.objects.get()
    (shown,) = [m for m in _messages(response) if "shown only now" in m]
    secret = re.search(r"(whsec_\S+)$", shown).group(1)  # type: ignore[union-attr]
    assert signing_secrets(endpoint, utcnow()) == [secret]
    assert endpoint.event_types == ["data-changed"]
    assert secret not in admin_client.get(f"{CHANGELIST}{endpoint.id}/change/").content.decode()

    # a test ping, signed with that secret
    receiver.secret = secret
    response = admin_client.post(
        CHANGELIST, {"action": "send_test_ping", "_selected_action": [endpoint.id]}, follow=True
    )
    assert any(m.startswith("Test ping ") for m in _messages(response))
    deliver_all()
    (ping,) = receiver.received
    assert (ping.type, ping.standard_ok, ping.kombo_ok) == ("ping", True, True)

    # rotate: a new secret shown once, the old one still signing
    response = admin_client.post(
        CHANGELIST, {"action": "rotate_secret", "_selected_action": [endpoint.id]}, follow=True
    )
    (rotated,) = [m for m in _messages(response) if "shown only now" in m]
    new_secret = re.search(r"(whsec_\S+)$", rotated).group(1)  # type: ignore[union-attr]
    endpoint.refresh_from_db()
    assert signing_secrets(endpoint, utcnow()) == [new_secret, secret]


@pytest.mark.django_db
def test_a_disabled_endpoint_shows_why_and_staff_re_enable_it(
    admin_client: Client, environment: Environment, endpoint: WebhookEndpoint
) -> None:
    webhook_event_emit(environment_id=environment.id, type="ping", data={})
    webhook_endpoint_disable(endpoint=endpoint, reason="Every delivery failed for 24.3 hours (since …).")
    page = admin_client.get(f"{CHANGELIST}{endpoint.id}/change/").content.decode()
    assert "Every delivery failed for 24.3 hours" in page

    response = admin_client.post(CHANGELIST, {"action": "re_enable", "_selected_action": [endpoint.id]}, follow=True)
    assert f"{endpoint.url} is enabled again; 1 waiting deliveries queued." in _messages(response)
    endpoint.refresh_from_db()
    assert (endpoint.active, endpoint.disabled_reason) == (True, "")


@pytest.mark.django_db
def test_replay_since_a_moment(
    admin_client: Client, environment: Environment, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    before = webhook_event_emit(environment_id=environment.id, type="ping", data={}, now=utcnow() - timedelta(days=2))
    integration_event = webhook_event_emit(
        environment_id=environment.id, type="data-changed",
        data={"integration_id": "x", "integration_tool": "sandbox", "integration_category": "ATS",
              "changed_models": []},
    )  # fmt: skip
    deliver_all()
    assert admin_client.get(f"{CHANGELIST}{endpoint.id}/replay/").status_code == 200
    since = (utcnow() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = admin_client.post(f"{CHANGELIST}{endpoint.id}/replay/", {"since": since}, follow=True)
    assert f"1 events since {since.replace('T', ' ')} queued." in _messages(response)
    deliver_all()
    assert receiver.ids().count(integration_event.id) == 2
    assert receiver.ids().count(before.id) == 1
    assert WebhookDelivery.objects.get(event=integration_event).attempts == 2
    assert WebhookEvent.objects.count() == 2


@pytest.mark.django_db
def test_the_lists_render(admin_client: Client, endpoint: WebhookEndpoint, environment: Environment) -> None:
    webhook_event_emit(environment_id=environment.id, type="ping", data={})
    deliver_all()
    for page in ("webhookendpoint", "webhookdelivery", "webhookattempt", "webhookevent"):
        response = admin_client.get(f"/admin/integrations/{page}/")
        assert response.status_code == 200, page
    delivery = WebhookDelivery.objects.get()
    detail = admin_client.get(f"/admin/integrations/webhookdelivery/{delivery.id}/change/").content.decode()
    assert 'id="send-again"' in detail
    assert admin_client.get(f"/admin/integrations/webhookdelivery/{delivery.id}/send-again/").status_code == 405
