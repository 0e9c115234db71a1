"""End to end through the official SDK over loopback, against the Workable emulator: connect (the connection
flow's pages, subdomain and token), sync, create an application with an answer in every question format and a CV,
read it back, then move, note, tag, attach (a comment's one attachment, Workable's only way) and reject; every effect
asserted in the emulator's own state, the source (free text in `candidate.domain`) included; a delta then brings
the interview and offer the recruiter added, the notes and files, `rejected_at` and the answers."""

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
from apps.connectors.workable.connector import WorkableConnector
from apps.connectors.workable.emulator import DEFAULT_TOKEN, MEMBER_ID, SUBDOMAIN, WorkableEmulator, create_app
from apps.integrations.models import Integration, SyncRun
from apps.integrations.sync import RunOutcome, sync_run_execute

PDF = b"%PDF-1.4\n% Ada Lovelace, CV\n"


@pytest.fixture
def workable(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[WorkableEmulator]:
    # The real clock (deltas compare with our own). The emulator's window is far above what the test makes (its
    # limiter stays on, so `X-Rate-Limit-Remaining` is true), so the connector need not pace itself at 1 request/s
    # (the sync benchmark and the emulator tests keep the real limits).
    monkeypatch.setattr(WorkableConnector, "rate_budget", RateBudget(requests_per_second=100, max_concurrency=2))
    app = create_app(rate=1_000_000, seed={"jobs": 2, "candidates": 1})
    with LoopbackServer(app) as server:
        settings.CONNECTOR_BASE_URLS = {"workable": server.url}
        yield app


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def connect(kombo: Kombo, client: Client) -> Integration:
    link = kombo.connect.create_connection_link(
        end_user_email="hr@acme.example.com", end_user_organization_name="Acme Corp", integration_tool="workable"
    ).data.link
    path = urlsplit(link).path
    form = {"mode": "API_KEY", "api_key": DEFAULT_TOKEN, "subdomain": SUBDOMAIN}
    assert client.post(f"{path}connect", form).status_code == 302
    assert "Connection verified" in client.get(f"{path}checks").content.decode()
    done = client.post(f"{path}finish").content.decode()
    token = done.split('id="activation-token" type="application/json">')[1].split("</script>")[0].strip('"')
    exchanged = kombo.connect.get_integration_by_token(token=token).data
    assert (exchanged.tool, exchanged.setup_status) == ("workable", "COMPLETED")
    return Integration.objects.get(id=exchanged.id)


def sync(sdk: Kombo, run_type: str) -> SyncRun:
    queued = sdk.general.trigger_sync(type_=run_type).data
    outcome = sync_run_execute(run_id=queued.sync_id, time_budget=float("inf"))
    run = SyncRun.objects.get(id=queued.sync_id)
    assert outcome == RunOutcome.SUCCEEDED, run.error
    return run


@pytest.mark.django_db(transaction=True)
def test_connect_sync_apply_with_every_answer_format_then_move_reject_note_tag(
    workable: WorkableEmulator, kombo_client: Callable[..., Kombo], client: Client
) -> None:
    integration = connect(kombo_client(), client)
    sdk = kombo_client(integration_id=integration.id)
    sync(sdk, "FULL")
    job = next(job for job in sdk.ats.get_jobs().result.data.results if job.remote_id == "9CD658E13F")
    assert [stage.name for stage in job.stages] == ["Sourced", "Applied", "Phone Screen", "Interview", "Offer", "Hired"]
    q = {question.remote_id: question for question in job.screening_questions}
    assert q["2128d717"].required is True
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
            {"question_id": q["2128d717"].id, "answer": "Planning"},
            {"question_id": q["2128d718"].id, "answer": "Ada"},
            {"question_id": q["3399e6cd"].id, "answer": option["Over 5 years"]},
            {"question_id": q["3399e6ce"].id, "answer": [option["German"], option["English"]]},
            {"question_id": q["1d3f348f"].id, "answer": True},
            {"question_id": q["1d3f3490"].id, "answer": option["Late"]},
            {"question_id": q["6b01"].id, "answer": 4},
            {"question_id": q["6b02"].id, "answer": "2025-05-01"},
            {"question_id": q["5dc1dc"].id, "answer": {"name": "p.pdf", "content_type": "application/pdf",
                                                        "data": b64(b"%PDF p")}},
        ],
    )  # fmt: skip
    created = response.data
    assert (created.outcome, created.current_stage.name) == ("PENDING", "Applied")
    stored = next(c for c in workable.state_snapshot()["candidates"] if c["id"] == created.remote_id)
    mapping = SourceMapping.objects.get(integration=integration)
    assert (mapping.strategy, mapping.source_name) == ("FREE_TEXT", "Acme Jobs")
    assert (stored["domain"], stored["sourced"]) == ("Acme Jobs", False)
    assert stored["resume"] == {"name": "ada-cv.pdf", "data": b64(PDF)}
    kinds = [sorted(set(a) - {"question_key"}) for a in stored["raw_answers"]]
    assert kinds == [
        ["body"],
        ["body"],
        ["choices"],
        ["choices"],
        ["checked"],
        ["choices"],
        ["value"],
        ["date"],
        ["data"],
    ]
    attribution = ApplicationAttribution.objects.get(application_remote_id=created.remote_id)
    assert (attribution.status, attribution.observed_source) == ("CONFIRMED", stored["domain"])

    interview = next(stage for stage in job.stages if stage.name == "Interview")
    sdk.ats.move_application_to_stage(application_id=created.id, stage_id=interview.id)
    sdk.ats.add_application_note(application_id=created.id, content="Strong analyst", content_type="PLAIN_TEXT")
    sdk.ats.add_candidate_tag(candidate_id=created.candidate.id, tag={"name": "math"})
    reason = next(r for r in sdk.ats.get_rejection_reasons().result.data.results if r.remote_id == "b29c64")
    sdk.ats.reject_application(application_id=created.id, rejection_reason_id=reason.id, note="Hired elsewhere")
    stored = next(c for c in workable.state_snapshot()["candidates"] if c["id"] == created.remote_id)
    assert stored["moves"] == [{"from": "applied", "to": "interview", "member_id": MEMBER_ID}]
    assert [c["body"] for c in stored["comments"]] == ["Strong analyst"]
    assert stored["tags"] == ["math"]
    assert (stored["disqualified"], stored["disqualification_reason"]) == (True, "Hired elsewhere")

    # attach: Workable takes a file on an existing candidate only as a comment's one attachment
    attached = sdk.ats.add_application_attachment(
        application_id=created.id,
        attachment={
            "name": "ada-notes.pdf",
            "type": "OTHER",
            "content_type": "application/pdf",
            "data": b64(b"%PDF n"),
        },
    )
    assert [w.message for w in attached.warnings] == [
        "attachment: Workable keeps files of an existing candidate as a comment's attachment."
    ]
    stored = next(c for c in workable.state_snapshot()["candidates"] if c["id"] == created.remote_id)
    assert stored["comments"][-1]["body"] == "Attachment: ada-notes.pdf"
    assert stored["comments"][-1]["attachment"] == {"name": "ada-notes.pdf", "data": b64(b"%PDF n")}
    assert [(f["name"], f["kind"]) for f in stored["files"]] == [
        ("ada-cv.pdf", "resume"),
        ("ada-notes.pdf", "attachment"),
    ]

    # the recruiter schedules an interview and makes an offer in Workable; a delta brings everything back
    candidate = workable.state.candidates[created.remote_id]
    workable.state.add_event(candidate, {"title": "Final interview", "type": "InterviewEvent"})
    workable.state.set_offer(candidate, {"state": "accepted", "start_date": "2025-09-01"})
    sync(sdk, "DELTA")
    after = next(a for a in sdk.ats.get_applications().result.data.results if a.id == created.id)
    assert (after.outcome, after.rejection_reason_name) == ("DECLINED", "Hired elsewhere")
    assert after.rejected_at is not None
    assert after.rejected_at.replace(microsecond=0) == candidate.disqualified_at
    assert len(after.screening_question_answers) == 9  # every format written comes back from the read by id
    [interview] = sdk.ats.get_interviews().result.data.results
    [offer] = sdk.ats.get_offers().result.data.results
    assert (interview.title, interview.application_id, [u.remote_id for u in interview.users]) == (
        "Final interview", created.id, [MEMBER_ID],
    )  # fmt: skip
    assert (offer.status, offer.application_id, offer.employment_start_date.date().isoformat()) == (
        "ACCEPTED", created.id, "2025-09-01",
    )  # fmt: skip
    notes = sdk.ats.get_notes().result.data.results
    assert sorted(n.content_html for n in notes) == ["Attachment: ada-notes.pdf", "Strong analyst"]
    files = sdk.ats.get_ats_attachments().result.data.results
    assert sorted((f.file_name, f.type) for f in files) == [("ada-cv.pdf", "CV"), ("ada-notes.pdf", "OTHER")]
