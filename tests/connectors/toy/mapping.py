"""Toy ATS raw → DTO (pure)."""

from __future__ import annotations

from typing import Any

from apps.connectors.dtos import EmailAddress, RemoteCandidate
from apps.core.timeutils import parse_datetime


def candidate(raw: dict[str, Any]) -> RemoteCandidate:
    return RemoteCandidate(
        remote_id=str(raw["id"]),
        first_name=raw.get("first_name"),
        last_name=raw.get("last_name"),
        email_addresses=(EmailAddress(email_address=raw["email"], type="PERSONAL"),) if raw.get("email") else (),
        remote_created_at=parse_datetime(raw.get("created_at")),
        remote_updated_at=parse_datetime(raw.get("updated_at")),
        remote_data=raw,
    )
