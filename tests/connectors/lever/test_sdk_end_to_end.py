"""End to end through the official SDK over loopback, against the Lever emulator: connect (the connection flow's
pages with an API key), sync, list jobs with stages and screening questions, create an application with an answer
in every posting-form format and a CV (the apply API), read it back PENDING, then move, reject, note, tag, attach
and link; every effect asserted in the emulator's own state, the source (free text, `origin: applied`) included."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from kombo import Kombo

from apps.attribution.models import ApplicationAttribution, SourceMapping
from apps.connectors.catalog import RateBudget
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.lever.connector import LeverConnector
from apps.connectors.lever.emulator import ADMIN_ID, DEFAULT_API_KEY, LeverEmulator, create_app
from apps.integrations.models import Integration, SyncRun
from tests.connectors.lever.harness import OPEN_POSTING
from tests.connectors.sync_support import every, sync

PDF = b"%PDF-1.4\n% Ada Lovelace, CV\n"


@pytest.fixture
def lever(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[LeverEmulator]:
    # Limits off and a roomy budget: the benchmark and the emulator tests keep Lever's real 10 requests/s.
    monkeypatch.setattr(LeverConnector, "rate_budget", RateBudget(requests_per_second=100, max_concurrency=4))
    app = create_app(limits_enabled=False, seed={"postings": 2, "opportunities": 2})
    with LoopbackServer(app) as server:
        settings.CONNECTOR_BASE_URLS = {"lever": server.url}
        yield app


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def connect(kombo: Kombo, client: Client) -> Integration:
    link = kombo.connect.create_connection_link(
        end_user_email="hr@acme.example.com", end_user_organization_name="Acme Corp", integration_tool="lever"
    ).data.link
    path = urlsplit(link).path
    assert client.post(f"{path}connect", {"mode": "API_KEY", "api_key": DEFAULT_API_KEY}).status_code == 302
    assert "Connection verified" in client.get(f"{path}checks").content.decode()
    done = client.post(f"{path}finish").content.decode()
    token = done.split('id="activation-token" type="application/json">')[1].split("</script>")[0].strip('"')
    exchanged = kombo.connect.get_integration_by_token(token=token).data
    assert (exchanged.tool, exchanged.setup_status) == ("lever", "COMPLETED")
    return Integration.objects.get(id=exchanged.id)


@pytest.mark.django_db(transaction=True)
def test_connect_sync_apply_with_every_answer_format_then_move_reject_note_tag_attach(
    lever: LeverEmulator, kombo_client: Callable[..., Kombo], client: Client
) -> None:
    integration = connect(kombo_client(), client)
    sdk = kombo_client(integration_id=integration.id)
    sync(integration)
    job = next(job for job in sdk.ats.get_jobs().result.data.results if job.remote_id == OPEN_POSTING)
    assert [s.name for s in job.stages] == ["New lead", "New applicant", "Recruiter screen", "On-site interview",
                                            "Offer"]  # fmt: skip
    q = {question.title: question for question in job.screening_questions}
    assert q["What experience do you have?"].required is True
    assert len(q) == 7
    option = {
        o.name: o.id
        for question in job.screening_questions
        if hasattr(question.format_, "options")
        for o in question.format_.options or []
    }

    response = sdk.ats.create_application(
        job_id=job.id,
        candidate={"first_name": "Ada", "last_name": "Lovelace", "email_address": "ada@example.com"},
        attachments=[{"name": "ada-cv.pdf", "type": "CV", "content_type": "application/pdf", "data": b64(PDF)}],
        screening_question_answers=[
            {"question_id": q["What experience do you have?"].id, "answer": "Engines"},
            {"question_id": q["Your nickname"].id, "answer": "Ada"},
            {"question_id": q["Shift"].id, "answer": option["Late"]},
            {"question_id": q["Years of experience"].id, "answer": option["Over 5 years"]},
            {"question_id": q["favorite language"].id, "answer": [option["Ruby"], option["Python"]]},
            {"question_id": q["University"].id, "answer": "London"},
            {"question_id": q["Portfolio"].id, "answer": {"name": "p.pdf", "content_type": "application/pdf",
                                                          "data": b64(b"%PDF p")}},
        ],
    )  # fmt: skip
    created = response.data
    assert (created.outcome, created.current_stage.name) == ("PENDING", "New applicant")
    stored = next(o for o in lever.state_snapshot()["opportunities"] if o["id"] == created.remote_id)
    mapping = SourceMapping.objects.get(integration=integration)
    assert (mapping.strategy, mapping.source_name) == ("FREE_TEXT", "Acme Jobs")
    assert (stored["sources"], stored["origin"]) == (["Acme Jobs"], "applied")
    assert [r["file"]["name"] for r in stored["resumes"]] == ["ada-cv.pdf"]
    values = [f["value"] for f in stored["applications"][0]["customQuestions"][0]["fields"]]
    assert values[:6] == ["Engines", "Ada", "Late", "Over 5 years", ["Ruby", "Python"], "London"]
    assert values[6]["filename"] == "p.pdf"
    attribution = ApplicationAttribution.objects.get(application_remote_id=created.remote_id)
    assert (attribution.status, attribution.observed_source) == ("CONFIRMED", "Acme Jobs")
    sync(integration, SyncRun.Type.DELTA)
    [read_back] = [a for a in every(sdk.ats.get_applications) if a.id == created.id]
    assert (read_back.outcome, read_back.current_stage.name) == ("PENDING", "New applicant")

    screen = next(stage for stage in job.stages if stage.name == "Recruiter screen")
    sdk.ats.move_application_to_stage(application_id=created.id, stage_id=screen.id)
    sdk.ats.add_application_note(application_id=created.id, content="Strong analyst", content_type="PLAIN_TEXT")
    sdk.ats.add_candidate_tag(candidate_id=created.candidate.id, tag={"name": "math"})
    sdk.ats.add_application_attachment(application_id=created.id, attachment={
        "name": "test.pdf", "type": "OTHER", "content_type": "application/pdf", "data": b64(b"%PDF t")})  # fmt: skip
    reason = next(r for r in sdk.ats.get_rejection_reasons().result.data.results if r.name == "Withdrew")
    sdk.ats.reject_application(application_id=created.id, rejection_reason_id=reason.id, note="Took another offer")
    stored = next(o for o in lever.state_snapshot()["opportunities"] if o["id"] == created.remote_id)
    assert stored["stage"] == screen.remote_id
    assert [(n["text"], n["user"]) for n in stored["notes"]] == [("Strong analyst", ADMIN_ID),
                                                                 ("Took another offer", ADMIN_ID)]  # fmt: skip
    assert stored["tags"] == ["math"]
    assert [f["name"] for f in stored["files"]] == ["test.pdf"]
    assert stored["archived"]["reason"] == reason.remote_id
    assert stored["sources"] == ["Acme Jobs"]
