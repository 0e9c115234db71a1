"""Greenhouse emulator: web hooks (reference ats-greenhouse-lever.md A7).

Greenhouse web hooks are created by hand in its interface (Configure → Dev Center → Web Hooks: name, https URL,
secret, one event per hook); the v3 webhook *paths* are NOT FOUND, so `/_emulator/web_hooks` stands in for that
settings page. Saving sends a **ping**; a failed ping creates the hook **deactivated** (A7). Every delivery is
signed `Signature: sha256 <hex HMAC-SHA256(secret, raw body)>` and carries `Greenhouse-Event-ID`; a non-200 or a
timeout is retried 6 times (waits 1, 15, 60, 120, 240, 480 minutes: 7 attempts over ~15 h).

Body: `{"action": "<event>", "payload": {"application": {…full, incl. candidate, jobs, current_stage, source…}}}`
(A7). Candidate-only, job and delete events name their record as `payload.candidate` / `payload.job` /
`payload.application` with at least its `id` (assumed: their exact payloads are not in the reference).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import uuid
from typing import Any

import requests

from apps.connectors.emulation.app import ControlError
from apps.connectors.emulation.http import Request, Response
from apps.connectors.emulation.webhooks import DeliveryPolicy, WebhookOutbox
from apps.connectors.greenhouse.emulator.state import Rec, State

# A7: 7 attempts over ~15 h (waits 1m, 15m, 60m, 120m, 240m, 480m).
RETRY_DELAYS = (60.0, 900.0, 3600.0, 7200.0, 14400.0, 28800.0)
TIMEOUT_SECONDS = 30.0  # assumed: the delivery timeout is not in the reference
USER_AGENT = "Greenhouse-Webhooks (emulated)"  # assumed
# GH-V3-SPEC `webhook.event_action_type` (A7).
EVENTS = frozenset(
    {
        "application_updated", "candidate_anonymized", "candidate_stage_change", "delete_application",
        "delete_candidate", "department_deleted", "hire_candidate", "interview_deleted", "job_approved",
        "job_created", "job_deleted", "job_interview_stage_deleted", "job_post_created", "job_post_deleted",
        "job_post_updated", "job_updated", "merge_candidate", "new_candidate_application",
        "new_prospect_application", "offer_approved", "offer_created", "offer_deleted", "offer_updated",
        "office_deleted", "reject_candidate", "scorecard_deleted", "unhire_candidate", "unreject_candidate",
        "update_candidate",
    }
)  # fmt: skip


def encode(body: Rec) -> bytes:
    """JSON as Greenhouse sends it: `<`, `>` and `&` Unicode-escaped (A7: "e.g. \\u003cp\\u003e"), so the
    signature must be computed over the raw bytes, never a re-serialisation."""
    text = json.dumps(body, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").encode()


def signer(secret: str) -> Any:
    def sign(body: bytes) -> dict[str, str]:
        digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return {"Signature": f"sha256 {digest}"}

    return sign


class WebhooksApi:
    """Mixed into the emulator: the web hooks the "settings page" created, and what they send."""

    state: State
    outbox: WebhookOutbox

    def _register_webhooks(self) -> None:
        self.outbox = WebhookOutbox(
            clock=self.clock,  # type: ignore[attr-defined]
            policy=DeliveryPolicy(retry_delays=RETRY_DELAYS, timeout_seconds=TIMEOUT_SECONDS),
            user_agent=USER_AGENT,
        )
        self.outbox.register_controls(self)  # type: ignore[arg-type]
        self.web_hooks: dict[int, Rec] = {}
        self._secrets: dict[int, str] = {}
        self._hook_ids = itertools.count(1)
        add = self.add_control  # type: ignore[attr-defined]
        add("GET", "/_emulator/web_hooks", self._control_list_hooks)
        add("POST", "/_emulator/web_hooks", self._control_create_hook)
        add("DELETE", "/_emulator/web_hooks/{id}", self._control_delete_hook)

    def reset_state(self) -> None:
        """A reset forgets the hooks and the deliveries too (a fresh account)."""
        if hasattr(self, "web_hooks"):
            self.web_hooks.clear()
            self._secrets.clear()
            self.outbox.reset()
        super().reset_state()  # type: ignore[misc]

    # -- the settings page ---------------------------------------------------------------------------------------
    def _control_list_hooks(self, request: Request) -> Response:
        return Response.json({"web_hooks": list(self.web_hooks.values())})

    def _control_create_hook(self, request: Request) -> Response:
        """`{"name", "endpoint_url", "secret_key", "event_action_type"}` (one event per hook, as in the UI;
        `event_action_types` creates one hook per event, as a user would one after another)."""
        body = request.json_object()
        url, secret = str(body.get("endpoint_url") or ""), str(body.get("secret_key") or "")
        if not url.startswith(("http://", "https://")):  # the real UI takes https only; loopback tests use http
            raise ControlError("endpoint_url must be an http(s) URL")
        if not secret:
            raise ControlError("secret_key is required")
        events = body.get("event_action_types") or [body.get("event_action_type")]
        unknown = [event for event in events if event not in EVENTS]
        if unknown:
            raise ControlError(f"unknown event_action_type {unknown[0]!r}")
        created = [self._create_hook(str(body.get("name") or "Tributary"), url, secret, event) for event in events]
        return Response.json(created[0] if len(created) == 1 else {"web_hooks": created}, 201)

    def _create_hook(self, name: str, url: str, secret: str, event: str) -> Rec:
        hook_id = next(self._hook_ids)
        record: Rec = {
            "id": hook_id, "name": name, "endpoint_url": url, "event_action_type": event, "max_attempts": 7,
            "additional_headers": [], "error_recipient_email": None, "deactivated": False, "last_delivered": None,
        }  # fmt: skip
        self._secrets[hook_id] = secret
        # Save ⇒ ping; a failed ping ⇒ the hook is created disabled (A7). The ping's body shape is assumed.
        ping = encode({"action": "ping", "payload": {"web_hook_id": hook_id}})
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
                   "Greenhouse-Event-ID": str(uuid.uuid4()), **signer(secret)(ping)}  # fmt: skip
        try:
            answer = requests.post(url, data=ping, headers=headers, timeout=TIMEOUT_SECONDS)
            ok = answer.status_code == 200
        except requests.RequestException:
            ok = False
        record["deactivated"] = not ok
        if ok:
            record["last_delivered"] = self.clock.now().isoformat()  # type: ignore[attr-defined]
        self.web_hooks[hook_id] = record
        return record

    def _control_delete_hook(self, request: Request) -> Response:
        raw = request.path_params["id"]
        if not raw.isdigit() or int(raw) not in self.web_hooks:
            raise ControlError("no such web hook", 404)
        del self.web_hooks[int(raw)]
        return Response.json({"deleted": int(raw)})

    # -- sending -------------------------------------------------------------------------------------------------
    def emit(self, action: str, payload: Rec) -> int:
        """Send `action` to every active hook for it; returns how many deliveries were queued."""
        body = encode({"action": action, "payload": payload})
        sent = 0
        for hook in list(self.web_hooks.values()):
            if hook["event_action_type"] != action or hook["deactivated"]:
                continue
            self.outbox.send(
                hook["endpoint_url"], event=action, body=body,
                headers={"Greenhouse-Event-ID": str(uuid.uuid4())}, sign=signer(self._secrets[hook["id"]]),
            )  # fmt: skip
            sent += 1
        return sent

    def emit_application(self, action: str, application_id: int) -> None:
        application = self.state.applications.get(application_id)
        if application is not None:
            self.emit(action, {"application": self.application_payload(application)})

    def emit_candidate(self, action: str, candidate_id: int) -> None:
        candidate = self.state.candidates.get(candidate_id)
        if candidate is None:
            return
        applications = [a for a in self.state.applications.values() if a["candidate_id"] == candidate_id]
        self.emit(action, {"candidate": {**candidate, "applications": [dict(a) for a in applications]}})

    def application_payload(self, application: Rec) -> Rec:
        """The full application of A7: with its candidate, jobs, current stage and source."""
        stage = self.state.stages.get(application.get("stage_id"))
        source = self.state.sources.get(application.get("source_id"))
        job = self.state.jobs.get(application["job_id"])
        return {
            **application,
            "candidate": dict(self.state.candidates.get(application["candidate_id"]) or {"id": None}),
            "jobs": [{"id": job["id"], "name": job.get("name")}] if job else [],
            "current_stage": {"id": stage["id"], "name": stage["name"]} if stage else None,
            "source": {"id": source["id"], "public_name": source["name"]} if source else None,
            "credited_to": None,
        }
