"""Personio v2 JSON → DTOs, pure functions (no HTTP). Shapes: A5 "v2 resources" (P-3P), outcome: A6."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apps.connectors.dtos import (
    EmailAddress,
    Location,
    PhoneNumber,
    RemoteApplication,
    RemoteCandidate,
    RemoteJob,
    RemoteSource,
    RemoteStage,
    SocialMedia,
)

Raw = dict[str, Any]
# The predefined stages (P-SUP) by their v1 system phase id; the v2 wire marks them `type: system` (assumed:
# the v2 values are NOT FOUND, A6). Accepted candidates become new hires; rejected and withdrawn ones are out.
HIRED_STAGES = ("accepted",)
DECLINED_STAGES = ("rejected", "withdrawn")
# `status` of a v2 job (assumed, see the emulator): only published positions take applications (A2 reason
# `errors.job-position.not-published`).
JOB_STATUS = {"published": "OPEN", "unpublished": "DRAFT", "archived": "ARCHIVED"}


def when(raw: Any) -> datetime | None:
    """`{"date-time": "2025-06-01T10:00:00", "timezone": "Europe/Berlin"}` (observed key `date-time`, P-3P; the
    P-V2C schema names it `date`, also read) → an aware datetime."""
    if not isinstance(raw, dict):
        return None
    text = raw.get("date-time") or raw.get("date")
    if not isinstance(text, str) or not text:
        return None
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        try:
            value = value.replace(tzinfo=ZoneInfo(str(raw.get("timezone") or "UTC")))
        except (ZoneInfoNotFoundError, ValueError):
            value = value.replace(tzinfo=ZoneInfo("UTC"))
    return value


def _id(raw: Any) -> str | None:
    return str(raw["id"]) if isinstance(raw, dict) and raw.get("id") not in (None, "") else None


def is_system(stage: Any, ids: tuple[str, ...]) -> bool:
    return isinstance(stage, dict) and stage.get("type") == "system" and str(stage.get("id")) in ids


def outcome(stage: Any) -> str:
    if is_system(stage, HIRED_STAGES):
        return "HIRED"
    if is_system(stage, DECLINED_STAGES):
        return "DECLINED"
    return "PENDING"


def stage(raw: Raw, index: int) -> RemoteStage:
    return RemoteStage(remote_id=str(raw["id"]), name=raw.get("name"), index=index, remote_data=raw)


def job(raw: Raw, *, category: Raw | None) -> RemoteJob:
    department = raw.get("department")
    stages = (category or {}).get("stages") or ()
    return RemoteJob(
        remote_id=str(raw["id"]),
        name=raw.get("name"),
        department=department.get("name") if isinstance(department, dict) else None,
        category=(category or {}).get("name"),
        status=JOB_STATUS.get(str(raw.get("status"))),
        remote_created_at=when(raw.get("created_at")),
        remote_updated_at=when(raw.get("updated_at")),
        stages=tuple(stage(item, index) for index, item in enumerate(stages) if isinstance(item, dict)),
        remote_data=raw,
    )


def candidate(raw: Raw) -> RemoteCandidate:
    email, phone, linkedin = raw.get("email"), raw.get("phone"), raw.get("linkedin_profile")
    location = raw.get("location")
    return RemoteCandidate(
        remote_id=str(raw["id"]),
        first_name=raw.get("first_name"),
        last_name=raw.get("last_name"),
        email_addresses=(EmailAddress(email_address=email, type="PERSONAL"),) if email else (),
        phone_numbers=(PhoneNumber(phone_number=str(phone)),) if phone else (),
        social_media=(SocialMedia(link=str(linkedin), type="LINKEDIN"),) if linkedin else (),
        location=Location(raw=str(location)) if isinstance(location, str) and location else None,
        remote_created_at=when(raw.get("created_at")),
        remote_updated_at=when(raw.get("updated_at")),
        remote_data=raw,
    )


def application(raw: Raw, *, rejected_at: datetime | None = None) -> RemoteApplication:
    current = raw.get("current_stage")
    channel = raw.get("channel")
    return RemoteApplication(
        remote_id=str(raw["id"]),
        candidate_remote_id=_id(raw.get("candidate")) or "",
        job_remote_id=_id(raw.get("job")),
        current_stage_remote_id=_id(current),
        outcome=outcome(current),
        rejected_at=rejected_at,
        source=channel.get("name") if isinstance(channel, dict) else None,
        remote_created_at=when(raw.get("created_at")),
        remote_updated_at=when(raw.get("updated_at")),
        remote_data=raw,
    )


def rejected_at(transitions: list[Raw]) -> datetime | None:
    """`rejected_at` = `entered_at` of the latest transition into Rejected/Withdrawn (A6; the list is latest-first)."""
    latest = next((t for t in transitions if is_system(t.get("stage"), DECLINED_STAGES)), None)
    return when(latest.get("entered_at")) if latest else None


def source(raw: Any) -> RemoteSource | None:
    """The v2 application's `channel {id, name}` (P-3P, 2 repos)."""
    if not isinstance(raw, dict) or raw.get("id") in (None, ""):
        return None
    return RemoteSource(remote_id=str(raw["id"]), label=str(raw.get("name") or raw["id"]), remote_data=raw)
