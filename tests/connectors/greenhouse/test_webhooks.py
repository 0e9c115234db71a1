"""Greenhouse web hooks end to end over loopback: hooks created on the emulator's stand-in for the Dev Center page
(ping on save, a failed ping ⇒ deactivated), changes made through the API and the control endpoints sent signed by
the emulator's outbox, verified by `parse_webhook` in a loopback receiver that reads the named records by id.
Forged, unsigned, tampered and replayed deliveries change nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import requests

from apps.connectors.catalog import ReadModel
from apps.connectors.greenhouse.emulator import GreenhouseEmulator
from apps.connectors.greenhouse.webhooks import EVENTS
from apps.connectors.webhooks import InboundWebhook, WebhookRejected, WebhookSetup, WebhookTarget
from tests.connectors.greenhouse.conftest import GH
from tests.connectors.greenhouse.harness import greenhouse_connector
from tests.connectors.loopback_receiver import LoopbackReceiver

SECRET = "gh-hook-secret"


@pytest.fixture
def receiver(greenhouse_server) -> Iterator[LoopbackReceiver]:
    with LoopbackReceiver(lambda: greenhouse_connector(greenhouse_server.url), SECRET) as receiver:
        yield receiver


def _hooks(url: str, target: str, events: list[str], secret: str = SECRET) -> requests.Response:
    body = {"name": "Tributary", "endpoint_url": target, "secret_key": secret, "event_action_types": events}
    return requests.post(f"{url}/_emulator/web_hooks", json=body, timeout=10)


def _flush(app: GreenhouseEmulator) -> dict:
    """Waits in-process: `POST /_emulator/webhooks/flush` holds the emulator's lock while it waits, so a receiver
    that reads back from the emulator (as ours does) would block until the flush times out."""
    assert app.outbox.wait_idle(10)
    return app.outbox.snapshot()["counts"]


def _sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256 " + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _webhook(body: bytes, **headers: str) -> InboundWebhook:
    return InboundWebhook(headers=headers, body=body, received_at=datetime.now(UTC))


def test_connector_declares_manual_setup_and_the_events() -> None:
    connector = greenhouse_connector("http://127.0.0.1:9")
    assert connector.webhook_setup == WebhookSetup.MANUAL
    assert set(connector.webhook_events) <= {
        "application_updated", "candidate_anonymized", "candidate_stage_change", "delete_application",
        "delete_candidate", "hire_candidate", "job_created", "job_deleted", "job_updated", "merge_candidate",
        "new_candidate_application", "reject_candidate", "unhire_candidate", "unreject_candidate",
        "update_candidate",
    }  # fmt: skip
    assert "candidate_stage_change" in EVENTS
    assert "hire_candidate" in EVENTS
    assert "reject_candidate" in EVENTS


def test_saved_hooks_ping_and_a_failed_ping_creates_the_hook_deactivated(
    greenhouse_server, greenhouse_app, receiver
) -> None:
    good = _hooks(greenhouse_server.url, f"{receiver.url}/hooks", ["candidate_stage_change"])
    receiver.dead_paths.add("/dead")
    dead = _hooks(greenhouse_server.url, f"{receiver.url}/dead", ["hire_candidate"])

    assert good.status_code == 201
    assert good.json()["deactivated"] is False
    assert good.json()["last_delivered"] is not None
    assert dead.status_code == 201
    assert dead.json()["deactivated"] is True
    [ping] = receiver.events("ping")
    assert ping.event.targets == ()
    assert ping.event.event_id
    assert json.loads(ping.body) == {"action": "ping", "payload": {"web_hook_id": good.json()["id"]}}
    # the deactivated hook sends nothing
    app_id = next(a["id"] for a in GH(greenhouse_server.url).as_user().req("GET", "/v3/applications").json())
    requests.post(f"{greenhouse_server.url}/_emulator/applications/{app_id}/hire", timeout=10)
    assert _flush(greenhouse_app)["delivered"] == 0


def test_api_and_ui_changes_arrive_signed_and_the_targeted_read_shows_them(
    greenhouse_server, greenhouse_app: GreenhouseEmulator, receiver
) -> None:
    url = greenhouse_server.url
    events = ["candidate_stage_change", "hire_candidate", "reject_candidate", "new_candidate_application",
              "update_candidate", "application_updated"]  # fmt: skip
    assert _hooks(url, f"{receiver.url}/hooks", events).status_code == 201
    gh = GH(url).as_user()
    active = [a for a in greenhouse_app.state.applications.values() if a["status"] == "in_process"]
    moved, hired, rejected = active[0], active[1], active[2]
    stages = greenhouse_app.state.stages_of(moved["job_id"])
    target_stage = next(s for s in stages if s["id"] != moved["stage_id"])
    reason = next(iter(greenhouse_app.state.rejection_reasons))
    receiver.clear()

    answer = gh.req("POST", f"/v3/applications/{moved['id']}/move",
                    json={"from_stage_id": moved["stage_id"], "to_stage_id": target_stage["id"]})  # fmt: skip
    assert answer.status_code == 204, answer.text
    assert requests.post(f"{url}/_emulator/applications/{hired['id']}/hire", timeout=10).status_code == 200
    answer = gh.req("POST", f"/v3/applications/{rejected['id']}/reject", json={"rejection_reason_id": reason})
    assert answer.status_code == 204, answer.text
    # A recruiter edits the profile in the UI, with markup: Greenhouse escapes `<` / `>` as \u003c / \u003e.
    edited = requests.patch(
        f"{url}/_emulator/candidates/{moved['candidate_id']}", json={"title": "<b>Lead</b>"}, timeout=10
    )
    assert edited.status_code == 200

    counts = _flush(greenhouse_app)
    assert counts == {"pending": 0, "delivered": 4, "failed": 0, "dropped": 0}
    [move] = receiver.events("candidate_stage_change")
    [hire] = receiver.events("hire_candidate")
    [reject] = receiver.events("reject_candidate")
    [update] = receiver.events("update_candidate")
    assert move.headers["signature"] == _sign(move.body)
    assert move.headers["greenhouse-event-id"] == move.event.event_id
    assert move.event.targets == (
        WebhookTarget(ReadModel.APPLICATIONS, str(moved["id"])),
        WebhookTarget(ReadModel.CANDIDATES, str(moved["candidate_id"])),
    )
    payload = json.loads(move.body)["payload"]["application"]
    assert payload["current_stage"] == {"id": target_stage["id"], "name": target_stage["name"]}
    assert payload["candidate"]["id"] == moved["candidate_id"]
    [moved_read] = move.records[f"{ReadModel.APPLICATIONS}:{moved['id']}"]
    assert (moved_read.current_stage_remote_id, moved_read.outcome) == (str(target_stage["id"]), "PENDING")
    [hired_read] = hire.records[f"{ReadModel.APPLICATIONS}:{hired['id']}"]
    assert hired_read.outcome == "HIRED"
    [rejected_read] = reject.records[f"{ReadModel.APPLICATIONS}:{rejected['id']}"]
    assert rejected_read.outcome == "DECLINED"
    assert rejected_read.rejected_at is not None
    assert b"\\u003cb\\u003eLead\\u003c/b\\u003e" in update.body
    assert b"<b>" not in update.body
    assert update.headers["signature"] == _sign(update.body)
    [candidate] = update.records[f"{ReadModel.CANDIDATES}:{moved['candidate_id']}"]
    assert candidate.title == "<b>Lead</b>"
    assert {r.status for r in receiver.received} == {200}


def test_a_failed_delivery_is_retried_with_the_same_event_id(greenhouse_server, greenhouse_app, receiver) -> None:
    url = greenhouse_server.url
    assert _hooks(url, f"{receiver.url}/retry", ["hire_candidate"]).status_code == 201
    requests.post(f"{url}/_emulator/webhooks", json={"retry_time_scale": 0.0001}, timeout=10)
    receiver.fail_first.add("/retry")
    app_id = next(a["id"] for a in greenhouse_app.state.applications.values() if a["status"] == "in_process")
    requests.post(f"{url}/_emulator/applications/{app_id}/hire", timeout=10)

    assert _flush(greenhouse_app)["delivered"] == 1
    first, second = [r for r in receiver.received if json.loads(r.body).get("action") == "hire_candidate"]
    assert (first.status, second.status) == (500, 200)
    assert first.headers["greenhouse-event-id"] == second.headers["greenhouse-event-id"]
    [delivery] = requests.get(f"{url}/_emulator/webhooks", timeout=10).json()["deliveries"]
    assert [a["status"] for a in delivery["attempts"]] == [500, 200]
    assert requests.get(f"{url}/_emulator/webhooks", timeout=10).json()["retry_delays"] == [
        60.0, 900.0, 3600.0, 7200.0, 14400.0, 28800.0,
    ]  # fmt: skip


def test_forged_unsigned_tampered_and_replayed_deliveries_change_nothing(
    greenhouse_server, greenhouse_app, receiver
) -> None:
    url = greenhouse_server.url
    assert _hooks(url, f"{receiver.url}/hooks", ["hire_candidate"]).status_code == 201
    app_id = next(a["id"] for a in greenhouse_app.state.applications.values() if a["status"] == "in_process")
    requests.post(f"{url}/_emulator/applications/{app_id}/hire", timeout=10)
    _flush(greenhouse_app)
    [genuine] = receiver.events("hire_candidate")
    connector = greenhouse_connector(url)
    event_id = genuine.headers["greenhouse-event-id"]

    with pytest.raises(WebhookRejected, match="missing"):
        connector.parse_webhook(_webhook(genuine.body, **{"greenhouse-event-id": event_id}), secret=SECRET)
    with pytest.raises(WebhookRejected, match="mismatch"):
        connector.parse_webhook(_webhook(genuine.body, signature=_sign(genuine.body, "guessed")), secret=SECRET)
    tampered = genuine.body.replace(str(app_id).encode(), b"1", 1)
    with pytest.raises(WebhookRejected, match="mismatch"):
        connector.parse_webhook(_webhook(tampered, signature=genuine.headers["signature"]), secret=SECRET)
    with pytest.raises(WebhookRejected, match="no secret"):
        connector.parse_webhook(_webhook(genuine.body, signature=genuine.headers["signature"]), secret="")

    # Over HTTP: a forged one is refused (401), the genuine one replayed is a duplicate (processes nothing).
    forged = requests.post(f"{receiver.url}/hooks", data=genuine.body, headers={"Signature": "sha256 00"}, timeout=5)
    replay = requests.post(
        f"{receiver.url}/hooks", data=genuine.body,
        headers={"Signature": genuine.headers["signature"], "Greenhouse-Event-ID": event_id}, timeout=5,
    )  # fmt: skip
    assert (forged.status_code, replay.status_code) == (401, 200)
    assert receiver.received[-2].rejected == "signature mismatch"
    assert receiver.received[-1].duplicate is True
    assert receiver.received[-1].records == {}
