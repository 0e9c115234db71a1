"""The signature key Teamtailor generates for a company webhook reaches Tributary: the end user pastes it on the
connection flow's done page (`POST /connect/<token>/webhook-key`), or staff on the admin integration page. It is
stored encrypted and used to verify deliveries; bad input gets a clear answer (German for a German link), never a
500. Greenhouse takes our secret instead: its done page shows the secret and asks for nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from kombo import Kombo

from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.teamtailor.emulator import DEFAULT_API_KEY, create_app
from apps.integrations.inbound_services import inbound_secret, inbound_verifying_secret
from apps.integrations.models import ApiKey, ConnectLink, InboundWebhookEndpoint, Integration
from tests.connectors.connect_support import connect_link

pytestmark = pytest.mark.django_db(transaction=True)
NO_SPACES = "Der Signaturschlüssel enthält Leerzeichen oder Zeilenumbrüche: Fügen Sie nur den Schlüssel ein."


@pytest.fixture
def teamtailor_url(settings: Any) -> Iterator[str]:
    with LoopbackServer(create_app(limits_enabled=False)) as server:
        settings.CONNECTOR_BASE_URLS = {"teamtailor": server.url}
        settings.PUBLIC_BASE_URL = "https://tributary.example.com"
        yield server.url


def done_page(kombo: Kombo, client: Client, *, language: str = "en") -> tuple[str, str]:
    """Connect Teamtailor through the flow; the link's path and the done page's HTML."""
    path = connect_link(kombo, "teamtailor", language=language)
    posted = client.post(f"{path}connect", {"mode": "API_KEY", "api_key": DEFAULT_API_KEY, "region": "eu"})
    assert posted.status_code == 302
    done = client.post(f"{path}finish")
    assert done.status_code == 200
    return path, done.content.decode()


def endpoint_of(path: str) -> InboundWebhookEndpoint:
    integration = Integration.objects.get(tool="teamtailor")
    return InboundWebhookEndpoint.objects.get(integration=integration)


def test_the_done_page_asks_for_the_key_and_stores_it_encrypted(
    teamtailor_url: str, kombo_client: Callable[..., Kombo], client: Client, api_key: ApiKey
) -> None:
    raw_key = api_key.raw_key
    path, page = done_page(kombo_client(), client)
    endpoint = endpoint_of(path)
    # the URL to paste and the field for the generated key; our secret is not shown (Teamtailor does not take one)
    assert f"/webhooks/inbound/{endpoint.integration_id}/{endpoint.token}</code>" in page
    assert f'<form id="done-webhook-key" method="post" action="{path}webhook-key"' in page
    assert 'id="done-webhook-secret"' not in page
    assert inbound_secret(endpoint) not in page
    assert "Settings → Integrations → Webhooks</strong>" in page

    def vendor_key_stored() -> bool | None:
        integration = Integration.objects.get(tool="teamtailor")
        details = client.get(
            f"/v1/integrations/{integration.id}", headers={"Authorization": f"Bearer {raw_key}"}
        ).json()["data"]
        return details["inbound_webhooks"]["vendor_key_stored"]  # type: ignore[no-any-return]

    assert vendor_key_stored() is False
    answer = client.post(f"{path}webhook-key", {"signature_key": "  tt-generated-key-0123456789\n"})

    assert (answer.status_code, answer.json()["saved"]) == (200, True)
    assert answer.json()["message"] == "Signature key saved: changes in Teamtailor now arrive within seconds."
    endpoint.refresh_from_db()
    assert inbound_verifying_secret(endpoint) == "tt-generated-key-0123456789"  # copied whitespace dropped
    assert "tt-generated-key" not in endpoint.vendor_secret_encrypted
    assert vendor_key_stored() is True  # the customer's backend can tell (GET /v1/integrations/{id})
    # a corrected key replaces it
    assert client.post(f"{path}webhook-key", {"signature_key": "tt-second-key"}).status_code == 200
    endpoint.refresh_from_db()
    assert inbound_verifying_secret(endpoint) == "tt-second-key"


@pytest.mark.parametrize(
    ("pasted", "error"),
    [
        ("", "Fügen Sie den Signaturschlüssel ein, den das ATS anzeigt."),
        ("   ", "Fügen Sie den Signaturschlüssel ein, den das ATS anzeigt."),
        ("k" * 256, "Der Signaturschlüssel ist zu lang (höchstens 255 Zeichen)."),
        ("two words", NO_SPACES),
        ("key\x00", NO_SPACES),
    ],
)
def test_bad_keys_are_refused_with_a_german_message_and_nothing_stored(
    teamtailor_url: str, kombo_client: Callable[..., Kombo], client: Client, pasted: str, error: str
) -> None:
    path, page = done_page(kombo_client(), client, language="de")
    assert "Signaturschlüssel aus Teamtailor" in page
    assert "Öffnen Sie in Teamtailor <strong>Settings → Integrations → Webhooks</strong>" in page

    answer = client.post(f"{path}webhook-key", {"signature_key": pasted})

    assert (answer.status_code, answer.json()) == (400, {"field": "signature_key", "error": error})
    assert endpoint_of(path).vendor_secret_encrypted == ""


def test_the_key_is_taken_only_for_a_completed_link_of_a_tool_whose_vendor_generates_it(
    teamtailor_url: str, kombo_client: Callable[..., Kombo], client: Client
) -> None:
    kombo = kombo_client()
    unfinished = connect_link(kombo, "teamtailor")
    assert client.post(f"{unfinished}webhook-key", {"signature_key": "k"}).status_code == 404  # not completed
    assert client.post("/connect/no-such-token/webhook-key", {"signature_key": "k"}).status_code == 404
    path, _page = done_page(kombo, client)
    assert client.get(f"{path}webhook-key").status_code == 405
    # the done page's life is the activation token's: after that, staff paste it on the admin page
    link = ConnectLink.objects.get(integration__tool="teamtailor")
    ConnectLink.objects.filter(pk=link.pk).update(completed_at=link.completed_at - timedelta(hours=25))
    assert client.post(f"{path}webhook-key", {"signature_key": "k"}).status_code == 410
    assert endpoint_of(path).vendor_secret_encrypted == ""


def test_staff_paste_the_key_on_the_admin_integration_page(
    teamtailor_url: str, kombo_client: Callable[..., Kombo], client: Client, admin_client: Client
) -> None:
    path, _page = done_page(kombo_client(), client)
    endpoint = endpoint_of(path)
    page_url = reverse("admin:integrations_integration_change", args=[endpoint.integration_id])
    save_url = reverse("admin:integrations_integration_inbound_vendor_key", args=[endpoint.integration_id])
    page = admin_client.get(page_url).content.decode()
    assert '<span id="inbound-vendor-key" data-set="false">' in page
    assert f'formaction="{save_url}"' in page
    assert 'id="inbound-secret"' not in page

    empty = admin_client.post(save_url, {"inbound_vendor_key": ""}, follow=True).content.decode()
    assert "Signing key not saved: Paste the signature key the ATS shows." in empty
    long = admin_client.post(save_url, {"inbound_vendor_key": "k" * 300}, follow=True).content.decode()
    assert "Signing key not saved: The signature key is too long (at most 255 characters)." in long
    endpoint.refresh_from_db()
    assert endpoint.vendor_secret_encrypted == ""

    saved = admin_client.post(save_url, {"inbound_vendor_key": "tt-admin-key"}, follow=True)
    assert saved.status_code == 200
    assert "Signing key saved (encrypted)." in saved.content.decode()
    assert '<span id="inbound-vendor-key" data-set="true">' in saved.content.decode()
    assert "tt-admin-key" not in saved.content.decode()  # write-only
    endpoint.refresh_from_db()
    assert inbound_verifying_secret(endpoint) == "tt-admin-key"
