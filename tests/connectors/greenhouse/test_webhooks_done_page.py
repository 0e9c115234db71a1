"""Greenhouse takes our secret (Configure → Dev Center → Web Hooks has a *Secret key* field), so the connection flow's
done page shows the URL, the secret and Greenhouse's steps (German for a German link) and asks for no key; what it
shows is all Greenhouse needs: hooks made with exactly those values pass their ping."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from django.test import Client
from kombo import Kombo

from apps.connectors.catalog import RateBudget
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.greenhouse.connector import GreenhouseConnector
from apps.connectors.greenhouse.emulator import ADMIN_USER_ID, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, create_app
from apps.integrations.inbound_services import inbound_secret, inbound_url
from apps.integrations.models import InboundWebhookEndpoint, Integration
from tests.connectors.connect_support import connect_link
from tests.connectors.greenhouse.harness import UNPACED_RATE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def greenhouse_url(settings: Any, live_server: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setattr(GreenhouseConnector, "rate_budget", RateBudget(requests_per_second=100, max_concurrency=4))
    with LoopbackServer(create_app(rate=UNPACED_RATE, seed={"candidates": 1, "jobs": 1})) as server:
        settings.CONNECTOR_BASE_URLS = {"greenhouse": server.url}
        settings.PUBLIC_BASE_URL = live_server.url
        yield server.url


def test_the_done_page_shows_url_secret_and_steps_and_hooks_made_with_them_pass_the_ping(
    greenhouse_url: str, kombo_client: Callable[..., Kombo], client: Client
) -> None:
    path = connect_link(kombo_client(), "greenhouse", language="de")
    form = {
        "mode": "OAUTH2_CLIENT_CREDENTIALS", "client_id": DEFAULT_CLIENT_ID, "client_secret": DEFAULT_CLIENT_SECRET,
        "user_id": str(ADMIN_USER_ID),
    }  # fmt: skip
    assert client.post(f"{path}connect", form).status_code == 302
    done = client.post(f"{path}source", {"action": "skip"})  # the source is not what this test is about
    assert done.status_code == 200
    page = done.content.decode()
    endpoint = InboundWebhookEndpoint.objects.get(integration=Integration.objects.get(tool="greenhouse"))
    url, secret = inbound_url(endpoint), inbound_secret(endpoint)

    shown_url = re.search(r'<code id="done-webhook-url">([^<]*)</code>', page)
    shown_secret = re.search(r'<code id="done-webhook-secret">([^<]*)</code>', page)
    assert shown_url is not None
    assert shown_secret is not None
    assert (html.unescape(shown_url.group(1)), html.unescape(shown_secret.group(1))) == (url, secret)
    assert "Öffnen Sie in Greenhouse <strong>Configure → Dev Center → Web Hooks</strong>" in page
    assert all(f"<code>{event}</code>" in page for event in GreenhouseConnector.webhook_events)
    assert 'id="done-webhook-key"' not in page  # nothing to paste back
    assert client.post(f"{path}webhook-key", {"signature_key": "x"}).status_code == 404

    # the end user makes the hooks with what the page shows; each save pings, each ping is answered 200
    made = requests.post(
        f"{greenhouse_url}/_emulator/web_hooks",
        json={"name": "Tributary", "endpoint_url": html.unescape(shown_url.group(1)),
              "secret_key": html.unescape(shown_secret.group(1)),
              "event_action_types": list(GreenhouseConnector.webhook_events)},
        timeout=60,
    )  # fmt: skip
    assert made.status_code == 201, made.text
    hooks = made.json()["web_hooks"]
    assert len(hooks) == 15
    assert {hook["deactivated"] for hook in hooks} == {False}
