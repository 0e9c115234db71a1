"""`Idempotency-Key`: a retried write answers the first response without writing to the ATS again.

- The first request with a key inserts an `IdempotencyKey` row (unique per integration and key) and runs the
  write; identical requests arriving meanwhile wait (polling the row) and answer the stored response, so ten
  racing retries make one ATS write and ten identical responses.
- The same key with a different request (method, path, body) is refused with PLATFORM.INPUT_INVALID.
- Final outcomes are stored: success, and the ATS's own refusals (ATS.*, REMOTE.INPUT_INVALID).
- A write that may have reached the ATS without an answer (or whose owner died after sending it) leaves the key
  UNCERTAIN; the next retry runs with `Attempt.reconcile` set, and the service looks the result up in the ATS
  before sending anything again.
- Once the ATS confirmed any step of a write (`Attempt.acted`, e.g. the application of a multi-step create), no
  error releases the key or is stored as final: it stays UNCERTAIN and the retry resumes (writes.progress).
- A retry that is reconciling (the key was UNCERTAIN) keeps it UNCERTAIN whatever goes wrong before it found
  out: a 429 on the look-up proves nothing about the earlier run's write.
- Anything else (invalid input, ATS unavailable or rate limiting before a write) releases the key: a retry runs
  afresh.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction

from apps.applications.models import CreateProgress, IdempotencyKey
from apps.applications.writes.errors import WriteUncertainError
from apps.core.api.errors import ApiError, ErrorCode, input_invalid
from apps.core.timeutils import utcnow
from apps.integrations.models import Integration

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
POLL_SECONDS = 0.02
MESSAGE_KEY_TOO_LONG = f"{HEADER}: at most {MAX_KEY_LENGTH} characters."
MESSAGE_KEY_REUSED = (
    f"{HEADER}: this key was already used for a different request (another path or body). Use a new key for a new "
    "request."
)
MESSAGE_STILL_RUNNING = f"A request with this {HEADER} is still being processed; retry in a moment."
FINAL_ERROR_CODES = frozenset(
    {ErrorCode.ATS_JOB_CLOSED, ErrorCode.ATS_APPLICATION_ALREADY_EXISTS, ErrorCode.REMOTE_INPUT_INVALID}
)
# Refusals that prove the ATS did not act, even after the write was sent.
NOTHING_WRITTEN_CODES = frozenset(
    {
        ErrorCode.PLATFORM_INPUT_INVALID,
        ErrorCode.REMOTE_RATE_LIMIT_EXCEEDED,
        ErrorCode.INTEGRATION_AUTHENTICATION_INVALID,
        ErrorCode.INTEGRATION_PERMISSION_MISSING,
        ErrorCode.INTEGRATION_ACTION_NOT_AVAILABLE,
    }
)


@dataclass(frozen=True)
class WriteOutcome:
    """What a write service returns: the response's `data` and its `warnings` (always present, maybe empty)."""

    data: dict[str, Any]
    warnings: list[str] = field(default_factory=list)

    def body(self) -> dict[str, Any]:
        return {
            "status": "success",
            "data": self.data,
            "warnings": [{"message": message} for message in self.warnings],
        }


@dataclass
class Attempt:
    """One run of a write. `reconcile`: an earlier run with the same key may have written already, so look first.
    The service sets `sent` right before it asks the ATS to write (from then on, a crash leaves it UNCERTAIN), and
    `acted` once the ATS confirmed a step (from then on, no error releases the key). `key`: the request's key."""

    reconcile: bool = False
    sent: bool = False
    acted: bool = False
    key: str | None = None


@dataclass(frozen=True)
class Claim:
    row: IdempotencyKey | None = None
    replay: tuple[int, dict[str, Any]] | None = None
    reconcile: bool = False


def request_fingerprint(method: str, path: str, body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{method.upper()} {path}\n{canonical}".encode()).hexdigest()


def _ttl() -> timedelta:
    return timedelta(seconds=settings.IDEMPOTENCY_KEY_TTL_SECONDS)


def _stale() -> timedelta:
    return timedelta(seconds=settings.IDEMPOTENCY_STALE_SECONDS)


def idempotency_claim(*, integration: Integration, key: str, fingerprint: str) -> Claim:
    """Own the key (run the write), or get the stored response; waits while an identical request runs."""
    if len(key) > MAX_KEY_LENGTH:
        raise input_invalid(MESSAGE_KEY_TOO_LONG)
    deadline = time.monotonic() + settings.IDEMPOTENCY_WAIT_SECONDS
    while True:
        token = secrets.token_hex(16)
        now = utcnow()
        try:
            # Outside a transaction the INSERT commits on its own (a refused one leaves nothing to roll back);
            # inside one, a savepoint keeps a refusal from breaking it.
            with transaction.atomic() if connection.in_atomic_block else nullcontext():
                row = IdempotencyKey.objects.create(
                    integration=integration, key=key, fingerprint=fingerprint, claim_token=token, created_at=now,
                    claimed_at=now,
                )  # fmt: skip
            return Claim(row=row)
        except IntegrityError:
            pass
        row = IdempotencyKey.objects.filter(integration=integration, key=key).first()
        if row is None:
            continue  # released in the meantime: try to own it
        if row.created_at < now - _ttl():
            IdempotencyKey.objects.filter(id=row.id, claim_token=row.claim_token).delete()
            continue
        if row.fingerprint != fingerprint:
            raise input_invalid(MESSAGE_KEY_REUSED)
        if row.status == IdempotencyKey.Status.COMPLETED:
            return Claim(replay=(row.response_status or 200, row.response_body or {}))
        dead_owner = row.status == IdempotencyKey.Status.IN_PROGRESS and row.claimed_at < now - _stale()
        if row.status == IdempotencyKey.Status.UNCERTAIN or dead_owner:
            taken = IdempotencyKey.objects.filter(id=row.id, claim_token=row.claim_token).update(
                status=IdempotencyKey.Status.IN_PROGRESS, claim_token=token, claimed_at=now
            )
            if taken:
                row.claim_token, row.status = token, IdempotencyKey.Status.IN_PROGRESS
                return Claim(row=row, reconcile=True)
            continue
        if time.monotonic() >= deadline:
            raise ApiError(ErrorCode.PLATFORM_CONCURRENCY_LIMIT_EXCEEDED, MESSAGE_STILL_RUNNING, status=409)
        time.sleep(POLL_SECONDS)


def _owned(row: IdempotencyKey) -> Any:
    return IdempotencyKey.objects.filter(id=row.id, claim_token=row.claim_token)


def idempotency_complete(*, row: IdempotencyKey, status: int, body: dict[str, Any]) -> None:
    _owned(row).update(status=IdempotencyKey.Status.COMPLETED, response_status=status, response_body=body)


def idempotency_release(*, row: IdempotencyKey) -> None:
    _owned(row).delete()


def idempotency_mark_uncertain(*, row: IdempotencyKey) -> None:
    _owned(row).update(status=IdempotencyKey.Status.UNCERTAIN)


def idempotent_write(
    *, integration: Integration, key: str | None, fingerprint: str, run: Callable[[Attempt], WriteOutcome]
) -> tuple[int, dict[str, Any]]:
    """Run a write once per key; returns (HTTP status, body). Errors propagate as ApiError (rendered as usual)."""
    if not key:
        return 200, run(Attempt()).body()
    claim = idempotency_claim(integration=integration, key=key, fingerprint=fingerprint)
    if claim.replay is not None:
        return claim.replay
    row = claim.row
    assert row is not None
    attempt = Attempt(reconcile=claim.reconcile, key=key)
    try:
        outcome = run(attempt)
    except WriteUncertainError:
        idempotency_mark_uncertain(row=row)
        raise
    except ApiError as error:
        if attempt.acted or attempt.reconcile:
            # the ATS holds part of it, or an earlier run may have written (this one failed before it could look
            # or finish looking): the retry resumes or looks again, never re-sends, never takes "already exists"
            idempotency_mark_uncertain(row=row)
        elif error.code in FINAL_ERROR_CODES:
            idempotency_complete(row=row, status=error.status, body=error.body())
        elif attempt.sent and error.code not in NOTHING_WRITTEN_CODES:
            idempotency_mark_uncertain(row=row)  # e.g. a 5xx answer to the write: look before writing again
        else:
            idempotency_release(row=row)
        raise
    except BaseException:
        if attempt.sent or attempt.reconcile:
            idempotency_mark_uncertain(row=row)
        else:
            idempotency_release(row=row)
        raise
    body = outcome.body()
    idempotency_complete(row=row, status=200, body=body)
    return 200, body


def idempotency_keys_purge(*, now: datetime | None = None) -> int:
    """Delete keys older than their TTL (they no longer count, see `idempotency_claim`); returns how many."""
    cutoff = (now or utcnow()) - _ttl()
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    # The steps of creates as old: a retry with their key no longer resumes (a finished create is tracked anyway).
    CreateProgress.objects.filter(created_at__lt=cutoff).delete()
    return deleted
