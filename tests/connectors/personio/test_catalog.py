"""Personio's catalog: German texts for the flow, the pasted-channel source step, assumptions, coverage (nothing
after creation), registrations."""

from __future__ import annotations

from django.utils import translation

from apps.connectors.catalog import AuthKind, CoverageStatus, SourceLevel, SourceStrategy, WriteAction
from apps.connectors.emulation.registry import get_app_factory
from apps.connectors.personio.assumptions import ASSUMPTIONS
from apps.connectors.personio.connector import PersonioConnector
from apps.connectors.registry import get_connector_class
from apps.integrations.sync_benchmarks import emulated_benchmark
from tests.integrations.test_connect_flow_i18n import MARKDOWN_LINK_TARGET, flow_texts

FOLLOW_UPS = (
    WriteAction.MOVE_APPLICATION_STAGE, WriteAction.REJECT_APPLICATION, WriteAction.ADD_APPLICATION_NOTE,
    WriteAction.ADD_APPLICATION_ATTACHMENT, WriteAction.ADD_CANDIDATE_ATTACHMENT, WriteAction.ADD_CANDIDATE_TAG,
    WriteAction.REMOVE_CANDIDATE_TAG, WriteAction.ADD_APPLICATION_RESULT_LINK, WriteAction.ADD_CANDIDATE_RESULT_LINK,
    WriteAction.GET_APPLICATION_ATTACHMENTS, WriteAction.GET_CANDIDATE_ATTACHMENTS,
)  # fmt: skip


def test_every_flow_text_has_a_german_translation() -> None:
    texts = [*flow_texts(PersonioConnector), "Channel ID"]
    assert len(texts) == 24

    with translation.override("de"):
        german = {text: translation.gettext(text) for text in texts}

    assert {text for text, translated in german.items() if translated == text} == {"Personio", "papi-…", "98765"}
    for text, translated in german.items():
        assert translated.count("{source_name}") == text.count("{source_name}"), text
        assert MARKDOWN_LINK_TARGET.findall(translated) == MARKDOWN_LINK_TARGET.findall(text), text
        assert translated.count("\n") == text.count("\n"), text


def test_catalog_metadata() -> None:
    assert get_connector_class("personio") is PersonioConnector
    assert type(get_app_factory("personio")()).__name__ == "PersonioEmulator"
    assert emulated_benchmark("personio").documented_requests_per_second == 5.0
    assert [mode.kind for mode in PersonioConnector.auth_modes] == [AuthKind.OAUTH2_CLIENT_CREDENTIALS]
    assert [f.name for f in PersonioConnector.auth_modes[0].fields] == [
        "client_id", "client_secret", "api_key", "company_id",
    ]  # fmt: skip
    assert (PersonioConnector.source_strategy, PersonioConnector.source_level) == (
        SourceStrategy.MUST_EXIST, SourceLevel.APPLICATION,
    )  # fmt: skip
    setup = PersonioConnector.source_setup
    assert setup is not None
    assert setup.remote_id_label == "Channel ID"
    assert "Settings → Recruiting → Recruiting**, tab **Channels**" in setup.guide
    assert PersonioConnector.assumptions == ASSUMPTIONS
    assert len(ASSUMPTIONS) == 13
    assert PersonioConnector.passthrough_apis == ("recruiting",)
    assert PersonioConnector.beta is False  # every point of its issue holds


def test_only_creates_are_covered_and_every_follow_up_is_unsupported() -> None:
    assert PersonioConnector.can(WriteAction.CREATE_APPLICATION)
    assert PersonioConnector.field_status(WriteAction.CREATE_APPLICATION, "source") == CoverageStatus.SUPPORTED
    assert PersonioConnector.field_status(WriteAction.CREATE_APPLICATION, "attachments") == CoverageStatus.SUPPORTED
    assert (
        PersonioConnector.field_status(WriteAction.CREATE_APPLICATION, "screening_question_answers")
        == CoverageStatus.UNSUPPORTED
    )
    for action in FOLLOW_UPS:
        assert not PersonioConnector.can(action), action
        assert PersonioConnector.field_status(action, "remote_fields") == CoverageStatus.UNSUPPORTED
