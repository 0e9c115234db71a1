"""Teamtailor's company webhooks in the emulator (reference B7; T-PART `company_webhooks/*`).

They are set up by hand in *Settings > Integrations > Webhooks* (label, HTTPS URL, events; Teamtailor generates
the signature key): `POST /_emulator/company-webhooks` stands in for that page. After every change made through
the API or the control endpoints that stand in for Teamtailor's interface, each subscribed event is sent once:
`{"payload": {"event_name", "data": {"id", "type", "attributes"}}, "signature"}` with the same signature in the
`TT-Signature` header. v2 (the recommended version): base64 of `t=<unix>,v2=<hex HMAC-SHA256(key,
"<t>.<JSON.stringify(payload)>")>`; v1 (deprecated): base64 of the hex HMAC-SHA256 of `payload.data.id`.
"There is no retry mechanism": a failed delivery is not sent again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from typing import Any

from apps.connectors.emulation.app import ControlError
from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.webhooks import DeliveryPolicy, WebhookOutbox
from apps.connectors.teamtailor.emulator.jsonapi import attributes, wire_time
from apps.connectors.teamtailor.emulator.state import State

EVENTS = tuple(
    f"{resource}.{action}"
    for resource in ("candidate", "job", "job_application")
    for action in ("create", "update", "destroy")
)
USER_AGENT = "Teamtailor-Webhooks"  # assumed: the sender's User-Agent is not documented
# What fires `<resource>.update` (T-PART event types), as far as the emulator keeps those fields.
WATCHED: dict[str, tuple[str, str, Callable[[Any], tuple[Any, ...]]]] = {
    "candidates": (
        "candidate",
        "candidates",
        lambda c: (c.email, c.first_name, c.last_name, c.phone, c.pitch, c.linkedin_url, c.referring_url),
    ),
    "jobs": (
        "job",
        "jobs",
        lambda j: (j.title, j.body, j.status, j.internal, j.remote_status, tuple(j.tags), j.resume_requirement),
    ),
    "job_applications": (
        "job_application",
        "job-applications",
        lambda a: (a.stage_id, a.rejected_at, a.cover_letter),
    ),
}
Fingerprint = dict[str, dict[int, tuple[Any, ...]]]


def js_json(value: Any) -> str:
    """`JSON.stringify` of a parsed JSON value: no spaces, non-ASCII kept (T-PART's v2 example signs this)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def v2_signature(key: str, payload: Any, timestamp: int) -> str:
    digest = hmac.new(key.encode(), f"{timestamp}.{js_json(payload)}".encode(), hashlib.sha256).hexdigest()
    return base64.b64encode(f"t={timestamp},v2={digest}".encode()).decode()


def v1_signature(key: str, record_id: str) -> str:
    digest = hmac.new(key.encode(), record_id.encode(), hashlib.sha256).hexdigest()
    return base64.b64encode(digest.encode()).decode()


class CompanyWebhooks:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.outbox = WebhookOutbox(clock=clock, policy=DeliveryPolicy(retry_delays=()), user_agent=USER_AGENT)
        self.hooks: dict[str, dict[str, Any]] = {}
        self._seen: Fingerprint = {}

    def reset(self) -> None:
        self.hooks = {}
        self.outbox.reset()

    def observe(self, state: State) -> None:
        self._seen = _fingerprint(state)

    # ------------------------------------------------------------------ the settings page
    def add(self, body: dict[str, Any]) -> dict[str, Any]:
        url, events = body.get("url"), body.get("events", list(EVENTS))
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            # Teamtailor takes HTTPS only; the emulator also takes http:// so loopback receivers can listen.
            raise ControlError("url must be an https:// URL")
        if not isinstance(events, list) or not events or any(event not in EVENTS for event in events):
            raise ControlError(f"events: a non-empty list of {', '.join(EVENTS)}")
        version = body.get("signature_version", "v2")
        if version not in ("v1", "v2"):
            raise ControlError("signature_version must be v1 or v2")
        hook = {
            "id": str(len(self.hooks) + 1 + max((int(i) for i in self.hooks), default=0)),
            "label": str(body.get("label") or "Webhook"),
            "url": url,
            "events": list(events),
            "signature_version": version,
            # Teamtailor generates the key ("Save the automatically generated signature key", T-PART setup);
            # `signature_key` in the body is the emulator's shortcut for a test that already holds one.
            "signature_key": str(body.get("signature_key") or secrets.token_hex(32)),
        }
        self.hooks[hook["id"]] = hook
        return dict(hook)

    def remove(self, hook_id: str) -> None:
        if self.hooks.pop(hook_id, None) is None:
            raise ControlError("Unknown webhook", 404)

    # ------------------------------------------------------------------ sending
    def after_change(self, state: State) -> None:
        """Compare the watched fields with the last look and send one event per created, changed or deleted
        record (called under the emulator's lock after every write request)."""
        current = _fingerprint(state)
        for table, (resource, kind, _) in WATCHED.items():
            before, after = self._seen.get(table, {}), current[table]
            for record_id in sorted(after.keys() - before.keys()):
                self._emit(f"{resource}.create", kind, record_id, state, table)
            for record_id in sorted(k for k in after.keys() & before.keys() if after[k] != before[k]):
                self._emit(f"{resource}.update", kind, record_id, state, table)
            for record_id in sorted(before.keys() - after.keys()):
                self._emit(f"{resource}.destroy", kind, record_id, None, table)
        self._seen = current

    def _emit(self, event: str, kind: str, record_id: int, state: State | None, table: str) -> None:
        hooks = [hook for hook in self.hooks.values() if event in hook["events"]]
        if not hooks:
            return
        data: dict[str, Any] = {"id": str(record_id), "type": kind}
        if state is not None:  # "For destroy events, the data structure is simpler"
            data["attributes"] = _payload_attributes(kind, getattr(state, table)[record_id], state)
        payload = {"event_name": event, "data": data}
        timestamp = int(self.clock.now().timestamp())
        for hook in hooks:
            key = hook["signature_key"]
            signature = (
                v2_signature(key, payload, timestamp)
                if hook["signature_version"] == "v2"
                else v1_signature(key, data["id"])
            )
            body = js_json({"payload": payload, "signature": signature}).encode()
            self.outbox.send(hook["url"], event=event, body=body, headers={"TT-Signature": signature})


def _fingerprint(state: State) -> Fingerprint:
    return {
        table: {record.id: watched(record) for record in getattr(state, table).values()}
        for table, (_, _, watched) in WATCHED.items()
    }


def _payload_attributes(kind: str, record: Any, state: State) -> dict[str, Any]:
    if kind != "job-applications":
        return {key: value for key, value in attributes(kind, record, "").items() if key != "resume"}
    # The job application's attributes as T-PART `_payloads` lists them.
    job = state.jobs.get(record.job_id)
    stage = state.stages.get(record.stage_id)
    return {
        "id": record.id,
        "updated_at": wire_time(record.updated_at),
        "job_id": record.job_id,
        "job_title": job.title if job else None,
        "last_moved_at": wire_time(record.changed_stage_at),
        "stage_name": stage.name if stage else None,
        "referring_site": attributes(kind, record, "")["referring-site"],
        "referring_url": record.referring_url,
        "referer_id": None,
        "rejected_at": wire_time(record.rejected_at),
        "promotion_id": None,
        "company_uuid": "emulated-company",
        "transparent_recruiting_visible_at": wire_time(record.rejected_at),  # assumed: its value is not documented
    }
