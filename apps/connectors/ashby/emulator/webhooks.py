"""Ashby's webhooks in the emulator (reference B7): `webhook.create/info/update/delete` keep the subscriptions
(one `webhookType` each), and every state change made through the API or the control endpoints is sent to the
subscriptions of its type, signed `Ashby-Signature: sha256=<hex HMAC-SHA256 of the raw body with secretToken>`,
re-sent after a non-2xx answer up to 10 attempts with `(2^attempt - 1) x 10 s` between them, never after 401,
403, 404, 405 or 410 (AB-DOC retries)."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping
from typing import Any

from apps.connectors.ashby.emulator.state import Refused, State
from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.webhooks import DeliveryPolicy, WebhookOutbox

JsonDict = dict[str, Any]
WEBHOOK_TYPES = frozenset(
    {
        "applicationSubmit",
        "applicationUpdate",
        "candidateHire",
        "candidateStageChange",
        "candidateDelete",
        "candidateMerge",
        "interviewPlanTransition",
        "interviewScheduleCreate",
        "interviewScheduleUpdate",
        "jobPostingUpdate",
        "jobPostingPublish",
        "jobPostingUnpublish",
        "offerCreate",
        "offerUpdate",
        "offerDelete",
        "pushToHRIS",
        "surveySubmit",
    }
)
# 10 attempts: the first, then 9 re-sends after (2^n - 1) x 10 s (AB-DOC retries).
RETRY_DELAYS = tuple(float((2**attempt - 1) * 10) for attempt in range(1, 10))
FINAL_STATUSES = frozenset({401, 403, 404, 405, 410})  # "no retries" on these (AB-DOC retries)
USER_AGENT = "Ashby-Webhook/1.0"  # assumed: the sender's User-Agent is not documented


class AshbyWebhooks:
    """The organisation's webhooks and what changes send. `observe(state)` after every (re)built state."""

    def __init__(self, clock: Clock) -> None:
        policy = DeliveryPolicy(retry_delays=RETRY_DELAYS, final_statuses=FINAL_STATUSES)
        self.outbox = WebhookOutbox(clock=clock, policy=policy, user_agent=USER_AGENT)
        self.hooks: dict[str, JsonDict] = {}
        self._stages: dict[str, str | None] = {}

    def reset(self) -> None:
        self.hooks = {}
        self.outbox.reset()

    def observe(self, state: State) -> None:
        self._stages = {app_id: _stage(app) for app_id, app in state.applications.items()}
        state.listener = self.changed

    # ------------------------------------------------------------------ the webhook.* operations
    def create(self, body: JsonDict) -> JsonDict:
        kind, url, secret = body.get("webhookType"), body.get("requestUrl"), body.get("secretToken")
        if kind not in WEBHOOK_TYPES:
            raise Refused("invalid_input", f"webhookType must be one of {', '.join(sorted(WEBHOOK_TYPES))}")
        for name, value in (("requestUrl", url), ("secretToken", secret)):
            if not isinstance(value, str) or not value.strip():
                raise Refused("invalid_input", f"{name} is required")
        hook = {
            "id": str(uuid.uuid4()),
            "enabled": True,
            "requestUrl": url,
            "secretToken": secret,
            "webhookType": kind,
        }
        self.hooks[hook["id"]] = hook
        return dict(hook)

    def info(self, body: JsonDict) -> JsonDict:
        return dict(self._hook(body))

    def update(self, body: JsonDict) -> JsonDict:
        hook = self._hook(body)
        for key in ("enabled", "requestUrl", "secretToken"):
            if key in body:
                hook[key] = body[key]
        return dict(hook)

    def delete(self, body: JsonDict) -> JsonDict:
        hook = self._hook(body)
        del self.hooks[hook["id"]]
        return {"webhookId": hook["id"]}

    def _hook(self, body: JsonDict) -> JsonDict:
        hook = self.hooks.get(str(body.get("webhookId")))
        if hook is None:
            raise Refused("webhook_not_found", f"Webhook not found: {body.get('webhookId')}")
        return hook

    # ------------------------------------------------------------------ sending
    def changed(self, resource: str, record: JsonDict, created: bool) -> None:
        """`State.touch` calls this on every change; applications are what Ashby's webhooks report."""
        if resource != "applications":
            return
        data = {"application": record}
        if created:
            self.emit("applicationSubmit", data)
            self._stages[record["id"]] = _stage(record)
            return
        stage = _stage(record)
        if stage == self._stages.get(record["id"]):
            self.emit("applicationUpdate", data)
            return
        self._stages[record["id"]] = stage
        self.emit("candidateStageChange", data)  # "also on hire"
        if record.get("status") == "Hired":
            self.emit("candidateHire", data)

    def emit(self, kind: str, data: Mapping[str, Any]) -> None:
        """One action: the same `webhookActionId` for every webhook of its type and every attempt (AB-DOC)."""
        action_id = str(uuid.uuid4())
        body = json.dumps({"webhookActionId": action_id, "action": kind, "data": data}).encode()
        for hook in list(self.hooks.values()):
            if hook["webhookType"] == kind and hook["enabled"]:
                secret = str(hook["secretToken"]).encode()
                self.outbox.send(hook["requestUrl"], event=kind, body=body, sign=_signer(secret))


def _signer(secret: bytes) -> Any:
    def sign(body: bytes) -> dict[str, str]:
        return {"Ashby-Signature": "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()}

    return sign


def _stage(application: JsonDict) -> str | None:
    stage = application.get("currentInterviewStage")
    return stage.get("id") if isinstance(stage, dict) else None
