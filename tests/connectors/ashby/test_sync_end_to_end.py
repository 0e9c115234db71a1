"""End to end over loopback: an Ashby integration synced by the real engine; the engine keeps each model's
`syncToken`, the next delta sends it, and a delta after Ashby expired the tokens still finds every change; offers,
interviews, notes (per candidate) and files are read too."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from kombo import Kombo

from apps.connectors.ashby.emulator import DEFAULT_API_KEY, AshbyEmulator, create_app, operations, pipeline
from apps.connectors.catalog import AuthKind
from apps.connectors.emulation.server import LoopbackServer
from apps.integrations.models import Environment, Integration, SyncRun
from apps.integrations.services import integration_create
from tests.connectors.sync_support import every, sync


@pytest.fixture
def emulator() -> Iterator[tuple[AshbyEmulator, str]]:
    app = create_app(limits_enabled=False)  # the real clock: deltas compare with our own
    with LoopbackServer(app) as server:
        yield app, server.url


@pytest.fixture
def ashby(environment: Environment, emulator: tuple[AshbyEmulator, str]) -> Integration:
    integration = integration_create(
        environment=environment,
        tool="ashby",
        end_user_organization_name="Acme Corp",
        auth_kind=AuthKind.API_KEY,
        credentials={"api_key": DEFAULT_API_KEY},
        base_url=emulator[1],
        setup_status=Integration.SetupStatus.COMPLETED,
    )
    integration.sync_all_records = True
    integration.save(update_fields=["sync_all_records"])
    return integration


def _change_stage(app: AshbyEmulator, application: dict[str, Any], kind: str) -> None:
    plan = app.state.plans[application["currentInterviewStage"]["interviewPlanId"]]
    stage = next(s for s in plan if s["type"] == kind)
    body: dict[str, Any] = {"applicationId": application["id"], "interviewStageId": stage["id"]}
    if kind == "Archived":
        body["archiveReasonId"] = next(iter(app.state.archive_reasons))
    operations.change_stage(app.state, body)


@pytest.mark.django_db(transaction=True)
def test_sync_tokens_are_kept_per_model_and_an_expired_one_falls_back_to_a_full_read(
    ashby: Integration, emulator: tuple[AshbyEmulator, str], kombo_client: Callable[..., Kombo]
) -> None:
    app, _url = emulator
    sdk = kombo_client(integration_id=ashby.id)
    person = next(iter(app.state.candidates.values()))
    with app.lock:  # a recruiter's note, an offer and a CV in Ashby (the seed scheduled one interview)
        operations.create_note(app.state, {"candidateId": person["id"], "note": "<b>Strong</b> Python"}, {"id": "u-x"})
        pipeline.add_offer(app.state, {"applicationId": person["applicationIds"][0], "acceptanceStatus": "Accepted"})
        operations.add_file(app.state, person["id"], "cv.pdf", b"%PDF-1.4", "application/pdf", resume=True)

    full = sync(ashby)
    ashby.refresh_from_db()

    assert {m.model: m.fetched for m in full.model_checkpoints.all()} == {
        "ats_users": 3,
        "ats_tags": 1,
        "ats_rejection_reasons": 3,
        "ats_jobs": 3,
        "ats_candidates": 6,
        "ats_applications": 6,
        "ats_offers": 1,
        "ats_interviews": 1,
        "ats_notes": 1,
        "ats_attachments": 1,
    }
    assert set(ashby.sync_tokens) == {
        "ats_users",
        "ats_tags",
        "ats_jobs",
        "ats_candidates",
        "ats_applications",
        "ats_offers",
        "ats_interviews",
        "ats_notes",  # a candidate.list token of its own: a delta asks listNotes only of changed candidates
        "ats_attachments",
    }
    applications = {a.id: a.remote_id for a in every(sdk.ats.get_applications)}
    [offer] = every(sdk.ats.get_offers)
    assert (offer.status, applications[offer.application_id]) == ("ACCEPTED", person["applicationIds"][0])
    [interview] = every(sdk.ats.get_interviews)
    assert (interview.title, interview.video_conferencing_url) == ("Technical Interview", "https://meet.example.com/5")
    assert len(interview.users) == 2
    [note] = every(sdk.ats.get_notes)
    assert note.content_html == "<b>Strong</b> Python"
    [cv] = every(sdk.ats.get_ats_attachments)
    assert (cv.file_name, cv.type) == ("cv.pdf", "CV")
    jobs = every(sdk.ats.get_jobs)
    assert [s.name for s in jobs[0].stages][:2] == ["New Lead", "Application Review"]
    assert {q.format_.TYPE for q in jobs[0].screening_questions} >= {"SINGLE_SELECT", "MULTI_SELECT", "BOOLEAN"}
    assert {a.outcome for a in every(sdk.ats.get_applications)} == {"PENDING"}

    # a delta with valid tokens: Ashby returns only what changed
    first, second, third = list(app.state.applications.values())[:3]
    _change_stage(app, first, "Hired")
    with app.lock:
        operations.create_note(app.state, {"candidateId": first["candidate"]["id"], "note": "Hired!"}, {"id": "u-x"})
    tokens_before = dict(ashby.sync_tokens)
    delta = sync(ashby, SyncRun.Type.DELTA)
    ashby.refresh_from_db()

    fetched = {m.model: m.fetched for m in delta.model_checkpoints.all()}
    # notes: the new one, and the first again (made just before the full sync, inside the engine's DELTA_OVERLAP)
    assert (fetched["ats_applications"], fetched["ats_notes"]) == (1, 2)
    assert {n.content_html for n in every(sdk.ats.get_notes)} == {"<b>Strong</b> Python", "Hired!"}
    assert ashby.sync_tokens["ats_applications"] != tokens_before["ats_applications"]

    # Ashby expires every token; two more changes; the delta falls back to a full read and misses nothing
    app.state.expire_sync_tokens()
    _change_stage(app, second, "Archived")
    _change_stage(app, third, "Hired")
    after_expiry = sync(ashby, SyncRun.Type.DELTA)

    # the two changed now, and the first: changed just before the previous delta, inside the engine's DELTA_OVERLAP
    assert {m.model: m.fetched for m in after_expiry.model_checkpoints.all()}["ats_applications"] == 3
    outcomes = {a.remote_id: a.outcome for a in every(sdk.ats.get_applications)}
    assert [outcomes[a["id"]] for a in (first, second, third)] == ["HIRED", "DECLINED", "HIRED"]
