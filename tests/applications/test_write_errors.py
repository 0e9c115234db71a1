"""What the ATS or the connector refuses: the contract's codes, the ATS's own words, nothing stored, warnings for
what a connector cannot write."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from kombo import Kombo, errors

from apps.applications.models import Application
from apps.connectors import registry
from apps.connectors.base import ConnectorContext
from apps.connectors.catalog import (
    CANDIDATE_WRITE_FIELDS,
    WriteAction,
    WriteCoverage,
    fields_with_status,
)
from apps.connectors.sandbox.connector import SandboxConnector
from apps.connectors.sandbox.store import FaultKind, NewCandidate, open_store
from apps.integrations.connectors import sandbox_path_for
from apps.integrations.models import Environment, Integration
from apps.integrations.services import integration_set_enabled
from tests.applications.writing import JOB, candidate, required_answers, sandbox, stored_job
from tests.factories.integrations import IntegrationFactory

PARTIAL_TOOL = "partialats"


class PartialWriter(SandboxConnector):
    """The sandbox, declaring that it can only create applications, without gender, social links, screening answers
    or a source."""

    tool = PARTIAL_TOOL
    label = "Partial ATS"
    write_coverage = (
        WriteCoverage(
            action=WriteAction.CREATE_APPLICATION,
            fields=fields_with_status(
                CANDIDATE_WRITE_FIELDS,
                unsupported=("candidate.gender", "source"),
                not_implemented=("candidate.social_links", "screening_question_answers"),
            ),
        ),
    )

    def __init__(self, context: ConnectorContext) -> None:
        path = sandbox_path_for(Integration(id=context.integration_key))
        super().__init__(dataclasses.replace(context, options={"path": str(path)}))


@pytest.fixture
def partial(environment: Environment, monkeypatch: pytest.MonkeyPatch) -> Iterator[Integration]:
    monkeypatch.setitem(registry.CONNECTORS, PARTIAL_TOOL, "tests.applications.test_write_errors.PartialWriter")
    registry.get_connector_class.cache_clear()
    yield IntegrationFactory(environment=environment, tool=PARTIAL_TOOL)
    registry.get_connector_class.cache_clear()


def _code(error: pytest.ExceptionInfo[errors.KomboAtsError]) -> tuple[int, str, str]:
    return error.value.status_code, error.value.data.error.code, str(error.value)


@pytest.mark.filterwarnings("ignore:.*DEPRECATED:DeprecationWarning")  # the SDK flags the deprecated `source`
def test_fields_a_connector_cannot_write_are_dropped_with_a_warning_each(
    kombo_client: Any, partial: Integration
) -> None:
    # given: no automatic source, so the request's deprecated source would be used where the ATS takes one
    kombo = kombo_client(integration_id=partial.id)
    partial.environment.automatic_source_writing = False
    partial.environment.save()
    job = stored_job(partial)

    # when
    response = kombo.ats.create_application(
        job_id=job.id,
        candidate=candidate(gender="FEMALE", social_links=[{"url": "https://example.com/ada"}], title="Engineer"),
        screening_question_answers=required_answers(job)[:1],  # not all required ones: nothing is enforced
        source={"name": "Job board X"},
        remote_fields={"greenhouse": {"post_headers": {"On-Behalf-Of": "1"}}},
    )

    # then
    assert [warning.message for warning in response.warnings] == [
        "candidate.gender: Partial ATS cannot write this (UNSUPPORTED); it was not sent.",
        "candidate.social_links: Partial ATS cannot write this (NOT_IMPLEMENTED); it was not sent.",
        "screening_question_answers: Partial ATS cannot write this (NOT_IMPLEMENTED); it was not sent.",
        "remote_fields.greenhouse: these fields are for greenhouse, not partialats; ignored.",
        "source: Partial ATS cannot take a source from the request; it was not written.",
    ]
    store = open_store(sandbox_path_for(partial))
    person = store.get("candidates", response.data.candidate.remote_id)
    assert person is not None
    assert store.get("applications", response.data.remote_id)["answers"] == []  # type: ignore[index]
    assert (person["gender"], person["social"], person["title"], person["source"]) == (None, [], "Engineer", None)


def test_an_action_the_connector_lacks_is_not_available(kombo_client: Any, partial: Integration) -> None:
    kombo = kombo_client(integration_id=partial.id)
    job = stored_job(partial)
    created = kombo.ats.create_application(
        job_id=job.id, candidate=candidate(), screening_question_answers=required_answers(job)
    ).data
    store = open_store(sandbox_path_for(partial))
    store.inject_fault(FaultKind.UNAVAILABLE)  # would answer if the connector were called at all

    with pytest.raises(errors.KomboAtsError) as refused:
        kombo.ats.move_application_to_stage(application_id=created.id, stage_id=created.current_stage.id)
    with pytest.raises(errors.KomboAtsError) as listing:
        kombo.ats.get_candidate_attachments(candidate_id=created.candidate.id)

    assert _code(refused) == (
        400,
        "INTEGRATION.ACTION_NOT_AVAILABLE",
        "Partial ATS does not support this action (Move application to stage).",
    )
    assert _code(listing) == (
        400,
        "INTEGRATION.ACTION_NOT_AVAILABLE",
        "Partial ATS does not support this action (Get candidate attachments).",
    )
    assert store.take_fault() is not None  # untouched: no call reached the ATS


def test_a_closed_job_and_a_second_application_are_refused_by_the_ats(kombo: Kombo, integration: Integration) -> None:
    store = sandbox(integration)
    store.touch("jobs", "job-000002", status="CLOSED")
    job, closed_job = stored_job(integration), stored_job(integration, "job-000002")
    # Ada applied in the ATS itself (not through Tributary): an "already applied" is then the contract's error
    store.create_application(
        job_id=job.remote_id,
        candidate=NewCandidate(first_name="Ada", last_name="Lovelace", email_address="ada@example.com"),
        screening_answers={},
    )
    before = store.count("applications")

    with pytest.raises(errors.KomboAtsError) as closed:
        kombo.ats.create_application(
            job_id=closed_job.id, candidate=candidate("grace@example.com"),
            screening_question_answers=required_answers(closed_job),
        )  # fmt: skip
    with pytest.raises(errors.KomboAtsError) as again:
        kombo.ats.create_application(
            job_id=job.id, candidate=candidate("ADA@example.com"), screening_question_answers=required_answers(job)
        )

    assert _code(closed) == (
        400, "ATS.JOB_CLOSED",
        "Job job-000002 is closed and takes no applications. The ATS said: This job is not accepting applications.",
    )  # fmt: skip
    assert _code(again)[:2] == (400, "ATS.APPLICATION_ALREADY_EXISTS")
    assert str(again.value).endswith("The ATS said: The candidate has already applied to this job.")
    assert store.count("applications") == before
    assert Application.objects.filter(integration=integration).count() == 0


def test_a_second_create_of_an_application_tributary_created_answers_it(kombo: Kombo, integration: Integration) -> None:
    job = stored_job(integration)
    first = kombo.ats.create_application(
        job_id=job.id, candidate=candidate(), screening_question_answers=required_answers(job)
    )
    before = sandbox(integration).count("applications")

    again = kombo.ats.create_application(
        job_id=job.id, candidate=candidate("ADA@example.com"), screening_question_answers=required_answers(job)
    )

    assert again.data.id == first.data.id
    assert [warning.message for warning in again.warnings] == [
        "This candidate's application to this job was already created through Tributary; it is returned (nothing "
        "was sent again)."
    ]
    assert sandbox(integration).count("applications") == before
    assert Application.objects.filter(integration=integration).count() == 1


@pytest.mark.parametrize(
    ("fault", "status", "code", "message"),
    [
        (FaultKind.UNAVAILABLE, 503, "REMOTE.SERVICE_UNAVAILABLE",
         "The sandbox is unavailable (injected). The ATS said: Service unavailable."),
        (FaultKind.RATE_LIMITED, 429, "REMOTE.RATE_LIMIT_EXCEEDED",
         "The sandbox is rate limiting (injected). The ATS said: Too many requests."),
        (FaultKind.PERMISSION_DENIED, 403, "INTEGRATION.PERMISSION_MISSING",
         "The sandbox denied the permission (injected). The ATS said: This API key may not do that."),
    ],
)  # fmt: skip
def test_upstream_failures_carry_the_ats_message(
    kombo: Kombo, integration: Integration, fault: FaultKind, status: int, code: str, message: str
) -> None:
    job = stored_job(integration)
    store = sandbox(integration)
    before = store.count("applications")
    store.inject_fault(fault)

    with pytest.raises(errors.KomboAtsError) as failed:
        kombo.ats.create_application(
            job_id=job.id, candidate=candidate(), screening_question_answers=required_answers(job)
        )

    assert _code(failed) == (status, code, message)
    assert store.count("applications") == before
    assert not Application.objects.filter(integration=integration).exists()
    integration.refresh_from_db()
    assert integration.state == Integration.State.ACTIVE


def test_rejected_credentials_make_the_integration_invalid(kombo: Kombo, integration: Integration) -> None:
    job = stored_job(integration)
    sandbox(integration).inject_fault(FaultKind.AUTH_FAILURE)

    with pytest.raises(errors.KomboAtsError) as rejected:
        kombo.ats.create_application(
            job_id=job.id, candidate=candidate(), screening_question_answers=required_answers(job)
        )
    with pytest.raises(errors.KomboAtsError) as afterwards:
        kombo.ats.add_candidate_tag(candidate_id="3PJ8PZhZZa1eEdd2DtPNtVup", tag={"name": "x"})

    assert _code(rejected) == (
        403, "INTEGRATION.AUTHENTICATION_INVALID",
        "The ATS rejected the integration's credentials; the integration is now INVALID (relink it). "
        "The ATS said: Unauthorized.",
    )  # fmt: skip
    integration.refresh_from_db()
    assert integration.state == Integration.State.INVALID
    assert _code(afterwards) == (
        403, "INTEGRATION.AUTHENTICATION_INVALID",
        "The integration's credentials were rejected by the ATS; relink the integration first.",
    )  # fmt: skip


def test_a_disabled_integration_writes_nothing(kombo: Kombo, integration: Integration) -> None:
    job = stored_job(integration)
    integration_set_enabled(integration=integration, enabled=False)

    with pytest.raises(errors.KomboAtsError) as inactive:
        kombo.ats.create_application(job_id=job.id, candidate=candidate(), screening_question_answers=[])

    assert _code(inactive) == (
        400,
        "PLATFORM.INPUT_INVALID",
        f"The integration {integration.id} is disabled (status INACTIVE), so it does not reach the ATS; enable it "
        f'with PUT /v1/integrations/{integration.id}/enabled {{"value": true}}. Synced data can still be read.',
    )
    assert sandbox(integration).find_application(job_id=JOB, email="ada@example.com") is None


def test_an_ats_refusal_of_an_action_is_remote_input_invalid(kombo: Kombo, integration: Integration) -> None:
    job = stored_job(integration)
    created = kombo.ats.create_application(
        job_id=job.id, candidate=candidate(), screening_question_answers=required_answers(job)
    ).data

    with pytest.raises(errors.KomboAtsError) as unknown_reason:
        kombo.ats.reject_application(application_id=created.id, rejection_reason_id="remote:rr-99")

    assert _code(unknown_reason) == (400, "REMOTE.INPUT_INVALID", "Rejection reason rr-99 does not exist.")
    assert sandbox(integration).get("applications", created.remote_id)["status"] == "active"  # type: ignore[index]
