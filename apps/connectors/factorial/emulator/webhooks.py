"""Factorial emulator: `api_public/webhook_subscriptions` and the sending of webhook deliveries.

Facts (reference B7; F-SDK models and `webhooks.py`; F-REPO `manage-webhooks.md`, `webhooks-policies.md`):
- `POST …/webhook_subscriptions {subscription_type*, target_url*, company_id*, name, challenge, enabled,
  api_version}` → 201 `{id, target_url, type, company_id, enabled, api_version, name, challenge}` (request key
  `subscription_type`, answer key `type`); `GET …?type=&company_id=&enabled=&id=`, `PUT …/{id}`, `DELETE …/{id}`;
- a delivery: POST to `target_url`, the resource object at top level, header `x-factorial-wh-challenge:
  <challenge>` and optionally `x-factorial-author-id` / `x-factorial-author-type`; no signature;
- up to 20 attempts over 48 h, then the subscription is disabled (re-enabled with `PUT {"enabled": true}`).
Every state change made through the API or the control endpoints queues its event (`State.emit`); they are sent
after the request that made them to each enabled subscription of that type.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import asdict, dataclass
from typing import Any

from apps.connectors.emulation.http import HttpError, Request, Response
from apps.connectors.emulation.webhooks import FAILED, DeliveryPolicy, WebhookOutbox
from apps.connectors.factorial.emulator import render

API_VERSIONS = ("2025-10-01", "2026-01-01", "2026-04-01", "2026-07-01", "2026-10-01")
TYPES = (
    "ats/application/apply", "ats/application/create", "ats/application/create_from_employee",
    "ats/application/delete", "ats/application/update", "ats/candidate/create", "ats/candidate/delete",
    "ats/candidate/update", "ats/job_posting/create", "ats/job_posting/delete", "ats/job_posting/duplicate",
    "ats/job_posting/update", "ats/evaluation_form/save_as_template",
)  # fmt: skip
# assumed: the spacing of the 20 attempts over 48 h (not documented): doubling from 1 minute, capped at 4 hours.
RETRY_DELAYS = tuple(min(60.0 * 2**step, 4 * 3600.0) for step in range(19))
POLICY = DeliveryPolicy(retry_delays=RETRY_DELAYS, timeout_seconds=10.0)  # assumed: a 10 s timeout


@dataclass
class Subscription:
    id: int
    target_url: str
    type: str
    company_id: int
    enabled: bool
    api_version: str
    name: str | None
    challenge: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class WebhookSubscriptionsApi:
    """Mixed into the Factorial emulator."""

    state: Any
    clock: Any
    lock: Any

    def _register_webhooks(self, api: str) -> None:
        self.subscriptions: dict[int, Subscription] = {}
        self._subscription_ids = itertools.count(11303)
        self.outbox = WebhookOutbox(clock=self.clock, policy=POLICY, user_agent="Factorial-Webhooks (emulated)")
        self.outbox.register_controls(self)  # type: ignore[arg-type]
        add = self.add_route  # type: ignore[attr-defined]
        base = f"{api}/api_public/webhook_subscriptions"
        # assumed: webhook subscriptions need no particular OAuth scope beyond a valid credential
        add("GET", base, self.webhook_subscriptions_list)
        add("POST", base, self.webhook_subscriptions_create)
        add("GET", f"{base}/{{id}}", self.webhook_subscriptions_get)
        add("PUT", f"{base}/{{id}}", self.webhook_subscriptions_update)
        add("DELETE", f"{base}/{{id}}", self.webhook_subscriptions_delete)

    def _webhook_subscription(self, request: Request) -> Subscription:
        try:
            subscription = self.subscriptions.get(int(request.path_params["id"]))
        except ValueError:
            subscription = None
        if subscription is None:
            raise HttpError(404, "not_found", "Couldn't find ApiPublic::WebhookSubscription")
        return subscription

    def webhook_subscriptions_list(self, request: Request) -> Response:
        def wanted(subscription: Subscription) -> bool:
            for key, attribute in (("type", "type"), ("company_id", "company_id"), ("id", "id")):
                values = request.query.get(key) or request.query.get(f"{key}[]")
                if values and str(getattr(subscription, attribute)) not in values:
                    return False
            enabled = (request.query.get("enabled") or [None])[0]
            return enabled is None or (enabled == "true") == subscription.enabled

        items = [subscription.as_dict() for subscription in self.subscriptions.values() if wanted(subscription)]
        meta = {"has_next_page": False, "has_previous_page": False, "start_cursor": None, "end_cursor": None,
                "total": len(items), "limit": 100}  # fmt: skip
        return Response.json({"data": items, "meta": meta})

    def webhook_subscriptions_create(self, request: Request) -> Response:
        body = request.json_object()
        for key in ("subscription_type", "target_url", "company_id"):
            if body.get(key) in (None, ""):
                raise HttpError(422, "unprocessable_entity", f"{key}: can't be blank")
        if body["subscription_type"] not in TYPES:
            raise HttpError(422, "unprocessable_entity", "subscription_type: is not included in the list")
        if str(body["company_id"]) != str(self.state.company_id):
            raise HttpError(422, "unprocessable_entity", "company_id: does not match the company of the credentials")
        version = str(body.get("api_version") or API_VERSIONS[-1])
        if version not in API_VERSIONS:
            raise HttpError(422, "unprocessable_entity", "api_version: is not included in the list")
        subscription = Subscription(
            id=next(self._subscription_ids), target_url=str(body["target_url"]), type=str(body["subscription_type"]),
            company_id=self.state.company_id, enabled=bool(body.get("enabled", True)), api_version=version,
            name=body.get("name"), challenge=body.get("challenge"),
        )  # fmt: skip
        self.subscriptions[subscription.id] = subscription
        return Response.json(subscription.as_dict(), 201)

    def webhook_subscriptions_get(self, request: Request) -> Response:
        return Response.json(self._webhook_subscription(request).as_dict())

    def webhook_subscriptions_update(self, request: Request) -> Response:
        subscription = self._webhook_subscription(request)
        body = request.json_object()
        if "enabled" in body:
            subscription.enabled = bool(body["enabled"])
        if "name" in body:
            subscription.name = body["name"]
        if "target_url" in body and body["target_url"]:
            subscription.target_url = str(body["target_url"])
        return Response.json(subscription.as_dict())

    def webhook_subscriptions_delete(self, request: Request) -> Response:
        subscription = self._webhook_subscription(request)
        del self.subscriptions[subscription.id]
        return Response.json(subscription.as_dict())

    # -- sending ------------------------------------------------------------------------------------------

    def _render(self, record: Any, base: str) -> dict[str, Any]:
        kind = type(record).__name__
        if kind == "Application":
            return render.application(self.state, record, base)
        if kind == "Candidate":
            return render.candidate(self.state, record)
        return render.job_posting(self.state, record, base)

    def _disable_failed(self) -> None:
        """After the last attempt failed, Factorial disables the subscription."""
        failed = {delivery.event.split(" ", 1)[0] for delivery in self.outbox.deliveries() if delivery.state == FAILED}
        for subscription in self.subscriptions.values():
            if str(subscription.id) in failed:
                subscription.enabled = False

    def send_webhook_events(self, request: Request) -> None:
        with self.lock:
            events, self.state.events = self.state.events, []
            self._disable_failed()
            bodies: list[tuple[Subscription, str, bytes]] = []
            seen: set[tuple[str, int]] = set()
            for subscription_type, record in events:
                if (subscription_type, record.id) in seen:  # one request, one delivery per record and type
                    continue
                seen.add((subscription_type, record.id))
                body = json.dumps(self._render(record, request.base_url), separators=(",", ":")).encode()
                for subscription in self.subscriptions.values():
                    if subscription.enabled and subscription.type == subscription_type:
                        bodies.append((subscription, subscription_type, body))
        for subscription, subscription_type, body in bodies:
            headers = {"x-factorial-author-type": "company"}
            if subscription.challenge:
                headers["x-factorial-wh-challenge"] = subscription.challenge
            self.outbox.send(
                subscription.target_url, event=f"{subscription.id} {subscription_type}", body=body, headers=headers
            )
