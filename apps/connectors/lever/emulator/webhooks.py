"""The Lever emulator's webhooks (reference ats-greenhouse-lever.md B7; LV-DOC "Webhooks via the API"):
`GET|POST|PUT /v1/webhooks`, `DELETE /v1/webhooks/:webhookId`, and the deliveries Lever sends on every state change.

A webhook is one `event` and one `url`; `POST` answers the doc example's doubly nested `{data: {data: {...,
configuration: {signatureToken}}}}`, and the list never shows the signature token again. A delivery is a POST with
`User-Agent: Lever-Webhooks` and the body `{id, event, triggeredAt (ms), token (48 chars), signature, data}`,
`signature = hex(HMAC-SHA256(signatureToken, token + triggeredAt))`; any 2xx acknowledges, anything else is retried
five times with growing waits.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.http import Request, Response
from apps.connectors.emulation.webhooks import DeliveryPolicy, WebhookOutbox
from apps.connectors.lever.emulator.state import ORIGINS, Invalid, Missing, Opportunity, State

EVENTS = (
    "applicationCreated", "candidateHired", "candidateStageChange", "candidateArchiveChange", "candidateDeleted",
    "interviewCreated", "interviewUpdated", "interviewDeleted", "contactCreated", "contactUpdated",
)  # fmt: skip
# "origin conditions only for the first four" (reference B7).
ORIGIN_FILTERED = frozenset(EVENTS[:4])
USER_AGENT = "Lever-Webhooks"
# "Retried five times with growing waits": the waits are NOT FOUND (assumed 30 s, 2 min, 10 min, 30 min, 1 h).
RETRY_DELAYS = (30.0, 120.0, 600.0, 1800.0, 3600.0)
# Lever's delivery timeout is NOT FOUND: assumed 10 s.
POLICY = DeliveryPolicy(retry_delays=RETRY_DELAYS, timeout_seconds=10.0)
WRITE_SCOPE = "webhooks:write:admin"  # the reference's scope list names only this one
READ_SCOPE = "webhooks:read:admin"  # assumed: listing also works with the read permission


def signature(signature_token: str, token: str, triggered_at: int) -> str:
    """`hex(HMAC-SHA256(signature token, token + triggeredAt))` (reference B7)."""
    message = f"{token}{triggered_at}".encode()
    return hmac.new(signature_token.encode(), message, hashlib.sha256).hexdigest()


def _public(hook: Mapping[str, Any]) -> dict[str, Any]:
    """A webhook as `GET /webhooks` lists it: the configuration without the signature token."""
    configuration = {k: v for k, v in hook["configuration"].items() if k != "signatureToken"}
    return {"id": hook["id"], "url": hook["url"], "event": hook["event"], "createdAt": hook["createdAt"],
            "updatedAt": hook["updatedAt"], "configuration": configuration}  # fmt: skip


def _configuration(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Invalid("configuration must be an object")
    conditions = value.get("conditions")
    if conditions is None:
        return {}
    origins = conditions.get("origins") if isinstance(conditions, dict) else None
    if not isinstance(origins, list) or not set(origins) <= set(ORIGINS):
        raise Invalid(f"configuration.conditions.origins must be a list of {', '.join(ORIGINS)}")
    return {"conditions": {"origins": list(origins)}}


def _url(value: Any) -> str:
    # Lever accepts HTTPS URLs with CA-valid certificates only; the emulator also takes loopback http (assumed),
    # so tests can receive on 127.0.0.1.
    if not isinstance(value, str) or not value.startswith(("https://", "http://")):
        raise Invalid("url must be an https URL")
    return value


class LeverWebhooks:
    """Mixed into `LeverEmulator`: the webhook registration API and the sending."""

    state: State
    clock: Clock
    add_route: Callable[..., None]
    outbox: WebhookOutbox

    def register_webhooks(self) -> None:
        self.outbox = WebhookOutbox(clock=self.clock, policy=POLICY, user_agent=USER_AGENT)
        self.outbox.register_controls(self)  # type: ignore[arg-type]
        self.add_route("GET", "/v1/webhooks", self._list_webhooks, READ_SCOPE, WRITE_SCOPE)
        self.add_route("POST", "/v1/webhooks", self._create_webhook, WRITE_SCOPE)
        self.add_route("PUT", "/v1/webhooks", self._update_webhooks, WRITE_SCOPE)
        self.add_route("DELETE", "/v1/webhooks/{id}", self._delete_webhook, WRITE_SCOPE)

    # -- the registration API ---------------------------------------------------------------------------------
    def _list_webhooks(self, request: Request) -> Response:
        return Response.json({"data": [_public(h) for h in self.state.webhooks.values()]})

    def _create_webhook(self, request: Request) -> Response:
        body = request.json_object()
        event = body.get("event")
        if event not in EVENTS:
            raise Invalid(f"event must be one of {', '.join(EVENTS)}")
        now = self.state.now()
        hook = {"id": str(uuid.uuid4()), "url": _url(body.get("url")), "event": event, "createdAt": now,
                "updatedAt": now, "configuration": _configuration(body.get("configuration")),
                "signatureToken": secrets.token_hex(24)}  # fmt: skip
        # An API-created hook sends at once: the Super Admin's toggle of the event group is not emulated (assumed).
        self.state.webhooks[hook["id"]] = hook
        created = {"id": hook["id"], "event": event, "url": hook["url"],
                   "configuration": {**hook["configuration"], "signatureToken": hook["signatureToken"]},
                   "createdAt": now, "updatedAt": now}  # fmt: skip
        return Response.json({"data": {"data": created}}, 201)  # nested twice, as the doc example

    def _update_webhooks(self, request: Request) -> Response:
        updates = request.json_object().get("data")
        if not isinstance(updates, list) or not all(isinstance(u, dict) for u in updates):
            raise Invalid("data must be a list of webhook updates")
        changed = []
        for update in updates:
            hook = self.state.webhooks.get(str(update.get("id")))
            if hook is None:
                raise Missing("webhooks", update.get("id"))
            if "url" in update:
                hook["url"] = _url(update["url"])
            if "configuration" in update:
                hook["configuration"] = _configuration(update["configuration"])
            hook["updatedAt"] = self.state.now()
            changed.append(_public(hook))
        return Response.json({"data": changed})

    def _delete_webhook(self, request: Request) -> Response:
        if self.state.webhooks.pop(request.path_params["id"], None) is None:
            raise Missing("webhooks", request.path_params["id"])
        return Response(status=204, body=b"")

    # -- sending ----------------------------------------------------------------------------------------------
    def emit(self, event: str, data: Mapping[str, Any], *, origin: str | None = None) -> None:
        """One delivery per webhook registered for `event` (and, for the first four events, the origin)."""
        for hook in list(self.state.webhooks.values()):
            if hook["event"] != event:
                continue
            origins = hook["configuration"].get("conditions", {}).get("origins")
            if origins is not None and event in ORIGIN_FILTERED and origin not in origins:
                continue
            token = secrets.token_hex(24)  # 48 characters
            triggered_at = self.state.now()
            signed = signature(hook["signatureToken"], token, triggered_at)
            body = {"id": str(uuid.uuid4()), "event": event, "triggeredAt": triggered_at, "token": token,
                    "signature": signed, "data": dict(data)}  # fmt: skip
            self.outbox.send(hook["url"], event=event, body=json.dumps(body).encode())

    def emit_opportunity(self, event: str, opportunity: Opportunity, **extra: Any) -> None:
        """`data` as the doc example of `candidateStageChange` has it: `{opportunityId, candidateId, contactId,
        ...}`; the other events' `data` is NOT FOUND (assumed the same ids)."""
        data = {"opportunityId": opportunity.id, "candidateId": opportunity.id, "contactId": opportunity.contact,
                **extra}  # fmt: skip
        self.emit(event, data, origin=opportunity.origin)

    def emit_contact(self, event: str, contact_id: str) -> None:
        self.emit(event, {"contactId": contact_id})  # `data` NOT FOUND: assumed `{contactId}`

    # -- state changes and what they announce -----------------------------------------------------------------
    def create_and_announce(self, make: Callable[[], Opportunity]) -> Opportunity:
        """An opportunity created by `make`: `contactCreated` for a new contact, `applicationCreated` when it has
        an application (one on a posting; assumed none for an opportunity without one)."""
        known = set(self.state.contacts)
        opportunity = make()
        if opportunity.contact not in known:
            self.emit_contact("contactCreated", opportunity.contact)
        if opportunity.application is not None:
            self.emit_opportunity("applicationCreated", opportunity)
        return opportunity

    def move_and_announce(self, opportunity: Opportunity, stage_id: Any, user: str | None) -> None:
        before = opportunity.stage
        self.state.move(opportunity, stage_id, user)
        self.emit_opportunity("candidateStageChange", opportunity, toStageId=opportunity.stage, fromStageId=before)

    def archive_and_announce(self, opportunity: Opportunity, reason_id: Any) -> None:
        """`candidateArchiveChange` on every archive or unarchive, and `candidateHired` as well for a reason of
        type `hired` (reference B6)."""
        self.state.archive(opportunity, reason_id)
        self.emit_opportunity("candidateArchiveChange", opportunity)
        if reason_id is not None and self.state.reason(reason_id).get("type") == "hired":
            self.emit_opportunity("candidateHired", opportunity)
