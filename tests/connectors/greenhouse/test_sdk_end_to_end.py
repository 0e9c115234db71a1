"""End to end through the official SDK over loopback, against the Greenhouse emulator: connect with client
credentials (the flow's pages, the source step finding the source the admin created), sync, apply with answers to
every question format and a CV, follow up (move, reject, note, tag, untag, attach); then the source is deleted in
Greenhouse's settings and the next create's attribution fails with the reason and raises the source issue. Every
effect is asserted in the emulator's own state."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client
from kombo import Kombo
from kombo.errors import KomboAtsError

from apps.attribution.models import ApplicationAttribution, SourceMapping
from apps.connectors.catalog import RateBudget
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.greenhouse.connector import GreenhouseConnector
from apps.connectors.greenhouse.emulator import (
    ADMIN_USER_ID,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    GreenhouseEmulator,
    create_app,
    seed,
)
from apps.integrations.models import Integration, IntegrationIssue, SyncRun
from apps.integrations.sync import RunOutcome, sync_run_execute
from tests.connectors.greenhouse.harness import UNPACED_RATE

PDF = b"%PDF-1.4\n% Ada Lovelace, CV\n"


@pytest.fixture
def greenhouse(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[GreenhouseEmulator, str]]:
    # The emulator's window is far above what this test makes, so the connector need not pace itself at 2.2
    # requests per second (the sync benchmark and the emulator tests keep the real limits).
    monkeypatch.setattr(GreenhouseConnector, "rate_budget", RateBudget(requests_per_second=100, max_concurrency=4))
    app = create_app(rate=UNPACED_RATE)  # the real clock: deltas compare with our own
    with LoopbackServer(app) as server:
        settings.CONNECTOR_BASE_URLS = {"greenhouse": server.url}
        yield app, server.url


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def connect(kombo: Kombo, client: Client, url: str) -> Integration:
    link = kombo.connect.create_connection_link(
        end_user_email="hr@acme.example.com", end_user_organization_name="Acme Corp", integration_tool="greenhouse"
    ).data.link
    path = urlsplit(link).path
    form = {
        "mode": "OAUTH2_CLIENT_CREDENTIALS", "client_id": DEFAULT_CLIENT_ID, "client_secret": DEFAULT_CLIENT_SECRET,
        "user_id": str(ADMIN_USER_ID),
    }  # fmt: skip
    assert client.post(f"{path}connect", form).status_code == 302
    assert "Connection verified" in client.get(f"{path}checks").content.decode()
    missing = client.get(f"{path}source").content.decode()  # no "Acme Jobs" source in Greenhouse yet
    assert 'data-status="PENDING_SETUP"' in missing
    assert "Configure → Custom Options → Sources" in missing
    made = requests.post(f"{url}/_emulator/sources", json={"name": "Acme Jobs"}, timeout=10)
    assert made.status_code == 201
    found = client.post(f"{path}source", {"action": "check"}).content.decode()
    assert 'data-status="CONFIGURED"' in found
    done = client.post(f"{path}finish").content.decode()
    token = done.split('id="activation-token" type="application/json">')[1].split("</script>")[0].strip('"')
    exchanged = kombo.connect.get_integration_by_token(token=token).data
    assert (exchanged.tool, exchanged.setup_status) == ("greenhouse", "COMPLETED")
    return Integration.objects.get(id=exchanged.id)


def sync(sdk: Kombo, run_type: str) -> SyncRun:
    queued = sdk.general.trigger_sync(type_=run_type).data
    outcome = sync_run_execute(run_id=queued.sync_id, time_budget=float("inf"))
    run = SyncRun.objects.get(id=queued.sync_id)
    assert outcome == RunOutcome.SUCCEEDED, run.error
    return run


@pytest.mark.django_db(transaction=True)
def test_connect_sync_apply_follow_up_and_a_deleted_source_fails_attribution(
    greenhouse: tuple[GreenhouseEmulator, str], kombo_client: Callable[..., Kombo], client: Client
) -> None:
    app, url = greenhouse
    integration = connect(kombo_client(), client, url)
    sdk = kombo_client(integration_id=integration.id)
    source_id = next(s["id"] for s in app.state.sources.values() if s["name"] == "Acme Jobs")
    mapping = SourceMapping.objects.get(integration=integration)
    assert (mapping.status, mapping.remote_id, mapping.remote_label) == ("CONFIGURED", str(source_id), "Acme Jobs")

    sync(sdk, "FULL")
    assert len(sdk.ats.get_application_stages().result.data.results) == len(app.state.stages)
    job = next(job for job in sdk.ats.get_jobs().result.data.results if job.name == "Engineer 1")
    assert [stage.name for stage in job.stages] == [
        "Application Review", "Recruiter Phone Screen", "Face to Face", "Offer",
    ]  # fmt: skip
    notice, why, before, degree, languages, portfolio = job.screening_questions
    assert [q.format_.TYPE for q in job.screening_questions] == [
        "TEXT", "TEXT", "BOOLEAN", "SINGLE_SELECT", "MULTI_SELECT", "FILE",
    ]  # fmt: skip
    master = next(o.id for o in degree.format_.options if o.name == "Master")
    spoken = [o.id for o in languages.format_.options if o.name in ("English", "German")]

    response = sdk.ats.create_application(
        job_id=job.id,
        candidate={"first_name": "Ada", "last_name": "Lovelace", "email_address": "ada@example.com",
                   "company": "Analytical Engines Ltd", "phone_number": "+44 20 7946 0000"},
        attachments=[{"name": "ada-cv.pdf", "type": "CV", "content_type": "application/pdf", "data": b64(PDF)}],
        screening_question_answers=[
            {"question_id": notice.id, "answer": "Three months"},
            {"question_id": why.id, "answer": "The analytical engine, at scale."},
            {"question_id": before.id, "answer": False},
            {"question_id": degree.id, "answer": master},
            {"question_id": languages.id, "answer": spoken},
            {"question_id": portfolio.id, "answer": {"name": "notes.pdf", "content_type": "application/pdf",
                                                      "data": b64(b"%PDF notes")}},
        ],
    )  # fmt: skip
    created = response.data
    assert (created.outcome, created.current_stage.name, created.job.id) == ("PENDING", "Application Review", job.id)
    assert created.candidate.first_name == "Ada"
    assert [w.message for w in response.warnings][-1].startswith("screening_question_answers: Harvest v3 cannot")

    stored = app.state.applications[int(created.remote_id)]
    assert (stored["source_id"], stored["status"]) == (source_id, "in_process")
    person = app.state.candidates[stored["candidate_id"]]
    assert (person["company"], person["email_addresses"]) == (
        "Analytical Engines Ltd", [{"value": "ada@example.com", "type": "personal"}],
    )  # fmt: skip
    files = sorted(
        (a["filename"], a["type"]) for a in app.state.attachments.values() if a["application_id"] == stored["id"]
    )
    assert files == [("ada-cv.pdf", "resume"), ("notes.pdf", "other")]
    [answers] = [n["body"] for n in app.state.notes.values() if n["application_id"] == stored["id"]]
    assert answers.splitlines() == [
        "Screening answers:",
        "- What is your notice period?: Three months",
        "- Why do you want to work for us?: The analytical engine, at scale.",
        "- Have you ever worked for our organization before?: No",
        "- Highest degree: Master",
        "- Languages: English, German",
        "- Portfolio: (file notes.pdf, attached to the application)",
    ]
    attribution = ApplicationAttribution.objects.get(application_remote_id=created.remote_id)
    assert (attribution.status, attribution.observed_source_remote_id) == ("CONFIRMED", str(source_id))

    # follow-ups: move, note, tag, untag, attach, reject
    face = next(stage for stage in job.stages if stage.name == "Face to Face")
    sdk.ats.move_application_to_stage(application_id=created.id, stage_id=face.id)
    assert stored["stage_name"] == "Face to Face"
    sdk.ats.add_application_note(
        application_id=created.id, content="Strong systems thinking.", content_type="PLAIN_TEXT"
    )
    assert any(n["body"] == "Strong systems thinking." for n in app.state.notes.values())
    # remote_fields.greenhouse.post_headers.On-Behalf-Of: the token's `sub` in v3, honoured with client credentials
    sdk.ats.add_application_note(
        application_id=created.id, content="Seen by Rita.", content_type="PLAIN_TEXT",
        remote_fields={"greenhouse": {"post_headers": {"On-Behalf-Of": "1002"}}},
    )  # fmt: skip
    assert [n["user_id"] for n in app.state.notes.values() if n["body"] == "Seen by Rita."] == [1002]
    with pytest.raises(KomboAtsError) as refused:
        sdk.ats.add_application_note(
            application_id=created.id, content="x", content_type="PLAIN_TEXT",
            remote_fields={"greenhouse": {"post_headers": {"On-Behalf-Of": "rita"}}},
        )  # fmt: skip
    assert (refused.value.status_code, refused.value.data.error.code) == (400, "REMOTE.INPUT_INVALID")
    assert "remote_fields.greenhouse.post_headers.On-Behalf-Of must be a numeric" in str(refused.value)
    sdk.ats.add_candidate_tag(candidate_id=created.candidate.id, tag={"name": "Shortlist"})
    sdk.ats.add_candidate_tag(candidate_id=created.candidate.id, tag={"name": "Mathematics"})
    sdk.ats.remove_candidate_tag(candidate_id=created.candidate.id, tag={"name": "shortlist"})
    assert person["tags"] == ["Mathematics"]
    sdk.ats.add_application_attachment(
        application_id=created.id,
        attachment={"name": "ada-cv-2.pdf", "type": "CV", "content_type": "application/pdf", "data": b64(PDF)},
    )
    files = sorted(
        (a["filename"], a["type"]) for a in app.state.attachments.values() if a["application_id"] == stored["id"]
    )
    assert files == [("ada-cv-2.pdf", "resume"), ("ada-cv.pdf", "other"), ("notes.pdf", "other")]
    reason = next(r for r in app.state.rejection_reasons.values() if r["name"] == "Missing resume")
    # the recruiter interviews Ada, scores her and makes an offer in Greenhouse; the delta brings all three
    seed.interview_scorecard_offer(app.state, stored, app.state.now())
    sync(sdk, "DELTA")
    [offer] = sdk.ats.get_offers().result.data.results
    [interview] = sdk.ats.get_interviews().result.data.results
    [card] = sdk.ats.get_ats_scorecards().result.data.results
    assert (offer.application_id, interview.application_id, card.application_id) == (created.id,) * 3
    assert (offer.status, interview.title, interview.stage_id) == ("SENT", "Recruiter Phone Screen interview",
                                                                    job.stages[1].id)  # fmt: skip
    assert [u.first_name for u in interview.users] == ["Rita"]
    assert [(r.label, r.answer) for r in card.responses][1:3] == [
        ("Communication", "Explains trade-offs clearly."),
        ("Would you work with them again?", True),
    ]
    assert [r.label for r in card.responses][3:] == ["Seniority", "Notes"]
    assert (card.responses[0].answer.label, card.responses[3].answer.label) == ("yes", "Senior")
    assert card.responses[4].answer == "Clear thinker."
    assert card.interview_id == interview.id
    ours = next(r for r in sdk.ats.get_rejection_reasons().result.data.results if r.name == "Missing resume")
    sdk.ats.reject_application(application_id=created.id, rejection_reason_id=ours.id, note="Role filled.")
    assert (stored["status"], stored["rejection_reason_id"]) == ("rejected", reason["id"])
    sync(sdk, "DELTA")
    after = next(a for a in sdk.ats.get_applications().result.data.results if a.id == created.id)
    assert (after.outcome, after.rejection_reason_name) == ("DECLINED", "Missing resume")

    # the admin deletes the source in Greenhouse's settings: the next create is made without one and fails attribution
    requests.delete(f"{url}/_emulator/sources/{source_id}", timeout=10).raise_for_status()
    second = sdk.ats.create_application(
        job_id=job.id,
        candidate={"first_name": "Grace", "last_name": "Hopper", "email_address": "grace@example.com"},
        screening_question_answers=[
            {"question_id": notice.id, "answer": "None"},
            {"question_id": before.id, "answer": True},
        ],
    ).data
    assert app.state.applications[int(second.remote_id)]["source_id"] is None
    failed = ApplicationAttribution.objects.get(application_remote_id=second.remote_id)
    assert (failed.status, failed.reason) == (
        "FAILED", f"The source 'Acme Jobs' (id {source_id}) no longer exists in the ATS.",
    )  # fmt: skip
    issue = IntegrationIssue.objects.get(integration=integration)
    assert (issue.type, issue.status) == ("integration.source_missing", "OPEN")
