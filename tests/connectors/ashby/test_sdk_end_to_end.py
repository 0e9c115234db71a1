"""End to end through the official SDK over loopback, against the Ashby emulator: connect (the flow's pages; the
source step reports the API key's default source and finds ours only after the admin created it), sync, create an
application with answers to every question format and a CV, then move, reject, note, tag, attach. Effects asserted
in the emulator's state."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from kombo import Kombo

from apps.attribution.models import ApplicationAttribution
from apps.connectors.ashby.emulator import DEFAULT_API_KEY, AshbyEmulator, create_app
from apps.connectors.ashby.emulator.seed import add_source
from apps.connectors.emulation.server import LoopbackServer
from apps.integrations.models import Integration, SyncRun
from apps.integrations.sync import RunOutcome, sync_run_execute

PDF = b"%PDF-1.4\n% Ada Lovelace, CV\n"


@pytest.fixture
def ashby(settings: Any) -> Iterator[tuple[AshbyEmulator, str]]:
    app = create_app(limits_enabled=False)
    with LoopbackServer(app) as server:
        settings.CONNECTOR_BASE_URLS = {"ashby": server.url}
        yield app, server.url


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def connect(kombo: Kombo, client: Client, app: AshbyEmulator) -> Integration:
    link = kombo.connect.create_connection_link(
        end_user_email="hr@acme.example.com", end_user_organization_name="Acme Corp", integration_tool="ashby"
    ).data.link
    path = urlsplit(link).path
    assert client.post(f"{path}connect", {"mode": "API_KEY", "api_key": DEFAULT_API_KEY}).status_code == 302
    assert "Connection verified" in client.get(f"{path}checks").content.decode()
    linkedin = next(sid for sid, source in app.state.sources.items() if source["title"] == "LinkedIn")
    app.api_keys[DEFAULT_API_KEY].default_source_id = linkedin  # the customer set a default source on the key
    missing = client.get(f"{path}source").content.decode()
    # the key's default source is reported, and said not to be relied on
    assert f'id="default-source" data-remote-id="{linkedin}"' in missing
    assert "default source in Ashby: “LinkedIn”. Tributary does not rely on it: it sets “Acme Jobs”" in missing
    assert 'data-status="CONFIGURED"' not in missing
    assert "Admin → Organization Setup → Candidate Sources" in missing
    with app.lock:
        add_source(app.state, "Acme Jobs", "Inbound")  # the admin creates it in Ashby's admin screen
    assert 'data-status="CONFIGURED"' in client.get(f"{path}source").content.decode()
    done = client.post(f"{path}finish").content.decode()
    token = done.split('id="activation-token" type="application/json">')[1].split("</script>")[0].strip('"')
    exchanged = kombo.connect.get_integration_by_token(token=token).data
    assert (exchanged.tool, exchanged.setup_status) == ("ashby", "COMPLETED")
    return Integration.objects.get(id=exchanged.id)


def sync(sdk: Kombo, run_type: str) -> SyncRun:
    queued = sdk.general.trigger_sync(type_=run_type).data
    outcome = sync_run_execute(run_id=queued.sync_id, time_budget=float("inf"))
    run = SyncRun.objects.get(id=queued.sync_id)
    assert outcome == RunOutcome.SUCCEEDED, run.error
    return run


@pytest.mark.django_db(transaction=True)
def test_connect_sync_apply_with_every_answer_format_then_move_reject_note_tag_attach(
    ashby: tuple[AshbyEmulator, str], kombo_client: Callable[..., Kombo], client: Client
) -> None:
    app, _url = ashby
    integration = connect(kombo_client(), client, app)
    sdk = kombo_client(integration_id=integration.id)
    source_id = next(s["id"] for s in app.state.sources.values() if s["title"] == "Acme Jobs")

    sync(sdk, "FULL")
    job = next(j for j in sdk.ats.get_jobs().result.data.results if j.status == "OPEN")
    questions = {q.remote_id: q for q in job.screening_questions}
    by_title = {q.title: q for q in job.screening_questions}
    assert [s.name for s in job.stages][:3] == ["New Lead", "Application Review", "Technical Interview"]
    years = by_title["Years of experience?"]
    stack = by_title["Which languages?"]

    response = sdk.ats.create_application(
        job_id=job.id,
        candidate={
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email_address": "ada@example.com",
            "phone_number": "+44 20 7946 0000",
        },
        attachments=[{"name": "ada-cv.pdf", "type": "CV", "content_type": "application/pdf", "data": b64(PDF)}],
        screening_question_answers=[
            {"question_id": years.id, "answer": next(o.id for o in years.format_.options if o.name == "5-10 years")},
            {"question_id": by_title["Can you work remotely?"].id, "answer": True},
            {"question_id": stack.id, "answer": [o.id for o in stack.format_.options if o.name in ("Python", "Go")]},
            {"question_id": by_title["Salary expectation (EUR)"].id, "answer": 65000},
            {"question_id": by_title["Earliest start date"].id, "answer": "2025-06-01"},
            {"question_id": by_title["Why us?"].id, "answer": "The analytical engine, at scale."},
            {"question_id": by_title["Portfolio"].id, "answer": "https://ada.example.com"},
        ],
    )
    created = response.data
    assert (created.outcome, created.current_stage.name) == ("PENDING", "Application Review")

    stored = app.state.applications[created.remote_id]
    # set by changeSource after applicationForm.submit, verified; not the key's default (LinkedIn)
    assert stored["source"]["id"] == source_id
    values = next(iter(app.state.form_values.values()))
    assert values[years.remote_id] == "5-10 years"
    assert values[stack.remote_id] == ["Python", "Go"]
    assert values[by_title["Salary expectation (EUR)"].remote_id] == 65000
    assert values[by_title["Earliest start date"].remote_id] == "2025-06-01"
    assert values[by_title["Can you work remotely?"].remote_id] is True
    assert len(questions) == 9
    candidate = app.state.candidates[stored["candidate"]["id"]]
    assert candidate["resumeFileHandle"]["name"] == "ada-cv.pdf"
    attribution = ApplicationAttribution.objects.get(application_remote_id=created.remote_id)
    assert (attribution.status, attribution.observed_source_remote_id) == ("CONFIRMED", source_id)

    interview = next(s for s in job.stages if s.name == "Technical Interview")
    sdk.ats.move_application_to_stage(application_id=created.id, stage_id=interview.id)
    assert app.state.applications[created.remote_id]["currentInterviewStage"]["title"] == "Technical Interview"
    sdk.ats.add_application_note(
        application_id=created.id, content="Strong systems thinking", content_type="PLAIN_TEXT"
    )
    assert [n["content"] for n in app.state.notes.values()] == ["Strong systems thinking"]
    sdk.ats.add_candidate_tag(candidate_id=created.candidate.id, tag={"name": "priority"})
    assert [t["title"] for t in app.state.candidates[candidate["id"]]["tags"]] == ["priority"]
    sdk.ats.add_application_attachment(
        application_id=created.id,
        attachment={"name": "notes.txt", "type": "OTHER", "content_type": "text/plain", "data": b64(b"hello")},
    )
    assert [f["name"] for f in app.state.candidates[candidate["id"]]["fileHandles"]] == ["ada-cv.pdf", "notes.txt"]
    reason = next(r for r in sdk.ats.get_rejection_reasons().result.data.results if r.name == "Position filled")
    sdk.ats.reject_application(application_id=created.id, rejection_reason_id=reason.id)
    after = app.state.applications[created.remote_id]
    assert (after["status"], after["archiveReason"]["text"]) == ("Archived", "Position filled")
