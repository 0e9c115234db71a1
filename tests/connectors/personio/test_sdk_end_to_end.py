"""End to end through the official SDK over loopback, against the Personio emulator: connect (client credentials and
the Recruiting API key through the flow's pages; a wrong Channel ID refused live with Personio's reason, then the
channel the admin created), sync, apply with a CV, read it back PENDING with its channel confirmed; every follow-up
Personio lacks answers "not available" without a call. Every effect is asserted in the emulator's own state."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client
from kombo import Kombo, errors

from apps.attribution.models import ApplicationAttribution, SourceMapping
from apps.connectors.catalog import RateBudget
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.personio.connector import PersonioConnector
from apps.connectors.personio.emulator import (
    DEFAULT_API_KEY,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    PersonioEmulator,
    create_app,
)
from apps.integrations.models import Integration, IntegrationIssue
from tests.connectors.sync_support import every, sync

PDF = b"%PDF-1.4\n% Ada Lovelace, CV\n"


@pytest.fixture
def personio(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[PersonioEmulator, str]]:
    # Limits off here, so the connector need not pace itself at 0.3 v1 requests per second (the sync benchmark and
    # the emulator tests keep the real limits).
    monkeypatch.setattr(PersonioConnector, "rate_budget", RateBudget(requests_per_second=100, max_concurrency=4))
    app = create_app(limits_enabled=False)  # the real clock: deltas compare with our own
    with LoopbackServer(app) as server:
        settings.CONNECTOR_BASE_URLS = {"personio": server.url}
        yield app, server.url


def connect(kombo: Kombo, client: Client, url: str) -> tuple[Integration, int]:
    link = kombo.connect.create_connection_link(
        end_user_email="hr@acme.example.com", end_user_organization_name="Acme Corp", integration_tool="personio"
    ).data.link
    path = urlsplit(link).path
    form = {
        "mode": "OAUTH2_CLIENT_CREDENTIALS", "client_id": DEFAULT_CLIENT_ID, "client_secret": DEFAULT_CLIENT_SECRET,
        "api_key": DEFAULT_API_KEY, "company_id": "98765",
    }  # fmt: skip
    assert client.post(f"{path}connect", form).status_code == 302
    checks = client.get(f"{path}checks").content.decode()
    assert "Connection verified" in checks
    assert "Create applications" in checks
    pending = client.get(f"{path}source").content.decode()
    assert 'data-status="PENDING_SETUP"' in pending
    assert "Settings → Recruiting → Recruiting" in pending
    assert 'id="source-remote-id"' in pending

    wrong = client.post(f"{path}source", {"action": "select", "remote_id": "424242"}).content.decode()
    assert 'data-status="ERROR"' in wrong
    assert "errors.posting-validation.channel-not-found (The recruiting channel could not be found.)" in wrong

    made = requests.post(f"{url}/_emulator/channels", json={"name": "Acme Jobs"}, timeout=10)
    assert made.status_code == 201
    channel_id = made.json()["id"]
    chosen = client.post(f"{path}source", {"action": "select", "remote_id": str(channel_id)})
    assert chosen.status_code == 302
    assert 'data-status="CONFIGURED"' in client.get(f"{path}source").content.decode()
    done = client.post(f"{path}finish").content.decode()
    token = done.split('id="activation-token" type="application/json">')[1].split("</script>")[0].strip('"')
    exchanged = kombo.connect.get_integration_by_token(token=token).data
    assert (exchanged.tool, exchanged.setup_status) == ("personio", "COMPLETED")
    return Integration.objects.get(id=exchanged.id), channel_id


def _not_available(call: Callable[[], Any]) -> str:
    with pytest.raises(errors.KomboAtsError) as refused:
        call()
    assert (refused.value.status_code, refused.value.data.error.code) == (400, "INTEGRATION.ACTION_NOT_AVAILABLE")
    return str(refused.value)


@pytest.mark.django_db(transaction=True)
def test_connect_with_a_pasted_channel_sync_apply_and_unsupported_follow_ups(
    personio: tuple[PersonioEmulator, str], kombo_client: Callable[..., Kombo], client: Client
) -> None:
    app, url = personio
    integration, channel_id = connect(kombo_client(), client, url)
    sdk = kombo_client(integration_id=integration.id)
    mapping = SourceMapping.objects.get(integration=integration)
    assert (mapping.status, mapping.remote_id, mapping.source_name) == ("CONFIGURED", str(channel_id), "Acme Jobs")

    sync(integration)
    job = next(job for job in every(sdk.ats.get_jobs) if job.name == "Engineer 1")
    assert [stage.name for stage in job.stages] == [
        "Unassigned", "Screening", "Interview", "Assessment", "Rejected", "Withdrawn", "Offer", "Accepted",
    ]  # fmt: skip
    assert (job.status, job.screening_questions) == ("OPEN", [])

    cv = {"name": "ada-cv.pdf", "type": "CV", "content_type": "application/pdf",
          "data": base64.b64encode(PDF).decode()}  # fmt: skip
    response = sdk.ats.create_application(
        job_id=job.id,
        candidate={"first_name": "Ada", "last_name": "Lovelace", "email_address": "ada@example.com",
                   "phone_number": "+44 20 7946 0000", "gender": "FEMALE"},
        attachments=[cv],
        remote_fields={"personio": {"application": {"message": "Looking forward to it.", "tags": ["tributary"]}}},
    )  # fmt: skip
    created = response.data
    assert (created.outcome, created.current_stage.name, created.job.id) == ("PENDING", "Unassigned", job.id)
    assert created.candidate.first_name == "Ada"

    [stored] = [
        a
        for a in app.state.applications.values()
        if app.state.candidates[a["candidate_id"]]["email"] == "ada@example.com"
    ]
    assert str(stored["id"]) == created.remote_id
    assert stored["channel_id"] == channel_id
    assert stored["attributes"] == {"phone": "+44 20 7946 0000", "gender": "female"}
    assert (stored["message"], stored["tags"]) == ("Looking forward to it.", ["tributary"])
    assert [(f["original_filename"], f["category"], f["size"]) for f in stored["files"]] == [
        ("ada-cv.pdf", "cv", len(PDF))
    ]
    attribution = ApplicationAttribution.objects.get(application_remote_id=created.remote_id)
    assert (attribution.status, attribution.observed_source, attribution.observed_source_remote_id) == (
        "CONFIRMED", "Acme Jobs", str(channel_id),
    )  # fmt: skip

    # Personio's API has no follow-ups (A3): each answers "not available" and nothing changes in Personio.
    before = app.state.applications[stored["id"]]["updated_at"]
    app_id, person_id, ats = created.id, created.candidate.id, sdk.ats
    messages = [
        _not_available(lambda: ats.move_application_to_stage(application_id=app_id, stage_id=job.stages[1].id)),
        _not_available(lambda: ats.add_application_note(application_id=app_id, content="x", content_type="PLAIN_TEXT")),
        _not_available(lambda: ats.add_candidate_tag(candidate_id=person_id, tag={"name": "Shortlist"})),
        _not_available(lambda: ats.add_application_attachment(application_id=app_id, attachment=cv)),
    ]  # fmt: skip
    assert messages[0].startswith("Personio does not support this action (Move application to stage)")
    assert app.state.applications[stored["id"]]["updated_at"] == before
    assert app.state.tags == {"tributary"}  # the create's own, nothing from the refused tag

    # A recruiter rejects in Personio's UI: the next delta reads it back DECLINED.
    requests.post(f"{url}/_emulator/applications/{stored['id']}/stage", json={"stage_id": "rejected"}, timeout=10)
    sync(integration, "DELTA")
    after = next(a for a in every(sdk.ats.get_applications) if a.id == created.id)
    assert (after.outcome, after.current_stage.name) == ("DECLINED", "Rejected")
    assert after.rejected_at is not None

    # The admin deletes the channel in Personio's settings: the next create goes in without it, with a warning, and
    # its attribution fails with the reason and raises the source issue.
    requests.delete(f"{url}/_emulator/channels/{channel_id}", timeout=10).raise_for_status()
    second = sdk.ats.create_application(
        job_id=job.id, candidate={"first_name": "Grace", "last_name": "Hopper", "email_address": "grace@example.com"}
    )
    assert app.state.applications[int(second.data.remote_id)]["channel_id"] is None
    assert f"no longer knows the recruiting channel {channel_id}" in " ".join(w.message for w in second.warnings)
    failed = ApplicationAttribution.objects.get(application_remote_id=second.data.remote_id)
    assert (failed.status, failed.reason) == (
        "FAILED", f"The source 'Recruiting channel {channel_id}' (id {channel_id}) no longer exists in the ATS.",
    )  # fmt: skip
    issue = IntegrationIssue.objects.get(integration=integration)
    assert (issue.type, issue.status) == ("integration.source_missing", "OPEN")
