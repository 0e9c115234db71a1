"""End to end through the official SDK over loopback, against the Factorial emulator: connect (the connection
flow's pages), sync, create an application with screening answers, a CV and a cover letter, follow its outcome.
What was written is asserted in the emulator's own state, the source included."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from kombo import Kombo

from apps.applications.models import Application
from apps.attribution.models import ApplicationAttribution, SourceMapping
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.factorial.emulator import DEFAULT_API_KEY, FactorialEmulator, create_app
from apps.integrations.models import Integration, SyncRun
from apps.integrations.sync import RunOutcome, sync_run_execute
from tests.connectors.connect_support import connect

PDF = b"%PDF-1.4\n% Ada Lovelace, CV\n"
COVER = b"Dear Acme Corp, I would love to build your backend."
WARNING_COVER = (
    "attachments[1] (COVER_LETTER cover-letter.txt): Factorial keeps one file per application, its CV; not written."
)


@pytest.fixture
def factorial(settings: Any) -> Iterator[tuple[FactorialEmulator, str]]:
    app = create_app(limits_enabled=False)  # the real clock: deltas compare with our own
    with LoopbackServer(app) as server:
        settings.CONNECTOR_BASE_URLS = {"factorial": server.url}
        yield app, server.url


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def api_key_steps(client: Client, path: str) -> None:
    """The end user's side of the connection flow (the browser tests click through the same pages)."""
    assert client.post(f"{path}connect", {"mode": "API_KEY", "api_key": DEFAULT_API_KEY}).status_code == 302
    checks = client.get(f"{path}checks")
    assert "Connection verified" in checks.content.decode()
    source = client.get(f"{path}source")  # the live check finds the "Acme Jobs" source the admin added
    assert 'data-status="CONFIGURED"' in source.content.decode()


def sync(sdk: Kombo, run_type: str) -> SyncRun:
    """A sync asked for through the SDK, executed here (no worker runs in tests)."""
    queued = sdk.general.trigger_sync(type_=run_type).data
    outcome = sync_run_execute(run_id=queued.sync_id, time_budget=float("inf"))
    run = SyncRun.objects.get(id=queued.sync_id)
    assert outcome == RunOutcome.SUCCEEDED, run.error
    return run


@pytest.mark.django_db(transaction=True)
def test_connect_sync_apply_with_answers_cv_and_source_then_follow_the_outcome(
    factorial: tuple[FactorialEmulator, str], kombo_client: Callable[..., Kombo], client: Client
) -> None:
    app, url = factorial
    integration = Integration.objects.get(id=connect(kombo_client(), client, "factorial", api_key_steps).id)
    sdk = kombo_client(integration_id=integration.id)
    mapping = SourceMapping.objects.get(integration=integration)
    assert (mapping.status, mapping.remote_id, mapping.remote_label) == ("CONFIGURED", "11", "Acme Jobs")

    # the first sync brings the jobs with their pipelines and questions (tracked-only: no candidates yet)
    first = sync(sdk, "FULL")
    assert first.type == "FULL"
    job = next(job for job in sdk.ats.get_jobs().result.data.results if job.remote_id == "1")
    years, permit, languages, motivation, portfolio = job.screening_questions
    assert (permit.title, permit.required, [o.name for o in languages.format_.options]) == (
        "Do you have a valid work permit for this country?", True, ["English", "Spanish", "German", "French"],
    )  # fmt: skip
    assert sdk.ats.get_applications().result.data.results == []

    # the customer's backend applies Ada with answers, her CV and a cover letter
    yes = next(option.id for option in permit.format_.options if option.name == "Yes")
    chosen = [option.id for option in languages.format_.options if option.name in ("German", "English")]
    response = sdk.ats.create_application(
        job_id=job.id,
        candidate={
            "first_name": "Ada", "last_name": "Lovelace", "email_address": "ada@example.com",
            "phone_number": "+44 20 7946 0000", "gender": "FEMALE", "company": "Analytical Engines Ltd",
            "social_links": [{"url": "https://www.linkedin.com/in/ada-lovelace"}],
        },
        attachments=[
            {"name": "ada-cv.pdf", "type": "CV", "content_type": "application/pdf", "data": b64(PDF)},
            {"name": "cover-letter.txt", "type": "COVER_LETTER", "content_type": "text/plain", "data": b64(COVER)},
        ],
        screening_question_answers=[
            {"question_id": years.id, "answer": "12"},
            {"question_id": permit.id, "answer": yes},
            {"question_id": languages.id, "answer": chosen},
            {"question_id": motivation.id, "answer": "The analytical engine, at scale."},
            {"question_id": portfolio.id, "answer": {"name": "notes.pdf", "content_type": "application/pdf",
                                                      "data": b64(b"%PDF notes")}},
        ],
        gdpr_consent={"given": True},
    )  # fmt: skip

    # the answer: the created application, with warnings for what Factorial cannot take
    created = response.data
    assert [warning.message for warning in response.warnings] == [
        "candidate.company: Factorial cannot write this (UNSUPPORTED); it was not sent.",
        WARNING_COVER,
    ]
    assert (created.outcome, created.current_stage.name, created.job.id) == ("PENDING", "New", job.id)
    assert (created.candidate.first_name, created.candidate.source) == ("Ada", "Acme Jobs")

    # and the emulator holds exactly that: the application, its answers, the CV and the source
    state = app.state_snapshot()
    stored = next(item for item in state["applications"] if str(item["id"]) == created.remote_id)
    assert stored["source"] == {
        "written": "Acme Jobs", "sourceId": 11, "name": "Acme Jobs", "label": "Acme Jobs", "medium": None,
    }  # fmt: skip
    assert (stored["cv"]["filename"], stored["cv"]["sha256"]) == ("ada-cv.pdf", hashlib.sha256(PDF).hexdigest())
    assert stored["coverLetter"] is None
    answers = [(answer["label"], answer["value"]) for answer in stored["answers"]]
    assert answers[:4] == [
        ("How many years of professional experience do you have?", "12"),
        ("Do you have a valid work permit for this country?", "Yes"),
        ("Which languages do you speak?", '["English", "German"]'),
        ("Why do you want to join us?", "The analytical engine, at scale."),
    ]
    assert stored["answers"][4]["file"]["sha256"] == hashlib.sha256(b"%PDF notes").hexdigest()
    person = next(item for item in state["candidates"] if str(item["id"]) == created.candidate.remote_id)
    assert (person["email"], person["source"]["sourceId"]) == ("ada@example.com", 11)
    candidate = app.state.candidates[int(created.candidate.remote_id)]
    assert (candidate.personal_url, candidate.gender, candidate.consent_to_talent_pool) == (
        "https://www.linkedin.com/in/ada-lovelace", "female", True,
    )  # fmt: skip
    attribution = ApplicationAttribution.objects.get(application_remote_id=created.remote_id)
    assert (attribution.status, attribution.observed_source, attribution.observed_source_remote_id) == (
        "CONFIRMED", "Acme Jobs", "11",
    )  # fmt: skip

    # the CV can be listed and downloaded through the API
    listed = sdk.ats.get_application_attachments(application_id=created.id).data.results
    assert [(item.file_name, item.type) for item in listed] == [("ada-cv.pdf", "CV")]

    # Factorial's recruiter moves Ada on and hires her; a delta sync shows the outcome
    app.state.hire(app.state.applications[int(created.remote_id)], create_employee=False)
    delta = sync(sdk, "DELTA")
    assert delta.type == "DELTA"
    (after,) = sdk.ats.get_applications().result.data.results
    assert (after.id, after.outcome, after.current_stage.name) == (created.id, "HIRED", "Hired")
    assert Application.objects.get(id=created.id).outcome == "HIRED"
    # the sync read the CVs of the tracked applications only (by parent application), not the company's 16 others
    synced_files = sdk.ats.get_ats_attachments().result.data.results
    assert [(item.file_name, item.type, item.application_id) for item in synced_files] == [
        ("ada-cv.pdf", "CV", created.id)
    ]
