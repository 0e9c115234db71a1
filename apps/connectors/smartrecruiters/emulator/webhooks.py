"""SmartRecruiters emulator: the Subscriptions API and the sending of webhook notifications.

Facts (reference A7; SR-RB `api/subscriptions_api.rb`; SR-DOC activating-webhook-subscriptions,
receiving-webhook-notifications, subscriptionsgeneratesecretkey):
- `POST /subscriptions {callbackUrl, events[{name, version}], alertingEmailAddress, callbackAuthentication}` →
  `{id, callbackUrl, events, status: "inactive"}`; at most 20 per credential;
- `PUT /subscriptions/{id}/activation`: we POST `X-Hook-Secret: <value>` to the callback, which must answer 200
  with the same header within 20 s; then 204 and the subscription is active;
- `POST|GET /subscriptions/{id}/secret-key` → `{"secretKey"}`; a new key deprecates the old one, which still signs
  for 24 h; at most 16 keys that have not expired;
- a notification: POST, ids-only body, headers `event-name`, `event-version`, `event-id`, `link`,
  `smartrecruiters-timestamp`, `smartrecruiters-signature: v1=<hex>[;v1=<hex>…]` (one per live key); success is 202
  within 5 s, else up to 10 retries (1, 3, 10, 45, 120 … 1440 minutes);
- `GET /subscriptions/{id}/callbacks-log` → the attempts.
Every state change made through the API or the control endpoints queues its event (`State.emit`); they are sent
after the request that made them, to each active subscription of that event.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import requests

from apps.connectors.emulation.http import HttpError, Request, Response
from apps.connectors.emulation.webhooks import DeliveryPolicy, WebhookOutbox
from apps.connectors.smartrecruiters.webhooks import signature

MAX_SUBSCRIPTIONS = 20
MAX_KEYS = 16
KEY_GRACE = timedelta(hours=24)
HANDSHAKE_TIMEOUT = 20.0
# "retried up to 10 times (1 min, 3, 10, 45, 120 … up to 1440 min)": assumed for the elided steps.
RETRY_MINUTES = (1, 3, 10, 45, 120, 240, 480, 720, 1080, 1440)
POLICY = DeliveryPolicy(retry_delays=tuple(minutes * 60.0 for minutes in RETRY_MINUTES), timeout_seconds=5.0)
SCOPE = "webhooks_manage"


@dataclass
class Subscription:
    id: str
    callback_url: str
    events: list[dict[str, str]]
    alerting_email: str | None = None
    authentication: dict[str, Any] | None = None
    status: str = "inactive"
    keys: list[tuple[str, datetime | None]] = field(default_factory=list)  # (key, expires at; None = current)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "callbackUrl": self.callback_url, "events": self.events, "status": self.status}

    def version_of(self, event_name: str) -> str | None:
        return next((event["version"] for event in self.events if event["name"] == event_name), None)


class SubscriptionsApi:
    """Mixed into the SmartRecruiters emulator."""

    state: Any
    clock: Any
    lock: Any

    def _register_webhooks(self) -> None:
        self.subscriptions: dict[str, Subscription] = {}
        self.outbox = WebhookOutbox(clock=self.clock, policy=POLICY, user_agent="SmartRecruiters-Webhooks (emulated)")
        self.outbox.register_controls(self)  # type: ignore[arg-type]
        add = self.add_route  # type: ignore[attr-defined]
        add("POST", "/subscriptions", self.subscriptions_create, SCOPE)
        add("GET", "/subscriptions", self.subscriptions_list, SCOPE)
        add("GET", "/subscriptions/{subscription_id}", self.subscriptions_get, SCOPE)
        add("DELETE", "/subscriptions/{subscription_id}", self.subscriptions_delete, SCOPE)
        add("PUT", "/subscriptions/{subscription_id}/activation", self.subscriptions_activate, SCOPE)
        add("POST", "/subscriptions/{subscription_id}/secret-key", self.subscriptions_new_key, SCOPE)
        add("GET", "/subscriptions/{subscription_id}/secret-key", self.subscriptions_key, SCOPE)
        add("GET", "/subscriptions/{subscription_id}/callbacks-log", self.subscriptions_log, SCOPE)

    # -- the API ------------------------------------------------------------------------------------------

    def _subscription(self, request: Request) -> Subscription:
        subscription = self.subscriptions.get(request.path_params["subscription_id"])
        if subscription is None:
            raise HttpError(404, "NOT_FOUND", "Subscription not found")
        return subscription

    def subscriptions_create(self, request: Request) -> Response:
        body = request.json_object()
        url, events = body.get("callbackUrl"), body.get("events")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise HttpError(400, "INVALID_REQUEST", "callbackUrl: must be an http(s) URL")
        if not isinstance(events, list) or not events or not all(isinstance(e, dict) and e.get("name") for e in events):
            raise HttpError(400, "INVALID_REQUEST", "events: a list of {name, version} is required")
        if len(self.subscriptions) >= MAX_SUBSCRIPTIONS:
            raise HttpError(400, "INVALID_REQUEST", f"At most {MAX_SUBSCRIPTIONS} subscriptions")
        subscription = Subscription(
            id=secrets.token_hex(8),
            callback_url=url,
            events=[{"name": str(e["name"]), "version": str(e.get("version") or "v201910")} for e in events],
            alerting_email=body.get("alertingEmailAddress"),
            authentication=body.get("callbackAuthentication"),
        )
        self.subscriptions[subscription.id] = subscription
        return Response.json(subscription.as_dict(), 201)

    def subscriptions_list(self, request: Request) -> Response:
        items = [subscription.as_dict() for subscription in self.subscriptions.values()]
        # assumed: the usual list envelope (the reference names no list answer).
        return Response.json({"limit": len(items), "offset": 0, "totalFound": len(items), "content": items})

    def subscriptions_get(self, request: Request) -> Response:
        return Response.json(self._subscription(request).as_dict())

    def subscriptions_delete(self, request: Request) -> Response:
        subscription = self._subscription(request)
        del self.subscriptions[subscription.id]
        return Response.empty(204)

    def subscriptions_activate(self, request: Request) -> Response:
        subscription = self._subscription(request)
        hook_secret = secrets.token_urlsafe(24)
        try:
            answer = requests.post(
                subscription.callback_url, data=b"", headers={"X-Hook-Secret": hook_secret, **self._auth(subscription)},
                timeout=HANDSHAKE_TIMEOUT,
            )  # fmt: skip
        except requests.RequestException as exc:
            # assumed: a failed handshake answers 400 with the usual error list; the subscription stays inactive.
            raise HttpError(
                400, "INVALID_REQUEST", f"Callback did not answer the handshake: {type(exc).__name__}"
            ) from None
        if answer.status_code != 200 or answer.headers.get("X-Hook-Secret") != hook_secret:
            raise HttpError(400, "INVALID_REQUEST", "Callback did not echo X-Hook-Secret with 200")
        subscription.status = "active"
        return Response.empty(204)

    def _live_keys(self, subscription: Subscription) -> list[str]:
        now = self.clock.now()
        return [key for key, expires in subscription.keys if expires is None or expires > now]

    def subscriptions_new_key(self, request: Request) -> Response:
        subscription = self._subscription(request)
        now = self.clock.now()
        if len(self._live_keys(subscription)) >= MAX_KEYS:
            raise HttpError(400, "INVALID_REQUEST", f"At most {MAX_KEYS} secret keys that have not expired")
        subscription.keys = [
            (key, expires if expires is not None else now + KEY_GRACE) for key, expires in subscription.keys
        ]
        key = secrets.token_urlsafe(16)
        subscription.keys.append((key, None))
        return Response.json({"secretKey": key}, 201)

    def subscriptions_key(self, request: Request) -> Response:
        subscription = self._subscription(request)
        current = next((key for key, expires in subscription.keys if expires is None), None)
        if current is None:
            raise HttpError(404, "NOT_FOUND", "No secret key")
        return Response.json({"secretKey": current})

    def subscriptions_log(self, request: Request) -> Response:
        subscription = self._subscription(request)
        wanted = (request.query.get("callbackStatus") or [None])[0]
        items = []
        for delivery in self.outbox.deliveries():
            if delivery.url != subscription.callback_url:
                continue
            for attempt in delivery.attempts:
                ok = attempt["status"] is not None and 200 <= attempt["status"] < 300
                status = "successful" if ok else "failed"
                if wanted in (None, status):
                    details = {"url": delivery.url, "body": delivery.body.decode(), "headers": delivery.headers}
                    items.append({"status": status, "timestamp": attempt["at"], "requestDetails": details})
        return Response.json({"content": items, "totalFound": len(items)})

    # -- sending ------------------------------------------------------------------------------------------

    @staticmethod
    def _auth(subscription: Subscription) -> dict[str, str]:
        auth = subscription.authentication or {}
        if auth.get("type") == "header" and auth.get("headerName"):
            return {str(auth["headerName"]): str(auth.get("headerValue") or "")}
        if auth.get("type") == "basic":
            pair = f"{auth.get('username', '')}:{auth.get('password', '')}".encode()
            return {"Authorization": "Basic " + base64.b64encode(pair).decode()}
        return {}  # assumed: oauth2 callback authentication is not emulated

    def _link(self, base: str, name: str, payload: dict[str, Any]) -> str:
        if name.startswith("candidate."):
            target = f"/candidates/{payload['id']}"
        elif name.startswith("application."):
            target = f"/candidates/{payload['candidate_id']}/jobs/{payload['job_id']}"
        else:
            target = f"/jobs/{payload.get('id') or payload.get('job_id')}"
        return f"<{base}{target}>; rel=self"

    def send_webhook_events(self, request: Request) -> None:
        with self.lock:
            events, self.state.events = self.state.events, []
            active = [subscription for subscription in self.subscriptions.values() if subscription.status == "active"]
        host = request.header("host") or request.environ.get("HTTP_HOST") or "localhost"
        base = f"http://{host}"
        for name, payload in events:
            for subscription in active:
                version = subscription.version_of(name)
                if version is None:
                    continue
                body = json.dumps(payload, separators=(",", ":")).encode()
                headers = {
                    "event-name": name, "event-version": version, "event-id": secrets.token_hex(12),
                    "link": self._link(base, name, payload), **self._auth(subscription),
                }  # fmt: skip
                self.outbox.send(
                    subscription.callback_url, event=name, body=body, headers=headers,
                    sign=self._signer(subscription, headers),
                )  # fmt: skip

    def _signer(self, subscription: Subscription, headers: dict[str, str]) -> Any:
        def sign(body: bytes) -> dict[str, str]:
            timestamp = str(int(self.clock.now().timestamp()))  # assumed: epoch seconds, fresh at every attempt
            keys = self._live_keys(subscription)
            signed = {"smartrecruiters-timestamp": timestamp}
            if keys:
                signed["smartrecruiters-signature"] = ";".join(
                    "v1=" + signature(
                        key, timestamp=timestamp, body=body, event_id=headers["event-id"],
                        event_name=headers["event-name"], version=headers["event-version"], link=headers["link"],
                    )
                    for key in keys
                )  # fmt: skip
            return signed

        return sign
