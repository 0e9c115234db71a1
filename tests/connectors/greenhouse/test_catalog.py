"""Greenhouse's catalog: German texts for the flow, the source strategy, assumptions, coverage, registrations."""

from __future__ import annotations

from django.utils import translation

from apps.connectors.catalog import AuthKind, SourceLevel, SourceStrategy, WriteAction
from apps.connectors.emulation.registry import get_app_factory
from apps.connectors.greenhouse.assumptions import ASSUMPTIONS
from apps.connectors.greenhouse.connector import GreenhouseConnector
from apps.connectors.registry import get_connector_class
from apps.integrations.sync_benchmarks import emulated_benchmark
from tests.integrations.test_connect_flow_i18n import MARKDOWN_LINK_TARGET, flow_texts


def test_every_flow_text_has_a_german_translation() -> None:
    texts = flow_texts(GreenhouseConnector)
    assert len(texts) == 68  # 49 + a label and a fix hint for each of the 9 write-permission probes + web hook guide

    with translation.override("de"):
        german = {text: translation.gettext(text) for text in texts}

    assert {text for text, translated in german.items() if translated == text} == {"Greenhouse", "4080"}
    for text, translated in german.items():
        assert translated.count("{source_name}") == text.count("{source_name}"), text
        assert MARKDOWN_LINK_TARGET.findall(translated) == MARKDOWN_LINK_TARGET.findall(text), text
        assert translated.count("\n") == text.count("\n"), text


def test_catalog_metadata() -> None:
    assert get_connector_class("greenhouse") is GreenhouseConnector
    assert type(get_app_factory("greenhouse")()).__name__ == "GreenhouseEmulator"
    assert emulated_benchmark("greenhouse").documented_requests_per_second == 2.5
    assert [mode.kind for mode in GreenhouseConnector.auth_modes] == [
        AuthKind.OAUTH2_CLIENT_CREDENTIALS, AuthKind.OAUTH2_AUTHORIZATION_CODE, AuthKind.API_KEY,
    ]  # fmt: skip
    assert (GreenhouseConnector.source_strategy, GreenhouseConnector.source_level) == (
        SourceStrategy.MUST_EXIST, SourceLevel.APPLICATION,
    )  # fmt: skip
    assert GreenhouseConnector.source_setup is not None
    assert "Configure → Custom Options → Sources" in GreenhouseConnector.source_setup.guide
    assert GreenhouseConnector.assumptions == ASSUMPTIONS
    assert len(ASSUMPTIONS) == 21
    assert GreenhouseConnector.passthrough_apis == ("harvest",)
    assert GreenhouseConnector.beta is False  # every point of its issue holds
    assert not GreenhouseConnector.can(WriteAction.ADD_CANDIDATE_ATTACHMENT)
    assert GreenhouseConnector.can(WriteAction.REMOVE_CANDIDATE_TAG)


def test_production_tokens_come_from_the_auth_host_and_emulated_ones_from_the_base() -> None:
    from apps.connectors.dtos import OAuthClient
    from apps.connectors.greenhouse import client as api
    from apps.connectors.http import HttpClient

    production = HttpClient(base_url="https://harvest.greenhouse.io", rate_key="gh:1", secrets=["s3cret"])
    emulated = HttpClient(base_url="http://127.0.0.1:8113", rate_key="gh:2")

    auth = api.token_http(production)
    assert (auth.base_url, auth.rate_key, list(auth.secrets)) == ("https://auth.greenhouse.io", "gh:1:auth", ["s3cret"])
    assert api.token_http(emulated) is emulated
    url = api.authorize_url(
        "https://harvest.greenhouse.io", client=OAuthClient("cid", "cs"), redirect_uri="https://t.example/cb",
        state="st", scopes=["harvest:jobs:list"],
    )  # fmt: skip
    assert url == (
        "https://auth.greenhouse.io/authorize?client_id=cid&redirect_uri=https%3A%2F%2Ft.example%2Fcb"
        "&response_type=code&state=st&scope=harvest%3Ajobs%3Alist"
    )


def test_the_connector_page_says_how_screening_answers_are_written(client) -> None:
    html = client.get("/docs/connectors/greenhouse/").content.decode()
    create = html.split('data-action="ats_create_application"')[1].split('data-action="')[0]

    assert "Screening answers: Harvest v3 has no way to write them" in create
    assert "<strong>admin-only note</strong>" in create
    assert "Screening answers cannot be written" not in html  # a documented fact, no longer among the assumptions
