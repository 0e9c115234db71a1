"""Idempotency-Key: retries and racing duplicates write once; uncertain writes are never re-sent blindly."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from typing import Any

import pytest
from kombo import Kombo, errors

from apps.applications.models import Application, IdempotencyKey, Job
from apps.connectors.sandbox.store import FaultKind
from apps.integrations.models import Integration
from tests.applications.writing import JOB, candidate, required_answers, sandbox, stored_job

UNCERTAIN = (
    "The ATS did not answer in time, so this may or may not have been written. It was not sent again. Retry with "
    "an Idempotency-Key header and Tributary checks the ATS before writing again; without one, check the ATS first."
)


@pytest.fixture
def job(integration: Integration) -> Job:
    return stored_job(integration)


def _create(kombo: Kombo, job: Job, key: str | None = None, email: str = "ada@example.com", answers: Any = None) -> Any:
    headers = {"Idempotency-Key": key} if key else None
    return kombo.ats.create_application(
        job_id=job.id, candidate=candidate(email), screening_question_answers=answers or required_answers(job),
        http_headers=headers,
    )  # fmt: skip


def _applications_of(integration: Integration, email: str = "ada@example.com") -> int:
    store = sandbox(integration)
    return sum(
        1
        for remote_id in store.ids("applications")
        if (doc := store.get("applications", remote_id))
        and (person := store.get("candidates", doc["candidate_id"]))
        and person["emails"][0]["address"] == email
    )


def test_a_retry_with_the_same_key_returns_the_first_response(kombo: Kombo, integration: Integration, job: Job) -> None:
    first = _create(kombo, job, key="order-1")
    retried = _create(kombo, job, key="order-1")

    assert retried.model_dump() == first.model_dump()
    assert _applications_of(integration) == 1
    assert IdempotencyKey.objects.get(integration=integration, key="order-1").status == "COMPLETED"


def test_the_same_key_with_another_body_is_refused(kombo: Kombo, integration: Integration, job: Job) -> None:
    _create(kombo, job, key="order-1")

    with pytest.raises(errors.KomboAtsError) as refused:
        _create(kombo, job, key="order-1", email="grace@example.com")

    assert (refused.value.status_code, refused.value.data.error.code) == (400, "PLATFORM.INPUT_INVALID")
    assert str(refused.value) == (
        "Idempotency-Key: this key was already used for a different request (another path or body). Use a new key "
        "for a new request."
    )
    assert _applications_of(integration, "grace@example.com") == 0


def test_ten_identical_requests_racing_make_one_application(
    kombo_client: Callable[..., Kombo], integration: Integration, job: Job
) -> None:
    answers = required_answers(job)  # read here: the pool's threads must not open database connections

    with ExitStack() as stack:
        clients = [stack.enter_context(kombo_client(integration_id=integration.id)) for _ in range(10)]
        with ThreadPoolExecutor(max_workers=10) as pool:
            responses = list(
                pool.map(lambda client: _create(client, job, key="race-1", answers=answers).model_dump(), clients)
            )

    assert all(response == responses[0] for response in responses)
    assert _applications_of(integration) == 1
    assert Application.objects.filter(integration=integration).count() == 1
    assert responses[0]["data"]["id"] == Application.objects.get(integration=integration).id


def test_a_key_is_released_when_nothing_was_written(kombo: Kombo, integration: Integration, job: Job) -> None:
    # given: the first attempt fails before any write (the ATS is unavailable)
    sandbox(integration).inject_fault(FaultKind.UNAVAILABLE)
    with pytest.raises(errors.KomboAtsError) as unavailable:
        _create(kombo, job, key="order-2")
    assert unavailable.value.data.error.code == "REMOTE.SERVICE_UNAVAILABLE"

    # when: the client retries with the same key
    created = _create(kombo, job, key="order-2")

    # then: it runs afresh
    assert created.data.candidate.first_name == "Ada"
    assert _applications_of(integration) == 1


def test_an_uncertain_create_without_a_key_is_not_sent_again(kombo: Kombo, integration: Integration, job: Job) -> None:
    # given: the ATS carries the write out, but its answer is lost
    sandbox(integration).inject_fault(FaultKind.ANSWER_LOST)

    # when
    with pytest.raises(errors.KomboAtsError) as uncertain:
        _create(kombo, job)

    # then: the client hears it may have happened; it happened exactly once; we sent nothing twice
    assert (uncertain.value.status_code, uncertain.value.data.error.code) == (504, "REMOTE.UNKNOWN_HTTP_ERROR")
    assert (
        str(uncertain.value) == f"{UNCERTAIN} (The sandbox carried out the write, but its answer was lost (injected).)"
    )
    assert _applications_of(integration) == 1
    assert not Application.objects.filter(integration=integration).exists()


def test_an_uncertain_create_with_a_key_is_reconciled_on_retry(
    kombo: Kombo, integration: Integration, job: Job
) -> None:
    sandbox(integration).inject_fault(FaultKind.ANSWER_LOST)
    with pytest.raises(errors.KomboAtsError):
        _create(kombo, job, key="order-3")
    assert IdempotencyKey.objects.get(integration=integration, key="order-3").status == "UNCERTAIN"

    retried = _create(kombo, job, key="order-3")
    again = _create(kombo, job, key="order-3")

    assert _applications_of(integration) == 1  # looked up, not written again
    assert [warning.message for warning in retried.warnings] == [
        "An earlier request with this Idempotency-Key reached the ATS without an answer; the application it created "
        "was found and is returned (nothing was sent again)."
    ]
    application = Application.objects.get(id=retried.data.id)
    assert (application.tracked_via, retried.data.job.remote_id) == ("CREATED", JOB)
    assert again.model_dump() == retried.model_dump()


def test_an_uncertain_create_that_did_not_happen_is_sent_on_retry(
    kombo: Kombo, integration: Integration, job: Job
) -> None:
    sandbox(integration).inject_fault(FaultKind.TIMEOUT)  # the request was lost before the ATS acted on it
    with pytest.raises(errors.KomboAtsError):
        _create(kombo, job, key="order-4")
    assert _applications_of(integration) == 0

    retried = _create(kombo, job, key="order-4")

    assert retried.warnings == []
    assert _applications_of(integration) == 1


def test_an_uncertain_note_is_not_sent_again(kombo: Kombo, integration: Integration, job: Job) -> None:
    created = _create(kombo, job)
    sandbox(integration).inject_fault(FaultKind.ANSWER_LOST)
    headers = {"Idempotency-Key": "note-1"}

    for _ in range(2):
        with pytest.raises(errors.KomboAtsError) as uncertain:
            kombo.ats.add_application_note(
                application_id=created.data.id, content="Hi", content_type="PLAIN_TEXT", http_headers=headers
            )

    assert str(uncertain.value) == (
        "An earlier request with this Idempotency-Key may already have written this to the ATS, and Sandbox cannot "
        "tell; it was not sent again. Check the ATS, and use a new key to send it anyway."
    )
    assert len(sandbox(integration).list("notes", limit=10, parent_ids=[created.data.remote_id]).docs) == 1
