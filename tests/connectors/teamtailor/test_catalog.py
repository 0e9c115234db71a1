"""Teamtailor's catalog in the flow: every text it shows has German (the region choices too), the logo exists,
out of beta: every point of its issue holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from apps.connectors.catalog import SourceStrategy
from apps.connectors.registry import get_connector_class
from tests.integrations.test_connect_flow_i18n import flow_texts


def test_every_flow_text_has_german_but_the_product_name_and_the_key_placeholder() -> None:
    connector = get_connector_class("teamtailor")
    texts = flow_texts(connector)
    regions = [label for field in connector.auth_modes[0].fields for _value, label in field.choices]

    with translation.override("de"):
        untranslated = {text for text in texts + regions if translation.gettext(text) == text}
        german_regions = [translation.gettext(label) for label in regions]

    assert len(texts) == 13  # with the webhook setup guide of the done page
    assert untranslated == {"Teamtailor", "abc123…", "Region", "EU (app.teamtailor.com)"}
    assert german_regions == ["EU (app.teamtailor.com)", "Nordamerika (app.na.teamtailor.com)"]


def test_logo_source_strategy_and_not_beta() -> None:
    connector = get_connector_class("teamtailor")

    assert (Path(settings.BASE_DIR) / "static" / "tools" / "teamtailor.svg").read_text().startswith("<svg")
    assert connector.source_strategy == SourceStrategy.FREE_TEXT
    assert connector.beta is False
    assert len(connector.assumptions) == 11


@pytest.mark.django_db
def test_the_connector_page_says_how_the_source_appears_and_that_files_need_a_public_url(client: Client) -> None:
    html = client.get("/docs/connectors/teamtailor/").content.decode()

    notes = html.split('id="vendor-notes"')[1].split("</section>")[0]
    assert notes.count("data-vendor-note") == 7
    assert "shows in Teamtailor as the referring site <strong>acme-jobs</strong>" in notes
    assert "takes files only as a public URL it downloads itself" in notes
    assert "Direct Apply" in notes
    assert "Settings → Integrations → Webhooks" in notes
    assert html.count("data-assumption") == 11
