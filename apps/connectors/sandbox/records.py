"""The sandbox store's value types (faults, listings, new records, summaries) and its small codecs."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from apps.connectors.errors import (
    ConnectorInputError,
)
from apps.connectors.sandbox import generator
from apps.connectors.sandbox.generator import (
    iso,
)


class FaultKind(StrEnum):
    """What the next calls to the sandbox do instead of answering (for the connector contract suite)."""

    RATE_LIMITED = "RATE_LIMITED"
    UNAVAILABLE = "UNAVAILABLE"
    TIMEOUT = "TIMEOUT"
    AUTH_FAILURE = "AUTH_FAILURE"
    # A write is carried out but its answer never arrives (the connector raises ConnectorWriteUncertain);
    # on reads it behaves like TIMEOUT.
    ANSWER_LOST = "ANSWER_LOST"
    PERMISSION_DENIED = "PERMISSION_DENIED"


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    retry_after: float | None = None


@dataclass(frozen=True)
class Listing:
    """One page of a listing: live documents, ids deleted in the window, and the key to continue after."""

    docs: list[dict[str, Any]]
    deleted_ids: list[str]
    last_key: tuple[str, ...] | None  # None: this was the last page


@dataclass(frozen=True)
class NewCandidate:
    """A candidate as a create-application request describes it."""

    first_name: str
    last_name: str
    email_address: str
    company: str | None = None
    title: str | None = None
    phone_number: str | None = None
    additional_email_addresses: tuple[tuple[str, str], ...] = ()  # (type, address)
    additional_phone_numbers: tuple[tuple[str, str], ...] = ()  # (type, number)
    location: Mapping[str, Any] | None = None  # city, country (ISO alpha-2), state, street_1, zip_code
    gender: str | None = None
    availability_date: date | None = None
    salary_expectation: tuple[str, float] | None = None  # (period YEAR|MONTH, amount)
    social_links: tuple[str, ...] = ()


@dataclass(frozen=True)
class NewAttachment:
    name: str
    type: str  # CV | COVER_LETTER | OTHER
    content_type: str
    data: bytes


@dataclass(frozen=True)
class CreatedApplication:
    application: dict[str, Any]
    candidate: dict[str, Any]
    candidate_created: bool  # False when an existing candidate (same email) applied again


@dataclass
class AdvanceSummary:
    steps: int = 0
    moved: int = 0
    hired: int = 0
    rejected: int = 0
    changed: int = 0
    vanished: int = 0
    arrived: int = 0
    touched_application_ids: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "steps": self.steps, "moved": self.moved, "hired": self.hired, "rejected": self.rejected,
            "changed": self.changed, "vanished": self.vanished, "arrived": self.arrived,
        }  # fmt: skip


def now_iso() -> str:
    return iso(datetime.now(tz=UTC))


def parse_iso(value: str | None) -> datetime | None:
    if value is None:
        return None
    return datetime.fromisoformat(value)


def _sources_from(raw: str | None) -> list[dict[str, str]]:
    if raw is None:
        return [{"id": f"src-{index + 1}", "label": label} for index, label in enumerate(generator.SOURCES)]
    return json.loads(raw)


def _lookup(model: str, doc: Mapping[str, Any]) -> str | None:
    """The indexed lookup value: a candidate's primary email, a tag's name (both case-insensitive)."""
    if model == "candidates" and doc.get("emails"):
        return str(doc["emails"][0]["address"]).strip().casefold()
    if model == "tags" and doc.get("name"):
        return str(doc["name"]).strip().casefold()
    return None


def _plain_to_html(text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "".join(f"<p>{line}</p>" for line in escaped.splitlines() or [""])


def encode_key(key: tuple[str, ...]) -> str:
    """An opaque cursor for a listing key."""
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


def decode_key(cursor: str) -> tuple[str, ...]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error):
        raise ConnectorInputError(f"Invalid cursor {cursor!r}.") from None
    if not isinstance(value, list) or not value or not all(isinstance(part, str) for part in value):
        raise ConnectorInputError(f"Invalid cursor {cursor!r}.")
    return tuple(value)
