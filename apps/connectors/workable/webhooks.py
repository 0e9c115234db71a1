"""Workable webhooks, connector side (reference ats-workable-ashby.md A7).

Subscriptions through the API (`POST /subscriptions {"target", "event", "args"}`, one event each, a duplicate
target ⇒ 409): `WebhookSetup.API`. Each event gets its own target (the platform's URL with `?event=<name>`), so no
two subscriptions share a target. Verification: `X-Workable-Signature` = HMAC-SHA256 of the payload keyed with the
account token or, for OAuth connections, the OAuth app's client secret (A7) — Workable issues no separate secret, so
the key comes from the connection's own credentials and the platform's `secret` is not used. Workable sends no
event id and no timestamp (NOT FOUND): the event id is the SHA-256 of the body (assumed), so a replayed delivery
repeats an id the platform has processed, and a replayed retry is recognised the same way.

Events: `candidate_created`, `candidate_moved` (a hire is a move to the hired stage). No disqualification, comment
or tag event is documented: those changes arrive by polling (`updated_after`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from apps.connectors.catalog import AuthKind, ReadModel
from apps.connectors.errors import ConnectorInputError, ConnectorNotFound
from apps.connectors.oauth2 import API_KEY, CLIENT_SECRET
from apps.connectors.webhooks import InboundWebhook, WebhookEvent, WebhookRejected, WebhookSubscription, WebhookTarget
from apps.connectors.workable.client import SUBDOMAIN

SIGNATURE_HEADER = "x-workable-signature"
EVENTS = ("candidate_created", "candidate_moved")
ALL = {"job_shortcode": "", "stage_slug": ""}  # "" = every job / every stage (A7)


def target_for(url: str, event: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode({'event': event})}"


def signing_key(auth_kind: AuthKind, credentials: Mapping[str, str]) -> str:
    if auth_kind == AuthKind.OAUTH2_AUTHORIZATION_CODE:
        return credentials.get(CLIENT_SECRET, "")
    return credentials.get(API_KEY, "")


def parse(webhook: InboundWebhook, *, key: str) -> WebhookEvent:
    if not key:
        raise WebhookRejected("no signing key (account token or OAuth client secret) on the connection")
    given = webhook.headers.get(SIGNATURE_HEADER, "").strip().lower()
    if not given:
        raise WebhookRejected("missing X-Workable-Signature header")
    expected = hmac.new(key.encode(), webhook.body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, given):
        raise WebhookRejected("signature mismatch")
    try:
        body = json.loads(webhook.body)
    except ValueError:
        raise WebhookRejected("body is not JSON") from None
    data = body.get("data") if isinstance(body, dict) else None
    candidate_id = str(data["id"]) if isinstance(data, dict) and data.get("id") else None
    targets: tuple[WebhookTarget, ...] = ()
    if candidate_id:  # a Workable candidate is one application (one job)
        targets = (
            WebhookTarget(ReadModel.APPLICATIONS, candidate_id),
            WebhookTarget(ReadModel.CANDIDATES, candidate_id),
        )
    return WebhookEvent(
        targets=targets,
        event_id=f"sha256:{hashlib.sha256(webhook.body).hexdigest()}",
        event_type="candidate",  # the envelope names no event (NOT FOUND); `data` is always a candidate
    )


class WorkableWebhooks:
    """Mixed into `WorkableConnector`."""

    client: Any
    context: Any

    def subscribe_webhooks(self, *, url: str, secret: str) -> WebhookSubscription:
        existing = {s["target"]: str(s["id"]) for s in self.client.get("/subscriptions").get("subscriptions") or ()}
        ids: list[str] = []
        for event in EVENTS:
            target = target_for(url, event)
            if target in existing:
                ids.append(existing[target])
                continue
            args = {"account_id": self.context.credentials.get(SUBDOMAIN, ""), **ALL}
            try:
                created = self.client.call(
                    "POST", "/subscriptions", body={"target": target, "event": event, "args": args}
                )
            except ConnectorInputError as error:
                if error.status_code != 409:
                    raise
                # a duplicate target (409, A7): made by a retried create whose answer was lost
                refreshed = self.client.get("/subscriptions").get("subscriptions") or ()
                ids.extend(str(s["id"]) for s in refreshed if s["target"] == target)
                continue
            ids.append(str(created["id"]))
        kind = "OAuth client secret" if self.context.auth_kind == AuthKind.OAUTH2_AUTHORIZATION_CODE else "token"
        return WebhookSubscription(remote_ids=tuple(ids), details={"signed_with": kind})

    def unsubscribe_webhooks(self, subscription: WebhookSubscription) -> None:
        for remote_id in subscription.remote_ids:
            try:
                self.client.call("DELETE", f"/subscriptions/{remote_id}")
            except ConnectorNotFound:
                continue

    def parse_webhook(self, webhook: InboundWebhook, *, secret: str) -> WebhookEvent:
        return parse(webhook, key=signing_key(self.context.auth_kind, self.context.credentials))
