"""Attribution against the real sandbox ATS: source created through its API, written, read back, deleted."""

from __future__ import annotations

from typing import Any

import pytest

from apps.attribution.models import SourceMapping
from apps.attribution.selectors import attribution_source_for_write
from apps.attribution.services import attribution_record_outcome, source_mapping_create_remote
from apps.connectors.sandbox.connector import SandboxConnector
from apps.connectors.sandbox.store import NewCandidate, SandboxStore
from apps.integrations.connectors import connector_for
from apps.integrations.models import Integration


@pytest.fixture
def connector(integration: Integration) -> SandboxConnector:
    sandbox = connector_for(integration)
    assert isinstance(sandbox, SandboxConnector)
    return sandbox


def _open_jobs(store: SandboxStore) -> list[dict[str, Any]]:
    return [doc for doc in store.list("jobs", limit=200).docs if doc["status"] == "OPEN"]


def test_sandbox_sources_are_listed_and_created(connector: SandboxConnector, integration: Integration) -> None:
    labels = [source.label for source in connector.list_sources()]
    assert labels == ["LinkedIn", "Indeed", "Company website", "Referral", "StepStone", "Glassdoor"]

    mapping = source_mapping_create_remote(integration=integration, connector=connector)
    assert (mapping.status, mapping.remote_id, mapping.remote_label) == ("CONFIGURED", "src-7", "Acme Jobs")
    # creating again finds the existing one instead of adding a duplicate
    source_mapping_create_remote(integration=integration, connector=connector)
    assert [source.label for source in connector.list_sources()].count("Acme Jobs") == 1
    assert connector.find_source("Acme Jobs") == connector.get_source("src-7")


def test_written_source_is_confirmed_and_an_existing_candidate_keeps_its_own(
    connector: SandboxConnector, integration: Integration
) -> None:
    source_mapping_create_remote(integration=integration, connector=connector)
    decision = attribution_source_for_write(integration)
    assert decision.instruction is not None
    store = connector.store
    first_job, second_job = _open_jobs(store)[:2]

    # a new candidate: the application and the candidate carry our source
    created = store.create_application(
        job_id=first_job["id"],
        candidate=NewCandidate(first_name="Ada", last_name="Lovelace", email_address="ada@example.com"),
        source=decision.instruction.name,
    )
    record = attribution_record_outcome(
        integration=integration,
        decision=decision,
        application_remote_id=created.application["id"],
        candidate_remote_id=created.candidate["id"],
        candidate_existed=not created.candidate_created,
    )
    assert (record.status, record.observed_source, record.observed_source_remote_id) == (
        "CONFIRMED",
        "Acme Jobs",
        "src-7",
    )
    assert connector.read_candidate_source(created.candidate["id"]).label == "Acme Jobs"  # type: ignore[union-attr]

    # an existing candidate (from the sandbox's seed) applies again: its own source stays
    existing = next(doc for doc in store.list("candidates", limit=50).docs if doc.get("source"))
    email = existing["emails"][0]["address"]
    again = store.create_application(
        job_id=second_job["id"],
        candidate=NewCandidate(first_name="X", last_name="Y", email_address=email),
        source=decision.instruction.name,
    )
    assert again.candidate_created is False
    record = attribution_record_outcome(
        integration=integration,
        decision=decision,
        application_remote_id=again.application["id"],
        candidate_remote_id=existing["id"],
        candidate_existed=True,
    )
    assert (record.status, record.candidate_existed) == ("CONFIRMED", True)
    assert connector.read_candidate_source(existing["id"]).label == existing["source"]  # type: ignore[union-attr]


def test_source_deleted_in_the_ats_after_setup_fails_with_a_reason(
    connector: SandboxConnector, integration: Integration
) -> None:
    source_mapping_create_remote(integration=integration, connector=connector)
    decision = attribution_source_for_write(integration)
    assert decision.instruction is not None
    store = connector.store
    store.delete_source("src-7")  # an ATS admin removed the source

    created = store.create_application(
        job_id=_open_jobs(store)[0]["id"],
        candidate=NewCandidate(first_name="Grace", last_name="Hopper", email_address="grace@example.com"),
        source=decision.instruction.name,
    )
    record = attribution_record_outcome(
        integration=integration, decision=decision, application_remote_id=created.application["id"]
    )
    assert (record.status, record.reason) == (
        "FAILED",
        "The source 'Acme Jobs' (id src-7) no longer exists in the ATS.",
    )
    assert SourceMapping.objects.get(integration=integration).status == SourceMapping.Status.BROKEN
    assert attribution_source_for_write(integration).instruction is None
