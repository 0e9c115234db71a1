"""Ashby in-memory organisation: vendor-shaped records, change sequence numbers (for `syncToken`), cursors.

Nothing here knows about HTTP. Records are stored as the JSON Ashby returns (reference Part B5), so the dump and
the API read the same objects.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.records import StateError, fmt, ms

JsonDict = dict[str, Any]
RESOURCES = (
    "jobs", "candidates", "applications", "users", "tags", "notes", "offers", "schedules", "custom_fields",
)  # fmt: skip
# assumed: Ashby does not document a syncToken lifetime (reference B2: NOT FOUND); tokens older than this are
# refused with `sync_token_expired`, and `/_emulator/sync-tokens/expire` expires every issued token at once.
SYNC_TOKEN_LIFETIME = timedelta(days=7)
PAGE_LIMIT = 100  # "maximum and default value is 100" (AB-DOC pagination)


class Refused(StateError):
    """A business error: HTTP 200 with `success:false` and `errorInfo.code` (AB-DOC responses)."""

    status = 200

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class State:
    clock: Clock
    jobs: dict[str, JsonDict] = field(default_factory=dict)
    postings: dict[str, JsonDict] = field(default_factory=dict)
    plans: dict[str, list[JsonDict]] = field(default_factory=dict)  # interview plan id → stages
    candidates: dict[str, JsonDict] = field(default_factory=dict)
    applications: dict[str, JsonDict] = field(default_factory=dict)
    users: dict[str, JsonDict] = field(default_factory=dict)
    tags: dict[str, JsonDict] = field(default_factory=dict)
    notes: dict[str, JsonDict] = field(default_factory=dict)  # note id → note (+ "candidateId")
    offers: dict[str, JsonDict] = field(default_factory=dict)  # offer id → the offer.list row
    schedules: dict[str, JsonDict] = field(default_factory=dict)  # interview schedule id → its row with events
    sources: dict[str, JsonDict] = field(default_factory=dict)
    custom_fields: dict[str, JsonDict] = field(default_factory=dict)  # definitions (custom_fields.py)
    source_types: dict[str, JsonDict] = field(default_factory=dict)
    archive_reasons: dict[str, JsonDict] = field(default_factory=dict)
    files: dict[str, JsonDict] = field(default_factory=dict)  # handle → {id, name, handle, size, contentType}
    form_instances: dict[str, str] = field(default_factory=dict)  # submitted form instance id → application id
    form_values: dict[str, JsonDict] = field(default_factory=dict)  # submitted form instance id → its values
    seq: dict[str, dict[str, int]] = field(default_factory=lambda: {name: {} for name in RESOURCES})
    sync_tokens: dict[str, tuple[str, int, datetime]] = field(default_factory=dict)  # token → (resource, seq, at)
    counter: int = 0
    next_id: int = 1
    # Told of every change after the seed: (resource, record, created). The emulator's webhooks listen here.
    listener: Callable[[str, JsonDict, bool], None] | None = None

    # ------------------------------------------------------------------ basics
    def now(self) -> datetime:
        return ms(self.clock.now())

    def new_id(self, prefix: str) -> str:
        self.next_id += 1
        return f"{prefix}-{self.next_id:08d}-0000-4000-8000-{self.next_id:012d}"

    def touch(self, resource: str, record: JsonDict, *, at: datetime | None = None) -> None:
        """A record changed: new `updatedAt` and a new change number (what an incremental sync returns)."""
        if "updatedAt" in record or resource in ("jobs", "candidates", "applications"):
            record["updatedAt"] = fmt(at or self.now())
        self.counter += 1
        created = record["id"] not in self.seq[resource]
        self.seq[resource][record["id"]] = self.counter
        if self.listener is not None:
            self.listener(resource, record, created)

    def get(self, resource: str, identifier: Any, code: str) -> JsonDict:
        store: dict[str, JsonDict] = getattr(self, resource)
        found = store.get(identifier) if isinstance(identifier, str) else None
        if found is None:
            raise Refused(code, f"{code.replace('_', ' ').capitalize()}: {identifier}")
        return found

    # ------------------------------------------------------------------ lists: cursor, syncToken
    def list_page(self, resource: str, rows: list[JsonDict], body: JsonDict) -> JsonDict:
        """One page of `rows` (already filtered), in change order when a `syncToken` is given."""
        limit = body.get("limit", PAGE_LIMIT)
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= PAGE_LIMIT:
            raise Refused("invalid_input", f"limit must be an integer between 1 and {PAGE_LIMIT}")
        since = 0
        token = body.get("syncToken")
        if token is not None:
            since = self._sync_token_seq(resource, token)
        seqs = self.seq[resource]
        rows = sorted((row for row in rows if seqs.get(row["id"], 0) > since), key=lambda row: row["id"])
        offset, start = 0, self.counter
        cursor = body.get("cursor")
        if cursor is not None:
            offset, start = _decode_cursor(cursor, resource, since)
        page = rows[offset : offset + limit]
        more = offset + limit < len(rows)
        answer: JsonDict = {"success": True, "results": page, "moreDataAvailable": more}
        if more:
            answer["nextCursor"] = _encode_cursor(resource, since, offset + limit, start)
        else:
            answer["syncToken"] = self._issue_sync_token(resource, start)
        return answer

    def _issue_sync_token(self, resource: str, start: int) -> str:
        """assumed: the token marks the state when the sync's first page was read, so a record changed while the
        pages were read comes again in the next incremental sync (the token's exact semantics are NOT FOUND)."""
        token = secrets.token_urlsafe(12)
        self.sync_tokens[token] = (resource, start, self.now())
        return token

    def _sync_token_seq(self, resource: str, token: Any) -> int:
        issued = self.sync_tokens.get(token) if isinstance(token, str) else None
        if issued is None or issued[0] != resource:
            raise Refused("sync_token_invalid", "The sync token is invalid")
        if self.now() - issued[2] > SYNC_TOKEN_LIFETIME:
            raise Refused("sync_token_expired", "The sync token has expired; run a full sync")
        return issued[1]

    def expire_sync_tokens(self) -> int:
        expired = self.now() - SYNC_TOKEN_LIFETIME - timedelta(seconds=1)
        for token, (resource, seq, _at) in list(self.sync_tokens.items()):
            self.sync_tokens[token] = (resource, seq, expired)
        return len(self.sync_tokens)


def _encode_cursor(resource: str, since: int, offset: int, start: int) -> str:
    raw = json.dumps([resource, since, offset, start]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: Any, resource: str, since: int) -> tuple[int, int]:
    try:
        padded = str(cursor) + "=" * (-len(str(cursor)) % 4)
        name, token_since, offset, start = json.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, TypeError):
        raise Refused("invalid_next_cursor", "The cursor is invalid") from None
    if name != resource or token_since != since or not isinstance(offset, int) or offset < 0:
        raise Refused("invalid_next_cursor", "The cursor does not belong to this list")
    return offset, int(start)
