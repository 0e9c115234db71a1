"""Personio's page says that its changes arrive by polling only, and why (its webhooks have no recruiting events)."""

from __future__ import annotations

import re

from django.test import Client

from apps.connectors.personio.connector import PersonioConnector
from apps.connectors.webhooks import WebhookSetup


def test_personio_is_polling_only_and_its_page_says_why(client: Client) -> None:
    html = client.get("/docs/connectors/personio/").content.decode()

    assert PersonioConnector.webhook_setup == WebhookSetup.NONE
    section = re.search(r'<section class="card" id="vendor-notes">(.*?)</section>', html, re.S)
    assert section is not None
    text = section.group(1)
    assert "<strong>Changes arrive by polling only.</strong>" in text
    for event in ("person.created", "person.updated", "person.deleted", "updated_at.gt", "/v2/webhooks"):
        assert f"<code>{event}</code>" in text
    assert "no recruiting event for applications, candidates or jobs" in text
