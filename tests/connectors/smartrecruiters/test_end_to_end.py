"""SmartRecruiters end to end, through the official SDK over loopback: connect with an API key in the connection
flow, sync, create an application with screening answers and attachments, move, reject, note, tag, each checked in
the emulator's state (limits on, real clock)."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client
from kombo import Kombo

from apps.applications.models import Application
from apps.attribution.models import ApplicationAttribution, SourceMapping
from apps.connectors.catalog import ReadModel
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.smartrecruiters.connector import OAUTH_SCOPES
from apps.connectors.smartrecruiters.emulator import DEFAULT_API_KEY, SmartRecruitersEmulator, create_app
from apps.integrations.connect_services import connect_link_create
from apps.integrations.connectors import connector_for
from apps.integrations.models import Environment, Integration, SyncRun
from apps.integrations.selectors import integration_credentials
from apps.integrations.sync import RunOutcome, sync_run_execute
from tests.connectors.connect_support import FlowSteps, connect
from tests.connectors.smartrecruiters.harness import Emulator

SEED = {"seed": 3, "users": 3, "jobs": 2, "candidates": 4, "applications": 4}
PDF = b"%PDF-1.4 Ada's resume"


@pytest.fixture
def sr_app() -> SmartRecruitersEmulator:
    return create_app(seed=SEED, limits_enabled=True)


@pytest.fixture
def emulator(sr_app: SmartRecruitersEmulator, settings: Any) -> Iterator[Emulator]:
    with LoopbackServer(sr_app) as server:
        settings.CONNECTOR_BASE_URLS = {"smartrecruiters": server.url}
        yield Emulator(server, sr_app)


def api_key_steps(emulator: Emulator) -> FlowSteps:
    """The connection flow as the end user walks it: key, live checks, the source step (failing until the custom
    source exists in SmartRecruiters' settings)."""

    def steps(client: Client, path: str) -> None:
        assert client.get(path)["Location"] == f"{path}connect"
        response = client.post(f"{path}connect", {"mode": "API_KEY", "api_key": DEFAULT_API_KEY})
        assert response["Location"] == f"{path}checks"
        checks = client.get(f"{path}checks").content.decode()
        assert checks.count('data-ok="true"') == 11  # the credentials and ten scope tests
        page = client.post(f"{path}source", {"action": "check"}).content.decode()
        assert 'data-status="PENDING_SETUP"' in page
        emulator.control("POST", "/sources", json={"label": "Acme Jobs", "type": "paid", "subtype": "job_board"})
        page = client.post(f"{path}source", {"action": "check"}).content.decode()
        assert 'data-status="CONFIGURED"' in page

    return steps


def run_queued_sync(integration_id: str) -> SyncRun:
    run = SyncRun.objects.get(integration_id=integration_id, status=SyncRun.Status.QUEUED)
    assert sync_run_execute(run_id=run.id, time_budget=float("inf"), enqueue_continuation=False) == (
        RunOutcome.SUCCEEDED
    )
    run.refresh_from_db()
    return run


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_connect_sync_create_and_act_through_the_sdk(
    kombo_client: Callable[..., Kombo], client: Client, emulator: Emulator
) -> None:
    # given a SmartRecruiters connected through the flow with an API key, its source set up by hand
    exchanged = connect(
        kombo_client(), client, "smartrecruiters", api_key_steps(emulator),
        end_user_email="hr@acme.example", integration_category="ATS",
    )  # fmt: skip
    kombo = kombo_client(integration_id=exchanged.id)

    # when the customer syncs
    assert kombo.general.trigger_sync(type_="FULL").data.type == "FULL"
    run = run_queued_sync(exchanged.id)
    assert run.models_done == run.models_total

    # then the jobs with their SmartRecruiters stages and screening questions are there
    public = emulator.public_job()
    jobs = {job.remote_id: job for job in kombo.ats.get_jobs().result.data.results}
    job = jobs[public["id"]]
    questions = {question.title: question for question in job.screening_questions}
    assert len(questions) == 7
    stages = {stage.remote_id: stage for stage in job.stages}
    permit = questions["Are you legally authorized to work in Spain?"]
    languages = questions["Which languages do you speak?"]

    # when an application is created with screening answers and attachments
    created = kombo.ats.create_application(
        job_id=job.id,
        candidate={
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email_address": "ada@example.com",
            "company": "Analytical Engines",
            "title": "Programmer",
            "location": {"country": "GB", "city": "London"},
            "social_links": [{"url": "https://www.linkedin.com/in/ada"}],
        },
        attachments=[
            {"name": "ada-cv.pdf", "type": "CV", "data": b64(PDF), "content_type": "application/pdf"},
            {"name": "letter.txt", "type": "COVER_LETTER", "data": b64(b"Dear team"), "content_type": "text/plain"},
        ],
        screening_question_answers=[
            {"question_id": permit.id, "answer": next(o.id for o in permit.format_.options if o.name == "Yes")},
            {"question_id": questions["How many years of professional experience do you have?"].id, "answer": "12"},
            {
                "question_id": languages.id,
                "answer": [o.id for o in languages.format_.options if o.name in ("English", "French")],
            },
        ],
    )

    # then SmartRecruiters holds it with the answers, the files and the configured source
    data = created.data
    candidate_id, job_id = data.remote_id.split(":")
    state = emulator.state()
    stored = next(a for a in state["applications"] if a["candidateId"] == candidate_id and a["jobId"] == job_id)
    assert created.warnings == []
    assert stored["source"]["label"] == "Acme Jobs"
    assert [answer["records"] for answer in stored["answers"]] == [
        [{"f-permit": ["yes"]}],
        [{"f-years": ["12"]}],
        [{"f-languages": ["en", "fr"]}],
    ]
    assert sorted((a["name"], a["type"]) for a in state["attachments"] if a["candidateId"] == candidate_id) == [
        ("ada-cv.pdf", "RESUME"),
        ("letter.txt", "COVER_LETTER"),
    ]
    assert (data.outcome, data.current_stage.remote_id, data.candidate.company) == (
        "PENDING",
        "NEW",
        "Analytical Engines",
    )
    files = kombo.ats.get_application_attachments(application_id=data.id).data.results
    assert sorted((f.file_name, f.type, f.content_type) for f in files) == [
        ("ada-cv.pdf", "CV", "application/pdf"),
        ("letter.txt", "COVER_LETTER", "text/plain"),
    ]
    cv = next(f for f in files if f.type == "CV")
    assert requests.get(cv.data_url, timeout=10).content == PDF  # streamed from SmartRecruiters on demand
    attribution = ApplicationAttribution.objects.get(application_id=data.id)
    assert (attribution.status, attribution.observed_source) == ("CONFIRMED", "Acme Jobs")

    # when it is moved, noted, tagged and rejected
    kombo.ats.move_application_to_stage(application_id=data.id, stage_id=stages["INTERVIEW:1st interview"].id)
    kombo.ats.add_application_note(application_id=data.id, content="Great interview.", content_type="PLAIN_TEXT")
    kombo.ats.add_candidate_tag(candidate_id=data.candidate.id, tag={"name": "shortlist"})
    reason = kombo.ats.get_rejection_reasons().result.data.results[0]
    kombo.ats.reject_application(application_id=data.id, rejection_reason_id=reason.id, note="Position filled.")

    # then each action is in SmartRecruiters
    state = emulator.state()
    stored = next(a for a in state["applications"] if a["candidateId"] == candidate_id and a["jobId"] == job_id)
    person = next(c for c in state["candidates"] if c["id"] == candidate_id)
    assert [(c["status"], c["subStatus"]) for c in stored["history"]] == [
        ("NEW", None),
        ("INTERVIEW", "1st interview"),
        ("REJECTED", None),
    ]
    assert stored["rejectionReasonId"] == reason.remote_id
    assert person["tags"] == ["shortlist"]
    assert [m["content"] for m in state["messages"] if candidate_id in m["candidateIds"]] == [
        f"Great interview.\n\n#[CANDIDATE:{candidate_id}]",
        f"Position filled.\n\n#[CANDIDATE:{candidate_id}]",
    ]
    # and our copy follows: declined, rejected in the interview stage it had reached
    listed = kombo.ats.get_applications(ids=[data.id]).result.data.results[0]
    assert (listed.outcome, listed.current_stage.remote_id, listed.rejection_reason_name) == (
        "DECLINED",
        "INTERVIEW:1st interview",
        reason.name,
    )
    assert listed.rejected_at is not None
    assert Application.objects.get(id=data.id).tracked_at is not None
    assert SourceMapping.objects.get(integration_id=exchanged.id).status == "CONFIGURED"
    assert emulator.control("GET", "/stats")["rateLimited"] == 0
    assert Integration.objects.get(id=exchanged.id).base_url == emulator.url


def test_client_credentials_connect_and_persist_the_fetched_token(
    client: Client, environment: Environment, emulator: Emulator
) -> None:
    # given an OAuth client the customer created in SmartRecruiters' Credentials Manager, with our scopes
    emulator.control(
        "POST",
        "/oauth/clients",
        json={"clientId": "acme-cc", "clientSecret": "cc-secret", "defaultScopes": list(OAUTH_SCOPES)},
    )
    link = urlsplit(
        connect_link_create(
            environment=environment,
            end_user_email="hr@acme.example",
            end_user_organization_name="Acme Corp",
            integration_tool="smartrecruiters",
            base_url="http://testserver",
        ).url
    ).path

    # when the end user enters the client ID and secret
    response = client.post(
        f"{link}connect", {"mode": "OAUTH2_CLIENT_CREDENTIALS", "client_id": "acme-cc", "client_secret": "cc-secret"}
    )

    # then every check passes with tokens the connector fetched itself, and the integration keeps the client
    assert response["Location"] == f"{link}checks"
    assert client.get(f"{link}checks").content.decode().count('data-ok="true"') == 11
    integration = Integration.objects.get(tool="smartrecruiters")
    assert integration.auth_kind == "OAUTH2_CLIENT_CREDENTIALS"
    assert integration_credentials(integration) == {"client_id": "acme-cc", "client_secret": "cc-secret"}
    # and the first call of a sync fetches a token and stores it for the next ones
    connector_for(integration).read(ReadModel.REJECTION_REASONS)
    stored = integration_credentials(integration)
    assert (stored["client_id"], bool(stored["access_token"]), stored["expires_at"] != "") == ("acme-cc", True, True)
