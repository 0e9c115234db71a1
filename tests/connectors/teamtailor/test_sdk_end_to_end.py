"""End to end through the official SDK over loopback, against the Teamtailor emulator: connect through the flow's
pages choosing the NA region (the emulator's `/na` prefix), sync, create an application with answers to every
question format Teamtailor takes and a CV (warned: files only as a public URL), read the source back (offers and
uploads are read too), then move,
reject with a reason, note, tag; every effect asserted in the emulator's state. Then a create whose answer is lost,
retried with its Idempotency-Key, makes exactly one application."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client
from kombo import Kombo
from kombo.errors import KomboAtsError

from apps.attribution.models import ApplicationAttribution
from apps.connectors.catalog import RateBudget
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.teamtailor.connector import TeamtailorConnector
from apps.connectors.teamtailor.emulator import DEFAULT_NA_API_KEY, TeamtailorEmulator, create_app
from apps.connectors.teamtailor.mapping import SOURCE_PARAM
from apps.integrations.models import Integration
from apps.integrations.selectors import integration_credentials
from tests.connectors.sync_support import every, sync

PDF = b"%PDF-1.4\n% Ada Lovelace, CV\n"
QUESTIONS = [
    {"title": "Work permit?", "question-type": "Boolean", "mandatory": True},
    {"title": "Seniority", "question-type": "Choice", "alternatives": ["Junior", "Mid", "Senior"]},
    {"title": "Languages", "question-type": "Choice", "alternatives": ["Python", "Go", "Rust"], "multiple": True},
    {"title": "Years of experience", "question-type": "Range", "start-with": 0, "end-with": 40},
    {"title": "Why us?", "question-type": "Text"},
]


@pytest.fixture
def teamtailor(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TeamtailorEmulator, str]]:
    # Limits off here (the sync benchmark keeps them on), so the connector need not pace itself at 4.5 per second.
    monkeypatch.setattr(TeamtailorConnector, "rate_budget", RateBudget(requests_per_second=100, max_concurrency=4))
    app = create_app(seed={"jobs": 1, "candidates": 3, "applications": 2}, limits_enabled=False)
    with LoopbackServer(app) as server:
        settings.CONNECTOR_BASE_URLS = {"teamtailor": server.url}  # the root: the region picks the prefix
        yield app, server.url


def control(url: str, method: str, path: str, **kwargs: Any) -> Any:
    response = requests.request(method, f"{url}/_emulator{path}", timeout=10, **kwargs)
    assert response.ok, response.text
    return response.json()


def connect(kombo: Kombo, client: Client) -> Integration:
    link = kombo.connect.create_connection_link(
        end_user_email="hr@acme.example.com", end_user_organization_name="Acme Corp", integration_tool="teamtailor"
    ).data.link
    path = urlsplit(link).path
    form = client.get(f"{path}connect").content.decode()
    assert '<select id="field-region" name="region"' in form
    assert '<option value="na">North America (app.na.teamtailor.com)</option>' in form
    posted = client.post(f"{path}connect", {"mode": "API_KEY", "api_key": DEFAULT_NA_API_KEY, "region": "na"})
    assert posted.status_code == 302
    assert "Connection verified" in client.get(f"{path}checks").content.decode()
    done = client.post(f"{path}finish").content.decode()
    token = done.split('id="activation-token" type="application/json">')[1].split("</script>")[0].strip('"')
    exchanged = kombo.connect.get_integration_by_token(token=token).data
    assert (exchanged.tool, exchanged.setup_status) == ("teamtailor", "COMPLETED")
    Integration.objects.filter(id=exchanged.id).update(sync_all_records=True)  # the seeded candidates too
    return Integration.objects.get(id=exchanged.id)


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


@pytest.mark.django_db(transaction=True)
def test_connect_in_na_sync_apply_with_every_answer_format_then_move_reject_note_tag(
    teamtailor: tuple[TeamtailorEmulator, str], kombo_client: Callable[..., Kombo], client: Client
) -> None:
    app, url = teamtailor
    created_job = control(url, "POST", "/jobs", json={"title": "Analyst", "questions": QUESTIONS})
    first_candidate = min(app.state.candidates)
    integration = connect(kombo_client(), client)
    assert integration_credentials(integration) == {"api_key": DEFAULT_NA_API_KEY, "region": "na"}
    sdk = kombo_client(integration_id=integration.id)
    offered = min(app.state.job_applications)
    with app.lock:  # made in Teamtailor's interface
        app.state.add_upload(first_candidate, None, {"url": "https://files.example.com/cv-1.pdf"})
        app.state.add_offer(offered, {"status": "answered", "response": "accepted"})

    before = control(url, "GET", "/regions")["requests"]
    sync(integration)
    after = control(url, "GET", "/regions")["requests"]
    assert (after["eu"], after["na"] > before["na"]) == (before["eu"], True)  # every call went to the NA stack

    job = next(j for j in every(sdk.ats.get_jobs) if j.remote_id == str(created_job["id"]))
    assert [s.name for s in job.stages] == ["Inbox", "Screening", "Interview", "Hired"]
    by_title = {q.title: q for q in job.screening_questions}
    assert {title: q.format_.TYPE for title, q in by_title.items()} == {
        "Work permit?": "BOOLEAN",
        "Seniority": "SINGLE_SELECT",
        "Languages": "MULTI_SELECT",
        "Years of experience": "NUMBER",
        "Why us?": "TEXT",
    }
    [offer] = every(sdk.ats.get_offers)
    applications = {a.id: a.remote_id for a in every(sdk.ats.get_applications)}
    assert (offer.status, applications[offer.application_id]) == ("ACCEPTED", str(offered))
    remote_of = {c.id: c.remote_id for c in every(sdk.ats.get_candidates)}
    uploads = every(sdk.ats.get_ats_attachments)
    assert [(a.file_name, remote_of[a.candidate_id]) for a in uploads] == [("cv-1.pdf", str(first_candidate))]

    seniority, languages = by_title["Seniority"], by_title["Languages"]
    response = sdk.ats.create_application(
        job_id=job.id,
        candidate={"first_name": "Ada", "last_name": "Lovelace", "email_address": "ada@example.com"},
        attachments=[{"name": "ada-cv.pdf", "type": "CV", "content_type": "application/pdf", "data": b64(PDF)}],
        remote_fields={
            "teamtailor": {"candidate": {"pitch": "Engines!"}, "application": {"attributes": {"cover-letter": "Hi"}}}
        },
        screening_question_answers=[
            {"question_id": by_title["Work permit?"].id, "answer": True},
            {"question_id": seniority.id, "answer": next(o.id for o in seniority.format_.options if o.name == "Mid")},
            {"question_id": languages.id, "answer": [o.id for o in languages.format_.options if o.name != "Go"]},
            {"question_id": by_title["Years of experience"].id, "answer": 7},
            {"question_id": by_title["Why us?"].id, "answer": "The analytical engine, at scale."},
        ],
    )
    created = response.data
    assert (created.outcome, created.current_stage.name) == ("PENDING", "Inbox")
    # read back from Teamtailor with the application (the candidate's answers come through `include`)
    read_back = [(a.question.title, a.question.TYPE, a.answer) for a in created.screening_question_answers]
    assert [(title, kind) for title, kind, _ in read_back] == [
        ("Work permit?", "BOOLEAN"),
        ("Seniority", "SINGLE_SELECT"),
        ("Languages", "MULTI_SELECT"),
        ("Years of experience", "NUMBER"),
        ("Why us?", "TEXT"),
    ]
    assert [answer.model_dump() for _, _, answer in read_back] == [
        {"checked": True},
        {"choice": "Mid"},
        {"choices": [o.name for o in languages.format_.options if o.name != "Go"]},
        {"number": 7.0},
        {"content": "The analytical engine, at scale."},
    ]
    assert [w.message for w in response.warnings] == [
        "attachments: Teamtailor cannot write this (UNSUPPORTED); it was not sent."
    ]

    stored = app.state.job_applications[int(created.remote_id)]
    candidate = app.state.candidates[stored.candidate_id]
    for referring in (stored.referring_url, candidate.referring_url):
        assert parse_qs(urlsplit(str(referring)).query)[SOURCE_PARAM] == ["Acme Jobs"]
    assert urlsplit(str(stored.referring_url)).hostname == "acme-jobs"
    assert (candidate.pitch, stored.cover_letter) == ("Engines!", "Hi")  # the contract's remote_fields
    answers = {a.question_id: a for a in app.state.answers.values() if a.candidate_id == candidate.id}
    ids = {q.title: int(q.remote_id) for q in job.screening_questions}
    assert answers[ids["Work permit?"]].boolean is True
    assert answers[ids["Seniority"]].choices == [1]
    assert answers[ids["Languages"]].choices == [0, 2]
    assert answers[ids["Years of experience"]].range == 7
    assert answers[ids["Why us?"]].text == "The analytical engine, at scale."
    assert [u.file_name for u in app.state.uploads.values() if u.candidate_id == candidate.id] == []
    attribution = ApplicationAttribution.objects.get(application_remote_id=created.remote_id)
    assert (attribution.status, attribution.expected_source, attribution.observed_source) == (
        "CONFIRMED",
        "Acme Jobs",
        "Acme Jobs",
    )

    interview = next(s for s in job.stages if s.name == "Interview")
    sdk.ats.move_application_to_stage(application_id=created.id, stage_id=interview.id)
    assert app.state.stages[stored.stage_id].name == "Interview"
    sdk.ats.add_application_note(
        application_id=created.id, content="Strong systems thinking", content_type="PLAIN_TEXT"
    )
    assert [(n.candidate_id, n.note) for n in app.state.notes.values()] == [(candidate.id, "Strong systems thinking")]
    sdk.ats.add_candidate_tag(candidate_id=created.candidate.id, tag={"name": "priority"})
    assert candidate.tags == ["priority"]
    reason = next(r for r in sdk.ats.get_rejection_reasons().result.data.results if r.name == "Took another job")
    sdk.ats.reject_application(application_id=created.id, rejection_reason_id=reason.id, note="Accepted elsewhere")
    assert stored.rejected_at is not None
    assert app.state.reject_reasons[stored.reject_reason_id].reason == "Took another job"
    assert [n.note for n in app.state.notes.values()][-1] == "Accepted elsewhere"


@pytest.mark.django_db(transaction=True)
def test_a_create_whose_answer_is_lost_retried_with_its_idempotency_key_makes_one_application(
    teamtailor: tuple[TeamtailorEmulator, str], kombo_client: Callable[..., Kombo], client: Client
) -> None:
    app, url = teamtailor
    integration = connect(kombo_client(), client)
    sdk = kombo_client(integration_id=integration.id)
    sync(integration)
    job = every(sdk.ats.get_jobs)[0]
    permit = next(q for q in job.screening_questions if q.format_.TYPE == "BOOLEAN")
    person = {"first_name": "Grace", "last_name": "Hopper", "email_address": "grace@example.com"}
    answers = [{"question_id": permit.id, "answer": True}]
    headers = {"Idempotency-Key": "tt-order-1"}
    lose = {"kind": "lose_answer", "count": 1, "method": "POST", "path": "*/job-applications"}
    control(url, "POST", "/faults", json=lose)

    with pytest.raises(KomboAtsError):  # the answer to the job application's POST never came back
        sdk.ats.create_application(
            job_id=job.id, candidate=person, screening_question_answers=answers, http_headers=headers
        )
    again = sdk.ats.create_application(
        job_id=job.id, candidate=person, screening_question_answers=answers, http_headers=headers
    )

    grace = [c.id for c in app.state.candidates.values() if c.email == "grace@example.com"]
    mine = [a for a in app.state.job_applications.values() if a.candidate_id in grace]
    assert (len(grace), len(mine)) == (1, 1)
    assert again.data.remote_id == str(mine[0].id)
    assert control(url, "GET", "/faults")["faults"] == []  # the one lost answer was spent
