"""Workable emulator: webhook subscriptions and deliveries (reference ats-workable-ashby.md A7).

`POST /subscriptions {"target", "event", "args": {"account_id", "job_shortcode", "stage_slug"}}` → `{"id"}`;
`GET /subscriptions` → `{"subscriptions": [{id, event, target, valid_until, created_at, stage_slug,
job_shortcode}]}`; `DELETE /subscriptions/:id` → `{}`. Scope `r_candidates` or `r_employees`. "If the args object is
present, job_shortcode and stage_slug are required" (`""` = all); a duplicate target ⇒ 409 (WK-DOC).

Delivery: POST `{"data": {…the candidate as GET /candidates/:id…}}`, the state at send time; anything but 200 is
replayed (schedule NOT FOUND: assumed 1, 5, 30 minutes, 2 hours). Signature: HMAC-SHA256 of the payload keyed with
the account token (or the OAuth app's secret) that subscribed, in `X-Workable-Signature` (encoding NOT FOUND:
assumed lower-case hex).

Events sent: `candidate_created` (a create), `candidate_moved` (a move, hired included), `candidate_deleted`
(Nango's enum, unconfirmed: assumed, sent when a candidate is deleted in the "UI"). No disqualify, comment or tag
event is documented, so none is sent: those changes reach Tributary by polling only.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
from typing import Any

from apps.connectors.emulation.http import HttpError, Request, Response
from apps.connectors.emulation.webhooks import DeliveryPolicy, WebhookOutbox
from apps.connectors.workable.emulator.dump import candidate_json, wire_time
from apps.connectors.workable.emulator.state import Candidate, State

RETRY_DELAYS = (60.0, 300.0, 1800.0, 7200.0)  # assumed: "replays the request", schedule NOT FOUND
TIMEOUT_SECONDS = 10.0  # assumed
USER_AGENT = "Workable-Webhooks (emulated)"  # assumed
EVENTS = frozenset({"candidate_created", "candidate_moved", "candidate_deleted"})  # the candidate events we emulate
HR_EVENTS = frozenset(  # documented, accepted, never sent (no HRIS in the emulator)
    {"employee_created", "employee_updated", "employee_published", "onboarding_completed", "timeoff_updated"}
)


def signer(key: str) -> Any:
    def sign(body: bytes) -> dict[str, str]:
        return {"X-Workable-Signature": hmac.new(key.encode(), body, hashlib.sha256).hexdigest()}

    return sign


class SubscriptionsApi:
    """Mixed into the emulator."""

    state: State
    outbox: WebhookOutbox
    api_keys: dict[str, frozenset[str]]

    def _register_subscriptions(self, prefix: str) -> None:
        self.outbox = WebhookOutbox(
            clock=self.clock,  # type: ignore[attr-defined]
            policy=DeliveryPolicy(retry_delays=RETRY_DELAYS, timeout_seconds=TIMEOUT_SECONDS),
            user_agent=USER_AGENT,
        )
        self.outbox.register_controls(self)  # type: ignore[arg-type]
        self.subscriptions: dict[int, dict[str, Any]] = {}
        self._signing_keys: dict[int, str] = {}
        self._subscription_ids = itertools.count(104694)
        add = self.add_route  # type: ignore[attr-defined]
        add("GET", f"{prefix}/subscriptions", self.list_subscriptions, "r_candidates", "r_employees")
        add("POST", f"{prefix}/subscriptions", self.create_subscription, "r_candidates", "r_employees")
        add("DELETE", f"{prefix}/subscriptions/{{id}}", self.delete_subscription, "r_candidates", "r_employees")

    def reset_state(self) -> None:
        if hasattr(self, "subscriptions"):
            self.subscriptions.clear()
            self._signing_keys.clear()
            self.outbox.reset()
        super().reset_state()  # type: ignore[misc]

    def _signing_key(self, request: Request) -> str:
        """The account token that calls, or the secret of the OAuth app whose token calls (A7)."""
        principal = request.principal
        if principal is not None and principal.kind == "oauth" and principal.client_id:
            client = self.provider.client(principal.client_id)  # type: ignore[attr-defined]
            return client.client_secret if client else ""
        authorization = request.header("authorization") or ""
        return authorization[7:].strip()

    def list_subscriptions(self, request: Request) -> Response:
        return Response.json({"subscriptions": [dict(s) for s in self.subscriptions.values()]})

    def create_subscription(self, request: Request) -> Response:
        body = request.json_object()
        target, event = body.get("target"), body.get("event")
        if not isinstance(target, str) or not target.startswith(("http://", "https://")):
            raise HttpError(422, "invalid", "target is invalid")  # wording assumed
        if event not in EVENTS | HR_EVENTS:
            raise HttpError(422, "invalid", "event is invalid")  # wording assumed
        args = body.get("args")
        if args is not None:
            if not isinstance(args, dict) or "job_shortcode" not in args or "stage_slug" not in args:
                raise HttpError(422, "invalid", "job_shortcode and stage_slug are required")  # wording assumed
        else:
            args = {}
        if any(s["target"] == target for s in self.subscriptions.values()):
            raise HttpError(409, "conflict", "Subscription already exists")  # "duplicate target ⇒ 409"; wording assumed
        subscription_id = next(self._subscription_ids)
        self.subscriptions[subscription_id] = {
            "id": subscription_id, "event": event, "target": target, "valid_until": None,
            "created_at": wire_time(self.clock.now()),  # type: ignore[attr-defined]
            "stage_slug": args.get("stage_slug") or None, "job_shortcode": args.get("job_shortcode") or None,
        }  # fmt: skip
        self._signing_keys[subscription_id] = self._signing_key(request)
        return Response.json({"id": subscription_id}, 201)

    def delete_subscription(self, request: Request) -> Response:
        raw = request.path_params["id"]
        if not raw.isdigit() or int(raw) not in self.subscriptions:
            raise HttpError(404, "not_found", "Not found")
        del self.subscriptions[int(raw)]
        return Response.json({})

    def emit(self, event: str, candidate: Candidate, *, deleted: bool = False) -> int:
        data = {"id": candidate.id} if deleted else candidate_json(candidate, self.state, detail=True)
        body = json.dumps({"data": data}).encode()
        sent = 0
        for subscription in list(self.subscriptions.values()):
            if subscription["event"] != event:
                continue
            if subscription["job_shortcode"] and subscription["job_shortcode"] != candidate.job_shortcode:
                continue
            if subscription["stage_slug"] and subscription["stage_slug"] != candidate.stage_slug:
                continue
            key = self._signing_keys[subscription["id"]]
            self.outbox.send(subscription["target"], event=event, body=body, sign=signer(key))
            sent += 1
        return sent
