"""The connection flow in German shows the connector catalogs' texts in German too (they are English in the
connectors and translated where the flow renders them; the German is in locale/de)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import translation

from apps.attribution.selectors import source_mapping_get
from apps.connectors.base import Connector
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.registry import CONNECTORS, get_connector_class
from apps.connectors.smartrecruiters.emulator import DEFAULT_API_KEY, create_app
from apps.integrations.connect_services import connect_link_create
from apps.integrations.models import Environment, Integration

# Texts the flow shows as they are in every language, besides each tool's label (a product name: the flow does not
# translate it) and the placeholders (what the start of a real key, id or subdomain looks like). Nothing else may
# stay English in German.
UNTRANSLATED = {
    # source types exactly as the user has to pick them in the ATS's settings
    "Paid → Job Board",  # SmartRecruiters: type → sub-type
    "Inbound",  # Ashby
    # the same word in German
    "Subdomain",  # Workable's account field
    "Region",  # Teamtailor's EU / North America choice: the same word in German
}

MARKDOWN_LINK_TARGET = re.compile(r"\]\(([^)]*)\)")


def flow_texts(connector_class: type[Connector]) -> list[str]:
    """Every text of the connector's catalog that an end user sees in the connection flow."""
    texts = [connector_class.label]
    for mode in connector_class.auth_modes:
        texts += [mode.label, mode.guide, *(label for label, _url in mode.links)]
        for credential_field in mode.fields:
            texts += [credential_field.label, credential_field.help_text, credential_field.placeholder]
    for test in connector_class.scope_tests:
        texts += [test.label, test.fix_hint]
    guide = connector_class.source_setup
    if guide is not None:
        texts += [guide.guide, guide.source_type_label or "", *(label for label, _url in guide.links)]
    texts.append(connector_class.webhook_setup_guide or "")  # the done page, for webhooks set up by hand
    return [text for text in dict.fromkeys(texts) if text]


def tools_with_a_flow() -> list[str]:
    """Every tool of the connector registry an end user can connect in the flow (it has an auth mode)."""
    return [tool for tool in CONNECTORS if get_connector_class(tool).auth_modes]


def placeholders(connector_class: type[Connector]) -> set[str]:
    return {field.placeholder for mode in connector_class.auth_modes for field in mode.fields if field.placeholder}


def test_the_flow_is_checked_for_every_registered_tool() -> None:
    tools = tools_with_a_flow()

    assert tools == list(CONNECTORS)  # every connector has a flow today
    assert {"smartrecruiters", "factorial", "sandbox", "greenhouse", "workable", "teamtailor", "ashby"} <= set(tools)


@pytest.mark.parametrize("tool", tools_with_a_flow())
def test_every_connector_text_of_the_flow_has_a_german_translation(tool: str) -> None:
    # given every text the flow shows from the tool's catalog
    connector_class = get_connector_class(tool)
    texts = flow_texts(connector_class)
    assert len(texts) > 2  # the label, an auth mode, its field or guide at least

    # when each is looked up in the German catalog
    with translation.override("de"):
        german = {text: translation.gettext(text) for text in texts}

    # then all but the tool's label, its placeholders and the listed exceptions are German
    allowed = {connector_class.label, *placeholders(connector_class), *UNTRANSLATED}
    assert {text for text, translated in german.items() if translated == text} - allowed == set()
    for text, translated in german.items():
        # the guides keep their placeholder, Markdown links and line structure
        assert translated.count("{source_name}") == text.count("{source_name}"), text
        assert MARKDOWN_LINK_TARGET.findall(translated) == MARKDOWN_LINK_TARGET.findall(text), text
        assert translated.count("\n") == text.count("\n"), text


def test_the_exceptions_are_still_shown_by_some_flow() -> None:
    shown = {text for tool in tools_with_a_flow() for text in flow_texts(get_connector_class(tool))}

    assert shown >= UNTRANSLATED  # an exception no flow shows any more goes from the list


@pytest.fixture
def sr_emulator(settings: Any) -> Iterator[LoopbackServer]:
    app = create_app(seed={"seed": 1, "users": 1, "jobs": 1, "candidates": 0, "applications": 0})
    with LoopbackServer(app) as server:
        settings.CONNECTOR_BASE_URLS = {"smartrecruiters": server.url}
        yield server


def test_german_link_shows_smartrecruiters_texts_in_german(
    client: Client, environment: Environment, sr_emulator: LoopbackServer
) -> None:
    # given a German link to SmartRecruiters (the browser asks for English: the link's language wins)
    issued = connect_link_create(
        environment=environment,
        end_user_email="hr@globex.example.com",
        end_user_organization_name="Globex",
        base_url="http://testserver",
        integration_tool="smartrecruiters",
        language="de",
    )
    link = urlsplit(issued.url).path
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}

    # when the end user opens the connect page
    page = client.get(f"{link}connect", **english).content.decode()

    # then the auth modes, the field and the Markdown guide are German
    assert "Mit SmartRecruiters anmelden</a>" in page
    assert "OAuth-Client (Client Credentials)</a>" in page
    assert "API-Schlüssel (X-SmartToken)" in page
    assert 'placeholder="DCRA1-…"' in page
    assert "<li>Melden Sie sich bei SmartRecruiters als <strong>Administrator</strong> an.</li>" in page
    assert "SmartRecruiters: Zugriffs-Scopes &#8599;</a>" in page
    assert "Sign in to SmartRecruiters" not in page

    # when they connect with a key and look at the checks
    response = client.post(f"{link}connect", {"mode": "API_KEY", "api_key": DEFAULT_API_KEY}, **english)
    assert response["Location"] == f"{link}checks"
    page = client.get(f"{link}checks", **english).content.decode()

    # then each permission is named in German
    assert page.count('data-ok="true"') == 11
    assert '<div class="label">Kandidaten und Bewerbungen lesen</div>' in page
    assert '<div class="label">Notizen lesen und schreiben (Messages)</div>' in page
    assert "Read candidates and applications" not in page

    # when they go on to the source step
    page = client.get(f"{link}source", **english).content.decode()

    # then the source guide is German, with the environment's source name put in as literal text
    integration = Integration.objects.get(tool="smartrecruiters")
    name = source_mapping_get(integration).source_name  # type: ignore[union-attr]
    assert name
    assert "<h2>So legen Sie sie an (Paid → Job Board)</h2>" in page
    assert (
        f"<li>Wählen Sie <strong>Add custom source</strong>. Typ: <strong>Paid</strong>, Untertyp: "
        f"<strong>Job Board</strong>, Name: <strong>{name}</strong> (genau so geschrieben).</li>"
    ) in page
    assert "SmartRecruiters: eigene Kandidatenquelle anlegen &#8599;</a>" in page
    assert "{source_name}" not in page
