"""Factorial's candidate sources: a read-only catalogue (MUST_EXIST), found by exact label or name, read back by
`source_id` from applications and candidates."""

from __future__ import annotations

import pytest

from apps.connectors.catalog import SourceLevel, SourceStrategy
from apps.connectors.dtos import RemoteSource
from apps.connectors.errors import ConnectorNotFound, ConnectorUnsupported
from apps.connectors.factorial.connector import FactorialConnector
from tests.connectors.factorial.conftest import FA
from tests.connectors.factorial.harness import factorial_connector


@pytest.fixture
def connector(fa: FA) -> FactorialConnector:
    return factorial_connector(fa.url)


def _source(remote_id: int, category: str, name: str, label: str) -> RemoteSource:
    raw = {"id": remote_id, "company_id": 1, "category": category, "name": name, "label": label}
    return RemoteSource(remote_id=str(remote_id), label=label, type=category, remote_data=raw)


def test_strategy_is_must_exist_with_a_setup_guide() -> None:
    assert FactorialConnector.source_strategy == SourceStrategy.MUST_EXIST
    assert FactorialConnector.source_level == SourceLevel.APPLICATION
    assert FactorialConnector.source_setup is not None
    assert "named exactly **{source_name}**" in FactorialConnector.source_setup.guide


def test_list_sources_reads_the_whole_catalogue(connector: FactorialConnector) -> None:
    sources = connector.list_sources()

    assert len(sources) == 11
    assert sources[1] == _source(2, "referral", "referred", "Referred")
    assert sources[-1] == _source(11, "job_board", "Acme Jobs", "Acme Jobs")


def test_find_source_by_label_then_by_name(connector: FactorialConnector, fa: FA) -> None:
    assert connector.find_source("Acme Jobs") == _source(11, "job_board", "Acme Jobs", "Acme Jobs")
    assert connector.find_source("referred") == _source(2, "referral", "referred", "Referred")
    assert connector.find_source("Globex Careers") is None

    fa.control("POST", "/candidate-sources", json={"name": "Globex Careers", "category": "job_board"})

    assert connector.find_source("Globex Careers") == _source(12, "job_board", "Globex Careers", "Globex Careers")


def test_get_source_is_none_once_deleted(connector: FactorialConnector, fa: FA) -> None:
    assert connector.get_source("11") == _source(11, "job_board", "Acme Jobs", "Acme Jobs")

    fa.control("DELETE", "/candidate-sources/11")

    assert connector.get_source("11") is None
    assert connector.get_source("acme") is None  # cannot be a Factorial id: no call


def test_sources_cannot_be_created_through_the_api(connector: FactorialConnector) -> None:
    with pytest.raises(ConnectorUnsupported):
        connector.create_source("Globex Careers")


def test_read_back_the_source_of_applications_and_candidates(connector: FactorialConnector) -> None:
    assert connector.read_application_source(application_remote_id="2") == _source(
        6, "organic", "career_page", "Career page"
    )
    # "newsletter" was written, matched no catalogue entry: Factorial keeps no source_id and returns no string
    assert connector.read_application_source(application_remote_id="3") is None
    assert connector.read_candidate_source("1") == _source(4, "job_board", "indeed", "Indeed")
    with pytest.raises(ConnectorNotFound):
        connector.read_application_source(application_remote_id="999")
    with pytest.raises(ConnectorNotFound):
        connector.read_candidate_source("cand-x")
