"""Delivering the outbox: claim a due delivery, POST it signed, record the attempt, decide what comes next.

- A delivery is claimed by a conditional update that sets a lease; a worker that dies while sending loses it
  when the lease passes and the sweeper hands it to another. So every event arrives at least once, with the same
  id (`webhook-id`, the body's `id`) on every attempt.
- 2xx succeeds. Timeouts, connection errors, 5xx, 429 and 408 are retried with exponential backoff and jitter
  (a `Retry-After` is honoured) until the window (24 h) is used up; any other answer is final.
- Bounded: `WEBHOOK_TIMEOUT_SECONDS` per request, at most 2 KB of the answer read, redirects never followed,
  http(s) only, and the SSRF guard of `data_url` fetching (public addresses unless `WEBHOOK_ALLOWED_NETWORKS`).
- An endpoint whose every attempt failed for `WEBHOOK_DISABLE_AFTER_SECONDS` is disabled; `endpoint_disabled`
  (a signal, sent inside the transaction) lets other parts react, e.g. raise an issue for the environment.

Times come from the `now` arguments (tests pass a clock); the `webhook-timestamp` header is always real time.
"""

from __future__ import annotations

import ipaddress
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django_q.models import Schedule
from django_q.tasks import async_task

from apps.connectors.errors import ConnectorError
from apps.connectors.http import USER_AGENT
from apps.connectors.http_errors import parse_retry_after
from apps.connectors.http_fetch import Network, guarded_session
from apps.core.crypto import keyring
from apps.core.timeutils import utcnow
from apps.integrations.webhook_models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from apps.integrations.webhook_signing import signature_headers

logger = logging.getLogger(__name__)

TASK_DELIVER = "apps.integrations.tasks.webhook_deliver"
TASK_SWEEP = "apps.integrations.tasks.webhook_sweep"
SCHEDULE_SWEEP = "tributary.webhook_sweep"
RESPONSE_BODY_BYTES = 2048
RETRYABLE_STATUSES = frozenset({408, 429})
SWEEP_LIMIT = 5000

# Sent inside the transaction that disables an endpoint: sender=WebhookEndpoint, endpoint=…, reason=….
endpoint_disabled = Signal()


def _seconds(name: str) -> float:
    return float(getattr(settings, name))


def secret_aad(endpoint_id: str) -> str:
    return f"webhook-endpoint:{endpoint_id}"


def signing_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The current secret, and the previous one while its overlap lasts (newest first)."""
    ring = keyring()
    found = [ring.decrypt(endpoint.secret_encrypted, associated_data=secret_aad(endpoint.id))]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret_encrypted and expires is not None and now < expires:
        found.append(ring.decrypt(endpoint.previous_secret_encrypted, associated_data=secret_aad(endpoint.id)))
    return found


def backoff_seconds(attempt: int, *, rng: random.Random | None = None) -> float:
    """The wait after failed attempt number `attempt` (1, 2, …): base·2^(n-1), capped, with jitter in [½, 1]."""
    base = _seconds("WEBHOOK_RETRY_BASE_SECONDS")
    delay = min(_seconds("WEBHOOK_RETRY_MAX_DELAY_SECONDS"), base * 2 ** min(attempt - 1, 40))
    return delay * (0.5 + 0.5 * (rng or random).random())


@lru_cache(maxsize=4)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def allowed_networks() -> tuple[Network, ...]:
    return _networks(tuple(settings.WEBHOOK_ALLOWED_NETWORKS))


@lru_cache(maxsize=4)
def _session(networks: tuple[Network, ...]) -> requests.Session:
    # One per process and network setting: connections to a receiver are kept alive between deliveries.
    return guarded_session(networks)


# -- one attempt ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What one POST came to: a status (or none, with an error), the start of the body, a Retry-After."""

    status_code: int | None
    body: str
    error: str
    retry_after: float | None
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def retryable(self) -> bool:
        if self.status_code is None:
            return not self.error.startswith("refused:")
        return self.status_code >= 500 or self.status_code in RETRYABLE_STATUSES


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST `body` to `url` within the bounds (see the module docstring); never raises for the answer."""
    timeout = _seconds("WEBHOOK_TIMEOUT_SECONDS")
    started = time.monotonic()

    def answer(status: int | None, text: str = "", error: str = "", retry_after: float | None = None) -> Answer:
        return Answer(status, text, error, retry_after, int((time.monotonic() - started) * 1000))

    if not url.lower().startswith(("http://", "https://")):
        return answer(None, error="refused: only http and https URLs receive webhooks")
    try:
        with _session(allowed_networks()).post(
            url, data=body, headers=headers, timeout=(timeout, timeout), allow_redirects=False, stream=True
        ) as response:
            content = response.raw.read(RESPONSE_BODY_BYTES, decode_content=True) or b""
            retry_after = parse_retry_after(response.headers.get("Retry-After"), now=time.time())
            text = content.decode("utf-8", errors="replace")
            if response.is_redirect:
                where = response.headers.get("Location", "")
                return answer(response.status_code, text, f"refused: redirects are not followed ({where})")
            return answer(response.status_code, text, "", retry_after)
    except ConnectorError as exc:  # the SSRF guard: a non-public address, or a host that does not resolve
        message = exc.message
        return answer(None, error=message if "resolved" in message else f"refused: {message}")
    except requests.Timeout:
        return answer(None, error=f"timed out after {timeout:g}s")
    except requests.RequestException as exc:
        return answer(None, error=f"connection failed ({type(exc).__name__})")


def _claim(delivery_id: str, now: datetime) -> datetime | None:
    """Take a due delivery for one attempt; returns the lease (our claim) or None if it is not ours to send."""
    lease = now + timedelta(seconds=_seconds("WEBHOOK_LEASE_SECONDS"))
    claimed = (
        WebhookDelivery.objects.filter(
            id=delivery_id, status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now, endpoint__active=True
        )
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=lease, attempts=F("attempts") + 1, enqueued_at=None)
    )
    return lease if claimed else None


def webhook_deliver(delivery_id: str, *, now: datetime | None = None) -> str:
    """One attempt of a delivery if it is due and nobody else holds it. Returns the attempt's outcome (or why not)."""
    now = now or utcnow()
    lease = _claim(delivery_id, now)
    if lease is None:
        return "NOT_CLAIMED"
    delivery = WebhookDelivery.objects.select_related("event", "endpoint").get(id=delivery_id)
    endpoint, event = delivery.endpoint, delivery.event
    body = event.body.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        **signature_headers(signing_secrets(endpoint, now), message_id=event.id, timestamp=int(time.time()), body=body),
    }
    answer = post(endpoint.url, body, headers)
    finished = now + timedelta(milliseconds=answer.duration_ms)
    outcome, next_at, error = _decide(delivery, answer, finished)
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery, endpoint=endpoint, event_type=event.type, number=delivery.attempts, started_at=now,
            duration_ms=answer.duration_ms, outcome=outcome, status_code=answer.status_code,
            response_body=answer.body, error=error, next_retry_at=next_at,
        )  # fmt: skip
        status = {
            WebhookAttempt.Outcome.SUCCEEDED: WebhookDelivery.Status.SUCCEEDED,
            WebhookAttempt.Outcome.RETRYING: WebhookDelivery.Status.PENDING,
            WebhookAttempt.Outcome.FAILED: WebhookDelivery.Status.FAILED,
        }[outcome]
        # Only while our lease holds: a delivery taken over meanwhile is the other worker's to settle.
        WebhookDelivery.objects.filter(id=delivery.id, lease_until=lease).update(
            status=status, next_attempt_at=next_at, lease_until=None, last_status_code=answer.status_code,
            last_error=error, delivered_at=finished if answer.succeeded else None,
        )  # fmt: skip
        _observe_health(endpoint, succeeded=answer.succeeded, now=finished)
    if outcome != WebhookAttempt.Outcome.SUCCEEDED:
        logger.info("webhook %s to %s: %s (%s)", event.id, endpoint.id, outcome, error)
    return str(outcome)


def _decide(delivery: WebhookDelivery, answer: Answer, now: datetime) -> tuple[str, datetime | None, str]:
    if answer.succeeded:
        return WebhookAttempt.Outcome.SUCCEEDED, None, ""
    error = answer.error or f"HTTP {answer.status_code}"
    if not answer.retryable:
        return WebhookAttempt.Outcome.FAILED, None, error
    wait = answer.retry_after if answer.retry_after is not None else backoff_seconds(delivery.attempts)
    next_at = now + timedelta(seconds=wait)
    window_end = delivery.window_started_at + timedelta(seconds=_seconds("WEBHOOK_RETRY_WINDOW_SECONDS"))
    if next_at > window_end:
        return WebhookAttempt.Outcome.FAILED, None, f"{error}; gave up: retries stop after the retry window"
    return WebhookAttempt.Outcome.RETRYING, next_at, error


def _observe_health(endpoint: WebhookEndpoint, *, succeeded: bool, now: datetime) -> None:
    if succeeded:
        if endpoint.failing_since is not None:
            WebhookEndpoint.objects.filter(id=endpoint.id).update(failing_since=None)
        return
    if endpoint.failing_since is None:
        WebhookEndpoint.objects.filter(id=endpoint.id, failing_since__isnull=True).update(failing_since=now)
        return
    failing_for = now - endpoint.failing_since
    if failing_for >= timedelta(seconds=_seconds("WEBHOOK_DISABLE_AFTER_SECONDS")) and endpoint.active:
        since = f"{endpoint.failing_since:%Y-%m-%d %H:%M} UTC"
        reason = f"Every delivery failed for {failing_for.total_seconds() / 3600:.1f} hours (since {since})."
        webhook_endpoint_disable(endpoint=endpoint, reason=reason, now=now)


def webhook_endpoint_disable(*, endpoint: WebhookEndpoint, reason: str, now: datetime | None = None) -> bool:
    """Disable a failing endpoint (its pending deliveries wait for re-enabling). Returns whether it was active."""
    now = now or utcnow()
    with transaction.atomic():
        done = WebhookEndpoint.objects.filter(id=endpoint.id, active=True).update(
            active=False, disabled_at=now, disabled_reason=reason
        )
        if done:
            endpoint.active, endpoint.disabled_at, endpoint.disabled_reason = False, now, reason
            logger.warning("webhook endpoint %s disabled: %s", endpoint.id, reason)
            endpoint_disabled.send(sender=WebhookEndpoint, endpoint=endpoint, reason=reason)
            from apps.integrations.issues import observe_webhook_endpoint  # issues announce through webhooks

            observe_webhook_endpoint(
                environment_id=endpoint.environment_id, endpoint_id=endpoint.id, url=endpoint.url, disabled=True,
                reason=reason, now=now,
            )  # fmt: skip
    return bool(done)


# -- enqueueing and sweeping ---------------------------------------------------------------------------


def _queue(delivery_id: str) -> None:
    # Successful attempts are recorded as WebhookAttempt rows; django-q2 need not keep their task results too.
    async_task(TASK_DELIVER, delivery_id, save=False)


def enqueue_on_commit(delivery_ids: Sequence[str]) -> None:
    ids = list(delivery_ids)
    if ids:
        transaction.on_commit(lambda: [_queue(delivery_id) for delivery_id in ids])


def _due(now: datetime, *, queued_or_not: bool) -> list[str]:
    due = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now, endpoint__active=True
    ).filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
    if not queued_or_not:
        requeue = now - timedelta(seconds=_seconds("WEBHOOK_REQUEUE_SECONDS"))
        due = due.filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=requeue))
    return list(due.order_by("next_attempt_at").values_list("id", flat=True)[:SWEEP_LIMIT])


def webhook_sweep(*, now: datetime | None = None, inline: bool = False) -> dict[str, int]:
    """Every minute: hand each due delivery no task is on its way for to a worker (retries whose time came, ones
    a dead worker held or whose task was lost).

    `inline` sends every due delivery in this process instead (tests drive time themselves)."""
    now = now or utcnow()
    due = _due(now, queued_or_not=inline)
    if inline:
        for delivery_id in due:
            webhook_deliver(delivery_id, now=now)
        return {"due": len(due)}
    WebhookDelivery.objects.filter(id__in=due).update(enqueued_at=now)
    for delivery_id in due:
        _queue(delivery_id)
    return {"due": len(due)}


def schedule_apply() -> str:
    """Create or update the sweeper's django-q2 schedule (idempotent); returns its name."""
    Schedule.objects.update_or_create(
        name=SCHEDULE_SWEEP,
        defaults={"func": TASK_SWEEP, "schedule_type": Schedule.MINUTES, "minutes": 1, "repeats": -1},
    )
    return SCHEDULE_SWEEP
